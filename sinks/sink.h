/* sink.h: the interface every sink implements (STYLE.md section 3), and the registry that finds one
 * from a URI. A sink type is a const table; per-run state lives in ctx, which the runner callocs
 * (ctx_size bytes) and fills from the option table before open().
 *
 * Lifecycle (the runner's calls, in order):
 *   NEW -open-> OPEN -(begin, write_batch*, end)* per relation-> OPEN -flush-> FLUSHED -close-> CLOSED
 *   any -FATAL-> FAILED -close-> CLOSED            close() is also called after a failed open().
 *
 * Threads: encode() runs on worker threads, concurrently, and may only read ctx. Every other method
 * runs on the single writer thread.
 * Retries: a sink never sleeps or counts attempts. It returns FOUNT_RETRY with *accepted set to the
 * leading records that went through; the runner backs off and resends the rest as a sub-batch with
 * bytes == NULL (a byte sink then encodes it itself). */
#ifndef FOUNT_SINK_H
#define FOUNT_SINK_H

#include <stddef.h>

#include "../generator/common.h"
#include "../generator/value.h"
#include "format.h"

enum fount_opt_type { OPT_STR, OPT_INT, OPT_BOOL, OPT_SIZE, OPT_DURATION };

struct fount_opt {              /* one row per option key a sink accepts */
    const char *name;
    enum fount_opt_type type;
    const char *def;            /* default as text; NULL means required */
    size_t offset;              /* offsetof(struct <sink>, field): char *, long long, int, size_t,
                                 * int64_t (microseconds) by type */
    const char *desc;
};

struct fount_outcomes;
struct pctx;
struct cJSON;

/* What the command line tells a sink. Everything is borrowed for the life of the run. */
struct sink_args {
    const char *uri;            /* as given on the command line               */
    const char *target;         /* the part after "scheme:" ("" for stdout)   */
    struct fount_encoder enc;   /* --format / --dialect, or from the target's extension */
    int format_given;           /* --format was given                         */
    int force;                  /* --force: overwrite existing files          */
    int replace, append;        /* --replace, --append (databases)            */
    int durable;                /* --sqlite-durable                           */
    int shard_k, shard_n;
    const struct fount_relation *const *rels; /* every relation this run writes, parents first */
    size_t nrels;
    struct fount_outcomes *outcomes; /* where late fates and latencies go (below); may be NULL */
    const struct cJSON *profile_cfg; /* the profile's "sinks": {"<name>": {...}} member for
                                 * this sink type, checked by check_profile; NULL if absent */
    char *const *props;         /* -X key=value pass-through properties (checked by
                                 * check_props), or NULL                     */
    size_t nprops;
};

/* Outcomes learned after write_batch returned, and latencies. Asynchronous sinks (Kafka delivery
 * reports, HTTP responses on a multi handle) take records into flight in write_batch and return
 * FOUNT_OK with *accepted = the rows taken; the runner counts them delivered. A record that then
 * fails for good is reported here, with the class the summary counts it under ("http 400",
 * "kafka: Broker: Topic authorization failed", "undelivered at exit"); the runner moves it from
 * delivered to failed. Only on the writer thread: inside write_batch, end or flush (where such a
 * sink waits for its last answers: flush must leave nothing in flight).
 * Latency: a sink that sets reports_latency reports, for n records, the time from when each was
 * due (fount_batch.due_ns, else sent_ns) to its acknowledgement; for other sinks the runner
 * records the time until write_batch returned. Both are NULL-safe. */
void sink_failed(struct fount_outcomes *o, const struct fount_relation *rel, uint64_t n,
                 const char *cls);
void sink_latency(struct fount_outcomes *o, const struct fount_relation *rel, uint64_t ns,
                  uint64_t n);
/* The same for n records due at due_ns[i] (fount_batch.due_ns) and acknowledged at done_ns. */
void sink_latency_rows(struct fount_outcomes *o, const struct fount_relation *rel,
                       const int64_t *due_ns, size_t n, int64_t done_ns);
int64_t fount_now_ns(void); /* CLOCK_MONOTONIC */

struct fount_sink_type {
    const char *name;           /* the URI scheme: "file", "sqlite", "null"   */
    const char *desc;           /* one line for `fount sinks`                 */
    const struct fount_opt *opts; /* ends with {0}; unknown keys are rejected */
    size_t ctx_size;
    /* Check the target and prepare (refuse to clobber existing data here: nothing written yet).
     * A sink that opens but has something the user must see (TLS verification is off) leaves
     * it in err and returns FOUNT_OK: it is printed as one line, "fount: http.0: warning: ...". */
    int (*open)(void *ctx, const struct sink_args *a, struct fount_err *err);
    /* A relation starts (may be NULL). */
    int (*begin)(void *ctx, const struct fount_relation *rel, struct fount_err *err);
    int (*write_batch)(void *ctx, const struct fount_batch *b, size_t *accepted,
                       struct fount_err *err);
    /* A relation ends (may be NULL): create indexes, close its file... */
    int (*end)(void *ctx, const struct fount_relation *rel, struct fount_err *err);
    int (*flush)(void *ctx, int timeout_ms, struct fount_err *err); /* may be NULL */
    void (*close)(void *ctx);
    /* Byte sinks: encode a batch on a worker thread (NULL for typed sinks such as SQLite). */
    int (*encode)(const void *ctx, const struct fount_batch *b, struct buf *out);
    /* Databases, for --append: how many rows the relation's table already holds (after open).
     * NULL: the sink cannot append. */
    int (*existing_rows)(void *ctx, const struct fount_relation *rel, uint64_t *n,
                         struct fount_err *err);
    /* Sinks that accept rows into a transaction spanning batches: rows of the current relation,
     * accepted earlier, that a failure (a commit that could not happen) took down since the last
     * call. The runner moves them from delivered to failed, so the summary never counts a row
     * the target does not hold. NULL: nothing accepted is ever lost. */
    uint64_t (*take_lost)(void *ctx);
    int reports_latency;        /* the sink calls sink_latency itself (acknowledgements)    */
    /* The profile's "sinks": {"<name>": cfg} member for this sink type, at load time: report each
     * problem with perr() (profile_priv.h) at its path under path, so a bad setting is
     * file:line:col: json.path: message, exit 2, before anything is written. Returns the number
     * reported. NULL: the sink takes no settings from the profile. */
    int (*check_profile)(struct pctx *c, const struct cJSON *cfg, const char *path);
    /* -X key=value pass-through properties (librdkafka's, for Kafka), checked before open() so
     * that a rejected one is a usage error (exit 2) that names it. NULL: the sink takes none. */
    int (*check_props)(char *const *kv, size_t n, struct fount_err *err);
};

/* registry.c */
const struct fount_sink_type *const *sink_types(size_t *n);
const struct fount_sink_type *sink_find(const char *name);
/* Which sink a --to value means: "-", "file:out/", "sqlite:x.db", "x.csv", "x.db", "null"...
 * Fills *target with the part the sink reads. Returns NULL with a message when it cannot tell. */
const struct fount_sink_type *sink_resolve(const char *uri, const char **target,
                                           struct fount_err *err);
/* Apply defaults, then "key=value" options, to ctx by the type's option table. An unknown key
 * or a bad value is an error that names it and lists the accepted keys. */
int sink_set_opts(const struct fount_sink_type *t, void *ctx, char *const *kv, size_t n,
                  struct fount_err *err);
/* Frees OPT_STR values sink_set_opts allocated. */
void sink_free_opts(const struct fount_sink_type *t, void *ctx);

extern const struct fount_sink_type file_sink_type;
extern const struct fount_sink_type null_sink_type;

/* A line about a relation for the run's summary, printed indented under its table ("  clicks:
 * busiest partition 3 of 12: 31.2% of messages (uniform would be 8.3%)"): what a sink measured
 * that the counts do not say. Writer thread only; NULL-safe. */
void sink_note(struct fount_outcomes *o, const struct fount_relation *rel, const char *fmt, ...)
    FOUNT_PRINTF(3, 4);

#endif
