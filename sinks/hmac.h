/* hmac.h: SHA-256 (FIPS 180-4), HMAC-SHA256 (RFC 2104) and base64 (RFC 4648), for signing webhook
 * requests (sinks/http/) without linking a crypto library for one hash. Not constant-time, and
 * not meant for anything but computing signatures a receiver checks.
 * Leaves out: other hashes, verification helpers. */
#ifndef FOUNT_HMAC_H
#define FOUNT_HMAC_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
    uint32_t h[8];
    uint64_t len;           /* bytes hashed so far */
    unsigned char blk[64];
    size_t nblk;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *p, size_t n);
void sha256_final(struct sha256 *s, unsigned char out[32]);

/* HMAC-SHA256 in parts: init with the key, update with the message pieces, final. */
struct hmac_sha256 {
    struct sha256 in;
    unsigned char okey[64];
};
void hmac_sha256_init(struct hmac_sha256 *h, const void *key, size_t klen);
void hmac_sha256_update(struct hmac_sha256 *h, const void *p, size_t n);
void hmac_sha256_final(struct hmac_sha256 *h, unsigned char out[32]);
void hmac_sha256(const void *key, size_t klen, const void *msg, size_t n, unsigned char out[32]);

/* Standard base64 with padding into out (room for 4 * ceil(n / 3) + 1); returns the length. */
size_t base64_encode(char *out, const unsigned char *p, size_t n);
/* Decodes standard base64 (padding optional) into out (room for 3 * len / 4 + 3); returns the
 * length, or -1 on a byte outside the alphabet. */
long base64_decode(unsigned char *out, const char *s, size_t len);
/* Lower-case hex into out (room for 2n + 1); returns 2n. */
size_t hex_encode(char *out, const unsigned char *p, size_t n);

#endif
