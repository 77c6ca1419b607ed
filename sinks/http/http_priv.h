/* http_priv.h: what the files of the HTTP sink (sinks/http/) share: the sink's state, one slot per
 * request in flight, and the request machinery request.c gives http.c. Not for other modules. */
#ifndef FOUNT_HTTP_PRIV_H
#define FOUNT_HTTP_PRIV_H

#include <curl/curl.h>
#include <zlib.h>

#include "../sink.h"
#include "../http.h"

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

/* request.c: the lifecycle of a request on the multi handle */
/* Put a built request (body, key) on the multi handle. */
int http_req_start(struct http_sink *s, struct hreq *r);
/* Frees a slot (off the multi handle if it was on it). */
void http_req_release(struct http_sink *s, struct hreq *r);
/* Failures held until the runner counted their records go to sink_failed now. */
void http_report_pend(struct http_sink *s);
/* Collects the answers libcurl has. */
void http_read_done(struct http_sink *s);
/* A free slot, driving the multi handle until one is; NULL when the run has failed. */
struct hreq *http_free_slot(struct http_sink *s);
/* The run stops: every request still out fails as cls (counted ones through sink_failed). */
void http_abort_all(struct http_sink *s, const char *cls);
/* Waits for every request, up to timeout_ms (< 0: no limit). Returns the requests left. */
size_t http_drain(struct http_sink *s, int timeout_ms);
/* CURLOPT_WRITEFUNCTION: response bodies are discarded. */
size_t http_discard(char *p, size_t size, size_t n, void *u);

/* check.c: the profile's "sinks": {"http": {...}} member, for fount check */
struct pctx;
struct cJSON;
int http_check_profile(struct pctx *c, const struct cJSON *cfg, const char *path);

#endif
