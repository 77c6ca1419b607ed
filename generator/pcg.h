/* pcg.h: PCG32 (XSH-RR 64/32, M.E. O'Neill, pcg-random.org) and the key derivation that makes a value a
 * pure function of (seed, relation, field, row). Everything is inline: it runs once per field per row.
 * Leaves out: other PCG variants, global state of any kind. */
#ifndef FOUNT_PCG_H
#define FOUNT_PCG_H

#include <stddef.h>
#include <stdint.h>

#define PCG32_MULT 6364136223846793005ULL

struct pcg32 {
    uint64_t state;
    uint64_t inc; /* always odd */
};

static inline uint32_t pcg32_next(struct pcg32 *r)
{
    uint64_t old = r->state;
    uint32_t xorshifted, rot;

    r->state = old * PCG32_MULT + r->inc;
    xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31u));
}

/* pcg32_srandom_r of the reference implementation. */
static inline void pcg32_seed(struct pcg32 *r, uint64_t initstate, uint64_t seq)
{
    r->state = 0u;
    r->inc = (seq << 1u) | 1u;
    pcg32_next(r);
    r->state += initstate;
    pcg32_next(r);
}

static inline uint64_t pcg32_next64(struct pcg32 *r)
{
    uint64_t hi = pcg32_next(r);

    return (hi << 32) | pcg32_next(r);
}

/* Uniform in [0, bound) without modulo bias (Lemire's multiply-and-reject). bound > 0. */
static inline uint32_t pcg32_bounded(struct pcg32 *r, uint32_t bound)
{
    uint64_t m = (uint64_t)pcg32_next(r) * bound;
    uint32_t l = (uint32_t)m;

    if (l < bound) {
        uint32_t t = (uint32_t)(-bound) % bound;
        while (l < t) {
            m = (uint64_t)pcg32_next(r) * bound;
            l = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

/* Uniform in [0, bound) for 64-bit bounds; bound > 0. */
static inline uint64_t pcg32_bounded64(struct pcg32 *r, uint64_t bound)
{
    if (bound <= UINT32_MAX)
        return pcg32_bounded(r, (uint32_t)bound);
    {
        __uint128_t m = (__uint128_t)pcg32_next64(r) * bound;
        uint64_t l = (uint64_t)m;
        if (l < bound) {
            uint64_t t = (-bound) % bound;
            while (l < t) {
                m = (__uint128_t)pcg32_next64(r) * bound;
                l = (uint64_t)m;
            }
        }
        return (uint64_t)(m >> 64);
    }
}

/* Uniform double in [0, 1) with 53 random bits. */
static inline double pcg32_double(struct pcg32 *r)
{
    return (double)(pcg32_next64(r) >> 11) * 0x1.0p-53;
}

/* Uniform double in (0, 1): safe for log(). */
static inline double pcg32_double_open(struct pcg32 *r)
{
    return ((double)(pcg32_next64(r) >> 12) + 0.5) * 0x1.0p-52;
}

/* splitmix64's finalizer: a strong 64-bit mixer. */
static inline uint64_t fount_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* FNV-1a over bytes, continued from h; then mixed. Used on names only, never per row. */
uint64_t fount_hash(const void *p, size_t n, uint64_t h);
uint64_t fount_hash_str(const char *s, uint64_t h);

/* The key of a (relation, field) under a seed; salt separates independent uses of one field
 * (its value, its null decision, ...). Computed once at plan compile time. */
uint64_t fount_key(uint64_t seed, const char *relation, const char *field, const char *salt);

/* The generator for one (key, row): the per-row entry point of the determinism contract. The state
 * is splitmix64's output number row+1 for the seed key (keys are themselves hashes), and the stream
 * (inc) is the key: one multiply-xorshift chain per field per row, no warm-up draw. */
static inline void fount_rng_at(struct pcg32 *r, uint64_t key, uint64_t row)
{
    r->inc = (key << 1u) | 1u;
    r->state = fount_mix64(key + (row + 1) * 0x9e3779b97f4a7c15ULL);
}

#endif
