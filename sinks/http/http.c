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
 * Files: http.c (options, setup, the sink's methods), request.c (a request's lifecycle on the
 * multi handle: retries, outcomes), body.c (bodies, signatures, backoff: no network, unit-tested
 * through ../http.h), check.c (checking the profile's settings).
 * Leaves out: response bodies (discarded), HTTP/3, OAuth token refresh, per-record URLs. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../../generator/profile_priv.h"
#include "../../generator/runner.h"
#include "http_priv.h"

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
    if (keyf[0] && (hr->key_col = relation_col(rel, keyf)) < 0 && cfg_str(rc, "idempotency_key")) {
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
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_discard);
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
            http_req_release(s, &s->req[i]);
    http_abort_all(s, s->fatal_cls[0] ? s->fatal_cls : "http: run stopped");
    http_report_pend(s);
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
    http_report_pend(s);
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
        r = http_free_slot(s);
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
        if (http_req_start(s, r)) {
            fount_err_set(err, "cannot build a request (gzip or curl failed)");
            return fail_run(s, accepted, err);
        }
        i += k;
    }
    curl_multi_perform(s->multi, &running); /* the last ones leave now, not at the next call */
    http_read_done(s);
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

    http_report_pend(s);
    http_drain(s, -1);
    http_report_pend(s);
    http_abort_all(s, "http: undelivered at exit"); /* only after Ctrl-C and 30 s */
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

    http_report_pend(s);
    http_drain(s, timeout_ms);
    http_report_pend(s);
    http_abort_all(s, "http: undelivered at exit");
    http_report_pend(s);
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
