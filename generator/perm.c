/* perm.c: keyed Feistel permutation with cycle-walking (see perm.h). */
#include "perm.h"
#include "pcg.h"

void perm_init(struct perm *p, uint64_t n, uint64_t key)
{
    unsigned bits = 2;
    int i;

    p->n = n ? n : 1;
    /* Total width: an even number of bits with 2^bits >= n, so each half has bits/2. */
    while (bits < 64 && (1ULL << bits) < p->n)
        bits += 2;
    p->half_bits = bits / 2;
    p->half_mask = (p->half_bits >= 64) ? ~0ULL : ((1ULL << p->half_bits) - 1);
    for (i = 0; i < 4; i++)
        p->keys[i] = fount_mix64(key + 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1));
}

static uint64_t feistel(const struct perm *p, uint64_t x)
{
    uint64_t l = x >> p->half_bits, r = x & p->half_mask;
    int i;

    for (i = 0; i < 4; i++) {
        uint64_t f = fount_mix64(r ^ p->keys[i]) & p->half_mask;
        uint64_t t = l ^ f;
        l = r;
        r = t;
    }
    return (l << p->half_bits) | r;
}

uint64_t perm_apply(const struct perm *p, uint64_t i)
{
    /* The Feistel network permutes [0, 4^half_bits); walking the cycle from i until it lands
     * inside [0, n) stays a bijection on [0, n). The domain is less than 4x n, so the expected
     * number of steps is below 4. */
    uint64_t x = i;

    do
        x = feistel(p, x);
    while (x >= p->n);
    return x;
}
