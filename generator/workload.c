/* workload.c: the workload's model (workload.h): which op comes next and when, the new rows it
 * makes, its latency histogram, and the summary. Pure functions of the plan and the op index,
 * except the schedule, which numbers new rows in op order.
 * The latency histogram is a small log-linear one of its own (16 linear steps per power of two,
 * under 6.3% error), kept here so that the shared histogram of issue 9 can replace it.
 * Leaves out: connections and SQL (workload_run.c, sinks/wl_*.c), the profile (profile_workload.c). */
#include "workload.h"

#include <math.h>
#include <stdlib.h>

#include "plan.h"

#define WL_SUB 16 /* linear sub-buckets per power of two */
#define WL_IDLE_WINDOWS 600 /* empty windows the schedule skips in one call (60 s) */

static const char *const kind_names[] = {"insert", "update", "delete"};

void workload_reseed(struct workload *w, uint64_t seed)
{
    int i;

    if (!w)
        return;
    w->op_key = fount_key(seed, "(workload)", "", "op");
    w->clock.count_key = fount_key(seed, "(workload)", "", "count");
    w->clock.time_key = fount_key(seed, "(workload)", "", "time");
    w->clock.rate.burst_key = fount_key(seed, "(workload)", "", "burst");
    for (i = 0; i < w->ntxns; i++)
        w->txns[i].value_key = fount_key(seed, "(workload)", w->txns[i].name, "value");
}

void workload_free(struct workload *w)
{
    int i, j;

    if (!w)
        return;
    for (i = 0; i < w->ntxns; i++) {
        free(w->txns[i].name);
        for (j = 0; j < w->txns[i].nstates; j++)
            free(w->txns[i].states[j]);
    }
    free(w);
}

void workload_op(const struct workload *w, uint64_t i, struct wl_op *op)
{
    struct pcg32 g;
    double u;
    int t = 0;

    fount_rng_at(&g, w->op_key, i);
    u = pcg32_double(&g);
    while (t < w->ntxns - 1 && u >= w->cum[t])
        t++;
    op->index = i;
    op->txn = t;
    op->pick = pcg32_double(&g);
}

int workload_next_state(const struct wl_txn *t, int cur)
{
    return cur >= 0 && cur + 1 < t->nstates ? cur + 1 : -1;
}

int workload_state_index(const struct wl_txn *t, const char *s, size_t len)
{
    int i;

    for (i = 0; i < t->nstates; i++)
        if (strlen(t->states[i]) == len && !memcmp(t->states[i], s, len))
            return i;
    return -1;
}

/* ---------------------------------------------------------------- the schedule */

void wl_sched_init(struct wl_sched *s, const struct workload *w, const struct plan *p,
                   const uint64_t *rows, int pace, uint64_t max_ops, int64_t start_us,
                   int64_t duration_us)
{
    memset(s, 0, sizeof *s);
    s->w = w;
    s->clock = w->clock;
    s->clock.start_us = start_us;
    if (duration_us > 0)
        s->clock.duration_us = duration_us;
    s->plan = p;
    s->pace = pace;
    s->max_ops = max_ops;
    s->rows = xcalloc(p->nents + 1, sizeof *s->rows);
    s->base = xcalloc(p->nents + 1, sizeof *s->base);
    memcpy(s->rows, rows, p->nents * sizeof *rows);
    memcpy(s->base, rows, p->nents * sizeof *rows);
    s->window = (uint64_t)-1; /* none loaded yet */
}

void wl_sched_free(struct wl_sched *s)
{
    if (!s)
        return;
    free(s->rows);
    free(s->base);
    free(s->times);
    s->rows = s->base = NULL;
    s->times = NULL;
}

static int window_past_end(const struct stream *c, uint64_t w)
{
    return c->duration_us > 0 && (int64_t)w * c->window_us >= c->duration_us;
}

/* Moves to the next window that has arrivals. 1: loaded; 0: the clock has ended; -1: only empty
 * windows for a while (the caller waits until the next window's start and asks again). */
static int next_window(struct wl_sched *s)
{
    const struct stream *c = &s->clock;
    int k;

    for (k = 0; k < WL_IDLE_WINDOWS; k++) {
        s->window++;
        if (window_past_end(c, s->window))
            return 0;
        s->window_n = stream_window_count(c, s->window);
        s->in_window = 0;
        if (!s->window_n)
            continue;
        if (s->window_n > s->tcap) {
            s->tcap = s->window_n;
            s->times = xrealloc(s->times, s->tcap * sizeof *s->times);
        }
        stream_window_times(c, s->window, s->window_n, s->times);
        return 1;
    }
    return -1;
}

int wl_sched_next(struct wl_sched *s, struct wl_task *t)
{
    const struct wl_txn *x;
    int i;

    memset(t, 0, sizeof *t);
    if (s->max_ops && s->next >= s->max_ops)
        return 0;
    if (s->pace) {
        if (s->in_window >= s->window_n) {
            int r = next_window(s);
            if (r <= 0) {
                t->due_us = (int64_t)(s->window + 1) * s->clock.window_us;
                return r;
            }
        }
        t->due_us = s->times[s->in_window++] - s->clock.start_us;
    }
    workload_op(s->w, s->next++, &t->op);
    x = &s->w->txns[t->op.txn];
    if (x->kind == WL_INSERT) {
        t->row = s->rows[x->entity->index]++;
        for (i = 0; i < x->nchildren; i++) {
            const struct entity *c = x->children[i];
            t->child_first[i] = s->rows[c->index];
            t->child_n[i] = plan_children_of(c, t->row);
            s->rows[c->index] += t->child_n[i];
        }
    } else {
        uint64_t n = s->rows[x->entity->index];
        t->row = (uint64_t)(t->op.pick * (double)n);
        if (n && t->row >= n)
            t->row = n - 1;
    }
    return 1;
}

uint64_t wl_sched_remaining(struct wl_sched *s, int64_t until)
{
    const struct stream *c = &s->clock;
    uint64_t n = 0, i, w;

    if (!s->pace)
        return 0;
    for (i = s->in_window; i < s->window_n; i++)
        n += s->times[i] - c->start_us < until;
    for (w = s->window == (uint64_t)-1 ? 0 : s->window + 1;
         !window_past_end(c, w) && (int64_t)w * c->window_us < until; w++)
        n += stream_window_count(c, w);
    if (s->max_ops && s->next + n > s->max_ops)
        n = s->max_ops > s->next ? s->max_ops - s->next : 0;
    return n;
}

/* ---------------------------------------------------------------- latency */

int workload_hist_bucket(uint64_t us)
{
    int msb, b;

    if (us < WL_SUB)
        return (int)us;
    msb = 63 - __builtin_clzll(us);               /* >= 4 */
    b = (msb - 3) * WL_SUB + (int)((us >> (msb - 4)) & (WL_SUB - 1));
    return b < WL_HIST_BUCKETS ? b : WL_HIST_BUCKETS - 1;
}

double workload_hist_value(int b)
{
    int major, sub;
    double lo, width;

    if (b < WL_SUB)
        return b;
    major = b / WL_SUB + 3;
    sub = b % WL_SUB;
    width = ldexp(1.0, major - 4);
    lo = ldexp(1.0, major) + sub * width;
    return lo + width / 2;
}

double workload_percentile(const struct wl_txn_stats *s, double q)
{
    uint64_t n = 0, want, run = 0;
    int b;

    for (b = 0; b < WL_HIST_BUCKETS; b++)
        n += s->hist[b];
    if (!n)
        return 0;
    want = (uint64_t)ceil(q * (double)n);
    if (want < 1)
        want = 1;
    for (b = 0; b < WL_HIST_BUCKETS; b++) {
        run += s->hist[b];
        if (run >= want) {
            double v = workload_hist_value(b);
            return v > (double)s->max_us ? (double)s->max_us : v;
        }
    }
    return (double)s->max_us;
}

/* ---------------------------------------------------------------- the summary */

static const char *const class_names[WL_NCLASS] = {
    [WL_OK] = "ok", [WL_CONFLICT] = "conflict", [WL_CONSTRAINT] = "constraint",
    [WL_LOST] = "connection", [WL_MISSING] = "missing", [WL_OTHER] = "other",
};

static uint64_t errors_of(const struct wl_txn_stats *s)
{
    uint64_t n = 0;
    int k;

    for (k = 1; k < WL_NCLASS; k++)
        n += s->errors[k];
    return n;
}

void workload_summary(const struct plan *p, const struct workload_result *res, FILE *out)
{
    const struct workload *w = p->workload;
    uint64_t done = 0, errs = 0, none = 0, doubt = 0;
    size_t i;
    int t, k;

    fprintf(out, "%-20s %-6s %9s %7s %6s %8s %8s %8s %8s\n", "transaction", "type", "done",
            "errors", "none", "p50 ms", "p90 ms", "p99 ms", "max ms");
    for (t = 0; t < w->ntxns; t++) {
        const struct wl_txn_stats *s = &res->txn[t];
        fprintf(out, "%-20s %-6s %9llu %7llu %6llu %8.2f %8.2f %8.2f %8.2f\n", w->txns[t].name,
                kind_names[w->txns[t].kind], (unsigned long long)s->done,
                (unsigned long long)errors_of(s), (unsigned long long)s->none,
                workload_percentile(s, 0.50) / 1000, workload_percentile(s, 0.90) / 1000,
                workload_percentile(s, 0.99) / 1000, (double)s->max_us / 1000);
        done += s->done;
        errs += errors_of(s);
        none += s->none;
        doubt += s->in_doubt;
    }
    for (t = 0; t < w->ntxns; t++) {
        const struct wl_txn_stats *s = &res->txn[t];
        if (!errors_of(s) && !s->retries && !s->resent)
            continue;
        fprintf(out, "%s:", w->txns[t].name);
        for (k = 1; k < WL_NCLASS; k++)
            if (s->errors[k])
                fprintf(out, " %llu %s", (unsigned long long)s->errors[k], class_names[k]);
        if (s->retries || !s->resent)
            fprintf(out, "%s%llu retried after a conflict", errors_of(s) ? ", " : " ",
                    (unsigned long long)s->retries);
        if (s->resent)
            fprintf(out, "%s%llu tried again on a new connection",
                    errors_of(s) || s->retries ? ", " : " ", (unsigned long long)s->resent);
        fputc('\n', out);
    }
    for (i = 0; res->rel && i < p->nents; i++) {
        const struct wl_rel_stats *r = &res->rel[i];
        const struct wl_rel_stats *d = res->doubt ? &res->doubt[i] : NULL;
        int dbt = d && (d->inserted || d->updated || d->deleted);
        if (!r->inserted && !r->updated && !r->deleted && !dbt)
            continue;
        fprintf(out, "%-20s rows: %llu inserted, %llu updated, %llu deleted", p->ents[i].name,
                (unsigned long long)r->inserted, (unsigned long long)r->updated,
                (unsigned long long)r->deleted);
        if (dbt)
            fprintf(out, " (in doubt: %llu inserted, %llu updated, %llu deleted)",
                    (unsigned long long)d->inserted, (unsigned long long)d->updated,
                    (unsigned long long)d->deleted);
        fputc('\n', out);
    }
    if (res->lost)
        fprintf(out, "connections: %llu lost, %llu opened again; %.2f s with one or more down\n",
                (unsigned long long)res->lost, (unsigned long long)res->reconnects,
                res->disconnected);
    fprintf(out, "%llu transactions, %llu failed, %llu found no row", (unsigned long long)done,
            (unsigned long long)errs, (unsigned long long)none);
    if (doubt)
        fprintf(out, ", %llu in doubt (the connection was lost during COMMIT: its rows are listed "
                     "apart)",
                (unsigned long long)doubt);
    if (res->missed)
        fprintf(out, ", %llu missed (due before the end, never started: the database fell behind)",
                (unsigned long long)res->missed);
    fprintf(out, " in %.2f s: %.1f/s", res->elapsed,
            res->elapsed > 0 ? (double)(done + errs + none) / res->elapsed : 0.0);
    if (res->target_rate > 0)
        fprintf(out, " (target %.1f/s)", res->target_rate);
    fprintf(out, "%s\n", res->interrupted ? " (interrupted)" : "");
}

/* ---------------------------------------------------------------- drivers */

#ifdef FOUNT_WITH_PGSQL
extern const struct wl_driver wl_pgsql_driver;
#endif
#ifdef FOUNT_WITH_MYSQL
extern const struct wl_driver wl_mysql_driver;
#endif

const struct wl_driver *workload_driver(const char *sink_name)
{
#ifdef FOUNT_WITH_PGSQL
    if (!strcmp(sink_name, "postgres"))
        return &wl_pgsql_driver;
#endif
#ifdef FOUNT_WITH_MYSQL
    if (!strcmp(sink_name, "mysql"))
        return &wl_mysql_driver;
#endif
    (void)sink_name;
    return NULL;
}
