/* threshold.c: parse and evaluate the conditions of threshold.h. */
#include "threshold.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FORMS "expected METRIC OP VALUE such as p99<50ms, max<=2s, errors<0.1%, errors<10, " \
              "rate>=0.95 or throughput>=1000/s (OP: < <= > >=)"

static int latency_value(const char *v, double *ns)
{
    static const struct { const char *u; double mul; } units[] = {
        {"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}};
    char *end;
    double x = strtod(v, &end);
    size_t i;

    if (end == v || !(x >= 0))
        return -1;
    for (i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcmp(end, units[i].u)) {
            *ns = x * units[i].mul;
            return 0;
        }
    return -1;
}

/* "12", "0.1%": a number, with *pct set when it ends in %. */
static int number(const char *v, double *x, int *pct, const char *suffix)
{
    char *end;

    *x = strtod(v, &end);
    if (end == v || !(*x >= 0))
        return -1;
    *pct = !strcmp(end, "%");
    if (*pct)
        return 0;
    return *end && !(suffix && !strcmp(end, suffix)) ? -1 : 0;
}

static int metric(const char *m, struct threshold *t)
{
    char *end;

    t->metric = TH_LATENCY;
    if (!strcmp(m, "max")) {
        t->pct = 100;
        return 0;
    }
    if (!strcmp(m, "mean")) {
        t->pct = -1;
        return 0;
    }
    if (m[0] == 'p' && isdigit((unsigned char)m[1])) {
        t->pct = strtod(m + 1, &end);
        return *end || !(t->pct > 0 && t->pct < 100) ? -1 : 0;
    }
    if (!strcmp(m, "errors"))
        t->metric = TH_ERRORS;
    else if (!strcmp(m, "rate"))
        t->metric = TH_RATE;
    else if (!strcmp(m, "throughput"))
        t->metric = TH_THROUGHPUT;
    else
        return -1;
    return 0;
}

int threshold_parse(const char *s, struct threshold *t, char *msg, size_t n)
{
    char m[32], v[48];
    size_t i, j = 0, k, oplen;
    int pct;

    memset(t, 0, sizeof *t);
    for (i = 0; s[i] && j + 1 < sizeof t->text; i++)
        if (!isspace((unsigned char)s[i]))
            t->text[j++] = s[i];
    t->text[j] = '\0';
    k = strcspn(t->text, "<>");
    if (!t->text[k] || k == 0 || k >= sizeof m) {
        snprintf(msg, n, "threshold \"%s\": %s", s, FORMS);
        return -1;
    }
    memcpy(m, t->text, k);
    m[k] = '\0';
    oplen = t->text[k + 1] == '=' ? 2 : 1;
    t->op = t->text[k] == '<' ? (oplen == 2 ? TH_LE : TH_LT) : (oplen == 2 ? TH_GE : TH_GT);
    snprintf(v, sizeof v, "%s", t->text + k + oplen);
    if (metric(m, t)) {
        snprintf(msg, n, "threshold \"%s\": unknown metric \"%s\" (expected p50, p90, p99, "
                         "p99.9 or any pNN, max, mean, errors, rate, throughput)", s, m);
        return -1;
    }
    switch (t->metric) {
    case TH_LATENCY:
        if (latency_value(v, &t->value)) {
            snprintf(msg, n, "threshold \"%s\": \"%s\" is not a duration with a unit (such as "
                             "50ms, 2s, 800us)", s, v);
            return -1;
        }
        break;
    case TH_ERRORS:
    case TH_ERRORS_RATIO:
        if (number(v, &t->value, &pct, NULL)) {
            snprintf(msg, n, "threshold \"%s\": \"%s\" is not a count or a percentage (such as "
                             "10 or 0.1%%)", s, v);
            return -1;
        }
        if (pct) {
            t->metric = TH_ERRORS_RATIO;
            t->value /= 100;
        }
        break;
    case TH_RATE:
        if (number(v, &t->value, &pct, NULL)) {
            snprintf(msg, n, "threshold \"%s\": \"%s\" is not a ratio of the target rate (such "
                             "as 0.95 or 95%%)", s, v);
            return -1;
        }
        if (pct)
            t->value /= 100;
        break;
    case TH_THROUGHPUT:
        if (number(v, &t->value, &pct, "/s") || pct) {
            snprintf(msg, n, "threshold \"%s\": \"%s\" is not records per second (such as "
                             "1000/s)", s, v);
            return -1;
        }
        break;
    }
    return 0;
}

static int compare(enum th_op op, double a, double b)
{
    switch (op) {
    case TH_LT: return a < b;
    case TH_LE: return a <= b;
    case TH_GT: return a > b;
    case TH_GE: return a >= b;
    }
    return 0;
}

static void fmt_ns(char *out, size_t n, double ns)
{
    if (ns >= 1e9)
        snprintf(out, n, "%.3g s", ns / 1e9);
    else if (ns >= 1e6)
        snprintf(out, n, "%.3g ms", ns / 1e6);
    else
        snprintf(out, n, "%.3g us", ns / 1e3);
}

int threshold_eval(const struct threshold *t, const struct th_inputs *in, double *actual,
                   char *text, size_t n)
{
    double a = 0;

    switch (t->metric) {
    case TH_LATENCY:
        if (!in->lat || !in->lat->total) {
            snprintf(text, n, "no latencies were recorded");
            return -1;
        }
        a = t->pct < 0 ? hist_mean(in->lat) : (double)hist_percentile(in->lat, t->pct);
        fmt_ns(text, n, a);
        break;
    case TH_ERRORS:
        a = (double)in->failed;
        snprintf(text, n, "%llu failed", (unsigned long long)in->failed);
        break;
    case TH_ERRORS_RATIO:
        a = in->generated ? (double)in->failed / (double)in->generated : 0;
        snprintf(text, n, "%.3g%% failed", 100 * a);
        break;
    case TH_RATE:
        if (in->rate_ratio < 0) {
            snprintf(text, n, "the run had no target rate (use --rate, --stage or --pace "
                              "realtime)");
            return -1;
        }
        a = in->rate_ratio;
        snprintf(text, n, "%.3g of the target", a);
        break;
    case TH_THROUGHPUT:
        a = in->elapsed_s > 0 ? (double)in->delivered / in->elapsed_s : 0;
        snprintf(text, n, "%.0f/s", a);
        break;
    }
    *actual = a;
    return compare(t->op, a, t->value);
}
