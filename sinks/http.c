/* http.c: the HTTP and webhook sink (libcurl): http://host/path or https://..., "{relation}" in the
 * URL is replaced by the relation's name. Records go out as one JSON object per request, a JSON
 * array batch or NDJSON batches (limited by records and by bytes), optionally in a body template or
 * a GraphQL envelope, signed (Standard Webhooks or X-Signature), gzipped, with an Idempotency-Key.
 *
 * How it runs: up to `connections` requests are in flight on one curl multi handle the sink owns
 * (HTTP/1.1 keep-alive, or HTTP/2). write_batch cuts the batch into requests, each in a free slot,
 * and drives the multi handle while no slot is free: that is the back-pressure, and memory is
 * `connections` bodies. Records are taken into flight and counted delivered when write_batch
 * returns; an answer that fails them for good is reported through sink_failed (sink.h), so every
 * record ends delivered or failed. A failure learned before the runner counted the batch is held
 * (pend) until the sink is next called. end() waits for the relation's requests (children reach
 * the endpoint after their parents have been acknowledged); flush() waits for the rest, up to its
 * timeout, and fails what is still out ("http: undelivered at exit").
 * Answers: 2xx delivered; 408, 429, 5xx, timeouts and broken connections retried by the sink
 * itself (the runner cannot: the batch is gone by then) with exponential backoff and jitter,
 * honouring Retry-After, up to `retries`; 401/403 stop the run; other statuses fail the request's
 * records, counted by status. A connection refused or a name that does not resolve before any
 * request succeeded stops the run with one line instead of retrying every record.
 * Records are JSON Lines encoded on the worker threads (encode); the sink splits the lines.
 * Leaves out: response bodies (discarded), HTTP/3, OAuth token refresh, per-record URLs. */
#include "sink.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <zlib.h>

#include "../generator/profile_priv.h"
#include "../generator/runner.h"
#include "hmac.h"
#include "http.h"

#define HTTP_BODY_MAX ((size_t)64 << 20)
#define HTTP_CODES 600

struct http_rel {                       /* per relation of the run */
    const struct fount_relation *rel;
    char *url;
    struct http_shape sh;
    char *pre, *post;
    int key_col;                        /* idempotency key field, or -1 */
    struct curl_slist *headers;         /* the static headers, shared by its requests */
    uint64_t done[HTTP_CODES];          /* requests by final status (0: no answer) */
    uint64_t retried[HTTP_CODES];       /* retries by the status that caused them */
};

enum { REQ_FREE, REQ_ACTIVE, REQ_WAIT };

struct hreq {                           /* one slot: a request in flight or waiting to retry */
    CURL *easy;
    int state;
    struct http_rel *hr;
    size_t nrec;
    int counted;                        /* the runner has counted its records delivered */
    int attempts;
    int64_t due_ns, retry_ns;
    struct buf body, gz;
    const char *url;                    /* what the easy handle has now */
    char key[200];
    char hdr[5][224];
    struct curl_slist node[5];
    char errbuf[CURL_ERROR_SIZE];
};

struct pend { struct http_rel *hr; char cls[64]; uint64_t n; };

struct http_sink {
    /* options */
    char *body_opt, *method, *headers_opt, *bearer, *user, *secret, *sig_opt, *key_field;
    char *key_header, *template_opt, *graphql, *graphql_var, *cacert;
    long long connections, retries;
    size_t batch_records_sz, batch_bytes;
    int64_t timeout_us, connect_timeout_us, backoff_us, backoff_max_us;
    int gzip, insecure, http2;
    /* state */
    const struct sink_args *a;
    enum http_mode mode;
    int sign;                           /* 0 none, 1 standard, 2 simple */
    unsigned char key[256];
    size_t klen;
    CURLM *multi;
    struct hreq *req;
    size_t nreq;
    struct http_rel *rels;
    size_t nrels;
    struct pend *pend;
    size_t npend, cappend;
    const char **rec;                   /* the current batch's records, split */
    size_t *len;
    size_t caprec;
    struct buf tmp;                     /* encoding of resent sub-batches */
    z_stream z;
    int z_ok;
    int any_success, fatal;
    char fatal_msg[512];
    char fatal_cls[64];                 /* what the records still out fail as */
    uint64_t rng;
    int64_t newest_due;
};

static const struct fount_opt http_opts[] = {
    {"body", OPT_STR, "object", offsetof(struct http_sink, body_opt),
     "object (one record per request), array (a JSON array batch) or ndjson"},
    {"batch.records", OPT_SIZE, "500", offsetof(struct http_sink, batch_records_sz),
     "array/ndjson: most records per request"},
    {"batch.bytes", OPT_SIZE, "1MiB", offsetof(struct http_sink, batch_bytes),
     "array/ndjson: most bytes per request body (one larger record still goes alone)"},
    {"method", OPT_STR, "POST", offsetof(struct http_sink, method), "POST, PUT or PATCH"},
    {"connections", OPT_INT, "8", offsetof(struct http_sink, connections),
     "requests in flight, each on its own kept-alive connection (HTTP/1.1)"},
    {"http2", OPT_BOOL, "false", offsetof(struct http_sink, http2),
     "HTTP/2 (ALPN over TLS, prior knowledge over http://)"},
    {"headers", OPT_STR, "", offsetof(struct http_sink, headers_opt),
     "static headers, 'Name: value|Name: value'"},
    {"bearer", OPT_STR, "", offsetof(struct http_sink, bearer), "Authorization: Bearer TOKEN"},
    {"user", OPT_STR, "", offsetof(struct http_sink, user), "basic auth, user:password"},
    {"idempotency_key", OPT_STR, "", offsetof(struct http_sink, key_field),
     "field whose value is the Idempotency-Key (default: relation-row)"},
    {"idempotency_header", OPT_STR, "Idempotency-Key", offsetof(struct http_sink, key_header),
     "header carrying the key ('' for none)"},
    {"secret", OPT_STR, "", offsetof(struct http_sink, secret),
     "webhook signing secret (whsec_<base64> or raw text)"},
    {"signature", OPT_STR, "standard", offsetof(struct http_sink, sig_opt),
     "with a secret: standard (webhook-id/-timestamp/-signature) or simple (X-Signature)"},
    {"template", OPT_STR, "", offsetof(struct http_sink, template_opt),
     "body template with {{body}} (and {{relation}})"},
    {"graphql", OPT_STR, "", offsetof(struct http_sink, graphql),
     "a GraphQL mutation: records go as its variables"},
    {"graphql.variable", OPT_STR, "input", offsetof(struct http_sink, graphql_var),
     "the variable the record (or batch) is"},
    {"gzip", OPT_BOOL, "false", offsetof(struct http_sink, gzip), "gzip request bodies"},
    {"timeout", OPT_DURATION, "30s", offsetof(struct http_sink, timeout_us), "per request"},
    {"connect_timeout", OPT_DURATION, "10s", offsetof(struct http_sink, connect_timeout_us),
     "per connection"},
    {"retries", OPT_INT, "8", offsetof(struct http_sink, retries),
     "retries of a request (408, 429, 5xx, timeouts, broken connections)"},
    {"backoff", OPT_DURATION, "100ms", offsetof(struct http_sink, backoff_us),
     "first retry delay, doubling, with jitter"},
    {"backoff.max", OPT_DURATION, "10s", offsetof(struct http_sink, backoff_max_us),
     "longest backoff (a Retry-After may ask for up to 6 times more)"},
    {"insecure", OPT_BOOL, "false", offsetof(struct http_sink, insecure),
     "https: skip certificate verification"},
    {"cacert", OPT_STR, "", offsetof(struct http_sink, cacert), "https: CA bundle file"},
    {0},
};

/* ---------------------------------------------------------------- bodies (no network) */

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

/* ---------------------------------------------------------------- outcomes */

/* Records of a request that failed for good: reported now when the runner has counted them,
 * else when the sink is next called (sink.h: sink_failed moves counted records). */
static void req_failed(struct http_sink *s, struct hreq *r, const char *cls)
{
    size_t i;

    if (r->counted) {
        sink_failed(s->a->outcomes, r->hr->rel, r->nrec, cls);
        return;
    }
    for (i = 0; i < s->npend; i++)
        if (s->pend[i].hr == r->hr && !strcmp(s->pend[i].cls, cls))
            break;
    if (i == s->npend) {
        if (s->npend == s->cappend) {
            s->cappend = s->cappend ? s->cappend * 2 : 8;
            s->pend = xrealloc(s->pend, s->cappend * sizeof *s->pend);
        }
        s->pend[i].hr = r->hr;
        snprintf(s->pend[i].cls, sizeof s->pend[i].cls, "%s", cls);
        s->pend[i].n = 0;
        s->npend++;
    }
    s->pend[i].n += r->nrec;
}

static void report_pend(struct http_sink *s)
{
    size_t i;

    for (i = 0; i < s->npend; i++)
        sink_failed(s->a->outcomes, s->pend[i].hr->rel, s->pend[i].n, s->pend[i].cls);
    s->npend = 0;
}

static void req_release(struct http_sink *s, struct hreq *r)
{
    if (r->state == REQ_ACTIVE)
        curl_multi_remove_handle(s->multi, r->easy);
    r->state = REQ_FREE;
    r->hr = NULL;
    r->nrec = 0;
}

static void set_fatal(struct http_sink *s, const char *what, const char *url)
{
    if (s->fatal)
        return;
    s->fatal = 1;
    snprintf(s->fatal_msg, sizeof s->fatal_msg, "%s: %s", url, what);
}

/* ---------------------------------------------------------------- requests */

static int curl_connect_error(CURLcode rc)
{
    return rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
           rc == CURLE_COULDNT_RESOLVE_PROXY;
}

static int curl_tls_error(CURLcode rc)
{
    return rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CONNECT_ERROR ||
           rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_CERTPROBLEM ||
           rc == CURLE_UNSUPPORTED_PROTOCOL;
}

static void retry_or_fail(struct http_sink *s, struct hreq *r, int code, long long ra,
                          const char *cls)
{
    if (r->attempts < s->retries && !fount_interrupted) {
        int64_t ms = http_backoff_ms(++r->attempts, ra, s->backoff_us / 1000,
                                     s->backoff_max_us / 1000, s->backoff_max_us / 1000 * 6,
                                     &s->rng);
        r->hr->retried[code]++;
        curl_multi_remove_handle(s->multi, r->easy);
        r->state = REQ_WAIT;
        r->retry_ns = fount_now_ns() + ms * 1000000;
        return;
    }
    r->hr->done[code]++;
    req_failed(s, r, cls);
    req_release(s, r);
}

static void req_done(struct http_sink *s, struct hreq *r, CURLcode rc)
{
    long status = 0;
    char cls[64];

    if (rc != CURLE_OK) {
        if ((curl_connect_error(rc) && !s->any_success) || curl_tls_error(rc)) {
            char what[CURL_ERROR_SIZE + 128];
            snprintf(what, sizeof what, "%s%s", r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc),
                     rc == CURLE_PEER_FAILED_VERIFICATION
                         ? " (-o cacert=FILE names the CA that signed the server's certificate; "
                           "--insecure skips verification)"
                         : "");
            set_fatal(s, what, r->url);
            snprintf(s->fatal_cls, sizeof s->fatal_cls, "http: no connection");
            req_failed(s, r, s->fatal_cls);
            req_release(s, r);
            return;
        }
        snprintf(cls, sizeof cls, "http: %s", curl_easy_strerror(rc));
        retry_or_fail(s, r, 0, 0, cls);
        return;
    }
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
    if (status < 0 || status >= HTTP_CODES)
        status = 0;
    snprintf(cls, sizeof cls, "http %ld", status);
    switch (http_classify(status)) {
    case HTTP_DELIVERED:
        s->any_success = 1;
        r->hr->done[status]++;
        sink_latency(s->a->outcomes, r->hr->rel, (uint64_t)(fount_now_ns() - r->due_ns), r->nrec);
        req_release(s, r);
        return;
    case HTTP_RETRY: {
        curl_off_t ra = 0;
        curl_easy_getinfo(r->easy, CURLINFO_RETRY_AFTER, &ra);
        retry_or_fail(s, r, (int)status, (long long)ra, cls);
        return;
    }
    case HTTP_FATAL:
        r->hr->done[status]++;
        snprintf(cls, sizeof cls, "answered http %ld (check the credentials or the secret)",
                 status);
        set_fatal(s, cls, r->url);
        snprintf(cls, sizeof cls, "http %ld", status);
        snprintf(s->fatal_cls, sizeof s->fatal_cls, "http: stopped after %ld", status);
        req_failed(s, r, cls);
        req_release(s, r);
        return;
    case HTTP_FAIL:
        r->hr->done[status]++;
        req_failed(s, r, cls);
        req_release(s, r);
        return;
    }
}

static size_t discard(char *p, size_t size, size_t n, void *u)
{
    (void)p;
    (void)u;
    return size * n;
}

/* Headers that change per attempt: the signature over the body as it is sent. */
static void sign(struct http_sink *s, struct hreq *r, size_t *nh)
{
    const char *body = r->body.data;
    size_t n = r->body.len;

    if (s->sign == 1) {
        long long ts = (long long)time(NULL);
        char sig[64];
        http_sign_standard(s->key, s->klen, r->key, ts, body, n, sig);
        snprintf(r->hdr[(*nh)++], sizeof r->hdr[0], "webhook-id: %s", r->key);
        snprintf(r->hdr[(*nh)++], sizeof r->hdr[0], "webhook-timestamp: %lld", ts);
        snprintf(r->hdr[(*nh)++], sizeof r->hdr[0], "webhook-signature: %s", sig);
    } else if (s->sign == 2) {
        char sig[80];
        http_sign_simple(s->key, s->klen, body, n, sig);
        snprintf(r->hdr[(*nh)++], sizeof r->hdr[0], "X-Signature: %s", sig);
    }
}

static int gzip_body(struct http_sink *s, struct hreq *r)
{
    size_t bound = deflateBound(&s->z, (uLong)r->body.len) + 32;

    buf_reset(&r->gz);
    if (buf_reserve(&r->gz, bound) || deflateReset(&s->z) != Z_OK)
        return -1;
    s->z.next_in = (Bytef *)r->body.data;
    s->z.avail_in = (uInt)r->body.len;
    s->z.next_out = (Bytef *)r->gz.data;
    s->z.avail_out = (uInt)bound;
    if (deflate(&s->z, Z_FINISH) != Z_STREAM_END)
        return -1;
    r->gz.len = bound - s->z.avail_out;
    return 0;
}

/* Put a built request (body, key) on the multi handle. */
static int req_start(struct http_sink *s, struct hreq *r)
{
    size_t nh = 0, i;
    const struct buf *sent = &r->body;

    if (s->key_header[0] && r->key[0])
        snprintf(r->hdr[nh++], sizeof r->hdr[0], "%s: %s", s->key_header, r->key);
    sign(s, r, &nh);
    if (s->gzip) {
        if (gzip_body(s, r))
            return -1;
        sent = &r->gz;
    }
    for (i = 0; i < nh; i++) {
        r->node[i].data = r->hdr[i];
        r->node[i].next = i + 1 < nh ? &r->node[i + 1] : r->hr->headers;
    }
    if (r->url != r->hr->url) {
        curl_easy_setopt(r->easy, CURLOPT_URL, r->hr->url);
        r->url = r->hr->url;
    }
    curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, nh ? &r->node[0] : r->hr->headers);
    curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, sent->data);
    curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)sent->len);
    r->errbuf[0] = '\0';
    if (curl_multi_add_handle(s->multi, r->easy) != CURLM_OK)
        return -1;
    r->state = REQ_ACTIVE;
    return 0;
}

static void read_done(struct http_sink *s)
{
    CURLMsg *m;
    int left;

    while ((m = curl_multi_info_read(s->multi, &left))) {
        struct hreq *r = NULL;
        if (m->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        if (r)
            req_done(s, r, m->data.result);
    }
}

static int has_free(const struct http_sink *s)
{
    size_t i;

    for (i = 0; i < s->nreq; i++)
        if (s->req[i].state == REQ_FREE)
            return 1;
    return 0;
}

/* One round: send what can be sent, collect answers, restart retries that are due. Waits up to
 * wait_ms for something to happen; for_slot: only while no slot is free. */
static void drive(struct http_sink *s, int wait_ms, int for_slot)
{
    int running = 0;
    int64_t now = fount_now_ns(), next = -1;
    size_t i;

    for (i = 0; i < s->nreq; i++) {
        struct hreq *r = &s->req[i];
        if (r->state != REQ_WAIT)
            continue;
        if (r->retry_ns <= now) {
            if (req_start(s, r)) {
                r->hr->done[0]++;
                req_failed(s, r, "http: cannot send");
                req_release(s, r);
            }
        } else if (next < 0 || r->retry_ns < next)
            next = r->retry_ns;
    }
    /* Send what was queued and collect what came back; wait only when nothing did (each
     * curl_multi_perform visits every handle: one per wakeup, not one per request). */
    curl_multi_perform(s->multi, &running);
    read_done(s);
    if (wait_ms > 0 && !(for_slot && has_free(s))) {
        if (next >= 0 && (next - now) / 1000000 < wait_ms)
            wait_ms = (int)((next - now) / 1000000) + 1;
        curl_multi_poll(s->multi, NULL, 0, wait_ms, NULL);
        curl_multi_perform(s->multi, &running);
        read_done(s);
    }
}

static size_t busy(const struct http_sink *s)
{
    size_t i, n = 0;

    for (i = 0; i < s->nreq; i++)
        n += s->req[i].state != REQ_FREE;
    return n;
}

static struct hreq *free_slot(struct http_sink *s)
{
    size_t i;

    for (;;) {
        for (i = 0; i < s->nreq; i++)
            if (s->req[i].state == REQ_FREE)
                return &s->req[i];
        if (s->fatal)
            return NULL;
        drive(s, 100, 1);
    }
}

/* The run stops: every request still out fails (counted ones through sink_failed). */
static void abort_all(struct http_sink *s, const char *cls)
{
    size_t i;

    for (i = 0; i < s->nreq; i++)
        if (s->req[i].state != REQ_FREE) {
            s->req[i].hr->done[0]++;
            req_failed(s, &s->req[i], cls);
            req_release(s, &s->req[i]);
        }
}

/* Wait for every request, up to timeout_ms (< 0: no limit). Returns the requests left. */
static size_t drain(struct http_sink *s, int timeout_ms)
{
    int64_t end = fount_now_ns() + (int64_t)timeout_ms * 1000000;

    while (busy(s) && !s->fatal && (timeout_ms < 0 || fount_now_ns() < end)) {
        if (fount_interrupted && timeout_ms < 0) { /* Ctrl-C: what is out gets 30 s */
            timeout_ms = 30000;
            end = fount_now_ns() + (int64_t)timeout_ms * 1000000;
        }
        drive(s, 100, 0);
    }
    return busy(s);
}

/* ---------------------------------------------------------------- setup */

static void add_header(struct curl_slist **l, const char *h)
{
    *l = curl_slist_append(*l, h);
}

/* Static headers from "A: b|C: d". */
static void add_header_list(struct curl_slist **l, const char *spec)
{
    char *dup = xstrdup(spec), *p = dup, *bar;

    for (; p; p = bar) {
        bar = strchr(p, '|');
        if (bar)
            *bar++ = '\0';
        while (*p == ' ')
            p++;
        if (*p)
            add_header(l, p);
    }
    free(dup);
}

static void add_header_obj(struct curl_slist **l, const cJSON *obj)
{
    const cJSON *h;

    cJSON_ArrayForEach(h, obj) {
        char line[1024];
        if (cJSON_IsString(h)) {
            snprintf(line, sizeof line, "%s: %s", h->string, h->valuestring);
            add_header(l, line);
        }
    }
}

static const char *cfg_str(const cJSON *o, const char *key)
{
    const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* setting: the relation's profile entry, else the command line, else the profile's default */
static const char *pick(const cJSON *relcfg, const cJSON *top, const char *key, const char *opt)
{
    const char *v = cfg_str(relcfg, key);

    if (v)
        return v;
    if (opt && opt[0])
        return opt;
    v = cfg_str(top, key);
    return v ? v : "";
}

static int col_of(const struct fount_relation *rel, const char *name)
{
    size_t i;

    for (i = 0; i < rel->ncols; i++)
        if (!strcmp(rel->cols[i].name, name))
            return (int)i;
    return -1;
}

static char *url_for(const char *uri, const char *rel)
{
    struct buf b;
    const char *q;

    buf_init(&b, 1 << 16);
    while ((q = strstr(uri, "{relation}"))) {
        buf_append(&b, uri, (size_t)(q - uri));
        buf_puts(&b, rel);
        uri = q + 10;
    }
    buf_puts(&b, uri);
    buf_append(&b, "", 1);
    return b.data;
}

static int setup_rel(struct http_sink *s, struct http_rel *hr, const struct fount_relation *rel,
                     struct fount_err *err)
{
    const cJSON *top = s->a->profile_cfg, *rels, *rc = NULL;
    const char *tmpl, *gql, *keyf, *url;

    rels = top ? cJSON_GetObjectItemCaseSensitive(top, "relations") : NULL;
    if (rels)
        rc = cJSON_GetObjectItemCaseSensitive(rels, rel->name);
    hr->rel = rel;
    url = cfg_str(rc, "url");
    hr->url = url_for(url ? url : s->a->uri, rel->name);
    tmpl = pick(rc, top, "template", s->template_opt);
    gql = pick(rc, top, "graphql", s->graphql);
    keyf = pick(rc, top, "idempotency_key", s->key_field);
    hr->sh.mode = s->mode;
    if ((tmpl[0] || gql[0]) && s->mode == HTTP_NDJSON) {
        fount_err_set(err, "%s: a body template or GraphQL wraps a JSON object or array: use "
                           "-o body=object or body=array, not ndjson", rel->name);
        return -1;
    }
    if (gql[0])
        http_graphql(gql, s->graphql_var, &hr->pre, &hr->post);
    else if (tmpl[0]) {
        if (http_template(tmpl, rel->name, &hr->pre, &hr->post, err))
            return -1;
    } else {
        hr->pre = xstrdup("");
        hr->post = xstrdup("");
    }
    hr->sh.pre = hr->pre;
    hr->sh.post = hr->post;
    hr->sh.npre = strlen(hr->pre);
    hr->sh.npost = strlen(hr->post);
    hr->key_col = -1;
    if (keyf[0] && (hr->key_col = col_of(rel, keyf)) < 0 && cfg_str(rc, "idempotency_key")) {
        fount_err_set(err, "%s has no field \"%s\" for the idempotency key", rel->name, keyf);
        return -1;
    }
    add_header(&hr->headers, s->mode == HTTP_NDJSON ? "Content-Type: application/x-ndjson"
                                                     : "Content-Type: application/json");
    add_header(&hr->headers, "Expect:"); /* no 100-continue round trip */
    if (s->gzip)
        add_header(&hr->headers, "Content-Encoding: gzip");
    if (s->bearer[0]) {
        char line[1024];
        snprintf(line, sizeof line, "Authorization: Bearer %s", s->bearer);
        add_header(&hr->headers, line);
    }
    if (top)
        add_header_obj(&hr->headers, cJSON_GetObjectItemCaseSensitive(top, "headers"));
    if (rc)
        add_header_obj(&hr->headers, cJSON_GetObjectItemCaseSensitive(rc, "headers"));
    if (s->headers_opt[0])
        add_header_list(&hr->headers, s->headers_opt);
    return 0;
}

static int setup_easy(struct http_sink *s, struct hreq *r, struct fount_err *err)
{
    CURL *e = curl_easy_init();

    if (!e) {
        fount_err_set(err, "curl_easy_init failed");
        return -1;
    }
    r->easy = e;
    buf_init(&r->body, HTTP_BODY_MAX);
    buf_init(&r->gz, HTTP_BODY_MAX);
    curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)r);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(s->timeout_us / 1000));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)(s->connect_timeout_us / 1000));
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "fount/" FOUNT_VERSION);
    if (strcmp(s->method, "POST"))
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, s->method);
    if (s->http2) {
        curl_easy_setopt(e, CURLOPT_HTTP_VERSION, !strncmp(s->a->uri, "https:", 6)
                                                      ? (long)CURL_HTTP_VERSION_2TLS
                                                      : (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
        /* wait for the first connection to say it multiplexes instead of opening one per
         * request that starts before its handshake is done */
        curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    } else
        curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    if (s->user[0]) {
        curl_easy_setopt(e, CURLOPT_USERPWD, s->user);
        curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    }
    if (s->insecure) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (s->cacert[0])
        curl_easy_setopt(e, CURLOPT_CAINFO, s->cacert);
    return 0;
}

/* libcurl 7.88.x breaks HTTP/2 prior knowledge on connection reuse ("Error in the HTTP2 framing
 * layer" from the second request on; github.com/curl/curl/issues/10634, seen with Debian 12's
 * 7.88.1 against nginx). */
static int curl_h2c_broken(void)
{
    unsigned v = curl_version_info(CURLVERSION_NOW)->version_num;

    return v >= 0x075800 && v < 0x080000;
}

static int parse_opts(struct http_sink *s, struct fount_err *err)
{
    long k;

    if (!strcmp(s->body_opt, "object"))
        s->mode = HTTP_OBJECT;
    else if (!strcmp(s->body_opt, "array"))
        s->mode = HTTP_ARRAY;
    else if (!strcmp(s->body_opt, "ndjson"))
        s->mode = HTTP_NDJSON;
    else {
        fount_err_set(err, "option body: expected object, array or ndjson, got \"%s\"",
                      s->body_opt);
        return -1;
    }
    if (strcmp(s->method, "POST") && strcmp(s->method, "PUT") && strcmp(s->method, "PATCH")) {
        fount_err_set(err, "option method: expected POST, PUT or PATCH, got \"%s\"", s->method);
        return -1;
    }
    if (s->http2 && strncmp(s->a->uri, "https:", 6) && curl_h2c_broken()) {
        fount_err_set(err, "option http2: libcurl %s fails every request after the first on a "
                           "reused HTTP/2 connection over http:// (prior knowledge; curl issue "
                           "10634, fixed in 8.0.0): use https://, or HTTP/1.1",
                      curl_version_info(CURLVERSION_NOW)->version);
        return -1;
    }
    if (s->connections < 1 || s->connections > 1024 || s->retries < 0) {
        fount_err_set(err, "options connections (1..1024) and retries (>= 0) are out of range");
        return -1;
    }
    if (s->secret[0]) {
        if (!strcmp(s->sig_opt, "standard"))
            s->sign = 1;
        else if (!strcmp(s->sig_opt, "simple"))
            s->sign = 2;
        else {
            fount_err_set(err, "option signature: expected standard or simple, got \"%s\"",
                          s->sig_opt);
            return -1;
        }
        if ((k = http_secret_key(s->secret, s->key, sizeof s->key)) <= 0) {
            fount_err_set(err, "option secret: whsec_ must be followed by base64");
            return -1;
        }
        s->klen = (size_t)k;
    }
    return 0;
}

static int http_open(void *ctx, const struct sink_args *a, struct fount_err *err)
{
    struct http_sink *s = ctx;
    size_t i;

    s->a = a;
    if (parse_opts(s, err))
        return FOUNT_FATAL;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(s->multi = curl_multi_init())) {
        fount_err_set(err, "cannot initialise libcurl");
        return FOUNT_FATAL;
    }
    curl_multi_setopt(s->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)s->connections);
    curl_multi_setopt(s->multi, CURLMOPT_MAXCONNECTS, (long)s->connections);
    s->rels = xcalloc(a->nrels + 1, sizeof *s->rels);
    for (i = 0; i < a->nrels; i++, s->nrels++)
        if (setup_rel(s, &s->rels[i], a->rels[i], err))
            return FOUNT_FATAL;
    s->nreq = (size_t)s->connections;
    s->req = xcalloc(s->nreq, sizeof *s->req);
    for (i = 0; i < s->nreq; i++)
        if (setup_easy(s, &s->req[i], err))
            return FOUNT_FATAL;
    if (s->gzip) {
        if (deflateInit2(&s->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            fount_err_set(err, "cannot initialise zlib");
            return FOUNT_FATAL;
        }
        s->z_ok = 1;
    }
    buf_init(&s->tmp, (size_t)256 << 20);
    s->rng = 0x2545F4914F6CDD1DULL;
    if (s->insecure) /* a warning: open succeeds with a message (sink.h) */
        fount_err_set(err, "warning: TLS certificate verification is off (--insecure): https "
                           "servers are not authenticated");
    return FOUNT_OK;
}

/* ---------------------------------------------------------------- writing */

static int http_encode(const void *ctx, const struct fount_batch *b, struct buf *out)
{
    static const struct fount_encoder jsonl = {FMT_JSONL, DIALECT_SQLITE};

    (void)ctx;
    return encode_batch(&jsonl, b, out);
}

/* The batch's records as JSON texts: the lines of its encoding. */
static int split_records(struct http_sink *s, const struct fount_batch *b, struct fount_err *err)
{
    const char *p, *end;
    size_t i;

    if (b->nrows > s->caprec) {
        s->caprec = b->nrows;
        s->rec = xrealloc(s->rec, s->caprec * sizeof *s->rec);
        s->len = xrealloc(s->len, s->caprec * sizeof *s->len);
    }
    p = b->bytes;
    end = p ? p + b->nbytes : NULL;
    if (!p) {
        buf_reset(&s->tmp);
        if (http_encode(s, b, &s->tmp)) {
            fount_err_set(err, "a batch is larger than 256 MiB");
            return -1;
        }
        p = s->tmp.data;
        end = p + s->tmp.len;
    }
    for (i = 0; i < b->nrows && p < end; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            nl = end;
        s->rec[i] = p;
        s->len[i] = (size_t)(nl - p);
        p = nl + 1;
    }
    if (i != b->nrows) {
        fount_err_set(err, "%s: %zu JSON lines for %zu records", b->rel->name, i, b->nrows);
        return -1;
    }
    return 0;
}

static struct http_rel *rel_of(struct http_sink *s, const struct fount_relation *rel)
{
    size_t i;

    for (i = 0; i < s->nrels; i++)
        if (s->rels[i].rel == rel || !strcmp(s->rels[i].rel->name, rel->name))
            return &s->rels[i];
    return NULL;
}

/* The Idempotency-Key (and webhook-id) of records [i, i + n): the key field's value(s), else the
 * relation and row numbers. The same on every attempt, so a receiver can drop a repeat. */
static void make_key(const struct http_rel *hr, const struct fount_batch *b, size_t i, size_t n,
                     char *out, size_t room)
{
    uint64_t row = b->first_row + i;

    if (hr->key_col >= 0 && room > 2 * 80 + 4) {
        const struct fount_column *c = &b->rel->cols[hr->key_col];
        const struct fount_value *v = &b->vals[i * b->rel->ncols + (size_t)hr->key_col];
        size_t k = fmt_value(out, 80, v, c);
        if (n > 1) {
            memcpy(out + k, "..", 2);
            k += 2;
            v = &b->vals[(i + n - 1) * b->rel->ncols + (size_t)hr->key_col];
            k += fmt_value(out + k, 80, v, c);
        }
        out[k] = '\0';
        return;
    }
    if (n > 1)
        snprintf(out, room, "%s-%llu-%llu", b->rel->name, (unsigned long long)row,
                 (unsigned long long)(row + n - 1));
    else
        snprintf(out, room, "%s-%llu", b->rel->name, (unsigned long long)row);
}

static void mark_counted(struct http_sink *s)
{
    size_t i;

    for (i = 0; i < s->nreq; i++)
        if (s->req[i].state != REQ_FREE)
            s->req[i].counted = 1;
}

/* A fatal error stops the run: records of this batch are the runner's to count failed
 * (accepted 0), everything counted earlier fails here. */
static int fail_run(struct http_sink *s, size_t *accepted, struct fount_err *err)
{
    size_t i;

    *accepted = 0;
    s->npend = 0;
    for (i = 0; i < s->nreq; i++)
        if (s->req[i].state != REQ_FREE && !s->req[i].counted)
            req_release(s, &s->req[i]);
    abort_all(s, s->fatal_cls[0] ? s->fatal_cls : "http: run stopped");
    report_pend(s);
    fount_err_set(err, "%s", s->fatal_msg);
    return FOUNT_FATAL;
}

static int http_write(void *ctx, const struct fount_batch *b, size_t *accepted,
                      struct fount_err *err)
{
    struct http_sink *s = ctx;
    struct http_rel *hr = rel_of(s, b->rel);
    size_t i = 0, k;
    int running;

    *accepted = 0;
    report_pend(s);
    if (!hr) {
        fount_err_set(err, "relation %s was not announced at open", b->rel->name);
        return FOUNT_FATAL;
    }
    if (s->fatal)
        return fail_run(s, accepted, err);
    if (split_records(s, b, err))
        return FOUNT_FATAL;
    while (i < b->nrows) {
        struct hreq *r;
        if (fount_interrupted) { /* Ctrl-C: send no more; the rest fails, counted by the runner */
            mark_counted(s);
            *accepted = i;
            fount_err_set(err, "interrupted: %zu records of %s not sent", b->nrows - i,
                          b->rel->name);
            return FOUNT_RETRY;
        }
        r = free_slot(s);
        if (!r)
            return fail_run(s, accepted, err);
        k = http_batch_take(&hr->sh, s->len + i, b->nrows - i, s->batch_records_sz,
                            s->batch_bytes);
        buf_reset(&r->body);
        if (http_body(&hr->sh, s->rec + i, s->len + i, k, &r->body)) {
            fount_err_set(err, "a request body is larger than 64 MiB");
            return fail_run(s, accepted, err);
        }
        r->hr = hr;
        r->nrec = k;
        r->counted = 0;
        r->attempts = 0;
        r->due_ns = b->due_ns ? b->due_ns[i] : b->sent_ns;
        make_key(hr, b, i, k, r->key, sizeof r->key);
        if (req_start(s, r)) {
            fount_err_set(err, "cannot build a request (gzip or curl failed)");
            return fail_run(s, accepted, err);
        }
        i += k;
    }
    curl_multi_perform(s->multi, &running); /* the last ones leave now, not at the next call */
    read_done(s);
    mark_counted(s);
    *accepted = b->nrows;
    return FOUNT_OK;
}

/* "  orders: http requests: 204 1000, 429 12 retried, 400 3 failed" */
static void note_codes(struct http_sink *s, struct http_rel *hr)
{
    char line[1024];
    size_t off = 0;
    int c;

    for (c = 0; c < HTTP_CODES && off < sizeof line - 64; c++) {
        if (hr->done[c])
            off += (size_t)snprintf(line + off, sizeof line - off, "%s%s%d %llu%s",
                                    off ? ", " : "", c ? "" : "no answer ", c,
                                    (unsigned long long)hr->done[c],
                                    c && http_classify(c) != HTTP_DELIVERED ? " failed" : "");
        if (hr->retried[c])
            off += (size_t)snprintf(line + off, sizeof line - off, "%s%s%d %llu retried",
                                    off ? ", " : "", c ? "" : "no answer ", c,
                                    (unsigned long long)hr->retried[c]);
    }
    if (off)
        sink_note(s->a->outcomes, hr->rel, "http requests: %s", line);
    memset(hr->done, 0, sizeof hr->done);
    memset(hr->retried, 0, sizeof hr->retried);
}

static int http_end(void *ctx, const struct fount_relation *rel, struct fount_err *err)
{
    struct http_sink *s = ctx;
    struct http_rel *hr = rel_of(s, rel);
    size_t acc;

    report_pend(s);
    drain(s, -1);
    report_pend(s);
    abort_all(s, "http: undelivered at exit"); /* only after Ctrl-C and 30 s */
    if (s->fatal) {
        if (hr)
            note_codes(s, hr);
        return fail_run(s, &acc, err);
    }
    if (hr)
        note_codes(s, hr);
    return FOUNT_OK;
}

static int http_flush(void *ctx, int timeout_ms, struct fount_err *err)
{
    struct http_sink *s = ctx;
    size_t i, acc;

    report_pend(s);
    drain(s, timeout_ms);
    report_pend(s);
    abort_all(s, "http: undelivered at exit");
    report_pend(s);
    for (i = 0; i < s->nrels; i++)
        note_codes(s, &s->rels[i]);
    if (s->fatal)
        return fail_run(s, &acc, err);
    return FOUNT_OK;
}

static void http_close(void *ctx)
{
    struct http_sink *s = ctx;
    size_t i;

    for (i = 0; s->req && i < s->nreq; i++) {
        if (s->req[i].easy) {
            if (s->req[i].state == REQ_ACTIVE)
                curl_multi_remove_handle(s->multi, s->req[i].easy);
            curl_easy_cleanup(s->req[i].easy);
        }
        buf_free(&s->req[i].body);
        buf_free(&s->req[i].gz);
    }
    free(s->req);
    s->req = NULL;
    for (i = 0; s->rels && i < s->nrels; i++) {
        free(s->rels[i].url);
        free(s->rels[i].pre);
        free(s->rels[i].post);
        curl_slist_free_all(s->rels[i].headers);
    }
    free(s->rels);
    s->rels = NULL;
    if (s->multi)
        curl_multi_cleanup(s->multi);
    s->multi = NULL;
    if (s->z_ok)
        deflateEnd(&s->z);
    s->z_ok = 0;
    free(s->pend);
    free(s->rec);
    free(s->len);
    s->pend = NULL;
    s->rec = NULL;
    s->len = NULL;
    buf_free(&s->tmp);
}

/* ---------------------------------------------------------------- profile settings */

static int check_rel_keys(struct pctx *c, const cJSON *o, const char *path,
                          const struct entity *e)
{
    static const char *const keys[] = {"url", "template", "graphql", "idempotency_key", "headers",
                                       NULL};
    static const char *const top_keys[] = {"template", "graphql", "idempotency_key", "headers",
                                           "relations", NULL};
    const char *const str_keys[] = {"url", "template", "graphql", "idempotency_key"};
    const cJSON *h;
    char p[PATH_MAX_LEN], hint[128];
    int n = pkeys(c, o, path, e ? keys : top_keys);
    size_t i;

    for (i = 0; i < sizeof str_keys / sizeof str_keys[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, str_keys[i]);
        if (!v)
            continue;
        pjoin(p, path, str_keys[i]);
        if (!cJSON_IsString(v)) {
            perr_val(c, p, "expected a string, got %s", ptype_name(v));
            n++;
        } else if (!strcmp(str_keys[i], "template") && !strstr(v->valuestring, "{{body}}")) {
            perr_val(c, p, "a body template needs {{body}} where the record (or batch) goes");
            n++;
        } else if (!strcmp(str_keys[i], "idempotency_key") && e) {
            size_t f;
            for (f = 0; f < e->nfields && strcmp(e->fields[f].name, v->valuestring); f++)
                ;
            if (f == e->nfields) {
                perr_val(c, p, "%s has no field \"%s\"%s", e->name, v->valuestring,
                         field_hint(hint, sizeof hint, e, v->valuestring));
                n++;
            }
        }
    }
    if ((h = cJSON_GetObjectItemCaseSensitive(o, "headers"))) {
        pjoin(p, path, "headers");
        if (!cJSON_IsObject(h)) {
            perr_val(c, p, "expected an object of header values by name, got %s", ptype_name(h));
            return n + 1;
        }
        for (h = h->child; h; h = h->next)
            if (!cJSON_IsString(h)) {
                char hp[PATH_MAX_LEN];
                pjoin(hp, p, h->string);
                perr_val(c, hp, "expected a header value (a string), got %s", ptype_name(h));
                n++;
            }
    }
    return n;
}

static int http_check_profile(struct pctx *c, const cJSON *cfg, const char *path)
{
    const cJSON *rels = cJSON_GetObjectItemCaseSensitive(cfg, "relations"), *it;
    char p[PATH_MAX_LEN], rp[PATH_MAX_LEN], hint[128];
    int n = check_rel_keys(c, cfg, path, NULL);

    if (!rels)
        return n;
    pjoin(p, path, "relations");
    if (!cJSON_IsObject(rels)) {
        perr_val(c, p, "expected an object of settings by relation name, got %s",
                 ptype_name(rels));
        return n + 1;
    }
    cJSON_ArrayForEach(it, rels) {
        const struct entity *e = NULL;
        size_t i;
        for (i = 0; i < c->plan->nents; i++)
            if (!strcmp(c->plan->ents[i].name, it->string))
                e = &c->plan->ents[i];
        pjoin(rp, p, it->string);
        if (!e) {
            perr(c, rp, "no relation is named \"%s\"%s", it->string,
                 entity_hint(hint, sizeof hint, c->plan, it->string));
            n++;
        } else if (!cJSON_IsObject(it)) {
            perr_val(c, rp, "expected an object of settings, got %s", ptype_name(it));
            n++;
        } else
            n += check_rel_keys(c, it, rp, e);
    }
    return n;
}

const struct fount_sink_type http_sink_type = {
    .name = "http",
    .desc = "HTTP/webhook endpoint (libcurl): http://host/path or https://..., concurrent, "
            "retried, signed",
    .opts = http_opts,
    .ctx_size = sizeof(struct http_sink),
    .open = http_open,
    .write_batch = http_write,
    .end = http_end,
    .flush = http_flush,
    .close = http_close,
    .encode = http_encode,
    .reports_latency = 1,
    .check_profile = http_check_profile,
};
