/* test_report.c: the JSON report holds what the run counted, where docs/report.schema.json says
 * (per relation: counts, faults, failures by class, latency, histogram; stages; the series;
 * thresholds), and the Prometheus text carries the same counters and histogram. */
#include <criterion/criterion.h>

#include <cjson/cJSON.h>
#include <string.h>

#include "../sinks/sink.h"
#include "load.h"
#include "metrics.h"
#include "outcome.h"
#include "profile.h"
#include "report.h"
#include "runner.h"
#include "threshold.h"

static const char profile[] =
    "{\"seed\": 7, \"entities\": {\"users\": {\"count\": 100, \"fields\": "
    "{\"id\": {\"type\": \"sequence\"}}}}}";

struct fixture {
    struct plan *p;
    struct run_result res;
    struct fount_outcomes *oc;
    struct load *ld;
    struct threshold th;
    struct th_result thr;
    struct report_run r;
};

static void make_run(struct fixture *f)
{
    static const struct load_stage st[] = {{50, 2000000}};
    struct fount_err err;
    struct buf errs;
    struct load_status s = {0};
    char msg[256];
    int n = 0;

    memset(f, 0, sizeof *f);
    buf_init(&errs, 1 << 20);
    f->p = profile_load_text("r.json", profile, strlen(profile), &errs, &n);
    cr_assert(f->p, "%.*s", (int)errs.len, errs.data);
    buf_free(&errs);
    cr_assert_eq(plan_prepare(f->p, 1, 1, NULL, &err), 0, "%s", err.msg);
    f->res.rel = calloc(f->p->nents, sizeof *f->res.rel);
    f->res.rel[0].written = 1;
    f->res.rel[0].generated = 100;
    f->res.rel[0].delivered = 100;
    f->res.rel[0].faults[FC_DUP] = 3;
    f->res.elapsed = 2;
    f->oc = outcomes_new(f->p);
    f->ld = load_new(st, 1);
    f->oc->load = f->ld;
    f->oc->rs = f->res.rel;
    f->res.outcomes = f->oc;
    load_start(f->ld, 0);
    sink_failed(f->oc, &f->p->ents[0].rel, 2, "http 400");
    sink_latency(f->oc, &f->p->ents[0].rel, 5000000, 90); /* 5 ms */
    sink_latency(f->oc, &f->p->ents[0].rel, 80000000, 8); /* 80 ms */
    s.sent = 50;
    s.expected = 50;
    s.target = 50;
    load_tick(f->ld, 1000000000LL, &s);
    s.sent = 100;
    s.failed = 2;
    s.expected = 100;
    load_finish(f->ld, 1999000000LL, &s); /* just before the stage ends */
    cr_assert_eq(threshold_parse("p99<50ms", &f->th, msg, sizeof msg), 0);
    f->thr.pass = 0;
    f->thr.actual = 80e6;
    snprintf(f->thr.text, sizeof f->thr.text, "80 ms");
    f->r.p = f->p;
    f->r.res = &f->res;
    f->r.oc = f->oc;
    f->r.ld = f->ld;
    f->r.profile_path = "r.json";
    snprintf(f->r.profile_hash, sizeof f->r.profile_hash, "0123456789abcdef");
    f->r.seed = 7;
    f->r.sink_name = "null";
    f->r.sink_uri = "null";
    f->r.threads = 1;
    f->r.pace = "schedule";
    f->r.speed = 1;
    f->r.th = &f->th;
    f->r.thr = &f->thr;
    f->r.nth = 1;
    f->r.rate_ratio = 1;
    f->r.exit_status = 3;
}

static void free_run(struct fixture *f)
{
    f->oc->rs = NULL;
    outcomes_free(f->oc);
    load_free(f->ld);
    free(f->res.rel);
    plan_free(f->p);
}

static double num(const cJSON *o, const char *path)
{
    char buf[256], *tok, *save = NULL;

    snprintf(buf, sizeof buf, "%s", path);
    for (tok = strtok_r(buf, ".", &save); tok && o; tok = strtok_r(NULL, ".", &save))
        o = (*tok >= '0' && *tok <= '9') ? cJSON_GetArrayItem(o, (int)strtol(tok, NULL, 10))
                                         : cJSON_GetObjectItemCaseSensitive(o, tok);
    cr_assert(cJSON_IsNumber(o), "%s is not a number", path);
    return o->valuedouble;
}

Test(report, json_holds_the_run)
{
    struct fixture f;
    cJSON *t, *rel, *err;

    make_run(&f);
    t = report_json_tree(&f.r);
    cr_assert(t);
    cr_expect_str_eq(cJSON_GetObjectItem(t, "format")->valuestring, "fount-report/1");
    cr_expect_eq(num(t, "seed"), 7);
    rel = cJSON_GetArrayItem(cJSON_GetObjectItem(t, "relations"), 0);
    cr_expect_str_eq(cJSON_GetObjectItem(rel, "name")->valuestring, "users");
    cr_expect_eq(num(rel, "generated"), 100);
    cr_expect_eq(num(rel, "delivered"), 98, "a late failure moved 2 from delivered to failed");
    cr_expect_eq(num(rel, "failed"), 2);
    cr_expect_eq(num(rel, "faults.duplicates"), 3);
    err = cJSON_GetArrayItem(cJSON_GetObjectItem(rel, "errors"), 0);
    cr_expect_str_eq(cJSON_GetObjectItem(err, "class")->valuestring, "http 400");
    cr_expect_eq(num(err, "count"), 2);
    cr_expect_eq(num(rel, "latency.count"), 98);
    cr_expect_float_eq(num(rel, "latency.p50"), 5, 0.01, "ms, 3 significant digits");
    cr_expect_float_eq(num(rel, "latency.max"), 80, 1e-9);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(rel, "histogram"),
                                                        "buckets")), 2, "two non-empty buckets");
    cr_expect_eq(num(t, "relations.0.histogram.buckets.1.2"), 8);
    cr_expect_eq(num(t, "stages.0.rate"), 50);
    cr_expect_eq(num(t, "stages.0.due"), 100);
    cr_expect_eq(num(t, "stages.0.acknowledged"), 98);
    cr_expect_eq(num(t, "stages.0.sent"), 100, "handed over while the stage was current");
    cr_expect_eq(num(t, "stages.0.failed"), 2);
    cr_expect_float_eq(num(t, "stages.0.throughput"), 50, 1e-9);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(t, "series"),
                                                        "samples")), 2);
    cr_expect_eq(num(t, "series.samples.0.sent"), 50);
    cr_expect_float_eq(num(t, "series.samples.0.target_rate"), 50, 1e-9);
    cr_expect_eq(num(t, "series.samples.0.latency.count"), 98, "recorded in the first second");
    cr_expect_eq(num(t, "series.samples.1.failed"), 2);
    cr_expect_eq(num(t, "totals.failed"), 2);
    cr_expect_eq(num(t, "sinks.0.latency.count"), 98);
    cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetArrayItem(
        cJSON_GetObjectItem(t, "thresholds"), 0), "pass")));
    cr_expect_eq(num(t, "exit_status"), 3);
    cJSON_Delete(t);
    free_run(&f);
}

Test(report, prometheus_text_has_counters_and_histogram)
{
    struct fixture f;
    struct buf out;

    make_run(&f);
    buf_init(&out, 1 << 20);
    metrics_render(&out, f.p, f.oc, f.ld);
    buf_append(&out, "", 1);
    cr_expect(strstr(out.data, "fount_records_total{relation=\"users\",outcome=\"failed\"} 2\n"),
              "%s", out.data);
    cr_expect(strstr(out.data, "fount_failures_total{relation=\"users\",class=\"http 400\"} 2\n"));
    cr_expect(strstr(out.data, "# TYPE fount_latency_seconds histogram\n"));
    cr_expect(strstr(out.data, "fount_latency_seconds_bucket{relation=\"users\",le=\"0.0025\"} 0\n"));
    cr_expect(strstr(out.data, "fount_latency_seconds_bucket{relation=\"users\",le=\"0.005\"} 90\n"),
              "le means at most: 5 ms counts under 0.005");
    cr_expect(strstr(out.data, "fount_latency_seconds_bucket{relation=\"users\",le=\"0.01\"} 90\n"));
    cr_expect(strstr(out.data, "fount_latency_seconds_bucket{relation=\"users\",le=\"0.1\"} 98\n"));
    cr_expect(strstr(out.data, "fount_latency_seconds_bucket{relation=\"users\",le=\"+Inf\"} 98\n"));
    cr_expect(strstr(out.data, "fount_latency_seconds_count{relation=\"users\"} 98\n"));
    buf_free(&out);
    free_run(&f);
}
