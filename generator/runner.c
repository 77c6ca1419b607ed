/* runner.c: worker threads make chunks, the calling thread writes them in order.
 *
 * NOTES ON THE DESIGN (the invariants the code keeps):
 * 1. Tasks are (entity, chunk) pairs numbered in write order: parents first, chunks ascending.
 *    Workers take the next task number from a shared counter, so which thread makes a chunk never
 *    changes what the chunk holds.
 * 2. Task t uses slot t % nslots, and a worker may take t only once t < next_write + nslots: at
 *    most nslots chunks exist at once, whatever the row count (constant memory).
 * 3. The writer hands task t to the sink only after t-1: output order is task order.
 * 4. Once stop is set no new task is taken; every task already taken completes, so the writer
 *    can flush everything up to the first task never taken (exact counts after Ctrl-C).
 * 5. Accounting: each generated row ends delivered or failed; runner_run checks
 *    generated == delivered + failed for every relation before it returns.
 * 6. Retries belong here, not to sinks: a RETRY resends the rows after *accepted with backoff
 *    (100 ms doubling to 5 s) up to retry_limit times.
 * 7. Open model (load.h): in a paced run each row's due time is fixed before it is handed over
 *    (the schedule of --rate/stages, else its event time) and never moves; a late row leaves at
 *    once and its latency counts from when it was due (fount_batch.due_ns). */
#include "runner.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "gen.h"
#include "load.h"
#include "outcome.h"
#include "stream.h"

_Atomic int fount_interrupted;

enum { SLOT_FREE, SLOT_BUSY, SLOT_READY };

struct slot {
    int state;
    uint64_t task;
    struct gen_buf gb;
    struct fount_batch batch;
    struct buf bytes;
    int encode_failed;
    int64_t *due;             /* paced runs: when each row is due (CLOCK_MONOTONIC ns)   */
    size_t capdue;
};

struct rtask {        /* the tasks of one entity: [t0, t0 + c1 - c0) */
    struct entity *e;
    uint64_t c0, c1, t0;
};

struct runner {
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_ready;
    struct rtask *rt;
    size_t nrt;
    uint64_t ntasks, next_task, next_write;
    int stop;
    struct slot *slots;
    size_t nslots;
    const struct fount_sink_type *st;
    void *ctx;
    struct rel_stats *open_rs; /* the relation begun last: what a failed flush may take down */
    /* pacing and load statistics (writer thread only) */
    struct rel_stats *rel;
    size_t nrel;
    uint64_t sched_k;         /* rows the --rate/stages schedule has placed so far           */
    int sched_over;           /* the schedule ended: no more rows                            */
    const struct entity *pe;  /* event-time pacing: the relation, its start, and rows before */
    int64_t pe_wall0;
    uint64_t pe_base;
    double lag_s;
    const struct entity *cur; /* the relation being written */
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void runner_shard_chunks(const struct entity *e, int k, int n, uint64_t *c0, uint64_t *c1)
{
    uint64_t nc = plan_nchunks(e);

    /* Rounded up, so shard 0 always holds chunk 0 (and with it a CSV header) when there is one. */
    *c0 = (uint64_t)(((unsigned __int128)nc * (unsigned)k + (unsigned)n - 1) / (unsigned)n);
    *c1 = (uint64_t)(((unsigned __int128)nc * (unsigned)(k + 1) + (unsigned)n - 1) / (unsigned)n);
}

static const struct rtask *task_of(const struct runner *r, uint64_t t, uint64_t *chunk)
{
    size_t i;

    for (i = 0; i < r->nrt; i++)
        if (t < r->rt[i].t0 + (r->rt[i].c1 - r->rt[i].c0)) {
            *chunk = r->rt[i].c0 + (t - r->rt[i].t0);
            return &r->rt[i];
        }
    return NULL;
}

static void make_chunk(struct runner *r, struct slot *s)
{
    uint64_t chunk;
    const struct rtask *rt = task_of(r, s->task, &chunk);

    gen_chunk(rt->e, chunk, &s->gb, &s->batch);
    if (s->batch.first_row < rt->e->start_row) { /* --append: drop the rows that exist */
        uint64_t skip = rt->e->start_row - s->batch.first_row;
        if (skip > s->batch.nrows)
            skip = s->batch.nrows;
        s->batch.vals += skip * rt->e->nfields;
        s->batch.nrows -= (size_t)skip;
        s->batch.first_row += skip;
        s->batch.first_of_relation = 0;
    }
    s->encode_failed = 0;
    if (r->st->encode) {
        buf_reset(&s->bytes);
        if (r->st->encode(r->ctx, &s->batch, &s->bytes))
            s->encode_failed = 1;
        s->batch.bytes = s->bytes.data;
        s->batch.nbytes = s->bytes.len;
    }
}

static void *worker(void *arg)
{
    struct runner *r = arg;

    pthread_mutex_lock(&r->mu);
    for (;;) {
        struct slot *s;
        while (!r->stop && r->next_task < r->ntasks && r->next_task >= r->next_write + r->nslots)
            pthread_cond_wait(&r->cv_work, &r->mu);
        if (r->stop || r->next_task >= r->ntasks)
            break;
        s = &r->slots[r->next_task % r->nslots];
        s->task = r->next_task++;
        s->state = SLOT_BUSY;
        pthread_mutex_unlock(&r->mu);
        make_chunk(r, s);
        pthread_mutex_lock(&r->mu);
        s->state = SLOT_READY;
        pthread_cond_broadcast(&r->cv_ready);
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/* A pause that Ctrl-C cuts short. */
static void nap(double seconds)
{
    double end = now_s() + seconds;

    double left;

    while (!fount_interrupted && (left = end - now_s()) > 0) {
        struct timespec ts = {0, left < 0.02 ? (long)(left * 1e9) : 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* What the load tester sees at a tick: totals over the relations, and the schedule. */
static void run_status(const struct runner *r, const struct run_opts *o, int64_t now,
                       struct load_status *st)
{
    size_t i;

    memset(st, 0, sizeof *st);
    for (i = 0; i < r->nrel; i++) {
        st->sent += r->rel[i].delivered + r->rel[i].failed;
        st->failed += r->rel[i].failed;
    }
    st->lag_s = r->lag_s;
    if (r->cur) {
        const struct rel_stats *rs = &r->rel[r->cur->index];
        st->rel = r->cur->name;
        st->rel_done = rs->delivered + rs->failed;
        st->rel_total = r->cur->rel.rows;
        if (load_schedule_s(o->load) > 0 && load_expected(o->load, 1e18) < (double)st->rel_total)
            st->rel_total = (uint64_t)ceil(load_expected(o->load, 1e18)); /* the schedule ends first */
    }
    if (load_has_schedule(o->load)) {
        double t = load_elapsed(o->load, now);
        st->expected = (uint64_t)load_expected(o->load, t);
        st->target = load_target(o->load, t);
    } else if (r->pe) { /* event time: the rate curve, --speed times faster */
        const struct stream *sm = r->pe->stream;
        double sim = (double)(now - r->pe_wall0) / 1e3 * o->speed;
        int64_t t1 = sm->start_us + (int64_t)sim;
        double n = sim > 0 ? rate_integral(&sm->rate, sm->start_us, sm->start_us, t1) : 0;
        if (n > (double)r->pe->rel.rows)
            n = (double)r->pe->rel.rows;
        st->expected = r->pe_base + (uint64_t)n;
        st->target = sm->duration_us && sim > (double)sm->duration_us
                         ? 0 : rate_at(&sm->rate, sm->start_us, t1) * o->speed; /* curve ended */
    }
}

static void tick(struct runner *r, const struct run_opts *o)
{
    struct load_status st;
    int64_t now;

    if (!o->load)
        return;
    now = fount_now_ns();
    run_status(r, o, now, &st);
    load_tick(o->load, now, &st);
}

/* Hand rows [off, end) of a batch to the sink, with retries. Returns FOUNT_FATAL when the run must
 * stop. The whole batch goes with its encoded bytes; a part goes as a sub-batch without them. */
static int deliver_range(struct runner *r, const struct run_opts *o, struct slot *s, size_t off,
                         size_t end, struct rel_stats *rs, struct run_result *res)
{
    struct fount_batch sub = s->batch;
    size_t acc, start = off;
    double backoff = 0.1;
    int attempts = 0, rc = FOUNT_OK;
    struct fount_err err;

    while (off < end || (end == 0 && attempts == 0)) {
        err.msg[0] = '\0';
        acc = 0;
        if (off || end < s->batch.nrows) {
            sub.first_row = s->batch.first_row + off;
            sub.nrows = end - off;
            sub.vals = s->batch.vals + off * s->batch.rel->ncols;
            sub.bytes = NULL;
            sub.nbytes = 0;
            sub.first_of_relation = s->batch.first_of_relation && off == 0;
        }
        sub.sent_ns = fount_now_ns();
        sub.due_ns = s->batch.due_ns ? s->batch.due_ns + off : NULL;
        rc = r->st->write_batch(r->ctx, &sub, &acc, &err);
        if (acc > end - off)
            acc = end - off;
        if (rc == FOUNT_OK)
            acc = end - off;
        if (!r->st->reports_latency && acc && sub.due_ns)
            sink_latency_rows(o->outcomes, sub.rel, sub.due_ns, acc, fount_now_ns());
        else if (!r->st->reports_latency && acc)
            sink_latency(o->outcomes, sub.rel, (uint64_t)(fount_now_ns() - sub.sent_ns), acc);
        off += acc;
        rs->delivered += acc;
        tick(r, o);
        if (rc == FOUNT_OK) {
            if (start == 0 && end == s->batch.nrows && sub.bytes)
                rs->bytes += s->batch.nbytes;
            break;
        }
        if (rc == FOUNT_RETRY && attempts < o->retry_limit && !fount_interrupted) {
            attempts++;
            fprintf(stderr, "fount: %s: write_batch: %s (retry %d/%d in %.0f ms)\n", o->sink_label,
                    err.msg[0] ? err.msg : "temporary failure", attempts, o->retry_limit,
                    backoff * 1000);
            nap(backoff);
            backoff = backoff * 2 > 5 ? 5 : backoff * 2;
            continue;
        }
        rs->failed += end - off;
        fprintf(stderr, "fount: %s: %s: %s\n", o->sink_label, s->batch.rel->name,
                err.msg[0] ? err.msg : "write failed");
        if (rc == FOUNT_FATAL)
            return FOUNT_FATAL;
        res->errors++;
        break;
    }
    return FOUNT_OK;
}

/* Each row's due time (slot->due): on the --rate/stages schedule, which places the run's rows
 * one after another, or at its event time scaled by --speed after the relation started (rows
 * without a time are due at once). Rows the schedule has no room for are cut from the batch:
 * they are never made, like events past --duration. */
static void set_due(struct runner *r, const struct run_opts *o, struct slot *s,
                    const struct entity *e, int64_t wall0)
{
    struct fount_batch *b = &s->batch;
    size_t i;

    if (b->nrows > s->capdue) {
        s->capdue = b->nrows;
        s->due = xrealloc(s->due, s->capdue * sizeof *s->due);
    }
    b->due_ns = s->due;
    if (load_has_schedule(o->load)) {
        for (i = 0; i < b->nrows; i++) {
            double d = r->sched_over ? -1 : load_due_s(o->load, r->sched_k + i);
            if (d < 0) { /* cut: encode again the rows kept (encode only reads ctx) */
                b->nrows = i;
                r->sched_over = 1;
                if (b->bytes) {
                    buf_reset(&s->bytes);
                    if (r->st->encode(r->ctx, b, &s->bytes))
                        s->encode_failed = 1;
                    b->bytes = s->bytes.data;
                    b->nbytes = s->bytes.len;
                }
                break;
            }
            s->due[i] = o->load->t0_ns + (int64_t)(d * 1e9);
        }
        r->sched_k += b->nrows;
    } else {
        for (i = 0; i < b->nrows; i++) {
            const struct fount_value *v = &b->vals[i * b->rel->ncols + (size_t)b->rel->time_col];
            s->due[i] = v->type != FV_TIMESTAMP ? wall0
                      : wall0 + (int64_t)((double)(v->v.i - e->stream->start_us) * 1e3 / o->speed);
        }
    }
    if (b->nrows)
        load_note_due(o->load, b->nrows, s->due[b->nrows - 1]);
}

/* Paced runs: hand over the rows whose time has come, sleep until the next one is due. A row
 * that is late leaves at once: the schedule never slows down for the sink (open model).
 * Ctrl-C stops the waiting: what was made is then written at once. */
static int deliver_paced(struct runner *r, const struct run_opts *o, struct slot *s,
                         struct rel_stats *rs, struct run_result *res)
{
    size_t off = 0, end, n = s->batch.nrows, cap = 100;
    const int64_t *due = s->batch.due_ns;
    uint64_t failed0 = rs->failed;
    int split = 0;

    /* Late rows go in pieces of about 100 ms of the target rate, so that a slow sink still
     * lets the writer tick (intervals, progress) between them. */
    if (o->load && o->load->last.target * 0.1 > (double)cap)
        cap = (size_t)(o->load->last.target * 0.1);

    while (off < n) {
        int64_t now = fount_now_ns();
        end = off;
        while (end < n && end - off < cap && (fount_interrupted || due[end] <= now))
            end++;
        if (end == off) {
            double next = (double)(due[off] - now) / 1e9;
            nap(next > 0.05 ? 0.05 : next);
            tick(r, o);
            continue;
        }
        r->lag_s = now > due[end - 1] ? (double)(now - due[end - 1]) / 1e9 : 0;
        split |= off > 0 || end < n;
        if (deliver_range(r, o, s, off, end, rs, res) == FOUNT_FATAL) {
            rs->failed += n - end;
            return FOUNT_FATAL;
        }
        off = end;
    }
    /* Sent in pieces, each encoded by the sink: the bytes are the whole batch's encoding (for
     * SQL, give or take the statement boundaries). */
    if (split && s->batch.bytes && rs->failed == failed0)
        rs->bytes += s->batch.nbytes;
    return FOUNT_OK;
}

static void count_faults(const struct fount_batch *b, struct rel_stats *rs)
{
    size_t i;

    for (i = 0; b->row_flags && i < b->nrows; i++) {
        uint8_t f = b->row_flags[i];
        rs->faults[FC_DUP] += (f & ROW_DUP) != 0;
        rs->faults[FC_LATE] += (f & ROW_LATE) != 0;
        rs->faults[FC_NULL] += (f & ROW_NULLED) != 0;
        rs->faults[FC_MALFORMED] += (f & ROW_MALFORMED) != 0;
    }
    for (i = 0; b->row_version && i < b->nrows; i++)
        rs->faults[FC_DRIFTED] += b->row_version[i] != 0;
}

/* Rows the sink accepted earlier but lost since (a transaction that never committed). */
static void settle_lost(struct runner *r, struct rel_stats *rs)
{
    uint64_t lost = r->st->take_lost ? r->st->take_lost(r->ctx) : 0;

    if (lost > rs->delivered)
        lost = rs->delivered;
    rs->delivered -= lost;
    rs->failed += lost;
}

static int deliver(struct runner *r, const struct run_opts *o, struct slot *s, const struct entity *e,
                   int64_t wall0, struct rel_stats *rs, struct run_result *res)
{
    int paced = load_has_schedule(o->load) || (o->pace_realtime && e->stream);

    s->batch.due_ns = NULL;
    if (paced)
        set_due(r, o, s, e, wall0);
    if (r->sched_over && !s->batch.nrows && !s->batch.first_of_relation)
        return FOUNT_OK;
    rs->generated += s->batch.nrows;
    count_faults(&s->batch, rs);
    if (s->encode_failed) {
        fprintf(stderr, "fount: %s: a batch of %zu rows of %s is larger than the 256 MiB buffer\n",
                o->sink_label, s->batch.nrows, s->batch.rel->name);
        rs->failed += s->batch.nrows;
        return FOUNT_FATAL;
    }
    if (paced)
        return deliver_paced(r, o, s, rs, res);
    return deliver_range(r, o, s, 0, s->batch.nrows, rs, res);
}

/* Wait for task t; returns its slot, or NULL when it will never come (stopped before it). */
static struct slot *wait_task(struct runner *r, uint64_t t, const struct run_opts *o)
{
    struct slot *s = &r->slots[t % r->nslots];

    pthread_mutex_lock(&r->mu);
    while (!(s->state == SLOT_READY && s->task == t)) {
        struct timespec ts;
        if (r->stop && t >= r->next_task) {
            s = NULL;
            break;
        }
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&r->cv_ready, &r->mu, &ts);
        if (fount_interrupted && !r->stop) {
            r->stop = 1;
            pthread_cond_broadcast(&r->cv_work);
        }
        if (o->load) { /* the counts are the writer's own: safe to read without the lock */
            pthread_mutex_unlock(&r->mu);
            tick(r, o);
            pthread_mutex_lock(&r->mu);
        }
    }
    pthread_mutex_unlock(&r->mu);
    return s;
}

static void release(struct runner *r, struct slot *s, uint64_t t)
{
    pthread_mutex_lock(&r->mu);
    s->state = SLOT_FREE;
    r->next_write = t + 1;
    if (fount_interrupted)
        r->stop = 1;
    pthread_cond_broadcast(&r->cv_work);
    pthread_mutex_unlock(&r->mu);
}

static void set_stop(struct runner *r)
{
    pthread_mutex_lock(&r->mu);
    r->stop = 1;
    pthread_cond_broadcast(&r->cv_work);
    pthread_mutex_unlock(&r->mu);
}

/* Write the relations in order. Returns when done, stopped, or the sink failed for good. */
static void write_all(struct runner *r, const struct run_opts *o, struct run_result *res)
{
    struct fount_err err;
    uint64_t t = 0;
    size_t i;

    for (i = 0; i < r->nrt && !res->fatal; i++) {
        struct entity *e = r->rt[i].e;
        struct rel_stats *rs = &res->rel[e->index];
        uint64_t tend = r->rt[i].t0 + (r->rt[i].c1 - r->rt[i].c0);
        int stopped = 0;
        int64_t wall0 = fount_now_ns(); /* realtime pacing starts with the relation */
        rs->written = 1;
        r->cur = e;
        if (o->pace_realtime && e->stream && !load_has_schedule(o->load)) {
            struct load_status st;
            run_status(r, o, wall0, &st);
            r->pe = e;
            r->pe_wall0 = wall0;
            r->pe_base = st.sent;
        } else
            r->pe = NULL;
        r->open_rs = rs;
        err.msg[0] = '\0';
        if (r->st->begin && r->st->begin(r->ctx, &e->rel, &err)) {
            fprintf(stderr, "fount: %s: %s: %s\n", o->sink_label, e->name, err.msg);
            res->fatal = 1;
            break;
        }
        for (; t < tend; t++) {
            struct slot *s = wait_task(r, t, o);
            if (!s) {
                stopped = 1;
                break;
            }
            if (deliver(r, o, s, e, wall0, rs, res) == FOUNT_FATAL) {
                settle_lost(r, rs);
                res->fatal = 1;
                release(r, s, t);
                set_stop(r);
                break;
            }
            release(r, s, t);
            if (r->sched_over)
                set_stop(r);
        }
        if (!res->fatal && r->st->end && r->st->end(r->ctx, &e->rel, &err)) {
            fprintf(stderr, "fount: %s: %s: %s\n", o->sink_label, e->name, err.msg);
            res->fatal = 1;
        }
        settle_lost(r, rs); /* errors and a failed end() may have taken committed-to-be rows */
        if (stopped)
            break;
    }
}

static void count_leftovers(struct runner *r, struct run_result *res)
{
    size_t i;

    /* Chunks made but never written (the sink failed): generated, and failed. */
    for (i = 0; i < r->nslots; i++) {
        struct slot *s = &r->slots[i];
        if (s->state == SLOT_READY && s->task >= r->next_write) {
            uint64_t chunk;
            const struct rtask *rt = task_of(r, s->task, &chunk);
            struct rel_stats *rs = &res->rel[rt->e->index];
            rs->generated += s->batch.nrows;
            rs->failed += s->batch.nrows;
        }
    }
}

static void build_tasks(struct runner *r, struct plan *p, const struct run_opts *o)
{
    size_t i, j;

    r->rt = xcalloc(p->nents + 1, sizeof *r->rt);
    for (i = 0; i < p->nents; i++) {
        struct entity *e = &p->ents[p->write_order[i]];
        struct rtask *rt;
        int sel = !o->only;
        for (j = 0; o->only && j < o->nonly; j++)
            sel |= o->only[j] == e->index;
        if (!sel)
            continue;
        rt = &r->rt[r->nrt++];
        rt->e = e;
        runner_shard_chunks(e, o->shard_k, o->shard_n, &rt->c0, &rt->c1);
        if (e->start_row) { /* --append: begin at the chunk holding the first new row */
            uint64_t first = e->parent ? e->parent->start_row / e->per_block
                                       : e->start_row / PLAN_CHUNK_ROWS;
            if (rt->c0 < first)
                rt->c0 = first;
            if (rt->c1 < rt->c0)
                rt->c1 = rt->c0;
        }
        rt->t0 = r->ntasks;
        r->ntasks += rt->c1 - rt->c0;
        /* What this run writes of the relation, for progress and the summary. */
        {
            uint64_t f0, n0, f1, n1;
            if (rt->c1 > rt->c0) {
                plan_chunk_rows(e, rt->c0, &f0, &n0);
                plan_chunk_rows(e, rt->c1 - 1, &f1, &n1);
                if (f0 < e->start_row)
                    f0 = e->start_row;
                e->rel.rows = f1 + n1 > f0 ? f1 + n1 - f0 : 0;
            } else
                e->rel.rows = 0;
        }
    }
}

int runner_run(struct plan *p, const struct fount_sink_type *st, void *ctx,
               const struct run_opts *o, struct run_result *res)
{
    struct runner r;
    pthread_t *tid;
    struct fount_err err;
    struct rusage ru;
    double t_start = now_s();
    int i, nthreads = o->threads < 1 ? 1 : o->threads, rc = 0;
    size_t k;

    memset(&r, 0, sizeof r);
    memset(res, 0, sizeof *res);
    res->rel = xcalloc(p->nents + 1, sizeof *res->rel);
    res->outcomes = o->outcomes;
    if (o->outcomes)
        o->outcomes->rs = res->rel;
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.cv_work, NULL);
    pthread_cond_init(&r.cv_ready, NULL);
    r.st = st;
    r.ctx = ctx;
    r.rel = res->rel;
    r.nrel = p->nents;
    if (o->load)
        load_start(o->load, fount_now_ns());
    build_tasks(&r, p, o);
    r.nslots = (size_t)nthreads * 2 + 2;
    r.slots = xcalloc(r.nslots, sizeof *r.slots);
    for (k = 0; k < r.nslots; k++) {
        gen_buf_init(&r.slots[k].gb);
        buf_init(&r.slots[k].bytes, (size_t)256 << 20);
    }
    tid = xcalloc((size_t)nthreads, sizeof *tid);
    for (i = 0; i < nthreads; i++)
        if (pthread_create(&tid[i], NULL, worker, &r)) {
            fprintf(stderr, "fount: cannot start thread %d: %s\n", i, strerror(errno));
            nthreads = i;
            break;
        }
    if (nthreads == 0) {
        res->fatal = 1;
    } else {
        write_all(&r, o, res);
    }
    set_stop(&r);
    for (i = 0; i < nthreads; i++)
        pthread_join(tid[i], NULL);
    count_leftovers(&r, res);
    if (!res->fatal && st->flush && st->flush(ctx, 30000, &err)) {
        fprintf(stderr, "fount: %s: flush: %s\n", o->sink_label, err.msg);
        res->fatal = 1;
    }
    if (r.open_rs) /* a flush that failed takes the open rows of the relation begun last */
        settle_lost(&r, r.open_rs);
    if (o->load) {
        struct load_status ls;
        int64_t now = fount_now_ns();
        run_status(&r, o, now, &ls);
        load_finish(o->load, now, &ls);
    }
    res->interrupted = fount_interrupted != 0;
    res->elapsed = now_s() - t_start;
    getrusage(RUSAGE_SELF, &ru);
    res->peak_rss_kb = ru.ru_maxrss;
    if (o->outcomes)
        o->outcomes->rs = NULL; /* res->rel is the caller's from here */
    for (k = 0; k < p->nents; k++) {
        struct rel_stats *rs = &res->rel[k];
        /* Invariant 5; a breach is a bug in fount, reported rather than hidden. */
        if (rs->generated != rs->delivered + rs->failed) {
            fprintf(stderr, "fount: internal error: %s: generated %llu != delivered %llu + failed "
                            "%llu\n", p->ents[k].name, (unsigned long long)rs->generated,
                    (unsigned long long)rs->delivered, (unsigned long long)rs->failed);
            rc = 1;
        }
        if (rs->failed)
            rc = 1;
    }
    if (res->fatal || res->errors || res->interrupted)
        rc = 1;
    for (k = 0; k < r.nslots; k++) {
        gen_buf_free(&r.slots[k].gb);
        buf_free(&r.slots[k].bytes);
        free(r.slots[k].due);
    }
    free(r.slots);
    free(r.rt);
    free(tid);
    pthread_mutex_destroy(&r.mu);
    pthread_cond_destroy(&r.cv_work);
    pthread_cond_destroy(&r.cv_ready);
    return rc;
}

static void human_bytes(char *out, size_t n, uint64_t b)
{
    if (b >= (1ULL << 30))
        snprintf(out, n, "%.2f GiB", (double)b / (1 << 30));
    else if (b >= (1ULL << 20))
        snprintf(out, n, "%.1f MiB", (double)b / (1 << 20));
    else if (b >= 1024)
        snprintf(out, n, "%.1f KiB", (double)b / 1024);
    else
        snprintf(out, n, "%llu B", (unsigned long long)b);
}

void runner_summary(const struct plan *p, const struct run_result *res, FILE *out)
{
    uint64_t rows = 0, bytes = 0, failed = 0;
    char hb[32];
    size_t i;

    fprintf(out, "%-24s %14s %14s %12s\n", "relation", "rows", "failed", "bytes");
    for (i = 0; i < p->nents; i++) {
        const struct entity *e = &p->ents[p->write_order[i]];
        const struct rel_stats *rs = &res->rel[e->index];
        if (!rs->written)
            continue;
        human_bytes(hb, sizeof hb, rs->bytes);
        fprintf(out, "%-24s %14llu %14llu %12s\n", e->name, (unsigned long long)rs->delivered,
                (unsigned long long)rs->failed, rs->bytes ? hb : "-");
        rows += rs->delivered;
        failed += rs->failed;
        bytes += rs->bytes;
    }
    for (i = 0; i < p->nents; i++) { /* faults injected, so a pipeline's own counts can be checked */
        const struct entity *e = &p->ents[p->write_order[i]];
        const struct rel_stats *rs = &res->rel[e->index];
        int k, any = 0;
        for (k = 0; k < FC_COUNT; k++)
            any |= rs->faults[k] != 0;
        if (!rs->written || !any)
            continue;
        fprintf(out, "%-24s faults:", e->name);
        for (k = 0; k < FC_COUNT; k++)
            if (rs->faults[k])
                fprintf(out, " %s %llu", fault_counter_names[k], (unsigned long long)rs->faults[k]);
        fprintf(out, "\n");
    }
    outcomes_summary(res->outcomes, out);
    human_bytes(hb, sizeof hb, bytes);
    fprintf(out, "%llu rows written, %llu failed, %s in %.2f s: %.0f rows/s, %.1f MB/s, peak RSS "
                 "%.1f MiB%s\n",
            (unsigned long long)rows, (unsigned long long)failed, bytes ? hb : "-", res->elapsed,
            res->elapsed > 0 ? (double)rows / res->elapsed : 0.0,
            res->elapsed > 0 ? (double)bytes / res->elapsed / 1e6 : 0.0,
            (double)res->peak_rss_kb / 1024.0, res->interrupted ? " (interrupted)" : "");
}
