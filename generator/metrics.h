/* metrics.h: a Prometheus endpoint for long runs (--metrics-listen 127.0.0.1:9464): a tiny
 * HTTP/1.0 server on its own thread answers GET /metrics with the text exposition format:
 * records and bytes per relation, failures by class, the target rate, backlog, and the latency
 * histogram (_bucket{le=...}, _sum, _count). The writer thread renders the text once a second
 * (load.h publish) and swaps it in under a mutex, so the server never reads the run's counters.
 * Leaves out: TLS, keep-alive, anything but GET /metrics. */
#ifndef FOUNT_METRICS_H
#define FOUNT_METRICS_H

#include "common.h"

struct plan;
struct fount_outcomes;
struct load;
struct metrics;

/* Listens on addr ("127.0.0.1:9464", ":9464", "[::1]:9464"). NULL with a message on failure. */
struct metrics *metrics_start(const char *addr, const struct plan *p,
                              const struct fount_outcomes *oc, struct fount_err *err);
/* Render the current counts (writer thread) and serve them from now on. arg: the metrics. */
void metrics_publish(void *arg, const struct load *ld);
/* The exposition text of the current counts, into out (for tests). */
void metrics_render(struct buf *out, const struct plan *p, const struct fount_outcomes *oc,
                    const struct load *ld);
/* Stops the server and frees it; NULL does nothing. */
void metrics_stop(struct metrics *m);

#endif
