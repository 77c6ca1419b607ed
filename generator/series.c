/* series.c: series families: tags, the clock, gaps, and the value model (series.h).
 * The model here is a gauge: base level plus Gaussian noise. */
#include "series.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "pcg.h"
#include "plan.h"
#include "profile_priv.h"

struct series_model {
    double base, noise;
    uint64_t value_key;
};

static const cJSON *member(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

static int pdur(struct pctx *c, const cJSON *o, const char *path, const char *key, int required,
                int64_t *out)
{
    const cJSON *v = member(o, key);
    char p[PATH_MAX_LEN];

    pjoin(p, path, key);
    if (!v) {
        if (required)
            perr(c, p, "missing required key \"%s\" (a duration such as \"10s\")", key);
        return 0;
    }
    if ((cJSON_IsString(v) && parse_duration(v->valuestring, out) == 0) ||
        (cJSON_IsNumber(v) && v->valuedouble >= 0 && (*out = (int64_t)(v->valuedouble * 1e6), 1)))
        return 1;
    perr(c, p, "expected a duration such as \"10s\", \"5m\" or \"1h\"");
    return -1;
}

/* "tags": {"host": ["a", "b"], "region": {"count": 3, "prefix": "r"}} */
static int ptags(struct pctx *c, struct series *s, const cJSON *tags, const char *path)
{
    static const char *const gkeys[] = {"count", "prefix", NULL};
    const cJSON *t, *v;
    char p[PATH_MAX_LEN], vp[PATH_MAX_LEN];
    size_t k = 0;

    if (!cJSON_IsObject(tags) || cJSON_GetArraySize(tags) == 0) {
        perr(c, path, "expected an object of tags: {\"host\": [\"a\", \"b\"], \"region\": "
                      "{\"count\": 3, \"prefix\": \"r\"}}");
        return -1;
    }
    s->ntags = (size_t)cJSON_GetArraySize(tags);
    s->tag_names = xcalloc(s->ntags, sizeof *s->tag_names);
    s->tag_nvals = xcalloc(s->ntags, sizeof *s->tag_nvals);
    s->tag_vals = xcalloc(s->ntags, sizeof *s->tag_vals);
    s->nseries = 1;
    cJSON_ArrayForEach(t, tags)
    {
        size_t j = 0;
        pjoin(p, path, t->string);
        s->tag_names[k] = xstrdup(t->string);
        if (cJSON_IsArray(t) && cJSON_GetArraySize(t) > 0) {
            s->tag_nvals[k] = (size_t)cJSON_GetArraySize(t);
            s->tag_vals[k] = xcalloc(s->tag_nvals[k], sizeof **s->tag_vals);
            cJSON_ArrayForEach(v, t)
            {
                if (!cJSON_IsString(v)) {
                    perr(c, pidx(vp, p, j), "expected a string, got %s", ptype_name(v));
                    return -1;
                }
                s->tag_vals[k][j++] = xstrdup(v->valuestring);
            }
        } else if (cJSON_IsObject(t)) {
            int64_t n = 0;
            const char *prefix = t->string;
            if (pkeys(c, t, p, gkeys) || pint(c, t, p, "count", 1, &n) != 1 ||
                pstr(c, t, p, "prefix", 0, &prefix) < 0)
                return -1;
            if (n < 1 || n > 10000000) {
                perr(c, pjoin(vp, p, "count"), "must be between 1 and 10000000 (got %lld)",
                     (long long)n);
                return -1;
            }
            s->tag_nvals[k] = (size_t)n;
            s->tag_vals[k] = xcalloc(s->tag_nvals[k], sizeof **s->tag_vals);
            for (j = 0; j < (size_t)n; j++) {
                char buf[256];
                snprintf(buf, sizeof buf, "%s%zu", prefix, j + 1);
                s->tag_vals[k][j] = xstrdup(buf);
            }
        } else {
            perr(c, p, "expected an array of values or {\"count\": N, \"prefix\": \"...\"}");
            return -1;
        }
        if (s->nseries > UINT64_MAX / s->tag_nvals[k]) {
            perr(c, p, "too many series");
            return -1;
        }
        s->nseries *= s->tag_nvals[k];
        k++;
    }
    return 0;
}

static int pmodel(struct pctx *c, struct series *s, const cJSON *v, const char *path)
{
    static const char *const keys[] = {"model", "base", "noise", NULL};
    struct series_model *m = xcalloc(1, sizeof *m);
    const char *model = "gauge";
    char p[PATH_MAX_LEN];

    s->model = m;
    m->base = 0;
    m->noise = 1;
    if (!v)
        return 0;
    if (!cJSON_IsObject(v)) {
        perr(c, path, "expected an object {\"model\": \"gauge\", \"base\": .., \"noise\": ..}");
        return -1;
    }
    if (pkeys(c, v, path, keys) || pstr(c, v, path, "model", 0, &model) < 0 ||
        pnum(c, v, path, "base", 0, &m->base) < 0 || pnum(c, v, path, "noise", 0, &m->noise) < 0)
        return -1;
    if (strcmp(model, "gauge") != 0) {
        perr_val(c, pjoin(p, path, "model"), "expected \"gauge\", got \"%s\"", model);
        return -1;
    }
    return 0;
}

static void add_field(struct entity *e, size_t i, const char *name, enum gen_kind g,
                      enum fount_vtype t)
{
    e->fields[i].name = xstrdup(name);
    e->fields[i].index = (int)i;
    e->fields[i].gen = g;
    e->fields[i].time_field = -1;
    e->fields[i].target_field = -1;
    e->cols[i].name = e->fields[i].name;
    e->cols[i].type = t;
    e->cols[i].decimals = -1;
    e->cols[i].max_len = -1;
}

int pseries(struct pctx *c, struct entity *e, const cJSON *spec, const char *path)
{
    static const char *const keys[] = {"start", "duration", "interval", "jitter", "tags", "metric",
                                       "value", "gaps", "decimals", "description", NULL};
    struct series *s = xcalloc(1, sizeof *s);
    const char *start = "2026-01-01T00:00:00Z", *metric = NULL;
    char p[PATH_MAX_LEN];
    int64_t dec = 3;
    size_t i, k;
    int bad = 0;

    e->series = s;
    if (pkeys(c, spec, path, keys))
        return -1;
    if (pstr(c, spec, path, "start", 0, &start) < 0 || parse_timestamp(start, &s->start_us)) {
        perr_val(c, pjoin(p, path, "start"), "expected a timestamp such as "
                                              "\"2026-01-01T00:00:00Z\"");
        return -1;
    }
    bad += pdur(c, spec, path, "duration", 0, &s->duration_us) < 0;
    bad += pdur(c, spec, path, "interval", 1, &s->interval_us) != 1;
    bad += pdur(c, spec, path, "jitter", 0, &s->jitter_us) < 0;
    bad += pnum(c, spec, path, "gaps", 0, &s->gap_rate) < 0;
    bad += pint(c, spec, path, "decimals", 0, &dec) < 0;
    if (!bad && (s->interval_us <= 0 || s->gap_rate < 0 || s->gap_rate > 1 || dec < -1 || dec > 15)) {
        perr(c, path, "needs interval > 0, gaps between 0 and 1, decimals between 0 and 15");
        bad++;
    }
    if (!member(spec, "tags")) {
        perr(c, path, "missing required key \"tags\" (an object of tag values)");
        return -1;
    }
    if (bad || ptags(c, s, member(spec, "tags"), pjoin(p, path, "tags")) ||
        pmodel(c, s, member(spec, "value"), pjoin(p, path, "value")))
        return -1;
    if (pstr(c, spec, path, "metric", 0, &metric) < 0)
        return -1;
    s->metric = xstrdup(metric ? metric : e->name);
    s->label_field = -1;
    e->nfields = s->ntags + 2;
    e->fields = xcalloc(e->nfields, sizeof *e->fields);
    e->cols = xcalloc(e->nfields, sizeof *e->cols);
    add_field(e, 0, "time", GEN_SERIES_TIME, FV_TIMESTAMP);
    e->cols[0].ts_digits = 3;
    s->time_field = 0;
    for (k = 0; k < s->ntags; k++) {
        size_t maxlen = 0;
        add_field(e, k + 1, s->tag_names[k], GEN_SERIES_TAG, FV_STRING);
        e->fields[k + 1].imin = (int64_t)k;
        for (i = 0; i < s->tag_nvals[k]; i++)
            if (strlen(s->tag_vals[k][i]) > maxlen)
                maxlen = strlen(s->tag_vals[k][i]);
        e->cols[k + 1].max_len = (int)maxlen;
    }
    add_field(e, s->ntags + 1, "value", GEN_SERIES_VALUE, FV_DOUBLE);
    e->cols[s->ntags + 1].decimals = (int)dec;
    s->value_field = (int)s->ntags + 1;
    series_reseed(s, c->plan->seed, e->name);
    return 0;
}

void series_reseed(struct series *s, uint64_t seed, const char *name)
{
    s->gap_key = fount_key(seed, name, "", "gap");
    s->jitter_key = fount_key(seed, name, "", "jitter");
    if (s->model)
        s->model->value_key = fount_key(seed, name, "", "value");
}

void series_free(struct series *s)
{
    size_t k, j;

    if (!s)
        return;
    for (k = 0; k < s->ntags; k++) {
        for (j = 0; s->tag_vals && s->tag_vals[k] && j < s->tag_nvals[k]; j++)
            free(s->tag_vals[k][j]);
        if (s->tag_vals)
            free(s->tag_vals[k]);
        free(s->tag_names[k]);
    }
    free(s->tag_names);
    free(s->tag_nvals);
    free(s->tag_vals);
    free(s->metric);
    free(s->model);
    free(s);
}

int series_gap(const struct series *s, uint64_t i, uint64_t t)
{
    struct pcg32 g;

    if (s->gap_rate <= 0)
        return 0;
    fount_rng_at(&g, s->gap_key, t * s->nseries + i);
    return pcg32_double(&g) < s->gap_rate;
}

uint64_t series_step_count(const struct series *s, uint64_t t)
{
    uint64_t i, n = 0;

    if (s->gap_rate <= 0)
        return s->nseries;
    for (i = 0; i < s->nseries; i++)
        n += !series_gap(s, i, t);
    return n;
}

int64_t series_time(const struct series *s, uint64_t i, uint64_t t)
{
    int64_t at = s->start_us + (int64_t)t * s->interval_us;
    struct pcg32 g;

    if (s->jitter_us > 0) {
        fount_rng_at(&g, s->jitter_key, t * s->nseries + i);
        at += (int64_t)pcg32_bounded64(&g, (uint64_t)s->jitter_us + 1);
    }
    return at;
}

const char *series_tag(const struct series *s, uint64_t i, size_t tag, uint32_t *len)
{
    size_t k;
    const char *v;

    /* mixed radix, first tag slowest: strip the tags after this one */
    for (k = s->ntags; k-- > tag + 1;)
        i /= s->tag_nvals[k];
    v = s->tag_vals[tag][i % s->tag_nvals[tag]];
    *len = (uint32_t)strlen(v);
    return v;
}

double series_value(const struct series *s, uint64_t i, uint64_t t, int64_t time_us,
                    const char **label)
{
    struct pcg32 g;
    double u1, u2;

    (void)time_us;
    *label = NULL;
    fount_rng_at(&g, s->model->value_key, t * s->nseries + i);
    u1 = pcg32_double_open(&g);
    u2 = pcg32_double(&g);
    return s->model->base + s->model->noise * sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}
