/* ids.c: identifiers: ULIDs (time-ordered, Crockford base 32), short hash-style ids (a keyed
 * permutation of the row written over an alphabet, so they never repeat), and nanoid-style random
 * ids. UUIDs are a core generator ("uuid").
 * Leaves out: compatibility with the Hashids algorithm (ours only looks like it). */
#include "ext.h"

#include <math.h>
#include <stdio.h>

#define CROCKFORD "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#define BASE62 "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#define NANOID_URL "useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict"

static size_t put_ulid(char *s, uint64_t ms, uint16_t r_hi, uint64_t r_lo)
{
    /* 128 bits: 48 of time, 80 of randomness; 26 base-32 digits, the first holding 3 bits */
    uint64_t hi = (ms << 16) | r_hi, lo = r_lo;
    int i;

    for (i = 25; i >= 0; i--) {
        s[i] = CROCKFORD[lo & 31];
        lo = (lo >> 5) | (hi << 59);
        hi >>= 5;
    }
    return 26;
}

/* Digits needed to write any 64-bit value in base k. */
static int digits64(size_t k)
{
    return (int)ceil(64.0 / log2((double)k));
}

static int parse_alphabet(struct pctx *c, const cJSON *spec, const char *path, struct ext_field *x,
                          const char *def)
{
    const char *al = def;
    char p[PATH_MAX_LEN];
    size_t i, n;

    if (pstr(c, spec, path, "alphabet", 0, &al) < 0)
        return -1;
    n = strlen(al);
    if (n < 2 || n > 255) {
        perr_val(c, pjoin(p, path, "alphabet"), "needs 2 to 255 characters (got %zu)", n);
        return -1;
    }
    for (i = 0; i < n; i++)
        if ((unsigned char)al[i] >= 128 || strchr(al + i + 1, al[i])) {
            perr_val(c, pjoin(p, path, "alphabet"), "must be distinct ASCII characters ('%c' is "
                                                    "not)", al[i]);
            return -1;
        }
    x->sep = xstrdup(al);
    x->seplen = n;
    return 0;
}

int ext_ids_parse(struct pctx *c, struct entity *e, struct field *f, struct ext_field *x,
                  const cJSON *spec, const char *path)
{
    char p[PATH_MAX_LEN];
    int64_t len;
    int i;

    switch (x->kind) {
    case EXT_ULID: {
        const char *tf = NULL, *start = NULL, *step = NULL;
        x->start = 1735689600000000LL; /* 2025-01-01T00:00:00Z */
        x->step = 1000;                /* 1 ms per row */
        if (pstr(c, spec, path, "time_field", 0, &tf) < 0 ||
            pstr(c, spec, path, "start", 0, &start) < 0 || pstr(c, spec, path, "step", 0, &step) < 0)
            return -1;
        if (start && parse_timestamp(start, &x->start)) {
            perr_val(c, pjoin(p, path, "start"), "expected a timestamp such as "
                                                 "\"2025-01-01T00:00:00Z\"");
            return -1;
        }
        if (step && (parse_duration(step, &x->step) || x->step < 0)) {
            perr_val(c, pjoin(p, path, "step"), "expected a duration such as \"1ms\"");
            return -1;
        }
        if (tf) {
            x->time_field = entity_field(e, tf);
            if (x->time_field < 0 || x->time_field == f->index) {
                perr_val(c, pjoin(p, path, "time_field"), "no other field named \"%s\"", tf);
                return -1;
            }
            f->deps = xcalloc(1, sizeof *f->deps);
            f->deps[0] = x->time_field;
            f->ndeps = 1;
        }
        ext_col_string(e, f, 26);
        return 0;
    }
    case EXT_HASHID:
        len = 10;
        if (pint(c, spec, path, "length", 0, &len) < 0 ||
            parse_alphabet(c, spec, path, x, BASE62))
            return -1;
        if (len < 1 || len > 64) {
            perr(c, pjoin(p, path, "length"), "must be between 1 and 64 (got %lld)", (long long)len);
            return -1;
        }
        x->lo = len;
        /* the permutation's domain: alphabet^length, at most 2^62 */
        x->perm_n = 1;
        for (i = 0; i < len && x->perm_n <= (1ULL << 62) / x->seplen; i++)
            x->perm_n *= x->seplen;
        if (i < len)
            x->perm_n = 1ULL << 62;
        x->domain = x->perm_n;
        ext_col_string(e, f, (size_t)len);
        return 0;
    default: /* nanoid */
        len = 21;
        if (pint(c, spec, path, "size", 0, &len) < 0 ||
            parse_alphabet(c, spec, path, x, NANOID_URL))
            return -1;
        if (len < 1 || len > 255) {
            perr(c, pjoin(p, path, "size"), "must be between 1 and 255 (got %lld)", (long long)len);
            return -1;
        }
        if (x->unique && len < digits64(x->seplen)) {
            perr(c, pjoin(p, path, "size"), "a unique nanoid over %zu characters needs a size of at "
                                            "least %d", x->seplen, digits64(x->seplen));
            return -1;
        }
        x->lo = len;
        ext_col_string(e, f, (size_t)len);
        return 0;
    }
}

void ext_ids_eval(const struct field *f, const struct ext_field *x, uint64_t row,
                  const struct fount_value *vals, struct fount_value *out, struct arena *a,
                  struct ext_rowcache *rc)
{
    struct pcg32 r;
    char *s;
    int i;

    (void)rc;
    (void)f;
    fount_rng_at(&r, x->fkey, row);
    s = arena_alloc(a, x->maxlen + 1);
    switch (x->kind) {
    case EXT_ULID: {
        int64_t us = x->start + (int64_t)row * x->step;
        uint64_t lo = pcg32_next64(&r);
        uint16_t hi16 = (uint16_t)pcg32_next(&r);
        if (x->time_field >= 0 && vals && vals[x->time_field].type == FV_TIMESTAMP)
            us = vals[x->time_field].v.i;
        if (x->unique)
            lo = fount_mix64(row ^ x->fkey); /* a bijection of the row */
        ext_str(out, s, put_ulid(s, (uint64_t)(us < 0 ? 0 : us / 1000) & 0xffffffffffffULL, hi16,
                                 lo));
        return;
    }
    case EXT_HASHID: {
        uint64_t v = perm_apply(&x->perm, row % x->perm_n);
        for (i = (int)x->lo - 1; i >= 0; i--) {
            s[i] = x->sep[v % x->seplen];
            v /= x->seplen;
        }
        ext_str(out, s, (size_t)x->lo);
        return;
    }
    default: { /* nanoid */
        int n = (int)x->lo, tail = x->unique ? digits64(x->seplen) : 0;
        uint64_t v = fount_mix64(row ^ x->fkey);
        for (i = 0; i < n - tail; i++)
            s[i] = x->sep[ext_scale(pcg32_next(&r), (uint32_t)x->seplen)];
        for (i = n - 1; i >= n - tail; i--) { /* the row, bijectively, in base k */
            s[i] = x->sep[v % x->seplen];
            v /= x->seplen;
        }
        ext_str(out, s, (size_t)n);
        return;
    }
    }
}
