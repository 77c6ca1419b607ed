/* test_series.c: series families (generator/series.c) and the time-series text formats
 * (sinks/format_ts.c). The value model is checked statistically on many points (seasonality
 * peaks at the configured hour, noise stddev, walk stationarity, anomaly rates, gap rate), by
 * invariants (counters never decrease, labels exactly where the value is anomalous, flat-lines
 * flat, level shifts as long as configured) and the encoders by exact golden text, escaping
 * included. Profile errors: located messages for bad keys. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "gen.h"
#include "profile.h"
#include "series.h"

/* ---------- helpers ---------- */

static struct plan *compile(const char *text)
{
    struct buf errs;
    struct fount_err err;
    struct plan *p;
    int n = 0;

    buf_init(&errs, 1 << 20);
    p = profile_load_text("t.json", text, strlen(text), &errs, &n);
    buf_append(&errs, "", 1);
    cr_assert_not_null(p, "profile rejected:\n%s", errs.data);
    buf_free(&errs);
    err.msg[0] = '\0';
    cr_assert_eq(plan_prepare(p, 1.0, 2, NULL, &err), 0, "plan_prepare: %s", err.msg);
    return p;
}

/* The errors a profile gets, as one string ("" when it loads). */
static char *errors_of(const char *text)
{
    struct buf errs;
    struct plan *p;
    int n = 0;
    char *s;

    buf_init(&errs, 1 << 20);
    p = profile_load_text("t.json", text, strlen(text), &errs, &n);
    buf_append(&errs, "", 1);
    plan_free(p);
    s = xstrdup(errs.data);
    buf_free(&errs);
    return s;
}

static const struct series *family(const struct plan *p, const char *name)
{
    const struct entity *e = plan_entity(p, name);

    cr_assert_not_null(e, "no series %s", name);
    cr_assert_not_null(e->series);
    return e->series;
}

static double value_at(const struct series *s, uint64_t i, uint64_t t, const char **label)
{
    return series_value(s, i, t, series_time(s, i, t), label);
}

/* A profile with one family "m" (interval 10m unless given), the value model spliced in. */
static struct plan *one(const char *tags, const char *extra, const char *value)
{
    char text[4096];

    snprintf(text, sizeof text,
             "{\"seed\": 7, \"series\": {\"m\": {\"start\": \"2026-01-05T00:00:00Z\", "
             "\"tags\": %s, %s \"value\": %s}}}", tags, extra, value);
    return compile(text);
}

#define TAGS200 "{\"host\": {\"count\": 200}}"

/* ---------- seasonality ---------- */

/* The hour of the day (UTC) where the average value is highest, over every series and day. */
static int peak_hour(const struct series *s, uint64_t per_hour)
{
    double sum[24] = {0};
    uint64_t i, t, n[24] = {0};
    int h, best = 0;

    for (i = 0; i < s->nseries; i++)
        for (t = 0; t < s->nsteps; t++) {
            int64_t us = series_time(s, i, t);
            h = (int)((us / 3600000000LL) % 24);
            sum[h] += series_value(s, i, t, us, NULL);
            n[h]++;
        }
    for (h = 0; h < 24; h++) {
        cr_assert_eq(n[h], s->nseries * s->nsteps / 24 / per_hour * per_hour);
        if (sum[h] / (double)n[h] > sum[best] / (double)n[best])
            best = h;
    }
    return best;
}

Test(series, daily_peak_lands_at_the_configured_hour)
{
    static const struct {
        double peak;
        int want;
    } cases[] = {{14, 14}, {3, 3}, {0, 0}, {21.5, 21}, {23, 23}};
    size_t k;

    for (k = 0; k < sizeof cases / sizeof *cases; k++) {
        char v[256];
        struct plan *p;
        int got;
        /* the amplitude is small next to the noise and the walk: the average must find it (an
         * hour from the peak the mean is 3 (1 - cos(2pi/24)) = 0.10 lower; its standard error
         * over 16800 points per hour is about sqrt(2^2 + 1) / sqrt(16800) = 0.017) */
        snprintf(v, sizeof v, "{\"base\": 100, \"noise\": 2, \"walk\": {\"sigma\": 1, \"tau\": "
                              "\"2h\"}, \"daily\": {\"amplitude\": 3, \"peak_hour\": %g}}",
                 cases[k].peak);
        p = one(TAGS200, "\"duration\": \"14d\", \"interval\": \"10m\",", v);
        got = peak_hour(family(p, "m"), 6);
        cr_log_info("daily peak_hour %g: the hourly average peaks at %d", cases[k].peak, got);
        cr_expect_eq(got, cases[k].want, "peak_hour %g: the average peaks at %d",
                     cases[k].peak, got);
        plan_free(p);
    }
}

Test(series, weekly_peak_lands_at_the_configured_day_and_hour)
{
    struct plan *p = one(TAGS200, "\"duration\": \"56d\", \"interval\": \"1h\",",
                         "{\"base\": 10, \"noise\": 3, \"weekly\": {\"amplitude\": 2, "
                         "\"peak_day\": \"sat\", \"peak_hour\": 12}}");
    const struct series *s = family(p, "m");
    double sum[168] = {0}, re = 0, im = 0, peak;
    uint64_t i, t;
    int w, best = 0;

    for (i = 0; i < s->nseries; i++)
        for (t = 0; t < s->nsteps; t++) {
            int64_t us = series_time(s, i, t);
            w = (int)((us / 3600000000LL + 72) % 168); /* hours since Monday 00:00 */
            sum[w] += series_value(s, i, t, us, NULL);
        }
    /* A weekly cosine is too flat at its top for the argmax of noisy hourly means to land on the
     * hour: the argmax must be near, and the phase of the weekly Fourier component exact. */
    for (w = 0; w < 168; w++) {
        if (sum[w] > sum[best])
            best = w;
        re += sum[w] * cos(2 * M_PI * w / 168);
        im += sum[w] * sin(2 * M_PI * w / 168);
    }
    peak = fmod(atan2(im, re) / (2 * M_PI) * 168 + 168, 168);
    cr_log_info("weekly peak sat 12:00 (hour 132): argmax %d, weekly component %.3f", best, peak);
    cr_expect(abs(best - 132) <= 6, "argmax at hour %d of the week (want Saturday 12:00 = 132)",
              best);
    cr_expect(fabs(peak - 132) < 0.25, "the weekly component peaks at hour %.3f (want 132)",
              peak);
    plan_free(p);
}

/* With a phase, each series peaks at its own hour, within the phase of the configured one. */
Test(series, phase_shifts_each_series_within_its_range)
{
    struct plan *p = one("{\"host\": {\"count\": 100}}", "\"duration\": \"1d\", \"interval\": "
                         "\"5m\",", "{\"base\": 0, \"noise\": 0, \"phase\": \"3h\", \"daily\": "
                         "{\"amplitude\": 1, \"peak_hour\": 12}}");
    const struct series *s = family(p, "m");
    uint64_t i, t, best;
    double lo = 24, hi = 0;

    for (i = 0; i < s->nseries; i++) {
        double h;
        best = 0;
        for (t = 1; t < s->nsteps; t++)
            if (value_at(s, i, t, NULL) > value_at(s, i, best, NULL))
                best = t;
        h = (double)best * 5 / 60;
        lo = fmin(lo, h);
        hi = fmax(hi, h);
        cr_assert(h >= 9 - 0.1 && h <= 15 + 0.1, "series %llu peaks at %.2f h",
                  (unsigned long long)i, h);
    }
    cr_expect(hi - lo > 4, "phases spread over %.2f h only", hi - lo);
    plan_free(p);
}

/* ---------- noise, walk, bounds ---------- */

Test(series, noise_is_gaussian_with_the_configured_stddev)
{
    struct plan *p = one(TAGS200, "\"duration\": \"35d\", \"interval\": \"10m\",",
                         "{\"base\": 5, \"noise\": 2.5}");
    const struct series *s = family(p, "m");
    double sum = 0, sq = 0, n = 0, in1 = 0, out3 = 0;
    uint64_t i, t;

    for (i = 0; i < s->nseries; i++)
        for (t = 0; t < s->nsteps; t++) {
            double z = (value_at(s, i, t, NULL) - 5) / 2.5;
            sum += z;
            sq += z * z;
            in1 += fabs(z) < 1;
            out3 += fabs(z) > 3;
            n++;
        }
    cr_assert_gt(n, 1e6);
    cr_log_info("noise 2.5 over %.0f points: mean %.5f sd, stddev %.5f x 2.5, within 1 sd %.5f, "
                "beyond 3 sd %.6f", n, sum / n, sqrt(sq / n - (sum / n) * (sum / n)), in1 / n,
                out3 / n);
    cr_expect(fabs(sum / n) < 0.005, "mean %g", sum / n);
    cr_expect(fabs(sqrt(sq / n - (sum / n) * (sum / n)) - 1) < 0.005, "stddev %g x 2.5",
              sqrt(sq / n));
    cr_expect(fabs(in1 / n - 0.682689) < 0.002, "within 1 sd: %g", in1 / n);
    cr_expect(fabs(out3 / n - 0.0026998) < 0.0003, "beyond 3 sd: %g", out3 / n);
    plan_free(p);
}

/* Every point of the walk is N(0, sigma^2), at a knot and between knots; far points are
 * independent (mean reversion); near points are close (continuity). */
Test(series, walk_is_stationary_mean_reverting_and_continuous)
{
    struct plan *p = one("{\"host\": {\"count\": 20000}}", "\"duration\": \"1d\", \"interval\": "
                         "\"1m\",", "{\"base\": 0, \"noise\": 0, \"walk\": {\"sigma\": 4, "
                         "\"tau\": \"1h\"}}");
    const struct series *s = family(p, "m");
    const uint64_t at[] = {0, 15, 30, 45, 60, 200, 777};
    double n = (double)s->nseries;
    uint64_t i;
    size_t k;

    for (k = 0; k < sizeof at / sizeof *at; k++) {
        double sum = 0, sq = 0;
        for (i = 0; i < s->nseries; i++) {
            double v = value_at(s, i, at[k], NULL);
            sum += v;
            sq += v * v;
        }
        cr_log_info("walk sigma 4 at step %llu: mean %.4f, stddev %.4f", (unsigned long long)at[k],
                    sum / n, sqrt(sq / n));
        cr_expect(fabs(sum / n) < 0.1, "step %llu: mean %g", (unsigned long long)at[k], sum / n);
        cr_expect(fabs(sqrt(sq / n) - 4) < 0.1, "step %llu: stddev %g (want 4)",
                  (unsigned long long)at[k], sqrt(sq / n));
    }
    {
        double sxy = 0, sxx = 0, syy = 0, jump = 0;
        for (i = 0; i < s->nseries; i++) {
            double a = value_at(s, i, 100, NULL), b = value_at(s, i, 100 + 180, NULL);
            sxy += a * b;
            sxx += a * a;
            syy += b * b;
            jump = fmax(jump, fabs(value_at(s, i, 101, NULL) - a));
        }
        cr_log_info("walk: correlation 3 tau apart %.4f, largest 1-minute move %.4f",
                    sxy / sqrt(sxx * syy), jump);
        cr_expect(fabs(sxy / sqrt(sxx * syy)) < 0.03, "correlation 3 tau apart: %g",
                  sxy / sqrt(sxx * syy));
        cr_expect(jump < 4 * 0.5, "largest 1-minute move %g (sigma 4, tau 1h)", jump);
    }
    plan_free(p);
}

Test(series, gauges_stay_within_plausible_bounds_and_their_clamp)
{
    struct plan *p = one(TAGS200, "\"duration\": \"14d\", \"interval\": \"10m\",",
                         "{\"base\": 50, \"noise\": 2, \"trend\": {\"per_day\": 1}, \"daily\": "
                         "{\"amplitude\": 10}, \"weekly\": {\"amplitude\": 5}, \"walk\": "
                         "{\"sigma\": 3, \"tau\": \"3h\"}}");
    struct plan *q = one(TAGS200, "\"duration\": \"14d\", \"interval\": \"10m\",",
                         "{\"base\": 50, \"noise\": 20, \"min\": 0, \"max\": 100}");
    const struct series *s = family(p, "m"), *c = family(q, "m");
    uint64_t i, t;
    double lo = 1e9, hi = -1e9, clo = 1e9, chi = -1e9;

    for (i = 0; i < s->nseries; i++)
        for (t = 0; t < s->nsteps; t++) {
            double v = value_at(s, i, t, NULL), day = (double)t / 144;
            /* level 50 + day +- 15, plus walk and noise: sd sqrt(9 + 4), 6.5 sd is ~1 in 10^10 */
            cr_assert(fabs(v - 50 - day) < 15 + 6.5 * sqrt(13), "point %llu/%llu: %g",
                      (unsigned long long)i, (unsigned long long)t, v);
            lo = fmin(lo, v - day);
            hi = fmax(hi, v - day);
            v = value_at(c, i, t, NULL);
            clo = fmin(clo, v);
            chi = fmax(chi, v);
        }
    cr_expect(lo < 50 - 15 && hi > 50 + 15, "the range [%g, %g] should use the seasons", lo, hi);
    cr_expect(clo == 0 && chi == 100, "clamped to [%g, %g]", clo, chi);
    plan_free(p);
    plan_free(q);
}

/* ---------- counters ---------- */

Test(series, counters_never_decrease_and_count_at_their_rate)
{
    /* rate 5/s +- (2 + 1), trend up; at 10 s steps the smallest increment is 20, half of it 10:
     * noise 4 + walk 2 * min(2, 3 * 10 / 60) = 5, total 9, near the limit on purpose */
    struct plan *p = one("{\"host\": {\"count\": 50}}", "\"duration\": \"7d\", \"interval\": "
                         "\"10s\",", "{\"model\": \"counter\", \"base\": 5, \"initial\": 1000, "
                         "\"trend\": {\"per_day\": 0.5}, \"daily\": {\"amplitude\": 2}, "
                         "\"weekly\": {\"amplitude\": 1}, \"phase\": \"4h\", \"noise\": 4, "
                         "\"walk\": {\"sigma\": 2, \"tau\": \"1m\"}, \"anomalies\": {\"flatline\": "
                         "{\"rate\": 0.0005, \"duration\": \"5m\"}}}");
    const struct series *s = family(p, "m");
    uint64_t i, t, flat = 0;
    double T = (double)s->nsteps * 10, want = 5 * T + 0.5 / 86400 * T * T / 2;

    cr_assert_eq(s->kind, SERIES_COUNTER);
    for (i = 0; i < s->nseries; i++) {
        double prev = value_at(s, i, 0, NULL), v = prev;
        const char *label;
        cr_assert(prev >= 1000 && prev < 1000 + 4, "starts at %g", prev);
        for (t = 1; t < s->nsteps; t++) {
            v = value_at(s, i, t, &label);
            cr_assert_geq(v, prev, "series %llu decreases at step %llu: %.17g < %.17g",
                          (unsigned long long)i, (unsigned long long)t, v, prev);
            cr_assert_eq(v, floor(v), "a count is whole: %.17g", v);
            flat += label != NULL;
            prev = v;
        }
        /* the seasons integrate to less than 2 * 86400/2pi * 2 + 1 * 604800/2pi * 2 */
        cr_expect(fabs(v - 1000 - want) < 2 * 86400 / M_PI * 2 + 604800 / M_PI + 20,
                  "series %llu counted %g, want about %g", (unsigned long long)i, v - 1000,
                  want);
    }
    cr_expect(flat > 0, "some flat-lines");
    plan_free(p);
}

/* ---------- anomalies ---------- */

#define ANOM_FAMILY "\"duration\": \"35d\", \"interval\": \"10m\","
#define ANOM_BASE "\"base\": 100, \"noise\": 1, \"daily\": {\"amplitude\": 10}"

Test(series, anomaly_rates_and_labels)
{
    struct plan *p = one(TAGS200, ANOM_FAMILY,
                         "{" ANOM_BASE ", \"anomalies\": {"
                         "\"spike\": {\"rate\": 0.002, \"mode\": \"add\", \"magnitude\": 50, "
                         "\"direction\": \"both\"}, "
                         "\"level_shift\": {\"rate\": 0.0005, \"magnitude\": 20, \"duration\": "
                         "\"2h\"}, "
                         "\"flatline\": {\"rate\": 0.0004, \"duration\": \"1h\"}}}");
    struct plan *q = one(TAGS200, ANOM_FAMILY, "{" ANOM_BASE "}"); /* the same, no anomalies */
    const struct series *s = family(p, "m"), *c = family(q, "m");
    uint64_t i, t, n = 0, spikes = 0, shifts = 0, flats = 0, flat_starts = 0, up = 0;
    const char *label, *prev;

    for (i = 0; i < s->nseries; i++) {
        prev = NULL;
        for (t = 0; t < s->nsteps; t++, n++) {
            double v = value_at(s, i, t, &label), clean = value_at(c, i, t, NULL);
            cr_assert_eq(series_label(s, i, t), label, "series_label agrees");
            if (!label) {
                cr_assert_eq(v, clean, "an unlabelled point is the clean value");
            } else if (!strcmp(label, "spike")) {
                double d = v - clean;
                spikes++;
                up += d > 0;
                /* on top of a level shift, if one is in force */
                cr_assert(fabs(fabs(d) - 50) < 1e-9 || fabs(fabs(d) - 30) < 1e-9 ||
                              fabs(fabs(d) - 70) < 1e-9, "spike moved the value by %g", d);
            } else if (!strcmp(label, "level_shift")) {
                shifts++;
                cr_assert(fabs(fabs(v - clean) - 20) < 1e-9, "shift moved the value by %g",
                          v - clean);
            } else {
                cr_assert_str_eq(label, "flatline");
                flats++;
                cr_assert_neq(v, clean, "a flat-line holds an earlier value");
                if (prev && !strcmp(prev, "flatline"))
                    cr_assert_eq(v, value_at(s, i, t - 1, NULL), "flat-lines are flat");
                else {
                    flat_starts++;
                    cr_assert_eq(v, value_at(c, i, t - 1, NULL), "it holds the last reading");
                }
            }
            prev = label;
        }
    }
    cr_log_info("anomalies over %llu points: spikes %.6f (want 0.002 x (1 - 0.0024)), up %.4f, "
                "flat-line points %.6f (want 0.0024), starts %.7f (want 0.0004), level shift "
                "points %.6f (want 0.006 x (1 - 0.0044))", (unsigned long long)n,
                (double)spikes / n, (double)up / spikes, (double)flats / n,
                (double)flat_starts / n, (double)shifts / n);
    /* spikes: 0.002 per point (less the flat-lines that hide some); sd of the count ~ 62 */
    cr_expect(fabs((double)spikes / (double)n - 0.002 * (1 - 0.0024)) < 0.0002,
              "spike rate %g", (double)spikes / (double)n);
    cr_expect(fabs((double)up / (double)spikes - 0.5) < 0.03, "up: %g", (double)up / spikes);
    /* flat-lines: 0.0004 starts per point, 6 points each: 0.0024 of the points */
    cr_expect(fabs((double)flats / (double)n - 0.0024) < 0.0003, "flat-line share %g",
              (double)flats / (double)n);
    cr_expect(fabs((double)flat_starts / (double)n - 0.0004) < 0.00006, "flat-line starts %g",
              (double)flat_starts / (double)n);
    /* level shifts: 0.0005 per point, 12 points: 0.006, less what spikes and flat-lines take */
    cr_expect(fabs((double)shifts / (double)n - 0.006 * (1 - 0.002 - 0.0024)) < 0.0006,
              "level shift share %g", (double)shifts / (double)n);
    plan_free(p);
    plan_free(q);
}

Test(series, level_shifts_last_their_duration)
{
    struct plan *p = one(TAGS200, ANOM_FAMILY,
                         "{" ANOM_BASE ", \"anomalies\": {\"level_shift\": {\"rate\": 0.002, "
                         "\"magnitude\": 5, \"duration\": \"50m\"}}}");
    const struct series *s = family(p, "m");
    uint64_t i, t, run, runs = 0;

    for (i = 0; i < s->nseries; i++) {
        run = 0;
        for (t = 0; t <= s->nsteps; t++) {
            const char *label = t < s->nsteps ? series_label(s, i, t) : NULL;
            if (label) {
                run++;
                continue;
            }
            if (run && t < s->nsteps) /* a run cut by the end of the family is shorter */
                cr_assert_eq(run, 5, "series %llu: a shift of %llu points ending at step %llu",
                             (unsigned long long)i, (unsigned long long)run,
                             (unsigned long long)t);
            runs += run > 0;
            run = 0;
        }
    }
    cr_log_info("level shifts: %llu runs of exactly 5 points (want about 2016)",
                (unsigned long long)runs);
    /* 5040 steps * 200 series * 0.002 */
    cr_expect(fabs((double)runs - 2016) < 5 * sqrt(2016), "%llu shifts", (unsigned long long)runs);
    plan_free(p);
}

Test(series, spikes_multiply)
{
    struct plan *p = one(TAGS200, "\"duration\": \"7d\", \"interval\": \"10m\",",
                         "{\"base\": 10, \"noise\": 1, \"anomalies\": {\"spike\": {\"rate\": "
                         "0.01, \"magnitude\": 4}}}");
    struct plan *q = one(TAGS200, "\"duration\": \"7d\", \"interval\": \"10m\",",
                         "{\"base\": 10, \"noise\": 1}");
    const struct series *s = family(p, "m"), *c = family(q, "m");
    uint64_t i, t, n = 0;
    const char *label;

    for (i = 0; i < s->nseries; i++)
        for (t = 0; t < s->nsteps; t++) {
            double v = value_at(s, i, t, &label), clean = value_at(c, i, t, NULL);
            if (label) {
                n++;
                cr_assert(fabs(v - 4 * clean) < 1e-9, "%g is not 4 x %g", v, clean);
            }
        }
    cr_expect(fabs((double)n / (double)(s->nseries * s->nsteps) - 0.01) < 0.001, "rate %g",
              (double)n / (double)(s->nseries * s->nsteps));
    plan_free(p);
    plan_free(q);
}

/* ---------- gaps, jitter, tags ---------- */

Test(series, gaps_jitter_and_tags)
{
    struct plan *p = one("{\"host\": [\"a\", \"b\", \"c\"], \"dc\": {\"count\": 4, \"prefix\": "
                         "\"dc-\"}, \"k\": [\"x\", \"y\"]}",
                         "\"duration\": \"7d\", \"interval\": \"1m\", \"jitter\": \"2s\", "
                         "\"gaps\": 0.1,", "{\"base\": 1}");
    const struct series *s = family(p, "m");
    const struct entity *e = plan_entity(p, "m");
    uint64_t i, t, gaps = 0, total = 0, steps = 0;
    uint32_t len;

    cr_assert_eq(s->nseries, 24);
    /* mixed radix, first tag slowest: series 13 = (b, dc-3, y) */
    cr_expect_str_eq(series_tag(s, 13, 0, &len), "b");
    cr_expect_str_eq(series_tag(s, 13, 1, &len), "dc-3");
    cr_expect_eq(len, 4);
    cr_expect_str_eq(series_tag(s, 13, 2, &len), "y");
    for (t = 0; t < s->nsteps; t++) {
        uint64_t k = 0;
        for (i = 0; i < s->nseries; i++) {
            int64_t d = series_time(s, i, t) - (s->start_us + (int64_t)t * 60000000);
            cr_assert(d >= 0 && d <= 2000000, "jitter %lld us", (long long)d);
            k += !series_gap(s, i, t);
        }
        cr_assert_eq(series_step_count(s, t), k);
        gaps += s->nseries - k;
        total += s->nseries;
        steps += k;
    }
    cr_log_info("gaps 0.1: %llu of %llu points missing (%.5f)", (unsigned long long)gaps,
                (unsigned long long)total, (double)gaps / (double)total);
    cr_expect(fabs((double)gaps / (double)total - 0.1) < 0.003, "gap rate %g",
              (double)gaps / (double)total);
    cr_expect_eq(e->count, steps, "the family's rows are the points that are not gaps");
    plan_free(p);
}

/* The same point whatever else is asked: a point does not depend on earlier ones. */
Test(series, points_are_pure)
{
    struct plan *p = one(TAGS200, ANOM_FAMILY,
                         "{" ANOM_BASE ", \"walk\": {\"sigma\": 2}, \"anomalies\": {\"flatline\": "
                         "{\"rate\": 0.001}}}");
    const struct series *s = family(p, "m");
    double a = value_at(s, 77, 4000, NULL), b;
    uint64_t t;

    for (t = 0; t < 4000; t++)
        value_at(s, 77, t, NULL);
    b = value_at(s, 77, 4000, NULL);
    cr_expect_eq(a, b);
    plan_free(p);
}

/* ---------- profile errors ---------- */

Test(series, bad_keys_are_located)
{
    static const struct {
        const char *value, *want;
    } cases[] = {
        {"{\"modle\": \"gauge\"}", "series.m.value.modle: unknown key \"modle\" (did you mean "
                                   "\"model\"?)"},
        {"{\"model\": \"histogram\"}", "series.m.value.model: expected \"gauge\" or \"counter\""},
        {"{\"noise\": -1}", "series.m.value.noise: must be between 0 and"},
        {"{\"trend\": {\"per_hour\": 1, \"per_day\": 2}}",
         "series.m.value.trend: give one of \"per_hour\" and \"per_day\""},
        {"{\"daily\": {\"amplitude\": 1, \"peak_hour\": 25}}",
         "series.m.value.daily.peak_hour: must be between 0 and 24 (got 25)"},
        {"{\"daily\": {\"peak_hour\": 3}}",
         "series.m.value.daily.amplitude: missing required key \"amplitude\""},
        {"{\"weekly\": {\"amplitude\": 1, \"peak_day\": \"someday\"}}",
         "series.m.value.weekly.peak_day: expected a day"},
        {"{\"walk\": {\"sigma\": 1, \"tau\": \"soon\"}}", "series.m.value.walk.tau: expected a "
                                                          "duration"},
        {"{\"min\": 5, \"max\": 1}", "series.m.value.min: must not be greater than \"max\""},
        {"{\"initial\": 5}", "series.m.value.initial: only a counter has an initial count"},
        {"{\"anomalies\": {\"spike\": {\"rate\": 2}}}",
         "series.m.value.anomalies.spike.rate: must be between 0 and 1 (got 2)"},
        {"{\"anomalies\": {\"spike\": {\"rate\": 0.1, \"mode\": \"times\"}}}",
         "series.m.value.anomalies.spike.mode: expected \"multiply\" or \"add\""},
        {"{\"anomalies\": {\"flatline\": {\"rate\": 0.1, \"duration\": \"1h\"}}}",
         "series.m.value.anomalies.flatline.rate: must be at most 0.000694444: an episode lasts "
         "720 points, and episodes never overlap (at most one per 1440 points)"},
        {"{\"anomalies\": {\"level_shift\": {\"rate\": 0.001}}}",
         "series.m.value.anomalies.level_shift.magnitude: missing required key"},
        {"{\"anomalies\": {\"blip\": {}}}", "series.m.value.anomalies.blip: unknown key"},
        {"{\"model\": \"counter\", \"anomalies\": {\"spike\": {\"rate\": 0.1}}}",
         "series.m.value.anomalies.spike: a counter never decreases, so it takes only "
         "\"flatline\" anomalies"},
        {"{\"model\": \"counter\", \"base\": 2, \"daily\": {\"amplitude\": 2}}",
         "series.m.value.base: a counter's rate (base 2 per second) must stay above 0"},
        {"{\"model\": \"counter\", \"base\": 1, \"noise\": 3}",
         "series.m.value: a counter never decreases, so noise (3) must be at most half its "
         "smallest increment per interval, (base - amplitudes) * interval / 2 = 2.5"},
        {"{\"model\": \"counter\", \"base\": 1, \"noise\": 1, \"walk\": {\"sigma\": 2, \"tau\": "
         "\"10s\"}}", "series.m.value: a counter never decreases, so noise + walk.sigma * min(2, 3 "
         "interval / tau) (1 + 2 * 1.5 = 4) must be at most half"},
        {"{\"model\": \"counter\", \"trend\": {\"per_day\": -1}}",
         "series.m.value.trend: a counter's rate cannot trend down"},
        {"{\"model\": \"counter\", \"max\": 3}", "series.m.value.max: a counter has no bounds"},
        {"[1]", "series.m.value: expected an object"},
    };
    size_t k;

    for (k = 0; k < sizeof cases / sizeof *cases; k++) {
        char text[2048], *errs;
        snprintf(text, sizeof text,
                 "{\"series\": {\"m\": {\"duration\": \"1d\", \"interval\": \"5s\", \"tags\": "
                 "{\"h\": [\"a\"]}, \"value\": %s}}}", cases[k].value);
        errs = errors_of(text);
        cr_expect(strstr(errs, cases[k].want) != NULL, "case %zu: %s\nwant: %s\ngot:  %s", k,
                  cases[k].value, cases[k].want, errs);
        free(errs);
    }
}

Test(series, bad_family_keys_are_located)
{
    static const struct {
        const char *keys, *want;
    } cases[] = {
        {"\"tags\": {\"time\": [\"a\"]}", "series.m.tags.time: a tag cannot be named \"time\""},
        {"\"tags\": {\"h\": [\"a\"]}, \"label\": \"value\"",
         "series.m.label: \"value\" is taken by a column"},
        {"\"tags\": {\"h\": [\"a\"], \"anomaly\": [\"b\"]}, \"label\": true",
         "series.m.tags.anomaly: a tag cannot be named \"anomaly\""},
        {"\"tags\": {\"h\": [\"a\"]}, \"label\": 3", "series.m.label: expected true, false or a "
                                                     "column name"},
        {"\"tags\": {\"h\": [\"a\"]}, \"gaps\": 1.5", "series.m.gaps: must be between 0 and 1"},
        {"\"tags\": {\"h\": [\"a\"]}, \"decimals\": 20", "series.m.decimals: must be between 0 "
                                                         "and 15"},
        {"\"tags\": {\"h\": [\"a\"]}, \"metric\": \"\"", "series.m.metric: must not be empty"},
        {"\"tags\": {\"h\": [\"a\"]}, \"lable\": true", "series.m.lable: unknown key \"lable\" "
                                                        "(did you mean \"label\"?)"},
    };
    size_t k;

    for (k = 0; k < sizeof cases / sizeof *cases; k++) {
        char text[2048], *errs;
        snprintf(text, sizeof text,
                 "{\"series\": {\"m\": {\"duration\": \"1d\", \"interval\": \"5s\", %s}}}",
                 cases[k].keys);
        errs = errors_of(text);
        cr_expect(strstr(errs, cases[k].want) != NULL, "case %zu: %s\nwant: %s\ngot:  %s", k,
                  cases[k].keys, cases[k].want, errs);
        free(errs);
    }
}

/* ---------- the text formats ---------- */

/* Every chunk of family name, encoded (with the header) as f. Returned string freed by caller. */
static char *encode_family(const struct plan *p, const char *name, enum fount_format f)
{
    const struct entity *e = plan_entity(p, name);
    struct fount_encoder enc = {f, DIALECT_SQLITE};
    struct gen_buf gb;
    struct fount_batch b;
    struct buf out;
    uint64_t c;

    buf_init(&out, 1 << 26);
    gen_buf_init(&gb);
    cr_assert_eq(encode_header(&enc, &e->rel, &out), 0);
    for (c = 0; c < plan_nchunks(e); c++) {
        gen_chunk(e, c, &gb, &b);
        cr_assert_eq(encode_batch(&enc, &b, &out), 0);
    }
    gen_buf_free(&gb);
    buf_append(&out, "", 1);
    return out.data;
}

static const char *const TINY =
    "{\"seed\": 1, \"series\": {\"reqs\": {\"metric\": \"http_requests_total\", \"start\": "
    "\"2026-01-01T00:00:00Z\", \"duration\": \"20s\", \"interval\": \"10s\", \"description\": "
    "\"Requests served\", \"tags\": {\"host\": [\"web-1\", \"web 2,a=b\"], \"path\": "
    "[\"/q\\\"x\\\\y\"]}, \"value\": {\"model\": \"counter\", \"base\": 2, \"initial\": 100}}, "
    "\"cpu\": {\"start\": \"2026-01-01T00:00:00Z\", \"duration\": \"10s\", \"interval\": \"10s\", "
    "\"tags\": {\"host\": [\"a\"]}, \"value\": {\"base\": 47.724, \"noise\": 0}, "
    "\"label\": true}}}";

Test(format_ts, influx_golden)
{
    struct plan *p = compile(TINY);
    char *got = encode_family(p, "reqs", FMT_INFLUX);

    cr_expect_str_eq(got,
                     "http_requests_total,host=web-1,path=/q\"x\\y value=100 1767225600000000000\n"
                     "http_requests_total,host=web\\ 2\\,a\\=b,path=/q\"x\\y value=100 "
                     "1767225600000000000\n"
                     "http_requests_total,host=web-1,path=/q\"x\\y value=120 1767225610000000000\n"
                     "http_requests_total,host=web\\ 2\\,a\\=b,path=/q\"x\\y value=120 "
                     "1767225610000000000\n");
    free(got);
    got = encode_family(p, "cpu", FMT_INFLUX);
    cr_expect_str_eq(got, "cpu,host=a value=47.724 1767225600000000000\n");
    free(got);
    plan_free(p);
}

Test(format_ts, prometheus_golden)
{
    struct plan *p = compile(TINY);
    char *got = encode_family(p, "reqs", FMT_PROMETHEUS);

    cr_expect_str_eq(got,
                     "# HELP http_requests_total Requests served\n"
                     "# TYPE http_requests_total counter\n"
                     "http_requests_total{host=\"web-1\",path=\"/q\\\"x\\\\y\"} 100 1767225600000\n"
                     "http_requests_total{host=\"web 2,a=b\",path=\"/q\\\"x\\\\y\"} 100 "
                     "1767225600000\n"
                     "http_requests_total{host=\"web-1\",path=\"/q\\\"x\\\\y\"} 120 1767225610000\n"
                     "http_requests_total{host=\"web 2,a=b\",path=\"/q\\\"x\\\\y\"} 120 "
                     "1767225610000\n");
    free(got);
    got = encode_family(p, "cpu", FMT_PROMETHEUS);
    cr_expect_str_eq(got, "# HELP cpu fount series cpu\n# TYPE cpu gauge\n"
                          "cpu{host=\"a\"} 47.724 1767225600000\n");
    free(got);
    plan_free(p);
}

/* A hand-made one-row series relation: what each tag value becomes. */
Test(format_ts, escaping)
{
    static const struct {
        const char *tag, *influx, *prom;
    } cases[] = {
        {"plain", "host=plain", "host=\"plain\""},
        {"a,b c=d", "host=a\\,b\\ c\\=d", "host=\"a,b c=d\""},
        {"back\\slash", "host=back\\slash", "host=\"back\\\\slash\""},
        {"comma\\,", "host=comma\\\\,", "host=\"comma\\\\,\""},
        {"trailing\\\\", "host=trailing", "host=\"trailing\\\\\\\\\""},
        {"\\", "", "host=\"\\\\\""},
        {"", "", "host=\"\""},
        {"line\nbreak\ttab", "host=line\\nbreak\\ttab", "host=\"line\\nbreak\ttab\""},
        {"quote\"", "host=quote\"", "host=\"quote\\\"\""},
        {"ünïcode", "host=ünïcode", "host=\"ünïcode\""},
    };
    struct fount_column cols[3] = {{.name = "time", .type = FV_TIMESTAMP, .ts_digits = 3,
                                    .role = COL_TIME},
                                   {.name = "host", .type = FV_STRING, .max_len = -1,
                                    .role = COL_TAG},
                                   {.name = "value", .type = FV_DOUBLE, .decimals = 1,
                                    .role = COL_VALUE}};
    struct fount_relation rel = {.name = "r", .ncols = 3, .cols = cols, .time_col = 0,
                                 .metric = "m e,t", .metric_type = METRIC_GAUGE};
    struct fount_value row[3];
    struct fount_batch b = {.rel = &rel, .nrows = 1, .vals = row};
    size_t k;

    row[0].type = FV_TIMESTAMP;
    row[0].v.i = 1500; /* 1.5 ms: cut to the column's 3 digits */
    row[2].type = FV_DOUBLE;
    row[2].v.d = 2.26;
    for (k = 0; k < sizeof cases / sizeof *cases; k++) {
        char want[256];
        struct buf out;
        row[1].type = FV_STRING;
        row[1].v.s = cases[k].tag;
        row[1].len = (uint32_t)strlen(cases[k].tag);
        buf_init(&out, 1 << 20);
        cr_assert_eq(format_influx_batch(&b, &out), 0);
        buf_append(&out, "", 1);
        snprintf(want, sizeof want, "m\\ e\\,t%s%s value=2.3 1000000\n", cases[k].influx[0] ? ","
                                                                                          : "",
                 cases[k].influx);
        cr_expect_str_eq(out.data, want, "influx, tag %zu", k);
        buf_reset(&out);
        cr_assert_eq(format_prom_batch(&b, &out), 0);
        buf_append(&out, "", 1);
        snprintf(want, sizeof want, "m_e_t{%s} 2.3 1\n", cases[k].prom);
        cr_expect_str_eq(out.data, want, "prometheus, tag %zu", k);
        buf_free(&out);
    }
}

/* A plain table (no roles): strings are tags, the rest fields, the stream's time the timestamp. */
Test(format_ts, non_series_relations)
{
    struct fount_column cols[6] = {{.name = "id", .type = FV_STRING, .unique = 1},
                                   {.name = "at", .type = FV_TIMESTAMP, .ts_digits = 6},
                                   {.name = "country", .type = FV_STRING},
                                   {.name = "qty", .type = FV_INT},
                                   {.name = "paid", .type = FV_BOOL},
                                   {.name = "total.eur", .type = FV_DECIMAL, .scale = 2}};
    struct fount_relation rel = {.name = "orders", .ncols = 6, .cols = cols, .time_col = 1};
    struct fount_value rows[12];
    struct fount_batch b = {.rel = &rel, .nrows = 2, .vals = rows};
    struct buf out;

    memset(rows, 0, sizeof rows);
    rows[0] = (struct fount_value){.type = FV_STRING, .len = 2, .v.s = "o1"};
    rows[1] = (struct fount_value){.type = FV_TIMESTAMP, .v.i = 1767225600000001};
    rows[2] = (struct fount_value){.type = FV_STRING, .len = 2, .v.s = "FR"};
    rows[3] = (struct fount_value){.type = FV_INT, .v.i = 3};
    rows[4] = (struct fount_value){.type = FV_BOOL, .v.i = 1};
    rows[5] = (struct fount_value){.type = FV_DECIMAL, .v.i = 1250};
    rows[7] = (struct fount_value){.type = FV_TIMESTAMP, .v.i = -1500};
    rows[8] = (struct fount_value){.type = FV_STRING, .len = 2, .v.s = "DE"};
    /* row 2: every field NULL */
    buf_init(&out, 1 << 20);
    cr_assert_eq(format_influx_batch(&b, &out), 0);
    buf_append(&out, "", 1);
    cr_expect_str_eq(out.data, "orders,country=FR id=\"o1\",qty=3i,paid=true,total.eur=12.50 "
                               "1767225600000001000\n"
                               "# row 1: no non-null field\n");
    buf_reset(&out);
    cr_assert_eq(format_prom_header(&rel, &out), 0);
    cr_assert_eq(format_prom_batch(&b, &out), 0);
    buf_append(&out, "", 1);
    cr_expect_str_eq(out.data, "# HELP orders_qty column qty of orders\n# TYPE orders_qty gauge\n"
                               "# HELP orders_paid column paid of orders\n"
                               "# TYPE orders_paid gauge\n"
                               "# HELP orders_total_eur column total.eur of orders\n"
                               "# TYPE orders_total_eur gauge\n"
                               "orders_qty{country=\"FR\"} 3 1767225600000\n"
                               "orders_paid{country=\"FR\"} 1 1767225600000\n"
                               "orders_total_eur{country=\"FR\"} 12.50 1767225600000\n");
    buf_free(&out);
}

Test(format_ts, names_and_extensions)
{
    cr_expect_eq(format_from_name("influx"), FMT_INFLUX);
    cr_expect_eq(format_from_name("LP"), FMT_INFLUX);
    cr_expect_eq(format_from_name("prometheus"), FMT_PROMETHEUS);
    cr_expect_eq(format_from_name("prom"), FMT_PROMETHEUS);
    cr_expect_str_eq(format_extension(FMT_INFLUX), "lp");
    cr_expect_str_eq(format_extension(FMT_PROMETHEUS), "prom");
    cr_expect_str_eq(format_name(FMT_PROMETHEUS), "prometheus");
}
