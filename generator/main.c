/* main.c: the command line: argv, usage, the commands, exit codes. The only file that reads argv or
 * calls exit(). Exit status: 0 success, 1 records lost or failed (or the sink refused), 2 usage or
 * profile error (nothing written), 130 interrupted (what was made is flushed and counted). */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "../sinks/format.h"
#include "../sinks/sink.h"
#include "fault.h"
#include "gen.h"
#include "lifecycle.h"
#include "load.h"
#include "metrics.h"
#include "outcome.h"
#include "profile.h"
#include "report.h"
#include "runner.h"
#include "workload.h"
#include "threshold.h"

#define EXIT_FAILED 1
#define EXIT_USAGE 2
#define EXIT_THRESHOLD 3
#define MAX_THRESHOLDS 64
#define MAX_REPORTS 4
#define EXIT_INTERRUPTED 130

static const char usage_main[] =
    "fount " FOUNT_VERSION ": synthetic source-system data, deterministic to the byte\n"
    "\n"
    "usage: fount COMMAND [OPTIONS]\n"
    "\n"
    "commands:\n"
    "  run PROFILE       generate every relation of a profile into a sink\n"
    "  check PROFILE     validate a profile and print every error\n"
    "  sample PROFILE    print the first rows of each entity\n"
    "  schema PROFILE    print CREATE TABLE statements for the profile\n"
    "  sinks             list the sinks and their options\n"
    "\n"
    "  fount COMMAND --help   explains a command; fount --version prints the version.\n"
    "  Profiles are described in docs/profile.md.\n";

static const char usage_run[] =
    "usage: fount run PROFILE [OPTIONS]\n"
    "\n"
    "Generates every entity of PROFILE, parents before children, into a sink. The same profile\n"
    "and seed give the same bytes for any --threads, and --shard slices concatenate to the whole.\n"
    "\n"
    "  --to URI            where to write (default: sqlite:NAME.db beside you, NAME from PROFILE)\n"
    "                        -                 stdout\n"
    "                        out.csv           one file (format from the extension)\n"
    "                        file:out/         one file per entity in out/\n"
    "                        sqlite:shop.db    a SQLite database\n"
    "                        null              discard (benchmarks)\n"
    "  --format F          csv, jsonl, sql, influx (line protocol) or prometheus (text format);\n"
    "                      default from the extension (.csv .jsonl .sql .lp .prom), else csv\n"
    "  --dialect D         sqlite, postgres or mysql (for --format sql; default sqlite)\n"
    "  --seed S            override the profile's seed (default: the profile's, else 0)\n"
    "  --scale X           multiply every entity's count by X (children follow their parents)\n"
    "  --threads N         worker threads (default: the number of cores)\n"
    "  --shard K/N         make slice K of N (K from 0): the N outputs concatenate to the whole\n"
    "  --only A,B          write only these entities (references to the others still resolve)\n"
    "  --force             overwrite existing files\n"
    "  --replace           drop and recreate fount's tables in an existing database\n"
    "  --append            continue after the rows an existing database already holds\n"
    "  --sqlite-durable    keep SQLite's full durability (slower)\n"
    "  -o, --sink-opt K=V  a sink option (see `fount sinks`)\n"
    "  -X K=V              a client property passed through (Kafka: librdkafka's)\n"
    "  --retries N         resends of a batch after a transient failure (default 5)\n"
    "  --insecure          https: do not verify the server's certificate (a test endpoint;\n"
    "                      -o cacert=FILE trusts a CA instead)\n"
    "  --quiet             no progress line and no summary\n"
    "\n"
    "streams and series (see docs/streams.md, docs/series.md):\n"
    "  --duration D        run every stream and series for D of simulated time (30s, 2h, 7d)\n"
    "  --events N          stop every stream after N events\n"
    "  --pace max|realtime max: as fast as possible, event times on the simulated clock\n"
    "                      (backfill; the default); realtime: events leave on the wall clock\n"
    "  --speed X           realtime, with the rate curve X times faster\n"
    "\n"
    "live OLTP workload (see docs/workload.md):\n"
    "  --workload          run the profile's \"workload\" (inserts, updates, deletes at a rate)\n"
    "                      against the tables a postgres:// or mysql:// --to already holds;\n"
    "                      with --replace or --append, seed them first, then run it\n"
    "                      --threads N: connections (default 4); --duration D: how long\n"
    "                      (default: the workload's \"duration\", else until Ctrl-C);\n"
    "                      --events N: at most N transactions; --speed X: the rate curve X\n"
    "                      times faster; --pace max: back to back, ignoring the rate\n"
    "  --reconnect-timeout D  a lost connection is opened again (backoff from 100 ms to 5 s)\n"
    "                      for up to D (default 30s), and its transaction tried again or\n"
    "                      settled; 0: a lost connection ends the run (exit 1)\n"
    "load testing (see docs/load-testing.md):\n"
    "  --rate N[/s]        send the run's records at N per second (open model: the schedule\n"
    "                      never waits for the sink; latency counts from each record's due time)\n"
    "  --stage RATE:DUR    a stage of the schedule (repeat: --stage 1000:30s --stage 20000:2m);\n"
    "                      FROM..TO:DUR ramps linearly (--stage 0..20000:5m); the run ends\n"
    "                      with the last stage; replaces the profile's \"stages\"\n"
    "  --threshold EXPR    pass/fail at the end, exit status 3 if one fails (repeat): p99<50ms,\n"
    "                      max<2s, errors<0.1%, errors<10, rate>=0.95, throughput>=1000/s\n"
    "  --report FILE       write the run as FILE.json (schema: docs/report.schema.json) or\n"
    "                      FILE.html (charts, one self-contained page); may be repeated\n"
    "  --metrics-listen A  serve Prometheus metrics at http://A/metrics during the run\n"
    "                      (A: 127.0.0.1:9464)\n"
    "  Progress: one refreshed line on a terminal, a line every 10 s otherwise, none with --quiet.\n"
    "\n"
    "Exit status: 0 all rows written; 1 rows failed or the sink refused; 2 bad usage or profile\n"
    "(nothing written); 3 a threshold failed; 130 interrupted (what was made is written and\n"
    "counted).\n"
    "\n"
    "example: fount run profiles/shop.json --to file:out/ --format csv --seed 7\n";

static const char usage_check[] =
    "usage: fount check PROFILE\n"
    "\n"
    "Validates PROFILE and prints every error as file:line:col: json.path: message.\n"
    "Exit status 0 when the profile is valid, 2 otherwise.\n";

static const char usage_sample[] =
    "usage: fount sample PROFILE [--entity E] [-n N] [--format table|json|csv] [--seed S]\n"
    "       fount sample PROFILE --stats [--entity E]\n"
    "\n"
    "Prints the first N rows (default 10) of each entity, or of E: an aligned table, or JSON\n"
    "Lines with --format json, or CSV. The rows are exactly those `fount run` makes.\n"
    "With --stats: each field's generator and how many distinct values it can take, next to\n"
    "the row count, so a unique field that cannot hold shows before a run.\n";

static const char usage_sinks[] =
    "usage: fount sinks\n"
    "\n"
    "Lists the sinks this fount has, with the options each takes (give them to run as\n"
    "-o key=value). docs/sinks/ has a page per sink.\n";

static const char usage_schema[] =
    "usage: fount schema PROFILE [--dialect sqlite|postgres|mysql]\n"
    "\n"
    "Prints CREATE TABLE statements (types, primary keys, NOT NULL, UNIQUE, foreign keys),\n"
    "parents first, then the secondary indexes the profile asks for. Default dialect: sqlite.\n";

struct cli {
    const char *cmd, *profile, *to, *format, *dialect, *entity, *only, *shard;
    int threads, quiet, force, replace, append, durable, retries, nsample, stats;
    uint64_t seed;
    int seed_given;
    double scale, speed;
    int64_t duration_us;
    uint64_t events;
    int pace_realtime, pace_given, insecure;
    int workload, threads_given;
    int64_t reconnect_us;
    int reconnect_given;
    char **sink_opts;
    size_t nsink_opts;
    char **props;       /* -X */
    size_t nprops;
    struct load_stage stages[LOAD_MAX_STAGES];
    size_t nstages;
    double rate;
    struct threshold th[MAX_THRESHOLDS];
    size_t nth;
    const char *reports[MAX_REPORTS];
    size_t nreports;
    const char *metrics_listen;
};

/* "3000", "3000/s", "180000/m", "1e6/h": records per second. */
static int parse_rate(const char *s, double *out)
{
    char *end;
    double x = strtod(s, &end);

    if (end == s || !(x >= 0) || x > 1e9)
        return -1;
    if (!strcmp(end, "/m"))
        x /= 60;
    else if (!strcmp(end, "/h"))
        x /= 3600;
    else if (*end && strcmp(end, "/s"))
        return -1;
    *out = x;
    return 0;
}

/* "RATE:DURATION", e.g. 1000:30s or 1000/s:2m; or a ramp, "FROM..TO:DURATION" (100..5000:1m). */
static int parse_stage(const char *s, struct load_stage *st)
{
    const char *colon = strrchr(s, ':');
    char rate[64], *dots;

    if (!colon || (size_t)(colon - s) >= sizeof rate)
        return -1;
    snprintf(rate, sizeof rate, "%.*s", (int)(colon - s), s);
    st->ramp = 0;
    st->from = 0;
    if ((dots = strstr(rate, ".."))) {
        *dots = '\0';
        if (parse_rate(rate, &st->from))
            return -1;
        st->ramp = 1;
        memmove(rate, dots + 2, strlen(dots + 2) + 1);
    }
    if (parse_rate(rate, &st->rate) || parse_duration(colon + 1, &st->for_us) || st->for_us <= 0)
        return -1;
    return 0;
}

static void die_usage(const char *cmd, const char *fmt, ...) FOUNT_PRINTF(2, 3);
static void die_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "fount: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see fount %s--help)\n", cmd ? cmd : "");
    exit(EXIT_USAGE);
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (!s || !*s || *s == '-')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    uint64_t v;

    if (parse_u64(s, &v) || v < (uint64_t)lo || v > (uint64_t)hi)
        return -1;
    *out = (int)v;
    return 0;
}

static const char *cmd_help(const char *cmd)
{
    if (!strcmp(cmd, "run"))
        return usage_run;
    if (!strcmp(cmd, "check"))
        return usage_check;
    if (!strcmp(cmd, "sample"))
        return usage_sample;
    if (!strcmp(cmd, "schema"))
        return usage_schema;
    if (!strcmp(cmd, "sinks"))
        return usage_sinks;
    return NULL;
}

/* Value of option argv[*i] ("--x v" or "--x=v"). */
static const char *optval(int argc, char **argv, int *i, const char *eq, const char *cmd)
{
    if (eq)
        return eq + 1;
    if (*i + 1 >= argc)
        die_usage(cmd, "%s needs a value", argv[*i]);
    return argv[++*i];
}

static void parse_args(int argc, char **argv, struct cli *c)
{
    char cmdsp[32];
    int i;

    snprintf(cmdsp, sizeof cmdsp, "%s ", c->cmd);
    for (i = 2; i < argc; i++) {
        const char *a = argv[i], *eq = NULL;
        char name[64];
        if (a[0] != '-' || !strcmp(a, "-")) {
            if (c->profile)
                die_usage(cmdsp, "unexpected argument \"%s\"", a);
            c->profile = a;
            continue;
        }
        eq = strchr(a, '=');
        snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - a) : (int)strlen(a), a);
        if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
            fputs(cmd_help(c->cmd), stdout);
            exit(0);
        } else if (!strcmp(name, "--to"))
            c->to = optval(argc, argv, &i, eq, cmdsp);
        else if (!strcmp(name, "--format"))
            c->format = optval(argc, argv, &i, eq, cmdsp);
        else if (!strcmp(name, "--dialect"))
            c->dialect = optval(argc, argv, &i, eq, cmdsp);
        else if (!strcmp(name, "--entity"))
            c->entity = optval(argc, argv, &i, eq, cmdsp);
        else if (!strcmp(name, "--only"))
            c->only = optval(argc, argv, &i, eq, cmdsp);
        else if (!strcmp(name, "--shard"))
            c->shard = optval(argc, argv, &i, eq, cmdsp);
        else if (!strcmp(name, "--seed")) {
            if (parse_u64(optval(argc, argv, &i, eq, cmdsp), &c->seed))
                die_usage(cmdsp, "--seed takes a whole number >= 0, got \"%s\"", argv[i]);
            c->seed_given = 1;
        } else if (!strcmp(name, "--threads")) {
            const char *v = optval(argc, argv, &i, eq, cmdsp);
            if (parse_int(v, 1, 1024, &c->threads))
                die_usage(cmdsp, "--threads takes a number from 1 to 1024, got \"%s\"", v);
            c->threads_given = 1;
        } else if (!strcmp(name, "-n")) {
            const char *v = optval(argc, argv, &i, eq, cmdsp);
            if (parse_int(v, 0, 1000000, &c->nsample))
                die_usage(cmdsp, "-n takes a number from 0 to 1000000, got \"%s\"", v);
        } else if (!strcmp(name, "--retries")) {
            const char *v = optval(argc, argv, &i, eq, cmdsp);
            if (parse_int(v, 0, 1000, &c->retries))
                die_usage(cmdsp, "--retries takes a number from 0 to 1000, got \"%s\"", v);
        } else if (!strcmp(name, "--scale")) {
            const char *v = optval(argc, argv, &i, eq, cmdsp);
            char *end;
            c->scale = strtod(v, &end);
            if (*end || end == v || !(c->scale >= 0) || c->scale > 1e12)
                die_usage(cmdsp, "--scale takes a number >= 0, got \"%s\"", v);
        } else if (!strcmp(name, "--duration")) {
            const char *v = optval(argc, argv, &i, eq, cmdsp);
            if (parse_duration(v, &c->duration_us) || c->duration_us <= 0)
                die_usage(cmdsp, "--duration takes a duration such as 30s or 2h, got \"%s\"", v);
        } else if (!strcmp(name, "--reconnect-timeout")) {
            const char *v = optval(argc, argv, &i, eq, cmdsp);
            if (parse_duration(v, &c->reconnect_us))
                die_usage(cmdsp, "--reconnect-timeout takes a duration such as 30s or 2m (0: do "
                                 "not reconnect), got \"%s\"", v);
            c->reconnect_given = 1;
        } else if (!strcmp(name, "--events")) {
            const char *v = optval(argc, argv, &i, eq, cmdsp);
            if (parse_u64(v, &c->events) || !c->events)
                die_usage(cmdsp, "--events takes a whole number > 0, got \"%s\"", v);
        } else if (!strcmp(name, "--pace")) {
            const char *v = optval(argc, argv, &i, eq, cmdsp);
            if (strcmp(v, "max") && strcmp(v, "realtime"))
                die_usage(cmdsp, "--pace takes max or realtime, got \"%s\"", v);
            c->pace_realtime = !strcmp(v, "realtime");
            c->pace_given = 1;
        } else if (!strcmp(name, "--speed")) {
            const char *v = optval(argc, argv, &i, eq, cmdsp);
            char *end;
            c->speed = strtod(v, &end);
            if (*end || end == v || !(c->speed > 0) || c->speed > 1e9)
                die_usage(cmdsp, "--speed takes a number > 0, got \"%s\"", v);
            c->pace_realtime = 1;
        } else if (!strcmp(name, "--rate")) {
            const char *v = optval(argc, argv, &i, eq, cmdsp);
            if (parse_rate(v, &c->rate) || !(c->rate > 0))
                die_usage(cmdsp, "--rate takes records per second such as 1000 or 1000/s, got "
                                 "\"%s\"", v);
        } else if (!strcmp(name, "--stage")) {
            const char *v = optval(argc, argv, &i, eq, cmdsp);
            if (c->nstages == LOAD_MAX_STAGES)
                die_usage(cmdsp, "at most %d stages", LOAD_MAX_STAGES);
            if (parse_stage(v, &c->stages[c->nstages++]))
                die_usage(cmdsp, "--stage takes RATE:DURATION such as 1000:30s, or a ramp "
                                 "FROM..TO:DURATION such as 100..5000:1m, got \"%s\"", v);
        } else if (!strcmp(name, "--threshold")) {
            const char *v = optval(argc, argv, &i, eq, cmdsp);
            char msg[512];
            if (c->nth == MAX_THRESHOLDS)
                die_usage(cmdsp, "at most %d thresholds", MAX_THRESHOLDS);
            if (threshold_parse(v, &c->th[c->nth++], msg, sizeof msg))
                die_usage(cmdsp, "--threshold: %s", msg);
        } else if (!strcmp(name, "--report")) {
            const char *v = optval(argc, argv, &i, eq, cmdsp);
            if (c->nreports == MAX_REPORTS)
                die_usage(cmdsp, "at most %d reports", MAX_REPORTS);
            c->reports[c->nreports++] = v;
        } else if (!strcmp(name, "--metrics-listen")) {
            c->metrics_listen = optval(argc, argv, &i, eq, cmdsp);
        } else if (!strcmp(name, "-o") || !strcmp(name, "--sink-opt")) {
            c->sink_opts = xrealloc(c->sink_opts, (c->nsink_opts + 1) * sizeof *c->sink_opts);
            c->sink_opts[c->nsink_opts++] = (char *)optval(argc, argv, &i, eq, cmdsp);
        } else if (!strcmp(name, "-X")) {
            c->props = xrealloc(c->props, (c->nprops + 1) * sizeof *c->props);
            c->props[c->nprops++] = (char *)optval(argc, argv, &i, eq, cmdsp);
        } else if (!strcmp(name, "--quiet") || !strcmp(name, "-q"))
            c->quiet = 1;
        else if (!strcmp(name, "--force"))
            c->force = 1;
        else if (!strcmp(name, "--insecure"))
            c->insecure = 1;
        else if (!strcmp(name, "--stats"))
            c->stats = 1;
        else if (!strcmp(name, "--replace"))
            c->replace = 1;
        else if (!strcmp(name, "--append"))
            c->append = 1;
        else if (!strcmp(name, "--workload"))
            c->workload = 1;
        else if (!strcmp(name, "--sqlite-durable"))
            c->durable = 1;
        else
            die_usage(cmdsp, "unknown option \"%s\"", a);
    }
    if (!c->profile)
        die_usage(cmdsp, "%s needs a PROFILE", c->cmd);
    if (c->reconnect_given && !c->workload)
        die_usage(cmdsp, "--reconnect-timeout is for --workload");
}

static struct plan *load(const char *path)
{
    struct buf errs;
    int n = 0;
    struct plan *p;

    buf_init(&errs, 16u << 20);
    p = profile_load(path, &errs, &n);
    if (!p) {
        fwrite(errs.data, 1, errs.len, stderr);
        if (n > 1)
            fprintf(stderr, "%d errors\n", n);
    }
    buf_free(&errs);
    return p;
}

static int select_entities(const struct cli *c, const struct plan *p, int **out, size_t *n);

static struct plan *load_prepared(const struct cli *c)
{
    struct plan *p = load(c->profile);
    struct fount_err err;
    int *only = NULL;
    size_t nonly = 0;

    if (!p)
        exit(EXIT_USAGE);
    if (c->seed_given)
        plan_set_seed(p, c->seed);
    p->duration_override = c->duration_us;
    p->events_override = c->events;
    if (select_entities(c, p, &only, &nonly)) {
        plan_free(p);
        exit(EXIT_USAGE);
    }
    plan_select(p, only, nonly);
    free(only);
    if (plan_prepare(p, c->scale, c->threads, NULL, &err)) {
        fprintf(stderr, "%s: %s\n", c->profile, err.msg);
        plan_free(p);
        exit(EXIT_USAGE);
    }
    return p;
}

static int cmd_check(struct cli *c)
{
    struct plan *p;

    c->only = NULL; /* check counts every relation */
    p = load_prepared(c);
    uint64_t total = 0;
    size_t i;

    for (i = 0; i < p->nents; i++)
        total += p->ents[i].count;
    printf("%s: ok: %zu relations, %llu rows\n", c->profile, p->nents, (unsigned long long)total);
    for (i = 0; i < p->nents; i++) {
        const struct entity *e = &p->ents[p->write_order[i]];
        printf("  %-24s %12llu rows  %zu fields%s%s\n", e->name, (unsigned long long)e->count,
               e->nfields, e->parent ? "  per " : "", e->parent ? e->parent->name : "");
    }
    plan_free(p);
    return 0;
}

static int select_entities(const struct cli *c, const struct plan *p, int **out, size_t *n)
{
    char *list, *s, *comma;

    *out = NULL;
    *n = 0;
    if (!c->only)
        return 0;
    list = xstrdup(c->only);
    *out = xcalloc(p->nents + 1, sizeof **out);
    for (s = list; s; s = comma ? comma + 1 : NULL) {
        struct entity *e;
        comma = strchr(s, ',');
        if (comma)
            *comma = '\0';
        e = plan_entity(p, s);
        if (!e) {
            fprintf(stderr, "fount: --only: no entity named \"%s\" in %s\n", s, c->profile);
            free(list);
            return -1;
        }
        (*out)[(*n)++] = e->index;
        if (*n > p->nents)
            break;
    }
    free(list);
    return 0;
}

static char *default_target(const char *profile)
{
    const char *base = strrchr(profile, '/');
    size_t n;
    char *t;

    base = base ? base + 1 : profile;
    n = strcspn(base, ".");
    t = xmalloc(n + 12);
    snprintf(t, n + 12, "sqlite:%.*s.db", (int)n, base);
    return t;
}

/* The first Ctrl-C asks for a clean stop (what was made is written and counted). Another one
 * within two seconds is taken as the same request (timeout(1) and process groups can deliver
 * one press twice); a later one ends the process at once, for a sink that hangs. */
static void on_signal(int sig)
{
    static volatile sig_atomic_t first_s; /* signal handlers may keep nothing else */
    struct timespec ts;
    int saved = errno; /* the interrupted code may be about to read it */

    (void)sig;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    if (!fount_interrupted) {
        first_s = (sig_atomic_t)ts.tv_sec;
        fount_interrupted = 1;
    } else if (ts.tv_sec - first_s >= 2) {
        static const char msg[] = "fount: interrupted twice: stopping now, counts are lost\n";
        if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0)
            _exit(EXIT_INTERRUPTED);
        _exit(EXIT_INTERRUPTED);
    }
    errno = saved;
}

static void install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = 0;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);     /* a closed pipe is a write error we report */
}

static int shard_parse(const char *s, int *k, int *n)
{
    char *slash, *end;
    long a, b;

    if (!s) {
        *k = 0;
        *n = 1;
        return 0;
    }
    a = strtol(s, &slash, 10);
    if (slash == s || *slash != '/')
        return -1;
    b = strtol(slash + 1, &end, 10);
    if (*end || end == slash + 1 || b < 1 || b > 1000000 || a < 0 || a >= b)
        return -1;
    *k = (int)a;
    *n = (int)b;
    return 0;
}

/* Truncated and invalid UTF-8 payloads exist only as bytes: a typed sink (SQLite) or SQL output
 * cannot carry them, so such a run is refused before anything is written. */
static int broken_payloads_refused(const struct plan *p, const struct fount_sink_type *st,
                                   const struct sink_args *a)
{
    size_t i;

    for (i = 0; i < p->nents; i++) {
        const struct faults *f = p->ents[i].faults;
        if (!f || f->malformed_rate <= 0 || !(f->malformed_kinds & (ROW_TRUNCATED | ROW_BAD_UTF8)))
            continue;
        if (!st->encode || a->enc.format == FMT_SQL) {
            fprintf(stderr, "fount: streams.%s.faults.malformed: truncated and invalid_utf8 "
                            "payloads need a byte output (--format jsonl or csv), not %s\n",
                    p->ents[i].name, st->encode ? "SQL" : st->name);
            return 1;
        }
    }
    return 0;
}

/* Lifecycle and CDC streams go out instance by instance, so their times are not in order
 * (lifecycle.h): pacing them on the wall clock is refused rather than done wrong. */
static int unordered_pace_refused(const struct plan *p, const struct cli *c, const int *only,
                                  size_t nonly)
{
    size_t i, j;

    for (i = 0; c->pace_realtime && i < p->nents; i++) {
        const struct lifecycle *lc = p->ents[i].lifecycle;
        int sel = !only;
        for (j = 0; j < nonly; j++)
            sel |= only[j] == p->ents[i].index;
        if (!sel || !lc)
            continue;
        fprintf(stderr, "fount: streams.%s: --pace realtime needs events in time order, and a %s "
                        "stream is written instance by instance (use --pace max, or --only other "
                        "relations)\n", p->ents[i].name, lc->cdc ? "CDC" : "lifecycle");
        return 1;
    }
    return 0;
}

/* --append: ask the sink what each table holds, then prepare the plan to continue after it. */
static int append_counts(const struct cli *c, struct plan *p, const struct fount_sink_type *st,
                         void *ctx, const char *label)
{
    uint64_t *have;
    struct fount_err err;
    size_t i;
    int rc = 0;

    if (!st->existing_rows) {
        fprintf(stderr, "fount: %s: this sink cannot --append\n", label);
        return -1;
    }
    have = xcalloc(p->nents, sizeof *have);
    for (i = 0; i < p->nents && !rc; i++)
        if (!p->ents[i].parent && st->existing_rows(ctx, &p->ents[i].rel, &have[i], &err)) {
            fprintf(stderr, "fount: %s: %s: %s\n", label, p->ents[i].name, err.msg);
            rc = -1;
        }
    if (!rc && plan_prepare(p, c->scale, c->threads, have, &err)) {
        fprintf(stderr, "%s: %s\n", c->profile, err.msg);
        rc = -1;
    }
    free(have);
    return rc;
}

/* The schedule: --stage, else --rate (one open-ended stage), else the profile's "stages". */
static struct load *make_load(const struct cli *c, const struct plan *p)
{
    struct load_stage one = {c->rate, 0, 0, 0};

    if (c->nstages)
        return load_new(c->stages, c->nstages);
    if (c->rate > 0)
        return load_new(&one, 1);
    return load_new(p->stages, p->nstages);
}

/* FNV-1a 64 of the profile's bytes, for reports: which profile made the run. */
static void profile_hash(const char *path, char out[17])
{
    uint64_t h = 0xcbf29ce484222325ULL;
    FILE *f = fopen(path, "rb");
    int ch;

    while (f && (ch = getc(f)) != EOF)
        h = (h ^ (uint64_t)(unsigned char)ch) * 0x100000001b3ULL;
    if (f)
        fclose(f);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* Thresholds of the profile, then of the command line: evaluated, printed (failures even with
 * --quiet). Returns how many failed. */
static int eval_thresholds(const struct cli *c, const struct plan *p, const struct run_result *res,
                           const struct load *ld, struct threshold *th, struct th_result *thr,
                           size_t *nth)
{
    struct th_inputs in;
    size_t i, n = 0;
    int failed = 0;

    memset(&in, 0, sizeof in);
    for (i = 0; i < p->nents; i++) {
        in.generated += res->rel[i].generated;
        in.failed += res->rel[i].failed;
        in.delivered += res->rel[i].delivered;
    }
    in.lat = &ld->all;
    in.elapsed_s = res->elapsed;
    in.rate_ratio = load_rate_ratio(ld);
    for (i = 0; i < p->nthresholds && n < 2 * MAX_THRESHOLDS; i++)
        th[n++] = p->thresholds[i];
    for (i = 0; i < c->nth && n < 2 * MAX_THRESHOLDS; i++)
        th[n++] = c->th[i];
    for (i = 0; i < n; i++) {
        thr[i].pass = threshold_eval(&th[i], &in, &thr[i].actual, thr[i].text, sizeof thr[i].text);
        failed += thr[i].pass != 1;
        if (!c->quiet || thr[i].pass != 1)
            fprintf(stderr, "threshold %s: %s (%s)\n", th[i].text,
                    thr[i].pass == 1 ? "pass" : "FAIL", thr[i].text);
    }
    *nth = n;
    return failed;
}

static int write_reports(const struct cli *c, const struct plan *p, const struct run_result *res,
                         const struct fount_sink_type *st, struct load *ld, const struct threshold *th,
                         const struct th_result *thr, size_t nth, int rc)
{
    struct report_run r;
    struct fount_err err;
    size_t i;
    int bad = 0;

    memset(&r, 0, sizeof r);
    r.p = p;
    r.res = res;
    r.oc = res->outcomes;
    r.ld = ld;
    r.profile_path = c->profile;
    profile_hash(c->profile, r.profile_hash);
    r.seed = p->seed;
    r.sink_name = st->name;
    r.sink_uri = c->to;
    r.sink_opts = c->sink_opts;
    r.nsink_opts = c->nsink_opts;
    r.threads = c->threads;
    r.pace = load_has_schedule(ld) ? "schedule" : c->pace_realtime ? "realtime" : "max";
    r.speed = c->speed > 0 ? c->speed : 1;
    r.th = th;
    r.thr = thr;
    r.nth = nth;
    r.rate_ratio = load_rate_ratio(ld);
    r.exit_status = rc;
    for (i = 0; i < c->nreports; i++)
        if (report_write(&r, c->reports[i], &err)) {
            fprintf(stderr, "fount: %s\n", err.msg);
            bad = 1;
        }
    return bad;
}

static int seed_run(struct cli *c)
{
    const struct fount_sink_type *st;
    const struct fount_relation **rels;
    struct sink_args args;
    struct run_opts ro;
    struct run_result res;
    struct fount_err err;
    struct plan *p;
    char *deftarget = NULL, label[64];
    void *ctx;
    int *only = NULL, rc, k, n, delay = 0;
    size_t nonly = 0, i, nrels = 0, nth = 0;
    struct load *ld = NULL;
    struct metrics *mx = NULL;
    struct threshold th[2 * MAX_THRESHOLDS];
    struct th_result thr[2 * MAX_THRESHOLDS];

    memset(&args, 0, sizeof args);
    if (shard_parse(c->shard, &k, &n))
        die_usage("run ", "--shard takes K/N with 0 <= K < N, got \"%s\"", c->shard);
    if (c->format && format_from_name(c->format) < 0)
        die_usage("run ", "--format takes csv, jsonl, sql, influx or prometheus, got \"%s\"",
                  c->format);
    if (c->dialect && dialect_from_name(c->dialect) < 0)
        die_usage("run ", "--dialect takes sqlite, postgres or mysql, got \"%s\"", c->dialect);
    if (c->replace && c->append)
        die_usage("run ", "%s: choose one of --replace and --append", "--replace");
    if (!c->to)
        c->to = deftarget = default_target(c->profile);
    st = sink_resolve(c->to, &args.target, &err);
    if (!st) {
        fprintf(stderr, "fount: --to: %s\n", err.msg);
        free(deftarget);
        return EXIT_USAGE;
    }
    if (c->insecure) { /* the HTTP sink's option, under the name curl gives it */
        if (strcmp(st->name, "http")) {
            free(deftarget);
            die_usage("run ", "--insecure applies to http:// and https:// targets, not the %s "
                              "sink", st->name);
        }
        c->sink_opts = xrealloc(c->sink_opts, (c->nsink_opts + 1) * sizeof *c->sink_opts);
        c->sink_opts[c->nsink_opts++] = (char *)"insecure=true";
    }
    if ((c->replace || c->append) && st == &file_sink_type) {
        free(deftarget);
        die_usage("run ", "%s applies to databases; files are replaced with --force",
                  c->replace ? "--replace" : "--append");
    }
    p = load_prepared(c);
    if (select_entities(c, p, &only, &nonly)) {
        plan_free(p);
        free(deftarget);
        return EXIT_USAGE;
    }
    rels = xcalloc(p->nents + 1, sizeof *rels);
    for (i = 0; i < p->nents; i++) {
        const struct entity *e = &p->ents[p->write_order[i]];
        size_t j;
        int sel = !only;
        for (j = 0; j < nonly; j++)
            sel |= only[j] == e->index;
        if (sel)
            rels[nrels++] = &e->rel;
    }
    args.uri = c->to;
    args.enc.format = c->format ? (enum fount_format)format_from_name(c->format) : FMT_CSV;
    args.enc.dialect = c->dialect ? (enum fount_dialect)dialect_from_name(c->dialect)
                                  : DIALECT_SQLITE;
    args.format_given = c->format != NULL;
    if (!c->format) { /* out.jsonl, out.sql: the extension names the format */
        const char *dot = strrchr(args.target, '.'), *slash = strrchr(args.target, '/');
        if (dot && (!slash || dot > slash) && format_from_name(dot + 1) >= 0)
            args.enc.format = (enum fount_format)format_from_name(dot + 1);
    }
    args.force = c->force;
    args.replace = c->replace;
    args.append = c->append;
    args.durable = c->durable;
    args.shard_k = k;
    args.shard_n = n;
    args.rels = rels;
    args.nrels = nrels;
    args.outcomes = outcomes_new(p);
    ld = make_load(c, p);
    ld->progress = c->quiet ? LOAD_PROGRESS_NONE
                 : isatty(STDERR_FILENO) ? LOAD_PROGRESS_TTY : LOAD_PROGRESS_PLAIN;
    args.outcomes->load = ld;
    for (i = 0; i < c->nsink_opts; i++)
        delay |= !strncmp(c->sink_opts[i], "delay=", 6);
    /* seeding a file or the null sink without delay has no latency worth showing */
    args.outcomes->show_latency = c->pace_realtime || load_has_schedule(ld) || delay ||
                                  (st->reports_latency && st != &null_sink_type);
    args.profile_cfg = plan_sink_cfg(p, st->name);
    snprintf(label, sizeof label, "%s.0", st->name);
    if (broken_payloads_refused(p, st, &args) || unordered_pace_refused(p, c, only, nonly)) {
        rc = EXIT_USAGE;
        outcomes_free(args.outcomes);
        load_free(ld);
        free(rels);
        free(only);
        plan_free(p);
        free(deftarget);
        return rc;
    }
    ctx = xcalloc(1, st->ctx_size);
    if (sink_set_opts(st, ctx, c->sink_opts, c->nsink_opts, &err)) {
        fprintf(stderr, "fount: %s\n", err.msg);
        rc = EXIT_USAGE;
        goto out_ctx;
    }
    args.props = c->props;
    args.nprops = c->nprops;
    if (c->nprops && (!st->check_props || st->check_props(c->props, c->nprops, &err))) {
        if (!st->check_props)
            fount_err_set(&err, "-X: the %s sink takes no pass-through properties", st->name);
        fprintf(stderr, "fount: %s\n", err.msg);
        rc = EXIT_USAGE;
        goto out_ctx;
    }
    err.msg[0] = '\0';
    if (st->open(ctx, &args, &err)) {
        fprintf(stderr, "fount: %s: %s\n", label, err.msg);
        st->close(ctx);
        rc = EXIT_FAILED;
        goto out_ctx;
    }
    if (err.msg[0]) /* a warning from a sink that opened (sink.h) */
        fprintf(stderr, "fount: %s: %s\n", label, err.msg);
    if (c->append && append_counts(c, p, st, ctx, label)) {
        st->close(ctx);
        rc = EXIT_FAILED;
        goto out_ctx;
    }
    if (c->metrics_listen) {
        mx = metrics_start(c->metrics_listen, p, args.outcomes, &err);
        if (!mx) {
            fprintf(stderr, "fount: --metrics-listen: %s\n", err.msg);
            st->close(ctx);
            rc = EXIT_USAGE;
            goto out_ctx;
        }
        ld->publish = metrics_publish;
        ld->publish_arg = mx;
    }
    install_signals();
    memset(&ro, 0, sizeof ro);
    ro.threads = c->threads;
    ro.shard_k = k;
    ro.shard_n = n;
    ro.only = only;
    ro.nonly = nonly;
    ro.progress = !c->quiet && isatty(STDERR_FILENO);
    ro.retry_limit = c->retries;
    ro.pace_realtime = c->pace_realtime;
    ro.speed = c->speed > 0 ? c->speed : 1;
    ro.sink_label = label;
    ro.outcomes = args.outcomes;
    ro.load = ld;
    rc = runner_run(p, st, ctx, &ro, &res);
    st->close(ctx);
    {
        int thfail = eval_thresholds(c, p, &res, ld, th, thr, &nth);
        if (!c->quiet || rc)
            runner_summary(p, &res, stderr);
        if (res.interrupted)
            rc = EXIT_INTERRUPTED;
        else if (thfail)
            rc = EXIT_THRESHOLD;
        else if (rc)
            rc = EXIT_FAILED;
    }
    if (write_reports(c, p, &res, st, ld, th, thr, nth, rc) && !rc)
        rc = EXIT_FAILED;
    free(res.rel);
out_ctx:
    metrics_stop(mx);
    load_free(ld);
    outcomes_free(args.outcomes);
    sink_free_opts(st, ctx);
    free(ctx);
    free(rels);
    free(only);
    plan_free(p);
    free(deftarget);
    return rc;
}

/* --workload's target: a database with a workload driver. Usage errors exit 2 here. */
static const struct wl_driver *workload_target(struct cli *c, const char **schema)
{
    const struct fount_sink_type *st;
    const struct wl_driver *drv;
    struct fount_err err;
    const char *target;
    void *ctx;
    size_t i;

    if (!c->to)
        die_usage("run ", "--workload needs --to postgres://... or mysql://... (a database "
                          "seeded by fount)");
    st = sink_resolve(c->to, &target, &err);
    if (!st)
        die_usage("run ", "--to: %s", err.msg);
    drv = workload_driver(st->name);
    if (!drv)
        die_usage("run ", "--workload runs against PostgreSQL or MySQL/MariaDB, not the %s sink",
                  st->name);
    ctx = xcalloc(1, st->ctx_size); /* -o keys are the sink's: checked as for a load */
    if (sink_set_opts(st, ctx, c->sink_opts, c->nsink_opts, &err)) {
        fprintf(stderr, "fount: %s\n", err.msg);
        exit(EXIT_USAGE);
    }
    sink_free_opts(st, ctx);
    free(ctx);
    *schema = NULL;
    for (i = 0; i < c->nsink_opts; i++)
        if (!strncmp(c->sink_opts[i], "schema=", 7) && c->sink_opts[i][7])
            *schema = c->sink_opts[i] + 7;
    return drv;
}

static int cmd_workload(struct cli *c, const struct wl_driver *drv, const char *schema)
{
    struct workload_opts o;
    struct workload_result res;
    struct fount_err err;
    struct plan *p = load(c->profile);
    char label[64];
    int rc;

    if (!p)
        return EXIT_USAGE;
    if (c->seed_given)
        plan_set_seed(p, c->seed);
    memset(&o, 0, sizeof o);
    snprintf(label, sizeof label, "%s.0", drv->name);
    o.drv = drv;
    o.uri = c->to;
    o.schema = schema;
    o.label = label;
    o.connections = c->threads_given ? c->threads : 4;
    o.pace = c->pace_given ? c->pace_realtime : 1;
    o.speed = c->speed > 0 ? c->speed : 1;
    o.duration_us = c->duration_us;
    o.max_ops = c->events;
    o.retries = c->retries;
    o.reconnect_timeout_us = c->reconnect_given ? c->reconnect_us : 30 * 1000000LL;
    o.progress = c->quiet ? LOAD_PROGRESS_NONE
               : isatty(STDERR_FILENO) ? LOAD_PROGRESS_TTY : LOAD_PROGRESS_PLAIN;
    install_signals();
    err.msg[0] = '\0';
    rc = workload_run(p, &o, &res, &err);
    if (rc >= 0 || res.fatal) {
        if (!c->quiet || rc)
            workload_summary(p, &res, stderr);
    }
    if (rc < 0)
        fprintf(stderr, "fount: %s: %s\n", label, err.msg);
    free(res.rel);
    free(res.doubt);
    plan_free(p);
    if (res.interrupted)
        return EXIT_INTERRUPTED;
    return rc ? EXIT_FAILED : 0;
}

/* run: load the profile into the sink; with --workload, run the workload against the tables
 * (after loading them when --replace or --append asks for it). */
static int cmd_run(struct cli *c)
{
    const struct wl_driver *drv = NULL;
    const char *schema = NULL;
    struct plan *p;
    int rc;

    if (c->workload) {
        drv = workload_target(c, &schema);
        if (!(p = load(c->profile)))
            return EXIT_USAGE;
        if (!p->workload) {
            fprintf(stderr, "fount: --workload: %s has no \"workload\" section (see "
                            "docs/workload.md)\n", c->profile);
            plan_free(p);
            return EXIT_USAGE;
        }
        plan_free(p);
    }
    if (!c->workload || c->replace || c->append) {
        rc = seed_run(c);
        if (!c->workload || rc)
            return rc;
        fount_interrupted = 0;
    }
    return cmd_workload(c, drv, schema);
}

/* Display width of UTF-8 text: its code points (wide CJK glyphs count as one: close enough). */
static size_t text_width(const char *s, size_t n)
{
    size_t i, w = 0;

    for (i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

/* A cell of the sample table: the value's text, at most 40 code points (then "..."). */
static size_t cell_text(char *cell, size_t room, const struct fount_value *v,
                        const struct fount_column *col)
{
    size_t n, i, w = 0;

    if (v->type == FV_NULL)
        return (size_t)snprintf(cell, room, "NULL");
    n = fmt_value(cell, room - 1, v, col);
    cell[n] = '\0';
    for (i = 0; i < n; i++) /* cut after 37 code points */
        if (((unsigned char)cell[i] & 0xC0) != 0x80 && ++w > 37 && text_width(cell, n) > 40) {
            memcpy(cell + i, "...", 4);
            return i + 3;
        }
    return n;
}

static void print_cell(const char *cell, size_t n, size_t width, int first, int last)
{
    size_t w = text_width(cell, n);

    printf("%s%.*s", first ? "" : "  ", (int)n, cell);
    while (!last && w++ < width) /* no padding after the last column */
        putchar(' ');
}

/* The aligned table of `fount sample`. */
static void print_table(const struct entity *e, const struct fount_value *vals, size_t nrows)
{
    char cell[512];
    size_t *w = xcalloc(e->nfields, sizeof *w), r, j, n;

    for (j = 0; j < e->nfields; j++)
        w[j] = text_width(e->cols[j].name, strlen(e->cols[j].name));
    for (r = 0; r < nrows; r++)
        for (j = 0; j < e->nfields; j++) {
            n = cell_text(cell, sizeof cell, &vals[r * e->nfields + j], &e->cols[j]);
            if (text_width(cell, n) > w[j])
                w[j] = text_width(cell, n);
        }
    printf("%s\n", e->name);
    for (j = 0; j < e->nfields; j++)
        print_cell(e->cols[j].name, strlen(e->cols[j].name), w[j], j == 0, j + 1 == e->nfields);
    printf("\n");
    for (r = 0; r < nrows; r++) {
        for (j = 0; j < e->nfields; j++) {
            n = cell_text(cell, sizeof cell, &vals[r * e->nfields + j], &e->cols[j]);
            print_cell(cell, n, w[j], j == 0, j + 1 == e->nfields);
        }
        printf("\n");
    }
    free(w);
}

static const char *gen_name(const struct entity *e, const struct field *f)
{
    static const char *const names[] = {
        [GEN_SEQUENCE] = "sequence", [GEN_INT] = "int", [GEN_FLOAT] = "float",
        [GEN_DECIMAL] = "decimal", [GEN_BOOL] = "bool", [GEN_CHOICE] = "choice",
        [GEN_UUID] = "uuid", [GEN_TIMESTAMP] = "timestamp", [GEN_DATE] = "date",
        [GEN_PATTERN] = "string", [GEN_TEMPLATE] = "template", [GEN_REF] = "ref",
        [GEN_CONST] = "const", [GEN_EXT] = "value library", [GEN_EVENT_TIME] = "event_time",
        [GEN_SERIES_TIME] = "series time", [GEN_SERIES_TAG] = "series tag",
        [GEN_SERIES_VALUE] = "series value", [GEN_SERIES_LABEL] = "series label",
        [GEN_COPY] = "copy", [GEN_SCHEMA_VERSION] = "schema version",
        [GEN_LIFECYCLE] = "lifecycle",
    };
    (void)e;
    return (size_t)f->gen < sizeof names / sizeof names[0] && names[f->gen] ? names[f->gen] : "?";
}

/* --stats: per field, the distinct values it can take against the rows of its relation. */
static void print_stats(const struct entity *e)
{
    size_t j;

    printf("%s: %llu rows\n", e->name, (unsigned long long)e->count);
    printf("  %-24s %-16s %22s  %s\n", "field", "generator", "distinct values", "notes");
    for (j = 0; j < e->nfields; j++) {
        const struct field *f = &e->fields[j];
        uint64_t d = field_domain(e, f);
        char dom[32], notes[96] = "";
        if (f->gen == GEN_UUID)
            snprintf(dom, sizeof dom, "2^122");
        else if (d)
            snprintf(dom, sizeof dom, "%llu", (unsigned long long)d);
        else
            snprintf(dom, sizeof dom, "unbounded");
        snprintf(notes, sizeof notes, "%s%s%s", f->unique || e->cols[j].unique ? "unique" : "",
                 d && d < e->count && !f->unique ? (f->unique ? ", " : "") : "",
                 d && d < e->count && !(f->unique || e->cols[j].unique) ? "repeats" : "");
        if (f->null_rate > 0) {
            size_t n = strlen(notes);
            snprintf(notes + n, sizeof notes - n, "%snull %.3g%%", n ? ", " : "", 100 * f->null_rate);
        }
        printf("  %-24s %-16s %22s  %s\n", f->name, gen_name(e, f), dom, notes);
    }
}

static int cmd_sample(struct cli *c)
{
    struct plan *p;
    struct gen_buf gb;
    struct buf out;
    struct fount_encoder enc = {FMT_JSONL, DIALECT_SQLITE};
    size_t i, shown = 0;
    int table = !c->format || !strcmp(c->format, "table");

    if (!table && format_from_name(c->format) < 0)
        die_usage("sample ", "--format takes table, json, jsonl or csv, got \"%s\"", c->format);
    if (!table)
        enc.format = (enum fount_format)format_from_name(c->format);
    p = load_prepared(c);
    if (c->entity && !plan_entity(p, c->entity)) {
        fprintf(stderr, "fount: --entity: no entity named \"%s\" in %s\n", c->entity, c->profile);
        plan_free(p);
        return EXIT_USAGE;
    }
    gen_buf_init(&gb);
    buf_init(&out, (size_t)256 << 20);
    for (i = 0; i < p->nents; i++) {
        const struct entity *e = &p->ents[p->write_order[i]];
        struct fount_batch b;
        uint64_t ch = 0;
        if (c->entity && strcmp(c->entity, e->name))
            continue;
        if (c->stats) {
            if (shown++)
                printf("\n");
            print_stats(e);
            continue;
        }
        /* The first chunk that holds rows: the rows `run` makes first. */
        do
            gen_chunk(e, ch++, &gb, &b);
        while (b.nrows == 0 && ch < plan_nchunks(e));
        if (b.nrows > (size_t)c->nsample)
            b.nrows = (size_t)c->nsample;
        if (shown++ && table)
            printf("\n");
        if (table) {
            print_table(e, b.vals, b.nrows);
            continue;
        }
        buf_reset(&out);
        b.first_of_relation = 1;
        encode_header(&enc, &e->rel, &out);
        encode_batch(&enc, &b, &out);
        fwrite(out.data, 1, out.len, stdout);
    }
    buf_free(&out);
    gen_buf_free(&gb);
    plan_free(p);
    return 0;
}

static int cmd_schema(struct cli *c)
{
    struct plan *p = load(c->profile);
    struct buf out;
    int d = c->dialect ? dialect_from_name(c->dialect) : DIALECT_SQLITE;
    size_t i, j;

    if (!p)
        return EXIT_USAGE;
    if (d < 0) {
        plan_free(p);
        die_usage("schema ", "--dialect takes sqlite, postgres or mysql, got \"%s\"", c->dialect);
    }
    buf_init(&out, (size_t)64 << 20);
    for (i = 0; i < p->nents; i++) {
        const struct entity *e = &p->ents[p->write_order[i]];
        if (i)
            buf_puts(&out, "\n");
        schema_create_table((enum fount_dialect)d, &e->rel, &out);
        for (j = 0; j < e->nindexes; j++)
            schema_create_index((enum fount_dialect)d, &e->rel, e->indexes[j], &out);
    }
    fwrite(out.data, 1, out.len, stdout);
    buf_free(&out);
    plan_free(p);
    return 0;
}

static int cmd_sinks(void)
{
    const struct fount_sink_type *const *t;
    const struct fount_opt *o;
    size_t n, i;

    t = sink_types(&n);
    for (i = 0; i < n; i++) {
        printf("%-8s %s\n", t[i]->name, t[i]->desc);
        for (o = t[i]->opts; o && o->name; o++)
            printf("         -o %s=%s  %s\n", o->name, o->def ? o->def : "(required)", o->desc);
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct cli c;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int rc;

    memset(&c, 0, sizeof c);
    c.threads = ncpu > 0 ? (int)ncpu : 1;
    c.scale = 1;
    c.speed = 0;
    c.retries = 5;
    c.nsample = 10;
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        if (argc >= 3 && cmd_help(argv[2])) {
            fputs(cmd_help(argv[2]), stdout);
            return 0;
        }
        fputs(usage_main, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("fount %s (algorithm %d)\n", FOUNT_VERSION, FOUNT_ALGORITHM_VERSION);
        return 0;
    }
    c.cmd = argv[1];
    if (!strcmp(c.cmd, "sinks")) {
        if (argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
            fputs(usage_sinks, stdout);
            return 0;
        }
        if (argc > 2) {
            fprintf(stderr, "fount: sinks takes no arguments\n\n%s", usage_sinks);
            return EXIT_USAGE;
        }
        return cmd_sinks();
    }
    if (!cmd_help(c.cmd)) {
        fprintf(stderr, "fount: unknown command \"%s\"\n\n%s", c.cmd, usage_main);
        return EXIT_USAGE;
    }
    parse_args(argc, argv, &c);
    if (!strcmp(c.cmd, "run"))
        rc = cmd_run(&c);
    else if (!strcmp(c.cmd, "check"))
        rc = cmd_check(&c);
    else if (!strcmp(c.cmd, "sample"))
        rc = cmd_sample(&c);
    else
        rc = cmd_schema(&c);
    free(c.sink_opts);
    free(c.props);
    return rc;
}
