/* body.c: the HTTP sink's parts that need no network (declared in ../http.h for the unit tests):
 * request bodies and how many records go in one, body templates and GraphQL envelopes, webhook
 * signatures, retry delays and what a status means. Leaves out: anything that touches curl. */
#include <stdio.h>
#include <stdlib.h>

#include "../hmac.h"
#include "http_priv.h"

size_t http_batch_take(const struct http_shape *sh, const size_t *len, size_t n,
                       size_t max_records, size_t max_bytes)
{
    size_t k, bytes = sh->npre + sh->npost + (sh->mode == HTTP_ARRAY ? 2 : 0);

    if (sh->mode == HTTP_OBJECT || max_records < 1)
        max_records = 1;
    for (k = 0; k < n && k < max_records; k++) {
        size_t add = len[k] + (sh->mode == HTTP_NDJSON || (sh->mode == HTTP_ARRAY && k) ? 1 : 0);
        if (k && bytes + add > max_bytes)
            break;
        bytes += add;
    }
    return k ? k : (n ? 1 : 0);
}

int http_body(const struct http_shape *sh, const char *const *rec, const size_t *len, size_t n,
              struct buf *out)
{
    size_t i, need = sh->npre + sh->npost + 2 + n;
    char *p;

    for (i = 0; i < n; i++)
        need += len[i];
    if (buf_reserve(out, need))
        return -1;
    p = buf_tail(out);
    memcpy(p, sh->pre, sh->npre);
    p += sh->npre;
    if (sh->mode == HTTP_ARRAY)
        *p++ = '[';
    for (i = 0; i < n; i++) {
        if (sh->mode == HTTP_ARRAY && i)
            *p++ = ',';
        memcpy(p, rec[i], len[i]);
        p += len[i];
        if (sh->mode == HTTP_NDJSON)
            *p++ = '\n';
    }
    if (sh->mode == HTTP_ARRAY)
        *p++ = ']';
    memcpy(p, sh->post, sh->npost);
    p += sh->npost;
    out->len = (size_t)(p - out->data);
    return 0;
}

/* s with every "{{relation}}" replaced by rel; the caller frees it. */
static char *subst_relation(const char *s, size_t n, const char *rel)
{
    struct buf b;
    const char *end = s + n, *q;

    buf_init(&b, HTTP_BODY_MAX);
    while ((q = memmem(s, (size_t)(end - s), "{{relation}}", 12))) {
        buf_append(&b, s, (size_t)(q - s));
        buf_puts(&b, rel);
        s = q + 12;
    }
    buf_append(&b, s, (size_t)(end - s));
    buf_append(&b, "", 1);
    return b.data;
}

int http_template(const char *tmpl, const char *rel, char **pre, char **post,
                  struct fount_err *err)
{
    const char *q = strstr(tmpl, "{{body}}");

    if (!q || strstr(q + 8, "{{body}}")) {
        fount_err_set(err, "a body template needs {{body}} exactly once, where the record (or "
                           "the batch) goes");
        return -1;
    }
    *pre = subst_relation(tmpl, (size_t)(q - tmpl), rel);
    *post = subst_relation(q + 8, strlen(q + 8), rel);
    return 0;
}

static void json_string(struct buf *b, const char *s)
{
    buf_puts(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            buf_printf(b, "\\%c", c);
        else if (c == '\n')
            buf_puts(b, "\\n");
        else if (c < 0x20)
            buf_printf(b, "\\u%04x", c);
        else
            buf_append(b, s, 1);
    }
    buf_puts(b, "\"");
}

void http_graphql(const char *mutation, const char *var, char **pre, char **post)
{
    struct buf b;

    buf_init(&b, HTTP_BODY_MAX);
    buf_puts(&b, "{\"query\":");
    json_string(&b, mutation);
    buf_puts(&b, ",\"variables\":{");
    json_string(&b, var);
    buf_puts(&b, ":");
    buf_append(&b, "", 1);
    *pre = b.data;
    *post = xstrdup("}}");
}

void http_sign_standard(const unsigned char *key, size_t klen, const char *id, long long ts,
                        const char *body, size_t n, char *out)
{
    struct hmac_sha256 h;
    unsigned char mac[32];
    char t[32];
    int tl = snprintf(t, sizeof t, ".%lld.", ts);

    hmac_sha256_init(&h, key, klen);
    hmac_sha256_update(&h, id, strlen(id));
    hmac_sha256_update(&h, t, (size_t)tl);
    hmac_sha256_update(&h, body, n);
    hmac_sha256_final(&h, mac);
    memcpy(out, "v1,", 3);
    base64_encode(out + 3, mac, 32);
}

void http_sign_simple(const unsigned char *key, size_t klen, const char *body, size_t n,
                      char *out)
{
    unsigned char mac[32];

    hmac_sha256(key, klen, body, n, mac);
    memcpy(out, "sha256=", 7);
    hex_encode(out + 7, mac, 32);
}

long http_secret_key(const char *secret, unsigned char *out, size_t room)
{
    size_t n = strlen(secret);

    if (!strncmp(secret, "whsec_", 6)) {
        unsigned char tmp[1024];
        long k;
        if (n - 6 > 1300)
            return -1;
        k = base64_decode(tmp, secret + 6, n - 6);
        if (k <= 0)
            return -1;
        if ((size_t)k > room)
            k = (long)room;
        memcpy(out, tmp, (size_t)k);
        return k;
    }
    if (n > room)
        n = room;
    memcpy(out, secret, n);
    return (long)n;
}

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s ? *s : 0x9E3779B97F4A7C15ULL;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

int64_t http_backoff_ms(int attempt, long long retry_after_s, int64_t base_ms, int64_t cap_ms,
                        int64_t max_ms, uint64_t *rng)
{
    int64_t d = base_ms > 0 ? base_ms : 1;
    int i;

    for (i = 1; i < attempt && d < cap_ms; i++)
        d *= 2;
    if (d > cap_ms)
        d = cap_ms;
    if (d >= 2)
        d = d / 2 + (int64_t)(xorshift(rng) % (uint64_t)(d / 2));
    if (retry_after_s > 0 && retry_after_s * 1000 > d)
        d = retry_after_s * 1000 > max_ms ? max_ms : retry_after_s * 1000;
    return d;
}

enum http_verdict http_classify(long status)
{
    if (status >= 200 && status < 300)
        return HTTP_DELIVERED;
    if (status == 408 || status == 429 || (status >= 500 && status < 600))
        return HTTP_RETRY;
    if (status == 401 || status == 403)
        return HTTP_FATAL;
    return HTTP_FAIL;
}
