/* test_lifecycle.c: lifecycles and CDC streams (generator/lifecycle.h, cdc.h). Every path is a
 * valid walk of its state machine; transition frequencies match their probabilities (chi-square
 * over 10^5 instances) and dwell means their distributions; an instance's path is a pure function
 * of (seed, stream, instance), so counts, chunks and thread counts agree; CDC histories never
 * touch a key before its insert or after its delete, and each before is the previous after.
 * Profiles are written with ' for " to keep them readable. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdc.h"
#include "format.h"
#include "gen.h"
#include "lifecycle.h"
#include "profile.h"

/* ---------- helpers ---------- */

static char *unquote(const char *s)
{
    char *t = strdup(s), *p;

    cr_assert_not_null(t);
    for (p = t; *p; p++)
        if (*p == '\'')
            *p = '"';
    return t;
}

/* Compiles (and prepares, with `threads` counting threads) a profile; NULL and the errors in errs
 * when it is rejected. */
static struct plan *try_compile(const char *text, int threads, struct buf *errs)
{
    char *t = unquote(text);
    struct fount_err err;
    struct plan *p;
    int n = 0;

    buf_init(errs, 1 << 20);
    p = profile_load_text("t.json", t, strlen(t), errs, &n);
    free(t);
    if (p) {
        err.msg[0] = '\0';
        if (plan_prepare(p, 1, threads, NULL, &err)) {
            buf_puts(errs, err.msg);
            plan_free(p);
            p = NULL;
        }
    }
    buf_append(errs, "", 1);
    return p;
}

static struct plan *compile(const char *text, int threads)
{
    struct buf errs;
    struct plan *p = try_compile(text, threads, &errs);

    cr_assert_not_null(p, "profile rejected:\n%s", errs.data);
    buf_free(&errs);
    return p;
}

static struct entity *ent(const struct plan *p, const char *name)
{
    struct entity *e = plan_entity(p, name);

    cr_assert_not_null(e, "no relation %s", name);
    return e;
}

static int state_of(const struct lifecycle *lc, const char *name)
{
    int i;

    for (i = 0; i < lc->nstates; i++)
        if (!strcmp(lc->states[i].name, name))
            return i;
    cr_assert_fail("no state %s", name);
    return -1;
}

/* The probability of the transition a -> b (0 when there is none). */
static double prob_of(const struct lifecycle *lc, int a, int b)
{
    int k;

    for (k = 0; k < lc->states[a].nnext; k++)
        if (lc->states[a].next[k] == b)
            return lc->states[a].prob[k];
    return 0;
}

/* A value as text, "NULL" for nulls. */
static void cell(char *out, size_t n, const struct fount_value *v, const struct fount_column *c)
{
    size_t k;

    if (v->type == FV_NULL) {
        snprintf(out, n, "NULL");
        return;
    }
    k = fmt_value(out, n - 1, v, c);
    out[k] = '\0';
}

/* ---------- profiles ---------- */

/* An order's life: branches, a loop (paid -> disputed -> paid) and three terminal states. */
static const char orders[] =
    "{'seed': 11, 'entities': {"
    "  'customers': {'count': 50, 'fields': {'id': {'type': 'sequence'}}}},"
    " 'streams': {'order_events': {"
    "  'start': '2026-01-01T00:00:00Z', 'duration': '30m', 'rate': 60, 'key': 'order_id',"
    "  'lifecycle': {'initial': 'created', 'max_steps': 12, 'key_start': 1000, 'states': {"
    "    'created': {'next': {'paid': 0.7, 'cancelled': 0.2, 'expired': 0.1},"
    "                'dwell': {'type': 'exponential', 'rate': 0.01}},"
    "    'paid': {'next': {'shipped': 0.85, 'disputed': 0.15}, 'dwell': '10m'},"
    "    'disputed': {'next': {'paid': 0.5, 'cancelled': 0.5}, 'dwell': {'type': 'uniform', "
    "                 'min': 60, 'max': 180}},"
    "    'shipped': {'next': {'delivered': 1}},"
    "    'delivered': {}, 'cancelled': {}, 'expired': {}}},"
    "  'fields': {"
    "    'at': {'type': 'event_time', 'precision': 'us'},"
    "    'event_id': {'type': 'sequence', 'per_event': true},"
    "    'order_id': {'type': 'lifecycle_key'},"
    "    'state': {'type': 'lifecycle_state'},"
    "    'previous': {'type': 'lifecycle_previous'},"
    "    'step': {'type': 'lifecycle_step'},"
    "    'customer_id': {'type': 'ref', 'entity': 'customers'},"
    "    'amount': {'type': 'int', 'min': 1, 'max': 1000000}}}}}";

static const char cdc[] =
    "{'seed': 5, 'entities': {"
    "  'orders': {'count': 300, 'fields': {"
    "    'id': {'type': 'sequence', 'start': 1},"
    "    'status': {'type': 'choice', 'values': ['new', 'paid', 'shipped']},"
    "    'total': {'type': 'decimal', 'precision': 10, 'scale': 2, 'min': 1, 'max': 999},"
    "    'note': {'type': 'template', 'template': 'order {id} is {status}'},"
    "    'created_at': {'type': 'timestamp', 'min': '2025-01-01', 'max': '2025-12-31'},"
    "    'updated_at': {'type': 'timestamp', 'min': '2025-01-01', 'max': '2025-12-31',"
    "                   'precision': 'ms'}}}},"
    " 'streams': {'orders_cdc': {"
    "  'start': '2026-01-01T00:00:00Z', 'duration': '2h', 'rate': 2,"
    "  'cdc': {'entity': 'orders',"
    "    'updates': {'count': {'min': 0, 'max': 4}, 'after': {'type': 'exponential', "
    "                'rate': 0.002}, 'fields': ['status', 'total'], 'touch': ['updated_at']},"
    "    'deletes': {'probability': 0.25, 'after': '1h'}}}}}";

/* ---------- walks ---------- */

#define NWALKS 100000

Test(lifecycle, every_path_is_a_valid_walk)
{
    struct plan *p = compile(orders, 2);
    const struct lifecycle *lc = ent(p, "order_events")->lifecycle;
    uint64_t i, capped = 0;

    cr_assert_not_null(lc);
    for (i = 0; i < NWALKS; i++) {
        struct lc_walk w;
        int64_t t = 0;
        lc_walk_start(lc, i, 0, &w);
        cr_assert_eq(w.state, lc->initial);
        cr_assert_eq(w.prev, -1);
        while (lc_walk_next(lc, &w, 1)) {
            cr_assert_gt(prob_of(lc, w.prev, w.state), 0, "instance %llu: %s -> %s is no "
                         "transition", (unsigned long long)i, lc->states[w.prev].name,
                         lc->states[w.state].name);
            cr_assert_geq(w.time, t, "instance %llu: time went back", (unsigned long long)i);
            t = w.time;
        }
        cr_assert_lt(w.step, lc->max_steps);
        if (lc->states[w.state].nnext) { /* not terminal: only the cap may end it */
            cr_assert_eq(w.step + 1, lc->max_steps, "instance %llu stopped in %s at step %u",
                         (unsigned long long)i, lc->states[w.state].name, w.step);
            capped++;
        }
        cr_assert_eq(lc_path_len(lc, i), w.step + 1);
    }
    /* The paid <-> disputed loop reaches the cap now and then, but rarely. */
    cr_assert_lt(capped, NWALKS / 1000);
    plan_free(p);
}

/* Chi-square critical values at p = 0.001 for 1..3 degrees of freedom. */
static const double chi2_crit[] = {0, 10.83, 13.82, 16.27};

Test(lifecycle, transition_frequencies_match_probabilities)
{
    struct plan *p = compile(orders, 2);
    const struct lifecycle *lc = ent(p, "order_events")->lifecycle;
    double counts[LC_MAX_STATES][LC_MAX_STATES];
    uint64_t i;
    int a, b, k;

    memset(counts, 0, sizeof counts);
    for (i = 0; i < NWALKS; i++) {
        struct lc_walk w;
        lc_walk_start(lc, i, 0, &w);
        while (lc_walk_next(lc, &w, 0))
            counts[w.prev][w.state]++;
    }
    for (a = 0; a < lc->nstates; a++) {
        const struct lc_state *st = &lc->states[a];
        double n = 0, chi2 = 0;
        for (b = 0; b < lc->nstates; b++)
            n += counts[a][b];
        if (st->nnext < 2)
            continue;
        cr_assert_gt(n, 1000, "state %s left only %g times", st->name, n);
        for (k = 0; k < st->nnext; k++) {
            double want = n * st->prob[k], got = counts[a][st->next[k]];
            chi2 += (got - want) * (got - want) / want;
        }
        cr_expect_lt(chi2, chi2_crit[st->nnext - 1], "state %s: chi-square %.2f over %g exits",
                     st->name, chi2, n);
    }
    plan_free(p);
}

Test(lifecycle, dwell_times_follow_their_distributions)
{
    struct plan *p = compile(orders, 2);
    const struct lifecycle *lc = ent(p, "order_events")->lifecycle;
    int created = state_of(lc, "created"), paid = state_of(lc, "paid");
    int disputed = state_of(lc, "disputed");
    double sum[3] = {0}, n[3] = {0};
    uint64_t i;

    for (i = 0; i < NWALKS; i++) {
        struct lc_walk w;
        int64_t t;
        lc_walk_start(lc, i, 0, &w);
        t = w.time;
        while (lc_walk_next(lc, &w, 1)) {
            double d = (double)(w.time - t) / 1e6;
            int s = w.prev == created ? 0 : w.prev == paid ? 1 : w.prev == disputed ? 2 : -1;
            if (s >= 0) {
                sum[s] += d;
                n[s]++;
            }
            if (w.prev == paid)
                cr_assert_eq(w.time - t, 600000000, "\"10m\" is a constant dwell");
            if (w.prev == disputed)
                cr_assert(d >= 60 && d <= 180, "uniform dwell out of [60, 180]: %g", d);
            t = w.time;
        }
    }
    /* exponential, mean 100 s: standard error 100 / sqrt(n) < 0.4 s */
    cr_expect(fabs(sum[0] / n[0] - 100) < 2, "created: mean dwell %g s, want 100", sum[0] / n[0]);
    cr_expect(fabs(sum[2] / n[2] - 120) < 2, "disputed: mean dwell %g s, want 120",
              sum[2] / n[2]);
    plan_free(p);
}

Test(lifecycle, same_instance_same_path)
{
    struct plan *p = compile(orders, 1), *q = compile(orders, 2);
    const struct lifecycle *lc = ent(p, "order_events")->lifecycle;
    const struct lifecycle *lq = ent(q, "order_events")->lifecycle;
    uint64_t i;

    for (i = 0; i < 20000; i += 7) {
        struct lc_walk a, b;
        int more;
        lc_walk_start(lc, i, 12345, &a);
        lc_walk_start(lq, i, 12345, &b);
        do {
            cr_assert_eq(a.state, b.state);
            cr_assert_eq(a.time, b.time);
            more = lc_walk_next(lc, &a, 1);
            cr_assert_eq(more, lc_walk_next(lq, &b, 1));
        } while (more);
    }
    plan_free(p);
    plan_free(q);
}

/* ---------- counting and chunks ---------- */

Test(lifecycle, counts_and_chunks_agree_for_any_thread_count)
{
    struct plan *p = compile(orders, 1), *q = compile(orders, 2);
    struct entity *e = ent(p, "order_events"), *f = ent(q, "order_events");
    struct gen_buf gb;
    uint64_t c, r, total = 0, inst = 0, next = 0;
    int step_col = entity_field(e, "step"), key_col = entity_field(e, "order_id");

    cr_assert_eq(e->count, f->count);
    cr_assert_eq(e->nblocks, f->nblocks);
    for (c = 0; c <= e->nblocks; c++) {
        cr_assert_eq(e->prefix[c], f->prefix[c]);
        cr_assert_eq(e->iprefix[c], f->iprefix[c]);
    }
    for (c = 0; c < e->iprefix[e->nblocks]; c++)
        total += lc_path_len(e->lifecycle, c);
    cr_assert_eq(total, e->count, "walks sum to %llu records, count is %llu",
                 (unsigned long long)total, (unsigned long long)e->count);
    cr_assert_gt(e->nblocks, 2, "the test wants several chunks");
    gen_buf_init(&gb);
    for (c = 0; c < plan_nchunks(e); c++) {
        struct fount_batch b;
        gen_chunk(e, c, &gb, &b);
        cr_assert_eq(b.first_row, next);
        for (r = 0; r < b.nrows; r++) {
            const struct fount_value *v = b.vals + r * e->nfields;
            if (v[step_col].v.i == 0) /* a new instance, in creation order */
                cr_assert_eq(v[key_col].v.i, 1000 + (int64_t)inst++);
            else
                cr_assert(r > 0, "chunk %llu starts inside an instance", (unsigned long long)c);
        }
        next += b.nrows;
    }
    cr_assert_eq(next, e->count);
    cr_assert_eq(inst, e->iprefix[e->nblocks]);
    gen_buf_free(&gb);
    plan_free(p);
    plan_free(q);
}

/* Fields are drawn per instance, except per_event ones; the event time is the walk's. */
Test(lifecycle, events_of_an_instance_share_its_fields)
{
    struct plan *p = compile(orders, 2);
    struct entity *e = ent(p, "order_events");
    const struct lifecycle *lc = e->lifecycle;
    int cust = entity_field(e, "customer_id"), amount = entity_field(e, "amount");
    int id = entity_field(e, "event_id"), step = entity_field(e, "step");
    int state = entity_field(e, "state"), prev = entity_field(e, "previous");
    int at = entity_field(e, "at");
    struct gen_buf gb;
    struct fount_batch b;
    struct lc_walk w;
    uint64_t r, inst = 0;

    gen_buf_init(&gb);
    gen_chunk(e, 1, &gb, &b);
    inst = e->iprefix[1];
    for (r = 0; r < b.nrows; r++) {
        const struct fount_value *v = b.vals + r * e->nfields, *v0;
        char s[64], want[64];
        if (v[step].v.i == 0) {
            if (r)
                inst++;
            lc_walk_start(lc, inst, v[at].v.i, &w);
            cr_assert_eq(v[prev].type, FV_NULL);
        } else {
            cr_assert(lc_walk_next(lc, &w, 1));
            v0 = v - v[step].v.i * (int64_t)e->nfields;
            cr_assert_eq(v[cust].v.i, v0[cust].v.i);
            cr_assert_eq(v[amount].v.i, v0[amount].v.i);
            cell(s, sizeof s, &v[prev], &e->cols[prev]);
            cr_assert_str_eq(s, lc->states[w.prev].name);
        }
        cr_assert_eq(v[at].v.i, w.time);
        cr_assert_eq(v[id].v.i, 1 + (int64_t)(b.first_row + r), "per_event: the record index");
        cell(s, sizeof s, &v[state], &e->cols[state]);
        snprintf(want, sizeof want, "%s", lc->states[w.state].name);
        cr_assert_str_eq(s, want);
    }
    gen_buf_free(&gb);
    plan_free(p);
}

Test(lifecycle, events_bound_cuts_records)
{
    static const char text[] =
        "{'streams': {'s': {'events': 1000, 'rate': 10, 'lifecycle': {'initial': 'a',"
        " 'states': {'a': {'next': {'b': 1}, 'dwell': '1s'}, 'b': {'next': {'c': 1}}, 'c': {}}},"
        " 'fields': {'t': {'type': 'event_time'}, 'k': {'type': 'lifecycle_key'}}}}}";
    struct plan *p = compile(text, 2);
    struct entity *e = ent(p, "s");

    cr_assert_eq(e->count, 1000);
    cr_assert_float_eq(e->lifecycle->mean_records, 3.0, 1e-9);
    plan_free(p);
}

/* ---------- CDC ---------- */

struct rowstate {
    int state;        /* 0 never seen, 1 live, 2 deleted */
    char *image;      /* current after */
    int64_t ts;
};

static char *text_of(const struct fount_value *v)
{
    char *s;

    if (v->type == FV_NULL)
        return NULL;
    cr_assert_eq(v->type, FV_JSON);
    s = malloc(v->len + 1);
    memcpy(s, v->v.s, v->len);
    s[v->len] = '\0';
    return s;
}

Test(cdc, replaying_the_envelopes_rebuilds_a_consistent_table)
{
    struct plan *p = compile(cdc, 2);
    struct entity *e = ent(p, "orders_cdc"), *t = ent(p, "orders");
    const struct cdc *d = e->lifecycle->cdc;
    uint64_t n = e->iprefix[e->nblocks], c, r, deletes = 0, updates = 0, inserts = 0;
    struct rowstate *rows = calloc(n + 1, sizeof *rows);
    struct gen_buf gb;

    cr_assert_eq(d->first_row, t->count, "inserts come after the seeded rows by default");
    gen_buf_init(&gb);
    for (c = 0; c < plan_nchunks(e); c++) {
        struct fount_batch b;
        gen_chunk(e, c, &gb, &b);
        for (r = 0; r < b.nrows; r++) {
            const struct fount_value *v = b.vals + r * e->nfields;
            char op = v[0].v.s[0], *before = text_of(&v[3]), *after = text_of(&v[4]);
            int64_t key = v[2].v.i;
            struct rowstate *rs;
            cr_assert_gt(key, (int64_t)t->count, "key %lld is a seeded row", (long long)key);
            cr_assert_leq((uint64_t)key, t->count + n);
            rs = &rows[key - (int64_t)t->count - 1];
            if (op == 'c') {
                cr_assert_eq(rs->state, 0, "insert of key %lld that exists or was deleted",
                             (long long)key);
                cr_assert_null(before);
                cr_assert_not_null(after);
                rs->state = 1;
                inserts++;
            } else {
                cr_assert_eq(rs->state, 1, "%c of key %lld that is not live", op, (long long)key);
                cr_assert_str_eq(before, rs->image, "before of %c is not the current row", op);
                cr_assert_geq(v[1].v.i, rs->ts);
                if (op == 'd') {
                    cr_assert_null(after);
                    rs->state = 2;
                    deletes++;
                } else {
                    cr_assert_eq(op, 'u');
                    cr_assert_not_null(after);
                    cr_assert_str_neq(before, after, "an update touches updated_at at least");
                    updates++;
                }
            }
            free(rs->image);
            rs->image = after;
            rs->ts = v[1].v.i;
            free(before);
        }
    }
    cr_assert_eq(inserts, n);
    /* 2 updates per row on average, a quarter deleted: n is about 14400 */
    cr_expect(fabs((double)deletes / (double)n - 0.25) < 0.02, "deletes %llu of %llu",
              (unsigned long long)deletes, (unsigned long long)n);
    cr_expect(fabs((double)updates / (double)n - 2) < 0.1, "updates %llu of %llu",
              (unsigned long long)updates, (unsigned long long)n);
    for (r = 0; r < n; r++)
        free(rows[r].image);
    free(rows);
    gen_buf_free(&gb);
    plan_free(p);
}

/* Version v of a row differs from v - 1 only in the updated and touched fields and what reads
 * them (the template); version 0 is the entity's own row, but for the touched timestamp. */
Test(cdc, row_versions_change_only_what_they_say)
{
    struct plan *p = compile(cdc, 2);
    const struct cdc *d = ent(p, "orders_cdc")->lifecycle->cdc;
    const struct entity *t = d->entity;
    struct fount_value a[16], b[16];
    struct arena ar;
    uint64_t row, v;
    size_t j;
    int changed_total = 0;

    arena_init(&ar, 1 << 16);
    for (row = 300; row < 400; row++) {
        struct rowpos pos = {row, 0, 0, 0, 0, NULL};
        struct row_change ch = {d->change, d->update_key, 0, 1767225600000000LL};
        gen_row(t, &pos, a, &ar);
        gen_row_changed(t, row, &ch, b, &ar);
        for (j = 0; j < t->nfields; j++) {
            char x[256], y[256];
            cell(x, sizeof x, &a[j], &t->cols[j]);
            cell(y, sizeof y, &b[j], &t->cols[j]);
            if (!strcmp(t->fields[j].name, "updated_at"))
                cr_assert_str_eq(y, "2026-01-01T00:00:00.000Z");
            else
                cr_assert_str_eq(x, y, "version 0 of row %llu differs in %s",
                                 (unsigned long long)row, t->fields[j].name);
        }
        for (v = 1; v < 4; v++) {
            memcpy(a, b, sizeof a);
            ch.version = v;
            ch.time += 1000000;
            gen_row_changed(t, row, &ch, b, &ar);
            for (j = 0; j < t->nfields; j++) {
                const char *name = t->fields[j].name;
                char x[256], y[256];
                cell(x, sizeof x, &a[j], &t->cols[j]);
                cell(y, sizeof y, &b[j], &t->cols[j]);
                if (!strcmp(name, "status") || !strcmp(name, "total") || !strcmp(name, "note"))
                    changed_total += strcmp(x, y) != 0;
                else if (strcmp(name, "updated_at"))
                    cr_assert_str_eq(x, y, "version %llu changed %s", (unsigned long long)v,
                                     name);
            }
        }
        arena_reset(&ar);
    }
    cr_assert_gt(changed_total, 300, "updates redraw their fields");
    arena_free(&ar);
    plan_free(p);
}

Test(cdc, columns_and_json_encoders)
{
    struct plan *p = compile(cdc, 2);
    struct entity *e = ent(p, "orders_cdc");
    struct fount_encoder jl = {FMT_JSONL, DIALECT_SQLITE}, csv = {FMT_CSV, DIALECT_SQLITE};
    struct fount_encoder sql = {FMT_SQL, DIALECT_POSTGRES};
    struct gen_buf gb;
    struct fount_batch b;
    struct buf out;
    char tmp[64];

    cr_assert_eq(e->nfields, 6);
    cr_assert_str_eq(e->cols[0].name, "op");
    cr_assert_eq(e->cols[3].type, FV_JSON);
    cr_assert_eq(e->rel.key_col, 2);
    cr_assert_str_eq(schema_type(DIALECT_POSTGRES, &e->cols[4], tmp, sizeof tmp), "JSONB");
    cr_assert_str_eq(schema_type(DIALECT_MYSQL, &e->cols[4], tmp, sizeof tmp), "JSON");
    cr_assert_str_eq(schema_type(DIALECT_SQLITE, &e->cols[4], tmp, sizeof tmp), "TEXT");
    gen_buf_init(&gb);
    buf_init(&out, 1 << 20);
    gen_chunk(e, 0, &gb, &b);
    b.nrows = 1;
    cr_assert_eq(encode_batch(&jl, &b, &out), 0);
    buf_append(&out, "", 1);
    cr_assert(strstr(out.data, "{\"op\":\"c\",\"ts_ms\":1767225"), "%s", out.data);
    cr_assert(strstr(out.data, ",\"before\":null,\"after\":{\"id\":301,\"status\":"), "%s",
              out.data);
    cr_assert(strstr(out.data, "\"source\":{\"version\":\"" FOUNT_VERSION "\",\"connector\":"
                               "\"fount\",\"name\":\"orders_cdc\",\"ts_ms\":"), "%s", out.data);
    cr_assert(strstr(out.data, ",\"db\":\"fount\",\"table\":\"orders\",\"seq\":0}}\n"), "%s",
              out.data);
    buf_reset(&out);
    cr_assert_eq(encode_batch(&csv, &b, &out), 0);
    buf_append(&out, "", 1);
    cr_assert(strstr(out.data, ",,\"{\"\"id\"\":301,"), "%s", out.data);
    buf_reset(&out);
    cr_assert_eq(encode_batch(&sql, &b, &out), 0);
    buf_append(&out, "", 1);
    cr_assert(strstr(out.data, ",NULL,'{\"id\":301,"), "%s", out.data);
    buf_free(&out);
    gen_buf_free(&gb);
    plan_free(p);
}

/* ---------- validation ---------- */

#define LC_HEAD "{'entities': {'o': {'count': 10, 'fields': {'id': {'type': 'sequence'}, " \
                "'s': {'type': 'choice', 'values': ['a']}, 'u': {'type': 'string', "      \
                "'pattern': '##', 'unique': true}}}, "                                   \
                "'p': {'per': {'entity': 'o', 'count': 1}, "                              \
                "'fields': {'id': {'type': 'sequence'}}}}, "                            \
                "'streams': {'s': {'duration': '10s', 'rate': 1, "
#define LC_FIELDS ", 'fields': {'t': {'type': 'event_time'}, 'k': {'type': 'lifecycle_key'}}}}}"
#define LC_OK "'lifecycle': {'initial': 'a', 'states': {'a': {'next': {'b': 1}}, 'b': {}}}"

static const struct {
    const char *profile, *want;
} bad[] = {
    {LC_HEAD "'lifecycle': {'initial': 'a', 'states': {'a': {'next': {'b': 0.5}}, 'b': {}}}"
     LC_FIELDS, "lifecycle.states.a.next: the probabilities add up to 0.5, not 1"},
    {LC_HEAD "'lifecycle': {'initial': 'a', 'states': {'a': {'next': {'bb': 1}}, 'b': {}}}"
     LC_FIELDS, "states.a.next.bb: unknown state \"bb\" (did you mean \"b\"?)"},
    {LC_HEAD "'lifecycle': {'initial': 'x', 'states': {'a': {'next': {'b': 1}}, 'b': {}}}"
     LC_FIELDS, "lifecycle.initial: unknown state \"x\""},
    {LC_HEAD "'lifecycle': {'states': {'a': {'next': {'b': 1}}, 'b': {}}}" LC_FIELDS,
     "lifecycle.initial: missing required key \"initial\""},
    {LC_HEAD "'lifecycle': {'initial': 'a', 'states': {'a': {'next': {'b': 1}}, 'b': {}, "
             "'c': {}}}" LC_FIELDS, "lifecycle.states.c: unreachable from the initial state"},
    {LC_HEAD "'lifecycle': {'initial': 'a', 'states': {'a': {'next': {'b': 1}}, "
             "'b': {'next': {'a': 1}}}}" LC_FIELDS, "lifecycle.states: no terminal state"},
    {LC_HEAD "'lifecycle': {'initial': 'a', 'states': {'a': {'next': {'b': 1.5}}, 'b': {}}}"
     LC_FIELDS, "states.a.next.b: expected a probability between 0 and 1"},
    {LC_HEAD LC_OK ", 'faults': {'duplicates': {'rate': 0.1}}" LC_FIELDS,
     "s.faults.duplicates: not supported on lifecycle streams yet"},
    {LC_HEAD LC_OK ", 'faults': {'late': {'rate': 0.1}}" LC_FIELDS,
     "s.faults.late: not supported on lifecycle streams yet"},
    {LC_HEAD LC_OK ", 'fields': {'t': {'type': 'event_time'}, 'n': {'type': 'sequence', "
                   "'unique': true}}}}}", "fields.n.unique: a field of a lifecycle stream"},
    {LC_HEAD "'lifecycle': {'initial': 'a', 'entity': 'p', 'states': {'a': {}}}" LC_FIELDS,
     "lifecycle.entity: entities.p is a \"per\" entity"},
    {LC_HEAD "'lifecycle': {'initial': 'a', 'entity': 'o', 'key_start': 3, 'states': "
             "{'a': {}}}" LC_FIELDS, "give either \"entity\""},
    {LC_HEAD "'fields': {'t': {'type': 'event_time'}, 'k': {'type': 'lifecycle_key'}}}}}",
     "fields.k.type: lifecycle_key exists only in streams with a \"lifecycle\""},
    {LC_HEAD "'fields': {'t': {'type': 'event_time'}, 'k': {'type': 'int', 'min': 1, "
             "'max': 2, 'per_event': true}}}}}",
     "fields.k.per_event: unknown key \"per_event\""},
    {LC_HEAD "'cdc': {'entity': 'oo'}}}}", "cdc.entity: no entity named \"oo\" (did you mean "
                                          "\"o\"?)"},
    {LC_HEAD "'cdc': {'entity': 'o', 'updates': {'count': 1, 'fields': ['id']}}}}}",
     "updates.fields[0]: the primary key (and what it is made from) never changes"},
    {LC_HEAD "'cdc': {'entity': 'o', 'updates': {'count': 1, 'fields': ['u']}}}}}",
     "updates.fields[0]: a unique field cannot be updated"},
    {LC_HEAD "'cdc': {'entity': 'o', 'updates': {'count': 1, 'touch': ['s']}}}}}",
     "updates.touch[0]: touch takes timestamp and date fields"},
    {LC_HEAD "'cdc': {'entity': 'o', 'updates': {'count': 1}}}}}",
     "cdc.updates: an update must change something"},
    {LC_HEAD "'cdc': {'entity': 'o', 'updates': {'count': 1, 'fields': ['ss']}}}}}",
     "entities.o has no field \"ss\" (did you mean \"s\"?)"},
    {LC_HEAD "'cdc': {'entity': 'o'}, 'key': 'key'}}}", "s.key: a CDC stream is keyed by"},
    {LC_HEAD "'cdc': {'entity': 'o'}" LC_FIELDS, "s.fields: a CDC stream's columns are op"},
    {LC_HEAD "'cdc': {'entity': 'o'}, " LC_OK "}}}", "s.cdc: give either \"lifecycle\" or "
                                                      "\"cdc\""},
    {LC_HEAD "'cdc': {'entity': 'o', 'deletes': {'probability': 1.5}}}}}",
     "deletes.probability: must be between 0 and 1"},
    /* 10 seeded rows, 100 unique "##" codes: inserts past row 100 would repeat them */
    {"{'entities': {'o': {'count': 10, 'fields': {'id': {'type': 'sequence'}, 'u': {'type': "
     "'string', 'pattern': '##', 'unique': true}}}}, 'streams': {'s': {'duration': '5m', "
     "'rate': 1, 'cdc': {'entity': 'o'}}}}", "cdc: inserts rows up to"},
};

Test(lifecycle, bad_profiles_are_reported_where_they_are_wrong)
{
    size_t i;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct buf errs;
        struct plan *p = try_compile(bad[i].profile, 2, &errs);
        cr_expect_null(p, "case %zu accepted, want %s", i, bad[i].want);
        cr_expect(strstr(errs.data, bad[i].want) != NULL, "case %zu: want \"%s\" in:\n%s", i,
                  bad[i].want, errs.data);
        plan_free(p);
        buf_free(&errs);
    }
}

Test(lifecycle, good_small_profiles_compile)
{
    static const char *const good[] = {
        LC_HEAD LC_OK LC_FIELDS,
        LC_HEAD "'lifecycle': {'initial': 'a', 'entity': 'o', 'states': {'a': {}}}" LC_FIELDS,
        LC_HEAD "'cdc': {'entity': 'o', 'first_row': 0, 'updates': {'count': {'type': "
                "'poisson', 'lambda': 2, 'max': 5}, 'fields': ['s']}}}}}",
    };
    size_t i;

    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct buf errs;
        struct plan *p = try_compile(good[i], 2, &errs);
        cr_expect_not_null(p, "case %zu rejected:\n%s", i, errs.data);
        plan_free(p);
        buf_free(&errs);
    }
}
