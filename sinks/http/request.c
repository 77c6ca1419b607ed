/* request.c: the HTTP sink's requests on its curl multi handle: starting one (headers, signature,
 * gzip), driving the handle, and what each answer does (delivered, retried with backoff, failed,
 * or the run stops), with failures held until the runner has counted the records. Leaves out:
 * building bodies (body.c) and options (http.c). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../../generator/runner.h"
#include "http_priv.h"

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

void http_report_pend(struct http_sink *s)
{
    size_t i;

    for (i = 0; i < s->npend; i++)
        sink_failed(s->a->outcomes, s->pend[i].hr->rel, s->pend[i].n, s->pend[i].cls);
    s->npend = 0;
}

void http_req_release(struct http_sink *s, struct hreq *r)
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
    http_req_release(s, r);
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
            http_req_release(s, r);
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
        http_req_release(s, r);
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
        http_req_release(s, r);
        return;
    case HTTP_FAIL:
        r->hr->done[status]++;
        req_failed(s, r, cls);
        http_req_release(s, r);
        return;
    }
}

size_t http_discard(char *p, size_t size, size_t n, void *u)
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
int http_req_start(struct http_sink *s, struct hreq *r)
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

void http_read_done(struct http_sink *s)
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
            if (http_req_start(s, r)) {
                r->hr->done[0]++;
                req_failed(s, r, "http: cannot send");
                http_req_release(s, r);
            }
        } else if (next < 0 || r->retry_ns < next)
            next = r->retry_ns;
    }
    /* Send what was queued and collect what came back; wait only when nothing did (each
     * curl_multi_perform visits every handle: one per wakeup, not one per request). */
    curl_multi_perform(s->multi, &running);
    http_read_done(s);
    if (wait_ms > 0 && !(for_slot && has_free(s))) {
        if (next >= 0 && (next - now) / 1000000 < wait_ms)
            wait_ms = (int)((next - now) / 1000000) + 1;
        curl_multi_poll(s->multi, NULL, 0, wait_ms, NULL);
        curl_multi_perform(s->multi, &running);
        http_read_done(s);
    }
}

static size_t busy(const struct http_sink *s)
{
    size_t i, n = 0;

    for (i = 0; i < s->nreq; i++)
        n += s->req[i].state != REQ_FREE;
    return n;
}

struct hreq *http_free_slot(struct http_sink *s)
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
void http_abort_all(struct http_sink *s, const char *cls)
{
    size_t i;

    for (i = 0; i < s->nreq; i++)
        if (s->req[i].state != REQ_FREE) {
            s->req[i].hr->done[0]++;
            req_failed(s, &s->req[i], cls);
            http_req_release(s, &s->req[i]);
        }
}

/* Wait for every request, up to timeout_ms (< 0: no limit). Returns the requests left. */
size_t http_drain(struct http_sink *s, int timeout_ms)
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
