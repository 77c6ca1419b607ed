/* test_hist.c: the log-linear histogram against exact percentiles of the recorded sample (sorted),
 * for several shapes of latency data; bucket boundaries tile the range; merging equals recording
 * everything into one. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "hist.h"
#include "pcg.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define N 200000

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Latency-like samples in nanoseconds. */
static uint64_t sample(int shape, struct pcg32 *r, size_t i)
{
    double u = (pcg32_next(r) + 0.5) / 4294967296.0;

    switch (shape) {
    case 0: return 1000 + (uint64_t)(u * 1e6);                 /* uniform 1 us .. 1 ms     */
    case 1: return (uint64_t)exp(13.0 + 1.5 * sqrt(-2 * log(u)) * cos(6.283185307 * u * 7.3));
                                                               /* lognormal around 0.4 ms  */
    case 2: return 777;                                        /* constant, exact bucket   */
    case 3: return i % 1000 == 0 ? 5000000000ULL : 200000;     /* a 5 s tail on 200 us     */
    default: return (uint64_t)i;                               /* 0 .. N-1, exact and not  */
    }
}

Test(hist, percentiles_match_the_exact_ones)
{
    static const double ps[] = {0, 1, 50, 90, 99, 99.9, 99.99, 100};
    int shape;

    for (shape = 0; shape < 5; shape++) {
        uint64_t *v = malloc(N * sizeof *v);
        struct hist h;
        struct pcg32 r;
        size_t i, k;
        cr_assert_not_null(v);
        cr_assert_eq(hist_init(&h), 0);
        pcg32_seed(&r, 42, (uint64_t)shape);
        for (i = 0; i < N; i++) {
            v[i] = sample(shape, &r, i);
            hist_record(&h, v[i]);
        }
        qsort(v, N, sizeof *v, cmp_u64);
        cr_expect_eq(h.total, N);
        cr_expect_eq(h.min, v[0]);
        cr_expect_eq(h.max, v[N - 1]);
        for (k = 0; k < NELEM(ps); k++) {
            /* nearest rank: the ceil(p% * N)-th smallest value */
            size_t rank = (size_t)ceil(ps[k] / 100 * N);
            uint64_t exact = v[rank ? rank - 1 : 0], got = hist_percentile(&h, ps[k]);
            double rel = exact ? fabs((double)got - (double)exact) / (double)exact : (double)got;
            cr_expect(got >= exact, "shape %d p%g: %llu below the exact %llu", shape, ps[k],
                      (unsigned long long)got, (unsigned long long)exact);
            cr_expect(rel <= 1.0 / 1024, "shape %d p%g: %llu vs exact %llu (%.5f)", shape,
                      ps[k], (unsigned long long)got, (unsigned long long)exact, rel);
        }
        hist_free(&h);
        free(v);
    }
}

Test(hist, buckets_tile_the_range)
{
    uint64_t lo, hi, prev_hi = 0;
    size_t i;

    for (i = 0; i < HIST_BUCKETS; i++) {
        hist_bucket_range(i, &lo, &hi);
        cr_assert(i == 0 || lo == prev_hi + 1, "bucket %zu starts at %llu after %llu", i,
                  (unsigned long long)lo, (unsigned long long)prev_hi);
        cr_assert(hi >= lo);
        cr_assert_eq(hist_index(lo), i);
        cr_assert_eq(hist_index(hi), i);
        /* 3 significant digits: the bucket is no wider than a 1024th of its values */
        cr_assert(lo < 2048 || (double)(hi - lo + 1) <= (double)lo / 1024 + 1e-9);
        prev_hi = hi;
    }
    cr_expect_eq(prev_hi, (1ULL << HIST_MAX_BITS) - 1);
    cr_expect_eq(hist_index(UINT64_MAX), HIST_BUCKETS - 1);
}

Test(hist, merge_equals_one_histogram)
{
    struct hist a, b, all;
    struct pcg32 r;
    size_t i;

    cr_assert_eq(hist_init(&a) | hist_init(&b) | hist_init(&all), 0);
    pcg32_seed(&r, 7, 7);
    for (i = 0; i < 50000; i++) {
        uint64_t v = sample(1, &r, i);
        hist_record(i % 3 ? &a : &b, v);
        hist_record(&all, v);
    }
    hist_merge(&a, &b);
    cr_expect_eq(a.total, all.total);
    cr_expect_eq(a.min, all.min);
    cr_expect_eq(a.max, all.max);
    for (i = 0; i < HIST_BUCKETS; i++)
        cr_assert_eq(a.counts[i], all.counts[i]);
    cr_expect_eq(hist_percentile(&a, 99.9), hist_percentile(&all, 99.9));
    hist_reset(&a);
    cr_expect_eq(a.total, 0);
    cr_expect_eq(hist_percentile(&a, 50), 0);
    hist_free(&a);
    hist_free(&b);
    hist_free(&all);
}
