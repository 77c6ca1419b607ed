/* http.h: the parts of the HTTP sink (sinks/http/body.c) that do not need a network, for the unit tests:
 * how records become request bodies, how many go in one, signatures, and retry delays. */
#ifndef FOUNT_HTTP_H
#define FOUNT_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "../generator/common.h"

enum http_mode { HTTP_OBJECT, HTTP_ARRAY, HTTP_NDJSON };

/* How a relation's records become a body: the records (one JSON object, a JSON array of them, or
 * NDJSON lines), wrapped in pre and post (a body template or a GraphQL envelope; "" for none). */
struct http_shape {
    enum http_mode mode;
    const char *pre, *post;
    size_t npre, npost;
};

/* Records for the next body out of n (their JSON lengths in len): at most max_records, and no more
 * than max_bytes of body (the shape's wrapping included), but always at least one. */
size_t http_batch_take(const struct http_shape *sh, const size_t *len, size_t n,
                       size_t max_records, size_t max_bytes);
/* Appends the body of n records (rec[i], len[i]: JSON objects without newlines) to out. -1 when
 * out's cap is reached. */
int http_body(const struct http_shape *sh, const char *const *rec, const size_t *len, size_t n,
              struct buf *out);
/* A body template: "{\"data\": {{body}}, \"source\": \"{{relation}}\"}" -> *pre and *post around
 * {{body}} (which must occur once), with {{relation}} replaced by rel. Returns 0, or -1 with a
 * message. The strings are the caller's to free. */
int http_template(const char *tmpl, const char *rel, char **pre, char **post,
                  struct fount_err *err);
/* The GraphQL envelope: {"query": "<mutation>", "variables": {"<var>": <records>}}. */
void http_graphql(const char *mutation, const char *var, char **pre, char **post);

/* Standard Webhooks: "v1,<base64 of HMAC-SHA256(key, id "." ts "." body)>" into out (room 64). */
void http_sign_standard(const unsigned char *key, size_t klen, const char *id, long long ts,
                        const char *body, size_t n, char *out);
/* The simpler form: "sha256=<hex of HMAC-SHA256(key, body)>" into out (room 80). */
void http_sign_simple(const unsigned char *key, size_t klen, const char *body, size_t n,
                      char *out);
/* The key bytes of a secret: "whsec_<base64>" decodes (Standard Webhooks), anything else is used
 * as it is. Returns the length (at most room), or -1 when whsec_ is not followed by base64. */
long http_secret_key(const char *secret, unsigned char *out, size_t room);

/* Milliseconds before retry number attempt (1, 2, ...): base doubling up to cap, with full jitter
 * in its upper half (delay/2 + rnd % (delay/2)); a Retry-After of retry_after_s seconds (> 0)
 * wins when it is longer, up to max_ms. rng: xorshift state the caller keeps. */
int64_t http_backoff_ms(int attempt, long long retry_after_s, int64_t base_ms, int64_t cap_ms,
                        int64_t max_ms, uint64_t *rng);
/* Whether an HTTP status is retried (408, 429, 5xx), fatal (401, 403) or failed for good. */
enum http_verdict { HTTP_DELIVERED, HTTP_RETRY, HTTP_FAIL, HTTP_FATAL };
enum http_verdict http_classify(long status);

#endif
