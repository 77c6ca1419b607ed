/* hist.h: a log-linear latency histogram (the layout HdrHistogram uses): values below 2048 have a
 * bucket each, above that every power of two is cut into 1024 equal buckets, so any recorded value
 * is known to 3 significant digits (relative error below 0.1%) over the whole range, 1 ns to
 * about 4.9 hours (2^44 ns; larger values land in the last bucket, max keeps the true value).
 * Fixed size, no allocation after hist_init: one per writer thread and relation, merged at the
 * end. Not thread-safe: each thread records into its own. */
#ifndef FOUNT_HIST_H
#define FOUNT_HIST_H

#include <stddef.h>
#include <stdint.h>

#define HIST_SUB_BITS 11                          /* 2048 exact values, then 1024 per octave */
#define HIST_MAX_BITS 44                          /* 2^44 ns: 4.9 hours                      */
#define HIST_BUCKETS ((1u << HIST_SUB_BITS) + (HIST_MAX_BITS - HIST_SUB_BITS) * (1u << (HIST_SUB_BITS - 1)))

struct hist {
    uint64_t *counts;         /* HIST_BUCKETS */
    uint64_t total;           /* values recorded                           */
    uint64_t min, max;        /* exact; min is UINT64_MAX while empty      */
    double sum;               /* for the mean                              */
};

/* 0, or -1 when out of memory. A zeroed struct hist is a valid empty one for hist_free. */
int hist_init(struct hist *h);
void hist_free(struct hist *h);
void hist_reset(struct hist *h);
/* Record value v (nanoseconds, say) n times. */
void hist_record_n(struct hist *h, uint64_t v, uint64_t n);
static inline void hist_record(struct hist *h, uint64_t v)
{
    hist_record_n(h, v, 1);
}
/* Add every count of from into into (both initialised). */
void hist_merge(struct hist *into, const struct hist *from);
/* The value at percentile p (0..100): the highest value equivalent to the bucket holding the
 * ceil(p% * total)-th value, clamped to [min, max]; p = 100 gives max exactly. 0 when empty. */
uint64_t hist_percentile(const struct hist *h, double p);
double hist_mean(const struct hist *h);

/* Buckets, for reports that draw or export the distribution: index i covers [lo, hi]. */
size_t hist_index(uint64_t v);
void hist_bucket_range(size_t i, uint64_t *lo, uint64_t *hi);

/* A duration in nanoseconds for people: "850 us", "12.3 ms", "1.25 s", "42.0 s". */
void hist_fmt_ns(char *out, size_t n, uint64_t ns);

#endif
