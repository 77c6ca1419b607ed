/* test_workload.c: the workload's model without a database: the profile section, the op
 * sequence (deterministic for a seed, weights kept), the schedule (due times on the rate curve,
 * new rows numbered after the existing ones, children per parent), the forward-only lifecycle,
 * the delete order, and the latency histogram. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "plan.h"
#include "profile.h"
#include "workload.h"

static const char *const base_profile =
    "{\"seed\": %d, \"entities\": {"
    "\"customers\": {\"count\": 100, \"fields\": {\"id\": {\"type\": \"sequence\"}}},"
    "\"orders\": {\"count\": 1000, \"fields\": {\"id\": {\"type\": \"sequence\"},"
    "  \"customer_id\": {\"type\": \"ref\", \"entity\": \"customers\"},"
    "  \"status\": {\"type\": \"choice\", \"values\": [\"new\", \"paid\", \"sent\", \"done\", \"void\"]},"
    "  \"total\": {\"type\": \"decimal\", \"precision\": 10, \"scale\": 2, \"min\": 1, \"max\": 100}}},"
    "\"items\": {\"per\": {\"entity\": \"orders\", \"count\": {\"min\": 1, \"max\": 4}},"
    "  \"fields\": {\"id\": {\"type\": \"sequence\"}, \"order_id\": {\"type\": \"ref\", \"entity\": \"orders\"}}},"
    "\"notes\": {\"count\": 10, \"fields\": {\"id\": {\"type\": \"sequence\"},"
    "  \"item_id\": {\"type\": \"ref\", \"entity\": \"items\"}}}},"
    "\"workload\": {\"rate\": %s, \"transactions\": {"
    "  \"add\": {\"type\": \"insert\", \"entity\": \"orders\", \"weight\": %d},"
    "  \"move\": {\"type\": \"update\", \"entity\": \"orders\", \"weight\": %d,"
    "           \"lifecycle\": {\"status\": [\"new\", \"paid\", \"sent\", \"done\"]}, \"set\": [\"total\"]},"
    "  \"drop\": {\"type\": \"delete\", \"entity\": \"orders\", \"weight\": %d}}}}";

static struct plan *compile(int seed, const char *rate, int w0, int w1, int w2)
{
    char text[4096];
    struct buf errs;
    int n = 0;
    struct plan *p;
    struct fount_err err;

    snprintf(text, sizeof text, base_profile, seed, rate, w0, w1, w2);
    buf_init(&errs, 1 << 20);
    p = profile_load_text("t.json", text, strlen(text), &errs, &n);
    if (!p)
        cr_assert_fail("profile did not compile: %.*s", (int)errs.len, errs.data);
    buf_free(&errs);
    cr_assert_eq(plan_prepare(p, 1, 1, NULL, &err), 0, "prepare: %s", err.msg);
    cr_assert_not_null(p->workload);
    return p;
}

/* The rows each entity holds at the start: its count. */
static uint64_t *start_rows(const struct plan *p)
{
    uint64_t *rows = calloc(p->nents + 1, sizeof *rows);
    size_t i;

    for (i = 0; i < p->nents; i++)
        rows[i] = p->ents[i].count;
    return rows;
}

Test(workload, profile_section)
{
    struct plan *p = compile(1, "20", 5, 4, 1);
    const struct workload *w = p->workload;

    cr_assert_eq(w->ntxns, 3);
    cr_assert_eq(w->txns[0].kind, WL_INSERT);
    cr_assert_eq(w->txns[0].nchildren, 1, "children default to every per entity");
    cr_assert_str_eq(w->txns[0].children[0]->name, "items");
    cr_assert_eq(w->txns[1].nstates, 4);
    cr_assert_eq(w->txns[1].nset, 1);
    cr_assert_float_eq(w->cum[0], 0.5, 1e-12);
    cr_assert_float_eq(w->cum[1], 0.9, 1e-12);
    cr_assert_float_eq(w->cum[2], 1.0, 0);
    cr_assert_float_eq(w->clock.rate.base, 20, 0);
    plan_free(p);
}

/* A delete clears items (which refer to orders) and notes (which refer to items) first: the
 * deepest table comes last in deps and is deleted first. */
Test(workload, delete_clears_dependents_deepest_first)
{
    struct plan *p = compile(1, "20", 5, 4, 1);
    const struct wl_txn *d = &p->workload->txns[2];

    cr_assert_eq(d->ndeps, 2);
    cr_assert_str_eq(d->deps[0].entity->name, "items");
    cr_assert_null(d->deps[0].via);
    cr_assert_str_eq(d->deps[1].entity->name, "notes");
    cr_assert_eq(d->deps[1].via, &d->deps[0]);
    plan_free(p);
}

Test(workload, op_sequence_is_a_pure_function_of_seed_and_index)
{
    struct plan *a = compile(7, "20", 5, 4, 1), *b = compile(7, "20", 5, 4, 1);
    struct plan *c = compile(8, "20", 5, 4, 1);
    struct wl_op x, y;
    uint64_t i, same_c = 0;

    for (i = 0; i < 2000; i++) {
        workload_op(a->workload, i, &x);
        workload_op(b->workload, i, &y);
        cr_assert_eq(x.txn, y.txn);
        cr_assert_eq(x.pick, y.pick);
        workload_op(c->workload, i, &y);
        same_c += x.txn == y.txn && x.pick == y.pick;
    }
    /* out of order gives the same op */
    workload_op(a->workload, 1234, &x);
    workload_op(b->workload, 1234, &y);
    cr_assert_eq(x.pick, y.pick);
    cr_assert_lt(same_c, 10, "another seed, another sequence");
    plan_free(a);
    plan_free(b);
    plan_free(c);
}

/* --seed after loading (plan_set_seed) gives what the profile's seed gives. */
Test(workload, reseed_equals_profile_seed)
{
    struct plan *a = compile(7, "20", 5, 4, 1), *b = compile(3, "20", 5, 4, 1);
    struct wl_op x, y;
    uint64_t i;

    plan_set_seed(b, 7);
    for (i = 0; i < 100; i++) {
        workload_op(a->workload, i, &x);
        workload_op(b->workload, i, &y);
        cr_assert_eq(x.txn, y.txn);
        cr_assert_eq(x.pick, y.pick);
    }
    plan_free(a);
    plan_free(b);
}

Test(workload, weights_are_kept)
{
    static const struct { int w[3]; } cases[] = {
        {{5, 4, 1}}, {{1, 1, 1}}, {{0, 1, 0}}, {{98, 1, 1}}, {{1, 0, 3}},
    };
    size_t k;

    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct plan *p = compile(11, "20", cases[k].w[0], cases[k].w[1], cases[k].w[2]);
        double sum = cases[k].w[0] + cases[k].w[1] + cases[k].w[2];
        uint64_t seen[3] = {0, 0, 0}, i, n = 100000;
        struct wl_op op;
        int t;
        for (i = 0; i < n; i++) {
            workload_op(p->workload, i, &op);
            seen[op.txn]++;
        }
        for (t = 0; t < 3; t++) {
            double want = cases[k].w[t] / sum, got = (double)seen[t] / (double)n;
            /* 5 standard deviations of a binomial proportion, and exactly 0 for weight 0 */
            double tol = 5 * sqrt(want * (1 - want) / (double)n);
            cr_assert(fabs(got - want) <= tol, "case %zu txn %d: %.4f, want %.4f", k, t, got, want);
            if (!cases[k].w[t])
                cr_assert_eq(seen[t], 0);
        }
        plan_free(p);
    }
}

Test(workload, lifecycle_only_moves_forward)
{
    struct plan *p = compile(1, "20", 5, 4, 1);
    const struct wl_txn *t = &p->workload->txns[1];
    static const struct { const char *cur; const char *want; } cases[] = {
        {"new", "paid"}, {"paid", "sent"}, {"sent", "done"}, {"done", NULL}, {"void", NULL},
        {"", NULL}, {"NEW", NULL},
    };
    size_t k;

    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int cur = workload_state_index(t, cases[k].cur, strlen(cases[k].cur));
        int next = workload_next_state(t, cur);
        if (!cases[k].want)
            cr_assert_eq(next, -1, "%s has no next state", cases[k].cur);
        else {
            cr_assert_str_eq(t->states[next], cases[k].want);
            cr_assert_gt(next, cur, "forward only");
        }
    }
    plan_free(p);
}

/* The schedule: due times follow the rate (about rate * duration ops), ascending; new rows are
 * numbered after the existing ones in op order; children of a new row follow each other. */
Test(workload, schedule_numbers_rows_and_follows_the_rate)
{
    static const struct { const char *rate; double per_s; } cases[] = {
        {"50", 50}, {"400", 400}, {"{\"base\": 100, \"steps\": [{\"at\": \"5s\", \"rate\": 300}]}", 200},
    };
    size_t k;

    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct plan *p = compile(5, cases[k].rate, 5, 4, 1);
        struct entity *orders = plan_entity(p, "orders"), *items = plan_entity(p, "items");
        uint64_t *rows = start_rows(p), n = 0, next_order = orders->count;
        uint64_t next_item = items->count;
        struct wl_sched s;
        struct wl_task t;
        int64_t last = -1;
        wl_sched_init(&s, p->workload, p, rows, 1, 0, 1767225600000000LL, 10000000);
        while (wl_sched_next(&s, &t) == 1) {
            const struct wl_txn *x = &p->workload->txns[t.op.txn];
            cr_assert_geq(t.due_us, last);
            cr_assert_lt(t.due_us, 10000000);
            last = t.due_us;
            if (x->kind == WL_INSERT) {
                cr_assert_eq(t.row, next_order++);
                cr_assert_eq(t.child_first[0], next_item);
                cr_assert_eq(t.child_n[0], plan_children_of(items, t.row));
                cr_assert(t.child_n[0] >= 1 && t.child_n[0] <= 4);
                next_item += t.child_n[0];
            } else
                cr_assert_lt(t.row, next_order, "updates and deletes pick among rows that exist");
            n++;
        }
        cr_assert(fabs((double)n - cases[k].per_s * 10) < 6 * sqrt(cases[k].per_s * 10),
                  "case %zu: %llu ops in 10 s", k, (unsigned long long)n);
        cr_assert_eq(wl_sched_remaining(&s, 10000000), 0);
        wl_sched_free(&s);
        free(rows);
        plan_free(p);
    }
}

/* The same schedule twice: the same tasks. --events bounds it; remaining() counts what is left. */
Test(workload, schedule_is_deterministic_and_bounded)
{
    struct plan *p = compile(9, "100", 5, 4, 1);
    uint64_t *rows = start_rows(p);
    struct wl_sched a, b;
    struct wl_task x, y;
    int n = 0;

    wl_sched_init(&a, p->workload, p, rows, 1, 250, 0, 0);
    wl_sched_init(&b, p->workload, p, rows, 1, 250, 0, 0);
    while (wl_sched_next(&a, &x) == 1) {
        cr_assert_eq(wl_sched_next(&b, &y), 1);
        cr_assert_eq(memcmp(&x, &y, sizeof x), 0, "task %d differs", n);
        n++;
    }
    cr_assert_eq(n, 250);
    cr_assert_eq(wl_sched_next(&b, &y), 0);
    wl_sched_free(&a);
    wl_sched_free(&b);
    wl_sched_init(&a, p->workload, p, rows, 1, 0, 0, 2000000);
    for (n = 0; n < 50; n++)
        cr_assert_eq(wl_sched_next(&a, &x), 1);
    {
        uint64_t left = wl_sched_remaining(&a, 2000000), more = 0;
        while (wl_sched_next(&a, &x) == 1)
            more++;
        cr_assert_eq(left, more);
    }
    wl_sched_free(&a);
    free(rows);
    plan_free(p);
}

Test(workload, histogram_percentiles_within_7_percent)
{
    static const uint64_t values[] = {0, 1, 15, 16, 17, 100, 999, 1000, 12345, 1000000,
                                      123456789, 1ULL << 40};
    struct wl_txn_stats s;
    size_t k;
    int i;

    for (k = 0; k < sizeof values / sizeof values[0]; k++) {
        double v = workload_hist_value(workload_hist_bucket(values[k]));
        cr_assert(fabs(v - (double)values[k]) <= 0.07 * (double)values[k] + 0.5,
                  "%llu -> %g", (unsigned long long)values[k], v);
    }
    memset(&s, 0, sizeof s);
    for (i = 1; i <= 1000; i++) { /* 1 ms .. 1000 ms */
        s.hist[workload_hist_bucket((uint64_t)i * 1000)]++;
        s.max_us = (uint64_t)i * 1000;
    }
    cr_assert(fabs(workload_percentile(&s, 0.5) - 500000) < 0.07 * 500000);
    cr_assert(fabs(workload_percentile(&s, 0.99) - 990000) < 0.07 * 990000);
    cr_assert_leq(workload_percentile(&s, 1.0), 1000000);
}
