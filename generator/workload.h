/* workload.h: the live OLTP workload (issue 8): transactions against a seeded PostgreSQL or
 * MariaDB/MySQL database at a rate, the source system a CDC pipeline reads from.
 *
 * A profile's "workload" names transactions, each of one kind with a weight:
 *   insert  a new row of an entity and its children (an order and its order_items), one
 *           transaction, keys continuing after the largest key the table holds;
 *   update  one existing row: a lifecycle column moves one state forward, fields are drawn anew;
 *   delete  one existing row, its dependent rows first (children, grandchildren), one transaction.
 *
 * NOTES ON THE DESIGN
 * 1. The intended operations are a pure function of (seed, the tables' key ranges at the start):
 *    op i's transaction and its draw come from a generator keyed by (seed, i); the scheduler hands
 *    ops out in index order and numbers new rows as it goes, so op i's new keys are those of
 *    every run that starts from the same database. What the database makes of an op (which row
 *    an update finds, whether it was deleted meanwhile) depends on concurrency and is not.
 * 2. Existing rows are found, never assumed: update and delete take the first row at or after a
 *    uniformly drawn key (with the lifecycle's eligible states), SELECT ... FOR UPDATE SKIP
 *    LOCKED, wrapping around once. No such row: the op is counted "none", not an error.
 * 3. A lifecycle column only moves forward: the next state is computed from the locked row's
 *    current one, which no other transaction can change before the commit.
 * 4. Times: op i is due at its arrival on the rate curve (stream.h's windows, keyed like a
 *    stream), mapped to the wall clock by --speed. Latency runs from the due time, so a slow
 *    database shows as latency rather than as a slower schedule (no coordinated omission).
 * 5. Counts are exact: an op counts as done once its COMMIT returned; an interrupted run lets each
 *    connection finish its transaction. A COMMIT whose answer was lost is settled on a new
 *    connection when it can be (an insert: does its new key exist?), else counted "in doubt",
 *    with the rows it would have changed (workload_run.c, NOTES 3).
 * Leaves out: several fount workloads against one database (their keys would collide), entities
 * whose primary key is not a sequence, the shared log-linear histogram of issue 9 (a small local
 * one stands in: workload.c). */
#ifndef FOUNT_WORKLOAD_H
#define FOUNT_WORKLOAD_H

#include <stdint.h>
#include <stdio.h>

#include "../sinks/format.h"
#include "stream.h"

#define WL_MAX_TXNS 32
#define WL_MAX_CHILDREN 8
#define WL_MAX_SET 16
#define WL_MAX_STATES 32
#define WL_MAX_DEPS 16       /* dependent tables a delete clears first */

enum wl_kind { WL_INSERT, WL_UPDATE, WL_DELETE };

struct entity;
struct plan;

/* A table a delete clears before its target: rows of `entity` whose `field` refers to the rows
 * of `via` being deleted (via == NULL: the target row itself). Listed deepest first. */
struct wl_dep {
    struct entity *entity;
    int field;
    const struct wl_dep *via; /* the parent step, or NULL when `field` refers to the target */
};

struct wl_txn {
    char *name;
    enum wl_kind kind;
    double weight;
    struct entity *entity;
    struct entity *children[WL_MAX_CHILDREN]; /* insert: "per" entities made with the row */
    int nchildren;
    int state_field;               /* update: the lifecycle column, or -1                  */
    char *states[WL_MAX_STATES];   /* its states, in the only order they may be taken      */
    int nstates;
    int set[WL_MAX_SET];           /* update: fields drawn anew                            */
    int nset;
    struct wl_dep deps[WL_MAX_DEPS]; /* delete: dependents, deepest first                  */
    int ndeps;
    uint64_t value_key;            /* update: the key new values are drawn at              */
};

struct workload {
    struct stream clock;           /* the rate curve and arrival process (start: run start) */
    struct wl_txn txns[WL_MAX_TXNS];
    int ntxns;
    double cum[WL_MAX_TXNS];       /* cumulative weights, cum[ntxns - 1] == 1              */
    uint64_t op_key;
};

/* One intended operation: a pure function of (seed, index) (workload_op). */
struct wl_op {
    uint64_t index;
    int txn;
    double pick;                   /* update/delete: where in the key range to start, [0, 1) */
};

void workload_op(const struct workload *w, uint64_t i, struct wl_op *op);
/* The state after `cur` (an index into t->states), or -1 when cur is the last one (or < 0). */
int workload_next_state(const struct wl_txn *t, int cur);
/* The index of a state named s (len bytes), or -1 when it is not one of t's. */
int workload_state_index(const struct wl_txn *t, const char *s, size_t len);
void workload_reseed(struct workload *w, uint64_t seed);
void workload_free(struct workload *w);

/* ---------------------------------------------------------------- the schedule */

/* Hands out ops in index order with their due times and new row numbers (not thread-safe:
 * workload.c calls it under a lock). rows[e] is the next row index of entity e. */
struct wl_sched {
    const struct workload *w;
    struct stream clock;           /* the workload's, with the run's start and duration    */
    const struct plan *plan;
    uint64_t next;                 /* the next op index                                    */
    uint64_t max_ops;              /* 0: no bound                                          */
    uint64_t *rows;                /* per entity (plan index): next row index              */
    uint64_t *base;                /* per entity: rows at the start (for updates, deletes) */
    uint64_t window, in_window, window_n;
    int64_t *times;                /* the current window's arrival times                   */
    size_t tcap;
    int pace;                      /* 0: no due times (--pace max)                         */
};

/* A scheduled op: the intended op, when it is due, and the rows it makes or picks from. */
struct wl_task {
    struct wl_op op;
    int64_t due_us;                /* simulated microseconds after the start (pace)        */
    uint64_t row;                  /* insert: the new row; update/delete: the row to start at */
    uint64_t child_first[WL_MAX_CHILDREN], child_n[WL_MAX_CHILDREN];
};

/* rows: each entity's row count at the start (copied). start_us: the simulated start (the rate
 * curve's daily and weekly shapes read it); duration_us: 0 for the workload's own. */
void wl_sched_init(struct wl_sched *s, const struct workload *w, const struct plan *p,
                   const uint64_t *rows, int pace, uint64_t max_ops, int64_t start_us,
                   int64_t duration_us);
/* The next task; 0 when the schedule has ended (max_ops, or the clock's duration). */
int wl_sched_next(struct wl_sched *s, struct wl_task *t);
/* Tasks due before simulated time `until` that next() has not handed out yet (for "missed"). */
uint64_t wl_sched_remaining(struct wl_sched *s, int64_t until);
void wl_sched_free(struct wl_sched *s);

/* ---------------------------------------------------------------- databases */

/* What went wrong with a statement, as the workload counts it. */
enum wl_class {
    WL_OK = 0,
    WL_CONFLICT,                   /* deadlock, serialization failure, lock timeout: retried */
    WL_CONSTRAINT,                 /* a key or constraint refused the change                 */
    WL_LOST,                       /* the connection is gone                                 */
    WL_MISSING,                    /* a table or column does not exist                       */
    WL_OTHER,
    WL_NCLASS
};

/* The first row of a result (the key, and a text column), and the rows a statement touched. */
struct wl_row {
    int64_t affected;              /* rows changed (DML) or returned (SELECT)               */
    int has;
    int64_t key;
    int key_null;
    char text[256];
    size_t text_len;
};

struct wl_conn;

/* One database's statements (sinks/wl_pgsql.c, sinks/wl_mysql.c). Every call but connect takes
 * a connection of its own thread. Statement ids are small numbers chosen by the caller. */
struct wl_driver {
    const char *name;              /* "postgres", "mysql": the sink's name                  */
    enum fount_dialect dialect;
    int (*connect)(const char *uri, const char *schema, struct wl_conn **out,
                   struct fount_err *err);
    /* Prepare statement id (SQL with $n (postgres) or ? (mysql) placeholders). */
    int (*prepare)(struct wl_conn *c, int id, const char *sql, int nparams,
                   struct fount_err *err);
    /* Run statement id. cols describe the params (their scale, digits); row may be NULL. */
    int (*exec)(struct wl_conn *c, int id, const struct fount_value *params,
                const struct fount_column *const *cols, int nparams, struct wl_row *row,
                struct fount_err *err);
    /* A statement without params (BEGIN, COMMIT, ROLLBACK, SELECT max(...)). */
    int (*simple)(struct wl_conn *c, const char *sql, struct wl_row *row, struct fount_err *err);
    void (*close)(struct wl_conn *c);
};

/* The driver for a sink type's name, or NULL when that sink has none. */
const struct wl_driver *workload_driver(const char *sink_name);

/* ---------------------------------------------------------------- a run */

struct workload_opts {
    const struct wl_driver *drv;
    const char *uri;
    const char *schema;            /* postgres: -o schema=NAME, or NULL                     */
    const char *label;             /* "postgres.0": in front of messages                    */
    int connections;               /* one worker thread each                                */
    int pace;                      /* 1: ops wait for their due time; 0: as fast as possible */
    double speed;                  /* simulated seconds per wall-clock second               */
    int64_t duration_us;           /* simulated; 0: the workload's own, else no bound       */
    uint64_t max_ops;              /* --events; 0: no bound                                 */
    int retries;                   /* resends of a transaction after a conflict             */
    int64_t reconnect_timeout_us;  /* a lost connection: how long to try opening it again;
                                    * 0: stop the run, as before reconnecting existed       */
    int progress;                  /* load.h's enum load_progress: none, a refreshed line on
                                    * a terminal, or a plain line every 10 s                */
};

#define WL_HIST_BUCKETS 1024

struct wl_txn_stats {
    uint64_t done, none, retries, in_doubt;
    uint64_t resent;               /* tried again on a new connection after losing one      */
    uint64_t errors[WL_NCLASS];
    uint64_t hist[WL_HIST_BUCKETS]; /* latency, log-linear in microseconds (workload.c)   */
    uint64_t max_us;
};

struct wl_rel_stats {
    uint64_t inserted, updated, deleted;
};

struct workload_result {
    struct wl_txn_stats txn[WL_MAX_TXNS];
    struct wl_rel_stats *rel;      /* per entity (plan index); caller frees                */
    struct wl_rel_stats *doubt;    /* per entity: the rows of the ops in doubt; caller frees */
    uint64_t missed;               /* due before the end, never started                    */
    uint64_t lost;                 /* connections lost                                     */
    uint64_t reconnects;           /* connections opened again after a loss                */
    double disconnected;           /* seconds during which at least one connection was down */
    double elapsed;                /* seconds                                               */
    double target_rate;            /* transactions per wall-clock second the curve asked for */
    int interrupted, fatal;
};

/* Connects, reads each table's key range, runs the workload, disconnects. Returns 0 when every
 * transaction went through (or found no row), 1 when some failed, -1 when the run could not
 * start or stopped (err says why; res holds what was counted). */
int workload_run(struct plan *p, const struct workload_opts *o, struct workload_result *res,
                 struct fount_err *err);
/* Latency percentile q (0..1) of a histogram, in microseconds. */
double workload_percentile(const struct wl_txn_stats *s, double q);
void workload_summary(const struct plan *p, const struct workload_result *res, FILE *out);

/* Bucket of a latency in microseconds, and the bucket's midpoint (exposed for tests). */
int workload_hist_bucket(uint64_t us);
double workload_hist_value(int bucket);

#endif
