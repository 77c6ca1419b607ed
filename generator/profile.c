/* profile.c: profile JSON -> plan. Every problem is collected (not just the first), located with
 * jsonloc, and reported as "file:line:col: json.path: message". Field generators live in field.c.
 * Leaves out: scale and per-parent counting (plan.c), which need run options. */
#include "profile.h"
#include "profile_priv.h"

#include "../sinks/sink.h"
#include "gen_ext.h"
#include "series.h"
#include "fault.h"
#include "lifecycle.h"
#include "stream.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* ---------- errors ---------- */

static void perr_add(struct pctx *c, const char *path, int at_value, const char *fmt, va_list ap)
{
    char msg[400], line[PATH_MAX_LEN + 512], p[PATH_MAX_LEN];
    long off = -1;
    int l, col;

    vsnprintf(msg, sizeof msg, fmt, ap);
    snprintf(p, sizeof p, "%s", path);
    /* An absent member is reported where its parent is. */
    for (;;) {
        off = jsonloc_find(&c->jl, p, at_value);
        if (off >= 0 || !p[0])
            break;
        {
            char *dot = strrchr(p, '.'), *br = strrchr(p, '[');
            char *cut = dot > br ? dot : br;
            if (cut)
                *cut = '\0';
            else
                p[0] = '\0';
        }
        at_value = 1;
    }
    if (off < 0)
        off = 0;
    jsonloc_linecol(c->text, c->len, (size_t)off, &l, &col);
    if (path[0])
        snprintf(line, sizeof line, "%s:%d:%d: %s: %s", c->file, l, col, path, msg);
    else
        snprintf(line, sizeof line, "%s:%d:%d: %s", c->file, l, col, msg);
    if (c->nerrs == c->caperrs) {
        c->caperrs = c->caperrs ? c->caperrs * 2 : 16;
        c->errs = xrealloc(c->errs, c->caperrs * sizeof *c->errs);
    }
    c->errs[c->nerrs].off = (size_t)off;
    c->errs[c->nerrs].seq = c->nerrs;
    c->errs[c->nerrs].msg = xstrdup(line);
    c->nerrs++;
}

void perr(struct pctx *c, const char *path, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    perr_add(c, path, 0, fmt, ap);
    va_end(ap);
}

void perr_val(struct pctx *c, const char *path, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    perr_add(c, path, 1, fmt, ap);
    va_end(ap);
}

static int perr_cmp(const void *a, const void *b)
{
    const struct perr *x = a, *y = b;

    if (x->off != y->off)
        return x->off < y->off ? -1 : 1;
    return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

/* ---------- helpers ---------- */

/* Paths are built by hand: out may be base itself (pjoin(p, p, "x")), and long ones truncate. */
static const char *path_put(char *out, const char *base, const char *sep, const char *tail)
{
    char tmp[PATH_MAX_LEN];
    size_t n = 0, k;

    if (base && base[0]) {
        k = strlen(base);
        k = k < PATH_MAX_LEN - 1 ? k : PATH_MAX_LEN - 1;
        memcpy(tmp, base, k);
        n = k;
        k = strlen(sep);
        k = k < PATH_MAX_LEN - 1 - n ? k : PATH_MAX_LEN - 1 - n;
        memcpy(tmp + n, sep, k);
        n += k;
    }
    k = strlen(tail);
    k = k < PATH_MAX_LEN - 1 - n ? k : PATH_MAX_LEN - 1 - n;
    memcpy(tmp + n, tail, k);
    n += k;
    tmp[n] = '\0';
    memcpy(out, tmp, n + 1);
    return out;
}

const char *pjoin(char *out, const char *base, const char *key)
{
    return path_put(out, base, ".", key);
}

const char *pidx(char *out, const char *base, size_t i)
{
    char num[24], *q = num + sizeof num;

    *--q = '\0';
    *--q = ']';
    do
        *--q = (char)('0' + i % 10);
    while (i /= 10);
    *--q = '[';
    return path_put(out, base, "", q);
}

/* Damerau-Levenshtein (optimal string alignment): a swap of two letters ("setp") is one edit. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i, j, d[65][65];

    if (la > 64 || lb > 64)
        return 99;
    for (i = 0; i <= la; i++)
        d[i][0] = i;
    for (j = 0; j <= lb; j++)
        d[0][j] = j;
    for (i = 1; i <= la; i++)
        for (j = 1; j <= lb; j++) {
            size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1, best;
            best = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

size_t suggest_hint(char *out, size_t n, const char *word, const char *const *cands, size_t nc)
{
    const char *s = psuggest(word, cands, nc);

    return s ? (size_t)snprintf(out, n, " (did you mean \"%s\"?)", s) : (out[0] = '\0', 0);
}

/* " (did you mean "customers"?)" for an entity name, or "". */
const char *entity_hint(char *out, size_t n, const struct plan *pl, const char *name)
{
    const char *names[256];
    size_t i, k = 0;

    for (i = 0; i < pl->nents && k < 256; i++)
        if (pl->ents[i].name)
            names[k++] = pl->ents[i].name;
    suggest_hint(out, n, name, names, k);
    return out;
}

/* The same for a field of entity e. */
const char *field_hint(char *out, size_t n, const struct entity *e, const char *name)
{
    const char *names[256];
    size_t i, k = 0;

    for (i = 0; i < e->nfields && k < 256; i++)
        names[k++] = e->fields[i].name;
    suggest_hint(out, n, name, names, k);
    return out;
}

const char *psuggest(const char *word, const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t i, bestd = 99, limit = strlen(word) <= 4 ? 1 : (strlen(word) <= 8 ? 2 : 3);

    for (i = 0; i < n; i++) {
        size_t d;
        if (!cands[i])
            continue;
        d = edit_distance(word, cands[i]);
        if (d < bestd) {
            bestd = d;
            best = cands[i];
        }
    }
    return bestd <= limit ? best : NULL;
}

static size_t list_join(char *out, size_t outlen, const char *const *items)
{
    size_t w = 0, i;

    out[0] = '\0';
    for (i = 0; items[i] && w < outlen; i++)
        w += (size_t)snprintf(out + w, outlen - w, "%s%s", i ? ", " : "", items[i]);
    return w;
}

int pkeys(struct pctx *c, const cJSON *obj, const char *path, const char *const *allowed)
{
    const cJSON *it;
    size_t n = 0;
    int bad = 0;
    char p[PATH_MAX_LEN], list[400];

    while (allowed[n])
        n++;
    cJSON_ArrayForEach(it, obj)
    {
        const char *s;
        size_t i;
        int ok = 0;
        for (i = 0; i < n; i++)
            if (strcmp(it->string, allowed[i]) == 0)
                ok = 1;
        if (ok)
            continue;
        bad++;
        s = psuggest(it->string, allowed, n);
        pjoin(p, path, it->string);
        if (s) {
            perr(c, p, "unknown key \"%s\" (did you mean \"%s\"?)", it->string, s);
        } else {
            list_join(list, sizeof list, allowed);
            perr(c, p, "unknown key \"%s\" (expected one of: %s)", it->string, list);
        }
    }
    return bad;
}

const char *ptype_name(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "an array";
    return "an object";
}

static const cJSON *member(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

int pnum(struct pctx *c, const cJSON *obj, const char *path, const char *key, int required,
         double *out)
{
    const cJSON *v = member(obj, key);
    char p[PATH_MAX_LEN];

    pjoin(p, path, key);
    if (!v) {
        if (required)
            perr(c, p, "missing required key \"%s\" (a number)", key);
        return 0;
    }
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) {
        perr(c, p, "expected a number, got %s", ptype_name(v));
        return -1;
    }
    *out = v->valuedouble;
    return 1;
}

int pint(struct pctx *c, const cJSON *obj, const char *path, const char *key, int required,
         int64_t *out)
{
    double d = 0;
    char p[PATH_MAX_LEN];
    int rc = pnum(c, obj, path, key, 0, &d);

    pjoin(p, path, key);
    if (rc == 0 && required)
        perr(c, p, "missing required key \"%s\" (a whole number)", key);
    if (rc <= 0)
        return rc;
    if (fabs(d) > 9007199254740992.0) {
        perr(c, p, "too large: at most 9007199254740992 (2^53), got %g", d);
        return -1;
    }
    if (d != floor(d)) {
        perr(c, p, "expected a whole number, got %g", d);
        return -1;
    }
    *out = (int64_t)d;
    return 1;
}

int pstr(struct pctx *c, const cJSON *obj, const char *path, const char *key, int required,
         const char **out)
{
    const cJSON *v = member(obj, key);
    char p[PATH_MAX_LEN];

    pjoin(p, path, key);
    if (!v) {
        if (required)
            perr(c, p, "missing required key \"%s\" (a string)", key);
        return 0;
    }
    if (!cJSON_IsString(v)) {
        perr(c, p, "expected a string, got %s", ptype_name(v));
        return -1;
    }
    *out = v->valuestring;
    return 1;
}

int pbool(struct pctx *c, const cJSON *obj, const char *path, const char *key, int *out)
{
    const cJSON *v = member(obj, key);
    char p[PATH_MAX_LEN];

    if (!v)
        return 0;
    if (!cJSON_IsBool(v)) {
        perr(c, pjoin(p, path, key), "expected true or false, got %s", ptype_name(v));
        return -1;
    }
    *out = cJSON_IsTrue(v);
    return 1;
}

int pdur(struct pctx *c, const cJSON *obj, const char *path, const char *key, int required,
         int64_t *out)
{
    const cJSON *v = member(obj, key);
    char p[PATH_MAX_LEN];

    pjoin(p, path, key);
    if (!v) {
        if (required)
            perr(c, p, "missing required key \"%s\" (a duration such as \"30s\")", key);
        return 0;
    }
    if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 9e12) {
        *out = (int64_t)(v->valuedouble * 1e6);
        return 1;
    }
    if (cJSON_IsString(v) && parse_duration(v->valuestring, out) == 0)
        return 1;
    perr(c, p, "expected a duration such as \"500ms\", \"30s\", \"5m\", \"2h\" or \"7d\" (or a "
               "number of seconds)");
    return -1;
}

/* ---------- distributions ---------- */

static int pdist_param(struct pctx *c, const cJSON *v, const char *p, double unit, double *out)
{
    int64_t us;

    if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
        *out = v->valuedouble;
        return 0;
    }
    if (unit > 0 && cJSON_IsString(v) && parse_duration(v->valuestring, &us) == 0) {
        *out = (double)us / unit;
        return 0;
    }
    perr(c, p, "expected a number%s, got %s", unit > 0 ? " or a duration such as \"30d\"" : "",
         ptype_name(v));
    return -1;
}

static int pdist_arrays(struct pctx *c, const cJSON *node, const char *path, struct dist *d,
                        enum dist_kind kind)
{
    static const char *const wkeys[] = {"type", "values", "weights", NULL};
    static const char *const hkeys[] = {"type", "buckets", NULL};
    static const char *const bkeys[] = {"min", "max", "weight", NULL};
    const cJSON *a = member(node, kind == DIST_WEIGHTED ? "values" : "buckets");
    const cJSON *w = member(node, "weights"), *it;
    char p[PATH_MAX_LEN], ip[PATH_MAX_LEN], msg[256];
    double *x, *y, *z;
    size_t n, i = 0;
    int bad = 0, rc = -1;

    if (pkeys(c, node, path, kind == DIST_WEIGHTED ? wkeys : hkeys))
        return -1;
    pjoin(p, path, kind == DIST_WEIGHTED ? "values" : "buckets");
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) == 0) {
        perr(c, p, "expected a non-empty array");
        return -1;
    }
    n = (size_t)cJSON_GetArraySize(a);
    x = xcalloc(n, sizeof *x);
    y = xcalloc(n, sizeof *y);
    z = xcalloc(n, sizeof *z);
    cJSON_ArrayForEach(it, a)
    {
        pidx(ip, p, i);
        if (kind == DIST_WEIGHTED) {
            if (!cJSON_IsNumber(it)) {
                perr(c, ip, "expected a number, got %s", ptype_name(it));
                bad++;
            } else
                x[i] = it->valuedouble;
            y[i] = 1;
        } else if (!cJSON_IsObject(it)) {
            perr(c, ip, "expected an object {\"min\": .., \"max\": .., \"weight\": ..}");
            bad++;
        } else {
            bad += pkeys(c, it, ip, bkeys);
            bad += pnum(c, it, ip, "min", 1, &x[i]) != 1;
            bad += pnum(c, it, ip, "max", 1, &y[i]) != 1;
            z[i] = 1;
            bad += pnum(c, it, ip, "weight", 0, &z[i]) < 0;
        }
        i++;
    }
    if (kind == DIST_WEIGHTED && w) {
        pjoin(p, path, "weights");
        if (!cJSON_IsArray(w) || (size_t)cJSON_GetArraySize(w) != n) {
            perr(c, p, "expected an array of %zu numbers, one per value", n);
            bad++;
        } else {
            i = 0;
            cJSON_ArrayForEach(it, w)
            {
                if (!cJSON_IsNumber(it)) {
                    pidx(ip, p, i);
                    perr(c, ip, "expected a number, got %s", ptype_name(it));
                    bad++;
                } else
                    y[i] = it->valuedouble;
                i++;
            }
        }
    }
    if (bad)
        goto out;
    if (kind == DIST_WEIGHTED ? dist_init_weighted(d, x, y, n, msg, sizeof msg)
                              : dist_init_histogram(d, x, y, z, n, msg, sizeof msg)) {
        perr(c, path, "%s", msg);
        goto out;
    }
    rc = 0;
out:
    free(x);
    free(y);
    free(z);
    return rc;
}

int pdist(struct pctx *c, const cJSON *node, const char *path, double unit, double range_n,
          struct dist *d)
{
    const struct dist_info *info;
    const char *name = NULL, *allowed[DIST_MAXP + 2];
    double p[DIST_MAXP] = {0};
    char pp[PATH_MAX_LEN], msg[256];
    int i, bad = 0, badp = -1;

    memset(d, 0, sizeof *d);
    if (cJSON_IsString(node))
        name = node->valuestring;
    else if (cJSON_IsObject(node)) {
        if (pstr(c, node, path, "type", 1, &name) != 1)
            return -1;
    } else {
        perr(c, path, "expected a distribution name or an object with \"type\", got %s",
             ptype_name(node));
        return -1;
    }
    info = dist_find(name);
    if (!info) {
        const char *names[32], *s;
        char list[400];
        size_t k;
        for (k = 0; k < dist_table_len && k < 31; k++)
            names[k] = dist_table[k].name;
        names[k] = NULL;
        s = psuggest(name, names, k);
        list_join(list, sizeof list, names);
        if (s)
            perr_val(c, cJSON_IsObject(node) ? pjoin(pp, path, "type") : path,
                     "unknown distribution \"%s\" (did you mean \"%s\"?)", name, s);
        else
            perr_val(c, cJSON_IsObject(node) ? pjoin(pp, path, "type") : path,
                     "unknown distribution \"%s\" (expected one of: %s)", name, list);
        return -1;
    }
    if (info->kind == DIST_WEIGHTED || info->kind == DIST_HISTOGRAM) {
        if (!cJSON_IsObject(node)) {
            perr(c, path, "a %s distribution needs an object with its %s", name,
                 info->kind == DIST_WEIGHTED ? "\"values\"" : "\"buckets\"");
            return -1;
        }
        return pdist_arrays(c, node, path, d, info->kind);
    }
    allowed[0] = "type";
    for (i = 0; info->params[i]; i++)
        allowed[i + 1] = info->params[i];
    allowed[i + 1] = NULL;
    if (cJSON_IsObject(node) && pkeys(c, node, path, allowed))
        return -1;
    for (i = 0; info->params[i]; i++) {
        const cJSON *v = cJSON_IsObject(node) ? member(node, info->params[i]) : NULL;
        pjoin(pp, path, info->params[i]);
        if (v) {
            bad += pdist_param(c, v, pp, unit, &p[i]) != 0;
        } else if (info->kind == DIST_ZIPF && strcmp(info->params[i], "n") == 0 && range_n > 0) {
            p[i] = range_n;
        } else if (info->defaults[i]) {
            p[i] = strtod(info->defaults[i], NULL);
        } else {
            perr(c, path, "a %s distribution needs \"%s\"", name, info->params[i]);
            bad++;
        }
    }
    if (bad)
        return -1;
    if (dist_init(d, info->kind, p, msg, sizeof msg, &badp)) {
        if (badp >= 0 && cJSON_IsObject(node) && member(node, info->params[badp]))
            perr(c, pjoin(pp, path, info->params[badp]), "%s", msg);
        else
            perr(c, path, "%s", msg);
        return -1;
    }
    return 0;
}

/* ---------- entities ---------- */

static int pentity_count(struct pctx *c, struct entity *e, const cJSON *spec, const char *path)
{
    const cJSON *per = member(spec, "per");
    const cJSON *cnt = member(spec, "count");
    char p[PATH_MAX_LEN];
    int64_t n = 0;

    if (per && cnt) {
        perr(c, pjoin(p, path, "count"), "give either \"count\" or \"per\", not both");
        return -1;
    }
    if (!per) {
        if (pint(c, spec, path, "count", 1, &n) != 1)
            return -1;
        if (n < 0) {
            perr(c, pjoin(p, path, "count"), "must be >= 0 (got %lld)", (long long)n);
            return -1;
        }
        e->base_count = (uint64_t)n;
        return 0;
    }
    return 0; /* "per" is compiled once every entity's name is known (pentity_per) */
}

/* A count of rows per unit ("per".count, a CDC row's updates): a whole number, {"min": ..,
 * "max": ..} (uniform), or a distribution with "type" and optional min/max clamps. Without a
 * max a distribution is clamped at def_max; limit (0: none) caps max. Fills *lo, *hi and, for a
 * distribution, d and *has_dist. Returns 0, or -1 when reported. */
int pcount_spec(struct pctx *c, const cJSON *obj, const char *path, const char *key,
                int64_t def_max, int64_t limit, int64_t *lo, int64_t *hi, struct dist *d,
                int *has_dist)
{
    const cJSON *cnt = member(obj, key);
    char cp[PATH_MAX_LEN];
    int has_lo, has_hi;

    pjoin(cp, path, key);
    *lo = 0;
    *hi = def_max;
    *has_dist = 0;
    if (!cnt) {
        perr(c, cp, "missing required key \"%s\" (a whole number, {\"min\": .., \"max\": ..} "
                    "or a distribution)", key);
        return -1;
    }
    if (cJSON_IsNumber(cnt)) {
        if (pint(c, obj, path, key, 1, lo) != 1)
            return -1;
        if (*lo < 0) {
            perr(c, cp, "must be >= 0 (got %lld)", (long long)*lo);
            return -1;
        }
        *hi = *lo;
    } else if (!cJSON_IsObject(cnt)) {
        perr(c, cp, "expected a whole number or an object, got %s", ptype_name(cnt));
        return -1;
    } else {
        int64_t a = 0, b = 0;
        has_lo = pint(c, cnt, cp, "min", 0, &a);
        has_hi = pint(c, cnt, cp, "max", 0, &b);
        if (has_lo < 0 || has_hi < 0)
            return -1;
        if (member(cnt, "type")) {
            cJSON *copy = cJSON_Duplicate(cnt, 1);
            int bad;
            cJSON_DeleteItemFromObjectCaseSensitive(copy, "min");
            cJSON_DeleteItemFromObjectCaseSensitive(copy, "max");
            bad = pdist(c, copy, cp, 0, has_hi ? (double)(b - (has_lo ? a : 0) + 1) : 0, d) != 0;
            cJSON_Delete(copy);
            if (bad)
                return -1;
            *has_dist = 1;
        } else {
            static const char *const mm[] = {"min", "max", NULL};
            if (pkeys(c, cnt, cp, mm))
                return -1;
            if (has_hi != 1) {
                perr(c, cp, "give \"max\" (uniform between min and max) or a distribution "
                            "with \"type\"");
                return -1;
            }
        }
        if (has_lo == 1)
            *lo = a;
        if (has_hi == 1)
            *hi = b;
    }
    if (*lo < 0 || *hi < *lo || (limit && *hi > limit)) {
        if (limit)
            perr(c, cp, "bounds must satisfy 0 <= min <= max <= %lld (got min %lld, max %lld)",
                 (long long)limit, (long long)*lo, (long long)*hi);
        else
            perr(c, cp, "bounds must satisfy 0 <= min <= max (got min %lld, max %lld)",
                 (long long)*lo, (long long)*hi);
        return -1;
    }
    return 0;
}

static int pentity_per(struct pctx *c, struct entity *e, const cJSON *per, const char *path)
{
    static const char *const keys[] = {"entity", "count", NULL};
    const char *pname = NULL;
    char p[PATH_MAX_LEN];

    if (!cJSON_IsObject(per)) {
        perr(c, path, "expected an object {\"entity\": \"parent\", \"count\": ...}");
        return -1;
    }
    if (pkeys(c, per, path, keys))
        return -1;
    if (pstr(c, per, path, "entity", 1, &pname) != 1)
        return -1;
    e->parent = plan_entity(c->plan, pname);
    if (!e->parent) {
        char hint[128];
        perr_val(c, pjoin(p, path, "entity"), "no entity named \"%s\"%s", pname,
                 entity_hint(hint, sizeof hint, c->plan, pname));
        return -1;
    }
    if (e->parent == e) {
        perr_val(c, pjoin(p, path, "entity"), "an entity cannot be its own parent");
        return -1;
    }
    e->per_key = fount_key(c->plan->seed, e->name, "", "per");
    return pcount_spec(c, per, path, "count", 1000000, 0, &e->per_min, &e->per_max,
                       &e->per_dist, &e->per_has_dist);
}

static void pentity_indexes(struct pctx *c, struct entity *e, const cJSON *idx, const char *path)
{
    const cJSON *it;
    char ip[PATH_MAX_LEN];
    size_t i = 0;

    if (!cJSON_IsArray(idx)) {
        perr(c, path, "expected an array of field names (or arrays of them)");
        return;
    }
    e->indexes = xcalloc((size_t)cJSON_GetArraySize(idx) + 1, sizeof *e->indexes);
    cJSON_ArrayForEach(it, idx)
    {
        struct buf cols;
        const cJSON *col;
        pidx(ip, path, i++);
        buf_init(&cols, 4096);
        if (cJSON_IsString(it)) {
            buf_puts(&cols, it->valuestring);
        } else if (cJSON_IsArray(it) && cJSON_GetArraySize(it) > 0) {
            cJSON_ArrayForEach(col, it)
            {
                if (!cJSON_IsString(col))
                    break;
                if (cols.len)
                    buf_puts(&cols, ",");
                buf_puts(&cols, col->valuestring);
            }
        }
        buf_append(&cols, "", 1);
        if (!cols.len || cols.data[0] == '\0') {
            perr(c, ip, "expected a field name or a non-empty array of field names");
        } else {
            char *tmp = xstrdup(cols.data), *s = tmp, *comma;
            int ok = 1;
            do {
                comma = strchr(s, ',');
                if (comma)
                    *comma = '\0';
                if (entity_field(e, s) < 0) {
                    perr_val(c, ip, "no field named \"%s\" in entity \"%s\"", s, e->name);
                    ok = 0;
                }
                s = comma + 1;
            } while (comma);
            free(tmp);
            if (ok)
                e->indexes[e->nindexes++] = xstrdup(cols.data);
        }
        buf_free(&cols);
    }
}

/* Pass 1: names of entities, streams and their fields, so later passes can resolve references
 * in any order. c->specs[i] remembers the JSON of entity i. */
static int pass_names(struct pctx *c, const cJSON *const *sections, const char *const *names,
                      size_t nsec)
{
    const cJSON *it, *fs, *f;
    char p[PATH_MAX_LEN], fp[PATH_MAX_LEN];
    struct plan *pl = c->plan;
    size_t total = 0, k;
    int bad = 0;

    for (k = 0; k < nsec; k++)
        total += sections[k] ? (size_t)cJSON_GetArraySize(sections[k]) : 0;
    pl->ents = xcalloc(total + 1, sizeof *pl->ents);
    c->specs = xcalloc(total + 1, sizeof *c->specs);
    for (k = 0; k < nsec; k++)
        cJSON_ArrayForEach(it, sections[k])
        {
            struct entity *e = &pl->ents[pl->nents];
            size_t i = 0;
            pjoin(p, names[k], it->string);
            if (!cJSON_IsObject(it)) {
                perr(c, p, "expected an object with %s and \"fields\", got %s",
                     k ? "\"rate\"" : "\"count\"", ptype_name(it));
                bad++;
                continue;
            }
            if (!it->string[0] || plan_entity(pl, it->string)) {
                perr(c, p, it->string[0] ? "the name \"%s\" is taken already (entities and streams "
                                           "share one namespace)"
                                         : "a name must not be empty%s", it->string);
                bad++;
                continue;
            }
            e->name = xstrdup(it->string);
            e->section = names[k];
            e->index = (int)pl->nents++;
            e->pk = -1;
            c->specs[e->index] = it;
            if (strcmp(names[k], "series") == 0) { /* columns come from tags, not "fields" */
                bad += pseries(c, e, it, p) != 0;
                continue;
            }
            fs = member(it, "fields");
            pjoin(fp, p, "fields");
            if (!fs && k == 1 && member(it, "cdc")) /* columns come from "cdc" (cdc.c) */
                continue;
            if (!fs) {
                perr(c, p, "missing required key \"fields\" (an object of field definitions)");
                bad++;
                continue;
            }
            if (!cJSON_IsObject(fs) || cJSON_GetArraySize(fs) == 0) {
                perr(c, fp, "expected a non-empty object of field definitions");
                bad++;
                continue;
            }
            e->nfields = (size_t)cJSON_GetArraySize(fs);
            e->fields = xcalloc(e->nfields, sizeof *e->fields);
            e->cols = xcalloc(e->nfields, sizeof *e->cols);
            cJSON_ArrayForEach(f, fs)
            {
                e->fields[i].name = xstrdup(f->string);
                e->fields[i].index = (int)i;
                e->fields[i].time_field = -1;
                e->fields[i].target_field = -1;
                e->cols[i].name = e->fields[i].name;
                e->cols[i].decimals = -1;
                e->cols[i].max_len = -1;
                i++;
            }
        }
    return bad;
}

static const char *const common_keys[] = {"type", "null_rate", "unique", "description"};

static int pfield(struct pctx *c, struct entity *e, struct field *f, const cJSON *spec,
                  const char *path)
{
    const struct gen_def *g;
    const char *tname = NULL, *allowed[24];
    char p[PATH_MAX_LEN];
    size_t i, n = 0;
    int u = 0;

    if (!cJSON_IsObject(spec)) {
        perr(c, path, "expected an object with \"type\", got %s", ptype_name(spec));
        return -1;
    }
    if (pstr(c, spec, path, "type", 1, &tname) != 1)
        return -1;
    g = gen_def_find(tname);
    if (!g) {
        const char *names[256], *s;
        for (i = 0; i < gen_defs_len && i < 64; i++)
            names[i] = gen_defs[i].name;
        i += gen_ext_names(names + i, 256 - i); /* person.first_name, address.city... */
        s = psuggest(tname, names, i);
        if (s)
            perr_val(c, pjoin(p, path, "type"), "unknown generator \"%s\" (did you mean \"%s\"?)",
                     tname, s);
        else
            perr_val(c, pjoin(p, path, "type"),
                     "unknown generator \"%s\" (see docs/profile.md for the list)", tname);
        return -1;
    }
    f->gen = g->kind;
    for (i = 0; i < 4; i++)
        allowed[n++] = common_keys[i];
    if (!strcmp(e->section, "streams") && member(c->specs[e->index], "lifecycle"))
        allowed[n++] = "per_event"; /* drawn per event, not per instance (lifecycle.h) */
    for (i = 0; g->keys[i]; i++)
        allowed[n++] = g->keys[i];
    allowed[n] = NULL;
    if (pkeys(c, spec, path, allowed))
        return -1;
    if (pnum(c, spec, path, "null_rate", 0, &f->null_rate) == 1 &&
        (f->null_rate < 0 || f->null_rate > 1)) {
        perr(c, pjoin(p, path, "null_rate"), "must be between 0 and 1 (got %g)", f->null_rate);
        return -1;
    }
    if (pbool(c, spec, path, "unique", &u) < 0)
        return -1;
    f->unique = u;
    if (pbool(c, spec, path, "per_event", &f->per_event) < 0)
        return -1;
    f->key = fount_key(c->plan->seed, e->name, f->name, NULL);
    f->null_key = fount_key(c->plan->seed, e->name, f->name, "null");
    e->cols[f->index].nullable = f->null_rate > 0;
    return g->parse(c, e, f, spec, path);
}

/* Depth-first topological sort of fields by deps; a cycle is reported once. */
static int order_fields(struct pctx *c, struct entity *e)
{
    int *state = xcalloc(e->nfields, sizeof *state); /* 0 new, 1 on stack, 2 done */
    int *stack = xcalloc(e->nfields + 1, sizeof *stack), *pos = xcalloc(e->nfields, sizeof *pos);
    size_t n = 0, s;
    int rc = 0;
    char p[PATH_MAX_LEN];

    e->order = xcalloc(e->nfields, sizeof *e->order);
    for (s = 0; s < e->nfields && !rc; s++) {
        size_t top = 0;
        if (state[s])
            continue;
        stack[top++] = (int)s;
        state[s] = 1;
        pos[s] = 0;
        while (top && !rc) {
            int x = stack[top - 1];
            struct field *f = &e->fields[x];
            if ((size_t)pos[x] < f->ndeps) {
                int d = f->deps[pos[x]++];
                if (state[d] == 1) {
                    char chain[400];
                    size_t w = 0, k = top;
                    while (k > 0 && stack[k - 1] != d) /* the cycle is the stack from d up */
                        k--;
                    for (k = k ? k - 1 : 0; k < top && w < sizeof chain; k++)
                        w += (size_t)snprintf(chain + w, sizeof chain - w, "%s -> ",
                                              e->fields[stack[k]].name);
                    if (w < sizeof chain)
                        snprintf(chain + w, sizeof chain - w, "%s", e->fields[d].name);
                    pjoin(p, e->section, e->name);
                    pjoin(p, p, "fields");
                    perr(c, pjoin(p, p, f->name), "fields depend on each other in a cycle: %s",
                         chain);
                    rc = -1;
                } else if (!state[d]) {
                    state[d] = 1;
                    pos[d] = 0;
                    stack[top++] = d;
                }
            } else {
                state[x] = 2;
                e->order[n++] = x;
                top--;
            }
        }
    }
    free(state);
    free(stack);
    free(pos);
    return rc;
}

/* An entity that e depends on (its parent or a ref target) and that is not placed yet. */
static struct entity *unplaced_dep(const struct plan *pl, struct entity *e, const int *state)
{
    size_t j;

    if (e->parent && !state[e->parent->index])
        return e->parent;
    for (j = 0; j < e->nfields; j++)
        if (e->fields[j].gen == GEN_REF && e->fields[j].target &&
            !state[e->fields[j].target->index])
            return e->fields[j].target;
    (void)pl;
    return e;
}

/* Parents before children: an entity comes after every entity its refs and "per" point to. */
static int order_entities(struct pctx *c)
{
    struct plan *pl = c->plan;
    int *state = xcalloc(pl->nents + 1, sizeof *state);
    size_t n = 0, pass, i, j;
    int rc = 0;
    char p[PATH_MAX_LEN];

    pl->write_order = xcalloc(pl->nents + 1, sizeof *pl->write_order);
    /* Kahn-style passes: at most nents passes of nents entities each; profiles are small. */
    for (pass = 0; pass <= pl->nents && n < pl->nents; pass++) {
        for (i = 0; i < pl->nents; i++) {
            struct entity *e = &pl->ents[i];
            int ready = 1;
            if (state[i])
                continue;
            if (e->parent && !state[e->parent->index])
                ready = 0;
            if (e->lifecycle && e->lifecycle->entity && !state[e->lifecycle->entity->index])
                ready = 0; /* a lifecycle or CDC stream after the entity it keys */
            for (j = 0; j < e->nfields && ready; j++)
                if (e->fields[j].gen == GEN_REF && e->fields[j].target &&
                    !state[e->fields[j].target->index])
                    ready = 0;
            if (ready) {
                state[i] = 1;
                pl->write_order[n++] = (int)i;
            }
        }
    }
    if (n < pl->nents) { /* walk unplaced dependencies from the first unplaced entity */
        char chain[400];
        size_t w = 0, steps;
        struct entity *e = NULL, *start;
        for (i = 0; i < pl->nents && !e; i++)
            if (!state[i])
                e = &pl->ents[i];
        /* after nents steps the walk is inside the cycle: start there */
        for (steps = 0; steps < pl->nents; steps++)
            e = unplaced_dep(pl, e, state);
        start = e;
        do {
            w += (size_t)snprintf(chain + w, w < sizeof chain ? sizeof chain - w : 0, "%s -> ",
                                  e->name);
            e = unplaced_dep(pl, e, state);
        } while (e != start && w < sizeof chain);
        if (w < sizeof chain)
            snprintf(chain + w, sizeof chain - w, "%s", start->name);
        perr(c, pjoin(p, start->section, start->name),
             "entities refer to each other in a cycle: %s", chain);
        rc = -1;
    }
    free(state);
    return rc;
}

/* Does field fi of e (with what it reads) need the row's parent, which a ref cannot know? */
static int needs_parent(const struct entity *e, int fi, int depth)
{
    const struct field *f = &e->fields[fi];
    size_t i;

    if (depth > 64)
        return 0;
    if ((f->gen == GEN_SEQUENCE && f->per_parent) || (f->gen == GEN_REF && f->ref_parent))
        return 1;
    for (i = 0; i < f->ndeps; i++)
        if (needs_parent(e, f->deps[i], depth + 1))
            return 1;
    return 0;
}

static const char *epath(char *out, const struct entity *e);

/* Characters a field's text can hold, as a 256-entry mask; 0 when unknown (any). */
static int field_charset(const struct entity *e, const struct field *f, unsigned char *set)
{
    size_t i, j;

    memset(set, 0, 256);
    switch (f->gen) {
    case GEN_SEQUENCE:
    case GEN_INT:
        for (i = '0'; i <= '9'; i++)
            set[i] = 1;
        /* a minus sign only when a value can be negative */
        set['-'] = f->gen == GEN_INT ? f->imin < 0 : (f->imin < 0 || f->step < 0);
        return 1;
    case GEN_UUID:
        for (i = 0; i < 16; i++)
            set[(unsigned char)"0123456789abcdef"[i]] = 1;
        set['-'] = 1;
        return 1;
    case GEN_PATTERN:
        for (i = 0; i < f->npat; i++) {
            if (!f->pat[i].set)
                set[(unsigned char)f->pat[i].lit] = 1;
            for (j = 0; f->pat[i].set && j < f->pat[i].nset; j++)
                set[(unsigned char)f->pat[i].set[j]] = 1;
        }
        return 1;
    default:
        (void)e;
        return 0;
    }
}

/* Can the text of neighbour part nb (a literal or a field) touch a unique field's text without
 * the boundary becoming ambiguous? at_end: nb comes before the field (its last byte touches). */
static int separates(const struct entity *e, const struct tpl_part *nb, const unsigned char *set,
                     int at_end)
{
    size_t i;

    if (nb->lit) /* a literal separates when its touching byte cannot occur in the field */
        return nb->litlen && !set[(unsigned char)nb->lit[at_end ? nb->litlen - 1 : 0]];
    /* A field separates when every value's touching byte is outside the set: choices and
     * constants can be checked value by value. */
    {
        const struct field *g = &e->fields[nb->field];
        if (g->gen == GEN_CHOICE && e->cols[g->index].type == FV_STRING) {
            for (i = 0; i < g->nchoices; i++) {
                const struct fount_value *v = &g->choices[i];
                if (!v->len || set[(unsigned char)v->v.s[at_end ? v->len - 1 : 0]])
                    return 0;
            }
            return 1;
        }
    }
    return 0;
}

/* A unique template needs a unique field whose text cannot run into its neighbours'. */
static int template_unique(const struct entity *e, const struct field *f)
{
    unsigned char set[256];
    size_t i;

    for (i = 0; i < f->ntpl; i++) {
        const struct tpl_part *tp = &f->tpl[i];
        const struct field *u;
        if (tp->lit)
            continue;
        u = &e->fields[tp->field];
        if (!(u->unique || e->cols[u->index].unique) || u->null_rate > 0 || tp->filter)
            continue;
        if (!field_charset(e, u, set))
            continue;
        if ((i == 0 || separates(e, &f->tpl[i - 1], set, 1)) &&
            (i + 1 == f->ntpl || separates(e, &f->tpl[i + 1], set, 0)))
            return 1;
    }
    return 0;
}

/* Checks that need every field compiled: unique templates, ref keys, unique domains. */
static void check_fields(struct pctx *c, struct entity *e)
{
    char p[PATH_MAX_LEN];
    size_t j;

    for (j = 0; j < e->nfields; j++) {
        struct field *f = &e->fields[j];
        epath(p, e);
        pjoin(p, p, "fields");
        pjoin(p, p, f->name);
        if (f->gen == GEN_TEMPLATE && f->unique) {
            if (!template_unique(e, f))
                perr(c, pjoin(p, p, "unique"),
                     "a template is unique only when it holds a unique field (a sequence, int, "
                     "uuid or pattern, without null_rate or filter) set off from its neighbours "
                     "by characters that field never contains, as in \"user{id}@example.com\"");
        } else if (f->null_rate > 0 && (e->cols[j].primary_key)) {
            perr(c, pjoin(p, p, "null_rate"), "a primary key cannot be null");
        } else if (f->gen == GEN_REF && f->target && needs_parent(f->target, f->target_field, 0)) {
            perr(c, p, "%s.%s depends on its row's parent, so a ref cannot compute it",
                 f->target->name, f->target->fields[f->target_field].name);
        } else if (f->unique && f->gen == GEN_REF && f->target && !f->target->parent &&
                   !f->target->stream && !f->target->series && !e->parent && !e->stream &&
                   f->target->base_count < e->base_count) {
            perr(c, pjoin(p, p, "unique"), "only %llu distinct values for %llu rows",
                 (unsigned long long)f->target->base_count, (unsigned long long)e->base_count);
        } else if (f->unique && !e->parent && f->gen != GEN_REF) {
            uint64_t dom = field_domain(e, f);
            if (dom && dom < e->base_count)
                perr(c, pjoin(p, p, "unique"), "only %llu distinct values for %llu rows",
                     (unsigned long long)dom, (unsigned long long)e->base_count);
        }
        if (f->unique)
            e->cols[j].unique = 1;
    }
}

/* "entities.orders" or "streams.clicks" */
static const char *epath(char *out, const struct entity *e)
{
    return pjoin(out, e->section, e->name);
}

static void pentities(struct pctx *c, const cJSON *const *sections, const char *const *names,
                      size_t nsec)
{
    struct plan *pl = c->plan;
    static const char *const ekeys[] = {"count", "per", "fields", "primary_key", "indexes",
                                        "description", NULL};
    static const char *const skeys[] = {"start", "duration", "end", "events", "window", "rate",
                                        "arrival", "key", "fields", "indexes", "faults",
                                        "lifecycle", "cdc", "description", NULL};
    char p[PATH_MAX_LEN], fp[PATH_MAX_LEN];
    int *ok;
    size_t i, j;

    if (pass_names(c, sections, names, nsec))
        return;
    ok = xcalloc(pl->nents + 1, sizeof *ok);
    /* Pass 2: counts, keys and every field's own parameters. */
    for (i = 0; i < pl->nents; i++) {
        struct entity *e = &pl->ents[i];
        const cJSON *it = c->specs[i], *fs = member(it, "fields"), *f;
        const char *pk = NULL;
        int bad = 0, is_stream = strcmp(e->section, "streams") == 0;
        if (e->series) {
            ok[i] = 1;
            continue;
        }
        epath(p, e);
        bad += pkeys(c, it, p, is_stream ? skeys : ekeys);
        if (!is_stream) {
            bad += pentity_count(c, e, it, p) != 0;
            if (pstr(c, it, p, "primary_key", 0, &pk) == 1) {
                e->pk = entity_field(e, pk);
                if (e->pk < 0) {
                    char hint[128];
                    perr_val(c, pjoin(fp, p, "primary_key"), "no field named \"%s\"%s", pk,
                             field_hint(hint, sizeof hint, e, pk));
                    bad++;
                }
            } else if (!pk) {
                e->pk = entity_field(e, "id");
            }
            if (e->pk >= 0)
                e->cols[e->pk].primary_key = 1;
        }
        j = 0;
        cJSON_ArrayForEach(f, fs)
        {
            pjoin(fp, p, "fields");
            pjoin(fp, fp, f->string);
            e->fields[j].bad = pfield(c, e, &e->fields[j], f, fp) != 0;
            bad += e->fields[j].bad;
            j++;
        }
        if (is_stream)
            bad += pstream(c, e, it, p) != 0;
        if (member(it, "indexes"))
            pentity_indexes(c, e, member(it, "indexes"), pjoin(fp, p, "indexes"));
        ok[i] = !bad;
    }
    /* Pass 3: what needs other entities: "per" parents and ref targets. */
    for (i = 0; i < pl->nents; i++) {
        struct entity *e = &pl->ents[i];
        const cJSON *it = c->specs[i], *fs = member(it, "fields"), *f;
        epath(p, e);
        if (member(it, "per") && pentity_per(c, e, member(it, "per"), pjoin(fp, p, "per")))
            ok[i] = 0;
        j = 0;
        cJSON_ArrayForEach(f, fs)
        {
            struct field *fl = &e->fields[j++];
            pjoin(fp, p, "fields");
            pjoin(fp, fp, fl->name);
            /* every ref whose own keys were fine is resolved, so one profile run reports all */
            if (!fl->bad && fl->gen == GEN_REF && field_resolve_ref(c, e, fl, f, fp))
                ok[i] = 0;
        }
    }
    for (i = 0; i < pl->nents; i++)
        if (ok[i] && !order_fields(c, &pl->ents[i]))
            check_fields(c, &pl->ents[i]);
    free(ok);
    for (i = 0; i < pl->nents; i++) {
        struct entity *e = &pl->ents[i];
        e->rel.name = e->name;
        e->rel.ncols = e->nfields;
        e->rel.cols = e->cols;
        e->rel.rows = e->base_count;
        e->rel.indexes = e->indexes;
        e->rel.nindexes = e->nindexes;
        e->rel.time_col = e->stream ? e->stream->time_field : e->series ? e->series->time_field : -1;
        e->rel.key_col = e->stream ? e->stream->key_field : -1;
        e->rel.absent = e->faults ? e->faults->absent : NULL;
    }
    if (!c->nerrs)
        order_entities(c);
}

/* "sinks": {"<sink>": {...}}: settings for a sink type, which checks them itself (its
 * check_profile) with the relations known; kept for the run (plan_sink_cfg). */
static void psinks(struct pctx *c, const cJSON *node)
{
    const char *cands[32], *all[32];
    const struct fount_sink_type *const *types;
    const cJSON *it;
    size_t n, i, nc = 0, na = 0;
    char path[PATH_MAX_LEN], hint[128];

    if (!cJSON_IsObject(node)) {
        perr_val(c, "sinks", "expected an object of sink settings by sink name, such as "
                             "{\"kafka\": {...}}, got %s", ptype_name(node));
        return;
    }
    types = sink_types(&n);
    for (i = 0; i < n && na < 32; i++) {
        all[na++] = types[i]->name;
        if (types[i]->check_profile)
            cands[nc++] = types[i]->name;
    }
    cJSON_ArrayForEach(it, node) {
        const struct fount_sink_type *st = sink_find(it->string);
        pjoin(path, "sinks", it->string);
        if (!st || !st->check_profile) {
            size_t k, off = 0;
            char list[256] = "";
            for (k = 0; k < nc && off < sizeof list; k++)
                off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", k ? ", " : "",
                                        cands[k]);
            suggest_hint(hint, sizeof hint, it->string, all, na);
            if (st)
                perr(c, path, "the sink \"%s\" takes no settings from the profile (sinks that "
                              "do: %s)", it->string, nc ? list : "none");
            else
                perr(c, path, "no sink is named \"%s\"%s (sinks that take settings from the "
                              "profile: %s)", it->string, hint, nc ? list : "none");
            continue;
        }
        if (!cJSON_IsObject(it)) {
            perr_val(c, path, "expected an object of %s settings, got %s", it->string,
                     ptype_name(it));
            continue;
        }
        st->check_profile(c, it, path);
    }
    if (!c->nerrs)
        c->plan->sinks_cfg = cJSON_Duplicate(node, 1);
}

static void pcompile(struct pctx *c, const cJSON *root)
{
    static const char *const keys[] = {"seed", "description", "locale", "entities", "streams",
                                       "series", "sinks", "workload", "stages", "thresholds",
                                       NULL};
    static const char *const names[] = {"entities", "streams", "series"};
    const cJSON *sec[3];
    int64_t seed = 0;
    int k;

    if (!cJSON_IsObject(root)) {
        perr(c, "", "a profile is a JSON object with \"entities\", got %s", ptype_name(root));
        return;
    }
    pkeys(c, root, "", keys);
    if (pint(c, root, "", "seed", 0, &seed) == 1) {
        c->plan->seed = (uint64_t)seed;
        c->plan->seed_set = 1;
    }
    if (member(root, "locale"))
        gen_ext_profile_locale(c, member(root, "locale"), "locale");
    sec[0] = member(root, "entities");
    sec[1] = member(root, "streams");
    sec[2] = member(root, "series");
    if (!sec[0] && !sec[1] && !sec[2]) {
        perr(c, "", "missing required key \"entities\", \"streams\" or \"series\" (objects of "
                    "relations)");
        return;
    }
    for (k = 0; k < 3; k++)
        if (sec[k] && (!cJSON_IsObject(sec[k]) || cJSON_GetArraySize(sec[k]) == 0)) {
            perr(c, names[k], "expected a non-empty object of %s", names[k]);
            return;
        }
    pentities(c, sec, names, 3);
    if (member(root, "sinks"))
        psinks(c, member(root, "sinks"));
    if (member(root, "workload") && c->plan->nents)
        pworkload(c, member(root, "workload"), "workload");
    pload(c, root);
}

static void flush_errors(struct pctx *c, struct buf *errors, int *nerrors)
{
    size_t i;

    qsort(c->errs, c->nerrs, sizeof *c->errs, perr_cmp);
    for (i = 0; i < c->nerrs; i++) {
        if (errors) {
            buf_puts(errors, c->errs[i].msg);
            buf_puts(errors, "\n");
        }
        free(c->errs[i].msg);
    }
    if (nerrors)
        *nerrors = (int)c->nerrs;
    free(c->errs);
}

struct plan *profile_load_text(const char *name, const char *text, size_t len, struct buf *errors,
                               int *nerrors)
{
    struct pctx c = {0};
    char msg[256], caret[600];
    size_t off = 0;
    cJSON *root = NULL;
    int l, col;

    c.file = name;
    c.text = text;
    c.len = len;
    c.plan = xcalloc(1, sizeof *c.plan);
    c.plan->path = xstrdup(name);
    c.plan->scale = 1;
    if (nerrors)
        *nerrors = 0;
    if (jsonloc_scan(&c.jl, text, len, msg, sizeof msg, &off)) {
        jsonloc_linecol(text, len, off, &l, &col);
        jsonloc_caret(text, len, off, caret, sizeof caret);
        if (errors)
            buf_printf(errors, "%s:%d:%d: syntax error: %s\n%s", name, l, col, msg, caret);
        if (nerrors)
            *nerrors = 1;
        goto fail;
    }
    root = cJSON_ParseWithLength(text, len);
    if (!root) {
        if (errors)
            buf_printf(errors, "%s:1:1: syntax error: the JSON parser rejected the file\n", name);
        if (nerrors)
            *nerrors = 1;
        goto fail;
    }
    pcompile(&c, root);
    cJSON_Delete(root);
    root = NULL;
    if (c.nerrs) {
        flush_errors(&c, errors, nerrors);
        goto fail;
    }
    free(c.errs);
    free(c.specs);
    jsonloc_free(&c.jl);
    return c.plan;
fail:
    free(c.specs);
    jsonloc_free(&c.jl);
    plan_free(c.plan);
    return NULL;
}

struct plan *profile_load(const char *path, struct buf *errors, int *nerrors)
{
    struct buf text;
    struct plan *p;
    FILE *fp = fopen(path, "rb");
    char chunk[65536];
    size_t n;

    if (nerrors)
        *nerrors = 1;
    if (!fp) {
        if (errors)
            buf_printf(errors, "%s: cannot open the profile: %s\n", path, strerror(errno));
        return NULL;
    }
    buf_init(&text, 64u << 20);
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        if (buf_append(&text, chunk, n)) {
            if (errors)
                buf_printf(errors, "%s: the profile is larger than 64 MiB\n", path);
            fclose(fp);
            buf_free(&text);
            return NULL;
        }
    if (ferror(fp)) {
        if (errors)
            buf_printf(errors, "%s: cannot read the profile: %s\n", path, strerror(errno));
        fclose(fp);
        buf_free(&text);
        return NULL;
    }
    fclose(fp);
    buf_append(&text, "", 1);
    p = profile_load_text(path, text.data, text.len - 1, errors, nerrors);
    buf_free(&text);
    return p;
}
