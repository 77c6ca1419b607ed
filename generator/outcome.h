/* outcome.h: the run's record of what sinks learn late (sink.h: sink_failed, sink_latency):
 * failures by class and latency histograms, per relation. Written on the writer thread only. */
#ifndef FOUNT_OUTCOME_H
#define FOUNT_OUTCOME_H

#include <stdint.h>
#include <stdio.h>

#include "hist.h"
#include "plan.h"

struct rel_stats;
struct outcome_note;
struct load;

struct fail_class {
    size_t ent;               /* entity index                                   */
    char cls[96];             /* "http 400", "kafka: Broker: ...", ...           */
    uint64_t n;
};

struct fount_outcomes {
    const struct plan *p;
    struct rel_stats *rs;     /* the runner's counts (runner_run sets it)       */
    struct fail_class *fc;
    size_t nfc, capfc;
    struct hist *lat;         /* per entity; counts NULL until the first record */
    int show_latency;         /* the summary prints latencies (paced runs, sinks that
                                 acknowledge): seeding a file has no latency to speak of */
    struct outcome_note *notes; /* sink_note: lines for the summary, in order           */
    size_t nnotes, capnotes;
    struct load *load;        /* the load tester's series and stages (load.h), or NULL */
};

struct fount_outcomes *outcomes_new(const struct plan *p);
void outcomes_free(struct fount_outcomes *o);
/* Lines for the summary, indented under its table ("  orders: failed: http 400 12", "  orders:
 * latency p50 ..."): failure classes and latency percentiles per relation. */
void outcomes_summary(const struct fount_outcomes *o, FILE *out);

#endif
