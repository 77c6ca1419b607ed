/* test_pcg.c: PCG32 against the reference implementation's published output, the bounded and
 * floating-point draws (ranges, rough uniformity by chi-square), and the key derivation that makes
 * a value a pure function of (seed, relation, field, row): distinct keys, no separator ambiguity,
 * fount_rng_at independent of whatever state the generator held before. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcg.h"

/* chi-square critical values at alpha = 1e-4 by degrees of freedom (chi2.isf(1e-4, dof)) */
static double chi2_crit(int dof)
{
    switch (dof) {
    case 1: return 15.137;
    case 2: return 18.421;
    case 3: return 21.108;
    case 6: return 27.856;
    case 9: return 33.720;
    case 15: return 44.263;
    case 63: return 113.505;
    default: break;
    }
    cr_assert_fail("no critical value for %d degrees of freedom", dof);
    return 0;
}

static double chi2(const uint64_t *obs, int k, double expected_each)
{
    double x = 0;
    int i;

    for (i = 0; i < k; i++) {
        double d = (double)obs[i] - expected_each;
        x += d * d / expected_each;
    }
    return x;
}

/* pcg32-demo.c of pcg-c-basic: pcg32_srandom_r(&rng, 42u, 54u), then pcg32_random_r six times. */
Test(pcg32, reference_vectors)
{
    static const uint32_t want[] = {0xa15c02b7, 0x7b47f409, 0xba1d3330,
                                    0x83d2f293, 0xbfa4784b, 0xcbed606e};
    struct pcg32 r;
    size_t i;

    pcg32_seed(&r, 42u, 54u);
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        uint32_t got = pcg32_next(&r);
        cr_expect_eq(got, want[i], "output %zu: got 0x%08x, want 0x%08x", i, got, want[i]);
    }
}

Test(pcg32, next64_is_two_outputs_high_first)
{
    struct pcg32 a, b;
    int i;

    pcg32_seed(&a, 7, 9);
    pcg32_seed(&b, 7, 9);
    for (i = 0; i < 100; i++) {
        uint64_t hi = pcg32_next(&b), lo = pcg32_next(&b);
        cr_assert_eq(pcg32_next64(&a), (hi << 32) | lo, "draw %d", i);
    }
}

/* Bounds worth testing: the edges, powers of two, and bounds where a biased multiply-shift would
 * be very visible (3 * 2^30: a third of the range would get two preimages). */
Test(pcg32, bounded_range)
{
    static const uint32_t bounds[] = {1, 2, 3, 7, 10, 1000, 65536, 0x80000000u, 0xC0000000u,
                                      0xFFFFFFFEu, 0xFFFFFFFFu};
    struct pcg32 r;
    size_t b;
    int i;

    pcg32_seed(&r, 1, 2);
    for (b = 0; b < sizeof bounds / sizeof bounds[0]; b++) {
        uint32_t max = 0;
        for (i = 0; i < 20000; i++) {
            uint32_t x = pcg32_bounded(&r, bounds[b]);
            cr_assert_lt(x, bounds[b], "bound %u gave %u", bounds[b], x);
            if (x > max)
                max = x;
        }
        if (bounds[b] <= 1000)
            cr_expect_eq(max, bounds[b] - 1, "bound %u: %u never drawn", bounds[b], bounds[b] - 1);
    }
}

Test(pcg32, bounded64_range)
{
    static const uint64_t bounds[] = {1,
                                      2,
                                      0xFFFFFFFFull,
                                      0x100000000ull,
                                      0x100000001ull,
                                      1ull << 40,
                                      3ull << 62,
                                      (1ull << 63) + 1,
                                      UINT64_MAX};
    struct pcg32 r;
    size_t b;
    int i;

    pcg32_seed(&r, 3, 4);
    for (b = 0; b < sizeof bounds / sizeof bounds[0]; b++)
        for (i = 0; i < 20000; i++) {
            uint64_t x = pcg32_bounded64(&r, bounds[b]);
            cr_assert_lt(x, bounds[b], "bound %llu gave %llu", (unsigned long long)bounds[b],
                         (unsigned long long)x);
        }
}

/* Rough uniformity: the draws split into k equal-width bins pass a chi-square test. */
struct unif_case {
    uint64_t bound;
    int bins; /* divides the range into equal parts (bound is a multiple of bins) */
};

Test(pcg32, bounded_uniformity_chi_square)
{
    static const struct unif_case cases[] = {
        {2, 2},  {3, 3},  {7, 7},  {10, 10}, {16, 16},
        {3ull << 30, 3},          /* a biased multiply-shift would put 1/2 of draws in bin 0 */
        {0xC0000000ull * 4, 64},  /* > 2^32: pcg32_bounded64's 128-bit path */
        {3ull << 62, 3},          /* the same bias trap for the 64-bit path */
    };
    const int n = 300000;
    struct pcg32 r;
    size_t c;

    pcg32_seed(&r, 0x853c49e6748fea9bULL, 0xda3e39cb94b95bdbULL);
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        uint64_t obs[64] = {0}, width = cases[c].bound / (uint64_t)cases[c].bins;
        double x;
        int i;
        for (i = 0; i < n; i++) {
            uint64_t v = cases[c].bound <= UINT32_MAX
                             ? pcg32_bounded(&r, (uint32_t)cases[c].bound)
                             : pcg32_bounded64(&r, cases[c].bound);
            obs[v / width]++;
        }
        x = chi2(obs, cases[c].bins, (double)n / cases[c].bins);
        cr_expect_lt(x, chi2_crit(cases[c].bins - 1), "bound %llu: chi-square %.2f with %d bins",
                     (unsigned long long)cases[c].bound, x, cases[c].bins);
    }
}

Test(pcg32, double_in_unit_interval)
{
    struct pcg32 r;
    uint64_t obs[16] = {0};
    double sum = 0, lo = 1, hi = 0, x2;
    const int n = 400000;
    int i;

    pcg32_seed(&r, 99, 100);
    for (i = 0; i < n; i++) {
        double d = pcg32_double(&r), o = pcg32_double_open(&r);
        cr_assert(d >= 0.0 && d < 1.0, "pcg32_double gave %.17g", d);
        cr_assert(o > 0.0 && o < 1.0, "pcg32_double_open gave %.17g", o);
        sum += d;
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
        obs[(int)(d * 16)]++;
    }
    cr_expect(fabs(sum / n - 0.5) < 5 * sqrt(1.0 / 12 / n), "mean %.6f", sum / n);
    cr_expect_lt(lo, 1e-4);
    cr_expect_gt(hi, 1 - 1e-4);
    x2 = chi2(obs, 16, n / 16.0);
    cr_expect_lt(x2, chi2_crit(15), "chi-square %.2f over 16 bins", x2);
}

/* The extremes of the 53-bit construction, computed the way pcg32_double does. */
Test(pcg32, double_extremes)
{
    double top = (double)(UINT64_MAX >> 11) * 0x1.0p-53;
    double otop = ((double)(UINT64_MAX >> 12) + 0.5) * 0x1.0p-52;
    double obot = ((double)0 + 0.5) * 0x1.0p-52;

    cr_assert_lt(top, 1.0);
    cr_assert_lt(otop, 1.0);
    cr_assert_gt(obot, 0.0);
}

/* ---------- keys ---------- */

Test(fount_key, deterministic)
{
    cr_assert_eq(fount_key(42, "orders", "total", NULL), fount_key(42, "orders", "total", NULL));
    cr_assert_eq(fount_key(42, "orders", "total", "null"),
                 fount_key(42, "orders", "total", "null"));
    cr_assert_eq(fount_hash_str("abc", 5), fount_hash("abc", 3, 5));
}

struct key_case {
    uint64_t seed;
    const char *rel, *field, *salt;
};

/* Every pair of these must give different keys. */
Test(fount_key, distinct)
{
    static const struct key_case cases[] = {
        {42, "orders", "total", NULL},
        {43, "orders", "total", NULL},     /* seed */
        {0, "orders", "total", NULL},
        {42, "order", "total", NULL},      /* relation */
        {42, "orders", "totals", NULL},    /* field */
        {42, "total", "orders", NULL},     /* swapped */
        {42, "orders", "total", "null"},   /* salt */
        {42, "orders", "total", ""},       /* empty salt is still a salt */
        {42, "orders", "total", "per"},
        {42, "orders", "", "per"},         /* the per-entity key */
        {42, "orders", "", NULL},
        {42, "", "orders", NULL},
        {42, "ab", "c", NULL},             /* separator ambiguity */
        {42, "a", "bc", NULL},
        {42, "abc", "", NULL},
        {42, "", "abc", NULL},
        {42, "a", "b", "c"},
        {42, "a", "bc", ""},
        {42, "ab", "", "c"},
        {42, "a", "", "bc"},
        {42, "a\x1f" "b", "c", NULL},     /* a name holding the separator byte itself */
        {42, "a", "b\x1f" "c", NULL},
        {42, "a", "b", "\x1e" "c"},
        {42, "a", "b\x1e" "c", NULL},
    };
    size_t n = sizeof cases / sizeof cases[0], i, j;
    uint64_t k[sizeof cases / sizeof cases[0]];

    for (i = 0; i < n; i++)
        k[i] = fount_key(cases[i].seed, cases[i].rel, cases[i].field, cases[i].salt);
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++)
            cr_expect_neq(k[i], k[j], "case %zu (%s,%s,%s) and %zu (%s,%s,%s) share a key", i,
                          cases[i].rel, cases[i].field, cases[i].salt ? cases[i].salt : "NULL", j,
                          cases[j].rel, cases[j].field, cases[j].salt ? cases[j].salt : "NULL");
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* Many similar names (e0..e99 x f0..f99) under a few seeds: no two keys collide. */
Test(fount_key, no_collisions_over_a_grid)
{
    const size_t n = 3 * 100 * 100;
    uint64_t *k = malloc(n * sizeof *k);
    char rel[16], fld[16];
    size_t m = 0, i;
    int s, a, b;

    cr_assert_not_null(k);
    for (s = 0; s < 3; s++)
        for (a = 0; a < 100; a++)
            for (b = 0; b < 100; b++) {
                snprintf(rel, sizeof rel, "e%d", a);
                snprintf(fld, sizeof fld, "f%d", b);
                k[m++] = fount_key((uint64_t)s, rel, fld, NULL);
            }
    qsort(k, m, sizeof *k, cmp_u64);
    for (i = 1; i < m; i++)
        cr_assert_neq(k[i - 1], k[i], "two keys collide: 0x%016llx", (unsigned long long)k[i]);
    free(k);
}

/* ---------- fount_rng_at ---------- */

Test(fount_rng_at, pure)
{
    static const uint64_t keys[] = {0, 1, 0xdeadbeefULL, UINT64_MAX};
    static const uint64_t rows[] = {0, 1, 2, 4095, 4096, 1000000007ULL, UINT64_MAX};
    size_t i, j;
    int d;

    for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
        for (j = 0; j < sizeof rows / sizeof rows[0]; j++) {
            struct pcg32 a, b;
            uint32_t first[8];
            /* b starts from garbage and from a used generator: neither may matter */
            memset(&a, 0, sizeof a);
            memset(&b, 0xa5, sizeof b);
            fount_rng_at(&a, keys[i], rows[j]);
            for (d = 0; d < 8; d++)
                first[d] = pcg32_next(&a);
            fount_rng_at(&b, keys[i], rows[j]);
            for (d = 0; d < 8; d++)
                cr_assert_eq(pcg32_next(&b), first[d], "key %zu row %zu draw %d", i, j, d);
            for (d = 0; d < 1000; d++)
                pcg32_next(&b);
            fount_rng_at(&b, keys[i], rows[j]);
            for (d = 0; d < 8; d++)
                cr_assert_eq(pcg32_next(&b), first[d], "key %zu row %zu draw %d after reuse", i, j,
                             d);
            cr_assert_eq(b.inc & 1, 1, "inc must be odd");
        }
}

/* Neighbouring rows and neighbouring keys give unrelated streams: the first 64-bit draws of
 * 2 x 100000 positions never collide; and swapping key and row gives another stream. */
Test(fount_rng_at, rows_and_keys_differ)
{
    const size_t n = 100000;
    uint64_t *v = malloc(2 * n * sizeof *v);
    struct pcg32 r, s;
    size_t i, m = 0;

    cr_assert_not_null(v);
    for (i = 0; i < n; i++) {
        fount_rng_at(&r, 12345, i);
        v[m++] = pcg32_next64(&r);
        fount_rng_at(&r, 12346, i);
        v[m++] = pcg32_next64(&r);
    }
    qsort(v, m, sizeof *v, cmp_u64);
    for (i = 1; i < m; i++)
        cr_assert_neq(v[i - 1], v[i], "two positions start with the same draw");
    free(v);
    for (i = 0; i < 1000; i++) {
        uint64_t a = i * 7 + 1, b = i * 13 + 5;
        fount_rng_at(&r, a, b);
        fount_rng_at(&s, b, a);
        cr_assert_neq(pcg32_next64(&r), pcg32_next64(&s), "(%llu, %llu) and its swap",
                      (unsigned long long)a, (unsigned long long)b);
    }
}

/* The first draw of consecutive rows is uniform: it is what most fields use. */
Test(fount_rng_at, first_draw_uniform_over_rows)
{
    uint64_t obs[10] = {0};
    const int n = 200000;
    struct pcg32 r;
    double x;
    int i;

    for (i = 0; i < n; i++) {
        fount_rng_at(&r, fount_key(1, "t", "f", NULL), (uint64_t)i);
        obs[pcg32_bounded(&r, 10)]++;
    }
    x = chi2(obs, 10, n / 10.0);
    cr_expect_lt(x, chi2_crit(9), "chi-square %.2f", x);
}
