/* report_json.c: the run as JSON (docs/report.schema.json, documented in docs/load-testing.md).
 * Latencies are in milliseconds, histogram bounds in nanoseconds. Leaves out: drawing (report_html.c). */
#include "report.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "fault.h"
#include "hist.h"
#include "load.h"
#include "outcome.h"
#include "plan.h"
#include "runner.h"
#include "threshold.h"

static double ms(uint64_t ns)
{
    return (double)ns / 1e6;
}

static cJSON *latency(const struct hist *h)
{
    cJSON *o = cJSON_CreateObject();
    int has = h && h->counts && h->total;

    cJSON_AddNumberToObject(o, "count", has ? (double)h->total : 0);
    cJSON_AddNumberToObject(o, "p50", has ? ms(hist_percentile(h, 50)) : 0);
    cJSON_AddNumberToObject(o, "p90", has ? ms(hist_percentile(h, 90)) : 0);
    cJSON_AddNumberToObject(o, "p99", has ? ms(hist_percentile(h, 99)) : 0);
    cJSON_AddNumberToObject(o, "p99_9", has ? ms(hist_percentile(h, 99.9)) : 0);
    cJSON_AddNumberToObject(o, "max", has ? ms(h->max) : 0);
    cJSON_AddNumberToObject(o, "mean", has ? hist_mean(h) / 1e6 : 0);
    return o;
}

/* The non-empty buckets, [lo_ns, hi_ns, count] each. */
static cJSON *histogram(const struct hist *h)
{
    cJSON *o = cJSON_CreateObject(), *b = cJSON_AddArrayToObject(o, "buckets");
    size_t i;

    cJSON_AddStringToObject(o, "unit", "ns");
    cJSON_AddNumberToObject(o, "significant_digits", 3);
    for (i = 0; h && h->counts && i < HIST_BUCKETS; i++) {
        uint64_t lo, hi;
        cJSON *row;
        if (!h->counts[i])
            continue;
        hist_bucket_range(i, &lo, &hi);
        row = cJSON_CreateArray();
        cJSON_AddItemToArray(row, cJSON_CreateNumber((double)lo));
        cJSON_AddItemToArray(row, cJSON_CreateNumber((double)hi));
        cJSON_AddItemToArray(row, cJSON_CreateNumber((double)h->counts[i]));
        cJSON_AddItemToArray(b, row);
    }
    return o;
}

static cJSON *errors_of(const struct report_run *r, size_t ent, uint64_t failed)
{
    cJSON *a = cJSON_CreateArray();
    uint64_t classed = 0;
    size_t k;

    for (k = 0; r->oc && k < r->oc->nfc; k++) {
        cJSON *e;
        if (r->oc->fc[k].ent != ent)
            continue;
        e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "class", r->oc->fc[k].cls);
        cJSON_AddNumberToObject(e, "count", (double)r->oc->fc[k].n);
        cJSON_AddItemToArray(a, e);
        classed += r->oc->fc[k].n;
    }
    if (failed > classed) { /* refused by write_batch, or lost at commit */
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "class", "write failed");
        cJSON_AddNumberToObject(e, "count", (double)(failed - classed));
        cJSON_AddItemToArray(a, e);
    }
    return a;
}

static cJSON *relations(const struct report_run *r, uint64_t *tot)
{
    cJSON *a = cJSON_CreateArray();
    size_t i;
    int k;

    for (i = 0; i < r->p->nents; i++) {
        const struct entity *e = &r->p->ents[r->p->write_order[i]];
        const struct rel_stats *rs = &r->res->rel[e->index];
        cJSON *o, *f;
        if (!rs->written)
            continue;
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", e->name);
        cJSON_AddStringToObject(o, "kind", e->stream ? "stream" : e->series ? "series" : "entity");
        cJSON_AddNumberToObject(o, "generated", (double)rs->generated);
        cJSON_AddNumberToObject(o, "delivered", (double)rs->delivered);
        cJSON_AddNumberToObject(o, "failed", (double)rs->failed);
        cJSON_AddNumberToObject(o, "bytes", (double)rs->bytes);
        cJSON_AddNumberToObject(o, "throughput", r->res->elapsed > 0
                                    ? (double)rs->delivered / r->res->elapsed : 0);
        f = cJSON_AddObjectToObject(o, "faults");
        for (k = 0; k < FC_COUNT; k++)
            cJSON_AddNumberToObject(f, fault_counter_names[k], (double)rs->faults[k]);
        cJSON_AddItemToObject(o, "errors", errors_of(r, (size_t)e->index, rs->failed));
        cJSON_AddItemToObject(o, "latency", latency(r->oc ? &r->oc->lat[e->index] : NULL));
        cJSON_AddItemToObject(o, "histogram", histogram(r->oc ? &r->oc->lat[e->index] : NULL));
        cJSON_AddItemToArray(a, o);
        tot[0] += rs->generated;
        tot[1] += rs->delivered;
        tot[2] += rs->failed;
        tot[3] += rs->bytes;
    }
    return a;
}

static cJSON *stages(const struct report_run *r)
{
    cJSON *a = cJSON_CreateArray();
    size_t i;

    for (i = 0; r->ld && i < r->ld->nstages; i++) {
        const struct load *ld = r->ld;
        cJSON *o = cJSON_CreateObject();
        double end = ld->start_s[i + 1], due = ld->cum[i + 1] - ld->cum[i];
        uint64_t n = ld->st[i].lat.counts ? ld->st[i].lat.total : 0;
        cJSON_AddNumberToObject(o, "index", (double)i);
        cJSON_AddNumberToObject(o, "rate", ld->stages[i].rate);
        if (ld->stages[i].ramp)
            cJSON_AddNumberToObject(o, "from", ld->stages[i].from);
        cJSON_AddNumberToObject(o, "start_s", ld->start_s[i]);
        if (isfinite(end))
            cJSON_AddNumberToObject(o, "for_s", end - ld->start_s[i]);
        else
            cJSON_AddNullToObject(o, "for_s");
        if (isfinite(due))
            cJSON_AddNumberToObject(o, "due", floor(due));
        else
            cJSON_AddNullToObject(o, "due");
        cJSON_AddNumberToObject(o, "sent", (double)ld->st[i].sent);
        cJSON_AddNumberToObject(o, "failed", (double)ld->st[i].failed);
        cJSON_AddNumberToObject(o, "throughput", isfinite(end) && end > ld->start_s[i]
                                    ? (double)ld->st[i].sent / (end - ld->start_s[i]) : 0);
        cJSON_AddNumberToObject(o, "acknowledged", (double)n);
        cJSON_AddItemToObject(o, "latency", latency(&ld->st[i].lat));
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static cJSON *series(const struct report_run *r, uint64_t *backlog_max)
{
    cJSON *o = cJSON_CreateObject(), *a;
    size_t i;

    cJSON_AddNumberToObject(o, "interval_s", r->ld ? r->ld->interval_s : 1);
    a = cJSON_AddArrayToObject(o, "samples");
    for (i = 0; r->ld && i < r->ld->nsamples; i++) {
        const struct load_sample *x = &r->ld->samples[i];
        cJSON *s = cJSON_CreateObject(), *l;
        double dt = x->t1 - x->t0;
        cJSON_AddNumberToObject(s, "t0", x->t0);
        cJSON_AddNumberToObject(s, "t1", x->t1);
        cJSON_AddNumberToObject(s, "target_rate", x->target);
        cJSON_AddNumberToObject(s, "achieved_rate", dt > 0 ? (double)x->sent / dt : 0);
        cJSON_AddNumberToObject(s, "sent", (double)x->sent);
        cJSON_AddNumberToObject(s, "failed", (double)x->failed);
        cJSON_AddNumberToObject(s, "backlog", (double)x->backlog);
        cJSON_AddNumberToObject(s, "lag_s", x->lag_s);
        l = cJSON_AddObjectToObject(s, "latency");
        cJSON_AddNumberToObject(l, "count", (double)x->lat_n);
        cJSON_AddNumberToObject(l, "p50", ms(x->p50));
        cJSON_AddNumberToObject(l, "p90", ms(x->p90));
        cJSON_AddNumberToObject(l, "p99", ms(x->p99));
        cJSON_AddNumberToObject(l, "max", ms(x->max));
        cJSON_AddItemToArray(a, s);
        if (x->backlog > *backlog_max)
            *backlog_max = x->backlog;
    }
    return o;
}

static cJSON *options(const struct report_run *r)
{
    cJSON *o = cJSON_CreateObject(), *a;
    size_t i;

    cJSON_AddStringToObject(o, "to", r->sink_uri ? r->sink_uri : "");
    a = cJSON_AddArrayToObject(o, "sink_options");
    for (i = 0; i < r->nsink_opts; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(r->sink_opts[i]));
    cJSON_AddNumberToObject(o, "threads", r->threads);
    cJSON_AddStringToObject(o, "pace", r->pace ? r->pace : "max");
    cJSON_AddNumberToObject(o, "speed", r->speed);
    a = cJSON_AddArrayToObject(o, "stages");
    for (i = 0; r->ld && i < r->ld->nstages; i++) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddNumberToObject(s, "rate", r->ld->stages[i].rate);
        if (r->ld->stages[i].ramp)
            cJSON_AddNumberToObject(s, "from", r->ld->stages[i].from);
        cJSON_AddNumberToObject(s, "for_s", (double)r->ld->stages[i].for_us / 1e6);
        cJSON_AddItemToArray(a, s);
    }
    a = cJSON_AddArrayToObject(o, "thresholds");
    for (i = 0; i < r->nth; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(r->th[i].text));
    return o;
}

cJSON *report_json_tree(const struct report_run *r)
{
    cJSON *root = cJSON_CreateObject(), *o, *a, *sk;
    uint64_t tot[4] = {0, 0, 0, 0}, backlog_max = 0;
    const struct hist *all = r->ld ? &r->ld->all : NULL;
    size_t i;

    cJSON_AddStringToObject(root, "format", "fount-report/1");
    cJSON_AddStringToObject(root, "fount_version", FOUNT_VERSION);
    cJSON_AddNumberToObject(root, "algorithm_version", FOUNT_ALGORITHM_VERSION);
    o = cJSON_AddObjectToObject(root, "profile");
    cJSON_AddStringToObject(o, "path", r->profile_path ? r->profile_path : "");
    cJSON_AddStringToObject(o, "hash", r->profile_hash);
    if (r->seed < (1ULL << 53))
        cJSON_AddNumberToObject(root, "seed", (double)r->seed);
    else {
        char s[24];
        snprintf(s, sizeof s, "%llu", (unsigned long long)r->seed);
        cJSON_AddStringToObject(root, "seed", s);
    }
    cJSON_AddItemToObject(root, "options", options(r));
    a = relations(r, tot);
    cJSON_AddItemToObject(root, "stages", stages(r));
    cJSON_AddItemToObject(root, "series", series(r, &backlog_max));
    o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "generated", (double)tot[0]);
    cJSON_AddNumberToObject(o, "delivered", (double)tot[1]);
    cJSON_AddNumberToObject(o, "failed", (double)tot[2]);
    cJSON_AddNumberToObject(o, "bytes", (double)tot[3]);
    cJSON_AddNumberToObject(o, "elapsed_s", r->res->elapsed);
    cJSON_AddNumberToObject(o, "throughput", r->res->elapsed > 0
                                ? (double)tot[1] / r->res->elapsed : 0);
    if (r->rate_ratio >= 0)
        cJSON_AddNumberToObject(o, "rate_ratio", r->rate_ratio);
    else
        cJSON_AddNullToObject(o, "rate_ratio");
    cJSON_AddNumberToObject(o, "backlog_max", (double)backlog_max);
    cJSON_AddNumberToObject(o, "drain_s", r->ld && r->ld->nstages && load_schedule_s(r->ld) > 0 &&
                                              r->res->elapsed > load_schedule_s(r->ld)
                                          ? r->res->elapsed - load_schedule_s(r->ld) : 0);
    cJSON_AddNumberToObject(o, "sent_after_schedule", r->ld ? (double)r->ld->drain_sent : 0);
    cJSON_AddBoolToObject(o, "interrupted", r->res->interrupted);
    cJSON_AddItemToObject(o, "latency", latency(all));
    cJSON_AddItemToObject(root, "totals", o);
    cJSON_AddItemToObject(root, "relations", a);
    sk = cJSON_AddArrayToObject(root, "sinks"); /* one sink per run today */
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", r->sink_name ? r->sink_name : "");
    cJSON_AddStringToObject(o, "uri", r->sink_uri ? r->sink_uri : "");
    cJSON_AddNumberToObject(o, "delivered", (double)tot[1]);
    cJSON_AddNumberToObject(o, "failed", (double)tot[2]);
    cJSON_AddNumberToObject(o, "bytes", (double)tot[3]);
    cJSON_AddItemToObject(o, "latency", latency(all));
    cJSON_AddItemToObject(o, "histogram", histogram(all));
    cJSON_AddItemToArray(sk, o);
    a = cJSON_AddArrayToObject(root, "thresholds");
    for (i = 0; i < r->nth; i++) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "expr", r->th[i].text);
        cJSON_AddBoolToObject(o, "pass", r->thr[i].pass == 1);
        cJSON_AddNumberToObject(o, "actual", r->thr[i].pass >= 0 ? r->thr[i].actual : 0);
        cJSON_AddStringToObject(o, "text", r->thr[i].text);
        cJSON_AddItemToArray(a, o);
    }
    cJSON_AddNumberToObject(root, "exit_status", r->exit_status);
    return root;
}

int report_write(const struct report_run *r, const char *path, struct fount_err *err)
{
    const char *dot = strrchr(path, '.');
    int html = dot && (!strcmp(dot, ".html") || !strcmp(dot, ".htm"));
    cJSON *tree = report_json_tree(r);
    char *tmp = xmalloc(strlen(path) + 8), *text = NULL;
    FILE *f;
    int rc = -1;

    snprintf(tmp, strlen(path) + 8, "%s.tmp", path);
    f = fopen(tmp, "wb");
    if (!f) {
        fount_err_set(err, "--report %s: %s", path, strerror(errno));
        goto out;
    }
    if (html)
        report_html(r, tree, f);
    else {
        text = cJSON_Print(tree);
        fputs(text, f);
        fputc('\n', f);
    }
    if (ferror(f) | fclose(f)) {
        fount_err_set(err, "--report %s: %s", path, strerror(errno));
        remove(tmp);
        goto out;
    }
    if (rename(tmp, path)) {
        fount_err_set(err, "--report %s: %s", path, strerror(errno));
        remove(tmp);
        goto out;
    }
    rc = 0;
out:
    free(text);
    free(tmp);
    cJSON_Delete(tree);
    return rc;
}
