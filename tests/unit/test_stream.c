/* test_stream.c: streams on the simulated clock: window counts against the rate curve, event times,
 * seasonality, and the faults (rates, lateness, duplicates, drift). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "fault.h"
#include "gen.h"
#include "profile.h"
#include "stream.h"

static struct plan *compile(const char *text)
{
    struct buf errs;
    int n = 0;
    struct plan *p;
    struct fount_err err;

    buf_init(&errs, 1 << 20);
    p = profile_load_text("t.json", text, strlen(text), &errs, &n);
    if (!p)
        cr_assert_fail("profile did not compile: %.*s", (int)errs.len, errs.data);
    buf_free(&errs);
    cr_assert_eq(plan_prepare(p, 1, 2, NULL, &err), 0, "prepare: %s", err.msg);
    return p;
}

/* Upper regularized incomplete gamma Q(a, x), for chi-square p-values. */
static double gamma_q(double a, double x)
{
    double sum, del, ap, b, c, d, h, an;
    int i;

    if (x <= 0)
        return 1;
    if (x < a + 1) {
        ap = a;
        sum = del = 1 / a;
        for (i = 0; i < 1000; i++) {
            ap += 1;
            del *= x / ap;
            sum += del;
            if (fabs(del) < fabs(sum) * 1e-15)
                break;
        }
        return 1 - sum * exp(-x + a * log(x) - lgamma(a));
    }
    b = x + 1 - a;
    c = 1 / 1e-300;
    d = 1 / b;
    h = d;
    for (i = 1; i < 1000; i++) {
        an = -i * (i - a);
        b += 2;
        d = an * d + b;
        if (fabs(d) < 1e-300)
            d = 1e-300;
        c = b + an / c;
        if (fabs(c) < 1e-300)
            c = 1e-300;
        d = 1 / d;
        del = d * c;
        h *= del;
        if (fabs(del - 1) < 1e-15)
            break;
    }
    return exp(-x + a * log(x) - lgamma(a)) * h;
}

/* The count of events in 10^4 windows follows Poisson(rate x window): chi-square over counts. */
Test(stream, window_counts_are_poisson)
{
    struct plan *p = compile("{\"seed\": 5, \"streams\": {\"s\": {\"start\": \"2026-01-01\", "
                             "\"duration\": \"10000s\", \"rate\": 4.5, \"fields\": {\"t\": "
                             "{\"type\": \"event_time\"}}}}}");
    const struct stream *s = p->ents[0].stream;
    uint64_t hist[64] = {0}, w, n = 10000;
    double lam = 4.5, chi = 0, pmf, expct, tail = 1;
    int k, bins = 0, kmax = 12;

    cr_assert_eq(s->nwindows, n);
    for (w = 0; w < n; w++) {
        uint64_t c = stream_window_count(s, w);
        hist[c < 63 ? c : 63]++;
    }
    for (k = 0; k <= kmax; k++) {
        double obs = (double)hist[k];
        pmf = exp(-lam + k * log(lam) - lgamma(k + 1));
        if (k == kmax) { /* the tail bin */
            pmf = tail;
            for (obs = 0; k < 64; k++)
                obs += (double)hist[k];
        }
        tail -= pmf;
        expct = pmf * (double)n;
        chi += (obs - expct) * (obs - expct) / expct;
        bins++;
    }
    cr_assert_gt(gamma_q((bins - 1) / 2.0, chi / 2), 1e-4, "chi2 %.2f over %d bins", chi, bins);
    plan_free(p);
}

/* Daily seasonality: the busiest hour of the day is the configured peak. */
Test(stream, seasonality_peak_hour)
{
    struct plan *p = compile("{\"streams\": {\"s\": {\"start\": \"2026-01-05\", \"duration\": \"14d\", "
                             "\"window\": \"1m\", \"rate\": {\"base\": 2, \"daily\": {\"amplitude\": "
                             "0.6, \"peak_hour\": 15}}, \"fields\": {\"t\": {\"type\": \"event_time\"}}}}}");
    const struct stream *s = p->ents[0].stream;
    double by_hour[24] = {0};
    uint64_t w;
    int h, best = 0;

    for (w = 0; w < s->nwindows; w++)
        by_hour[(w / 60) % 24] += (double)stream_window_count(s, w);
    for (h = 1; h < 24; h++)
        if (by_hour[h] > by_hour[best])
            best = h;
    cr_assert(best == 15 || best == 14, "peak at %d:00, want 15:00 (%.0f vs %.0f)", best,
              by_hour[best], by_hour[15]);
    cr_assert_gt(by_hour[15], 2.5 * by_hour[3], "peak %.0f, trough %.0f", by_hour[15], by_hour[3]);
    plan_free(p);
}

/* Times are inside their window and ascending; uniform arrivals are evenly spaced. */
Test(stream, times_sorted_in_window)
{
    static const char *const arrivals[] = {"poisson", "uniform"};
    int a;

    for (a = 0; a < 2; a++) {
        char text[512];
        struct plan *p;
        const struct stream *s;
        int64_t t[4096];
        uint64_t w, j;
        snprintf(text, sizeof text, "{\"streams\": {\"s\": {\"duration\": \"100s\", \"rate\": 1000, "
                                    "\"arrival\": \"%s\", \"fields\": {\"t\": {\"type\": \"event_time\"}}}}}",
                 arrivals[a]);
        p = compile(text);
        s = p->ents[0].stream;
        for (w = 0; w < s->nwindows; w++) {
            uint64_t k = stream_window_count(s, w);
            int64_t t0, len;
            cr_assert_lt(k, 4096);
            stream_window_times(s, w, k, t);
            stream_window_bounds(s, w, &t0, &len);
            if (a == 1)
                cr_assert(k == 1000, "uniform: %llu events in a window of rate 1000",
                          (unsigned long long)k);
            for (j = 0; j < k; j++) {
                cr_assert(t[j] >= t0 && t[j] < t0 + len);
                if (j)
                    cr_assert_geq(t[j], t[j - 1]);
            }
        }
        plan_free(p);
    }
}

/* Rate integrals: exact for constant and ramp rates. */
Test(stream, rate_integral)
{
    struct {
        struct rate r;
        int64_t t0, t1;
        double want;
    } cases[] = {
        {{.base = 10}, 0, 1000000, 10},
        {{.base = 10}, 0, 250000, 2.5},
        {{.base = 0, .ramp_to = 100, .ramp_us = 100000000}, 0, 100000000, 5000},
        {{.base = 0, .ramp_to = 100, .ramp_us = 100000000}, 50000000, 51000000, 50.5},
        {{.base = 7, .nsteps = 1, .step_at = {5000000}, .step_rate = {3}}, 6000000, 7000000, 3},
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double got = rate_integral(&cases[i].r, 0, cases[i].t0, cases[i].t1);
        cr_assert(fabs(got - cases[i].want) < 1e-6 * (1 + cases[i].want), "case %zu: %g want %g",
                  i, got, cases[i].want);
    }
}

static const char faulty[] =
    "{\"seed\": 11, \"streams\": {\"s\": {\"start\": \"2026-01-01T00:00:00Z\", \"duration\": \"20m\", "
    "\"rate\": 100, \"fields\": {\"t\": {\"type\": \"event_time\"}, \"id\": {\"type\": \"uuid\"}, "
    "\"n\": {\"type\": \"int\", \"min\": 1, \"max\": 9}, \"p\": {\"type\": \"choice\", \"values\": [\"a\", \"b\"]}},"
    "\"faults\": {\"duplicates\": {\"rate\": 0.02, \"delay\": \"5s\"}, \"late\": {\"rate\": 0.03, \"by\": "
    "\"2m\"}, \"nulls\": {\"rate\": 0.01, \"fields\": [\"n\"]}, \"drift\": {\"changes\": [{\"at\": "
    "\"10m\", \"rename\": {\"from\": \"p\", \"to\": \"page\"}}]}}}}}";

/* Fault rates within tolerance; late events are late; duplicates repeat an earlier event exactly;
 * drift appears at its time. */
Test(stream, faults)
{
    struct plan *p = compile(faulty);
    const struct entity *e = &p->ents[0];
    struct gen_buf gb;
    struct fount_batch b;
    uint64_t c, dups = 0, late = 0, nulls = 0, total = 0, drifted_early = 0, undrifted_late = 0;
    int t_col = entity_field(e, "t"), n_col = entity_field(e, "n"), p_col = entity_field(e, "p");
    int page_col = entity_field(e, "page"), v_col = entity_field(e, "schema_version");
    int64_t last_send_floor = INT64_MIN;

    cr_assert(page_col >= 0 && v_col >= 0);
    gen_buf_init(&gb);
    for (c = 0; c < plan_nchunks(e); c++) {
        size_t i;
        gen_chunk(e, c, &gb, &b);
        cr_assert_not_null(b.row_flags);
        for (i = 0; i < b.nrows; i++) {
            const struct fount_value *v = b.vals + i * e->nfields;
            uint8_t f = b.row_flags[i];
            int64_t since = v[t_col].v.i - e->stream->start_us;
            total++;
            dups += (f & ROW_DUP) != 0;
            late += (f & ROW_LATE) != 0;
            nulls += (f & ROW_NULLED) != 0;
            if (f & ROW_NULLED)
                cr_assert_eq(v[n_col].type, FV_NULL);
            /* version 2 (renamed) from 10 minutes of send time on */
            if (b.row_version[i] == 1 && since < 10 * 60 * 1000000LL - 200 * 1000000LL)
                drifted_early++;
            if (b.row_version[i] == 0 && since > 10 * 60 * 1000000LL + 1000000LL && !(f & ROW_DUP))
                undrifted_late++;
            cr_assert_eq(v[v_col].v.i, b.row_version[i] + 1);
            if (b.row_version[i] == 1)
                cr_assert(v[p_col].type == FV_NULL && v[page_col].type == FV_STRING);
            else
                cr_assert(v[p_col].type == FV_STRING && v[page_col].type == FV_NULL);
            (void)last_send_floor;
        }
    }
    cr_assert_eq(total, e->count);
    cr_assert(fabs((double)dups / total - 0.02) < 0.004, "duplicates %llu of %llu",
              (unsigned long long)dups, (unsigned long long)total);
    cr_assert(fabs((double)late / total - 0.03) < 0.005, "late %llu", (unsigned long long)late);
    cr_assert(fabs((double)nulls / total - 0.01) < 0.003, "nulls %llu", (unsigned long long)nulls);
    cr_assert_eq(drifted_early, 0);
    cr_assert_eq(undrifted_late, 0);
    gen_buf_free(&gb);
    plan_free(p);
}

/* A duplicate carries the same values as its original (same id), and comes after it. Late
 * events have event times older than their neighbours' by about the configured lateness. */
Test(stream, duplicates_and_lateness)
{
    struct plan *p = compile(faulty);
    const struct entity *e = &p->ents[0];
    struct gen_buf gb;
    struct fount_batch b;
    int id_col = entity_field(e, "id"), t_col = entity_field(e, "t");
    uint64_t c, checked = 0, late_checked = 0;

    gen_buf_init(&gb);
    for (c = 0; c < plan_nchunks(e); c++) {
        size_t i, j;
        gen_chunk(e, c, &gb, &b);
        for (i = 1; i < b.nrows; i++) {
            const struct fount_value *v = b.vals + i * e->nfields;
            if ((b.row_flags[i] & ROW_LATE) && !(b.row_flags[i] & ROW_DUP) &&
                !(b.row_flags[i - 1] & (ROW_LATE | ROW_DUP))) {
                int64_t lag = b.vals[(i - 1) * e->nfields + t_col].v.i - v[t_col].v.i;
                cr_assert(lag > 100 * 1000000LL && lag < 130 * 1000000LL, "lateness %lld us",
                          (long long)lag);
                late_checked++;
            }
            if (!(b.row_flags[i] & ROW_DUP))
                continue;
            /* the original is earlier in this chunk in most cases: find it */
            for (j = 0; j < i; j++)
                if (!(b.row_flags[j] & ROW_DUP) &&
                    memcmp(b.vals[j * e->nfields + id_col].v.u, v[id_col].v.u, 16) == 0) {
                    cr_assert_eq(b.vals[j * e->nfields + t_col].v.i, v[t_col].v.i);
                    checked++;
                    break;
                }
        }
    }
    cr_assert_gt(checked, 100, "only %llu duplicates matched their original",
                 (unsigned long long)checked);
    cr_assert_gt(late_checked, 100);
    gen_buf_free(&gb);
    plan_free(p);
}

/* An --events bound cuts the stream exactly, inside a window if need be. */
Test(stream, events_bound)
{
    static const char *const texts[] = {
        "{\"streams\": {\"s\": {\"events\": 12345, \"rate\": 777, \"fields\": {\"t\": {\"type\": \"event_time\"}}}}}",
        "{\"streams\": {\"s\": {\"events\": 10, \"rate\": 0.01, \"fields\": {\"t\": {\"type\": \"event_time\"}}}}}",
    };
    size_t i;

    for (i = 0; i < 2; i++) {
        struct plan *p = compile(texts[i]);
        const struct entity *e = &p->ents[0];
        struct gen_buf gb;
        struct fount_batch b;
        uint64_t c, total = 0;
        gen_buf_init(&gb);
        for (c = 0; c < plan_nchunks(e); c++) {
            gen_chunk(e, c, &gb, &b);
            total += b.nrows;
        }
        cr_assert_eq(e->count, i ? 10u : 12345u);
        cr_assert_eq(total, e->count);
        gen_buf_free(&gb);
        plan_free(p);
    }
}
