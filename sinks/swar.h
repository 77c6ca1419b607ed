/* swar.h: eight bytes at a time. Strings are scanned as 64-bit words and copied whole when no
 * byte needs escaping; the tests are exact as yes/no answers, on either byte order. Shared by the
 * encoders (format.c, format_ts.c), each with its own idea of a dirty byte. */
#ifndef FOUNT_SWAR_H
#define FOUNT_SWAR_H

#include <stdint.h>
#include <string.h>

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

static inline uint64_t swar_lt(uint64_t x, unsigned n) /* some byte < n (n <= 128) */
{
    return (x - ONES * n) & ~x & HIGHS;
}

static inline uint64_t swar_eq(uint64_t x, unsigned c) /* some byte == c */
{
    return swar_lt(x ^ (ONES * c), 1);
}

/* SWAR_CLEAN_COPY(KIND, DIRTY) defines clean_copy(p, s, n, k): copy s verbatim when DIRTY(word, k)
 * finds no byte that needs care. Works in words, the last one overlapping the one before (so no
 * byte loop for the tail); strings under 4 bytes are padded with 'a' into one word. Returns 0
 * when a byte is dirty: p is then partly written, and the caller starts over on its careful
 * path. A macro so each encoder's DIRTY inlines into its copy loop. */
#define SWAR_CLEAN_COPY(KIND, DIRTY)                                                              \
    static inline int clean_copy(char *p, const char *s, size_t n, KIND k)                      \
    {                                                                                            \
        uint64_t x;                                                                              \
        uint32_t lo, hi;                                                                         \
        size_t i;                                                                                \
                                                                                                 \
        if (n >= 8) {                                                                            \
            for (i = 0; i + 8 < n; i += 8) {                                                     \
                memcpy(&x, s + i, 8);                                                            \
                if (DIRTY(x, k))                                                                 \
                    return 0;                                                                    \
                memcpy(p + i, &x, 8);                                                            \
            }                                                                                    \
            memcpy(&x, s + n - 8, 8);                                                            \
            if (DIRTY(x, k))                                                                     \
                return 0;                                                                        \
            memcpy(p + n - 8, &x, 8);                                                            \
            return 1;                                                                            \
        }                                                                                        \
        if (n >= 4) {                                                                            \
            memcpy(&lo, s, 4);                                                                   \
            memcpy(&hi, s + n - 4, 4);                                                           \
            if (DIRTY(lo | (uint64_t)hi << 32, k))                                               \
                return 0;                                                                        \
            memcpy(p, &lo, 4);                                                                   \
            memcpy(p + n - 4, &hi, 4);                                                           \
            return 1;                                                                            \
        }                                                                                        \
        x = ONES * 'a';                                                                          \
        for (i = 0; i < n; i++)                                                                  \
            x = x << 8 | (unsigned char)s[i];                                                    \
        if (DIRTY(x, k))                                                                         \
            return 0;                                                                            \
        for (i = 0; i < n; i++)                                                                  \
            p[i] = s[i];                                                                         \
        return 1;                                                                                \
    }

#endif
