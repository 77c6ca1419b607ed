/* cdc.c: change data capture streams (cdc.h): parsing "cdc", the columns of the envelope, the
 * draws of each row's history, and its row images rendered as JSON. */
#include "cdc.h"

#include <math.h>
#include <stdlib.h>

#include "../sinks/format.h"
#include "gen.h"
#include "lifecycle.h"
#include "profile_priv.h"
#include "stream.h"

static const cJSON *member(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* ---------- the walk ---------- */

void cdc_walk_start(const struct cdc *d, struct lc_walk *w)
{
    uint64_t k = (uint64_t)d->upd_min;
    int del;

    if (d->upd_min != d->upd_max && d->upd_has_dist) {
        double x = dist_sample(&d->upd_dist, &w->path);
        k = !(x >= (double)d->upd_min) ? (uint64_t)d->upd_min
            : x >= (double)d->upd_max  ? (uint64_t)d->upd_max
                                       : (uint64_t)llround(x);
    } else if (d->upd_min != d->upd_max) {
        k += pcg32_bounded64(&w->path, (uint64_t)(d->upd_max - d->upd_min) + 1);
    }
    del = d->del_p > 0 && pcg32_double(&w->path) < d->del_p;
    w->updates = (uint32_t)k;
    w->last = (uint32_t)k + (uint32_t)del;
}

double cdc_gap(const struct cdc *d, struct lc_walk *w)
{
    return dist_sample(w->step + 1 <= w->updates ? &d->upd_after : &d->del_after, &w->dwell);
}

double cdc_mean_records(const struct cdc *d)
{
    double m = (double)(d->upd_min + d->upd_max) / 2;

    if (d->upd_min != d->upd_max && d->upd_has_dist) {
        m = dist_mean(&d->upd_dist);
        if (!(m >= (double)d->upd_min))
            m = (double)d->upd_min;
        if (m > (double)d->upd_max)
            m = (double)d->upd_max;
    }
    return 1 + m + d->del_p;
}

/* ---------- records ---------- */

/* Version v of row `row` as JSON text in the chunk's arena. */
static struct fount_value image(const struct cdc *d, uint64_t row, uint64_t version, int64_t t,
                                struct gen_buf *gb)
{
    const struct entity *ent = d->entity;
    struct fount_value *vals = arena_alloc(&gb->arena, ent->nfields * sizeof *vals), out;
    struct row_change ch;
    char *s;

    memset(&out, 0, sizeof out);
    ch.change = d->change;
    ch.update_key = d->update_key;
    ch.version = version;
    ch.time = t;
    gen_row_changed(ent, row, &ch, vals, &gb->arena);
    buf_reset(&gb->json);
    if (encode_json_object(&ent->rel, vals, &gb->json)) /* past 16 MiB: no row is that wide */
        return out;
    s = arena_alloc(&gb->arena, gb->json.len);
    memcpy(s, gb->json.data, gb->json.len);
    out.type = FV_JSON;
    out.v.s = s;
    out.len = (uint32_t)gb->json.len;
    return out;
}

void cdc_images(const struct cdc *d, uint64_t row, int64_t t, struct lc_event *ev,
                struct gen_buf *gb)
{
    switch (ev->state) {
    case CDC_INSERT:
        ev->before.type = FV_NULL;
        ev->after = image(d, row, 0, t, gb);
        break;
    case CDC_UPDATE:
        ev->before = ev->after;
        ev->after = image(d, row, ev->step, t, gb);
        break;
    default:
        ev->before = ev->after;
        ev->after.type = FV_NULL;
    }
}

void cdc_source(const struct cdc *d, const struct rowpos *pos, struct fount_value *out,
                struct arena *a)
{
    char *s = arena_alloc(a, d->head_len + d->mid_len + 2 * FMT_I64_MAX + 1), *p = s;
    int64_t ms = pos->time / 1000 - (pos->time % 1000 < 0);

    memcpy(p, d->src_head, d->head_len);
    p += d->head_len;
    p += fmt_i64(p, ms);
    memcpy(p, d->src_mid, d->mid_len);
    p += d->mid_len;
    p += fmt_u64(p, pos->ev->record);
    *p++ = '}';
    out->type = FV_JSON;
    out->v.s = s;
    out->len = (uint32_t)(p - s);
}

void cdc_reseed(struct cdc *d, uint64_t seed)
{
    size_t j;

    if (!d || !d->entity)
        return;
    for (j = 0; j < d->entity->nfields; j++)
        d->update_key[j] = d->change[j] == ROWCH_UPDATE
                               ? fount_key(seed, d->entity->name, d->entity->fields[j].name,
                                           "update")
                               : 0;
}

void cdc_free(struct cdc *d)
{
    if (!d)
        return;
    dist_free(&d->upd_dist);
    dist_free(&d->upd_after);
    dist_free(&d->del_after);
    free(d->update_key);
    free(d->change);
    free(d->src_head);
    free(d->src_mid);
    free(d);
}

/* ---------- parsing ---------- */

/* Exponential with a mean of 60 s: the default time between changes. */
static void default_gap(struct dist *g)
{
    double par[DIST_MAXP] = {1.0 / 60};
    char msg[8];
    int bad;

    dist_init(g, DIST_EXPONENTIAL, par, msg, sizeof msg, &bad);
}

/* updates.count: a whole number, {"min": .., "max": ..}, or a distribution (clamped). */
static int pcount(struct pctx *c, struct cdc *d, const cJSON *u, const char *path)
{
    int64_t lo, hi;

    if (pcount_spec(c, u, path, "count", CDC_MAX_UPDATES, CDC_MAX_UPDATES, &lo, &hi, &d->upd_dist,
                    &d->upd_has_dist))
        return -1;
    d->upd_min = lo;
    d->upd_max = hi;
    return 0;
}

/* Does field `from` of t read field fi, directly or through others? */
static int reads(const struct entity *t, int from, int fi, int depth)
{
    size_t k;

    if (from == fi)
        return 1;
    if (depth > 64)
        return 0;
    for (k = 0; k < t->fields[from].ndeps; k++)
        if (reads(t, t->fields[from].deps[k], fi, depth + 1))
            return 1;
    return 0;
}

/* updates.fields (what = ROWCH_UPDATE) or updates.touch (ROWCH_TOUCH): fields of the entity. */
static int pfieldlist(struct pctx *c, struct cdc *d, const cJSON *arr, const char *path, int what)
{
    const struct entity *t = d->entity;
    const cJSON *it;
    char ip[PATH_MAX_LEN];
    size_t i = 0;
    int bad = 0;

    if (!arr)
        return 0;
    if (!cJSON_IsArray(arr)) {
        perr(c, path, "expected an array of field names of entities.%s", t->name);
        return -1;
    }
    cJSON_ArrayForEach(it, arr)
    {
        int fi = cJSON_IsString(it) ? entity_field(t, it->valuestring) : -1;
        const struct fount_column *col = fi >= 0 ? &t->cols[fi] : NULL;
        pidx(ip, path, i++);
        if (!cJSON_IsString(it)) {
            perr(c, ip, "expected a field name, got %s", ptype_name(it));
        } else if (fi < 0) {
            const char *names[256], *s;
            size_t n;
            for (n = 0; n < t->nfields && n < 256; n++)
                names[n] = t->fields[n].name;
            s = psuggest(it->valuestring, names, n);
            if (s)
                perr_val(c, ip, "entities.%s has no field \"%s\" (did you mean \"%s\"?)", t->name,
                         it->valuestring, s);
            else
                perr_val(c, ip, "entities.%s has no field \"%s\"", t->name, it->valuestring);
        } else if (reads(t, t->pk, fi, 0)) {
            perr_val(c, ip, "the primary key (and what it is made from) never changes");
        } else if (d->change[fi]) {
            perr_val(c, ip, "\"%s\" is listed twice (in fields or touch)", it->valuestring);
        } else if (what == ROWCH_TOUCH && col->type != FV_TIMESTAMP && col->type != FV_DATE) {
            perr_val(c, ip, "touch takes timestamp and date fields: they are set to the time of "
                            "the change");
        } else if (what == ROWCH_UPDATE && (col->unique || t->fields[fi].unique)) {
            perr_val(c, ip, "a unique field cannot be updated: a fresh value could collide with "
                            "another row's");
        } else {
            d->change[fi] = (uint8_t)what;
            continue;
        }
        bad++;
    }
    return bad ? -1 : 0;
}

static int pupdates(struct pctx *c, struct cdc *d, const cJSON *u, const char *path)
{
    static const char *const keys[] = {"count", "after", "fields", "touch", NULL};
    char p[PATH_MAX_LEN];
    size_t j;
    int bad = 0, any = 0;

    if (!cJSON_IsObject(u)) {
        perr(c, path, "expected an object with \"count\", \"after\", \"fields\" and \"touch\"");
        return -1;
    }
    if (pkeys(c, u, path, keys))
        return -1;
    bad += pcount(c, d, u, path) != 0;
    bad += lifecycle_psecs(c, u, path, "after", 60, &d->upd_after) != 0;
    bad += pfieldlist(c, d, member(u, "fields"), pjoin(p, path, "fields"), ROWCH_UPDATE) != 0;
    bad += pfieldlist(c, d, member(u, "touch"), pjoin(p, path, "touch"), ROWCH_TOUCH) != 0;
    for (j = 0; j < d->entity->nfields; j++)
        any |= d->change[j];
    if (!bad && !any && d->upd_max > 0) {
        perr(c, path, "an update must change something: give \"fields\" or \"touch\"");
        bad++;
    }
    return bad ? -1 : 0;
}

static int pdeletes(struct pctx *c, struct cdc *d, const cJSON *o, const char *path)
{
    static const char *const keys[] = {"probability", "after", NULL};
    char p[PATH_MAX_LEN];

    if (!cJSON_IsObject(o)) {
        perr(c, path, "expected an object with \"probability\" and \"after\"");
        return -1;
    }
    if (pkeys(c, o, path, keys) || pnum(c, o, path, "probability", 1, &d->del_p) != 1)
        return -1;
    if (d->del_p < 0 || d->del_p > 1) {
        perr(c, pjoin(p, path, "probability"), "must be between 0 and 1 (got %g)", d->del_p);
        return -1;
    }
    return lifecycle_psecs(c, o, path, "after", 60, &d->del_after);
}

/* s as a JSON string, quotes included. */
static void json_quote(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";

    buf_puts(b, "\"");
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') {
            char esc[2] = {'\\', (char)ch};
            buf_append(b, esc, 2);
        } else if (ch < 0x20) {
            char esc[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
            buf_append(b, esc, 6);
        } else
            buf_append(b, s, 1);
    }
    buf_puts(b, "\"");
}

static void source_text(struct cdc *d, const char *stream)
{
    struct buf b;

    buf_init(&b, 1u << 20);
    buf_puts(&b, "{\"version\":\"" FOUNT_VERSION "\",\"connector\":\"fount\",\"name\":");
    json_quote(&b, stream);
    buf_puts(&b, ",\"ts_ms\":");
    d->head_len = b.len;
    d->src_head = xstrndup(b.data, b.len);
    buf_reset(&b);
    buf_puts(&b, ",\"db\":\"fount\",\"table\":");
    json_quote(&b, d->entity->name);
    buf_puts(&b, ",\"seq\":");
    d->mid_len = b.len;
    d->src_mid = xstrndup(b.data, b.len);
    buf_free(&b);
}

/* The envelope's columns, in Debezium's spirit: op, ts_ms, key, before, after, source. */
static void cdc_columns(struct entity *e, const struct entity *t)
{
    static const char *const names[] = {"op", "ts_ms", "key", "before", "after", "source"};
    size_t i, n = sizeof names / sizeof names[0];

    e->nfields = n;
    e->fields = xcalloc(n, sizeof *e->fields);
    e->cols = xcalloc(n, sizeof *e->cols);
    for (i = 0; i < n; i++) {
        struct field *f = &e->fields[i];
        f->name = xstrdup(names[i]);
        f->index = (int)i;
        f->gen = GEN_LIFECYCLE;
        f->imin = CDC_OP + (int64_t)i;
        f->time_field = f->target_field = -1;
        e->cols[i].decimals = -1;
        e->cols[i].max_len = -1;
    }
    e->cols[0].type = FV_STRING;
    e->cols[0].max_len = 1;
    e->cols[1].type = FV_INT;
    e->cols[2] = t->cols[t->pk];
    e->cols[2].unique = e->cols[2].primary_key = e->cols[2].nullable = 0;
    e->cols[2].ref_table = e->cols[2].ref_column = NULL;
    for (i = 3; i < n; i++)
        e->cols[i].type = FV_JSON;
    e->cols[3].nullable = e->cols[4].nullable = 1;
    for (i = 0; i < n; i++)
        e->cols[i].name = e->fields[i].name;
}

int pcdc(struct pctx *c, struct entity *e, struct lifecycle *lc, const cJSON *o,
         const char *path)
{
    static const char *const keys[] = {"entity", "first_row", "updates", "deletes",
                                       "description", NULL};
    struct cdc *d = xcalloc(1, sizeof *d);
    const cJSON *v;
    char p[PATH_MAX_LEN];
    int64_t fr = 0;
    int bad = 0, rc;

    lc->cdc = d;
    if (!cJSON_IsObject(o)) {
        perr(c, path, "expected an object with \"entity\", \"updates\" and \"deletes\", got %s",
             ptype_name(o));
        return -1;
    }
    if (pkeys(c, o, path, keys))
        return -1;
    d->entity = lc->entity = lifecycle_subject(c, o, path);
    if (!d->entity)
        return -1;
    d->change = xcalloc(d->entity->nfields + 1, sizeof *d->change);
    d->update_key = xcalloc(d->entity->nfields + 1, sizeof *d->update_key);
    rc = pint(c, o, path, "first_row", 0, &fr);
    if (rc == 1 && fr < 0) {
        perr(c, pjoin(p, path, "first_row"), "must be >= 0 (got %lld)", (long long)fr);
        bad++;
    }
    bad += rc < 0;
    d->first_row = (uint64_t)fr;
    d->first_row_given = rc == 1;
    if ((v = member(o, "updates")))
        bad += pupdates(c, d, v, pjoin(p, path, "updates")) != 0;
    else
        default_gap(&d->upd_after);
    if ((v = member(o, "deletes")))
        bad += pdeletes(c, d, v, pjoin(p, path, "deletes")) != 0;
    else
        default_gap(&d->del_after);
    if (bad)
        return -1;
    cdc_columns(e, d->entity);
    e->stream->key_field = CDC_KEY - CDC_OP;
    source_text(d, e->name);
    cdc_reseed(d, c->plan->seed);
    lc->mean_records = cdc_mean_records(d);
    return 0;
}
