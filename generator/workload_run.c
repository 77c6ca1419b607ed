/* workload_run.c: a workload run (workload.h): the statements of each transaction, the key ranges
 * read at the start, one connection and one thread per worker taking ops from the schedule in
 * order, waiting for each op's due time, and exact counts.
 *
 * NOTES ON THE RUN
 * 1. Every connection is opened and every statement prepared before the first op, so a missing
 *    table, a refused login or an unsupported statement stops the run before anything changed.
 * 2. An op counts as done once its COMMIT returned; rows are counted per table at that moment.
 *    A conflict (deadlock, serialization, lock timeout) rolls back and tries the same op again,
 *    up to --retries times. A constraint or other error rolls back and counts as failed; its
 *    first message per transaction and class is printed, the rest only counted.
 * 3. A lost connection stops the run (the server is gone, or going): the op in flight is
 *    counted failed, or "in doubt" when COMMIT was sent, and nothing more is started.
 * 4. The end: --events ops handed out, or the duration on the wall clock (duration / speed). An
 *    op due before the end that no worker could start by then is "missed". Ctrl-C stops handing
 *    out ops; each worker finishes the transaction it is in.
 * Leaves out: reconnecting, a progress line, per-second figures (issue 9's report). */
#include "workload.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "gen.h"
#include "plan.h"
#include "runner.h" /* fount_interrupted */

#define WL_STMTS_PER_TXN 32
#define WL_DEL_TARGET 31 /* the delete's own statement, after its dependents (1..16) */
#define WL_SQL_MAX ((size_t)1 << 20)

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

/* Prepares every statement on a worker's connection. */
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
        return -1;
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

/* One op, with retries after conflicts. Returns 0, or -1 when the run must stop. */
static int run_op(struct wl_worker *wk, const struct wl_task *tk, int64_t due)
{
    struct wl_shared *sh = wk->sh;
    const struct wl_driver *drv = sh->o->drv;
    const struct wl_txn *x = &sh->w->txns[tk->op.txn];
    struct wl_txn_stats *st = &wk->txn[tk->op.txn];
    int base = tk->op.txn * WL_STMTS_PER_TXN, attempt, cls = WL_OK, none = 0;
    struct fount_err err;
    size_t i;

    for (attempt = 0;; attempt++) {
        arena_reset(&wk->arena);
        memset(wk->pend, 0, sh->p->nents * sizeof *wk->pend);
        none = 0;
        cls = drv->simple(wk->conn, "START TRANSACTION", NULL, &err);
        if (!cls)
            cls = x->kind == WL_INSERT   ? run_insert(wk, x, base, tk, &err)
                  : x->kind == WL_UPDATE ? run_update(wk, x, base, tk, &none, &err)
                                         : run_delete(wk, x, base, tk, &none, &err);
        if (!cls) {
            cls = drv->simple(wk->conn, none ? "ROLLBACK" : "COMMIT", NULL, &err);
            if (cls == WL_LOST && !none) {
                st->in_doubt++;
                fatal(sh, "the connection was lost during COMMIT (the transaction is in doubt)");
                return -1;
            }
        } else if (cls != WL_LOST) {
            struct fount_err ignored;
            drv->simple(wk->conn, "ROLLBACK", NULL, &ignored);
        }
        if (cls != WL_CONFLICT || attempt >= sh->o->retries)
            break;
        st->retries++;
    }
    if (cls) {
        st->errors[cls]++;
        if (cls == WL_LOST || cls == WL_MISSING) {
            char m[sizeof err.msg + 64];
            snprintf(m, sizeof m, "%s: %s", cls == WL_LOST ? "lost the connection to the server"
                                                           : x->name, err.msg);
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
        st->done++;
        st->hist[workload_hist_bucket(us)]++;
        if (us > st->max_us)
            st->max_us = us;
    }
    for (i = 0; i < sh->p->nents; i++) {
        wk->rel[i].inserted += wk->pend[i].inserted;
        wk->rel[i].updated += wk->pend[i].updated;
        wk->rel[i].deleted += wk->pend[i].deleted;
    }
    return 0;
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
    return NULL;
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
    size_t i;
    int t, b, k;

    for (t = 0; t < ntxns; t++) {
        struct wl_txn_stats *d = &res->txn[t];
        const struct wl_txn_stats *s = &wk->txn[t];
        d->done += s->done;
        d->none += s->none;
        d->retries += s->retries;
        d->in_doubt += s->in_doubt;
        for (k = 0; k < WL_NCLASS; k++)
            d->errors[k] += s->errors[k];
        for (b = 0; b < WL_HIST_BUCKETS; b++)
            d->hist[b] += s->hist[b];
        if (s->max_us > d->max_us)
            d->max_us = s->max_us;
    }
    for (i = 0; i < nents; i++) {
        res->rel[i].inserted += wk->rel[i].inserted;
        res->rel[i].updated += wk->rel[i].updated;
        res->rel[i].deleted += wk->rel[i].deleted;
    }
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
    for (k = 0; k < started; k++)
        pthread_join(wk[k].th, NULL);
    res->elapsed = (double)(now_us() - sh.t0) / 1e6;
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
    }
    free(wk);
    free_stmts(&sh);
    wl_sched_free(&sh.sched);
    pthread_mutex_destroy(&sh.lock);
    return rc;
}
