/* gen.c: field evaluation, the hot path of the generator. Each field draws from its own PCG stream
 * keyed by (seed, entity, field) and positioned at the row, so values never depend on the order in
 * which rows or fields are made. No allocation except strings in the chunk's arena. */
#include "gen.h"

#include <math.h>
#include <stdlib.h>

#include "gen_ext.h"
#include "fault.h"
#include "lifecycle.h"
#include "series.h"
#include "stream.h"

void gen_buf_init(struct gen_buf *gb)
{
    gb->vals = NULL;
    gb->cap = 0;
    gb->times = NULL;
    gb->tcap = 0;
    gb->flags = gb->version = NULL;
    gb->fcap = 0;
    gb->dups = NULL;
    gb->dcap = 0;
    gb->otimes = NULL;
    gb->ocap = 0;
    gb->owin = 0;
    gb->okept = 0;
    arena_init(&gb->arena, 256 * 1024);
    buf_init(&gb->json, 16u << 20);
}

void gen_buf_free(struct gen_buf *gb)
{
    if (!gb)
        return;
    free(gb->vals);
    gb->vals = NULL;
    free(gb->times);
    gb->times = NULL;
    free(gb->flags);
    free(gb->version);
    free(gb->dups);
    free(gb->otimes);
    gb->flags = gb->version = NULL;
    gb->dups = NULL;
    gb->otimes = NULL;
    arena_free(&gb->arena);
    buf_free(&gb->json);
}

/* Round half away from zero, clamped to [lo, hi]. Inline: llround is a libm call per value. */
static int64_t clamp64(double x, int64_t lo, int64_t hi)
{
    int64_t i;
    double frac;

    if (!(x >= (double)lo)) /* also NaN */
        return lo;
    if (x >= (double)hi)
        return hi;
    i = (int64_t)x; /* truncates toward zero; |x| < 2^63 here */
    frac = x - (double)i;
    if (frac >= 0.5)
        i++;
    else if (frac <= -0.5)
        i--;
    return i < lo ? lo : i > hi ? hi : i;
}

/* Uniform in [lo, hi], for any span. */
static int64_t uniform_between(struct pcg32 *r, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;

    if (span == 0)
        return (int64_t)pcg32_next64(r);
    return (int64_t)((uint64_t)lo + pcg32_bounded64(r, span));
}

/* v big-endian into p[0..8). */
static inline void put_be64(uint8_t *p, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
    memcpy(p, &v, 8);
#else
    int i;

    for (i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
#endif
}

/* Sixteen random bytes (four draws, each written big-endian), then the version and variant bits;
 * v7 puts the milliseconds of its time field (or of the row's place on the clock) in front. */
static void gen_uuid(const struct field *f, struct pcg32 *r, uint64_t row,
                     const struct fount_value *vals, struct fount_value *out)
{
    uint64_t hi = pcg32_next64(r), lo = pcg32_next64(r);

    if (f->uuid_version == 7) {
        int64_t us = f->imin + (int64_t)row * f->step;
        uint64_t ms;
        if (f->time_field >= 0 && vals && vals[f->time_field].type == FV_TIMESTAMP)
            us = vals[f->time_field].v.i;
        else if (f->time_field >= 0 && vals && vals[f->time_field].type == FV_DATE)
            us = vals[f->time_field].v.i * 86400000000LL;
        ms = (uint64_t)(us < 0 ? 0 : us / 1000);
        hi = (ms << 16) | (hi & 0x0fff) | 0x7000; /* bytes 0-5: ms; byte 6: version 7 */
    } else {
        hi = (hi & ~UINT64_C(0xf000)) | 0x4000;
    }
    lo = (lo & ~(UINT64_C(0xc0) << 56)) | UINT64_C(0x80) << 56; /* byte 8: variant 10xx */
    put_be64(out->v.u, hi);
    put_be64(out->v.u + 8, lo);
    out->type = FV_UUID;
}

static void gen_pattern(const struct field *f, struct pcg32 *r, uint64_t row, struct fount_value *out,
                        struct arena *a)
{
    char *s = arena_alloc(a, f->npat);
    size_t i;

    if (f->unique) {
        /* The permuted row, written in the mixed radix of the pattern's classes: a bijection. */
        uint64_t x = perm_apply(&f->perm, row);
        for (i = f->npat; i-- > 0;) {
            const struct pat_part *p = &f->pat[i];
            if (p->set) {
                s[i] = p->set[x % p->nset];
                x /= p->nset;
            } else
                s[i] = p->lit;
        }
    } else {
        /* the generator and the pattern in locals: a char store may alias anything, so the
         * compiler would otherwise reload and store them around every character */
        struct pcg32 g = *r;
        const struct pat_part *pat = f->pat;
        size_t n = f->npat;
        for (i = 0; i < n; i++)
            s[i] = pat[i].set ? pat[i].set[pcg32_bounded(&g, pat[i].nset)] : pat[i].lit;
        *r = g;
    }
    out->type = FV_STRING;
    out->v.s = s;
    out->len = (uint32_t)f->npat;
}

static size_t apply_filter(char *s, size_t n, int filter)
{
    size_t i, w = 0;

    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        switch (filter) {
        case TPL_LOWER:
            s[w++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
            break;
        case TPL_UPPER:
            s[w++] = (char)(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
            break;
        case TPL_SLUG: /* ASCII letters and digits only, lower case */
            if (ch >= 'A' && ch <= 'Z')
                s[w++] = (char)(ch + 32);
            else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
                s[w++] = (char)ch;
            break;
        default:
            s[w++] = (char)ch;
        }
    }
    return w;
}

static void gen_template(const struct entity *e, const struct field *f,
                         const struct fount_value *vals, struct fount_value *out, struct arena *a)
{
    size_t i, room = 0, w = 0;
    char *s;

    for (i = 0; i < f->ntpl; i++) {
        const struct tpl_part *p = &f->tpl[i];
        room += p->lit ? p->litlen
                       : (vals[p->field].type == FV_STRING ? vals[p->field].len : FMT_DOUBLE_MAX);
    }
    s = arena_alloc(a, room + 1);
    for (i = 0; i < f->ntpl; i++) {
        const struct tpl_part *p = &f->tpl[i];
        size_t n;
        if (p->lit) {
            memcpy(s + w, p->lit, p->litlen);
            w += p->litlen;
            continue;
        }
        n = fmt_value(s + w, room + 1 - w, &vals[p->field], &e->cols[p->field]);
        w += p->filter ? apply_filter(s + w, n, p->filter) : n;
    }
    out->type = FV_STRING;
    out->v.s = s;
    out->len = (uint32_t)w;
}

static void gen_ref(const struct field *f, struct pcg32 *r, const struct rowpos *pos,
                    struct fount_value *out, struct arena *a)
{
    const struct entity *t = f->target;
    uint64_t p;

    if (f->ref_parent)
        p = pos->parent;
    else if (!t->count) {
        out->type = FV_NULL;
        return;
    } else if (f->unique)
        p = perm_apply(&f->perm, pos->row);
    else if (f->has_dist)
        p = (uint64_t)clamp64(dist_sample(&f->dist, r) - (f->ref_zipf ? 1 : 0), 0,
                              (int64_t)t->count - 1);
    else
        p = pcg32_bounded64(r, t->count);
    gen_value_at(t, f->target_field, p, out, a);
}

#if defined(__GNUC__)
#define GEN_INLINE inline __attribute__((always_inline))
#else
#define GEN_INLINE inline
#endif

/* One field of one row. Inlined into gen_row's loop, the hot path: as a call per field its
 * prologue and epilogue (it keeps many registers) cost more than most fields' own work. */
static GEN_INLINE void eval_field(const struct entity *e, const struct field *f,
                                  const struct rowpos *pos, const struct fount_value *vals,
                                  struct fount_value *out, struct arena *a,
                                  struct ext_rowcache *rc)
{
    struct pcg32 r;
    struct rowpos ep;
    uint64_t row;

    if (FOUNT_UNLIKELY(f->flags & FIELD_SLOW)) { /* per_event or null_rate: one test for both */
        if (f->per_event && pos->ev) { /* lifecycle: per record, not per instance */
            ep = *pos;
            ep.row = pos->ev->record;
            pos = &ep;
        }
        if (f->null_rate > 0) {
            fount_rng_at(&r, f->null_key, pos->row);
            if (pcg32_double(&r) < f->null_rate) {
                out->type = FV_NULL;
                return;
            }
        }
    }
    row = pos->row;
    if (f->flags & FIELD_DRAWS) /* kinds that take no random draw skip seeding a generator */
        fount_rng_at(&r, f->key, row);
    switch (f->gen) {
    case GEN_SEQUENCE:
        out->type = FV_INT;
        out->v.i = f->imin + f->step * (int64_t)(f->per_parent ? pos->child : row);
        break;
    case GEN_INT:
    case GEN_DECIMAL:
        out->type = f->gen == GEN_INT ? FV_INT : FV_DECIMAL;
        if (f->unique)
            out->v.i = f->imin + (int64_t)perm_apply(&f->perm, row);
        else if (f->has_dist && f->dist.kind == DIST_ZIPF) /* rank 1 is min */
            out->v.i = clamp64((double)f->imin + dist_sample(&f->dist, &r) - 1, f->imin, f->imax);
        else if (f->has_dist)
            out->v.i = clamp64(dist_sample(&f->dist, &r) * (f->gen == GEN_INT ? 1.0
                                                                             : (double)f->pow10_scale),
                               f->imin, f->imax);
        else
            out->v.i = uniform_between(&r, f->imin, f->imax);
        break;
    case GEN_FLOAT: {
        double x = f->has_dist ? dist_sample(&f->dist, &r)
                               : f->dmin + (f->dmax - f->dmin) * pcg32_double(&r);
        int dec = e->cols[f->index].decimals;
        if (x < f->dmin)
            x = f->dmin;
        if (x > f->dmax)
            x = f->dmax;
        if (dec >= 0) {
            static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                                         1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
            x = round(x * p10[dec]) / p10[dec];
        }
        out->type = FV_DOUBLE;
        out->v.d = x == 0 ? 0.0 : x; /* no negative zero */
        break;
    }
    case GEN_BOOL:
        out->type = FV_BOOL;
        out->v.i = f->unique ? (int64_t)perm_apply(&f->perm, row) : pcg32_double(&r) < f->prob;
        break;
    case GEN_CHOICE: {
        size_t i = f->unique     ? (size_t)perm_apply(&f->perm, row)
                   : f->weighted ? dist_pick(&f->dist, &r)
                                 : pcg32_bounded(&r, (uint32_t)f->nchoices);
        *out = f->choices[i];
        break;
    }
    case GEN_UUID:
        gen_uuid(f, &r, row, vals, out);
        break;
    case GEN_TIMESTAMP:
    case GEN_DATE:
        out->type = f->gen == GEN_DATE ? FV_DATE : FV_TIMESTAMP;
        if (f->unique)
            out->v.i = f->imin + (int64_t)perm_apply(&f->perm, row) * f->step;
        else if (f->has_dist) {
            double x = dist_sample(&f->dist, &r) - (f->dist.kind == DIST_ZIPF); /* rank 1 is min */
            int64_t v = clamp64(x * f->dist_unit, 0, f->imax - f->imin);
            out->v.i = f->imin + v - v % f->step;
        } else
            out->v.i = f->imin + (int64_t)pcg32_bounded64(
                                     &r, (uint64_t)(f->imax - f->imin) / (uint64_t)f->step + 1) *
                                     f->step;
        break;
    case GEN_PATTERN:
        gen_pattern(f, &r, row, out, a);
        break;
    case GEN_TEMPLATE:
        gen_template(e, f, vals, out, a);
        break;
    case GEN_REF:
        gen_ref(f, &r, pos, out, a);
        break;
    case GEN_CONST:
        *out = f->cval;
        break;
    case GEN_EXT:
        gen_ext_eval(e, f, row, vals, out, a, rc);
        break;
    case GEN_SERIES_TIME:
        out->type = FV_TIMESTAMP;
        out->v.i = pos->time;
        break;
    case GEN_SERIES_TAG:
        out->type = FV_STRING;
        out->v.s = series_tag(e->series, pos->parent, (size_t)f->imin, &out->len);
        break;
    case GEN_SERIES_VALUE: {
        const char *label;
        out->type = FV_DOUBLE;
        out->v.d = series_value(e->series, pos->parent, pos->child, pos->time, &label);
        break;
    }
    case GEN_SERIES_LABEL: {
        const char *label = series_label(e->series, pos->parent, pos->child);
        out->type = label ? FV_STRING : FV_NULL;
        out->v.s = label;
        out->len = label ? (uint32_t)strlen(label) : 0;
        break;
    }
    case GEN_COPY:
        *out = vals[f->deps[0]];
        break;
    case GEN_SCHEMA_VERSION:
        out->type = FV_INT;
        out->v.i = 1 + fault_version(e->faults, pos->send - e->stream->start_us);
        break;
    case GEN_EVENT_TIME:
        out->type = FV_TIMESTAMP;
        out->v.i = pos->time - (pos->time % f->step + f->step) % f->step; /* floor to precision */
        break;
    case GEN_LIFECYCLE:
        lifecycle_eval(e, f, pos, out, a);
        break;
    }
}

static void eval(const struct entity *e, const struct field *f, const struct rowpos *pos,
                 const struct fount_value *vals, struct fount_value *out, struct arena *a)
{
    eval_field(e, f, pos, vals, out, a, NULL);
}

void gen_row(const struct entity *e, const struct rowpos *pos, struct fount_value *vals,
             struct arena *a)
{
    struct ext_rowcache rc; /* the row's people and addresses, for its value-library fields */
    size_t i;

    const struct field *const *ford = e->ford;
    size_t n = e->nfields;

    rc.n = 0;
    for (i = 0; i < n; i++) {
        const struct field *f = ford[i];
        if (f->flags == FIELD_EXT) { /* most fields of a realistic row: no switch, no checks */
            gen_ext_eval(e, f, pos->row, vals, &vals[f->index], a, &rc);
            continue;
        }
        eval_field(e, f, pos, vals, &vals[f->index], a, &rc);
    }
}

void gen_value_at(const struct entity *e, int fi, uint64_t row, struct fount_value *out,
                  struct arena *a)
{
    const struct field *f = &e->fields[fi];
    struct rowpos pos = {row, 0, 0, 0, 0, NULL};
    struct fount_value *vals;
    size_t i;

    if (f->gen == GEN_SEQUENCE && !f->per_parent && !(f->null_rate > 0)) {
        /* the usual parent key (what a ref asks for per row): eval's own arithmetic, without
         * the call */
        out->type = FV_INT;
        out->v.i = f->imin + f->step * (int64_t)row;
        return;
    }
    if (!f->ndeps) {
        eval(e, f, &pos, NULL, out, a);
        return;
    }
    /* The key depends on other fields of its row: evaluate just those (plan_prepare listed them). */
    vals = arena_alloc(a, e->nfields * sizeof *vals);
    for (i = 0; i < e->nfields; i++) {
        const struct field *g = &e->fields[e->order[i]];
        if (g->index == fi) {
            eval(e, g, &pos, vals, out, a);
            return;
        }
        eval(e, g, &pos, vals, &vals[g->index], a);
    }
}

static struct fount_value *reserve_vals(struct gen_buf *gb, size_t n)
{
    if (n > gb->cap) {
        gb->cap = n + n / 2;
        gb->vals = xrealloc(gb->vals, gb->cap * sizeof *gb->vals);
    }
    return gb->vals;
}

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need > *cap) {
        *cap = need + need / 2;
        p = xrealloc(p, *cap * size);
    }
    return p;
}

/* The original index of event ti of window tw: the block's prefix plus the windows before it. */
static uint64_t original_index(const struct entity *e, uint64_t tw, uint64_t ti)
{
    uint64_t blk = tw / e->per_block, n = e->iprefix ? e->iprefix[blk] : e->prefix[blk], w;

    for (w = blk * e->per_block; w < tw; w++)
        n += stream_window_count(e->stream, w);
    return n + ti;
}

/* Faults that change values: nulls, a number sent as text, and schema drift by send time. */
static uint8_t apply_faults(const struct entity *e, const struct rowpos *pos, struct fount_value *v,
                            uint8_t *version, struct arena *a)
{
    const struct faults *f = e->faults;
    struct pcg32 g;
    uint8_t flags = 0;
    int i, ver;

    if (f->null_rate > 0) {
        fount_rng_at(&g, f->null_key, pos->row);
        for (i = 0; i < f->nnull; i++)
            if (pcg32_double(&g) < f->null_rate && v[f->null_cols[i]].type != FV_NULL) {
                v[f->null_cols[i]].type = FV_NULL;
                flags |= ROW_NULLED;
            }
    }
    if (f->malformed_rate > 0) {
        fount_rng_at(&g, f->bad_key, pos->row);
        if (pcg32_double(&g) < f->malformed_rate) {
            int kinds[3], nk = 0;
            if (f->malformed_kinds & ROW_WRONG_TYPE)
                kinds[nk++] = ROW_WRONG_TYPE;
            if (f->malformed_kinds & ROW_TRUNCATED)
                kinds[nk++] = ROW_TRUNCATED;
            if (f->malformed_kinds & ROW_BAD_UTF8)
                kinds[nk++] = ROW_BAD_UTF8;
            flags |= (uint8_t)kinds[pcg32_bounded(&g, (uint32_t)nk)];
            if (flags & ROW_WRONG_TYPE) { /* the first number (not the clock) becomes text */
                flags &= (uint8_t)~ROW_WRONG_TYPE;
                for (i = 0; i < (int)e->nfields; i++)
                    if ((v[i].type == FV_INT || v[i].type == FV_DOUBLE || v[i].type == FV_DECIMAL) &&
                        i != e->stream->time_field) {
                        char *t = arena_alloc(a, FMT_DOUBLE_MAX + 1);
                        v[i].len = (uint32_t)fmt_value(t, FMT_DOUBLE_MAX + 1, &v[i], &e->cols[i]);
                        v[i].type = FV_STRING;
                        v[i].v.s = t;
                        flags |= ROW_WRONG_TYPE;
                        break;
                    }
            }
        }
    }
    ver = fault_version(f, pos->send - e->stream->start_us);
    *version = (uint8_t)ver;
    if (f->ndrift) {
        const uint8_t *absent = f->absent + (size_t)ver * e->nfields;
        for (i = 0; i < (int)e->nfields; i++)
            if (absent[i])
                v[i].type = FV_NULL;
        for (i = 0; i < ver; i++) { /* type changes in force: the value travels as text */
            int col = f->drift[i].col;
            if (f->drift[i].kind == DRIFT_TYPE && v[col].type != FV_NULL &&
                v[col].type != FV_STRING) {
                char *t = arena_alloc(a, FMT_DOUBLE_MAX + 1);
                v[col].len = (uint32_t)fmt_value(t, FMT_DOUBLE_MAX + 1, &v[col], &e->cols[col]);
                v[col].type = FV_STRING;
                v[col].v.s = t;
            }
        }
    }
    return flags;
}

uint8_t gen_stream_faults(const struct entity *e, const struct rowpos *pos, struct fount_value *v,
                          uint8_t *version, struct arena *a)
{
    return apply_faults(e, pos, v, version, a);
}

/* Versions of a row for CDC: the update draws sit at a row index of their own per version. */
void gen_row_changed(const struct entity *e, uint64_t row, const struct row_change *ch,
                     struct fount_value *vals, struct arena *a)
{
    struct rowpos pos = {row, 0, 0, ch->time, ch->time, NULL}, upos = pos;
    size_t i;

    upos.row = fount_mix64(row ^ fount_mix64(ch->version + 0x632be59bd9b4e019ULL));
    for (i = 0; i < e->nfields; i++) {
        const struct field *f = &e->fields[e->order[i]];
        struct fount_value *out = &vals[f->index];
        if (ch->change[f->index] == ROWCH_TOUCH) {
            int64_t t = ch->time, step = f->step > 0 ? f->step : 1;
            memset(out, 0, sizeof *out);
            out->type = e->cols[f->index].type == FV_DATE ? FV_DATE : FV_TIMESTAMP;
            out->v.i = out->type == FV_DATE ? t / 86400000000LL - (t % 86400000000LL < 0)
                                            : t - (t % step + step) % step;
        } else if (ch->change[f->index] == ROWCH_UPDATE && ch->version) {
            struct field g = *f;
            g.key = ch->update_key[f->index];
            g.null_key = fount_mix64(g.key ^ 0x2545f4914f6cdd1dULL);
            eval(e, &g, &upos, vals, out, a);
        } else {
            eval(e, f, &pos, vals, out, a);
        }
    }
}

/* One original event (or a duplicate of one) at send time `send`: values from its original index,
 * event time moved back when it is late. */
static void stream_record(const struct entity *e, uint64_t orig, int64_t time, int64_t send,
                          struct fount_value *v, uint8_t *flags, uint8_t *version, struct arena *a)
{
    const struct faults *f = e->faults;
    struct rowpos pos = {orig, 0, 0, time, send, NULL};
    struct pcg32 g;

    *flags = 0;
    if (f && f->late_rate > 0) {
        fount_rng_at(&g, f->late_key, orig);
        if (pcg32_double(&g) < f->late_rate) {
            double by = dist_sample(&f->late_by, &g);
            if (by > 0) {
                pos.time -= (int64_t)(by * 1e6);
                *flags |= ROW_LATE;
            }
        }
    }
    gen_row(e, &pos, v, a);
    if (f)
        *flags |= apply_faults(e, &pos, v, version, a);
}

/* The time of event ti of window tw (the original of a duplicate). A window's times come from one
 * pass over all of its events, and the duplicates of a window mostly repeat events of the same
 * earlier window: the last window's times are kept (for this chunk's stream only). */
static int64_t original_time(const struct stream *s, struct gen_buf *gb, uint64_t tw, uint64_t ti)
{
    if (!gb->okept || gb->owin != tw) {
        uint64_t tk = stream_window_count(s, tw);
        gb->otimes = grow(gb->otimes, &gb->ocap, tk ? tk : 1, sizeof *gb->otimes);
        stream_window_times(s, tw, tk, gb->otimes);
        gb->owin = tw;
        gb->okept = 1;
    }
    return gb->otimes[ti];
}

static int dup_cmp(const void *x, const void *y)
{
    const struct dupslot *a = x, *b = y;

    return a->send < b->send ? -1 : a->send > b->send ? 1 : (a->j > b->j) - (a->j < b->j);
}

/* Windows [c * per_block, ...) of a stream: counts, sorted times, then records, with duplicates
 * merged in by send time; stops at n records (an --events bound may end the stream inside a
 * window). Values are keyed by the original event index, so turning faults on or off leaves the
 * other events as they were. */
static void gen_stream_chunk(const struct entity *e, uint64_t c, struct gen_buf *gb, uint64_t n,
                             struct fount_batch *b)
{
    const struct stream *s = e->stream;
    const struct faults *f = e->faults;
    uint64_t w = c * e->per_block, wend = w + e->per_block, done = 0, k, d, i, j;
    uint64_t orig = e->iprefix ? e->iprefix[c] : e->prefix[c];
    uint8_t none = 0, ver = 0;

    if (e->lifecycle) {
        lifecycle_chunk(e, c, gb, n, b);
        return;
    }
    gb->okept = 0; /* kept times may belong to another stream */
    if (f) {
        gb->flags = grow(gb->flags, &gb->fcap, n ? n : 1, 1);
        gb->version = xrealloc(gb->version, gb->fcap);
        b->row_flags = gb->flags;
        b->row_version = f->ndrift ? gb->version : NULL;
    }
    if (wend > s->nwindows)
        wend = s->nwindows;
    for (; w < wend && done < n; w++) {
        k = stream_window_count(s, w);
        d = f ? fault_dups_in_window(f, w, k) : 0;
        gb->times = grow(gb->times, &gb->tcap, k ? k : 1, sizeof *gb->times);
        stream_window_times(s, w, k, gb->times);
        if (d) { /* the duplicates that exist, in send order */
            uint64_t nd = 0, tw, ti;
            int64_t send;
            gb->dups = grow(gb->dups, &gb->dcap, d, sizeof *gb->dups);
            for (j = 0; j < d; j++)
                if (fault_dup(s, f, w, j, &send, &tw, &ti))
                    gb->dups[nd].send = send, gb->dups[nd++].j = j;
            qsort(gb->dups, nd, sizeof *gb->dups, dup_cmp);
            d = nd;
        }
        for (i = 0, j = 0; (i < k || j < d) && done < n; done++) {
            struct fount_value *v = gb->vals + done * e->nfields;
            uint8_t *fl = f ? &gb->flags[done] : &none, *vr = f ? &gb->version[done] : &ver;
            if (j < d && (i >= k || gb->dups[j].send < gb->times[i])) {
                uint64_t tw, ti, torig;
                int64_t send;
                fault_dup(s, f, w, gb->dups[j].j, &send, &tw, &ti);
                torig = original_index(e, tw, ti);
                stream_record(e, torig, original_time(s, gb, tw, ti), send, v, fl, vr, &gb->arena);
                *fl |= ROW_DUP;
                j++;
            } else {
                stream_record(e, orig++, gb->times[i], gb->times[i], v, fl, vr, &gb->arena);
                i++;
            }
        }
    }
}

/* Steps [c * per_block, ...) of a series family: every series at each step, less the gaps.
 * pos.parent is the series, pos.child the step. */
static void gen_series_chunk(const struct entity *e, uint64_t c, struct gen_buf *gb, uint64_t first)
{
    const struct series *s = e->series;
    uint64_t t = c * e->per_block, tend = t + e->per_block, i, done = 0;
    struct rowpos pos = {first, 0, 0, 0, 0, NULL};

    if (tend > s->nsteps)
        tend = s->nsteps;
    for (; t < tend; t++)
        for (i = 0; i < s->nseries; i++) {
            if (series_gap(s, i, t))
                continue;
            pos.parent = i;
            pos.child = t;
            pos.time = series_time(s, i, t);
            gen_row(e, &pos, gb->vals + done++ * e->nfields, &gb->arena);
            pos.row++;
        }
}

void gen_chunk(const struct entity *e, uint64_t c, struct gen_buf *gb, struct fount_batch *b)
{
    uint64_t first, n, i;
    struct rowpos pos = {0, 0, 0, 0, 0, NULL};
    struct fount_value *v;

    arena_reset(&gb->arena);
    plan_chunk_rows(e, c, &first, &n);
    v = reserve_vals(gb, (size_t)n * e->nfields);
    memset(b, 0, sizeof *b);
    b->rel = &e->rel;
    b->first_row = first;
    b->nrows = (size_t)n;
    b->vals = v;
    b->first_of_relation = (c == 0);
    if (e->stream) {
        gen_stream_chunk(e, c, gb, n, b);
        return;
    }
    if (e->series) {
        gen_series_chunk(e, c, gb, first);
        return;
    }
    if (!e->parent) {
        for (i = 0; i < n; i++) {
            pos.row = first + i;
            gen_row(e, &pos, v + i * e->nfields, &gb->arena);
        }
        return;
    }
    {
        uint64_t p = c * e->per_block, pend = p + e->per_block, k, j;
        if (pend > e->parent->count)
            pend = e->parent->count;
        pos.row = first;
        for (; p < pend; p++) {
            k = plan_children_of(e, p);
            pos.parent = p;
            for (j = 0; j < k; j++) {
                pos.child = j;
                gen_row(e, &pos, v + (pos.row - first) * e->nfields, &gb->arena);
                pos.row++;
            }
        }
    }
}
