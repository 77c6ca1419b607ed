/* workload_run.c: a workload run (workload.h): the statements of each transaction, the key ranges
 * read at the start, one connection and one thread per worker taking ops from the schedule in
 * order, waiting for each op's due time, connections opened again when lost, exact counts and
 * a progress line.
 *
 * NOTES ON THE RUN
 * 1. Every connection is opened and every statement prepared before the first op, so a missing
 *    table, a refused login or an unsupported statement stops the run before anything changed.
 * 2. An op counts as done once its COMMIT returned; rows are counted per table at that moment.
 *    A conflict (deadlock, serialization, lock timeout) rolls back and tries the same op again,
 *    up to --retries times. A constraint or other error rolls back and counts as failed; its
 *    first message per transaction and class is printed, the rest only counted.
 * 3. A lost connection (a restart, a failover, a killed session): the worker opens a new one
 *    with backoff (reconnect) for up to --reconnect-timeout, prepares its statements again and
 *    goes on; the other workers do not wait for it. Its op in flight:
 *    - lost before COMMIT was sent: the server rolled it back, it has not happened: tried again
 *      on the new connection (at most WL_LOST_TRIES connections, then failed "connection");
 *    - lost during COMMIT (settle): an insert is looked for by its new key, which only it can
 *      have made (keys continue after the largest, one workload per database): there, it is
 *      done; absent, it is tried again with the same keys, and should the old session commit it
 *      meanwhile, the retry waits on that key and gets a duplicate, which the key's presence
 *      turns into done. An update or delete cannot be told from another op's (another worker
 *      may take the row once ours rolled back): it is counted "in doubt", its rows apart. So no
 *      insert stays in doubt while the run goes on, and the rows updates and deletes find are
 *      always found, never assumed (workload.h, NOTES 2): the key ranges stay honest.
 *    Not back within the timeout (or --reconnect-timeout 0): the run stops with one line; the
 *    op is counted failed (or in doubt), nothing more is started, the counts so far are exact.
 * 4. The end: --events ops handed out, or the duration on the wall clock (duration / speed). An
 *    op due before the end that no worker could start by then is "missed". Ctrl-C stops handing
 *    out ops; each worker finishes the transaction it is in. An op handed out before the end
 *    whose connection is being opened again finishes after it (or fails at the timeout).
 * 5. The progress line (watch): the main thread sums the workers' live counters (relaxed
 *    atomics, one add per op) once a second on a terminal, every 10 s otherwise, as load.h's
 *    line does for a load; the summary's counts come from the per-worker stats merged at the end.
 * Leaves out: per-second figures (issue 9's report), settling an update or delete in doubt. */
#include "workload.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "gen.h"
#include "hist.h"
#include "load.h" /* enum load_progress */
#include "plan.h"
#include "runner.h" /* fount_interrupted */

#define WL_STMTS_PER_TXN 32
#define WL_CHECK 30      /* insert: does its new row exist (a COMMIT in doubt)          */
#define WL_DEL_TARGET 31 /* the delete's own statement, after its dependents (1..16) */
#define WL_SQL_MAX ((size_t)1 << 20)
#define WL_LOST_TRIES 10 /* connections an op may lose before it counts as failed      */
#define WL_BACKOFF_MIN_US 100000
#define WL_BACKOFF_MAX_US 5000000

struct wl_stmt {
    char *sql;
    int nparams;
};

struct wl_shared {
    struct plan *p;
    const struct workload *w;
    const struct workload_opts *o;
    struct wl_stmt *stmts;          /* WL_MAX_TXNS * WL_STMTS_PER_TXN                  */
    pthread_mutex_t lock;
    struct wl_sched sched;
    int stop;                       /* a fatal error: no new ops (under lock)          */
    struct fount_err fatal;         /* the first fatal error                           */
    unsigned char said[WL_MAX_TXNS][WL_NCLASS]; /* a message was printed (under lock) */
    int64_t t0;                     /* wall clock at the start (monotonic us)          */
    int64_t end;                    /* wall clock end (monotonic us), 0: none          */
    uint64_t late;                  /* handed out, due before the end, never started   */
    int finished;                   /* workers that returned (under lock)              */
    int down;                       /* connections being opened again (under lock)     */
    int64_t down_since, down_us;    /* since down became 1; the total time with down > 0 */
    uint64_t lost, reconnects;      /* under lock                                      */
};

/* What the progress line reads while a worker runs: written by the worker alone, read by the
 * main thread, both with relaxed atomics (counts only: no ordering is needed). */
struct wl_live {
    _Atomic uint64_t done, failed, doubt;
    _Atomic uint64_t hist[WL_HIST_BUCKETS];
};

struct wl_worker {
    struct wl_shared *sh;
    struct wl_conn *conn;
    pthread_t th;
    struct arena arena;
    struct fount_value *vals;       /* one row of the widest entity, plus params       */
    struct fount_value params[WL_MAX_SET + 4];
    const struct fount_column *pcols[256];
    struct wl_txn_stats *txn;       /* per transaction (merged at the end)             */
    struct wl_rel_stats *rel, *pend; /* per entity: committed, and in the open transaction */
    struct wl_rel_stats *doubt;     /* per entity: the rows of ops left in doubt       */
    struct wl_rel_stats *sent;      /* per entity: pend of a COMMIT whose answer was lost */
    struct wl_live *live;
    uint64_t jitter;                /* backoff jitter state (not a value: no seed)      */
};

static int64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---------------------------------------------------------------- statements */

static int ph(struct buf *b, enum fount_dialect d, int n)
{
    return d == DIALECT_POSTGRES ? buf_printf(b, "$%d", n) : buf_puts(b, "?");
}

static int ident(struct buf *b, enum fount_dialect d, const char *name)
{
    return sql_quote_ident(d, name, b);
}

static const char *pk_name(const struct entity *e)
{
    return e->fields[e->pk].name;
}

static int sql_insert(struct buf *b, enum fount_dialect d, const struct entity *e)
{
    size_t j;
    int bad = buf_puts(b, "INSERT INTO ") || ident(b, d, e->name) || buf_puts(b, " (");

    for (j = 0; j < e->nfields; j++)
        bad |= (j && buf_puts(b, ", ")) || ident(b, d, e->fields[j].name);
    bad |= buf_puts(b, ") VALUES (");
    for (j = 0; j < e->nfields; j++)
        bad |= (j && buf_puts(b, ", ")) || ph(b, d, (int)j + 1);
    return bad | buf_puts(b, ")");
}

/* The first row at or after a key, with the lifecycle's eligible states, locked; rows another
 * transaction holds are skipped rather than waited for. */
static int sql_find(struct buf *b, enum fount_dialect d, const struct wl_txn *t)
{
    const struct entity *e = t->entity;
    int bad = buf_puts(b, "SELECT ") || ident(b, d, pk_name(e)), i;

    if (t->state_field >= 0)
        bad |= buf_puts(b, ", ") || ident(b, d, e->fields[t->state_field].name);
    bad |= buf_puts(b, " FROM ") || ident(b, d, e->name) || buf_puts(b, " WHERE ") ||
           ident(b, d, pk_name(e)) || buf_puts(b, " >= ") || ph(b, d, 1);
    if (t->state_field >= 0) {
        bad |= buf_puts(b, " AND ") || ident(b, d, e->fields[t->state_field].name) ||
               buf_puts(b, " IN (");
        for (i = 0; i + 1 < t->nstates; i++)
            bad |= (i && buf_puts(b, ", ")) ||
                   sql_quote_string(d, t->states[i], strlen(t->states[i]), b);
        bad |= buf_puts(b, ")");
    }
    return bad | buf_puts(b, " ORDER BY ") || ident(b, d, pk_name(e)) ||
           buf_puts(b, " LIMIT 1 FOR UPDATE SKIP LOCKED");
}

static int sql_update(struct buf *b, enum fount_dialect d, const struct wl_txn *t, int *np)
{
    const struct entity *e = t->entity;
    int bad = buf_puts(b, "UPDATE ") || ident(b, d, e->name) || buf_puts(b, " SET "), i, n = 0;

    if (t->state_field >= 0)
        bad |= ident(b, d, e->fields[t->state_field].name) || buf_puts(b, " = ") ||
               ph(b, d, ++n);
    for (i = 0; i < t->nset; i++)
        bad |= (n && buf_puts(b, ", ")) || ident(b, d, e->fields[t->set[i]].name) ||
               buf_puts(b, " = ") || ph(b, d, ++n);
    bad |= buf_puts(b, " WHERE ") || ident(b, d, pk_name(e)) || buf_puts(b, " = ") ||
           ph(b, d, ++n);
    *np = n;
    return bad;
}

/* The rows of dep->via being deleted, as a condition on dep's table: its reference column equal
 * to the key, or in the referenced column of the parent step's rows. */
static int sql_dep_where(struct buf *b, enum fount_dialect d, const struct wl_txn *t,
                         const struct wl_dep *dep)
{
    const struct field *f = &dep->entity->fields[dep->field];
    const struct entity *up = dep->via ? dep->via->entity : t->entity;
    int bad = ident(b, d, f->name);

    if (!dep->via && f->target_field == t->entity->pk)
        return bad | buf_puts(b, " = ") || ph(b, d, 1);
    bad |= buf_puts(b, " IN (SELECT ") || ident(b, d, up->fields[f->target_field].name) ||
           buf_puts(b, " FROM ") || ident(b, d, up->name) || buf_puts(b, " WHERE ");
    if (dep->via)
        bad |= sql_dep_where(b, d, t, dep->via);
    else
        bad |= ident(b, d, pk_name(t->entity)) || buf_puts(b, " = ") || ph(b, d, 1);
    return bad | buf_puts(b, ")");
}

static void stmt_set(struct wl_shared *sh, int id, struct buf *b, int nparams)
{
    b->data[b->len] = '\0';
    sh->stmts[id].sql = xstrdup(b->data);
    sh->stmts[id].nparams = nparams;
}

static int build_stmts(struct wl_shared *sh, struct fount_err *err)
{
    enum fount_dialect d = sh->o->drv->dialect;
    struct buf b;
    int t, k, np, bad = 0;

    buf_init(&b, WL_SQL_MAX);
    sh->stmts = xcalloc((size_t)WL_MAX_TXNS * WL_STMTS_PER_TXN, sizeof *sh->stmts);
    for (t = 0; t < sh->w->ntxns && !bad; t++) {
        const struct wl_txn *x = &sh->w->txns[t];
        int base = t * WL_STMTS_PER_TXN;
        buf_reset(&b);
        switch (x->kind) {
        case WL_INSERT:
            bad |= sql_insert(&b, d, x->entity) || buf_reserve(&b, 1);
            if (!bad)
                stmt_set(sh, base, &b, (int)x->entity->nfields);
            for (k = 0; k < x->nchildren && !bad; k++) {
                buf_reset(&b);
                bad |= sql_insert(&b, d, x->children[k]) || buf_reserve(&b, 1);
                if (!bad)
                    stmt_set(sh, base + 1 + k, &b, (int)x->children[k]->nfields);
            }
            buf_reset(&b);
            bad |= buf_puts(&b, "SELECT ") || ident(&b, d, pk_name(x->entity)) ||
                   buf_puts(&b, " FROM ") || ident(&b, d, x->entity->name) ||
                   buf_puts(&b, " WHERE ") || ident(&b, d, pk_name(x->entity)) ||
                   buf_puts(&b, " = ") || ph(&b, d, 1) || buf_reserve(&b, 1);
            if (!bad)
                stmt_set(sh, base + WL_CHECK, &b, 1);
            break;
        case WL_UPDATE:
            bad |= sql_find(&b, d, x) || buf_reserve(&b, 1);
            if (!bad)
                stmt_set(sh, base, &b, 1);
            buf_reset(&b);
            bad |= sql_update(&b, d, x, &np) || buf_reserve(&b, 1);
            if (!bad)
                stmt_set(sh, base + 1, &b, np);
            break;
        case WL_DELETE:
            bad |= sql_find(&b, d, x) || buf_reserve(&b, 1);
            if (!bad)
                stmt_set(sh, base, &b, 1);
            for (k = 0; k < x->ndeps && !bad; k++) {
                buf_reset(&b);
                bad |= buf_puts(&b, "DELETE FROM ") || ident(&b, d, x->deps[k].entity->name) ||
                       buf_puts(&b, " WHERE ") || sql_dep_where(&b, d, x, &x->deps[k]) ||
                       buf_reserve(&b, 1);
                if (!bad)
                    stmt_set(sh, base + 1 + k, &b, 1);
            }
            buf_reset(&b);
            bad |= buf_puts(&b, "DELETE FROM ") || ident(&b, d, x->entity->name) ||
                   buf_puts(&b, " WHERE ") || ident(&b, d, pk_name(x->entity)) ||
                   buf_puts(&b, " = ") || ph(&b, d, 1) || buf_reserve(&b, 1);
            if (!bad)
                stmt_set(sh, base + WL_DEL_TARGET, &b, 1);
            break;
        }
    }
    buf_free(&b);
    if (bad)
        fount_err_set(err, "a statement is longer than %zu bytes", WL_SQL_MAX);
    return bad ? -1 : 0;
}

static void free_stmts(struct wl_shared *sh)
{
    int i;

    for (i = 0; sh->stmts && i < WL_MAX_TXNS * WL_STMTS_PER_TXN; i++)
        free(sh->stmts[i].sql);
    free(sh->stmts);
}

/* ---------------------------------------------------------------- the start */

static void mark(unsigned char *need, const struct entity *e)
{
    size_t j;

    if (need[e->index])
        return;
    need[e->index] = 1;
    for (j = 0; j < e->nfields; j++)
        if (e->fields[j].gen == GEN_REF && e->fields[j].target)
            mark(need, e->fields[j].target);
    if (e->parent)
        mark(need, e->parent);
}

/* Rows of each table the workload touches or refers to: the largest key's row + 1 for a
 * sequence key (rows deleted below it keep their numbers), else count(*). */
static int read_rows(struct wl_shared *sh, struct wl_conn *c, const unsigned char *need,
                     uint64_t *rows, struct fount_err *err)
{
    const struct wl_driver *drv = sh->o->drv;
    struct buf b, missing;
    size_t i, nmiss = 0;
    int rc = 0;

    buf_init(&b, 1 << 16);
    buf_init(&missing, 1 << 16);
    for (i = 0; i < sh->p->nents && !rc; i++) {
        const struct entity *e = &sh->p->ents[i];
        const struct field *k = e->pk >= 0 ? &e->fields[e->pk] : NULL;
        int seq = k && k->gen == GEN_SEQUENCE && !k->per_parent && k->step > 0;
        struct wl_row r;
        int cls;
        if (!need[i])
            continue;
        buf_reset(&b);
        buf_puts(&b, seq ? "SELECT max(" : "SELECT count(*)");
        if (seq)
            ident(&b, drv->dialect, k->name), buf_puts(&b, ")");
        buf_puts(&b, " FROM ");
        ident(&b, drv->dialect, e->name);
        buf_reserve(&b, 1);
        b.data[b.len] = '\0';
        cls = drv->simple(c, b.data, &r, err);
        if (cls == WL_MISSING) { /* listed together below */
            buf_printf(&missing, "%s%s", nmiss++ ? ", " : "", e->name);
        } else if (cls) {
            char m[sizeof err->msg];
            snprintf(m, sizeof m, "%s", err->msg);
            fount_err_set(err, "workload: reading %s: %s", e->name, m);
            rc = -1;
        } else if (!seq)
            rows[i] = r.has && !r.key_null && r.key > 0 ? (uint64_t)r.key : 0;
        else
            rows[i] = !r.has || r.key_null || r.key < k->imin
                          ? 0 : (uint64_t)((r.key - k->imin) / k->step) + 1;
    }
    if (!rc && nmiss) {
        buf_append(&missing, "", 1);
        fount_err_set(err, "workload: %s %s %s not exist (seed the database first: fount run %s "
                           "--to URI; or add --replace to seed it, then run the workload)",
                      nmiss > 1 ? "tables" : "table", missing.data, nmiss > 1 ? "do" : "does",
                      sh->p->path);
        rc = -1;
    }
    buf_free(&missing);
    buf_free(&b);
    return rc;
}

/* Prepares every statement on a worker's connection. Returns 0 or the class of the error. */
static int prepare_all(struct wl_shared *sh, struct wl_worker *wk, struct fount_err *err)
{
    int id, cls;

    for (id = 0; id < WL_MAX_TXNS * WL_STMTS_PER_TXN; id++) {
        char m[sizeof err->msg];
        if (!sh->stmts[id].sql)
            continue;
        cls = sh->o->drv->prepare(wk->conn, id, sh->stmts[id].sql, sh->stmts[id].nparams, err);
        if (!cls)
            continue;
        snprintf(m, sizeof m, "%s", err->msg);
        fount_err_set(err, "workload: %s: %s (preparing %s)",
                      sh->w->txns[id / WL_STMTS_PER_TXN].name, m, sh->stmts[id].sql);
        return cls;
    }
    return 0;
}

/* ---------------------------------------------------------------- transactions */

static int exec_stmt(struct wl_worker *wk, int id, const struct fount_value *params, int n,
                     struct wl_row *row, struct fount_err *err)
{
    return wk->sh->o->drv->exec(wk->conn, id, params, wk->pcols, n, row, err);
}

static int ins_row(struct wl_worker *wk, int id, const struct entity *e,
                   const struct rowpos *pos, struct fount_err *err)
{
    size_t j;

    gen_row(e, pos, wk->vals, &wk->arena);
    for (j = 0; j < e->nfields; j++)
        wk->pcols[j] = &e->cols[j];
    return exec_stmt(wk, id, wk->vals, (int)e->nfields, NULL, err);
}

static int run_insert(struct wl_worker *wk, const struct wl_txn *x, int base,
                      const struct wl_task *tk, struct fount_err *err)
{
    struct rowpos pos = {tk->row, 0, 0, 0, 0, NULL};
    int cls, k;
    uint64_t j;

    if ((cls = ins_row(wk, base, x->entity, &pos, err)))
        return cls;
    wk->pend[x->entity->index].inserted++;
    for (k = 0; k < x->nchildren; k++) {
        for (j = 0; j < tk->child_n[k]; j++) {
            struct rowpos cp = {tk->child_first[k] + j, tk->row, j, 0, 0, NULL};
            if ((cls = ins_row(wk, base + 1 + k, x->children[k], &cp, err)))
                return cls;
        }
        wk->pend[x->children[k]->index].inserted += tk->child_n[k];
    }
    return WL_OK;
}

/* The row to change: the first eligible one at or after the drawn key, else from the start. */
static int find_row(struct wl_worker *wk, const struct wl_txn *x, int base,
                    const struct wl_task *tk, struct wl_row *r, struct fount_err *err)
{
    const struct field *k = &x->entity->fields[x->entity->pk];
    struct fount_value key = {FV_INT, 0, {.i = k->imin + k->step * (int64_t)tk->row}};
    int cls;

    wk->pcols[0] = &x->entity->cols[x->entity->pk];
    if ((cls = exec_stmt(wk, base, &key, 1, r, err)) || r->has || tk->row == 0)
        return cls;
    key.v.i = k->imin;
    return exec_stmt(wk, base, &key, 1, r, err);
}

static int run_update(struct wl_worker *wk, const struct wl_txn *x, int base,
                      const struct wl_task *tk, int *none, struct fount_err *err)
{
    const struct entity *e = x->entity;
    struct wl_row r;
    int cls, n = 0, i;

    if ((cls = find_row(wk, x, base, tk, &r, err)))
        return cls;
    if (!r.has || r.key_null) {
        *none = 1;
        return WL_OK;
    }
    if (x->state_field >= 0) {
        int next = workload_next_state(x, workload_state_index(x, r.text, r.text_len));
        if (next < 0) { /* not eligible after all: the find's IN list says otherwise */
            *none = 1;
            return WL_OK;
        }
        wk->params[n].type = FV_STRING;
        wk->params[n].v.s = x->states[next];
        wk->params[n].len = (uint32_t)strlen(x->states[next]);
        wk->pcols[n++] = &e->cols[x->state_field];
    }
    for (i = 0; i < x->nset; i++) { /* drawn at a row of its own per op: a pure function */
        uint64_t vrow = (1ULL << 62) | (fount_mix64(x->value_key ^ tk->op.index) >> 2);
        gen_value_at(e, x->set[i], vrow, &wk->params[n], &wk->arena);
        wk->pcols[n++] = &e->cols[x->set[i]];
    }
    wk->params[n].type = FV_INT;
    wk->params[n].v.i = r.key;
    wk->pcols[n++] = &e->cols[e->pk];
    if ((cls = exec_stmt(wk, base + 1, wk->params, n, &r, err)))
        return cls;
    wk->pend[e->index].updated += (uint64_t)r.affected;
    return WL_OK;
}

static int run_delete(struct wl_worker *wk, const struct wl_txn *x, int base,
                      const struct wl_task *tk, int *none, struct fount_err *err)
{
    const struct entity *e = x->entity;
    struct fount_value key = {FV_INT, 0, {.i = 0}};
    struct wl_row r;
    int cls, k;

    if ((cls = find_row(wk, x, base, tk, &r, err)))
        return cls;
    if (!r.has || r.key_null) {
        *none = 1;
        return WL_OK;
    }
    key.v.i = r.key;
    wk->pcols[0] = &e->cols[e->pk];
    for (k = x->ndeps; k-- > 0;) { /* deepest first */
        if ((cls = exec_stmt(wk, base + 1 + k, &key, 1, &r, err)))
            return cls;
        wk->pend[x->deps[k].entity->index].deleted += (uint64_t)r.affected;
    }
    if ((cls = exec_stmt(wk, base + WL_DEL_TARGET, &key, 1, &r, err)))
        return cls;
    wk->pend[e->index].deleted += (uint64_t)r.affected;
    return WL_OK;
}

static void say(struct wl_worker *wk, int t, int cls, const char *msg)
{
    struct wl_shared *sh = wk->sh;
    int first;

    pthread_mutex_lock(&sh->lock);
    first = !sh->said[t][cls];
    sh->said[t][cls] = 1;
    pthread_mutex_unlock(&sh->lock);
    if (first)
        fprintf(stderr, "fount: %s: workload: %s: %s (further errors like it are only counted)\n",
                sh->o->label, sh->w->txns[t].name, msg);
}

static void fatal(struct wl_shared *sh, const char *msg)
{
    pthread_mutex_lock(&sh->lock);
    if (!sh->stop)
        fount_err_set(&sh->fatal, "workload: %s", msg);
    sh->stop = 1;
    pthread_mutex_unlock(&sh->lock);
}

/* Sleeps until the monotonic time t; 1 when Ctrl-C or a fatal error came first. */
static int wait_until(struct wl_shared *sh, int64_t t)
{
    for (;;) {
        int64_t left = t - now_us();
        struct timespec ts;
        int stop;
        pthread_mutex_lock(&sh->lock);
        stop = sh->stop;
        pthread_mutex_unlock(&sh->lock);
        if (fount_interrupted || stop)
            return 1;
        if (left <= 0)
            return 0;
        if (left > 50000) /* wake to look at Ctrl-C */
            left = 50000;
        ts.tv_sec = 0;
        ts.tv_nsec = (long)left * 1000;
        nanosleep(&ts, NULL);
    }
}

/* ---------------------------------------------------------------- reconnecting */

/* A connection goes down (d = 1) or comes back (d = -1, reconnected: it was opened again). The
 * time disconnected is the time with at least one connection down, not the sum over them. */
static void set_down(struct wl_shared *sh, int d, int reconnected)
{
    int64_t t = now_us();

    pthread_mutex_lock(&sh->lock);
    if (d > 0) {
        sh->lost++;
        if (sh->down++ == 0)
            sh->down_since = t;
    } else if (--sh->down == 0)
        sh->down_us += t - sh->down_since;
    sh->reconnects += reconnected != 0;
    pthread_mutex_unlock(&sh->lock);
}

/* The worker's connection was lost (why: the driver's message): opens a new one and prepares
 * the statements again, trying with backoff (100 ms doubling to 5 s, each wait drawn in its
 * upper half so that the connections do not knock in step) for up to --reconnect-timeout.
 * Returns 0, or -1 when the run must stop: the timeout or a statement that no longer prepares
 * (the run's fatal error is set), Ctrl-C, or another worker's fatal error. */
static int reconnect(struct wl_worker *wk, const char *why)
{
    struct wl_shared *sh = wk->sh;
    const struct workload_opts *o = sh->o;
    int64_t deadline = now_us() + o->reconnect_timeout_us, wait = WL_BACKOFF_MIN_US;
    char m[sizeof sh->fatal.msg + 128];
    struct fount_err err;
    int rc = -1, cls;

    if (o->reconnect_timeout_us <= 0) {
        pthread_mutex_lock(&sh->lock);
        sh->lost++;
        pthread_mutex_unlock(&sh->lock);
        snprintf(m, sizeof m, "lost the connection to the server: %s", why);
        fatal(sh, m);
        return -1;
    }
    o->drv->close(wk->conn);
    wk->conn = NULL;
    set_down(sh, 1, 0);
    fount_err_set(&err, "%s", why);
    for (;;) {
        int64_t d;
        wk->jitter = fount_mix64(wk->jitter + 0x9e3779b97f4a7c15ULL);
        d = wait / 2 + (int64_t)(wk->jitter % (uint64_t)(wait / 2 + 1));
        if (d > deadline - now_us())
            d = deadline - now_us();
        if (wait_until(sh, now_us() + d))
            break;
        wait = wait * 2 < WL_BACKOFF_MAX_US ? wait * 2 : WL_BACKOFF_MAX_US;
        if (o->drv->connect(o->uri, o->schema, &wk->conn, &err) == FOUNT_OK) {
            cls = prepare_all(sh, wk, &err);
            if (!cls) {
                rc = 0;
                break;
            }
            o->drv->close(wk->conn);
            wk->conn = NULL;
            if (cls != WL_LOST) { /* the server is back, but without a table or a column */
                fatal(sh, err.msg + (strncmp(err.msg, "workload: ", 10) ? 0 : 10));
                break;
            }
        }
        if (now_us() >= deadline) {
            snprintf(m, sizeof m, "lost the connection to the server and could not open it "
                                  "again within %.3g s (--reconnect-timeout): %s",
                     (double)o->reconnect_timeout_us / 1e6, err.msg);
            fatal(sh, m);
            break;
        }
    }
    set_down(sh, -1, rc == 0);
    return rc;
}

/* After a COMMIT in doubt, on a new connection: *yes = 1 when the insert's new row exists (the
 * COMMIT landed: the row is visible only once committed). Returns 0 or the class of the error. */
static int landed(struct wl_worker *wk, const struct wl_txn *x, int base,
                  const struct wl_task *tk, int *yes, struct fount_err *err)
{
    const struct wl_driver *drv = wk->sh->o->drv;
    const struct field *k = &x->entity->fields[x->entity->pk];
    struct fount_value key = {FV_INT, 0, {.i = k->imin + k->step * (int64_t)tk->row}};
    struct fount_err ignored;
    struct wl_row r;
    int cls;

    *yes = 0;
    wk->pcols[0] = &x->entity->cols[x->entity->pk];
    cls = drv->simple(wk->conn, "START TRANSACTION", NULL, err);
    if (!cls)
        cls = exec_stmt(wk, base + WL_CHECK, &key, 1, &r, err);
    if (!cls)
        *yes = r.has;
    if (cls != WL_LOST)
        drv->simple(wk->conn, "ROLLBACK", NULL, &ignored);
    return cls;
}

static void add_rel(struct wl_rel_stats *to, const struct wl_rel_stats *from, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        to[i].inserted += from[i].inserted;
        to[i].updated += from[i].updated;
        to[i].deleted += from[i].deleted;
    }
}

/* ---------------------------------------------------------------- one op */

/* One try of an op: its transaction and COMMIT (ROLLBACK when it found no row or failed).
 * *committing: the COMMIT was sent. */
static int try_op(struct wl_worker *wk, const struct wl_txn *x, const struct wl_task *tk,
                  int *none, int *committing, struct fount_err *err)
{
    const struct wl_driver *drv = wk->sh->o->drv;
    int base = tk->op.txn * WL_STMTS_PER_TXN, cls;

    arena_reset(&wk->arena);
    memset(wk->pend, 0, wk->sh->p->nents * sizeof *wk->pend);
    *none = *committing = 0;
    cls = drv->simple(wk->conn, "START TRANSACTION", NULL, err);
    if (!cls)
        cls = x->kind == WL_INSERT   ? run_insert(wk, x, base, tk, err)
              : x->kind == WL_UPDATE ? run_update(wk, x, base, tk, none, err)
                                     : run_delete(wk, x, base, tk, none, err);
    if (!cls) {
        *committing = !*none;
        cls = drv->simple(wk->conn, *none ? "ROLLBACK" : "COMMIT", NULL, err);
    } else if (cls != WL_LOST) {
        struct fount_err ignored;
        drv->simple(wk->conn, "ROLLBACK", NULL, &ignored);
    }
    return cls;
}

/* An op whose COMMIT may or may not have landed: counted apart, with the rows it changed. */
static void count_doubt(struct wl_worker *wk, const struct wl_task *tk)
{
    wk->txn[tk->op.txn].in_doubt++;
    atomic_fetch_add_explicit(&wk->live->doubt, 1, memory_order_relaxed);
    add_rel(wk->doubt, wk->sent, wk->sh->p->nents);
}

/* The outcome of a COMMIT whose answer was lost, on a new connection: 1 it landed, 0 it did not
 * (the op is tried again), -1 in doubt (counted; the worker goes on), -2 the run stops. */
static int settle(struct wl_worker *wk, const struct wl_txn *x, const struct wl_task *tk,
                  int *lost, struct fount_err *err)
{
    int cls = WL_LOST, yes = 0, stop = 0;

    memcpy(wk->sent, wk->pend, wk->sh->p->nents * sizeof *wk->pend);
    while (cls == WL_LOST && ++*lost <= WL_LOST_TRIES) {
        if ((stop = reconnect(wk, err->msg) != 0))
            break;
        if (x->kind != WL_INSERT) /* a row updated or gone: ours, or another op's? No telling */
            break;
        cls = landed(wk, x, tk->op.txn * WL_STMTS_PER_TXN, tk, &yes, err);
    }
    if (!stop && x->kind == WL_INSERT && cls == WL_OK)
        return yes;
    count_doubt(wk, tk);
    return stop ? -2 : -1;
}

/* One op, with retries after conflicts, and on a new connection after a lost one. Returns 0,
 * or -1 when the run must stop. */
static int run_op(struct wl_worker *wk, const struct wl_task *tk, int64_t due)
{
    struct wl_shared *sh = wk->sh;
    const struct wl_txn *x = &sh->w->txns[tk->op.txn];
    struct wl_txn_stats *st = &wk->txn[tk->op.txn];
    int attempt = 0, lost = 0, doubt = 0, cls, none, committing, yes;
    struct fount_err err;

    for (;;) {
        cls = try_op(wk, x, tk, &none, &committing, &err);
        if (cls == WL_LOST && none) { /* nothing to commit: the op found no row */
            st->none++;
            return reconnect(wk, err.msg);
        }
        if (cls == WL_LOST && committing) {
            int r = settle(wk, x, tk, &lost, &err);
            if (r == 1) { /* it landed: done, with the rows of the try that committed */
                memcpy(wk->pend, wk->sent, sh->p->nents * sizeof *wk->pend);
                cls = WL_OK;
                break;
            }
            if (r < 0)
                return r == -1 ? 0 : -1;
            doubt = 1; /* it did not land: try again (a key already taken says it did after all) */
            st->resent++;
            continue;
        }
        if (cls == WL_LOST) { /* before COMMIT: the server rolled it back; try again */
            if (reconnect(wk, err.msg)) {
                st->errors[WL_LOST]++;
                atomic_fetch_add_explicit(&wk->live->failed, 1, memory_order_relaxed);
                return -1;
            }
            if (++lost <= WL_LOST_TRIES) {
                st->resent++;
                continue;
            }
        }
        /* an insert whose COMMIT was in doubt and did not show: the old session may have been
         * finishing it; a key now taken means it landed (the retry waited for it) */
        if (cls == WL_CONSTRAINT && doubt) {
            struct fount_err e2;
            int c2 = landed(wk, x, tk->op.txn * WL_STMTS_PER_TXN, tk, &yes, &e2);
            if (c2 == WL_OK && yes) {
                memcpy(wk->pend, wk->sent, sh->p->nents * sizeof *wk->pend);
                cls = WL_OK;
                break;
            }
            if (c2 != WL_OK) { /* no telling now */
                count_doubt(wk, tk);
                return c2 == WL_LOST ? reconnect(wk, e2.msg) : 0;
            }
        }
        if (cls != WL_CONFLICT || attempt >= sh->o->retries)
            break;
        attempt++;
        st->retries++;
    }
    if (cls) {
        st->errors[cls]++;
        atomic_fetch_add_explicit(&wk->live->failed, 1, memory_order_relaxed);
        if (cls == WL_MISSING) {
            char m[sizeof err.msg + 64];
            snprintf(m, sizeof m, "%s: %s", x->name, err.msg);
            fatal(sh, m);
            return -1;
        }
        say(wk, tk->op.txn, cls, err.msg);
        return 0;
    }
    if (none) {
        st->none++;
        return 0;
    }
    {
        uint64_t us = (uint64_t)(now_us() - due);
        int b = workload_hist_bucket(us);
        st->done++;
        st->hist[b]++;
        if (us > st->max_us)
            st->max_us = us;
        atomic_fetch_add_explicit(&wk->live->done, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&wk->live->hist[b], 1, memory_order_relaxed);
    }
    add_rel(wk->rel, wk->pend, sh->p->nents);
    return 0;
}

static void *worker(void *arg)
{
    struct wl_worker *wk = arg;
    struct wl_shared *sh = wk->sh;
    double speed = sh->o->speed > 0 ? sh->o->speed : 1;
    struct wl_task tk;

    while (!fount_interrupted) {
        int r;
        int64_t due;
        pthread_mutex_lock(&sh->lock);
        r = sh->stop ? 0 : wl_sched_next(&sh->sched, &tk);
        pthread_mutex_unlock(&sh->lock);
        if (r == 0)
            break;
        due = sh->o->pace ? sh->t0 + (int64_t)((double)tk.due_us / speed) : now_us();
        if (r < 0) { /* nothing due for a while: wait for the next window */
            if ((sh->end && due >= sh->end) || wait_until(sh, due))
                break;
            continue;
        }
        if (sh->o->pace && wait_until(sh, due))
            break;
        if (sh->end && now_us() >= sh->end) {
            pthread_mutex_lock(&sh->lock);
            sh->late += sh->o->pace != 0;
            pthread_mutex_unlock(&sh->lock);
            break;
        }
        if (run_op(wk, &tk, due))
            break;
    }
    pthread_mutex_lock(&sh->lock);
    sh->finished++;
    pthread_mutex_unlock(&sh->lock);
    return NULL;
}

/* ---------------------------------------------------------------- the progress line */

/* Drawn by the main thread while the workers run: the workers' live counters summed, the rate
 * and the p99 of the interval since the last line. */
struct wl_progress {
    int64_t last;                   /* when the last line was drawn (monotonic us)     */
    uint64_t done0;                 /* done by then                                    */
    uint64_t hist0[WL_HIST_BUCKETS]; /* the latencies by then                          */
    struct wl_txn_stats ival;       /* the interval's latencies                        */
};

static void progress_line(struct wl_progress *pg, struct wl_shared *sh,
                          const struct wl_worker *wk, int n, int64_t t)
{
    const struct stream *c = &sh->sched.clock;
    double speed = sh->o->speed > 0 ? sh->o->speed : 1, dt = (double)(t - pg->last) / 1e6;
    uint64_t done = 0, failed = 0, doubt = 0, lat = 0, reconnects;
    int down, b, k;
    char line[512], v[32];
    size_t len = 0;

    for (k = 0; k < n; k++) {
        done += atomic_load_explicit(&wk[k].live->done, memory_order_relaxed);
        failed += atomic_load_explicit(&wk[k].live->failed, memory_order_relaxed);
        doubt += atomic_load_explicit(&wk[k].live->doubt, memory_order_relaxed);
    }
    for (b = 0; b < WL_HIST_BUCKETS; b++) {
        uint64_t h = 0;
        for (k = 0; k < n; k++)
            h += atomic_load_explicit(&wk[k].live->hist[b], memory_order_relaxed);
        pg->ival.hist[b] = h - pg->hist0[b];
        lat += pg->ival.hist[b];
        pg->hist0[b] = h;
    }
    pg->ival.max_us = UINT64_MAX;
    pthread_mutex_lock(&sh->lock);
    down = sh->down;
    reconnects = sh->reconnects;
    pthread_mutex_unlock(&sh->lock);
    len += (size_t)snprintf(line + len, sizeof line - len, "fount: %.0fs  %llu done  %.0f/s",
                            (double)(t - sh->t0) / 1e6, (unsigned long long)done,
                            dt > 0 ? (double)(done - pg->done0) / dt : 0.0);
    if (sh->o->pace)
        len += (size_t)snprintf(line + len, sizeof line - len, " of %.0f/s target",
                                speed * rate_at(&c->rate, c->start_us, c->start_us +
                                                (int64_t)((double)(t - sh->t0) * speed)));
    len += (size_t)snprintf(line + len, sizeof line - len, "  %llu failed  %llu in doubt",
                            (unsigned long long)failed, (unsigned long long)doubt);
    if (down)
        len += (size_t)snprintf(line + len, sizeof line - len, "  reconnecting %d of %d",
                                down, n);
    else if (reconnects)
        len += (size_t)snprintf(line + len, sizeof line - len, "  %llu reconnected",
                                (unsigned long long)reconnects);
    if (lat && len < sizeof line) {
        hist_fmt_ns(v, sizeof v, (uint64_t)(workload_percentile(&pg->ival, 0.99) * 1000));
        snprintf(line + len, sizeof line - len, "  p99 %s", v);
    }
    fprintf(stderr, "%s%s%s", sh->o->progress == LOAD_PROGRESS_TTY ? "\r\033[K" : "", line,
            sh->o->progress == LOAD_PROGRESS_TTY ? "" : "\n");
    fflush(stderr);
    pg->last = t;
    pg->done0 = done;
}

/* The main thread while the workers run: a line every second on a terminal, every 10 s
 * otherwise; returns when every worker has. */
static void watch(struct wl_shared *sh, const struct wl_worker *wk, int n, int started)
{
    struct wl_progress *pg = xcalloc(1, sizeof *pg);
    int64_t every = sh->o->progress == LOAD_PROGRESS_TTY ? 1000000 : LOAD_PLAIN_EVERY_S * 1000000;

    pg->last = sh->t0;
    for (;;) {
        struct timespec ts = {0, 100 * 1000000L};
        int fin;
        int64_t t;
        pthread_mutex_lock(&sh->lock);
        fin = sh->finished;
        pthread_mutex_unlock(&sh->lock);
        if (fin >= started)
            break;
        t = now_us();
        if (t - pg->last >= every)
            progress_line(pg, sh, wk, n, t);
        nanosleep(&ts, NULL);
    }
    if (sh->o->progress == LOAD_PROGRESS_TTY)
        fprintf(stderr, "\r\033[K");
    free(pg);
}

/* ---------------------------------------------------------------- a run */

static double target_rate(const struct wl_sched *s, double elapsed, double speed)
{
    const struct stream *c = &s->clock;
    int64_t sim = (int64_t)(elapsed * speed * 1e6), t;
    double n = 0;

    if (elapsed <= 0)
        return 0;
    for (t = 0; t < sim; t += c->window_us)
        n += rate_integral(&c->rate, c->start_us, c->start_us + t,
                           c->start_us + (t + c->window_us < sim ? t + c->window_us : sim));
    return n / elapsed;
}

static void merge(struct workload_result *res, const struct wl_worker *wk, int ntxns, size_t nents)
{
    int t, b, k;

    for (t = 0; t < ntxns; t++) {
        struct wl_txn_stats *d = &res->txn[t];
        const struct wl_txn_stats *s = &wk->txn[t];
        d->done += s->done;
        d->none += s->none;
        d->retries += s->retries;
        d->in_doubt += s->in_doubt;
        d->resent += s->resent;
        for (k = 0; k < WL_NCLASS; k++)
            d->errors[k] += s->errors[k];
        for (b = 0; b < WL_HIST_BUCKETS; b++)
            d->hist[b] += s->hist[b];
        if (s->max_us > d->max_us)
            d->max_us = s->max_us;
    }
    add_rel(res->rel, wk->rel, nents);
    add_rel(res->doubt, wk->doubt, nents);
}

/* Which tables to read, the plan prepared on their rows, and the schedule. */
static int start(struct wl_shared *sh, struct wl_conn *c, struct fount_err *err)
{
    struct plan *p = sh->p;
    unsigned char *need = xcalloc(p->nents + 1, 1);
    uint64_t *rows = xcalloc(p->nents + 1, sizeof *rows);
    int *only = xcalloc(p->nents + 1, sizeof *only), t, k, rc = -1;
    size_t i, nonly = 0;
    struct timespec ts;

    for (t = 0; t < sh->w->ntxns; t++) {
        const struct wl_txn *x = &sh->w->txns[t];
        mark(need, x->entity);
        for (k = 0; k < x->nchildren; k++)
            mark(need, x->children[k]);
        for (k = 0; k < x->ndeps; k++)
            mark(need, x->deps[k].entity);
    }
    if (read_rows(sh, c, need, rows, err))
        goto out;
    for (i = 0; i < p->nents; i++)
        if (need[i])
            only[nonly++] = (int)i;
    plan_select(p, only, nonly);
    if (plan_prepare(p, 0, 1, rows, err))
        goto out;
    clock_gettime(CLOCK_REALTIME, &ts);
    wl_sched_init(&sh->sched, sh->w, p, rows, sh->o->pace, sh->o->max_ops,
                  (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000, sh->o->duration_us);
    rc = 0;
out:
    free(need);
    free(rows);
    free(only);
    return rc;
}

int workload_run(struct plan *p, const struct workload_opts *o, struct workload_result *res,
                 struct fount_err *err)
{
    struct wl_shared sh;
    struct wl_worker *wk;
    size_t maxf = 1, i;
    int n = o->connections > 0 ? o->connections : 1, k, rc = -1, started = 0;
    double speed = o->speed > 0 ? o->speed : 1;
    int64_t dur;

    memset(res, 0, sizeof *res);
    memset(&sh, 0, sizeof sh);
    res->rel = xcalloc(p->nents + 1, sizeof *res->rel);
    res->doubt = xcalloc(p->nents + 1, sizeof *res->doubt);
    sh.p = p;
    sh.w = p->workload;
    sh.o = o;
    pthread_mutex_init(&sh.lock, NULL);
    for (i = 0; i < p->nents; i++)
        maxf = p->ents[i].nfields > maxf ? p->ents[i].nfields : maxf;
    wk = xcalloc((size_t)n, sizeof *wk);
    if (build_stmts(&sh, err))
        goto out;
    for (k = 0; k < n; k++) {
        wk[k].sh = &sh;
        arena_init(&wk[k].arena, 64 * 1024);
        wk[k].vals = xcalloc(maxf, sizeof *wk[k].vals);
        wk[k].txn = xcalloc(WL_MAX_TXNS, sizeof *wk[k].txn);
        wk[k].rel = xcalloc(p->nents + 1, sizeof *wk[k].rel);
        wk[k].pend = xcalloc(p->nents + 1, sizeof *wk[k].pend);
        wk[k].doubt = xcalloc(p->nents + 1, sizeof *wk[k].doubt);
        wk[k].sent = xcalloc(p->nents + 1, sizeof *wk[k].sent);
        wk[k].live = xcalloc(1, sizeof *wk[k].live);
        wk[k].jitter = fount_mix64((uint64_t)now_us() ^ (uint64_t)k);
        /* the first connection reads the tables before the others open (a missing table
         * is reported once, before N logins) */
        if (o->drv->connect(o->uri, o->schema, &wk[k].conn, err) != FOUNT_OK ||
            (k == 0 && start(&sh, wk[0].conn, err)) || prepare_all(&sh, &wk[k], err))
            goto out;
    }
    dur = o->duration_us > 0 ? o->duration_us : sh.w->clock.duration_us;
    sh.t0 = now_us();
    sh.end = dur > 0 ? sh.t0 + (int64_t)((double)dur / (o->pace ? speed : 1)) : 0;
    for (k = 0; k < n; k++)
        if (pthread_create(&wk[k].th, NULL, worker, &wk[k]) == 0)
            started++;
    if (o->progress != LOAD_PROGRESS_NONE)
        watch(&sh, wk, n, started);
    for (k = 0; k < started; k++)
        pthread_join(wk[k].th, NULL);
    res->elapsed = (double)(now_us() - sh.t0) / 1e6;
    res->lost = sh.lost;
    res->reconnects = sh.reconnects;
    res->disconnected = (double)sh.down_us / 1e6;
    res->interrupted = fount_interrupted != 0;
    for (k = 0; k < n; k++)
        merge(res, &wk[k], sh.w->ntxns, p->nents);
    if (o->pace && !res->interrupted && !sh.stop) {
        res->missed = sh.late + wl_sched_remaining(&sh.sched, dur > 0 ? dur : 0);
        res->target_rate = target_rate(&sh.sched, res->elapsed, speed);
    }
    if (sh.stop) {
        *err = sh.fatal;
        res->fatal = 1;
        goto out;
    }
    rc = 0;
    for (k = 0; k < sh.w->ntxns; k++)
        for (i = 1; i < WL_NCLASS; i++)
            rc |= res->txn[k].errors[i] != 0;
out:
    for (k = 0; k < n; k++) {
        o->drv->close(wk[k].conn);
        arena_free(&wk[k].arena);
        free(wk[k].vals);
        free(wk[k].txn);
        free(wk[k].rel);
        free(wk[k].pend);
        free(wk[k].doubt);
        free(wk[k].sent);
        free(wk[k].live);
    }
    free(wk);
    free_stmts(&sh);
    wl_sched_free(&sh.sched);
    pthread_mutex_destroy(&sh.lock);
    return rc;
}
