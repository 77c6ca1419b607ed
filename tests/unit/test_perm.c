/* test_perm.c: perm_apply is a bijection of [0, n) (every image in range, every value hit once,
 * checked with a bitmap) for sizes around the Feistel widths, spot checks of huge domains, and
 * keys that change the permutation. */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pcg.h"
#include "perm.h"

/* Sizes at and around powers of two and powers of four (the Feistel network covers the smallest
 * 4^k >= n, so n just above 4^k walks the longest cycles). */
static const uint64_t sizes[] = {1, 2, 3, 4, 5, 7, 16, 17, 1000, 65536, 65537, 1000003};
static const uint64_t keys[] = {0, 1, 0x5bd1e9955bd1e995ULL, UINT64_MAX};

Test(perm, bijection)
{
    size_t s, k;

    for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            uint64_t n = sizes[s], i;
            uint8_t *seen = calloc((size_t)(n + 7) / 8, 1);
            struct perm p;
            cr_assert_not_null(seen);
            perm_init(&p, n, keys[k]);
            cr_assert_eq(p.n, n);
            for (i = 0; i < n; i++) {
                uint64_t x = perm_apply(&p, i);
                cr_assert_lt(x, n, "n=%llu key=%zu: perm(%llu) = %llu is out of range",
                             (unsigned long long)n, k, (unsigned long long)i,
                             (unsigned long long)x);
                cr_assert_eq(seen[x / 8] & (1u << (x % 8)), 0,
                             "n=%llu key=%zu: %llu is hit twice (again by %llu)",
                             (unsigned long long)n, k, (unsigned long long)x,
                             (unsigned long long)i);
                seen[x / 8] |= (uint8_t)(1u << (x % 8));
            }
            /* n distinct images in [0, n): every value is hit (pigeonhole), so a bijection */
            free(seen);
        }
}

Test(perm, deterministic)
{
    struct perm a, b;
    uint64_t i;

    perm_init(&a, 1000003, 77);
    perm_init(&b, 1000003, 77);
    for (i = 0; i < 1000; i++)
        cr_assert_eq(perm_apply(&a, i), perm_apply(&b, i));
}

/* n = 0 is treated as 1 (perm.c), so a caller never divides by or walks an empty domain. */
Test(perm, empty_domain_is_one)
{
    struct perm p;

    perm_init(&p, 0, 5);
    cr_assert_eq(p.n, 1);
    cr_assert_eq(perm_apply(&p, 0), 0);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* Domains too large for a bitmap: 100000 sampled inputs map into range and to distinct images,
 * and the images spread over the domain (not just its low end). */
Test(perm, large_domains_spot_check)
{
    static const uint64_t big[] = {(1ULL << 40), (1ULL << 40) + 1, 1ULL << 62, (1ULL << 62) + 3,
                                   UINT64_MAX};
    const size_t m = 100000;
    uint64_t *img = malloc(m * sizeof *img);
    struct pcg32 r;
    size_t b, i;

    cr_assert_not_null(img);
    pcg32_seed(&r, 11, 12);
    for (b = 0; b < sizeof big / sizeof big[0]; b++) {
        struct perm p;
        uint64_t hi_half = 0;
        perm_init(&p, big[b], 0xfeedULL + b);
        for (i = 0; i < m; i++) {
            /* half of the inputs consecutive from 0, half random */
            uint64_t in = i < m / 2 ? i : pcg32_bounded64(&r, big[b]);
            img[i] = perm_apply(&p, in);
            cr_assert_lt(img[i], big[b], "n=%llu: perm(%llu) = %llu", (unsigned long long)big[b],
                         (unsigned long long)in, (unsigned long long)img[i]);
            hi_half += img[i] >= big[b] / 2;
        }
        cr_expect(hi_half > m * 45 / 100 && hi_half < m * 55 / 100,
                  "n=%llu: %llu of %zu images in the upper half", (unsigned long long)big[b],
                  (unsigned long long)hi_half, m);
        /* distinct images of the consecutive inputs (the random ones may repeat an input) */
        qsort(img, m / 2, sizeof *img, cmp_u64);
        for (i = 1; i < m / 2; i++)
            cr_assert_neq(img[i - 1], img[i], "n=%llu: two inputs share an image",
                          (unsigned long long)big[b]);
    }
    free(img);
}

/* Different keys give different permutations, and none is close to the identity. */
Test(perm, keys_differ)
{
    const uint64_t n = 1000;
    struct perm p[4];
    size_t k, j;
    uint64_t i;

    for (k = 0; k < 4; k++)
        perm_init(&p[k], n, keys[k]);
    for (k = 0; k < 4; k++) {
        uint64_t fixed = 0;
        for (i = 0; i < n; i++)
            fixed += perm_apply(&p[k], i) == i;
        /* a random permutation has 1 fixed point on average */
        cr_expect_lt(fixed, 10, "key %zu: %llu fixed points", k, (unsigned long long)fixed);
        for (j = k + 1; j < 4; j++) {
            uint64_t same = 0;
            for (i = 0; i < n; i++)
                same += perm_apply(&p[k], i) == perm_apply(&p[j], i);
            cr_expect_lt(same, 10, "keys %zu and %zu agree on %llu of %llu inputs", k, j,
                         (unsigned long long)same, (unsigned long long)n);
        }
    }
}

/* Neighbouring inputs land far apart: a unique field must look shuffled, not sequential. */
Test(perm, looks_shuffled)
{
    const uint64_t n = 1000003;
    struct perm p;
    uint64_t i, ascending = 0;

    perm_init(&p, n, 3);
    for (i = 0; i + 1 < 10000; i++)
        ascending += perm_apply(&p, i) < perm_apply(&p, i + 1);
    cr_expect(ascending > 4500 && ascending < 5500, "%llu of 9999 steps ascend",
              (unsigned long long)ascending);
}
