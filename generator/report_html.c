/* report_html.c: the run as one self-contained HTML page: no network, no scripts, every chart an
 * inline SVG drawn here from the JSON report's tree: throughput against target over time,
 * backlog, latency percentiles over time, the latency histogram, and failures and faults per
 * relation. Leaves out: interactivity (a person reads it; CI reads the JSON). */
#include "report.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define W 760
#define H 260
#define ML 70   /* margins: left (y labels), right, top, bottom (x labels) */
#define MR 20
#define MT 30
#define MB 40

static const char *const colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"};

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

    return cJSON_IsString(v) ? v->valuestring : "";
}

static void esc(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '<')
            fputs("&lt;", out);
        else if (*s == '>')
            fputs("&gt;", out);
        else if (*s == '&')
            fputs("&amp;", out);
        else if (*s == '"')
            fputs("&quot;", out);
        else
            fputc(*s, out);
    }
}

/* A round step for about 5 ticks up to max. */
static double nice_step(double max)
{
    double raw = max / 5, mag, f;

    if (!(raw > 0))
        return 1;
    mag = pow(10, floor(log10(raw)));
    f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

static void axes(FILE *out, double xmax, double ymax, const char *xl, const char *yl)
{
    double step = nice_step(ymax), xs = nice_step(xmax), v;

    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", ML, H - MB,
            W - MR, H - MB);
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", ML, MT, ML,
            H - MB);
    for (v = 0; v <= ymax * 1.0001; v += step) {
        double y = H - MB - v / ymax * (H - MT - MB);
        fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                     "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">%g</text>\n",
                ML, y, W - MR, y, ML - 5, y + 4, v);
    }
    for (v = 0; v <= xmax * 1.0001; v += xs) {
        double x = ML + v / xmax * (W - ML - MR);
        fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\">%g</text>\n",
                x, H - MB + 15, v);
    }
    fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\">%s</text>\n",
            (ML + W - MR) / 2, H - 5, xl);
    fprintf(out, "<text x=\"14\" y=\"%d\" font-size=\"12\" transform=\"rotate(-90 14 %d)\" "
                 "text-anchor=\"middle\">%s</text>\n", (MT + H - MB) / 2, (MT + H - MB) / 2, yl);
}

/* Lines over the samples: y = key (or key inside the sample's "latency" object when lat). */
static void line_chart(FILE *out, const char *id, const char *title, const cJSON *samples,
                       const char *const *keys, const char *const *names, size_t nk, int lat,
                       const char *yl)
{
    const cJSON *s;
    double xmax = 0, ymax = 0;
    size_t k;

    cJSON_ArrayForEach(s, samples) {
        const cJSON *o = lat ? cJSON_GetObjectItemCaseSensitive(s, "latency") : s;
        if (num(s, "t1") > xmax)
            xmax = num(s, "t1");
        for (k = 0; k < nk; k++)
            if (num(o, keys[k]) > ymax)
                ymax = num(o, keys[k]);
    }
    if (!(xmax > 0))
        xmax = 1;
    if (!(ymax > 0))
        ymax = 1;
    ymax = ceil(ymax / nice_step(ymax * 1.05)) * nice_step(ymax * 1.05);
    fprintf(out, "<h2>%s</h2>\n<svg id=\"%s\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
                 "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", title, id, W, H, W, H);
    axes(out, xmax, ymax, "seconds", yl);
    for (k = 0; k < nk; k++) {
        fprintf(out, "<polyline class=\"series\" data-name=\"%s\" fill=\"none\" stroke=\"%s\" "
                     "stroke-width=\"2\" points=\"", names[k], colors[k % 5]);
        cJSON_ArrayForEach(s, samples) {
            const cJSON *o = lat ? cJSON_GetObjectItemCaseSensitive(s, "latency") : s;
            double x = ML + (num(s, "t0") + num(s, "t1")) / 2 / xmax * (W - ML - MR);
            double y = H - MB - num(o, keys[k]) / ymax * (H - MT - MB);
            fprintf(out, "%.1f,%.1f ", x, y);
        }
        fprintf(out, "\"/>\n<text x=\"%zu\" y=\"18\" font-size=\"12\" fill=\"%s\">%s</text>\n",
                ML + 10 + k * 110, colors[k % 5], names[k]);
    }
    fputs("</svg>\n", out);
}

/* The latency histogram, regrouped into log-spaced bins between the smallest and largest
 * bucket (the JSON keeps the full 3-digit resolution). */
static void histogram_chart(FILE *out, const cJSON *sink)
{
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(sink, "histogram");
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(h, "buckets"), *row;
    double lo = 0, hi = 0, bins[40] = {0}, ymax = 0;
    int nb = 40, i;

    cJSON_ArrayForEach(row, b) {
        double l = cJSON_GetArrayItem(row, 0)->valuedouble + 1, u = cJSON_GetArrayItem(row, 1)->valuedouble + 1;
        if (lo == 0 || l < lo)
            lo = l;
        if (u > hi)
            hi = u;
    }
    fprintf(out, "<h2>Latency histogram</h2>\n<svg id=\"chart-histogram\" class=\"chart\" "
                 "xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                 "viewBox=\"0 0 %d %d\">\n", W, H, W, H);
    if (hi <= lo)
        hi = lo * 10 + 1;
    cJSON_ArrayForEach(row, b) {
        double v = cJSON_GetArrayItem(row, 0)->valuedouble + 1;
        int k = (int)((log(v) - log(lo)) / (log(hi) - log(lo)) * nb);
        if (k >= nb)
            k = nb - 1;
        if (k < 0)
            k = 0;
        bins[k] += cJSON_GetArrayItem(row, 2)->valuedouble;
    }
    for (i = 0; i < nb; i++)
        if (bins[i] > ymax)
            ymax = bins[i];
    if (!(ymax > 0))
        ymax = 1;
    ymax = ceil(ymax / nice_step(ymax * 1.05)) * nice_step(ymax * 1.05);
    axes(out, 1, ymax, "latency (log scale)", "records");
    for (i = 0; i < nb; i++) {
        double bw = (double)(W - ML - MR) / nb, x = ML + i * bw;
        double bh = bins[i] / ymax * (H - MT - MB);
        double from = exp(log(lo) + (log(hi) - log(lo)) * i / nb) / 1e6;
        fprintf(out, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                     "fill=\"#1f77b4\"><title>from %.3g ms: %.0f</title></rect>\n",
                x + 1, H - MB - bh, bw - 2, bh, from, bins[i]);
    }
    /* the x axis of axes() counts 0..1: label the ends with the real latencies instead */
    fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" fill=\"#fff\"/>"
                 "<text x=\"%d\" y=\"%d\" font-size=\"11\">%.3g ms</text>"
                 "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%.3g ms</text>\n",
            ML - 10, H - MB + 3, W - ML - MR + 20, ML, H - MB + 15, lo / 1e6, W - MR, H - MB + 15,
            hi / 1e6);
    fputs("</svg>\n", out);
}

/* Failed records and injected faults per relation, as horizontal bars. */
static void errors_chart(FILE *out, const cJSON *rels)
{
    const cJSON *r;
    double max = 1;
    int n = 0, i = 0;

    cJSON_ArrayForEach(r, rels) {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(r, "faults"), *x;
        double faults = 0;
        cJSON_ArrayForEach(x, f) faults += x->valuedouble;
        if (num(r, "failed") > max)
            max = num(r, "failed");
        if (faults > max)
            max = faults;
        n++;
    }
    fprintf(out, "<h2>Failures and faults per relation</h2>\n<svg id=\"chart-errors\" "
                 "class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                 "viewBox=\"0 0 %d %d\">\n", W, 40 + n * 44, W, 40 + n * 44);
    fprintf(out, "<text x=\"%d\" y=\"16\" font-size=\"12\" fill=\"%s\">failed</text>"
                 "<text x=\"%d\" y=\"16\" font-size=\"12\" fill=\"%s\">faults injected</text>\n",
            160, colors[1], 240, colors[3]);
    cJSON_ArrayForEach(r, rels) {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(r, "faults"), *x;
        double faults = 0, y = 30 + i * 44, span = W - 160 - MR - 80;
        cJSON_ArrayForEach(x, f) faults += x->valuedouble;
        fprintf(out, "<text x=\"150\" y=\"%.0f\" text-anchor=\"end\" font-size=\"12\">", y + 16);
        esc(out, str(r, "name"));
        fprintf(out, "</text>\n<rect class=\"bar\" x=\"160\" y=\"%.0f\" width=\"%.1f\" "
                     "height=\"16\" fill=\"%s\"/><text x=\"%.1f\" y=\"%.0f\" font-size=\"11\">%.0f"
                     "</text>\n", y, num(r, "failed") / max * span, colors[1],
                165 + num(r, "failed") / max * span, y + 12, num(r, "failed"));
        fprintf(out, "<rect class=\"bar\" x=\"160\" y=\"%.0f\" width=\"%.1f\" height=\"16\" "
                     "fill=\"%s\"/><text x=\"%.1f\" y=\"%.0f\" font-size=\"11\">%.0f</text>\n",
                y + 18, faults / max * span, colors[3], 165 + faults / max * span, y + 30, faults);
        i++;
    }
    fputs("</svg>\n", out);
}

static void summary_table(FILE *out, const cJSON *tree)
{
    const cJSON *rels = cJSON_GetObjectItemCaseSensitive(tree, "relations"), *r, *t;

    fputs("<table><tr><th>relation</th><th>generated</th><th>delivered</th><th>failed</th>"
          "<th>rows/s</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>p99.9 ms</th>"
          "<th>max ms</th><th>errors</th></tr>\n", out);
    cJSON_ArrayForEach(r, rels) {
        const cJSON *l = cJSON_GetObjectItemCaseSensitive(r, "latency"), *e;
        fputs("<tr><td>", out);
        esc(out, str(r, "name"));
        fprintf(out, "</td><td>%.0f</td><td>%.0f</td><td>%.0f</td><td>%.0f</td><td>%.4g</td>"
                     "<td>%.4g</td><td>%.4g</td><td>%.4g</td><td>%.4g</td><td>",
                num(r, "generated"), num(r, "delivered"), num(r, "failed"), num(r, "throughput"),
                num(l, "p50"), num(l, "p90"), num(l, "p99"), num(l, "p99_9"), num(l, "max"));
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r, "errors")) {
            esc(out, str(e, "class"));
            fprintf(out, ": %.0f<br>", num(e, "count"));
        }
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
    t = cJSON_GetObjectItemCaseSensitive(tree, "stages");
    if (cJSON_GetArraySize(t) > 0) {
        fputs("<h2>Stages</h2>\n<table><tr><th>stage</th><th>target/s</th><th>from s</th>"
              "<th>records due</th><th>sent</th><th>achieved/s</th><th>failed</th>"
              "<th>p50 ms</th><th>p99 ms</th><th>max ms</th></tr>\n", out);
        cJSON_ArrayForEach(r, t) {
            const cJSON *l = cJSON_GetObjectItemCaseSensitive(r, "latency");
            int broke = num(r, "throughput") < 0.95 * num(r, "rate");
            fprintf(out, "<tr><td>%.0f</td><td>%.0f</td><td>%.4g</td><td>%.0f</td><td>%.0f</td>"
                         "<td class=\"%s\">%.0f</td><td>%.0f</td><td>%.4g</td><td>%.4g</td>"
                         "<td>%.4g</td></tr>\n", num(r, "index"), num(r, "rate"),
                    num(r, "start_s"), num(r, "due"), num(r, "sent"),
                    broke && num(r, "throughput") > 0 ? "fail" : "", num(r, "throughput"),
                    num(r, "failed"), num(l, "p50"), num(l, "p99"), num(l, "max"));
        }
        fputs("</table>\n", out);
    }
    t = cJSON_GetObjectItemCaseSensitive(tree, "thresholds");
    if (cJSON_GetArraySize(t) > 0) {
        fputs("<h2>Thresholds</h2>\n<table><tr><th>threshold</th><th>result</th><th>measured</th>"
              "</tr>\n", out);
        cJSON_ArrayForEach(r, t) {
            int pass = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "pass"));
            fputs("<tr><td>", out);
            esc(out, str(r, "expr"));
            fprintf(out, "</td><td class=\"%s\">%s</td><td>", pass ? "pass" : "fail",
                    pass ? "pass" : "FAIL");
            esc(out, str(r, "text"));
            fputs("</td></tr>\n", out);
        }
        fputs("</table>\n", out);
    }
}

int report_html(const struct report_run *r, struct cJSON *tree, FILE *out)
{
    static const char *const tk[] = {"target_rate", "achieved_rate"};
    static const char *const tn[] = {"target", "achieved"};
    static const char *const bk[] = {"backlog"};
    static const char *const lk[] = {"p50", "p90", "p99", "max"};
    const cJSON *series = cJSON_GetObjectItemCaseSensitive(tree, "series");
    const cJSON *samples = cJSON_GetObjectItemCaseSensitive(series, "samples");
    const cJSON *tot = cJSON_GetObjectItemCaseSensitive(tree, "totals");
    const cJSON *sinks = cJSON_GetObjectItemCaseSensitive(tree, "sinks");

    (void)r;
    fputs("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>fount run "
          "report</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}"
          "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;"
          "text-align:right}td:first-child{text-align:left}.fail{color:#d62728;font-weight:bold}"
          ".pass{color:#2ca02c}svg{display:block;margin-bottom:1em}</style>\n</head><body>\n", out);
    fputs("<h1>fount run report</h1>\n<p>profile <code>", out);
    esc(out, str(cJSON_GetObjectItemCaseSensitive(tree, "profile"), "path"));
    fprintf(out, "</code> (hash %s), fount %s, to <code>",
            str(cJSON_GetObjectItemCaseSensitive(tree, "profile"), "hash"),
            str(tree, "fount_version"));
    esc(out, str(cJSON_GetObjectItemCaseSensitive(tree, "options"), "to"));
    fprintf(out, "</code>: %.0f records delivered, %.0f failed in %.2f s (%.0f/s); backlog at "
                 "most %.0f; exit status %.0f.</p>\n", num(tot, "delivered"), num(tot, "failed"),
            num(tot, "elapsed_s"), num(tot, "throughput"), num(tot, "backlog_max"),
            num(tree, "exit_status"));
    summary_table(out, tree);
    line_chart(out, "chart-throughput", "Throughput against target (records/s)", samples, tk, tn,
               2, 0, "records/s");
    line_chart(out, "chart-backlog", "Backlog (records due, not yet sent)", samples, bk, bk, 1, 0,
               "records");
    line_chart(out, "chart-latency", "Latency percentiles per interval (ms)", samples, lk, lk, 4,
               1, "ms");
    histogram_chart(out, cJSON_GetArrayItem(sinks, 0));
    errors_chart(out, cJSON_GetObjectItemCaseSensitive(tree, "relations"));
    fprintf(out, "<p>Intervals of %g s. Latency counts from each record's due time (open model)."
                 "</p>\n</body></html>\n", num(series, "interval_s"));
    return 0;
}
