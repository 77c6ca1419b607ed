/* runner.h: run a prepared plan into a sink with N worker threads, in order, with exact accounting.
 * Leaves out: argv (main.c), choosing and opening the sink (main.c, sinks/registry.c). */
#ifndef FOUNT_RUNNER_H
#define FOUNT_RUNNER_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "../sinks/sink.h"
#include "fault.h"
#include "plan.h"

struct load;

/* Set by the SIGINT/SIGTERM handler (the one global written after startup; a signal handler
 * can do nothing else). The runner stops taking new chunks when it is non-zero. */
extern _Atomic int fount_interrupted; /* lock-free: safe in a signal handler, and read by
                                        * every thread without a data race */

struct run_opts {
    int threads;              /* worker threads, >= 1                              */
    int shard_k, shard_n;     /* this run makes slice k of n (0 <= k < n)           */
    const int *only;          /* entity indexes to write, or NULL for all           */
    size_t nonly;
    int progress;             /* unused: the progress line belongs to load (load.h)  */
    int retry_limit;          /* resends of one batch after FOUNT_RETRY             */
    const char *sink_label;   /* "file.0": in front of the sink's messages          */
    int pace_realtime;        /* streams leave at their event time on the wall clock */
    double speed;             /* realtime: simulated seconds per wall-clock second   */
    struct fount_outcomes *outcomes; /* late failures and latencies (outcome.h), or NULL */
    struct load *load;        /* the load tester (load.h): schedule, series, progress; or NULL */
};

struct rel_stats {
    uint64_t generated, delivered, failed;
    uint64_t bytes;           /* bytes handed to a byte sink                        */
    uint64_t faults[FC_COUNT]; /* faults injected (fault.h), counted as generated   */
    int written;              /* the relation was part of this run                  */
};

struct run_result {
    struct rel_stats *rel;    /* one per entity (plan order); caller frees          */
    double elapsed;           /* seconds                                            */
    int interrupted;
    int fatal;                /* the sink failed for good                           */
    int errors;               /* batches that ended in ERROR or past the retry limit */
    long peak_rss_kb;
    const struct fount_outcomes *outcomes; /* run_opts.outcomes, for the summary          */
};

/* The chunks [c0, c1) of entity e that shard k of n makes: a contiguous slice, so the slices
 * concatenate to the whole. */
void runner_shard_chunks(const struct entity *e, int k, int n, uint64_t *c0, uint64_t *c1);

/* Runs every selected entity, parents first, through the open sink (ctx), then flushes it.
 * Does not close the sink. Returns 0 when every generated row was delivered, 1 otherwise. */
int runner_run(struct plan *p, const struct fount_sink_type *st, void *ctx,
               const struct run_opts *o, struct run_result *res);

/* The end-of-run summary: rows and bytes per relation, faults, failures by class and latencies
 * (outcome.h), and last the totals line: rows, elapsed, rows/s, peak RSS. */
void runner_summary(const struct plan *p, const struct run_result *res, FILE *out);

#endif
