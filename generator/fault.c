/* fault.c: parsing a stream's "faults" and the pure decisions behind them (fault.h). */
#include "fault.h"

#include <math.h>
#include <stdlib.h>

#include "plan.h"
#include "profile_priv.h"
#include "stream.h"

const char *const fault_counter_names[FC_COUNT] = {"duplicates", "late", "nulls", "malformed",
                                                   "drifted"};

static const cJSON *member(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

uint64_t fault_dups_in_window(const struct faults *f, uint64_t w, uint64_t k)
{
    struct pcg32 g;
    struct dist d;
    double p[DIST_MAXP] = {0};
    char msg[8];
    int bad;

    if (!f || f->dup_rate <= 0 || !k)
        return 0;
    p[0] = f->dup_rate * (double)k;
    fount_rng_at(&g, f->dup_key, w);
    if (dist_init(&d, DIST_POISSON, p, msg, sizeof msg, &bad))
        return 0;
    return (uint64_t)dist_sample(&d, &g);
}

int fault_dup(const struct stream *s, const struct faults *f, uint64_t w, uint64_t j,
              int64_t *send, uint64_t *tw, uint64_t *ti)
{
    struct pcg32 g;
    int64_t t0, len, target;
    double delay;
    int back;

    stream_window_bounds(s, w, &t0, &len);
    fount_rng_at(&g, f->dup_key ^ 0x6a09e667f3bcc909ULL, (w << 20) | (j & 0xfffff));
    *send = t0 + (int64_t)(pcg32_double(&g) * (double)len);
    delay = dist_sample(&f->dup_delay, &g);
    if (!(delay >= 0))
        delay = 0;
    target = *send - (int64_t)(delay * 1e6);
    if (target < s->start_us || w == 0)
        return 0;
    *tw = (uint64_t)((target - s->start_us) / s->window_us);
    if (*tw >= w) /* a duplicate repeats an event of an earlier window */
        *tw = w - 1;
    for (back = 0; back < 64; back++) {
        uint64_t k = stream_window_count(s, *tw);
        if (k) {
            *ti = pcg32_bounded64(&g, k);
            return 1;
        }
        if (*tw == 0)
            break;
        (*tw)--;
    }
    return 0;
}

uint64_t fault_window_records(const struct stream *s, const struct faults *f, uint64_t w,
                              uint64_t k)
{
    uint64_t d = fault_dups_in_window(f, w, k), j, n = k, tw, ti;
    int64_t send;

    for (j = 0; j < d; j++)
        n += (uint64_t)fault_dup(s, f, w, j, &send, &tw, &ti);
    return n;
}

int fault_version(const struct faults *f, int64_t t_since)
{
    int v = 0;

    while (f && v < f->ndrift && t_since >= f->drift[v].at_us)
        v++;
    return v;
}

void faults_free(struct faults *f)
{
    if (!f)
        return;
    dist_free(&f->dup_delay);
    dist_free(&f->late_by);
    free(f->null_cols);
    free(f->absent);
    free(f);
}

static int prate(struct pctx *c, const cJSON *o, const char *path, double *rate)
{
    char p[PATH_MAX_LEN];

    if (pnum(c, o, path, "rate", 1, rate) != 1)
        return -1;
    if (*rate < 0 || *rate > 1) {
        perr(c, pjoin(p, path, "rate"), "must be between 0 and 1 (got %g)", *rate);
        return -1;
    }
    return 0;
}

/* A distribution of seconds; a duration string is a constant. */
static int psecs(struct pctx *c, const cJSON *o, const char *path, const char *key, double def_mean,
                 struct dist *d)
{
    const cJSON *v = member(o, key);
    char p[PATH_MAX_LEN], msg[64];
    double par[DIST_MAXP] = {0};
    int64_t us;
    int bad;

    pjoin(p, path, key);
    if (!v) { /* exponential with the given mean */
        par[0] = 1 / def_mean;
        return dist_init(d, DIST_EXPONENTIAL, par, msg, sizeof msg, &bad);
    }
    if (cJSON_IsString(v) && parse_duration(v->valuestring, &us) == 0) {
        par[0] = (double)us / 1e6;
        return dist_init(d, DIST_CONST, par, msg, sizeof msg, &bad);
    }
    return pdist(c, v, p, 1e6, 0, d);
}

static int col_named(struct pctx *c, const struct entity *e, const cJSON *v, const char *p)
{
    int i;

    if (!cJSON_IsString(v)) {
        perr(c, p, "expected a field name, got %s", ptype_name(v));
        return -1;
    }
    i = entity_field(e, v->valuestring);
    if (i < 0)
        perr_val(c, p, "no field named \"%s\"", v->valuestring);
    return i;
}

static int pnulls(struct pctx *c, struct entity *e, struct faults *f, const cJSON *o,
                  const char *path)
{
    static const char *const keys[] = {"rate", "fields", NULL};
    const cJSON *fs = member(o, "fields"), *it;
    char p[PATH_MAX_LEN];
    size_t i;

    if (pkeys(c, o, path, keys) || prate(c, o, path, &f->null_rate))
        return -1;
    f->null_cols = xcalloc(e->nfields + 1, sizeof *f->null_cols);
    if (!fs) { /* every field but the clock and the key */
        for (i = 0; i < e->nfields; i++)
            if ((int)i != e->stream->time_field && (int)i != e->stream->key_field)
                f->null_cols[f->nnull++] = (int)i;
    } else if (!cJSON_IsArray(fs)) {
        perr(c, pjoin(p, path, "fields"), "expected an array of field names");
        return -1;
    } else {
        i = 0;
        cJSON_ArrayForEach(it, fs)
        {
            int col = col_named(c, e, it, pidx(p, pjoin(p, path, "fields"), i++));
            if (col < 0)
                return -1;
            f->null_cols[f->nnull++] = col;
        }
    }
    for (i = 0; i < (size_t)f->nnull; i++)
        e->cols[f->null_cols[i]].nullable = 1; /* the schema must admit what the fault sends */
    return 0;
}

static int pmalformed(struct pctx *c, struct faults *f, const cJSON *o, const char *path)
{
    static const char *const keys[] = {"rate", "kinds", NULL};
    static const char *const kinds[] = {"truncated", "wrong_type", "invalid_utf8"};
    static const int flags[] = {ROW_TRUNCATED, ROW_WRONG_TYPE, ROW_BAD_UTF8};
    const cJSON *ks = member(o, "kinds"), *it;
    char p[PATH_MAX_LEN];
    size_t i = 0, k;

    if (pkeys(c, o, path, keys) || prate(c, o, path, &f->malformed_rate))
        return -1;
    if (!ks) {
        f->malformed_kinds = ROW_MALFORMED;
        return 0;
    }
    pjoin(p, path, "kinds");
    if (!cJSON_IsArray(ks) || !cJSON_GetArraySize(ks)) {
        perr(c, p, "expected a non-empty array of \"truncated\", \"wrong_type\", \"invalid_utf8\"");
        return -1;
    }
    cJSON_ArrayForEach(it, ks)
    {
        char ip[PATH_MAX_LEN];
        int ok = 0;
        for (k = 0; k < 3 && cJSON_IsString(it); k++)
            if (!strcmp(it->valuestring, kinds[k])) {
                f->malformed_kinds |= flags[k];
                ok = 1;
            }
        if (!ok) {
            perr(c, pidx(ip, p, i), "expected \"truncated\", \"wrong_type\" or \"invalid_utf8\"");
            return -1;
        }
        i++;
    }
    return 0;
}

/* Adds a column to a stream after its own fields (a renamed field, the schema version). */
static int add_column(struct entity *e, const char *name, enum gen_kind g, int src,
                      enum fount_vtype t)
{
    size_t i = e->nfields++;

    e->fields = xrealloc(e->fields, e->nfields * sizeof *e->fields);
    e->cols = xrealloc(e->cols, e->nfields * sizeof *e->cols);
    memset(&e->fields[i], 0, sizeof e->fields[i]);
    memset(&e->cols[i], 0, sizeof e->cols[i]);
    for (size_t j = 0; j < e->nfields; j++) /* realloc moved the names' owners */
        e->cols[j].name = e->fields[j].name;
    e->fields[i].name = xstrdup(name);
    e->fields[i].index = (int)i;
    e->fields[i].gen = g;
    e->fields[i].time_field = e->fields[i].target_field = -1;
    e->cols[i].name = e->fields[i].name;
    e->cols[i].type = t;
    e->cols[i].decimals = -1;
    e->cols[i].max_len = -1;
    if (src >= 0) {
        e->fields[i].deps = xcalloc(1, sizeof *e->fields[i].deps);
        e->fields[i].deps[0] = src;
        e->fields[i].ndeps = 1;
        e->cols[i] = e->cols[src];
        e->cols[i].name = e->fields[i].name;
        e->cols[i].unique = e->cols[i].primary_key = 0;
    }
    return (int)i;
}

static int pchange(struct pctx *c, struct entity *e, struct faults *f, const cJSON *ch,
                   const char *p)
{
    static const char *const keys[] = {"at", "add", "remove", "rename", "type", NULL};
    static const char *const rkeys[] = {"from", "to", NULL};
    static const char *const tkeys[] = {"field", "to", NULL};
    struct drift *d = &f->drift[f->ndrift];
    const cJSON *v;
    char q[PATH_MAX_LEN];
    const char *at = NULL, *to = NULL;
    int nkinds = 0;

    if (!cJSON_IsObject(ch) || pkeys(c, ch, p, keys)) {
        if (!cJSON_IsObject(ch))
            perr(c, p, "expected {\"at\": \"30m\", and one of add, remove, rename, type}");
        return -1;
    }
    if (pstr(c, ch, p, "at", 1, &at) != 1 || parse_duration(at, &d->at_us)) {
        if (at)
            perr(c, pjoin(q, p, "at"), "expected a duration after the stream's start, like \"30m\"");
        return -1;
    }
    if (f->ndrift && d->at_us <= f->drift[f->ndrift - 1].at_us) {
        perr(c, pjoin(q, p, "at"), "changes must come in increasing order of \"at\"");
        return -1;
    }
    d->new_col = -1;
    if ((v = member(ch, "add")))
        nkinds++, d->kind = DRIFT_ADD, d->col = col_named(c, e, v, pjoin(q, p, "add"));
    if ((v = member(ch, "remove")))
        nkinds++, d->kind = DRIFT_REMOVE, d->col = col_named(c, e, v, pjoin(q, p, "remove"));
    if ((v = member(ch, "rename"))) {
        nkinds++;
        d->kind = DRIFT_RENAME;
        pjoin(q, p, "rename");
        if (!cJSON_IsObject(v) || pkeys(c, v, q, rkeys) || pstr(c, v, q, "to", 1, &to) != 1)
            return -1;
        d->col = col_named(c, e, member(v, "from"), pjoin(q, q, "from"));
        if (d->col >= 0 && entity_field(e, to) >= 0) {
            perr_val(c, pjoin(q, p, "rename.to"), "\"%s\" is taken already", to);
            return -1;
        }
        if (d->col >= 0)
            d->new_col = add_column(e, to, GEN_COPY, d->col, FV_STRING);
    }
    if ((v = member(ch, "type"))) {
        nkinds++;
        d->kind = DRIFT_TYPE;
        pjoin(q, p, "type");
        if (!cJSON_IsObject(v) || pkeys(c, v, q, tkeys) || pstr(c, v, q, "to", 1, &to) != 1)
            return -1;
        if (strcmp(to, "string") != 0) {
            perr_val(c, pjoin(q, q, "to"), "only \"string\" is supported (numbers become text)");
            return -1;
        }
        d->col = col_named(c, e, member(v, "field"), pjoin(q, q, "field"));
    }
    if (nkinds != 1) {
        perr(c, p, "give exactly one of add, remove, rename, type");
        return -1;
    }
    if (d->col < 0)
        return -1;
    f->ndrift++;
    return 0;
}

static int pdrift(struct pctx *c, struct entity *e, struct faults *f, const cJSON *o,
                  const char *path)
{
    static const char *const keys[] = {"changes", "version_field", NULL};
    const cJSON *chs = member(o, "changes"), *ch;
    const char *vf = "schema_version";
    char p[PATH_MAX_LEN];
    size_t i = 0, col;
    int v;

    if (pkeys(c, o, path, keys) || pstr(c, o, path, "version_field", 0, &vf) < 0)
        return -1;
    pjoin(p, path, "changes");
    if (!cJSON_IsArray(chs) || !cJSON_GetArraySize(chs) || cJSON_GetArraySize(chs) > DRIFT_MAX) {
        perr(c, p, "expected an array of 1 to %d changes", DRIFT_MAX);
        return -1;
    }
    cJSON_ArrayForEach(ch, chs)
    {
        char ip[PATH_MAX_LEN];
        if (pchange(c, e, f, ch, pidx(ip, p, i++)))
            return -1;
    }
    if (entity_field(e, vf) >= 0) {
        perr_val(c, pjoin(p, path, "version_field"), "\"%s\" is a field already", vf);
        return -1;
    }
    f->version_col = add_column(e, vf, GEN_SCHEMA_VERSION, -1, FV_INT);
    /* Which columns each version lacks: added ones before their change, removed and renamed
     * ones after it. */
    f->absent = xcalloc((size_t)(f->ndrift + 1) * e->nfields, 1);
    for (v = 0; v <= f->ndrift; v++)
        for (i = 0; i < (size_t)f->ndrift; i++) {
            const struct drift *d = &f->drift[i];
            uint8_t *row = f->absent + (size_t)v * e->nfields;
            if (d->kind == DRIFT_ADD && v <= (int)i)
                row[d->col] = 1;
            if ((d->kind == DRIFT_REMOVE || d->kind == DRIFT_RENAME) && v > (int)i)
                row[d->col] = 1;
            if (d->kind == DRIFT_RENAME && v <= (int)i)
                row[d->new_col] = 1;
        }
    for (col = 0; col < e->nfields; col++)
        for (v = 0; v <= f->ndrift; v++)
            if (f->absent[(size_t)v * e->nfields + col])
                e->cols[col].nullable = 1;
    return 0;
}

int pfaults(struct pctx *c, struct entity *e, const cJSON *o, const char *path)
{
    static const char *const keys[] = {"duplicates", "late", "nulls", "malformed", "drift", NULL};
    static const char *const dkeys[] = {"rate", "delay", NULL};
    static const char *const lkeys[] = {"rate", "by", NULL};
    struct faults *f = xcalloc(1, sizeof *f);
    const cJSON *v;
    char p[PATH_MAX_LEN];
    int bad = 0;

    e->faults = f;
    f->version_col = -1;
    f->dup_key = fount_key(c->plan->seed, e->name, "", "dup");
    f->late_key = fount_key(c->plan->seed, e->name, "", "late");
    f->null_key = fount_key(c->plan->seed, e->name, "", "nullfault");
    f->bad_key = fount_key(c->plan->seed, e->name, "", "malformed");
    if (!cJSON_IsObject(o)) {
        perr(c, path, "expected an object of faults (duplicates, late, nulls, malformed, drift)");
        return -1;
    }
    if (pkeys(c, o, path, keys))
        return -1;
    if ((v = member(o, "duplicates"))) {
        pjoin(p, path, "duplicates");
        bad += pkeys(c, v, p, dkeys) || prate(c, v, p, &f->dup_rate) ||
               psecs(c, v, p, "delay", 5, &f->dup_delay);
    }
    if ((v = member(o, "late"))) {
        pjoin(p, path, "late");
        bad += pkeys(c, v, p, lkeys) || prate(c, v, p, &f->late_rate) ||
               psecs(c, v, p, "by", 30, &f->late_by);
    }
    if ((v = member(o, "nulls")))
        bad += pnulls(c, e, f, v, pjoin(p, path, "nulls")) != 0;
    if ((v = member(o, "malformed")))
        bad += pmalformed(c, f, v, pjoin(p, path, "malformed")) != 0;
    if ((v = member(o, "drift")))
        bad += pdrift(c, e, f, v, pjoin(p, path, "drift")) != 0;
    return bad ? -1 : 0;
}

void faults_reseed(struct faults *f, uint64_t seed, const char *name)
{
    if (!f)
        return;
    f->dup_key = fount_key(seed, name, "", "dup");
    f->late_key = fount_key(seed, name, "", "late");
    f->null_key = fount_key(seed, name, "", "nullfault");
    f->bad_key = fount_key(seed, name, "", "malformed");
}
