/* report.h: the whole run as a file: JSON (report_json.c, schema in docs/report.schema.json) for
 * CI to archive and compare, or one self-contained HTML page with inline SVG charts
 * (report_html.c) for a person. Both read a finished run; neither changes it. */
#ifndef FOUNT_REPORT_H
#define FOUNT_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include <stdio.h>

#include "common.h"

struct plan;
struct run_result;
struct fount_outcomes;
struct load;
struct threshold;
struct cJSON;

struct th_result {
    int pass;                 /* 1 pass, 0 fail, -1 not measurable (a failure)        */
    double actual;
    char text[128];
};

struct report_run {
    const struct plan *p;
    const struct run_result *res;
    const struct fount_outcomes *oc;
    const struct load *ld;
    const char *profile_path;
    char profile_hash[17];    /* FNV-1a 64 of the profile's bytes, hex                  */
    uint64_t seed;
    const char *sink_name, *sink_uri;
    char *const *sink_opts;
    size_t nsink_opts;
    int threads;
    const char *pace;         /* "max", "realtime" or "schedule"                         */
    double speed;
    const struct threshold *th;
    const struct th_result *thr;
    size_t nth;
    double rate_ratio;        /* achieved / target rate, < 0 when not paced             */
    int exit_status;
};

/* The report as a cJSON tree (tests look into it); the caller frees it with cJSON_Delete. */
struct cJSON *report_json_tree(const struct report_run *r);
/* Writes the report to path: JSON, or HTML when path ends in .html or .htm. */
int report_write(const struct report_run *r, const char *path, struct fount_err *err);
/* report_html.c */
int report_html(const struct report_run *r, struct cJSON *tree, FILE *out);

#endif
