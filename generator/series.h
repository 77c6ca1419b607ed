/* series.h: time-series metrics (issue 5). A series family is the cartesian product of its tags
 * (host x region x ...); every series has a point each interval. Rows are ordered by time step,
 * then by series, and the point of (series i, step t) is a pure function of (seed, family, i, t):
 * no value depends on an earlier point, so any step can be made by any thread. Models that look
 * like they have memory (counters, random walks) are written in closed form for that reason.
 * The model (gauge, counter, seasons, walk, anomalies) and its closed forms are described at the
 * top of series.c; the profile keys in docs/series.md.
 * Leaves out: pacing (runner.c) and the text formats (sinks/format_ts.c: influx, prometheus). */
#ifndef FOUNT_SERIES_H
#define FOUNT_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

struct series_model; /* the value model: series.c */
struct entity;
struct pctx;
struct cJSON;

enum series_kind { SERIES_GAUGE, SERIES_COUNTER };

struct series {
    int64_t start_us, duration_us, interval_us, jitter_us;
    uint64_t nseries;          /* product of the tags' value counts            */
    uint64_t nsteps;           /* after plan_prepare                            */
    double gap_rate;           /* probability that a point is missing           */
    uint64_t gap_key, jitter_key;
    size_t ntags;
    char **tag_names;
    size_t *tag_nvals;
    char ***tag_vals;          /* tag_vals[k][j]: value j of tag k              */
    uint32_t **tag_lens;       /* tag_lens[k][j]: its length in bytes           */
    uint64_t *tag_stride;      /* series per value of tag k (mixed radix)       */
    uint64_t *tag_mstride, *tag_mnvals; /* their reciprocals, for fast division   */
    char *metric;              /* measurement / metric name                     */
    char *help;                /* "description", or NULL                        */
    enum series_kind kind;
    struct series_model *model;
    int time_field, value_field, label_field; /* columns; label_field -1 when not asked */
};

/* Parse series.NAME: builds e->fields and e->cols (time, one column per tag, value, and the
 * anomaly label when asked) and e->series. Reports through c; returns 0 or -1. */
int pseries(struct pctx *c, struct entity *e, const struct cJSON *spec, const char *path);
/* The seed changed: recompute the keys. */
void series_reseed(struct series *s, uint64_t seed, const char *name);
void series_free(struct series *s);

/* Points at step t (nseries, less the gaps). */
uint64_t series_step_count(const struct series *s, uint64_t t);
/* 1 when the point of series i at step t is missing (a gap). */
int series_gap(const struct series *s, uint64_t i, uint64_t t);
/* The point's time: start + t * interval, plus its jitter. */
int64_t series_time(const struct series *s, uint64_t i, uint64_t t);
/* Value k of tag `tag` for series i (mixed radix over the tags, first tag slowest). */
const char *series_tag(const struct series *s, uint64_t i, size_t tag, uint32_t *len);
/* The point's value, and the anomaly label in force ("spike", "level_shift", "flatline") or NULL.
 * time_us is series_time(s, i, t); label may be NULL. */
double series_value(const struct series *s, uint64_t i, uint64_t t, int64_t time_us,
                    const char **label);
/* Only the label of the point (what series_value would set), without computing the value. */
const char *series_label(const struct series *s, uint64_t i, uint64_t t);

#endif
