/* stream.c: rate curves, per-window event counts and event times (stream.h). */
#include "stream.h"

#include <math.h>
#include <string.h>

#include "dist.h"

#define US_PER_S 1000000.0
#define US_PER_DAY 86400000000LL

static double level_at(const struct rate *r, int64_t since)
{
    double lv = r->base;
    int i;

    if (r->ramp_us > 0)
        lv = since >= r->ramp_us ? r->ramp_to
                                 : r->base + (r->ramp_to - r->base) * ((double)since / (double)r->ramp_us);
    for (i = 0; i < r->nsteps; i++)
        if (since >= r->step_at[i])
            lv = r->step_rate[i];
    return lv;
}

/* Floor division for negative times (before 1970). */
static int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

double rate_at(const struct rate *r, int64_t start_us, int64_t t)
{
    double v = level_at(r, t - start_us);

    if (r->daily_amp != 0) {
        double h = (double)(t - floordiv(t, US_PER_DAY) * US_PER_DAY) / 3600e6;
        v *= 1 + r->daily_amp * cos(2 * M_PI * (h - r->daily_peak_h) / 24);
    }
    if (r->weekly_amp != 0) {
        /* 1970-01-01 was a Thursday: day 3 when Monday is day 0. */
        int64_t day = floordiv(t, US_PER_DAY) + 3;
        double d = (double)(day - floordiv(day, 7) * 7) +
                   (double)(t - floordiv(t, US_PER_DAY) * US_PER_DAY) / (double)US_PER_DAY;
        v *= 1 + r->weekly_amp * cos(2 * M_PI * (d - r->weekly_peak_d) / 7);
    }
    if (r->burst_p > 0) {
        struct pcg32 g;
        fount_rng_at(&g, r->burst_key, (uint64_t)floordiv(t - start_us, r->burst_us));
        if (pcg32_double(&g) < r->burst_p)
            v *= r->burst_mult;
    }
    return v > 0 ? v : 0;
}

double rate_integral(const struct rate *r, int64_t start_us, int64_t t0, int64_t t1)
{
    int64_t mid = t0 + (t1 - t0) / 2;
    double a = rate_at(r, start_us, t0), m = rate_at(r, start_us, mid);
    double b = rate_at(r, start_us, t1 - 1);

    /* Bursts and steps are piecewise constant: where the ends differ, fall back to the midpoint
     * value rather than smear a jump across the window. */
    if ((r->burst_p > 0 || r->nsteps) && (a != m || m != b))
        return m * (double)(t1 - t0) / US_PER_S;
    return (a + 4 * m + b) / 6 * (double)(t1 - t0) / US_PER_S;
}

static int64_t window_start(const struct stream *s, uint64_t w)
{
    return s->start_us + (int64_t)w * s->window_us;
}

void stream_window_bounds(const struct stream *s, uint64_t w, int64_t *t0, int64_t *len)
{
    *t0 = window_start(s, w);
    *len = s->window_us;
    if (s->duration_us > 0 && *t0 + *len > s->start_us + s->duration_us)
        *len = s->start_us + s->duration_us - *t0;
    if (*len < 0)
        *len = 0;
}

uint64_t stream_window_count(const struct stream *s, uint64_t w)
{
    int64_t t0 = window_start(s, w), t1 = t0 + s->window_us;
    double lam;
    struct pcg32 g;

    if (s->duration_us > 0 && t1 > s->start_us + s->duration_us)
        t1 = s->start_us + s->duration_us;
    if (t1 <= t0)
        return 0;
    lam = rate_integral(&s->rate, s->start_us, t0, t1);
    fount_rng_at(&g, s->count_key, w);
    if (!(lam > 0))
        return 0;
    if (s->arrival == ARRIVAL_UNIFORM) {
        /* Evenly paced: the integral, rounded up or down with the right odds. */
        double fl = floor(lam);
        return (uint64_t)fl + (pcg32_double(&g) < lam - fl ? 1 : 0);
    }
    {
        struct dist d;
        double p[DIST_MAXP] = {lam};
        char msg[8];
        int bad;
        if (dist_init(&d, DIST_POISSON, p, msg, sizeof msg, &bad))
            return 0;
        return (uint64_t)dist_sample(&d, &g);
    }
}

void stream_window_times(const struct stream *s, uint64_t w, uint64_t k, int64_t *t)
{
    int64_t t0 = window_start(s, w), len = s->window_us;
    struct pcg32 g;
    double sum = 0, run = 0;
    uint64_t j;

    if (s->duration_us > 0 && t0 + len > s->start_us + s->duration_us)
        len = s->start_us + s->duration_us - t0;
    if (!k)
        return;
    if (s->arrival == ARRIVAL_UNIFORM) {
        for (j = 0; j < k; j++)
            t[j] = t0 + (int64_t)(((double)j + 0.5) * (double)len / (double)k);
        return;
    }
    /* Sorted uniforms without sorting: normalised partial sums of k+1 exponentials are the order
     * statistics of k uniforms. The total comes first, so the logarithms wait in t[] (as doubles)
     * for the second pass, which adds them up again in the same order. */
    fount_rng_at(&g, s->time_key, w);
    for (j = 0; j < k; j++) {
        double l = log(pcg32_double_open(&g));
        sum -= l;
        memcpy(&t[j], &l, sizeof l);
    }
    sum -= log(pcg32_double_open(&g));
    for (j = 0; j < k; j++) {
        double l;
        memcpy(&l, &t[j], sizeof l);
        run -= l;
        t[j] = t0 + (int64_t)(run / sum * (double)len);
    }
}
