/* threshold.h: pass/fail conditions on a finished run, such as p99<50ms, errors<0.1% or
 * rate>=0.95 (--threshold, the profile's "thresholds"), for CI jobs to gate on. Leaves out: where
 * the numbers come from (main.c gathers them) and exit codes (main.c: 3 when one fails). */
#ifndef FOUNT_THRESHOLD_H
#define FOUNT_THRESHOLD_H

#include <stddef.h>
#include <stdint.h>

#include "hist.h"

enum th_metric {
    TH_LATENCY,      /* pNN, max, mean: latency over every relation, ns             */
    TH_ERRORS,       /* errors<N: failed records                                    */
    TH_ERRORS_RATIO, /* errors<N%: failed / generated                               */
    TH_RATE,         /* rate>=0.95: records handed over on schedule / records due   */
    TH_THROUGHPUT    /* throughput>=N/s: records delivered per second of the run   */
};
enum th_op { TH_LT, TH_LE, TH_GT, TH_GE };

struct threshold {
    char text[96];            /* as written, spaces removed                           */
    enum th_metric metric;
    double pct;               /* TH_LATENCY: the percentile; 100 = max, -1 = mean     */
    enum th_op op;
    double value;             /* ns, a count, a fraction (0.001 for 0.1%) or rows/s   */
};

/* Parses s into t. Returns 0, or -1 with a message (what is wrong, and the accepted forms) in
 * msg. */
int threshold_parse(const char *s, struct threshold *t, char *msg, size_t n);

struct th_inputs {
    const struct hist *lat;   /* every latency of the run, or NULL                    */
    uint64_t generated, failed, delivered;
    double elapsed_s;
    double rate_ratio;        /* achieved / target; < 0 when the run was not paced     */
};

/* Evaluates t: 1 pass, 0 fail, -1 the run has no such number (no latencies, no target
 * rate), which counts as a failure. *actual gets the measured value (the unit of value) and
 * text a readable form of it ("12.3 ms", "0.02%"). */
int threshold_eval(const struct threshold *t, const struct th_inputs *in, double *actual,
                   char *text, size_t n);

#endif
