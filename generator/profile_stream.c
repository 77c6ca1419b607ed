/* profile_stream.c: the stream-specific keys of a profile's "streams": the simulated clock (start,
 * bound, window), the rate curve, the arrival process and the key field. Fields are compiled as for
 * entities (profile.c). */
#include "profile_priv.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "fault.h"
#include "lifecycle.h"
#include "stream.h"

static const cJSON *member(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}


static int prange(struct pctx *c, const cJSON *o, const char *path, const char *key, double lo,
                  double hi, double *out)
{
    char p[PATH_MAX_LEN];
    int rc = pnum(c, o, path, key, 0, out);

    if (rc == 1 && (*out < lo || *out > hi)) {
        perr(c, pjoin(p, path, key), "must be between %g and %g (got %g)", lo, hi, *out);
        return -1;
    }
    return rc;
}

static int prate_steps(struct pctx *c, const cJSON *steps, const char *path, struct rate *r)
{
    static const char *const keys[] = {"at", "rate", NULL};
    const cJSON *it;
    char ip[PATH_MAX_LEN];
    int bad = 0;

    if (!cJSON_IsArray(steps) || cJSON_GetArraySize(steps) == 0 ||
        cJSON_GetArraySize(steps) > RATE_MAX_STEPS) {
        perr(c, path, "expected an array of 1 to %d steps {\"at\": \"5m\", \"rate\": 100}",
             RATE_MAX_STEPS);
        return -1;
    }
    cJSON_ArrayForEach(it, steps)
    {
        int i = r->nsteps;
        pidx(ip, path, (size_t)i);
        if (!cJSON_IsObject(it) || pkeys(c, it, ip, keys)) {
            if (!cJSON_IsObject(it))
                perr(c, ip, "expected {\"at\": \"5m\", \"rate\": 100}");
            bad++;
            continue;
        }
        if (pdur(c, it, ip, "at", 1, &r->step_at[i]) != 1 ||
            pnum(c, it, ip, "rate", 1, &r->step_rate[i]) != 1) {
            bad++;
            continue;
        }
        if (r->step_rate[i] < 0) {
            perr(c, pjoin(ip, ip, "rate"), "must be >= 0 (got %g)", r->step_rate[i]);
            bad++;
        } else if (i && r->step_at[i] <= r->step_at[i - 1]) {
            perr(c, pjoin(ip, ip, "at"), "steps must be in increasing order of \"at\"");
            bad++;
        }
        r->nsteps++;
    }
    return bad ? -1 : 0;
}

static int pday(struct pctx *c, const cJSON *o, const char *path, double *out)
{
    static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    const cJSON *v = member(o, "peak_day");
    char p[PATH_MAX_LEN];
    int i;

    if (!v)
        return 0;
    pjoin(p, path, "peak_day");
    if (cJSON_IsString(v))
        for (i = 0; i < 7; i++)
            if (strncasecmp(v->valuestring, days[i], 3) == 0) {
                *out = i;
                return 1;
            }
    if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 7) {
        *out = v->valuedouble;
        return 1;
    }
    perr(c, p, "expected a day (\"mon\" .. \"sun\") or a number from 0 (Monday) to 7");
    return -1;
}

/* The rate curve: a number (events per second) or an object. */
int prate_curve(struct pctx *c, const cJSON *v, const char *path, const char *name,
                struct rate *r)
{
    static const char *const keys[] = {"base", "ramp", "steps", "daily", "weekly", "bursts", NULL};
    static const char *const rkeys[] = {"to", "over", NULL};
    static const char *const dkeys[] = {"amplitude", "peak_hour", NULL};
    static const char *const wkeys[] = {"amplitude", "peak_day", NULL};
    static const char *const bkeys[] = {"probability", "multiplier", "length", NULL};
    const cJSON *o;
    char p[PATH_MAX_LEN];
    int bad = 0;

    memset(r, 0, sizeof *r);
    if (cJSON_IsNumber(v)) {
        r->base = v->valuedouble;
        if (!(r->base >= 0) || !isfinite(r->base)) {
            perr(c, path, "must be a number of events per second >= 0 (got %g)", r->base);
            return -1;
        }
        return 0;
    }
    if (!cJSON_IsObject(v)) {
        perr(c, path, "expected events per second, or an object with \"base\" and shapes "
                      "(ramp, steps, daily, weekly, bursts)");
        return -1;
    }
    if (pkeys(c, v, path, keys) || pnum(c, v, path, "base", 1, &r->base) != 1)
        return -1;
    if (r->base < 0) {
        perr(c, pjoin(p, path, "base"), "must be >= 0 (got %g)", r->base);
        return -1;
    }
    if ((o = member(v, "ramp"))) {
        pjoin(p, path, "ramp");
        bad += pkeys(c, o, p, rkeys) || pnum(c, o, p, "to", 1, &r->ramp_to) != 1 ||
               pdur(c, o, p, "over", 1, &r->ramp_us) != 1;
        if (!bad && (r->ramp_to < 0 || r->ramp_us <= 0)) {
            perr(c, p, "needs \"to\" >= 0 and \"over\" > 0");
            bad++;
        }
    }
    if ((o = member(v, "steps")))
        bad += prate_steps(c, o, pjoin(p, path, "steps"), r) != 0;
    if ((o = member(v, "daily"))) {
        pjoin(p, path, "daily");
        r->daily_amp = 0.5;
        r->daily_peak_h = 12;
        bad += pkeys(c, o, p, dkeys) || prange(c, o, p, "amplitude", 0, 1, &r->daily_amp) < 0 ||
               prange(c, o, p, "peak_hour", 0, 24, &r->daily_peak_h) < 0;
    }
    if ((o = member(v, "weekly"))) {
        pjoin(p, path, "weekly");
        r->weekly_amp = 0.3;
        r->weekly_peak_d = 2;
        bad += pkeys(c, o, p, wkeys) || prange(c, o, p, "amplitude", 0, 1, &r->weekly_amp) < 0 ||
               pday(c, o, p, &r->weekly_peak_d) < 0;
    }
    if ((o = member(v, "bursts"))) {
        pjoin(p, path, "bursts");
        r->burst_mult = 5;
        r->burst_us = 30000000;
        bad += pkeys(c, o, p, bkeys) || pnum(c, o, p, "probability", 1, &r->burst_p) != 1 ||
               prange(c, o, p, "probability", 0, 1, &r->burst_p) < 0 ||
               pnum(c, o, p, "multiplier", 0, &r->burst_mult) < 0 ||
               pdur(c, o, p, "length", 0, &r->burst_us) < 0;
        if (!bad && (r->burst_mult < 0 || r->burst_us <= 0)) {
            perr(c, p, "needs \"multiplier\" >= 0 and \"length\" > 0");
            bad++;
        }
        r->burst_key = fount_key(c->plan->seed, name, "", "burst");
    }
    return bad ? -1 : 0;
}

/* "2026-01-01T00:00:00Z", "now", "now-7d", "now+1h". Relative starts read the wall clock once, at
 * load, rounded down to the second: use an absolute start for reproducible fixtures. */
static int pstart(struct pctx *c, const cJSON *spec, const char *path, struct stream *s)
{
    const char *t = NULL;
    char p[PATH_MAX_LEN];
    int64_t off = 0;

    pjoin(p, path, "start");
    if (pstr(c, spec, path, "start", 0, &t) < 0)
        return -1;
    if (!t)
        t = "2026-01-01T00:00:00Z";
    s->start_text = t;
    if (strncmp(t, "now", 3) == 0) {
        if (t[3] && ((t[3] != '-' && t[3] != '+') || parse_duration(t + 4, &off))) {
            perr_val(c, p, "expected a timestamp, \"now\", or \"now-7d\" / \"now+1h\", got \"%s\"", t);
            return -1;
        }
        s->start_us = (int64_t)time(NULL) * 1000000 + (t[3] == '-' ? -off : off);
        return 0;
    }
    if (parse_timestamp(t, &s->start_us)) {
        perr_val(c, p, "expected a timestamp such as \"2026-01-01T00:00:00Z\", \"now\" or "
                       "\"now-7d\", got \"%s\"", t);
        return -1;
    }
    return 0;
}

int pstream(struct pctx *c, struct entity *e, const cJSON *spec, const char *path)
{
    struct stream *s = xcalloc(1, sizeof *s);
    const char *arr = NULL, *key = NULL, *end = NULL;
    char p[PATH_MAX_LEN];
    int64_t ev = 0, end_us;
    int bad = 0;
    size_t i;

    e->stream = s;
    s->time_field = s->key_field = -1;
    s->window_us = 1000000;
    s->count_key = fount_key(c->plan->seed, e->name, "", "count");
    s->time_key = fount_key(c->plan->seed, e->name, "", "time");
    bad += pstart(c, spec, path, s) != 0;
    bad += pdur(c, spec, path, "duration", 0, &s->duration_us) < 0;
    bad += pdur(c, spec, path, "window", 0, &s->window_us) < 0;
    if (s->window_us < 1000) {
        perr(c, pjoin(p, path, "window"), "must be at least 1ms");
        bad++;
    }
    if (pint(c, spec, path, "events", 0, &ev) < 0 || ev < 0) {
        if (ev < 0)
            perr(c, pjoin(p, path, "events"), "must be >= 0");
        bad++;
    }
    s->max_events = (uint64_t)ev;
    if (pstr(c, spec, path, "end", 0, &end) == 1) {
        if (parse_timestamp(end, &end_us) || end_us <= s->start_us) {
            perr_val(c, pjoin(p, path, "end"), "expected a timestamp after start, got \"%s\"", end);
            bad++;
        } else if (s->duration_us) {
            perr(c, pjoin(p, path, "end"), "give either \"end\" or \"duration\", not both");
            bad++;
        } else
            s->duration_us = end_us - s->start_us;
    }
    if (!member(spec, "rate"))
        perr(c, path, "missing required key \"rate\" (events per second, or an object)"), bad++;
    else
        bad += prate_curve(c, member(spec, "rate"), pjoin(p, path, "rate"), e->name,
                           &s->rate) != 0;
    if (pstr(c, spec, path, "arrival", 0, &arr) == 1) {
        if (!strcmp(arr, "poisson"))
            s->arrival = ARRIVAL_POISSON;
        else if (!strcmp(arr, "uniform"))
            s->arrival = ARRIVAL_UNIFORM;
        else {
            perr_val(c, pjoin(p, path, "arrival"), "expected \"poisson\" or \"uniform\", got \"%s\"",
                     arr);
            bad++;
        }
    }
    /* A CDC stream's columns are made here; a lifecycle reads the fields (keys, per_event). */
    if (!bad && (member(spec, "lifecycle") || member(spec, "cdc")))
        bad += plifecycle(c, e, spec, path) != 0;
    for (i = 0; i < e->nfields; i++)
        if (e->fields[i].gen == GEN_EVENT_TIME) {
            if (s->time_field >= 0) {
                perr(c, path, "a stream has one event_time field (\"%s\" and \"%s\" both are)",
                     e->fields[s->time_field].name, e->fields[i].name);
                bad++;
            }
            s->time_field = (int)i;
        }
    if (s->time_field < 0 && e->nfields && !(e->lifecycle && e->lifecycle->cdc)) {
        perr(c, pjoin(p, path, "fields"), "a stream needs one field of type \"event_time\"");
        bad++;
    }
    if (pstr(c, spec, path, "key", 0, &key) == 1) {
        s->key_field = entity_field(e, key);
        if (s->key_field < 0) {
            perr_val(c, pjoin(p, path, "key"), "no field named \"%s\"", key);
            bad++;
        }
    }
    if (!bad && member(spec, "faults"))
        bad += pfaults(c, e, member(spec, "faults"), pjoin(p, path, "faults")) != 0;
    return bad ? -1 : 0;
}
