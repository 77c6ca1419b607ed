/* pcg.c: name hashing for key derivation. The generator itself is inline in pcg.h. */
#include "pcg.h"

#include <string.h>

uint64_t fount_hash(const void *p, size_t n, uint64_t h)
{
    const unsigned char *s = p;
    size_t i;

    h ^= 0xcbf29ce484222325ULL;
    for (i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    return fount_mix64(h);
}

uint64_t fount_hash_str(const char *s, uint64_t h)
{
    return fount_hash(s, strlen(s), h);
}

uint64_t fount_key(uint64_t seed, const char *relation, const char *field, const char *salt)
{
    uint64_t h = fount_mix64(seed ^ 0x243f6a8885a308d3ULL);

    /* A separator byte between names so ("ab","c") and ("a","bc") differ. */
    h = fount_hash_str(relation, h);
    h = fount_hash("\x1f", 1, h);
    h = fount_hash_str(field, h);
    if (salt) {
        h = fount_hash("\x1e", 1, h);
        h = fount_hash_str(salt, h);
    }
    return h;
}
