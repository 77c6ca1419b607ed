/* load.c: the open-model schedule, the per-interval time series and the progress line of load.h.
 * Leaves out: when rows leave (runner.c), what the numbers are written as (report_*.c). */
#include "load.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

struct load *load_new(const struct load_stage *stages, size_t n)
{
    struct load *ld = xcalloc(1, sizeof *ld);
    size_t i;

    if (n > LOAD_MAX_STAGES)
        n = LOAD_MAX_STAGES;
    if (n)
        memcpy(ld->stages, stages, n * sizeof *stages);
    ld->nstages = n;
    ld->cum = xcalloc(n + 1, sizeof *ld->cum);
    ld->start_s = xcalloc(n + 1, sizeof *ld->start_s);
    for (i = 0; i < n; i++) {
        double d = (double)stages[i].for_us / 1e6;
        if (stages[i].for_us <= 0) { /* open-ended: only the last stage may be */
            ld->start_s[i + 1] = INFINITY;
            ld->cum[i + 1] = INFINITY;
            ld->nstages = i + 1;
            break;
        }
        if (!stages[i].ramp) /* a step: from is the rate (load_due_s, load_expected) */
            ld->stages[i].from = stages[i].rate;
        ld->start_s[i + 1] = ld->start_s[i] + d;
        ld->cum[i + 1] = ld->cum[i] + (ld->stages[i].from + stages[i].rate) / 2 * d;
    }
    if (ld->nstages && !isfinite(ld->start_s[ld->nstages])) /* open-ended: a step */
        ld->stages[ld->nstages - 1].from = ld->stages[ld->nstages - 1].rate;
    if (ld->nstages)
        ld->st = xcalloc(ld->nstages, sizeof *ld->st);
    ld->samples = xcalloc(LOAD_MAX_SAMPLES, sizeof *ld->samples);
    ld->interval_s = 1.0;
    if (hist_init(&ld->ival) || hist_init(&ld->all)) {
        fprintf(stderr, "fount: out of memory for latency histograms\n");
        abort();
    }
    return ld;
}

void load_free(struct load *ld)
{
    size_t i;

    if (!ld)
        return;
    for (i = 0; ld->st && i < ld->nstages; i++)
        hist_free(&ld->st[i].lat);
    free(ld->st);
    free(ld->cum);
    free(ld->start_s);
    free(ld->samples);
    hist_free(&ld->ival);
    hist_free(&ld->all);
    free(ld);
}

void load_start(struct load *ld, int64_t now_ns)
{
    ld->t0_ns = now_ns;
    ld->ival_t0 = 0;
    ld->last_tick_s = 0;
    ld->last_progress_s = 0;
}

double load_elapsed(const struct load *ld, int64_t now_ns)
{
    return (double)(now_ns - ld->t0_ns) / 1e9;
}

int load_has_schedule(const struct load *ld)
{
    return ld && ld->nstages > 0;
}

double load_schedule_s(const struct load *ld)
{
    return ld->nstages && isfinite(ld->start_s[ld->nstages]) ? ld->start_s[ld->nstages] : 0;
}

/* Stage i's records per second t seconds into it, and the records due in its first t seconds:
 * r(t) = a + (b - a) t / T, N(t) = a t + (b - a) t^2 / 2T (a = from, b = rate, T its length). */
static double stage_rate(const struct load *ld, size_t i, double t)
{
    const struct load_stage *st = &ld->stages[i];
    double len = ld->start_s[i + 1] - ld->start_s[i];

    return st->from == st->rate ? st->rate : st->from + (st->rate - st->from) * t / len;
}

static double stage_count(const struct load *ld, size_t i, double t)
{
    const struct load_stage *st = &ld->stages[i];

    return st->from == st->rate ? st->rate * t : t * (st->from + stage_rate(ld, i, t)) / 2;
}

/* N(t) = m solved for t: a t + c t^2 = m with c = (b - a) / 2T; the root that is 0 at m = 0,
 * written as 2m / (a + sqrt(a^2 + 4cm)) so that it holds for a = 0 and loses nothing when c is
 * small. */
double load_due_s(const struct load *ld, uint64_t k)
{
    double x = (double)k;
    size_t i;

    for (i = 0; i < ld->nstages; i++) {
        const struct load_stage *st = &ld->stages[i];
        double m = x - ld->cum[i], len, c, t;
        if (!(x < ld->cum[i + 1]) || (st->rate <= 0 && st->from <= 0))
            continue;
        if (st->from == st->rate)
            return ld->start_s[i] + m / st->rate;
        len = ld->start_s[i + 1] - ld->start_s[i];
        c = (st->rate - st->from) / (2 * len);
        t = m > 0 ? 2 * m / (st->from + sqrt(fmax(0, st->from * st->from + 4 * c * m))) : 0;
        return ld->start_s[i] + (t < len ? t : len);
    }
    return -1;
}

int load_stage_at(const struct load *ld, double t)
{
    size_t i;

    for (i = 0; i < ld->nstages; i++)
        if (t < ld->start_s[i + 1])
            return (int)i;
    return -1;
}

double load_expected(const struct load *ld, double t)
{
    int i = load_stage_at(ld, t);

    if (!ld->nstages || t < 0)
        return 0;
    if (i < 0)
        return ld->cum[ld->nstages];
    return ld->cum[i] + stage_count(ld, (size_t)i, t - ld->start_s[i]);
}

double load_target(const struct load *ld, double t)
{
    int i = load_stage_at(ld, t);

    return i < 0 ? 0 : stage_rate(ld, (size_t)i, t - ld->start_s[i]);
}

void load_note_due(struct load *ld, uint64_t n, int64_t last_due_ns)
{
    if (!ld || !n)
        return;
    ld->paced_total += n;
    if (last_due_ns > ld->last_due_ns)
        ld->last_due_ns = last_due_ns;
}

double load_rate_ratio(const struct load *ld)
{
    double T, cum = 0;
    size_t i;

    if (!ld || !ld->paced_total)
        return -1;
    /* records sent by T (the last due time, plus grace), from the series: exact at interval
     * boundaries, linear inside an interval */
    T = (double)(ld->last_due_ns - ld->t0_ns) / 1e9 + LOAD_GRACE_S;
    for (i = 0; i < ld->nsamples; i++) {
        const struct load_sample *x = &ld->samples[i];
        if (x->t1 <= T)
            cum += (double)x->sent;
        else if (x->t0 < T)
            cum += (double)x->sent * (T - x->t0) / (x->t1 - x->t0);
    }
    return cum >= (double)ld->paced_total ? 1 : cum / (double)ld->paced_total;
}

void load_latency(struct load *ld, int64_t due_ns, uint64_t ns, uint64_t n)
{
    int s;

    if (!ld || !n)
        return;
    hist_record_n(&ld->ival, ns, n);
    hist_record_n(&ld->all, ns, n);
    if (!ld->nstages)
        return;
    s = load_stage_at(ld, due_ns ? (double)(due_ns - ld->t0_ns) / 1e9
                                 : ld->last_tick_s);
    if (s < 0)
        s = (int)ld->nstages - 1;
    if (!ld->st[s].lat.counts && hist_init(&ld->st[s].lat))
        return;
    hist_record_n(&ld->st[s].lat, ns, n);
}

/* Two neighbouring samples as one (the series is full): counts add, percentiles keep the
 * larger of the two (an upper bound: the exact value needs the histograms, which are gone). */
static void merge_pair(struct load_sample *a, const struct load_sample *b)
{
    double da = a->t1 - a->t0, db = b->t1 - b->t0;

    a->target = da + db > 0 ? (a->target * da + b->target * db) / (da + db) : 0;
    a->t1 = b->t1;
    a->sent += b->sent;
    a->failed += b->failed;
    a->backlog = b->backlog;
    a->lag_s = b->lag_s;
    a->lat_n += b->lat_n;
    a->p50 = a->p50 > b->p50 ? a->p50 : b->p50;
    a->p90 = a->p90 > b->p90 ? a->p90 : b->p90;
    a->p99 = a->p99 > b->p99 ? a->p99 : b->p99;
    a->max = a->max > b->max ? a->max : b->max;
}

static void coarsen(struct load *ld)
{
    size_t i;

    for (i = 0; i + 1 < ld->nsamples; i += 2) {
        ld->samples[i / 2] = ld->samples[i];
        merge_pair(&ld->samples[i / 2], &ld->samples[i + 1]);
    }
    if (ld->nsamples % 2)
        ld->samples[i / 2] = ld->samples[i];
    ld->nsamples = (ld->nsamples + 1) / 2;
    ld->interval_s *= 2;
}

static void close_interval(struct load *ld, double t, const struct load_status *s)
{
    struct load_sample *x;

    if (t <= ld->ival_t0)
        return;
    if (ld->nsamples == LOAD_MAX_SAMPLES)
        coarsen(ld);
    x = &ld->samples[ld->nsamples++];
    memset(x, 0, sizeof *x);
    x->t0 = ld->ival_t0;
    x->t1 = t;
    if (ld->nstages)
        x->target = (load_expected(ld, t) - load_expected(ld, ld->ival_t0)) / (t - ld->ival_t0);
    else
        x->target = ld->ival_target_sum / (t - ld->ival_t0);
    x->sent = s->sent - ld->ival_sent0;
    x->failed = s->failed - ld->ival_failed0;
    x->backlog = s->expected > s->sent ? s->expected - s->sent : 0;
    x->lag_s = s->lag_s;
    x->lat_n = ld->ival.total;
    x->p50 = hist_percentile(&ld->ival, 50);
    x->p90 = hist_percentile(&ld->ival, 90);
    x->p99 = hist_percentile(&ld->ival, 99);
    x->max = ld->ival.total ? ld->ival.max : 0;
    hist_reset(&ld->ival);
    ld->ival_t0 = t;
    ld->ival_sent0 = s->sent;
    ld->ival_failed0 = s->failed;
    ld->ival_target_sum = 0;
}

static void progress(struct load *ld, double t, const struct load_status *s, int last)
{
    const struct load_sample *x = ld->nsamples ? &ld->samples[ld->nsamples - 1] : NULL;
    double rate = x && x->t1 > x->t0 ? (double)x->sent / (x->t1 - x->t0)
                                     : (t > 0 ? (double)s->sent / t : 0);
    double target = x && x->target > 0 ? x->target : s->target;
    char line[512], v[32];
    size_t n = 0;

    n += (size_t)snprintf(line + n, sizeof line - n, "fount: %.0fs", t);
    if (s->rel)
        n += (size_t)snprintf(line + n, sizeof line - n, "  %s %llu/%llu (%.0f%%)", s->rel,
                              (unsigned long long)s->rel_done, (unsigned long long)s->rel_total,
                              s->rel_total ? 100.0 * (double)s->rel_done / (double)s->rel_total
                                           : 100.0);
    n += (size_t)snprintf(line + n, sizeof line - n, "  %llu sent  %.0f rows/s",
                          (unsigned long long)s->sent, rate);
    if (n < sizeof line && ld->paced_total)
        n += (size_t)snprintf(line + n, sizeof line - n, " of %.0f/s target  backlog %llu",
                              target, (unsigned long long)(s->expected > s->sent
                                                               ? s->expected - s->sent : 0));
    if (n < sizeof line && s->failed)
        n += (size_t)snprintf(line + n, sizeof line - n, "  %llu failed",
                              (unsigned long long)s->failed);
    if (n < sizeof line && x && x->lat_n) {
        hist_fmt_ns(v, sizeof v, x->p99);
        snprintf(line + n, sizeof line - n, "  p99 %s", v);
    }
    fprintf(stderr, "%s%s%s", ld->progress == LOAD_PROGRESS_TTY ? "\r\033[K" : "", line,
            ld->progress == LOAD_PROGRESS_TTY && !last ? "" : "\n");
    fflush(stderr);
}

void load_tick(struct load *ld, int64_t now_ns, const struct load_status *s)
{
    double t;

    if (!ld)
        return;
    t = load_elapsed(ld, now_ns);
    if (t > ld->last_tick_s)
        ld->ival_target_sum += s->target * (t - ld->last_tick_s);
    if (ld->nstages && s->sent >= ld->last.sent && s->failed >= ld->last.failed) {
        int i = load_stage_at(ld, t); /* what happened since the last tick, by time */
        uint64_t ds = s->sent - ld->last.sent, df = s->failed - ld->last.failed;
        if (i >= 0) {
            ld->st[i].sent += ds;
            ld->st[i].failed += df;
        } else {
            ld->drain_sent += ds;
            ld->drain_failed += df;
        }
    }
    ld->last_tick_s = t;
    ld->last = *s;
    if (t - ld->ival_t0 >= ld->interval_s)
        close_interval(ld, t, s);
    if (ld->publish && (t - ld->last_publish_s >= 1.0 || !ld->last_publish_s)) {
        ld->last_publish_s = t > 0 ? t : 1e-9; /* every second, however long the intervals */
        ld->publish(ld->publish_arg, ld);
    }
    if (ld->progress != LOAD_PROGRESS_NONE &&
        t - ld->last_progress_s >= (ld->progress == LOAD_PROGRESS_TTY ? 1.0 : LOAD_PLAIN_EVERY_S)) {
        ld->last_progress_s = t;
        progress(ld, t, s, 0);
    }
}

void load_finish(struct load *ld, int64_t now_ns, const struct load_status *s)
{
    double t;

    if (!ld)
        return;
    load_tick(ld, now_ns, s);
    t = load_elapsed(ld, now_ns);
    close_interval(ld, t, s);
    if (ld->publish)
        ld->publish(ld->publish_arg, ld);
    if (ld->progress == LOAD_PROGRESS_TTY)
        fprintf(stderr, "\r\033[K");
}
