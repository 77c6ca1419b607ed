/* hist.c: the log-linear histogram of hist.h. */
#include "hist.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUB (1u << HIST_SUB_BITS)     /* 2048 */
#define HALF (SUB >> 1)               /* 1024 buckets per octave above SUB */

size_t hist_index(uint64_t v)
{
    unsigned msb, e;

    if (v < SUB)
        return (size_t)v;
    msb = 63u - (unsigned)__builtin_clzll(v);
    e = msb - (HIST_SUB_BITS - 1);    /* >= 1: v >> e lies in [HALF, SUB) */
    if (e > HIST_MAX_BITS - HIST_SUB_BITS)
        return HIST_BUCKETS - 1;
    return SUB + (size_t)(e - 1) * HALF + (size_t)((v >> e) - HALF);
}

void hist_bucket_range(size_t i, uint64_t *lo, uint64_t *hi)
{
    size_t e, sub;

    if (i < SUB) {
        *lo = *hi = i;
        return;
    }
    e = (i - SUB) / HALF + 1;
    sub = (i - SUB) % HALF + HALF;
    *lo = (uint64_t)sub << e;
    *hi = (((uint64_t)sub + 1) << e) - 1;
}

int hist_init(struct hist *h)
{
    memset(h, 0, sizeof *h);
    h->counts = calloc(HIST_BUCKETS, sizeof *h->counts);
    h->min = UINT64_MAX;
    return h->counts ? 0 : -1;
}

void hist_free(struct hist *h)
{
    free(h->counts);
    memset(h, 0, sizeof *h);
}

void hist_reset(struct hist *h)
{
    if (h->counts)
        memset(h->counts, 0, HIST_BUCKETS * sizeof *h->counts);
    h->total = 0;
    h->min = UINT64_MAX;
    h->max = 0;
    h->sum = 0;
}

void hist_record_n(struct hist *h, uint64_t v, uint64_t n)
{
    if (!n)
        return;
    h->counts[hist_index(v)] += n;
    h->total += n;
    if (v < h->min)
        h->min = v;
    if (v > h->max)
        h->max = v;
    h->sum += (double)v * (double)n;
}

void hist_merge(struct hist *into, const struct hist *from)
{
    size_t i;

    if (!from->total)
        return;
    for (i = 0; i < HIST_BUCKETS; i++)
        into->counts[i] += from->counts[i];
    into->total += from->total;
    into->sum += from->sum;
    if (from->min < into->min)
        into->min = from->min;
    if (from->max > into->max)
        into->max = from->max;
}

uint64_t hist_percentile(const struct hist *h, double p)
{
    uint64_t want, seen = 0, lo, hi;
    size_t i;

    if (!h->total)
        return 0;
    if (p >= 100)
        return h->max;
    if (p <= 0)
        return h->min;
    want = (uint64_t)ceil(p / 100.0 * (double)h->total);
    if (want < 1)
        want = 1;
    for (i = 0; i < HIST_BUCKETS; i++) {
        seen += h->counts[i];
        if (seen >= want)
            break;
    }
    if (i == HIST_BUCKETS)
        return h->max;
    hist_bucket_range(i, &lo, &hi);
    if (hi > h->max)
        hi = h->max;
    if (hi < h->min)
        hi = h->min;
    return hi;
}

double hist_mean(const struct hist *h)
{
    return h->total ? h->sum / (double)h->total : 0;
}

void hist_fmt_ns(char *out, size_t n, uint64_t ns)
{
    if (ns >= 10000000000ULL)
        snprintf(out, n, "%.1f s", (double)ns / 1e9);
    else if (ns >= 1000000000ULL)
        snprintf(out, n, "%.3g s", (double)ns / 1e9);
    else if (ns >= 1000000)
        snprintf(out, n, "%.3g ms", (double)ns / 1e6);
    else
        snprintf(out, n, "%.3g us", (double)ns / 1e3);
}
