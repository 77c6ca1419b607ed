/* plan.c: what a plan needs before rows can be made: the seed's keys, --scale, the number of children
 * of each parent block ("per" entities), unique domains and their permutations. Also frees plans.
 * Memory: a "per" entity keeps one 64-bit prefix sum per block of parents (at most 4096 parents per
 * block), never per-row state. */
#include "plan.h"

#include <cjson/cJSON.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "gen_ext.h"
#include "profile_priv.h"
#include "series.h"
#include "fault.h"
#include "lifecycle.h"
#include "stream.h"
#include "workload.h"

struct entity *plan_entity(const struct plan *p, const char *name)
{
    size_t i;

    for (i = 0; i < p->nents; i++)
        if (p->ents[i].name && strcmp(p->ents[i].name, name) == 0)
            return &p->ents[i];
    return NULL;
}

int entity_field(const struct entity *e, const char *name)
{
    size_t i;

    for (i = 0; i < e->nfields; i++)
        if (strcmp(e->fields[i].name, name) == 0)
            return (int)i;
    return -1;
}

uint64_t plan_nchunks(const struct entity *e)
{
    uint64_t n;

    if (e->parent || e->stream || e->series)
        return e->nblocks;
    n = (e->count + PLAN_CHUNK_ROWS - 1) / PLAN_CHUNK_ROWS;
    return n ? n : 1; /* an empty entity still has one (empty) chunk: its CSV header */
}

void plan_chunk_rows(const struct entity *e, uint64_t c, uint64_t *first, uint64_t *n)
{
    if (e->parent || e->stream || e->series) {
        *first = e->prefix[c];
        *n = e->prefix[c + 1] - e->prefix[c];
        return;
    }
    *first = c * PLAN_CHUNK_ROWS;
    if (*first >= e->count)
        *n = 0;
    else
        *n = e->count - *first < PLAN_CHUNK_ROWS ? e->count - *first : PLAN_CHUNK_ROWS;
}

uint64_t plan_children_of(const struct entity *e, uint64_t p)
{
    struct pcg32 r;
    double x;

    if (e->per_min == e->per_max)
        return (uint64_t)e->per_min;
    fount_rng_at(&r, e->per_key, p);
    if (!e->per_has_dist)
        return (uint64_t)e->per_min + pcg32_bounded64(&r, (uint64_t)(e->per_max - e->per_min) + 1);
    x = dist_sample(&e->per_dist, &r);
    if (!(x >= (double)e->per_min))
        return (uint64_t)e->per_min;
    if (x >= (double)e->per_max)
        return (uint64_t)e->per_max;
    return (uint64_t)llround(x);
}

void plan_set_seed(struct plan *p, uint64_t seed)
{
    size_t i, j;

    p->seed = seed;
    for (i = 0; i < p->nents; i++) {
        struct entity *e = &p->ents[i];
        e->per_key = fount_key(seed, e->name, "", "per");
        for (j = 0; j < e->nfields; j++) {
            e->fields[j].key = fount_key(seed, e->name, e->fields[j].name, NULL);
            e->fields[j].null_key = fount_key(seed, e->name, e->fields[j].name, "null");
            if (e->fields[j].ext)
                gen_ext_reseed(e->fields[j].ext, seed, e->name, e->fields[j].name);
        }
        if (e->stream) {
            e->stream->count_key = fount_key(seed, e->name, "", "count");
            e->stream->time_key = fount_key(seed, e->name, "", "time");
            e->stream->rate.burst_key = fount_key(seed, e->name, "", "burst");
        }
        if (e->series)
            series_reseed(e->series, seed, e->name);
        faults_reseed(e->faults, seed, e->name);
        lifecycle_reseed(e->lifecycle, seed, e->name);
    }
    workload_reseed(p->workload, seed);
}

/* The rows of unit u: children of parent row u, or events of window u of a stream. */
/* The rows of unit u; *orig gets the originals among them (duplicates aside). */
static uint64_t unit_rows(const struct entity *e, uint64_t u, uint64_t *orig)
{
    uint64_t k;

    if (e->series)
        return *orig = series_step_count(e->series, u);
    if (!e->stream)
        return *orig = plan_children_of(e, u);
    *orig = k = stream_window_count(e->stream, u);
    if (e->faults && e->faults->dup_rate > 0)
        return fault_window_records(e->stream, e->faults, u, k);
    return k;
}

struct count_job {
    const struct entity *e;
    uint64_t units;    /* parents or windows in all */
    uint64_t b0, b1;   /* blocks [b0, b1) */
    uint64_t *sums;    /* sums[b] for b in [b0, b1) */
    uint64_t *osums;   /* the same for originals, or NULL */
    int walk;          /* lifecycles: records of the block's instances, from e->iprefix */
};

static void *count_blocks(void *arg)
{
    struct count_job *j = arg;
    const struct entity *e = j->e;
    uint64_t b, p, pend;

    for (b = j->b0; b < j->b1; b++) {
        uint64_t s = 0, o = 0, oo;
        pend = (b + 1) * e->per_block;
        if (pend > j->units)
            pend = j->units;
        if (j->walk) {
            j->sums[b] = lifecycle_block_records(e, b * e->per_block, pend, e->iprefix[b]);
            continue;
        }
        for (p = b * e->per_block; p < pend; p++) {
            s += unit_rows(e, p, &oo);
            o += oo;
        }
        j->sums[b] = s;
        if (j->osums)
            j->osums[b] = o;
    }
    return NULL;
}

/* Blocks of about PLAN_CHUNK_ROWS rows, from the mean rows per unit: a function of the profile
 * only, never of the thread count. */
static void set_block(struct entity *e, double mean)
{
    e->per_block = mean >= 1 ? (uint64_t)(PLAN_CHUNK_ROWS / mean)
                             : (mean > 0 ? (uint64_t)(PLAN_CHUNK_ROWS / mean) : PLAN_CHUNK_ROWS);
    if (e->per_block < 1)
        e->per_block = 1;
    if (e->per_block > (1u << 20))
        e->per_block = 1u << 20;
}

/* count_blocks over every block of e, on up to `threads` threads. */
static void count_parallel(struct entity *e, uint64_t units, int threads, uint64_t *sums,
                           uint64_t *osums, int walk)
{
    struct count_job jobs[64];
    pthread_t tid[64];
    int t, nt;

    nt = threads < 1 ? 1 : threads > 64 ? 64 : threads;
    if ((uint64_t)nt > e->nblocks)
        nt = (int)e->nblocks;
    for (t = 0; t < nt; t++) {
        jobs[t].e = e;
        jobs[t].units = units;
        jobs[t].b0 = e->nblocks * (uint64_t)t / (uint64_t)nt;
        jobs[t].b1 = e->nblocks * (uint64_t)(t + 1) / (uint64_t)nt;
        jobs[t].sums = sums;
        jobs[t].osums = osums;
        jobs[t].walk = walk;
        if (t && pthread_create(&tid[t], NULL, count_blocks, &jobs[t]))
            count_blocks(&jobs[t]), tid[t] = 0;
    }
    count_blocks(&jobs[0]);
    for (t = 1; t < nt; t++)
        if (tid[t])
            pthread_join(tid[t], NULL);
}

/* Row counts per block of units, in parallel; then the prefix sums and the entity's count. A
 * lifecycle's walks are keyed by instance index, so its instances are prefix-summed first. */
static void count_units(struct entity *e, uint64_t units, int threads)
{
    uint64_t b;

    e->nblocks = (units + e->per_block - 1) / e->per_block;
    if (!e->nblocks)
        e->nblocks = 1;
    free(e->prefix);
    e->prefix = xcalloc(e->nblocks + 1, sizeof *e->prefix);
    free(e->iprefix);
    e->iprefix = (e->faults && e->faults->dup_rate > 0) || e->lifecycle
                     ? xcalloc(e->nblocks + 1, sizeof *e->iprefix) : NULL;
    /* sums[b] lands in prefix[b + 1] */
    if (e->lifecycle) {
        count_parallel(e, units, threads, e->iprefix + 1, NULL, 0);
        for (b = 0; b < e->nblocks; b++)
            e->iprefix[b + 1] += e->iprefix[b];
        count_parallel(e, units, threads, e->prefix + 1, NULL, 1);
    } else {
        count_parallel(e, units, threads, e->prefix + 1, e->iprefix ? e->iprefix + 1 : NULL, 0);
        for (b = 0; e->iprefix && b < e->nblocks; b++)
            e->iprefix[b + 1] += e->iprefix[b];
    }
    for (b = 0; b < e->nblocks; b++)
        e->prefix[b + 1] += e->prefix[b];
    e->count = e->prefix[e->nblocks];
}

static void prepare_per(struct entity *e, int threads)
{
    double mean = e->per_has_dist ? dist_mean(&e->per_dist) : (double)(e->per_min + e->per_max) / 2;

    if (!(mean >= (double)e->per_min))
        mean = (double)e->per_min;
    if (mean > (double)e->per_max)
        mean = (double)e->per_max;
    set_block(e, mean);
    count_units(e, e->parent->count, threads);
}

/* Windows of a stream: as many as its duration covers, or (bounded by events only) as many as it
 * takes to reach the count, found by doubling. An --events bound also cuts the last window. */
static int prepare_stream(struct plan *p, struct entity *e, int threads, struct fount_err *err)
{
    struct stream *s = e->stream;
    const struct rate *r = &s->rate;
    double peak = r->base * (1 + r->daily_amp) * (1 + r->weekly_amp);
    double per_event = e->lifecycle ? e->lifecycle->mean_records : 1; /* records per arrival */
    uint64_t b, maxw = 1ULL << 36;
    int i;

    s->duration_us = p->duration_override ? p->duration_override : s->duration_us;
    s->max_events = p->events_override ? p->events_override : s->max_events;
    if (!s->duration_us && !s->max_events) {
        fount_err_set(err, "streams.%s: the stream has no end: give it \"duration\", \"end\" or "
                           "\"events\" (or run with --duration or --events)", e->name);
        return -1;
    }
    if (r->ramp_us && r->ramp_to > peak)
        peak = r->ramp_to;
    for (i = 0; i < r->nsteps; i++)
        if (r->step_rate[i] > peak)
            peak = r->step_rate[i];
    set_block(e, peak * (double)s->window_us / 1e6 * per_event);
    if (s->duration_us) {
        s->nwindows = (uint64_t)((s->duration_us + s->window_us - 1) / s->window_us);
        count_units(e, s->nwindows, threads);
    } else {
        double per_w = r->base * (double)s->window_us / 1e6 * per_event;
        s->nwindows = per_w > 0 ? (uint64_t)((double)s->max_events / per_w * 1.1) + 1 : 1024;
        for (;;) {
            count_units(e, s->nwindows, threads);
            if (e->count >= s->max_events)
                break;
            if (s->nwindows >= maxw) {
                fount_err_set(err, "streams.%s: the rate is too low to reach %llu events",
                              e->name, (unsigned long long)s->max_events);
                return -1;
            }
            s->nwindows *= 2;
        }
    }
    if (s->max_events && e->count > s->max_events) {
        for (b = 0; b <= e->nblocks; b++)
            if (e->prefix[b] >= s->max_events) {
                e->prefix[b] = s->max_events;
                e->nblocks = b ? b : 1;
                break;
            }
        e->prefix[e->nblocks] = s->max_events;
        e->count = s->max_events;
    }
    return lifecycle_prepare(e, err);
}

static int prepare_unique(struct entity *e, struct field *f, struct fount_err *err)
{
    uint64_t dom;

    switch (f->gen) { /* kinds whose value takes no draw from the field's generator */
    case GEN_SEQUENCE:
    case GEN_TEMPLATE:
    case GEN_CONST:
    case GEN_COPY:
    case GEN_EVENT_TIME:
    case GEN_SCHEMA_VERSION:
    case GEN_SERIES_TIME:
    case GEN_SERIES_TAG:
    case GEN_SERIES_VALUE:
    case GEN_SERIES_LABEL:
    case GEN_EXT: /* the value library draws from keys of its own */
        f->draws = 0;
        break;
    default:
        f->draws = 1;
    }
    f->flags = (uint8_t)((f->per_event || f->null_rate > 0 ? FIELD_SLOW : 0) |
                         (f->draws ? FIELD_DRAWS : 0) | (f->gen == GEN_EXT ? FIELD_EXT : 0));

    if (f->gen == GEN_REF && !f->target->count && e->count && !f->null_rate) {
        fount_err_set(err, "%s.%s.fields.%s: refers to %s, which has no rows in this run",
                      e->section, e->name, f->name, f->target->name);
        return -1;
    }
    if (f->gen == GEN_REF && f->has_dist && f->dist.kind == DIST_ZIPF) {
        double p[DIST_MAXP] = {f->dist.p[0], (double)(f->target->count ? f->target->count : 1)};
        char msg[200];
        int bad;
        dist_free(&f->dist);
        if (dist_init(&f->dist, DIST_ZIPF, p, msg, sizeof msg, &bad)) {
            fount_err_set(err, "entities.%s.fields.%s.distribution: %s", e->name, f->name, msg);
            return -1;
        }
        f->ref_zipf = 1;
    }
    if (!f->unique || f->gen == GEN_UUID || f->gen == GEN_TEMPLATE || f->gen == GEN_SEQUENCE)
        return 0;
    dom = field_domain(e, f);
    if (dom && dom < e->count) { /* counts after --scale: checked again here */
        fount_err_set(err, "%s.%s.fields.%s: unique: only %llu distinct values for %llu "
                           "rows", e->section, e->name, f->name, (unsigned long long)dom,
                      (unsigned long long)e->count);
        return -1;
    }
    if (f->gen == GEN_EXT) /* the value library keeps its own permutation */
        return 0;
    /* Past 2^62 values the permutation covers the first 2^62 of them: more than any run needs. */
    if (!dom || dom > (1ULL << 62))
        dom = 1ULL << 62;
    perm_init(&f->perm, dom, f->key ^ 0x5bd1e9955bd1e995ULL);
    return 0;
}

static void mark_needed(struct entity *e)
{
    size_t j;

    if (!e->unused)
        return;
    e->unused = 0;
    if (e->parent)
        mark_needed(e->parent);
    if (e->lifecycle && e->lifecycle->entity)
        mark_needed(e->lifecycle->entity);
    for (j = 0; j < e->nfields; j++)
        if (e->fields[j].gen == GEN_REF && e->fields[j].target)
            mark_needed(e->fields[j].target);
}

void plan_select(struct plan *p, const int *only, size_t nonly)
{
    size_t i;

    for (i = 0; i < p->nents; i++)
        p->ents[i].unused = only != NULL;
    for (i = 0; only && i < nonly; i++)
        mark_needed(&p->ents[only[i]]);
}

/* The first child row of parent row ps: the children of every parent before it. */
static uint64_t first_child_of(const struct entity *e, uint64_t ps)
{
    uint64_t b = ps / e->per_block, row, p;

    if (b >= e->nblocks)
        return e->count;
    row = e->prefix[b];
    for (p = b * e->per_block; p < ps; p++)
        row += plan_children_of(e, p);
    return row;
}

/* Steps of a series family: its duration over the interval; a chunk holds whole steps. */
static int prepare_series(struct plan *p, struct entity *e, int threads, struct fount_err *err)
{
    struct series *s = e->series;
    int64_t dur = p->duration_override ? p->duration_override : s->duration_us;

    if (dur <= 0) {
        fount_err_set(err, "series.%s: no end: give it \"duration\" (or run with --duration)",
                      e->name);
        return -1;
    }
    s->nsteps = (uint64_t)((dur + s->interval_us - 1) / s->interval_us);
    set_block(e, (double)s->nseries);
    count_units(e, s->nsteps, threads);
    return 0;
}

int plan_prepare(struct plan *p, double scale, int threads, const uint64_t *existing,
                 struct fount_err *err)
{
    size_t i, j;

    p->scale = scale;
    for (i = 0; i < p->nents; i++) {
        struct entity *e = &p->ents[p->write_order[i]];
        if (!e->parent && !e->stream && !e->series) {
            double c = floor((double)e->base_count * scale + 0.5);
            e->start_row = existing ? existing[e->index] : 0;
            if (c > 9.2e18 || (double)e->start_row + c > 9.2e18) {
                fount_err_set(err, "entities.%s: --scale %g makes too many rows", e->name, scale);
                return -1;
            }
            e->count = e->start_row + (uint64_t)c;
        } else if (e->unused) {
            e->count = 0; /* not counted: this run neither writes nor references it */
            e->nblocks = 0;
        } else if (e->stream) {
            if (prepare_stream(p, e, threads, err))
                return -1;
        } else if (e->series) {
            if (prepare_series(p, e, threads, err))
                return -1;
        } else {
            prepare_per(e, threads);
            e->start_row = first_child_of(e, e->parent->start_row);
        }
        e->rel.name = e->name;
        e->rel.ncols = e->nfields;
        e->rel.cols = e->cols;
        e->rel.rows = e->count;
        for (j = 0; j < e->nfields; j++)
            if (prepare_unique(e, &e->fields[j], err))
                return -1;
        e->ford = xrealloc(e->ford, (e->nfields ? e->nfields : 1) * sizeof *e->ford);
        for (j = 0; j < e->nfields; j++)
            e->ford[j] = &e->fields[e->order[j]];
    }
    p->prepared = 1;
    return 0;
}

static void field_free(struct field *f)
{
    size_t i;

    free(f->name);
    dist_free(&f->dist);
    if (f->gen == GEN_CHOICE && f->choices)
        for (i = 0; i < f->nchoices; i++)
            if (f->choices[i].type == FV_STRING)
                free((char *)f->choices[i].v.s);
    free(f->choices);
    free(f->pat);
    free(f->tpl);
    free(f->tpl_text);
    free(f->cstr);
    free(f->deps);
    if (f->ext)
        gen_ext_free(f->ext);
}

const struct cJSON *plan_sink_cfg(const struct plan *p, const char *sink_name)
{
    return p->sinks_cfg ? cJSON_GetObjectItemCaseSensitive(p->sinks_cfg, sink_name) : NULL;
}

void plan_free(struct plan *p)
{
    size_t i, j;

    if (!p)
        return;
    for (i = 0; i < p->nents; i++) {
        struct entity *e = &p->ents[i];
        for (j = 0; j < e->nfields; j++)
            field_free(&e->fields[j]);
        for (j = 0; j < e->nindexes; j++)
            free(e->indexes[j]);
        free(e->indexes);
        free(e->fields);
        free(e->cols);
        free(e->order);
        free(e->ford);
        free(e->prefix);
        dist_free(&e->per_dist);
        free(e->stream);
        faults_free(e->faults);
        lifecycle_free(e->lifecycle);
        free(e->iprefix);
        series_free(e->series);
        free(e->name);
    }
    free(p->ents);
    free(p->write_order);
    free(p->path);
    gen_ext_locale_free(p->locale);
    cJSON_Delete(p->sinks_cfg);
    workload_free(p->workload);
    free(p->stages);
    free(p->thresholds);
    free(p);
}
