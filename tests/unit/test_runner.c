/* test_runner.c: the runner against a test-only "fail" sink that answers FOUNT_RETRY, FOUNT_ERROR
 * or FOUNT_FATAL on a schedule and records every call: the accounting identity generated =
 * delivered + failed per relation, resends of only the rows after *accepted, a FATAL that stops the
 * run, output in chunk order for any thread count, and shard slices that concatenate. The runner
 * sleeps 100 ms (doubling) per retry, so schedules keep retries few. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "profile.h"
#include "outcome.h"
#include "runner.h"

/* ---------- the fail sink ---------- */

struct step {
    int batch;      /* 1-based, counting every new batch of the run (resends do not count) */
    int attempt;    /* 1 for the first write of the batch, 2 for its first resend...       */
    int rc;         /* what write_batch answers                                            */
    size_t accepted;
};

struct call {
    char rel[32];
    uint64_t first_row;
    size_t nrows;
    int batch, attempt, rc;
    int first_of_relation;
    int has_bytes;
    uint64_t hash; /* of the values, as text */
};

struct fail_sink {
    const struct step *sched;
    size_t nsched;
    struct call *calls;
    size_t ncalls, cap;
    int batch, attempt;     /* of the current call */
    int last_rc;
    char last_rel[32];
    uint64_t last_next;     /* first row a resend of the last call would have */
    char order[256];        /* relations as begin() saw them: "a,b," */
    int flushed;
    /* rows delivered per relation (by the sink's own count) */
    uint64_t delivered[2];
};

static uint64_t hash_batch(const struct fount_batch *b, size_t from, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    size_t i, f;
    char tmp[512];

    for (i = from; i < from + n; i++)
        for (f = 0; f < b->rel->ncols; f++) {
            const struct fount_value *v = &b->vals[i * b->rel->ncols + f];
            size_t k = v->type == FV_NULL ? 0 : fmt_value(tmp, sizeof tmp, v, &b->rel->cols[f]), j;
            for (j = 0; j < k; j++)
                h = (h ^ (unsigned char)tmp[j]) * 1099511628211ULL;
            h = (h ^ 0xff) * 1099511628211ULL;
        }
    return h;
}

static int fs_open(void *ctx, const struct sink_args *a, struct fount_err *err)
{
    (void)ctx;
    (void)a;
    (void)err;
    return FOUNT_OK;
}

static int fs_begin(void *ctx, const struct fount_relation *rel, struct fount_err *err)
{
    struct fail_sink *s = ctx;

    (void)err;
    strncat(s->order, rel->name, sizeof s->order - strlen(s->order) - 2);
    strcat(s->order, ",");
    return FOUNT_OK;
}

static int fs_write(void *ctx, const struct fount_batch *b, size_t *accepted, struct fount_err *err)
{
    struct fail_sink *s = ctx;
    struct call *c;
    size_t i;

    /* a resend follows a RETRY and starts after the rows accepted; when the runner gives up, the
     * next call is a new batch */
    if (s->last_rc == FOUNT_RETRY && !strcmp(s->last_rel, b->rel->name) &&
        b->first_row == s->last_next) {
        s->attempt++;
    } else {
        s->batch++;
        s->attempt = 1;
    }
    if (s->ncalls == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->calls = realloc(s->calls, s->cap * sizeof *s->calls);
    }
    c = &s->calls[s->ncalls++];
    memset(c, 0, sizeof *c);
    snprintf(c->rel, sizeof c->rel, "%s", b->rel->name);
    c->first_row = b->first_row;
    c->nrows = b->nrows;
    c->batch = s->batch;
    c->attempt = s->attempt;
    c->first_of_relation = b->first_of_relation;
    c->has_bytes = b->bytes != NULL;
    c->rc = FOUNT_OK;
    *accepted = b->nrows;
    for (i = 0; i < s->nsched; i++)
        if (s->sched[i].batch == s->batch && s->sched[i].attempt == s->attempt) {
            c->rc = s->sched[i].rc;
            *accepted = s->sched[i].accepted;
            snprintf(err->msg, sizeof err->msg, "scheduled %s",
                     c->rc == FOUNT_RETRY ? "retry" : c->rc == FOUNT_ERROR ? "error" : "fatal");
        }
    if (*accepted > b->nrows)
        *accepted = b->nrows;
    c->hash = hash_batch(b, 0, *accepted);
    s->delivered[strcmp(b->rel->name, "a") != 0] += *accepted;
    s->last_rc = c->rc;
    snprintf(s->last_rel, sizeof s->last_rel, "%s", b->rel->name);
    s->last_next = b->first_row + *accepted;
    return c->rc;
}

static int fs_flush(void *ctx, int timeout_ms, struct fount_err *err)
{
    struct fail_sink *s = ctx;

    (void)timeout_ms;
    (void)err;
    s->flushed = 1;
    return FOUNT_OK;
}

static void fs_close(void *ctx)
{
    (void)ctx;
}

static int fs_encode(const void *ctx, const struct fount_batch *b, struct buf *out)
{
    (void)ctx;
    return buf_printf(out, "%s %llu %zu\n", b->rel->name, (unsigned long long)b->first_row,
                      b->nrows);
}

static const struct fount_opt fs_opts[] = {{0}};

static const struct fount_sink_type fail_sink_type = {
    .name = "fail",
    .desc = "test sink: fails on a schedule",
    .opts = fs_opts,
    .ctx_size = sizeof(struct fail_sink),
    .open = fs_open,
    .begin = fs_begin,
    .write_batch = fs_write,
    .flush = fs_flush,
    .close = fs_close,
};

/* The same, as a byte sink: batches come encoded, resends come without bytes. */
static const struct fount_sink_type fail_bytes_sink_type = {
    .name = "failbytes",
    .desc = "test sink: fails on a schedule, encodes",
    .opts = fs_opts,
    .ctx_size = sizeof(struct fail_sink),
    .open = fs_open,
    .begin = fs_begin,
    .write_batch = fs_write,
    .flush = fs_flush,
    .close = fs_close,
    .encode = fs_encode,
};

/* ---------- the plan ---------- */

/* a: 11 chunks (10 full, one of 123 rows); b: 5 chunks, refs to a; a is written first. */
static const char profile[] =
    "{\"seed\": 9, \"entities\": {\n"
    " \"b\": {\"count\": 20000, \"fields\": {\n"
    "  \"id\": {\"type\": \"sequence\"},\n"
    "  \"a_id\": {\"type\": \"ref\", \"entity\": \"a\"},\n"
    "  \"x\": {\"type\": \"float\", \"min\": 0, \"max\": 1, \"null_rate\": 0.1}\n"
    " }},\n"
    " \"a\": {\"count\": 41083, \"fields\": {\n"
    "  \"id\": {\"type\": \"sequence\"},\n"
    "  \"s\": {\"type\": \"string\", \"pattern\": \"@@@-###\"}\n"
    " }}\n"
    "}}\n";
#define A_ROWS 41083u
#define B_ROWS 20000u

static struct plan *plan_new(void)
{
    struct fount_err err;
    struct buf errs;
    struct plan *p;
    int n;

    buf_init(&errs, 1 << 20);
    p = profile_load_text("r.json", profile, strlen(profile), &errs, &n);
    buf_append(&errs, "", 1);
    cr_assert_not_null(p, "%s", errs.data);
    buf_free(&errs);
    cr_assert_eq(plan_prepare(p, 1, 2, NULL, &err), 0, "%s", err.msg);
    return p;
}

static int run(struct plan *p, const struct fount_sink_type *st, struct fail_sink *s, int threads,
               int retry_limit, int shard_k, int shard_n, struct run_result *res)
{
    struct run_opts o;

    memset(&o, 0, sizeof o);
    o.threads = threads;
    o.shard_k = shard_k;
    o.shard_n = shard_n;
    o.retry_limit = retry_limit;
    o.sink_label = "fail.0";
    return runner_run(p, st, s, &o, res);
}

static void sink_free(struct fail_sink *s)
{
    free(s->calls);
}

/* The rows of the calls that write a relation's batches: contiguous, in order, from `from`. */
static void expect_in_order(const struct fail_sink *s, const char *rel, uint64_t from, uint64_t to)
{
    uint64_t next = from;
    size_t i;

    for (i = 0; i < s->ncalls; i++) {
        const struct call *c = &s->calls[i];
        if (strcmp(c->rel, rel) || c->attempt != 1)
            continue;
        cr_assert_eq(c->first_row, next, "%s: a batch starts at row %llu, want %llu", rel,
                     (unsigned long long)c->first_row, (unsigned long long)next);
        next += c->nrows;
    }
    cr_assert_eq(next, to, "%s: batches end at row %llu, want %llu", rel,
                 (unsigned long long)next, (unsigned long long)to);
}

/* ---------- tests ---------- */

Test(runner, clean_run_delivers_everything)
{
    struct plan *p = plan_new();
    struct fail_sink s;
    struct run_result res;
    int rc;

    memset(&s, 0, sizeof s);
    rc = run(p, &fail_sink_type, &s, 2, 3, 0, 1, &res);
    cr_expect_eq(rc, 0);
    cr_expect_str_eq(s.order, "a,b,", "parents first");
    cr_expect(s.flushed);
    cr_expect_eq(res.rel[plan_entity(p, "a")->index].generated, A_ROWS);
    cr_expect_eq(res.rel[plan_entity(p, "a")->index].delivered, A_ROWS);
    cr_expect_eq(res.rel[plan_entity(p, "b")->index].delivered, B_ROWS);
    cr_expect_eq(res.rel[plan_entity(p, "b")->index].failed, 0);
    cr_expect_eq(s.ncalls, 16, "11 + 5 batches, got %zu calls", s.ncalls);
    cr_expect_eq(s.calls[0].first_of_relation, 1);
    cr_expect_eq(s.calls[1].first_of_relation, 0);
    cr_expect_eq(s.calls[11].first_of_relation, 1, "b's first batch");
    expect_in_order(&s, "a", 0, A_ROWS);
    expect_in_order(&s, "b", 0, B_ROWS);
    cr_expect_eq(res.fatal, 0);
    cr_expect_eq(res.errors, 0);
    free(res.rel);
    sink_free(&s);
    plan_free(p);
}

/* RETRY twice on batch 3 (100 rows accepted each time), ERROR on batch 5 (10 accepted) and on
 * batch 13 (b's second): every row is delivered or failed once, and resends carry only the rest. */
Test(runner, retries_and_errors_keep_the_accounts, .timeout = 30)
{
    static const struct step sched[] = {
        {3, 1, FOUNT_RETRY, 100},
        {3, 2, FOUNT_RETRY, 100},
        {5, 1, FOUNT_ERROR, 10},
        {13, 1, FOUNT_ERROR, 0},
    };
    static const struct sink_case {
        const struct fount_sink_type *st;
        int threads;
    } cases[] = {{&fail_sink_type, 1}, {&fail_sink_type, 3}, {&fail_bytes_sink_type, 2}};
    size_t k;

    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct plan *p = plan_new();
        struct fail_sink s;
        struct run_result res;
        const struct rel_stats *ra, *rb;
        size_t i;
        int rc, seen3 = 0;

        memset(&s, 0, sizeof s);
        s.sched = sched;
        s.nsched = sizeof sched / sizeof sched[0];
        rc = run(p, cases[k].st, &s, cases[k].threads, 3, 0, 1, &res);
        ra = &res.rel[plan_entity(p, "a")->index];
        rb = &res.rel[plan_entity(p, "b")->index];
        cr_expect_eq(rc, 1, "rows failed, so the run fails");
        cr_expect_eq(res.errors, 2, "case %zu: %d batches in error", k, res.errors);
        cr_expect_eq(res.fatal, 0);
        /* the identity, and the numbers behind it */
        cr_expect_eq(ra->generated, ra->delivered + ra->failed);
        cr_expect_eq(rb->generated, rb->delivered + rb->failed);
        cr_expect_eq(ra->generated, A_ROWS);
        cr_expect_eq(rb->generated, B_ROWS);
        cr_expect_eq(ra->failed, 4096 - 10, "case %zu: a failed %llu", k,
                     (unsigned long long)ra->failed);
        cr_expect_eq(rb->failed, 4096);
        cr_expect_eq(ra->delivered, s.delivered[0], "the runner and the sink agree");
        cr_expect_eq(rb->delivered, s.delivered[1]);
        /* batch 3 is a's chunk 2: rows 8192..12287, resent from 8292 then from 8392 */
        for (i = 0; i < s.ncalls; i++) {
            const struct call *c = &s.calls[i];
            if (c->batch != 3)
                continue;
            seen3++;
            cr_expect_eq(c->first_row, 8192 + 100 * (uint64_t)(c->attempt - 1),
                         "attempt %d starts at %llu", c->attempt,
                         (unsigned long long)c->first_row);
            cr_expect_eq(c->nrows, 4096 - 100 * (size_t)(c->attempt - 1));
            cr_expect_eq(c->first_of_relation, 0);
            if (cases[k].st->encode)
                cr_expect_eq(c->has_bytes, c->attempt == 1,
                             "a resend is a sub-batch without bytes (attempt %d)", c->attempt);
        }
        cr_expect_eq(seen3, 3, "batch 3 was written %d times", seen3);
        cr_expect_eq(s.ncalls, 16 + 2, "every other batch written once: %zu calls", s.ncalls);
        expect_in_order(&s, "a", 0, A_ROWS);
        expect_in_order(&s, "b", 0, B_ROWS);
        free(res.rel);
        sink_free(&s);
        plan_free(p);
    }
}

/* RETRY forever: after retry_limit resends the rest of the batch is failed and the run goes on. */
Test(runner, retry_limit, .timeout = 30)
{
    static const struct step sched[] = {
        {2, 1, FOUNT_RETRY, 50},
        {2, 2, FOUNT_RETRY, 0},
        {2, 3, FOUNT_RETRY, 25},
        {2, 4, FOUNT_RETRY, 0}, /* never reached with retry_limit 2 */
    };
    struct plan *p = plan_new();
    struct fail_sink s;
    struct run_result res;
    const struct rel_stats *ra;
    size_t i, calls2 = 0;

    memset(&s, 0, sizeof s);
    s.sched = sched;
    s.nsched = sizeof sched / sizeof sched[0];
    cr_expect_eq(run(p, &fail_sink_type, &s, 2, 2, 0, 1, &res), 1);
    ra = &res.rel[plan_entity(p, "a")->index];
    for (i = 0; i < s.ncalls; i++)
        calls2 += s.calls[i].batch == 2;
    cr_expect_eq(calls2, 3, "one write and 2 resends, got %zu", calls2);
    cr_expect_eq(ra->delivered, A_ROWS - 4096 + 75);
    cr_expect_eq(ra->failed, 4096 - 75);
    cr_expect_eq(ra->generated, A_ROWS);
    cr_expect_eq(res.errors, 1);
    cr_expect_eq(res.rel[plan_entity(p, "b")->index].delivered, B_ROWS, "the run went on");
    free(res.rel);
    sink_free(&s);
    plan_free(p);
}

/* FATAL on batch 9: nothing is written after it, the rows of chunks made ahead are generated and
 * failed, and the identity still holds. */
Test(runner, fatal_stops_the_run)
{
    static const struct step sched[] = {{9, 1, FOUNT_FATAL, 7}};
    static const int threads[] = {1, 2, 7};
    size_t k;

    for (k = 0; k < sizeof threads / sizeof threads[0]; k++) {
        struct plan *p = plan_new();
        struct fail_sink s;
        struct run_result res;
        const struct rel_stats *ra, *rb;
        uint64_t ahead;

        memset(&s, 0, sizeof s);
        s.sched = sched;
        s.nsched = 1;
        cr_expect_eq(run(p, &fail_sink_type, &s, threads[k], 3, 0, 1, &res), 1);
        ra = &res.rel[plan_entity(p, "a")->index];
        rb = &res.rel[plan_entity(p, "b")->index];
        cr_expect_eq(res.fatal, 1);
        cr_expect_eq(s.ncalls, 9, "threads %d: %zu calls, the last must be the fatal one",
                     threads[k], s.ncalls);
        cr_expect_eq(s.calls[s.ncalls - 1].rc, FOUNT_FATAL);
        cr_expect_str_eq(s.order, "a,", "b never begins");
        cr_expect_eq(ra->delivered, 8 * 4096 + 7);
        cr_expect_eq(ra->generated, ra->delivered + ra->failed, "threads %d: %llu != %llu + %llu",
                     threads[k], (unsigned long long)ra->generated,
                     (unsigned long long)ra->delivered, (unsigned long long)ra->failed);
        cr_expect_eq(rb->generated, rb->delivered + rb->failed);
        cr_expect_eq(rb->delivered, 0);
        /* chunks made ahead of the writer: whole chunks, at most one per slot */
        ahead = ra->generated + rb->generated - 9 * 4096;
        cr_expect_geq(ra->generated, 9 * 4096);
        cr_expect_leq(ahead, (uint64_t)(2 * threads[k] + 2) * 4096, "threads %d: %llu rows ahead",
                      threads[k], (unsigned long long)ahead);
        cr_expect_eq(ra->failed + rb->failed, 4096 - 7 + ahead);
        free(res.rel);
        sink_free(&s);
        plan_free(p);
    }
}

/* The whole schedule in one run: RETRY twice on batch 3 (100 accepted each time), ERROR on batch 5
 * (10 accepted), FATAL on batch 9 (7 accepted), for 1, 2 and 7 threads. */
Test(runner, retry_error_fatal_in_one_run, .timeout = 30)
{
    static const struct step sched[] = {
        {3, 1, FOUNT_RETRY, 100},
        {3, 2, FOUNT_RETRY, 100},
        {5, 1, FOUNT_ERROR, 10},
        {9, 1, FOUNT_FATAL, 7},
    };
    static const int threads[] = {1, 2, 7};
    size_t k;

    for (k = 0; k < sizeof threads / sizeof threads[0]; k++) {
        struct plan *p = plan_new();
        struct fail_sink s;
        struct run_result res;
        const struct rel_stats *ra, *rb;
        size_t i;

        memset(&s, 0, sizeof s);
        s.sched = sched;
        s.nsched = sizeof sched / sizeof sched[0];
        cr_expect_eq(run(p, &fail_sink_type, &s, threads[k], 3, 0, 1, &res), 1);
        ra = &res.rel[plan_entity(p, "a")->index];
        rb = &res.rel[plan_entity(p, "b")->index];
        cr_expect_eq(res.fatal, 1);
        cr_expect_eq(res.errors, 1, "threads %d: %d batches in error", threads[k], res.errors);
        cr_expect_eq(s.ncalls, 9 + 2, "threads %d: %zu calls", threads[k], s.ncalls);
        cr_expect_eq(ra->delivered, 8 * 4096 - (4096 - 10) + 7, "threads %d: delivered %llu",
                     threads[k], (unsigned long long)ra->delivered);
        cr_expect_eq(ra->delivered, s.delivered[0]);
        cr_expect_eq(ra->generated, ra->delivered + ra->failed);
        cr_expect_eq(rb->generated, rb->delivered + rb->failed);
        cr_expect_geq(ra->failed, (4096 - 10) + (4096 - 7));
        for (i = 0; i < s.ncalls; i++)
            if (s.calls[i].batch == 3)
                cr_expect_eq(s.calls[i].first_row,
                             8192 + 100 * (uint64_t)(s.calls[i].attempt - 1));
        free(res.rel);
        sink_free(&s);
        plan_free(p);
    }
}

/* The sink sees the same batches, with the same values, in chunk order, for any thread count. */
Test(runner, order_and_content_do_not_depend_on_threads)
{
    static const int threads[] = {1, 2, 7};
    struct fail_sink s[3];
    size_t k, i;

    for (k = 0; k < 3; k++) {
        struct plan *p = plan_new();
        struct run_result res;
        memset(&s[k], 0, sizeof s[k]);
        cr_expect_eq(run(p, &fail_sink_type, &s[k], threads[k], 3, 0, 1, &res), 0);
        expect_in_order(&s[k], "a", 0, A_ROWS);
        expect_in_order(&s[k], "b", 0, B_ROWS);
        free(res.rel);
        plan_free(p);
    }
    for (k = 1; k < 3; k++) {
        cr_assert_eq(s[k].ncalls, s[0].ncalls);
        for (i = 0; i < s[0].ncalls; i++) {
            cr_expect_str_eq(s[k].calls[i].rel, s[0].calls[i].rel);
            cr_expect_eq(s[k].calls[i].first_row, s[0].calls[i].first_row, "threads %d batch %zu",
                         threads[k], i);
            cr_expect_eq(s[k].calls[i].hash, s[0].calls[i].hash,
                         "threads %d batch %zu holds other values", threads[k], i);
        }
    }
    for (k = 0; k < 3; k++)
        sink_free(&s[k]);
}

/* Slices of chunks: contiguous, covering, in order, for any count of chunks and shards. */
Test(runner, shard_chunks_concatenate)
{
    static const uint64_t counts[] = {0, 1, 4096, 4097, 5 * 4096, 100 * 4096 - 1, 1000003};
    static const int shards[] = {1, 2, 3, 4, 7, 10, 64};
    size_t i, j;

    for (i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        struct entity e;
        memset(&e, 0, sizeof e);
        e.count = counts[i];
        for (j = 0; j < sizeof shards / sizeof shards[0]; j++) {
            uint64_t next = 0, c0, c1, sizes_min = UINT64_MAX, sizes_max = 0;
            int k;
            for (k = 0; k < shards[j]; k++) {
                runner_shard_chunks(&e, k, shards[j], &c0, &c1);
                cr_assert_eq(c0, next, "count %llu, shard %d/%d starts at chunk %llu, want %llu",
                             (unsigned long long)counts[i], k, shards[j],
                             (unsigned long long)c0, (unsigned long long)next);
                cr_assert_geq(c1, c0);
                sizes_min = c1 - c0 < sizes_min ? c1 - c0 : sizes_min;
                sizes_max = c1 - c0 > sizes_max ? c1 - c0 : sizes_max;
                next = c1;
            }
            cr_assert_eq(next, plan_nchunks(&e), "count %llu in %d shards",
                         (unsigned long long)counts[i], shards[j]);
            cr_expect_leq(sizes_max - sizes_min, 1, "balanced slices");
        }
    }
}

/* Running every shard of 3 writes, together, exactly what one unsharded run writes. */
Test(runner, shard_runs_concatenate)
{
    struct fail_sink whole, part[3];
    size_t k, i, j;
    struct run_result res;
    struct plan *p = plan_new();

    memset(&whole, 0, sizeof whole);
    cr_assert_eq(run(p, &fail_sink_type, &whole, 2, 3, 0, 1, &res), 0);
    free(res.rel);
    for (k = 0; k < 3; k++) {
        memset(&part[k], 0, sizeof part[k]);
        cr_assert_eq(run(p, &fail_sink_type, &part[k], 2, 3, (int)k, 3, &res), 0);
        free(res.rel);
    }
    /* per relation: shard 0's batches, then 1's, then 2's, equal the whole run's */
    for (i = 0; i < 2; i++) {
        const char *rel = i ? "b" : "a";
        const struct call *w[32], *c[32];
        size_t nw = 0, nc = 0;
        for (j = 0; j < whole.ncalls && nw < 32; j++)
            if (!strcmp(whole.calls[j].rel, rel))
                w[nw++] = &whole.calls[j];
        for (k = 0; k < 3; k++)
            for (j = 0; j < part[k].ncalls && nc < 32; j++)
                if (!strcmp(part[k].calls[j].rel, rel))
                    c[nc++] = &part[k].calls[j];
        cr_assert_eq(nc, nw, "%s: %zu batches in shards, %zu in the whole run", rel, nc, nw);
        for (j = 0; j < nw; j++) {
            cr_expect_eq(c[j]->first_row, w[j]->first_row, "%s batch %zu", rel, j);
            cr_expect_eq(c[j]->nrows, w[j]->nrows, "%s batch %zu", rel, j);
            cr_expect_eq(c[j]->hash, w[j]->hash, "%s batch %zu holds other values", rel, j);
            cr_expect_eq(c[j]->first_of_relation, w[j]->first_of_relation,
                         "%s batch %zu: only the first shard opens the relation", rel, j);
        }
    }
    sink_free(&whole);
    for (k = 0; k < 3; k++)
        sink_free(&part[k]);
    plan_free(p);
}

/* ---------- an asynchronous sink: accepts into flight, learns fates late ---------- */

struct late_sink {
    struct fount_outcomes *oc;
    uint64_t batches;
    const struct fount_relation *inflight; /* a batch of 3 failures still to report */
};

static int late_write(void *ctx, const struct fount_batch *b, size_t *accepted,
                      struct fount_err *err)
{
    struct late_sink *s = ctx;

    (void)err;
    /* Fates of the previous batch arrive now: 3 of its records failed, maybe of another
     * relation than the one being written. Every batch was acknowledged after 2 ms. */
    if (s->inflight)
        sink_failed(s->oc, s->inflight, 3, s->batches % 2 ? "http 503" : "http 400");
    sink_latency(s->oc, b->rel, 2000000, b->nrows);
    s->inflight = b->rel;
    s->batches++;
    *accepted = b->nrows;
    return FOUNT_OK;
}

static int late_flush(void *ctx, int timeout_ms, struct fount_err *err)
{
    struct late_sink *s = ctx;

    (void)timeout_ms;
    (void)err;
    if (s->inflight)
        sink_failed(s->oc, s->inflight, 3, "undelivered at exit");
    s->inflight = NULL;
    return FOUNT_OK;
}

static const struct fount_sink_type late_sink_type = {
    .name = "late",
    .desc = "test sink: asynchronous",
    .opts = fs_opts,
    .ctx_size = sizeof(struct late_sink),
    .open = fs_open,
    .write_batch = late_write,
    .flush = late_flush,
    .close = fs_close,
    .reports_latency = 1,
};

Test(runner, late_failures_move_from_delivered_to_failed)
{
    struct plan *p = plan_new();
    struct fount_outcomes *oc = outcomes_new(p);
    struct late_sink s = {.oc = oc};
    struct run_result res;
    struct run_opts o;
    uint64_t failed = 0, classes = 0;
    size_t i;
    char *text = NULL;
    size_t len = 0;
    FILE *f;
    int rc;

    memset(&o, 0, sizeof o);
    o.threads = 2;
    o.shard_n = 1;
    o.sink_label = "late.0";
    o.outcomes = oc;
    oc->show_latency = 1;
    rc = runner_run(p, &late_sink_type, &s, &o, &res);
    cr_expect_eq(rc, 1, "failures make the exit status 1");
    for (i = 0; i < p->nents; i++) {
        cr_expect_eq(res.rel[i].generated, res.rel[i].delivered + res.rel[i].failed);
        failed += res.rel[i].failed;
    }
    cr_expect_eq(failed, 3 * s.batches, "every batch lost 3 records, the last at flush");
    for (i = 0; i < oc->nfc; i++)
        classes += oc->fc[i].n;
    cr_expect_eq(classes, failed);
    f = open_memstream(&text, &len);
    runner_summary(p, &res, f);
    fclose(f);
    cr_expect(strstr(text, "  a: failed: http") != NULL, "%s", text);
    cr_expect(strstr(text, "undelivered at exit 3") != NULL, "%s", text);
    cr_expect(strstr(text, "  b: latency p50 2 ms p90 2 ms p99 2 ms p99.9 2 ms max 2 ms") != NULL,
              "%s", text);
    /* the totals line stays last, for scripts that read it */
    cr_expect(strstr(text, "rows written") > strstr(text, "latency"), "%s", text);
    free(text);
    free(res.rel);
    outcomes_free(oc);
    plan_free(p);
}
