/* perm.h: a keyed bijection of [0, n): a balanced Feistel network over the smallest even power of two
 * that covers n, with cycle-walking back into range. Unique values come from it without retries or
 * memory. Leaves out: cryptographic strength (it only has to look shuffled and be a bijection). */
#ifndef FOUNT_PERM_H
#define FOUNT_PERM_H

#include <stdint.h>

struct perm {
    uint64_t n;         /* domain size, >= 1 */
    unsigned half_bits; /* bits in each Feistel half */
    uint64_t half_mask;
    uint64_t keys[4];   /* one per round */
};

void perm_init(struct perm *p, uint64_t n, uint64_t key);
/* The image of i (i < n) under the permutation; also < n. */
uint64_t perm_apply(const struct perm *p, uint64_t i);

#endif
