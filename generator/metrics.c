/* metrics.c: the Prometheus endpoint of metrics.h. */
#include "metrics.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hist.h"
#include "load.h"
#include "outcome.h"
#include "plan.h"
#include "runner.h"

struct metrics {
    int fd;
    pthread_t tid;
    int started;
    pthread_mutex_t mu;
    int stop;                 /* under mu */
    struct buf text;          /* under mu: what GET /metrics answers */
    struct buf scratch;       /* the writer renders here, then swaps */
    const struct plan *p;
    const struct fount_outcomes *oc;
};

/* Bucket bounds in seconds: 1 ms to 60 s, roughly 1-2.5-5 per decade. */
static const double les[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                             1, 2.5, 5, 10, 30, 60};

static void label(struct buf *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' || *s == '"')
            buf_printf(out, "\\%c", *s);
        else if (*s == '\n')
            buf_puts(out, "\\n");
        else
            buf_printf(out, "%c", *s);
    }
}

/* One histogram of a relation: cumulative counts at each le, from the log-linear buckets (a
 * bucket is counted under le when its upper bound is at most le: exact to 3 digits). */
static void hist_out(struct buf *out, const char *rel, const struct hist *h)
{
    size_t i, k = 0, n = sizeof les / sizeof les[0];
    uint64_t cum = 0;

    for (i = 0; h->counts && i < HIST_BUCKETS && k < n; i++) {
        uint64_t lo, hi;
        hist_bucket_range(i, &lo, &hi);
        while (k < n && (double)lo > les[k] * 1e9) {
            buf_puts(out, "fount_latency_seconds_bucket{relation=\"");
            label(out, rel);
            buf_printf(out, "\",le=\"%g\"} %llu\n", les[k], (unsigned long long)cum);
            k++;
        }
        cum += h->counts[i];
    }
    for (; k < n; k++) {
        buf_puts(out, "fount_latency_seconds_bucket{relation=\"");
        label(out, rel);
        buf_printf(out, "\",le=\"%g\"} %llu\n", les[k], (unsigned long long)cum);
    }
    buf_puts(out, "fount_latency_seconds_bucket{relation=\"");
    label(out, rel);
    buf_printf(out, "\",le=\"+Inf\"} %llu\n", (unsigned long long)h->total);
    buf_puts(out, "fount_latency_seconds_sum{relation=\"");
    label(out, rel);
    buf_printf(out, "\"} %.9g\n", h->sum / 1e9);
    buf_puts(out, "fount_latency_seconds_count{relation=\"");
    label(out, rel);
    buf_printf(out, "\"} %llu\n", (unsigned long long)h->total);
}

static void counter(struct buf *out, const char *name, const char *help, const char *type)
{
    buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void metrics_render(struct buf *out, const struct plan *p, const struct fount_outcomes *oc,
                    const struct load *ld)
{
    static const char *const what[] = {"generated", "delivered", "failed", "bytes"};
    size_t i, w;

    buf_reset(out);
    counter(out, "fount_records_total", "records by relation and outcome (generated, "
                                        "delivered, failed)", "counter");
    for (w = 0; w < 3; w++)
        for (i = 0; oc && oc->rs && i < p->nents; i++) {
            const struct rel_stats *rs = &oc->rs[i];
            uint64_t v = w == 0 ? rs->generated : w == 1 ? rs->delivered : rs->failed;
            if (!rs->written)
                continue;
            buf_puts(out, "fount_records_total{relation=\"");
            label(out, p->ents[i].name);
            buf_printf(out, "\",outcome=\"%s\"} %llu\n", what[w], (unsigned long long)v);
        }
    counter(out, "fount_bytes_total", "bytes handed to a byte sink, by relation", "counter");
    for (i = 0; oc && oc->rs && i < p->nents; i++) {
        if (!oc->rs[i].written)
            continue;
        buf_puts(out, "fount_bytes_total{relation=\"");
        label(out, p->ents[i].name);
        buf_printf(out, "\"} %llu\n", (unsigned long long)oc->rs[i].bytes);
    }
    counter(out, "fount_failures_total", "records that failed, by relation and class", "counter");
    for (i = 0; oc && i < oc->nfc; i++) {
        buf_puts(out, "fount_failures_total{relation=\"");
        label(out, p->ents[oc->fc[i].ent].name);
        buf_puts(out, "\",class=\"");
        label(out, oc->fc[i].cls);
        buf_printf(out, "\"} %llu\n", (unsigned long long)oc->fc[i].n);
    }
    if (ld) {
        counter(out, "fount_target_rate", "records per second the schedule asks for", "gauge");
        buf_printf(out, "fount_target_rate %.6g\n", ld->last.target);
        counter(out, "fount_backlog_records", "records due but not yet handed to the sink",
                "gauge");
        buf_printf(out, "fount_backlog_records %llu\n",
                   (unsigned long long)(ld->last.expected > ld->last.sent
                                            ? ld->last.expected - ld->last.sent : 0));
        counter(out, "fount_lag_seconds", "how late the last record handed over was", "gauge");
        buf_printf(out, "fount_lag_seconds %.6g\n", ld->last.lag_s);
    }
    counter(out, "fount_latency_seconds", "from each record's due time to its acknowledgement",
            "histogram");
    for (i = 0; oc && i < p->nents; i++)
        if (oc->lat[i].counts)
            hist_out(out, p->ents[i].name, &oc->lat[i]);
}

void metrics_publish(void *arg, const struct load *ld)
{
    struct metrics *m = arg;
    struct buf t;

    if (!m)
        return;
    metrics_render(&m->scratch, m->p, m->oc, ld);
    pthread_mutex_lock(&m->mu);
    t = m->text;
    m->text = m->scratch;
    m->scratch = t;
    pthread_mutex_unlock(&m->mu);
}

static void answer(struct metrics *m, int c)
{
    char req[2048], head[256];
    size_t got = 0;
    struct pollfd pf = {c, POLLIN, 0};
    struct buf body;
    int n, ok;

    /* read the request line and headers (up to a blank line), 2 s at most */
    while (got + 1 < sizeof req && poll(&pf, 1, 2000) > 0) {
        ssize_t r = read(c, req + got, sizeof req - 1 - got);
        if (r <= 0)
            break;
        got += (size_t)r;
        req[got] = '\0';
        if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
            break;
    }
    req[got] = '\0';
    ok = !strncmp(req, "GET /metrics ", 13) || !strncmp(req, "GET /metrics?", 13);
    buf_init(&body, 64u << 20);
    if (ok) {
        pthread_mutex_lock(&m->mu);
        buf_append(&body, m->text.data ? m->text.data : "", m->text.len);
        pthread_mutex_unlock(&m->mu);
    } else
        buf_puts(&body, "fount serves GET /metrics only\n");
    n = snprintf(head, sizeof head, "HTTP/1.0 %s\r\nContent-Type: text/plain; version=0.0.4\r\n"
                                    "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                 ok ? "200 OK" : "404 Not Found", body.len);
    if (write(c, head, (size_t)n) == n && body.len) {
        size_t off = 0;
        while (off < body.len) {
            ssize_t w = write(c, body.data + off, body.len - off);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
    }
    buf_free(&body);
}

static void *serve(void *arg)
{
    struct metrics *m = arg;

    for (;;) {
        struct pollfd pf = {m->fd, POLLIN, 0};
        int stop, c;
        pthread_mutex_lock(&m->mu);
        stop = m->stop;
        pthread_mutex_unlock(&m->mu);
        if (stop)
            break;
        if (poll(&pf, 1, 100) <= 0)
            continue;
        c = accept(m->fd, NULL, NULL);
        if (c < 0)
            continue;
        answer(m, c);
        close(c);
    }
    return NULL;
}

struct metrics *metrics_start(const char *addr, const struct plan *p,
                              const struct fount_outcomes *oc, struct fount_err *err)
{
    struct addrinfo hints, *ai = NULL;
    const char *colon = strrchr(addr, ':');
    char host[256];
    struct metrics *m;
    int one = 1, rc;

    if (!colon || !colon[1] || (size_t)(colon - addr) >= sizeof host) {
        fount_err_set(err, "expected HOST:PORT such as 127.0.0.1:9464, got \"%s\"", addr);
        return NULL;
    }
    snprintf(host, sizeof host, "%.*s", (int)(colon - addr), addr);
    if (host[0] == '[' && host[strlen(host) - 1] == ']') {
        memmove(host, host + 1, strlen(host));
        host[strlen(host) - 1] = '\0';
    }
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    rc = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &ai);
    if (rc) {
        fount_err_set(err, "%s: %s", addr, gai_strerror(rc));
        return NULL;
    }
    m = xcalloc(1, sizeof *m);
    m->p = p;
    m->oc = oc;
    buf_init(&m->text, 64u << 20);
    buf_init(&m->scratch, 64u << 20);
    pthread_mutex_init(&m->mu, NULL);
    m->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m->fd < 0 || setsockopt(m->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        bind(m->fd, ai->ai_addr, ai->ai_addrlen) || listen(m->fd, 16)) {
        fount_err_set(err, "%s: %s", addr, strerror(errno));
        freeaddrinfo(ai);
        metrics_stop(m);
        return NULL;
    }
    freeaddrinfo(ai);
    metrics_render(&m->text, p, oc, NULL);
    if (pthread_create(&m->tid, NULL, serve, m)) {
        fount_err_set(err, "cannot start the metrics thread");
        metrics_stop(m);
        return NULL;
    }
    m->started = 1;
    return m;
}

void metrics_stop(struct metrics *m)
{
    if (!m)
        return;
    if (m->started) {
        pthread_mutex_lock(&m->mu);
        m->stop = 1;
        pthread_mutex_unlock(&m->mu);
        pthread_join(m->tid, NULL);
    }
    if (m->fd >= 0)
        close(m->fd);
    buf_free(&m->text);
    buf_free(&m->scratch);
    pthread_mutex_destroy(&m->mu);
    free(m);
}
