/* field.c: the field generators a profile can name, and their parameters (the table gen_defs).
 * Each parser validates its keys and fills a struct field; gen.c evaluates it per row.
 * Leaves out: the value library generators (person, address...), registered from gen_ext.c. */
#include "profile_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "gen_ext.h"
#include "lifecycle.h"

#define DIGITS "0123456789"
#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define LOWER "abcdefghijklmnopqrstuvwxyz"

static const cJSON *member(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

static struct fount_column *col_of(struct entity *e, struct field *f)
{
    return &e->cols[f->index];
}

static int no_unique_with_dist(struct pctx *c, struct field *f, const cJSON *spec, const char *path)
{
    char p[PATH_MAX_LEN];

    if (f->unique && member(spec, "distribution")) {
        perr(c, pjoin(p, path, "unique"), "a unique field draws every value once, so it cannot "
                                           "also have a distribution");
        return -1;
    }
    return 0;
}

static int parse_sequence(struct pctx *c, struct entity *e, struct field *f, const cJSON *spec,
                          const char *path)
{
    char p[PATH_MAX_LEN];
    int pp = 0;

    f->imin = 1;
    f->step = 1;
    if (pint(c, spec, path, "start", 0, &f->imin) < 0 || pint(c, spec, path, "step", 0, &f->step) < 0)
        return -1;
    if (f->step == 0) {
        perr(c, pjoin(p, path, "step"), "must not be 0");
        return -1;
    }
    if (pbool(c, spec, path, "per_parent", &pp) < 0)
        return -1;
    f->per_parent = pp;
    col_of(e, f)->type = FV_INT;
    /* A sequence is unique by construction (unless it restarts per parent). */
    if (!pp)
        col_of(e, f)->unique = 1;
    else if (f->unique) {
        perr(c, pjoin(p, path, "unique"), "a sequence that restarts per parent repeats its values");
        return -1;
    }
    return 0;
}

static int bounds_int(struct pctx *c, const cJSON *spec, const char *path, int64_t *lo, int64_t *hi,
                      int required)
{
    char p[PATH_MAX_LEN];
    int a = pint(c, spec, path, "min", required, lo), b = pint(c, spec, path, "max", required, hi);

    if (a < 0 || b < 0 || (required && (a == 0 || b == 0)))
        return -1;
    if (*hi < *lo) {
        perr(c, pjoin(p, path, "max"), "must be >= min (got min %lld, max %lld)", (long long)*lo,
             (long long)*hi);
        return -1;
    }
    return 0;
}

static int parse_int(struct pctx *c, struct entity *e, struct field *f, const cJSON *spec,
                     const char *path)
{
    const cJSON *d = member(spec, "distribution");
    char p[PATH_MAX_LEN];

    col_of(e, f)->type = FV_INT;
    f->imin = -(1LL << 53);
    f->imax = 1LL << 53;
    if (no_unique_with_dist(c, f, spec, path))
        return -1;
    if (bounds_int(c, spec, path, &f->imin, &f->imax, d == NULL))
        return -1;
    if (d) { /* zipf ranks span [min, max] when both are given, else "n" must say how many */
        int bounded = member(spec, "min") && member(spec, "max");
        f->has_dist = 1;
        return pdist(c, d, pjoin(p, path, "distribution"), 0,
                     bounded ? (double)(f->imax - f->imin) + 1 : 0, &f->dist);
    }
    return 0;
}

static int parse_float(struct pctx *c, struct entity *e, struct field *f, const cJSON *spec,
                       const char *path)
{
    const cJSON *d = member(spec, "distribution");
    char p[PATH_MAX_LEN];
    int64_t dec = -1;
    int a, b;

    col_of(e, f)->type = FV_DOUBLE;
    if (f->unique) {
        perr(c, pjoin(p, path, "unique"), "unique floats are not supported (use a decimal)");
        return -1;
    }
    f->dmin = -INFINITY;
    f->dmax = INFINITY;
    a = pnum(c, spec, path, "min", d == NULL, &f->dmin);
    b = pnum(c, spec, path, "max", d == NULL, &f->dmax);
    if (a < 0 || b < 0 || (!d && (a == 0 || b == 0)))
        return -1;
    if (f->dmax < f->dmin || (!d && f->dmax == f->dmin)) {
        perr(c, pjoin(p, path, "max"), "must be greater than min (got min %g, max %g)", f->dmin,
             f->dmax);
        return -1;
    }
    if (pint(c, spec, path, "decimals", 0, &dec) < 0)
        return -1;
    if (dec < -1 || dec > 15) {
        perr(c, pjoin(p, path, "decimals"), "must be between 0 and 15 (got %lld)", (long long)dec);
        return -1;
    }
    col_of(e, f)->decimals = (int)dec;
    if (d) {
        f->has_dist = 1;
        return pdist(c, d, pjoin(p, path, "distribution"), 0, 0, &f->dist);
    }
    return 0;
}

static int parse_decimal(struct pctx *c, struct entity *e, struct field *f, const cJSON *spec,
                         const char *path)
{
    const cJSON *d = member(spec, "distribution");
    struct fount_column *col = col_of(e, f);
    char p[PATH_MAX_LEN];
    int64_t prec = 12, scale = 2, k;
    double lo = 0, hi = 0, lim;
    int a, b;

    col->type = FV_DECIMAL;
    if (no_unique_with_dist(c, f, spec, path))
        return -1;
    if (pint(c, spec, path, "precision", 0, &prec) < 0 || pint(c, spec, path, "scale", 0, &scale) < 0)
        return -1;
    if (prec < 1 || prec > 18) {
        perr(c, pjoin(p, path, "precision"), "must be between 1 and 18 (got %lld)", (long long)prec);
        return -1;
    }
    if (scale < 0 || scale > prec) {
        perr(c, pjoin(p, path, "scale"), "must be between 0 and precision %lld (got %lld)",
             (long long)prec, (long long)scale);
        return -1;
    }
    col->precision = (int)prec;
    col->scale = (int)scale;
    f->pow10_scale = 1;
    for (k = 0; k < scale; k++)
        f->pow10_scale *= 10;
    lim = pow(10.0, (double)(prec - scale)) - 1.0 / (double)f->pow10_scale;
    lo = -lim;
    hi = lim;
    a = pnum(c, spec, path, "min", d == NULL, &lo);
    b = pnum(c, spec, path, "max", d == NULL, &hi);
    if (a < 0 || b < 0 || (!d && (a == 0 || b == 0)))
        return -1;
    if (hi < lo) {
        perr(c, pjoin(p, path, "max"), "must be >= min (got min %g, max %g)", lo, hi);
        return -1;
    }
    if (fabs(lo) > lim * (1 + 1e-12) || fabs(hi) > lim * (1 + 1e-12)) {
        perr(c, pjoin(p, path, fabs(hi) > lim ? "max" : "min"),
             "does not fit NUMERIC(%lld,%lld): at most %.*f in absolute value", (long long)prec,
             (long long)scale, (int)scale, lim);
        return -1;
    }
    f->imin = llround(lo * (double)f->pow10_scale);
    f->imax = llround(hi * (double)f->pow10_scale);
    f->dmin = lo;
    f->dmax = hi;
    if (d) {
        f->has_dist = 1;
        return pdist(c, d, pjoin(p, path, "distribution"), 0, 0, &f->dist);
    }
    return 0;
}

static int parse_bool(struct pctx *c, struct entity *e, struct field *f, const cJSON *spec,
                      const char *path)
{
    char p[PATH_MAX_LEN];

    col_of(e, f)->type = FV_BOOL;
    f->prob = 0.5;
    if (pnum(c, spec, path, "probability", 0, &f->prob) < 0)
        return -1;
    if (f->prob < 0 || f->prob > 1) {
        perr(c, pjoin(p, path, "probability"), "must be between 0 and 1 (got %g)", f->prob);
        return -1;
    }
    return 0;
}

/* A JSON scalar as a value; strings are copied (owned through *own). */
static int scalar_value(const cJSON *v, struct fount_value *out, char **own)
{
    memset(out, 0, sizeof *out);
    if (cJSON_IsString(v)) {
        *own = xstrdup(v->valuestring);
        out->type = FV_STRING;
        out->v.s = *own;
        out->len = (uint32_t)strlen(*own);
    } else if (cJSON_IsBool(v)) {
        out->type = FV_BOOL;
        out->v.i = cJSON_IsTrue(v);
    } else if (cJSON_IsNumber(v)) {
        if (v->valuedouble == floor(v->valuedouble) && fabs(v->valuedouble) < 9007199254740992.0) {
            out->type = FV_INT;
            out->v.i = (int64_t)v->valuedouble;
        } else {
            out->type = FV_DOUBLE;
            out->v.d = v->valuedouble;
        }
    } else if (cJSON_IsNull(v)) {
        out->type = FV_NULL;
    } else {
        return -1;
    }
    return 0;
}

static int parse_choice(struct pctx *c, struct entity *e, struct field *f, const cJSON *spec,
                        const char *path)
{
    const cJSON *vals = member(spec, "values"), *w = member(spec, "weights"), *it;
    struct fount_column *col = col_of(e, f);
    char p[PATH_MAX_LEN], ip[PATH_MAX_LEN], msg[256];
    double *wt = NULL;
    size_t n, i = 0, maxlen = 0;
    int bad = 0, t = FV_NULL;

    pjoin(p, path, "values");
    if (!vals) {
        perr(c, p, "missing required key \"values\" (a non-empty array)");
        return -1;
    }
    if (!cJSON_IsArray(vals) || cJSON_GetArraySize(vals) == 0) {
        perr(c, p, "expected a non-empty array of strings, numbers or booleans");
        return -1;
    }
    n = (size_t)cJSON_GetArraySize(vals);
    f->choices = xcalloc(n, sizeof *f->choices);
    f->nchoices = n;
    /* Strings are owned by one block per field: keep the pointers in a side array. */
    f->cstr = NULL;
    cJSON_ArrayForEach(it, vals)
    {
        char *own = NULL;
        pidx(ip, p, i);
        if (cJSON_IsNull(it) || scalar_value(it, &f->choices[i], &own)) {
            perr(c, ip, "expected a string, number or boolean, got %s", ptype_name(it));
            bad++;
        } else {
            int vt = f->choices[i].type;
            if (vt == FV_STRING && f->choices[i].len > maxlen)
                maxlen = f->choices[i].len;
            if (t == FV_NULL || (t == FV_INT && vt == FV_DOUBLE))
                t = vt;
            else if (!(t == FV_DOUBLE && vt == FV_INT) && t != vt) {
                perr(c, ip, "all values must be of one kind (strings, numbers or booleans)");
                bad++;
            }
        }
        i++;
    }
    if (bad)
        return -1;
    for (i = 0; i < n; i++)
        if (t == FV_DOUBLE && f->choices[i].type == FV_INT) {
            f->choices[i].type = FV_DOUBLE;
            f->choices[i].v.d = (double)f->choices[i].v.i;
        }
    col->type = (enum fount_vtype)t;
    col->max_len = (int)maxlen;
    if (w) {
        pjoin(p, path, "weights");
        if (f->unique) {
            perr(c, p, "a unique choice takes every value once, so weights cannot apply");
            return -1;
        }
        if (!cJSON_IsArray(w) || (size_t)cJSON_GetArraySize(w) != n) {
            perr(c, p, "expected an array of %zu numbers, one per value", n);
            return -1;
        }
        wt = xcalloc(n, sizeof *wt);
        i = 0;
        cJSON_ArrayForEach(it, w)
        {
            if (!cJSON_IsNumber(it)) {
                pidx(ip, p, i);
                perr(c, ip, "expected a number, got %s", ptype_name(it));
                bad++;
            } else
                wt[i] = it->valuedouble;
            i++;
        }
        if (!bad) {
            double *idx = xcalloc(n, sizeof *idx);
            for (i = 0; i < n; i++)
                idx[i] = (double)i;
            if (dist_init_weighted(&f->dist, idx, wt, n, msg, sizeof msg)) {
                perr(c, p, "%s", msg);
                bad++;
            }
            free(idx);
            f->weighted = 1;
        }
        free(wt);
    }
    return bad ? -1 : 0;
}

static int parse_uuid(struct pctx *c, struct entity *e, struct field *f, const cJSON *spec,
                      const char *path)
{
    char p[PATH_MAX_LEN];
    int64_t v = 4;
    const char *tf = NULL, *start = NULL, *step = NULL;

    col_of(e, f)->type = FV_UUID;
    col_of(e, f)->unique = 1;
    if (pint(c, spec, path, "version", 0, &v) < 0)
        return -1;
    if (v != 4 && v != 7) {
        perr(c, pjoin(p, path, "version"), "must be 4 (random) or 7 (time-ordered), got %lld",
             (long long)v);
        return -1;
    }
    f->uuid_version = (int)v;
    if (pstr(c, spec, path, "time_field", 0, &tf) < 0 || pstr(c, spec, path, "start", 0, &start) < 0 ||
        pstr(c, spec, path, "step", 0, &step) < 0)
        return -1;
    if (v == 4 && (tf || start || step)) {
        perr(c, pjoin(p, path, tf ? "time_field" : start ? "start" : "step"),
             "only applies to version 7");
        return -1;
    }
    f->imin = 1735689600000000LL; /* 2025-01-01T00:00:00Z */
    f->step = 1000;               /* 1 ms per row */
    if (start && parse_timestamp(start, &f->imin)) {
        perr(c, pjoin(p, path, "start"), "expected a timestamp such as \"2025-01-01T00:00:00Z\"");
        return -1;
    }
    if (step && (parse_duration(step, &f->step) || f->step < 0)) {
        perr(c, pjoin(p, path, "step"), "expected a duration such as \"1ms\"");
        return -1;
    }
    if (tf) {
        f->time_field = entity_field(e, tf);
        if (f->time_field < 0 || f->time_field == f->index) {
            perr_val(c, pjoin(p, path, "time_field"), "no other field named \"%s\"", tf);
            return -1;
        }
        f->deps = xcalloc(1, sizeof *f->deps);
        f->deps[0] = f->time_field;
        f->ndeps = 1;
    }
    return 0;
}

static int parse_time(struct pctx *c, struct entity *e, struct field *f, const cJSON *spec,
                      const char *path, int is_date)
{
    const cJSON *d = member(spec, "distribution");
    struct fount_column *col = col_of(e, f);
    char p[PATH_MAX_LEN];
    const char *lo = NULL, *hi = NULL, *prec = NULL;
    int a = pstr(c, spec, path, "min", 1, &lo), b = pstr(c, spec, path, "max", 1, &hi);

    col->type = is_date ? FV_DATE : FV_TIMESTAMP;
    if (no_unique_with_dist(c, f, spec, path) || a != 1 || b != 1)
        return -1;
    if (is_date ? parse_date(lo, &f->imin) : parse_timestamp(lo, &f->imin)) {
        perr_val(c, pjoin(p, path, "min"), "expected a %s, got \"%s\"",
                 is_date ? "date such as \"2024-01-31\""
                         : "timestamp such as \"2024-01-31T12:00:00Z\" or \"2024-01-31\"", lo);
        return -1;
    }
    if (is_date ? parse_date(hi, &f->imax) : parse_timestamp(hi, &f->imax)) {
        perr_val(c, pjoin(p, path, "max"), "expected a %s, got \"%s\"",
                 is_date ? "date such as \"2024-12-31\""
                         : "timestamp such as \"2024-12-31T23:59:59Z\" or \"2024-12-31\"", hi);
        return -1;
    }
    if (f->imax < f->imin) {
        perr(c, pjoin(p, path, "max"), "must not be before min (got min \"%s\", max \"%s\")", lo, hi);
        return -1;
    }
    f->step = is_date ? 1 : 1000000;
    if (!is_date && pstr(c, spec, path, "precision", 0, &prec) == 1) {
        if (strcmp(prec, "s") == 0)
            f->step = 1000000;
        else if (strcmp(prec, "ms") == 0)
            f->step = 1000, col->ts_digits = 3;
        else if (strcmp(prec, "us") == 0)
            f->step = 1, col->ts_digits = 6;
        else {
            perr_val(c, pjoin(p, path, "precision"), "expected \"s\", \"ms\" or \"us\", got \"%s\"",
                     prec);
            return -1;
        }
    }
    /* Distribution samples are seconds (timestamps) or days (dates) after min. */
    f->dist_unit = is_date ? 1.0 : 1e6;
    if (d) {
        f->has_dist = 1;
        return pdist(c, d, pjoin(p, path, "distribution"), is_date ? 86400e6 : 1e6, 0, &f->dist);
    }
    return 0;
}

static int parse_timestamp_f(struct pctx *c, struct entity *e, struct field *f, const cJSON *spec,
                             const char *path)
{
    return parse_time(c, e, f, spec, path, 0);
}

static int parse_date_f(struct pctx *c, struct entity *e, struct field *f, const cJSON *spec,
                        const char *path)
{
    return parse_time(c, e, f, spec, path, 1);
}

static int parse_pattern(struct pctx *c, struct entity *e, struct field *f, const cJSON *spec,
                         const char *path)
{
    const char *pat = NULL, *s;
    char p[PATH_MAX_LEN];
    size_t n = 0;

    col_of(e, f)->type = FV_STRING;
    if (pstr(c, spec, path, "pattern", 1, &pat) != 1)
        return -1;
    if (!pat[0]) {
        perr_val(c, pjoin(p, path, "pattern"), "must not be empty");
        return -1;
    }
    f->pat = xcalloc(strlen(pat), sizeof *f->pat);
    for (s = pat; *s; s++) {
        struct pat_part *pp = &f->pat[n++];
        switch (*s) {
        case '#': pp->set = DIGITS; break;
        case '?': pp->set = UPPER; break;
        case '@': pp->set = LOWER; break;
        case '*': pp->set = UPPER DIGITS; break;
        case '%': pp->set = "0123456789abcdef"; break;
        case '\\':
            if (!s[1]) {
                perr_val(c, pjoin(p, path, "pattern"), "a trailing \\ escapes nothing");
                return -1;
            }
            pp->lit = *++s;
            break;
        default: pp->lit = *s;
        }
        if (pp->set)
            pp->nset = (uint32_t)strlen(pp->set);
    }
    f->npat = n;
    col_of(e, f)->max_len = (int)n;
    return 0;
}

static int parse_template(struct pctx *c, struct entity *e, struct field *f, const cJSON *spec,
                          const char *path)
{
    const char *t = NULL, *s;
    char p[PATH_MAX_LEN];
    size_t cap = 8, lit = 0;
    int ndeps = 0, has_unique = 0;

    col_of(e, f)->type = FV_STRING;
    if (pstr(c, spec, path, "template", 1, &t) != 1)
        return -1;
    pjoin(p, path, "template");
    f->tpl_text = xmalloc(strlen(t) + 1);
    f->tpl = xcalloc(cap, sizeof *f->tpl);
    f->deps = xcalloc(strlen(t) / 2 + 1, sizeof *f->deps);
    for (s = t; *s;) {
        struct tpl_part *tp;
        if (f->ntpl + 1 >= cap) {
            cap *= 2;
            f->tpl = xrealloc(f->tpl, cap * sizeof *f->tpl);
        }
        tp = &f->tpl[f->ntpl];
        memset(tp, 0, sizeof *tp);
        if (*s == '{' && s[1] != '{') {
            const char *end = strchr(s, '}'), *bar;
            char name[128], filt[32] = "";
            size_t nl;
            if (!end) {
                perr_val(c, p, "unclosed '{' (write {{ for a literal brace)");
                return -1;
            }
            bar = memchr(s, '|', (size_t)(end - s));
            nl = (size_t)((bar ? bar : end) - s - 1);
            snprintf(name, sizeof name, "%.*s", (int)nl, s + 1);
            if (bar)
                snprintf(filt, sizeof filt, "%.*s", (int)(end - bar - 1), bar + 1);
            tp->field = entity_field(e, name);
            if (tp->field < 0 || tp->field == f->index) {
                char hint[128];
                perr_val(c, p, "{%s} names no other field of \"%s\"%s", name, e->name,
                         tp->field < 0 ? field_hint(hint, sizeof hint, e, name) : "");
                return -1;
            }
            if (!filt[0])
                tp->filter = TPL_NONE;
            else if (strcmp(filt, "lower") == 0)
                tp->filter = TPL_LOWER;
            else if (strcmp(filt, "upper") == 0)
                tp->filter = TPL_UPPER;
            else if (strcmp(filt, "slug") == 0)
                tp->filter = TPL_SLUG;
            else {
                perr_val(c, p, "unknown filter \"%s\" (expected lower, upper or slug)", filt);
                return -1;
            }
            f->deps[ndeps++] = tp->field;
            f->ntpl++;
            s = end + 1;
            continue;
        }
        /* literal run up to the next single '{' ("{{" and "}}" are literal braces) */
        tp->lit = f->tpl_text + lit;
        while (*s && !(*s == '{' && s[1] != '{')) {
            if ((*s == '{' || *s == '}') && s[1] == *s)
                s++;
            f->tpl_text[lit++] = *s++;
        }
        tp->litlen = (size_t)(f->tpl_text + lit - tp->lit);
        f->ntpl++;
    }
    f->ndeps = (size_t)ndeps;
    (void)has_unique;
    return 0;
}

static int parse_event_time(struct pctx *c, struct entity *e, struct field *f, const cJSON *spec,
                            const char *path)
{
    struct fount_column *col = col_of(e, f);
    const char *prec = NULL;
    char p[PATH_MAX_LEN];

    col->type = FV_TIMESTAMP;
    col->ts_digits = 3;
    f->step = 1000;
    if (strcmp(e->section, "streams") != 0) {
        perr(c, pjoin(p, path, "type"), "event_time exists only in streams (use timestamp)");
        return -1;
    }
    if (pstr(c, spec, path, "precision", 0, &prec) == 1) {
        if (strcmp(prec, "s") == 0)
            f->step = 1000000, col->ts_digits = 0;
        else if (strcmp(prec, "ms") == 0)
            f->step = 1000, col->ts_digits = 3;
        else if (strcmp(prec, "us") == 0)
            f->step = 1, col->ts_digits = 6;
        else {
            perr_val(c, pjoin(p, path, "precision"), "expected \"s\", \"ms\" or \"us\", got \"%s\"",
                     prec);
            return -1;
        }
    }
    return 0;
}

static int parse_ref(struct pctx *c, struct entity *e, struct field *f, const cJSON *spec,
                     const char *path)
{
    const char *ent = NULL, *fld = NULL;

    (void)e;
    (void)f;
    /* Only the shape here: targets are resolved in field_resolve_ref once every entity exists. */
    if (pstr(c, spec, path, "entity", 1, &ent) != 1 || pstr(c, spec, path, "field", 0, &fld) < 0)
        return -1;
    return 0;
}

static int parse_const(struct pctx *c, struct entity *e, struct field *f, const cJSON *spec,
                       const char *path)
{
    const cJSON *v = member(spec, "value");
    char p[PATH_MAX_LEN];

    pjoin(p, path, "value");
    if (!v) {
        perr(c, p, "missing required key \"value\" (a string, number, boolean or null)");
        return -1;
    }
    if (scalar_value(v, &f->cval, &f->cstr)) {
        perr(c, p, "expected a string, number, boolean or null, got %s", ptype_name(v));
        return -1;
    }
    col_of(e, f)->type = f->cval.type == FV_NULL ? FV_STRING : (enum fount_vtype)f->cval.type;
    if (f->cval.type == FV_NULL)
        col_of(e, f)->nullable = 1;
    if (f->cval.type == FV_STRING)
        col_of(e, f)->max_len = (int)f->cval.len;
    return 0;
}

const struct gen_def gen_defs[] = {
    {"sequence", GEN_SEQUENCE, {"start", "step", "per_parent", NULL}, parse_sequence,
     "start, start+step, ... by row (or by child within its parent with per_parent)"},
    {"int", GEN_INT, {"min", "max", "distribution", NULL}, parse_int,
     "whole numbers in [min, max], uniform or from a distribution"},
    {"float", GEN_FLOAT, {"min", "max", "decimals", "distribution", NULL}, parse_float,
     "floating point numbers in [min, max), uniform or from a distribution"},
    {"decimal", GEN_DECIMAL, {"precision", "scale", "min", "max", "distribution", NULL},
     parse_decimal, "exact NUMERIC(precision, scale) values in [min, max]"},
    {"bool", GEN_BOOL, {"probability", NULL}, parse_bool, "true with the given probability"},
    {"choice", GEN_CHOICE, {"values", "weights", NULL}, parse_choice,
     "one of the values, optionally weighted"},
    {"uuid", GEN_UUID, {"version", "time_field", "start", "step", NULL}, parse_uuid,
     "UUID version 4 (random) or 7 (time-ordered)"},
    {"timestamp", GEN_TIMESTAMP, {"min", "max", "precision", "distribution", NULL},
     parse_timestamp_f, "UTC timestamps between min and max"},
    {"date", GEN_DATE, {"min", "max", "distribution", NULL}, parse_date_f,
     "dates between min and max"},
    {"string", GEN_PATTERN, {"pattern", NULL}, parse_pattern,
     "text from a pattern: # digit, ? A-Z, @ a-z, * A-Z or 0-9, % hex digit, \\ escapes"},
    {"template", GEN_TEMPLATE, {"template", NULL}, parse_template,
     "text built from other fields: \"{first|lower}.{last|lower}@example.com\""},
    {"ref", GEN_REF, {"entity", "field", "distribution", NULL}, parse_ref,
     "the key of a row of another entity (a foreign key)"},
    {"const", GEN_CONST, {"value", NULL}, parse_const, "the same value in every row"},
    {"event_time", GEN_EVENT_TIME, {"precision", NULL}, parse_event_time,
     "streams: the event's time on the simulated clock (precision s, ms or us)"},
    {"lifecycle_key", GEN_LIFECYCLE, {NULL}, plifecycle_field,
     "lifecycle streams: the instance's key (key_start + i, or the entity's primary key)"},
    {"lifecycle_state", GEN_LIFECYCLE, {NULL}, plifecycle_field,
     "lifecycle streams: the state this event enters"},
    {"lifecycle_previous", GEN_LIFECYCLE, {NULL}, plifecycle_field,
     "lifecycle streams: the state before it (NULL on the first event)"},
    {"lifecycle_step", GEN_LIFECYCLE, {NULL}, plifecycle_field,
     "lifecycle streams: 0 for the creation, then 1, 2, ..."},
};
const size_t gen_defs_len = sizeof gen_defs / sizeof gen_defs[0];

const struct gen_def *gen_def_find(const char *name)
{
    size_t i;

    for (i = 0; i < gen_defs_len; i++)
        if (strcmp(gen_defs[i].name, name) == 0)
            return &gen_defs[i];
    return gen_ext_find(name);
}

int field_resolve_ref(struct pctx *c, struct entity *e, struct field *f, const cJSON *spec,
                      const char *path)
{
    const char *ent = NULL, *fld = NULL;
    const cJSON *d = member(spec, "distribution");
    struct fount_column *col = col_of(e, f), *tc;
    struct entity *t;
    char p[PATH_MAX_LEN];

    pstr(c, spec, path, "entity", 1, &ent);
    pstr(c, spec, path, "field", 0, &fld);
    t = plan_entity(c->plan, ent);
    if (!t) {
        char hint[128];
        perr_val(c, pjoin(p, path, "entity"), "no entity named \"%s\"%s", ent,
                 entity_hint(hint, sizeof hint, c->plan, ent));
        return -1;
    }
    if (t == e) {
        perr_val(c, pjoin(p, path, "entity"), "a ref to its own entity is not supported");
        return -1;
    }
    f->target = t;
    f->target_field = fld ? entity_field(t, fld) : t->pk;
    if (f->target_field < 0) {
        char hint[128];
        if (fld)
            perr_val(c, pjoin(p, path, "field"), "entity \"%s\" has no field \"%s\"%s", t->name, fld,
                     field_hint(hint, sizeof hint, t, fld));
        else
            perr(c, path, "entity \"%s\" has no primary key (a field \"id\" or \"primary_key\"); "
                          "name the referenced field with \"field\"", t->name);
        return -1;
    }
    tc = &t->cols[f->target_field];
    if (!tc->unique && !tc->primary_key && !t->fields[f->target_field].unique) {
        perr(c, fld ? pjoin(p, path, "field") : path,
             "%s.%s is not unique, so it cannot identify a row (make it unique or the primary key)",
             t->name, t->fields[f->target_field].name);
        return -1;
    }
    f->ref_parent = (e->parent == t);
    if (f->ref_parent && (d || f->unique)) {
        perr(c, pjoin(p, path, d ? "distribution" : "unique"),
             "this ref names the parent that \"per\" enumerates, so it takes no %s",
             d ? "distribution" : "unique");
        return -1;
    }
    if (d && f->unique) {
        perr(c, pjoin(p, path, "unique"), "a unique ref takes every parent once, so it cannot also "
                                           "have a distribution");
        return -1;
    }
    if (d && cJSON_IsObject(d) && member(d, "n")) {
        perr(c, pjoin(p, path, "distribution.n"), "a ref's zipf ranks are the parent's rows: "
                                                   "leave \"n\" out");
        return -1;
    }
    if (d) {
        f->has_dist = 1;
        /* The zipf n is the parent count, known after --scale: plan_prepare sets it. */
        if (pdist(c, d, pjoin(p, path, "distribution"), 0, 1, &f->dist))
            return -1;
    }
    col->type = tc->type;
    col->decimals = tc->decimals;
    col->precision = tc->precision;
    col->scale = tc->scale;
    col->ts_digits = tc->ts_digits;
    col->max_len = tc->max_len;
    col->ref_table = t->name;
    col->ref_column = t->fields[f->target_field].name;
    return 0;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
    if (a && b > UINT64_MAX / a)
        return 0;
    return a * b;
}

uint64_t field_domain(const struct entity *e, const struct field *f)
{
    uint64_t n = 1;
    size_t i;

    switch (f->gen) {
    case GEN_SEQUENCE:
        return f->per_parent ? 0 : e->count;
    case GEN_INT:
    case GEN_DECIMAL:
    case GEN_DATE:
        return (uint64_t)(f->imax - f->imin) + 1 ? (uint64_t)(f->imax - f->imin) + 1 : 0;
    case GEN_TIMESTAMP:
        return (uint64_t)(f->imax - f->imin) / (uint64_t)f->step + 1;
    case GEN_BOOL:
        return 2;
    case GEN_CHOICE:
        return f->nchoices;
    case GEN_PATTERN:
        for (i = 0; i < f->npat && n; i++)
            if (f->pat[i].set)
                n = sat_mul(n, f->pat[i].nset);
        return n;
    case GEN_REF:
        return f->target ? f->target->count : 0;
    case GEN_CONST:
        return 1;
    case GEN_EXT:
        return gen_ext_domain(f->ext);
    default:
        return 0; /* uuid, float, template: too many to count */
    }
}
