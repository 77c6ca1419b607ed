/* profile_load.c: the profile's load-test keys (docs/load-testing.md):
 *   "stages": [{"rate": 1000, "for": "30s"}, {"rate": 20000, "for": "2m"}]
 *   (a stage with "from": the rate ramps linearly from it to "rate" over "for")
 *   "thresholds": ["p99<50ms", "errors<0.1%", "rate>=0.95"]
 * The command line's --stage replaces the stages; its --threshold adds to the thresholds.
 * Leaves out: what they do (load.c, threshold.c). */
#include <math.h>
#include <stdlib.h>

#include "load.h"
#include "profile_priv.h"
#include "threshold.h"

static void pstages(struct pctx *c, const cJSON *node)
{
    static const char *const keys[] = {"rate", "for", "from", NULL};
    size_t n = (size_t)cJSON_GetArraySize(node), i = 0;
    const cJSON *it;
    char path[PATH_MAX_LEN];
    int bad = 0;

    if (!cJSON_IsArray(node) || n == 0) {
        perr_val(c, "stages", "expected a non-empty array of stages such as [{\"rate\": 1000, "
                              "\"for\": \"30s\"}], got %s", ptype_name(node));
        return;
    }
    if (n > LOAD_MAX_STAGES) {
        perr_val(c, "stages", "at most %d stages, got %zu", LOAD_MAX_STAGES, n);
        return;
    }
    c->plan->stages = xcalloc(n, sizeof *c->plan->stages);
    cJSON_ArrayForEach(it, node) {
        struct load_stage *st = &c->plan->stages[i];
        pidx(path, "stages", i);
        i++;
        if (!cJSON_IsObject(it)) {
            perr_val(c, path, "expected a stage such as {\"rate\": 1000, \"for\": \"30s\"}, got %s",
                     ptype_name(it));
            bad = 1;
            continue;
        }
        if (pkeys(c, it, path, keys))
            bad = 1;
        if (pnum(c, it, path, "rate", 1, &st->rate) != 1)
            bad = 1;
        else if (!(st->rate >= 0) || st->rate > 1e9) {
            char p[PATH_MAX_LEN];
            perr_val(c, pjoin(p, path, "rate"), "expected records per second from 0 to 1e9, "
                                                "got %g", st->rate);
            bad = 1;
        }
        /* a ramp: "from" the rate at the stage's start, moving linearly to "rate" */
        if (cJSON_GetObjectItemCaseSensitive(it, "from")) {
            char p[PATH_MAX_LEN];
            if (pnum(c, it, path, "from", 1, &st->from) != 1)
                bad = 1;
            else if (!(st->from >= 0) || st->from > 1e9) {
                perr_val(c, pjoin(p, path, "from"), "expected records per second from 0 to 1e9, "
                                                    "got %g", st->from);
                bad = 1;
            } else if (!cJSON_GetObjectItemCaseSensitive(it, "for")) {
                perr_val(c, pjoin(p, path, "from"), "a ramp needs \"for\": how long it takes to "
                                                    "go from %g to the stage's rate", st->from);
                bad = 1;
            } else
                st->ramp = 1;
        }
        /* the last stage may run until the rows run out */
        if (pdur(c, it, path, "for", i < n, &st->for_us) == -1)
            bad = 1;
        else if (i < n && st->for_us <= 0) {
            char p[PATH_MAX_LEN];
            perr_val(c, pjoin(p, path, "for"), "a stage lasts more than 0 s");
            bad = 1;
        }
    }
    if (!bad)
        c->plan->nstages = n;
}

static void pthresholds(struct pctx *c, const cJSON *node)
{
    size_t n = (size_t)cJSON_GetArraySize(node), i = 0;
    const cJSON *it;
    char path[PATH_MAX_LEN], msg[512];

    if (!cJSON_IsArray(node)) {
        perr_val(c, "thresholds", "expected an array of conditions such as [\"p99<50ms\", "
                                  "\"errors<0.1%%\"], got %s", ptype_name(node));
        return;
    }
    c->plan->thresholds = xcalloc(n + 1, sizeof *c->plan->thresholds);
    cJSON_ArrayForEach(it, node) {
        pidx(path, "thresholds", i++);
        if (!cJSON_IsString(it)) {
            perr_val(c, path, "expected a condition such as \"p99<50ms\", got %s", ptype_name(it));
            continue;
        }
        if (threshold_parse(it->valuestring, &c->plan->thresholds[c->plan->nthresholds], msg,
                            sizeof msg)) {
            perr_val(c, path, "%s", msg);
            continue;
        }
        c->plan->nthresholds++;
    }
}

void pload(struct pctx *c, const cJSON *root)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(root, "stages"),
                *t = cJSON_GetObjectItemCaseSensitive(root, "thresholds");

    if (s)
        pstages(c, s);
    if (t)
        pthresholds(c, t);
}
