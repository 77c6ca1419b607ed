/* load.h: the load tester's bookkeeping for one run: the open-model schedule (--rate, stages),
 * the per-interval time series (achieved against target rate, backlog, errors, latency
 * percentiles), per-stage latency, and the live progress line. Owned by the runner's writer
 * thread, the only thread that records into it; other threads read snapshots only (metrics.c,
 * through load_publish). Leaves out: pacing rows (runner.c), reports (report_*.c).
 *
 * Open model: record k of the run is due at a time fixed in advance by the schedule, whatever
 * the sink does; latency counts from that time, so a sink that stalls shows up as latency and
 * backlog, never as a silently slower schedule (no coordinated omission). */
#ifndef FOUNT_LOAD_H
#define FOUNT_LOAD_H

#include <stdint.h>
#include <stdio.h>

#include "hist.h"

#define LOAD_MAX_STAGES 64
#define LOAD_MAX_SAMPLES 600     /* more and the interval doubles, merging pairs of samples */

struct load_stage {
    double rate;                 /* records per second (0: a pause); a ramp's at its end   */
    int64_t for_us;              /* how long; 0 in the last stage: until the rows run out  */
    int ramp;                    /* the rate moves linearly from `from` to `rate`           */
    double from;                 /* with ramp: records per second at the stage's start     */
};

struct load_sample {             /* one interval of the run                                 */
    double t0, t1;               /* seconds since the run started                          */
    double target;               /* records/s the schedule (or rate curve) asked for, mean */
    uint64_t sent;               /* records handed to the sink in the interval             */
    uint64_t failed;             /* records counted failed in the interval                 */
    uint64_t backlog;            /* records due but not yet handed over, at t1             */
    double lag_s;                /* how late the last record handed over was, at t1        */
    uint64_t lat_n;              /* latencies recorded in the interval                     */
    uint64_t p50, p90, p99, max; /* ns; a merged (coarsened) sample keeps the larger of two */
};

struct load_stage_stats {
    uint64_t sent;               /* records handed over while the stage was current        */
    uint64_t failed;             /* records counted failed while the stage was current     */
    struct hist lat;             /* latency of the records due in this stage               */
};

/* What the runner knows at a tick; the load module never looks into the runner. */
struct load_status {
    uint64_t sent, failed;       /* totals so far (records handed over; failed)            */
    uint64_t expected;           /* records due by now on the schedule (0: not paced)      */
    double target;               /* the target rate now, records/s (0: none)               */
    double lag_s;
    const char *rel;             /* the relation being written, for the progress line      */
    uint64_t rel_done, rel_total;
};

enum load_progress { LOAD_PROGRESS_NONE, LOAD_PROGRESS_TTY, LOAD_PROGRESS_PLAIN };
#define LOAD_PLAIN_EVERY_S 10
#define LOAD_GRACE_S 0.25    /* not a terminal: a progress line every 10 s             */

struct load {
    /* the schedule: set before the run */
    struct load_stage stages[LOAD_MAX_STAGES];
    size_t nstages;
    double *cum;                 /* records due before stage i starts (nstages + 1)        */
    double *start_s;             /* when stage i starts, seconds after t0 (nstages + 1)    */
    int paced;                   /* any pacing (schedule or event time)                    */
    int64_t t0_ns;               /* the run's start, CLOCK_MONOTONIC                       */
    enum load_progress progress;

    /* recording */
    struct hist ival;            /* latencies of the current interval                     */
    struct hist all;             /* every latency of the run (all relations)              */
    struct load_stage_stats *st; /* per stage (nstages), or NULL                          */
    struct load_sample *samples;
    size_t nsamples;
    double interval_s;           /* 1 s, doubling when the samples fill up                 */
    double ival_t0;
    uint64_t ival_sent0, ival_failed0;
    double ival_target_sum;      /* target rate * seconds, for the interval's mean         */
    double last_tick_s;
    double last_progress_s;
    double last_publish_s;
    struct load_status last;     /* the last status seen                                   */
    uint64_t drain_sent, drain_failed; /* after the schedule ended (the backlog draining)  */
    /* achieved against target: of the paced records (every one due by the last due time T),
     * how many were handed over by T + LOAD_GRACE_S (load_rate_ratio, from the series) */
    uint64_t paced_total;
    int64_t last_due_ns;
    void (*publish)(void *arg, const struct load *ld); /* every second (metrics.c), or NULL */
    void *publish_arg;
};

/* stages: copied; n may be 0 (no schedule). Returns 0, or -1 with a message in err. */
struct load *load_new(const struct load_stage *stages, size_t n);
void load_free(struct load *ld);
/* The run starts now. */
void load_start(struct load *ld, int64_t now_ns);

/* The schedule (when stages were given). */
int load_has_schedule(const struct load *ld);
/* Seconds after t0 when record k is due; < 0 when the schedule ends before it. */
double load_due_s(const struct load *ld, uint64_t k);
/* Records due by t seconds after t0, and the target rate at t. */
double load_expected(const struct load *ld, double t);
double load_target(const struct load *ld, double t);
/* The schedule's stage at t (index), or -1 past its end. */
int load_stage_at(const struct load *ld, double t);
/* Seconds the schedule lasts (0: open-ended). */
double load_schedule_s(const struct load *ld);

/* The runner placed n more records, the last of them due at last_due_ns. */
void load_note_due(struct load *ld, uint64_t n, int64_t last_due_ns);
/* Records handed over by the last due time / records paced: 1 on schedule, below when the sink
 * could not keep up; -1 when nothing was paced. After load_finish. */
double load_rate_ratio(const struct load *ld);

/* A latency of n records (ns), due at due_ns (0: unknown, counted in the current stage). */
void load_latency(struct load *ld, int64_t due_ns, uint64_t ns, uint64_t n);
/* Called often by the writer: closes intervals, draws the progress line. */
void load_tick(struct load *ld, int64_t now_ns, const struct load_status *s);
/* The run is over: close the last interval, clear the progress line. */
void load_finish(struct load *ld, int64_t now_ns, const struct load_status *s);
/* Seconds since load_start. */
double load_elapsed(const struct load *ld, int64_t now_ns);

#endif
