/* sqlite.c: the SQLite sink, fount's embedded default (`sqlite:shop.db`, or any path ending in
 * .db, .sqlite or .sqlite3). Creates the run's tables from the profile (schema_create_table),
 * binds values natively into prepared multi-row INSERTs, one transaction per batch, and creates
 * the secondary indexes after each table is loaded. Pragmas favour bulk loading but stay safe
 * against a killed process; docs/sinks/sqlite.md explains each one.
 * Leaves out: updates and deletes (CDC), concurrent writers, attached databases, VACUUM/ANALYZE.
 *
 * NOTES ON THE DESIGN
 * 1. open() only reads. It connects, checks that the file is a writable database, that none of
 *    the run's tables exists (unless --replace or --append), and remembers the journal mode to
 *    restore. Pragmas that write (journal_mode), the --replace drops and every CREATE happen in
 *    the first begin(), so a refused run leaves the file byte for byte as it was. A database
 *    file that open() created is removed again by close() when no table was ever created in it.
 * 2. Transactions hold whole batches: a batch goes into the open transaction, which commits once
 *    txn_rows rows are in it, at the end of every relation (before its indexes), and at flush.
 *    So after Ctrl-C (the runner calls end and flush) the database holds exactly the rows the
 *    summary counts; after SIGKILL it holds a prefix of whole batches. Per-batch commits would
 *    cost up to 2x on tables with a random unique key (each commit rewrites every index page it
 *    touched; docs/sinks/sqlite.md has the figures). On a failure *accepted is exact: rows
 *    before a constraint failure stay (ERROR), a busy database keeps what went in (RETRY). Only
 *    an I/O failure (disk full) can take the open transaction down with rows the runner already
 *    counted; the FATAL message then says which (txn_rows=1 closes that gap: a commit per batch).
 * 3. Values are bound natively from the batch (SQLITE_STATIC: the batch outlives the statement's
 *    step); only timestamps, dates and uuids are formatted, into a scratch buffer sized at begin().
 *    No allocation and no snprintf per row.
 * 4. Rows go in through a K-row INSERT (K = stmt_rows, capped so K * ncols host parameters fit),
 *    the rows left over through a 1-row INSERT. A constraint failure in a K-row statement is
 *    located by replaying those K rows one by one, so the message names the exact row.
 * 5. Error classes: BUSY/LOCKED -> RETRY; FULL, IOERR, READONLY, CANTOPEN, CORRUPT, NOTADB, NOMEM,
 *    PERM -> FATAL ("shop.db: database or disk is full"); CONSTRAINT and the rest -> ERROR. */
#include "sink.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define SQLITE_MAX_PARAMS 32766   /* host parameters per statement we allow ourselves */
#define SCRATCH_PER_VALUE 40      /* >= FMT_TS_MAX, FMT_DATE_MAX, FMT_UUID_MAX */

struct sqlite_sink {
    /* options (sink_set_opts fills them before open) */
    long long stmt_rows;        /* rows per multi-row INSERT                          */
    long long txn_rows;         /* commit once this many rows are in the transaction   */
    char *journal_mode;         /* journal mode during the load                        */
    size_t cache_size;          /* page cache in bytes                                 */
    int exclusive;              /* locking_mode=EXCLUSIVE during the run               */
    int64_t busy_timeout;       /* microseconds SQLite itself waits on a lock          */
    int indexes;                /* create the profile's secondary indexes              */

    const struct sink_args *a;
    const char *path;           /* a->target                                           */
    sqlite3 *db;
    int created;                /* open() created the file                             */
    int made_table;             /* at least one CREATE TABLE succeeded                 */
    int setup_done;             /* the load pragmas and --replace drops are done       */
    int flushed;
    int durable;
    char orig_journal[16];      /* the database's journal mode before the run          */
    unsigned char *exists;      /* per a->rels[i]: the table existed at open()          */

    /* the relation being loaded (between begin and end) */
    const struct fount_relation *rel;
    sqlite3_stmt *ins_k, *ins_1, *st_begin, *st_commit;
    size_t k;                   /* rows per ins_k                                      */
    int in_txn;                 /* a transaction is open (only between begin and end)  */
    uint64_t pending;           /* rows in it that the runner counts as delivered      */
    uint64_t pending_first;     /* the first of them                                   */
    int64_t *pow10;             /* per column: 10^scale for FV_DECIMAL                 */
    char *scratch;              /* formatted timestamps, dates, uuids of one statement */
};

static int commit_now(struct sqlite_sink *s, struct fount_err *err);

#define OFF(f) offsetof(struct sqlite_sink, f)
static const struct fount_opt sqlite_opts[] = {
    {"stmt_rows", OPT_INT, "64", OFF(stmt_rows),
     "rows per multi-row INSERT statement (capped so rows * columns <= 32766)"},
    {"txn_rows", OPT_INT, "65536", OFF(txn_rows),
     "commit once this many rows are in the transaction (1: every batch; always at the end of a "
     "table)"},
    {"journal_mode", OPT_STR, "wal", OFF(journal_mode),
     "journal mode during the load: wal, truncate, persist or delete (restored afterwards)"},
    {"cache_size", OPT_SIZE, "64MiB", OFF(cache_size), "SQLite page cache during the load"},
    {"exclusive", OPT_BOOL, "true", OFF(exclusive),
     "hold the database lock for the whole run (locking_mode=EXCLUSIVE)"},
    {"busy_timeout", OPT_DURATION, "0s", OFF(busy_timeout),
     "how long SQLite waits for another connection's lock before the runner retries"},
    {"indexes", OPT_BOOL, "true", OFF(indexes),
     "create the profile's secondary indexes after loading each table"},
    {0},
};
#undef OFF

/* ---------------------------------------------------------------- errors */

/* SQLite's message, plus the OS error when SQLite has one (CANTOPEN says nothing on its own). */
static void db_err(struct sqlite_sink *s, struct fount_err *err, const char *what)
{
    int rc = s->db ? sqlite3_extended_errcode(s->db) : SQLITE_CANTOPEN;
    int sys = s->db ? sqlite3_system_errno(s->db) : 0;
    const char *msg = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);

    if (!err)
        return;
    if ((rc & 0xff) == SQLITE_CANTOPEN && sys)
        fount_err_set(err, "%s: %s%s%s (%s)", s->path, what ? what : "", what ? ": " : "", msg,
                      strerror(sys));
    else
        fount_err_set(err, "%s: %s%s%s", s->path, what ? what : "", what ? ": " : "", msg);
}

/* The FOUNT_* class of an SQLite result code (note 5). */
static int classify(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return FOUNT_OK;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return FOUNT_RETRY;
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_NOMEM:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        return FOUNT_FATAL;
    default:
        return FOUNT_ERROR;
    }
}

static int exec(struct sqlite_sink *s, const char *sql, struct fount_err *err, const char *what)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

    if (rc == SQLITE_OK)
        return FOUNT_OK;
    db_err(s, err, what);
    return classify(rc) == FOUNT_OK ? FOUNT_ERROR : classify(rc);
}

/* Setup statements (open, begin, end, flush) cannot be retried by the runner: any failure there
 * stops the run. */
static int exec_fatal(struct sqlite_sink *s, const char *sql, struct fount_err *err,
                      const char *what)
{
    return exec(s, sql, err, what) ? FOUNT_FATAL : FOUNT_OK;
}

/* ---------------------------------------------------------------- schema lookups */

/* 1 when the main database has a table (or view) of that name (SQLite names ignore case), 0 when
 * not, -1 on error. */
static int table_exists(struct sqlite_sink *s, const char *name, struct fount_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc, found = -1;

    rc = sqlite3_prepare_v2(s->db, "SELECT 1 FROM main.sqlite_schema WHERE type IN "
                                   "('table','view') AND name = ?1 COLLATE NOCASE", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW || rc == SQLITE_DONE)
            found = rc == SQLITE_ROW;
    }
    if (found < 0)
        db_err(s, err, NULL);
    sqlite3_finalize(st);
    return found;
}

/* --append into an existing table: every column fount writes must be there. 0, or -1 with a
 * message naming the first one missing. */
static int check_columns(struct sqlite_sink *s, const struct fount_relation *rel,
                         struct fount_err *err)
{
    sqlite3_stmt *st = NULL;
    size_t j;
    int rc = sqlite3_prepare_v2(s->db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2 "
                                       "COLLATE NOCASE", -1, &st, NULL);

    for (j = 0; rc == SQLITE_OK && j < rel->ncols; j++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, rel->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, rel->cols[j].name, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) {
            fount_err_set(err, "%s: table %s has no column %s, so it was not made from this "
                               "profile (use --replace to drop and recreate it)", s->path,
                          rel->name, rel->cols[j].name);
            sqlite3_finalize(st);
            return -1;
        }
        if (rc == SQLITE_ROW)
            rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK)
        db_err(s, err, NULL);
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : -1;
}

/* One row, one text column: PRAGMA journal_mode and the like. */
static int query_text(struct sqlite_sink *s, const char *sql, char *out, size_t n,
                      struct fount_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(out, n, "%s", t ? (const char *)t : "");
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK)
        db_err(s, err, NULL);
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : -1;
}

/* ---------------------------------------------------------------- open */

static int valid_journal_mode(const char *m)
{
    static const char *const ok[] = {"wal", "truncate", "persist", "delete"};
    size_t i;

    for (i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strcasecmp(m, ok[i]) == 0)
            return 1;
    return 0;
}

/* The refusal to clobber: names the run's tables that exist. */
static void refuse(struct sqlite_sink *s, struct fount_err *err)
{
    char list[300];
    size_t i, w = 0, n = 0;

    list[0] = '\0';
    for (i = 0; i < s->a->nrels; i++)
        if (s->exists[i]) {
            if (w < sizeof list)
                w += (size_t)snprintf(list + w, sizeof list - w, "%s%s", n ? ", " : "",
                                      s->a->rels[i]->name);
            n++;
        }
    fount_err_set(err, "%s already has %s %s (use --replace to drop and recreate fount's tables, "
                       "or --append to add rows after them)", s->path, n > 1 ? "tables" : "table",
                  list);
}

/* 0 when a new file can be made beside path (its directory is writable), else -1 with why. */
static int dir_writable(const char *path, struct fount_err *err)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];

    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (access(dir, W_OK | X_OK) == 0)
        return 0;
    fount_err_set(err, "cannot create %s: %s", path, strerror(errno));
    return -1;
}

static int sqlite_open(void *ctx, const struct sink_args *a, struct fount_err *err)
{
    struct sqlite_sink *s = ctx;
    struct stat st;
    size_t i, n = 0;
    int rc, flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

    s->a = a;
    s->path = a->target;
    s->durable = a->durable;
    if (!*s->path || strcmp(s->path, ":memory:") == 0 || strcmp(s->path, "-") == 0) {
        fount_err_set(err, "the sqlite sink needs a database file, e.g. --to sqlite:shop.db");
        return FOUNT_FATAL;
    }
    if (!valid_journal_mode(s->journal_mode)) {
        fount_err_set(err, "option journal_mode: expected wal, truncate, persist or delete, got "
                           "\"%s\" (off and memory would let a crash corrupt the database)",
                      s->journal_mode);
        return FOUNT_FATAL;
    }
    if (s->txn_rows < 1) {
        fount_err_set(err, "option txn_rows: expected 1 or more, got %lld", s->txn_rows);
        return FOUNT_FATAL;
    }
    if (s->stmt_rows < 1 || s->stmt_rows > SQLITE_MAX_PARAMS) {
        fount_err_set(err, "option stmt_rows: expected 1 to %d, got %lld", SQLITE_MAX_PARAMS,
                      s->stmt_rows);
        return FOUNT_FATAL;
    }
    if (stat(s->path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            fount_err_set(err, "%s is a directory, not a database file", s->path);
            return FOUNT_FATAL;
        }
    } else {
        flags |= SQLITE_OPEN_CREATE;
        s->created = errno == ENOENT;
        /* SQLite reports a read-only directory as ENOENT (its read-only retry): say why. */
        if (s->created && dir_writable(s->path, err))
            return FOUNT_FATAL;
    }
    rc = sqlite3_open_v2(s->path, &s->db, flags, NULL);
    if (rc != SQLITE_OK) {
        db_err(s, err, NULL);
        return FOUNT_FATAL;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, (int)(s->busy_timeout / 1000 > INT_MAX ? INT_MAX
                                                                     : s->busy_timeout / 1000));
    if (sqlite3_db_readonly(s->db, "main") == 1) {
        int e = access(s->path, W_OK) ? errno : 0;
        fount_err_set(err, "%s: %s%s%s%s", s->path, sqlite3_errstr(SQLITE_READONLY),
                      e ? " (" : "", e ? strerror(e) : "", e ? ")" : "");
        return FOUNT_FATAL;
    }
    /* No I/O yet: locking_mode applies from the first read below, which then keeps a shared lock
     * so that no other writer can create our tables between this check and begin(). */
    if (s->exclusive && exec_fatal(s, "PRAGMA locking_mode=EXCLUSIVE", err, NULL))
        return FOUNT_FATAL;
    if (query_text(s, "PRAGMA main.journal_mode", s->orig_journal, sizeof s->orig_journal, err))
        return FOUNT_FATAL;
    s->exists = xcalloc(a->nrels + 1, 1);
    for (i = 0; i < a->nrels; i++) {
        int e = table_exists(s, a->rels[i]->name, err);
        if (e < 0)
            return FOUNT_FATAL;
        s->exists[i] = (unsigned char)e;
        n += (size_t)e;
        if (e && a->append && !a->replace && check_columns(s, a->rels[i], err))
            return FOUNT_FATAL;
    }
    if (n && !a->replace && !a->append) {
        refuse(s, err);
        return FOUNT_FATAL;
    }
    return FOUNT_OK;
}

static int sqlite_existing_rows(void *ctx, const struct fount_relation *rel, uint64_t *n,
                                struct fount_err *err)
{
    struct sqlite_sink *s = ctx;
    struct buf sql;
    sqlite3_stmt *st = NULL;
    int e, rc;

    *n = 0;
    e = table_exists(s, rel->name, err);
    if (e <= 0)
        return e < 0 ? FOUNT_FATAL : FOUNT_OK;
    buf_init(&sql, 4096);
    if (buf_puts(&sql, "SELECT count(*) FROM main.") ||
        sql_quote_ident(DIALECT_SQLITE, rel->name, &sql) || buf_append(&sql, "", 1)) {
        buf_free(&sql);
        fount_err_set(err, "table name too long");
        return FOUNT_FATAL;
    }
    rc = sqlite3_prepare_v2(s->db, sql.data, -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 c = sqlite3_column_int64(st, 0);
        *n = c > 0 ? (uint64_t)c : 0;
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK)
        db_err(s, err, NULL);
    sqlite3_finalize(st);
    buf_free(&sql);
    return rc == SQLITE_OK ? FOUNT_OK : FOUNT_FATAL;
}

/* ---------------------------------------------------------------- begin */

/* The load pragmas (docs/sinks/sqlite.md), then the --replace drops, children first. */
static int setup(struct sqlite_sink *s, struct fount_err *err)
{
    char sql[128], mode[16];
    size_t i;
    int rc;

    snprintf(sql, sizeof sql, "PRAGMA cache_size=-%zu", s->cache_size / 1024 ? s->cache_size / 1024
                                                                              : 1);
    if (exec_fatal(s, "PRAGMA foreign_keys=OFF", err, NULL) ||
        exec_fatal(s, "PRAGMA temp_store=MEMORY", err, NULL) || exec_fatal(s, sql, err, NULL))
        return FOUNT_FATAL;
    snprintf(sql, sizeof sql, "PRAGMA main.journal_mode=%s", s->journal_mode);
    if (query_text(s, sql, mode, sizeof mode, err))
        return FOUNT_FATAL;
    if (strcasecmp(mode, s->journal_mode) != 0) {
        fount_err_set(err, "%s: cannot switch to journal_mode=%s (still %s)", s->path,
                      s->journal_mode, mode);
        return FOUNT_FATAL;
    }
    if (exec_fatal(s, s->durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF", err,
                   NULL))
        return FOUNT_FATAL;
    s->setup_done = 1;
    if (!s->a->replace)
        return FOUNT_OK;
    if (exec_fatal(s, "BEGIN IMMEDIATE", err, NULL))
        return FOUNT_FATAL;
    for (i = s->a->nrels, rc = FOUNT_OK; i-- > 0 && !rc;) {
        struct buf q;
        if (!s->exists[i])
            continue;
        buf_init(&q, 4096);
        if (buf_puts(&q, "DROP TABLE IF EXISTS main.") ||
            sql_quote_ident(DIALECT_SQLITE, s->a->rels[i]->name, &q) || buf_append(&q, "", 1)) {
            fount_err_set(err, "table name too long");
            rc = FOUNT_FATAL;
        } else {
            rc = exec_fatal(s, q.data, err, "--replace");
        }
        buf_free(&q);
    }
    if (!rc)
        rc = exec_fatal(s, "COMMIT", err, "--replace");
    if (rc && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    for (i = 0; !rc && i < s->a->nrels; i++)
        s->exists[i] = 0;
    return rc;
}

static int exists_in_run(const struct sqlite_sink *s, const struct fount_relation *rel)
{
    size_t i;

    for (i = 0; i < s->a->nrels; i++)
        if (s->a->rels[i] == rel || strcmp(s->a->rels[i]->name, rel->name) == 0)
            return s->exists[i];
    return 0;
}

/* INSERT INTO "t" ("a","b") VALUES (?,?),(?,?)... with k rows. */
static int prepare_insert(struct sqlite_sink *s, const struct fount_relation *rel, size_t k,
                          sqlite3_stmt **out, struct fount_err *err)
{
    struct buf q;
    size_t i, j;
    int rc = FOUNT_OK;

    buf_init(&q, (size_t)64 << 20);
    if (buf_puts(&q, "INSERT INTO main.") || sql_quote_ident(DIALECT_SQLITE, rel->name, &q) ||
        buf_puts(&q, " ("))
        rc = FOUNT_FATAL;
    for (j = 0; !rc && j < rel->ncols; j++)
        if ((j && buf_puts(&q, ",")) || sql_quote_ident(DIALECT_SQLITE, rel->cols[j].name, &q))
            rc = FOUNT_FATAL;
    if (!rc && buf_puts(&q, ") VALUES "))
        rc = FOUNT_FATAL;
    for (i = 0; !rc && i < k; i++) {
        if (buf_reserve(&q, rel->ncols * 2 + 3)) {
            rc = FOUNT_FATAL;
            break;
        }
        q.data[q.len++] = i ? ',' : ' ';
        q.data[q.len++] = '(';
        for (j = 0; j < rel->ncols; j++) {
            if (j)
                q.data[q.len++] = ',';
            q.data[q.len++] = '?';
        }
        q.data[q.len++] = ')';
    }
    if (rc) {
        fount_err_set(err, "%s: the INSERT statement for %s is too long", s->path, rel->name);
    } else if (sqlite3_prepare_v3(s->db, q.data, (int)q.len, SQLITE_PREPARE_PERSISTENT, out,
                                  NULL) != SQLITE_OK) {
        db_err(s, err, rel->name);
        rc = FOUNT_FATAL;
    }
    buf_free(&q);
    return rc;
}

static int prepare_stmt(struct sqlite_sink *s, const char *sql, sqlite3_stmt **out,
                        struct fount_err *err)
{
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) == SQLITE_OK)
        return FOUNT_OK;
    db_err(s, err, NULL);
    return FOUNT_FATAL;
}

static void finalize_rel(struct sqlite_sink *s)
{
    sqlite3_finalize(s->ins_k);
    sqlite3_finalize(s->ins_1);
    sqlite3_finalize(s->st_begin);
    sqlite3_finalize(s->st_commit);
    s->ins_k = s->ins_1 = s->st_begin = s->st_commit = NULL;
    free(s->pow10);
    free(s->scratch);
    s->pow10 = NULL;
    s->scratch = NULL;
    s->rel = NULL;
}

static int create_table(struct sqlite_sink *s, const struct fount_relation *rel,
                        struct fount_err *err)
{
    struct buf q;
    int rc;

    buf_init(&q, (size_t)16 << 20);
    if (schema_create_table(DIALECT_SQLITE, rel, &q) || buf_append(&q, "", 1)) {
        buf_free(&q);
        fount_err_set(err, "%s: cannot build CREATE TABLE for %s", s->path, rel->name);
        return FOUNT_FATAL;
    }
    rc = exec_fatal(s, q.data, err, rel->name);
    buf_free(&q);
    if (!rc)
        s->made_table = 1;
    return rc;
}

static int sqlite_begin(void *ctx, const struct fount_relation *rel, struct fount_err *err)
{
    struct sqlite_sink *s = ctx;
    size_t j, k;
    int maxvars;

    if (s->rel) {
        if (commit_now(s, err))
            return FOUNT_FATAL;
        finalize_rel(s);
    }
    if (rel->ncols == 0) {
        fount_err_set(err, "%s: %s has no columns", s->path, rel->name);
        return FOUNT_FATAL;
    }
    if (!s->setup_done && setup(s, err))
        return FOUNT_FATAL;
    if (!exists_in_run(s, rel) && !(s->a->append && table_exists(s, rel->name, err) == 1) &&
        create_table(s, rel, err))
        return FOUNT_FATAL;
    maxvars = sqlite3_limit(s->db, SQLITE_LIMIT_VARIABLE_NUMBER, -1);
    if (maxvars > SQLITE_MAX_PARAMS)
        maxvars = SQLITE_MAX_PARAMS;
    k = (size_t)maxvars / rel->ncols;
    if (k > (size_t)s->stmt_rows)
        k = (size_t)s->stmt_rows;
    if (k < 1)
        k = 1;
    s->rel = rel;
    s->k = k;
    if (prepare_insert(s, rel, k, &s->ins_k, err) || prepare_insert(s, rel, 1, &s->ins_1, err) ||
        prepare_stmt(s, "BEGIN IMMEDIATE", &s->st_begin, err) ||
        prepare_stmt(s, "COMMIT", &s->st_commit, err)) {
        finalize_rel(s);
        return FOUNT_FATAL;
    }
    s->pow10 = xcalloc(rel->ncols, sizeof *s->pow10);
    for (j = 0; j < rel->ncols; j++) {
        const struct fount_column *c = &rel->cols[j];
        int sc = c->scale < 0 ? 0 : c->scale > 18 ? 18 : c->scale;
        s->pow10[j] = 1;
        while (sc-- > 0)
            s->pow10[j] *= 10;
    }
    /* Room for every value of one statement, whatever its type: at most 32766 * 40 bytes. */
    s->scratch = xmalloc(k * rel->ncols * SCRATCH_PER_VALUE);
    return FOUNT_OK;
}

/* ---------------------------------------------------------------- write_batch */

/* Decimal v / 10^scale as a double: the nearest one to the exact decimal, which is what SQLite
 * stores for the decimal's text in a NUMERIC column (docs/sinks/sqlite.md). */
static double decimal_to_double(int64_t v, int64_t p)
{
    if (v > -(INT64_C(1) << 53) && v < (INT64_C(1) << 53))
        return (double)v / (double)p; /* both exact: one correctly rounded division */
    return (double)((long double)v / (long double)p);
}

/* Binds one row at parameter base+1... Formatted text goes to *scratch, which advances. A
 * column absent from the row's schema version (drift; absent[c] set) is NULL: the table keeps
 * one shape, the version column says which fields the record had. */
static int bind_row(struct sqlite_sink *s, sqlite3_stmt *st, int base,
                    const struct fount_value *row, const uint8_t *absent, char **scratch)
{
    const struct fount_column *cols = s->rel->cols;
    size_t j, ncols = s->rel->ncols, n;
    int rc = SQLITE_OK;

    for (j = 0; j < ncols && rc == SQLITE_OK; j++) {
        const struct fount_value *v = &row[j];
        int idx = base + (int)j + 1;
        if (FOUNT_UNLIKELY(absent && absent[j])) {
            rc = sqlite3_bind_null(st, idx);
            continue;
        }
        switch (v->type) {
        case FV_INT:
        case FV_BOOL:
            rc = sqlite3_bind_int64(st, idx, v->v.i);
            break;
        case FV_DOUBLE:
            rc = FOUNT_LIKELY(isfinite(v->v.d)) ? sqlite3_bind_double(st, idx, v->v.d)
                                                : sqlite3_bind_null(st, idx);
            break;
        case FV_DECIMAL: {
            int64_t p = s->pow10[j];
            if (v->v.i % p == 0) /* NUMERIC keeps a whole number as INTEGER, exactly */
                rc = sqlite3_bind_int64(st, idx, v->v.i / p);
            else
                rc = sqlite3_bind_double(st, idx, decimal_to_double(v->v.i, p));
            break;
        }
        case FV_STRING:
            rc = sqlite3_bind_text64(st, idx, v->v.s ? v->v.s : "", v->len, SQLITE_STATIC,
                                     SQLITE_UTF8);
            break;
        case FV_TIMESTAMP:
            n = fmt_timestamp(*scratch, v->v.i, cols[j].ts_digits, 0);
            goto text;
        case FV_DATE:
            n = fmt_date(*scratch, v->v.i);
            goto text;
        case FV_UUID:
            n = fmt_uuid(*scratch, v->v.u);
        text:
            rc = sqlite3_bind_text(st, idx, *scratch, (int)n, SQLITE_STATIC);
            *scratch += n;
            break;
        default:
            rc = sqlite3_bind_null(st, idx);
        }
    }
    return rc;
}

/* Binds rows [i, i + k) into st and steps it. */
static int insert_rows(struct sqlite_sink *s, sqlite3_stmt *st, const struct fount_batch *b,
                       size_t i, size_t k)
{
    const size_t ncols = s->rel->ncols;
    const struct fount_value *row = b->vals + i * ncols;
    const uint8_t *absent = NULL;
    char *scratch = s->scratch;
    size_t r;
    int rc = SQLITE_OK;

    for (r = 0; r < k && rc == SQLITE_OK; r++, row += ncols) {
        if (FOUNT_UNLIKELY(b->row_version && b->rel->absent))
            absent = b->rel->absent + (size_t)b->row_version[i + r] * ncols;
        rc = bind_row(s, st, (int)(r * ncols), row, absent, &scratch);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The open transaction is gone (rolled back by SQLite after an I/O error, or by us): the rows
 * earlier batches delivered into it are not in the database although the runner counted them.
 * Says so, with the database's error first. Always FOUNT_FATAL. */
static int txn_lost(struct sqlite_sink *s, int rc, struct fount_err *err)
{
    char msg[300];

    snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(s->db));
    if ((rc & 0xff) == SQLITE_OK || (rc & 0xff) == SQLITE_DONE)
        snprintf(msg, sizeof msg, "%s", sqlite3_errstr(rc));
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_txn = 0;
    if (s->pending)
        fount_err_set(err, "%s: %s (rolled back with it: %llu rows of %s from row %llu that were "
                           "already counted as written)", s->path, msg,
                      (unsigned long long)s->pending, s->rel ? s->rel->name : "?",
                      (unsigned long long)s->pending_first);
    else
        fount_err_set(err, "%s: %s", s->path, msg);
    s->pending = 0;
    return FOUNT_FATAL;
}

/* Commits the open transaction: FOUNT_OK; FOUNT_RETRY when another connection still reads
 * (rollback journals only; the transaction stays open and a later commit tries again); or
 * FOUNT_FATAL (txn_lost). */
static int txn_commit(struct sqlite_sink *s, struct fount_err *err)
{
    int rc;

    if (!s->in_txn)
        return FOUNT_OK;
    rc = sqlite3_step(s->st_commit);
    sqlite3_reset(s->st_commit);
    if (rc == SQLITE_DONE) {
        s->in_txn = 0;
        s->pending = 0;
        return FOUNT_OK;
    }
    if (classify(rc) == FOUNT_RETRY && !sqlite3_get_autocommit(s->db)) {
        db_err(s, err, "commit");
        return FOUNT_RETRY;
    }
    return txn_lost(s, rc, err);
}

/* A K-row statement failed on a constraint (and was undone alone): replays its rows [i, i + k)
 * one by one. Returns 1 with *bad at the first row that fails (the rows before it are now in),
 * or 0 when all went in this way. */
static int find_bad_row(struct sqlite_sink *s, const struct fount_batch *b, size_t i, size_t k,
                        size_t *bad, int *rc)
{
    size_t r;

    for (r = i; r < i + k; r++)
        if ((*rc = insert_rows(s, s->ins_1, b, r, 1)) != SQLITE_OK) {
            *bad = r;
            return 1;
        }
    return 0;
}

/* Note 2: rows go into the open transaction, which commits once txn_rows rows are in it. On a
 * failure *accepted counts the rows of this batch that are in the transaction, so the runner's
 * counts stay exact: the rows before a constraint failure stay (ERROR), a busy database keeps
 * what went in (RETRY), and only an I/O failure that takes the transaction down is FATAL. */
static int sqlite_write(void *ctx, const struct fount_batch *b, size_t *accepted,
                        struct fount_err *err)
{
    struct sqlite_sink *s = ctx;
    size_t i = 0;
    int rc, cls;

    *accepted = 0;
    if (FOUNT_UNLIKELY(b->rel != s->rel || !s->ins_k)) {
        fount_err_set(err, "%s: a batch of %s arrived outside begin/end", s->path, b->rel->name);
        return FOUNT_FATAL;
    }
    if (b->nrows == 0)
        return FOUNT_OK;
    if (!s->in_txn) {
        rc = sqlite3_step(s->st_begin);
        sqlite3_reset(s->st_begin);
        if (rc != SQLITE_DONE) {
            db_err(s, err, NULL);
            cls = classify(rc);
            return cls == FOUNT_OK ? FOUNT_ERROR : cls;
        }
        s->in_txn = 1;
        s->pending = 0;
        s->pending_first = b->first_row;
    }
    for (; i + s->k <= b->nrows; i += s->k) {
        rc = insert_rows(s, s->ins_k, b, i, s->k);
        if (rc != SQLITE_OK && ((rc & 0xff) != SQLITE_CONSTRAINT ||
                                find_bad_row(s, b, i, s->k, &i, &rc)))
            goto fail;
    }
    for (; i < b->nrows; i++)
        if ((rc = insert_rows(s, s->ins_1, b, i, 1)) != SQLITE_OK)
            goto fail;
    if (s->pending + b->nrows >= (uint64_t)s->txn_rows) {
        /* On failure txn_lost names the earlier batches' rows; this one's are not accepted. */
        rc = txn_commit(s, err);
        if (rc == FOUNT_FATAL)
            return FOUNT_FATAL;
        if (rc == FOUNT_RETRY) /* a busy commit is tried again later */
            s->pending += b->nrows;
    } else {
        s->pending += b->nrows;
    }
    *accepted = b->nrows;
    return FOUNT_OK;

fail:
    /* Rows [0, i) of this batch went in; row i did not. */
    cls = classify(rc);
    if (cls == FOUNT_FATAL || sqlite3_get_autocommit(s->db))
        return txn_lost(s, rc, err);
    *accepted = i;
    s->pending += i;
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        fount_err_set(err, "%s: table %s, row %llu: %s (the %zu rows before it in the batch were "
                           "kept, the %zu from it on were not written)", s->path, s->rel->name,
                      (unsigned long long)(b->first_row + i), sqlite3_errmsg(s->db), i,
                      b->nrows - i);
    else
        db_err(s, err, NULL);
    return cls == FOUNT_OK ? FOUNT_ERROR : cls;
}

/* ---------------------------------------------------------------- end, flush, close */

/* CREATE INDEX IF NOT EXISTS: with --append the index may be there from the first run. */
static int create_indexes(struct sqlite_sink *s, const struct fount_relation *rel,
                          struct fount_err *err)
{
    static const char plain[] = "CREATE INDEX ";
    struct buf q, x;
    size_t i;
    int rc = FOUNT_OK;

    buf_init(&q, (size_t)1 << 20);
    buf_init(&x, (size_t)1 << 20);
    for (i = 0; i < rel->nindexes && !rc; i++) {
        buf_reset(&q);
        buf_reset(&x);
        if (schema_create_index(DIALECT_SQLITE, rel, rel->indexes[i], &q) ||
            buf_append(&q, "", 1)) {
            fount_err_set(err, "%s: cannot build CREATE INDEX for %s (%s)", s->path, rel->name,
                          rel->indexes[i]);
            rc = FOUNT_FATAL;
            break;
        }
        if (strncmp(q.data, plain, sizeof plain - 1) == 0 &&
            (buf_puts(&x, "CREATE INDEX IF NOT EXISTS ") ||
             buf_puts(&x, q.data + sizeof plain - 1) || buf_append(&x, "", 1)))
            rc = FOUNT_FATAL;
        if (!rc) {
            char what[256];
            snprintf(what, sizeof what, "index on %s (%s)", rel->name, rel->indexes[i]);
            rc = exec_fatal(s, x.len ? x.data : q.data, err, what);
        }
    }
    buf_free(&q);
    buf_free(&x);
    return rc;
}

/* Commit what is left; any failure here stops the run (the runner cannot resend it). */
static int commit_now(struct sqlite_sink *s, struct fount_err *err)
{
    int rc = txn_commit(s, err);

    return rc == FOUNT_RETRY ? txn_lost(s, SQLITE_BUSY, err) : rc;
}

static int sqlite_end(void *ctx, const struct fount_relation *rel, struct fount_err *err)
{
    struct sqlite_sink *s = ctx;

    if (commit_now(s, err))
        return FOUNT_FATAL;
    finalize_rel(s);
    return s->indexes ? create_indexes(s, rel, err) : FOUNT_OK;
}

/* Back to the database's own journal mode (checkpointing the WAL into the file), with the
 * final writes synced: when fount exits 0 the data is on disk. */
static int restore(struct sqlite_sink *s, struct fount_err *err)
{
    char sql[64], mode[16];
    const char *want = s->orig_journal[0] ? s->orig_journal : "delete";

    if (exec_fatal(s, "PRAGMA synchronous=FULL", err, NULL))
        return FOUNT_FATAL;
    if (strcasecmp(want, "wal") == 0 &&
        exec_fatal(s, "PRAGMA main.wal_checkpoint(TRUNCATE)", err, "checkpoint"))
        return FOUNT_FATAL;
    snprintf(sql, sizeof sql, "PRAGMA main.journal_mode=%s", want);
    if (query_text(s, sql, mode, sizeof mode, err)) {
        /* Leaving WAL needs the database to itself: with exclusive=false another connection
         * may still have it open. Every row is committed; the file just stays in WAL mode. */
        if (classify(sqlite3_errcode(s->db)) == FOUNT_RETRY)
            return FOUNT_OK;
        return FOUNT_FATAL;
    }
    if (strcasecmp(mode, want) != 0) {
        fount_err_set(err, "%s: cannot restore journal_mode=%s (still %s)", s->path, want, mode);
        return FOUNT_FATAL;
    }
    return exec_fatal(s, "PRAGMA locking_mode=NORMAL", err, NULL);
}

static int sqlite_flush(void *ctx, int timeout_ms, struct fount_err *err)
{
    struct sqlite_sink *s = ctx;
    int rc = FOUNT_OK;

    (void)timeout_ms;
    if (s->db && commit_now(s, err))
        return FOUNT_FATAL;
    if (s->rel)
        finalize_rel(s);
    if (s->db && s->setup_done && !s->flushed)
        rc = restore(s, err);
    s->flushed = rc == FOUNT_OK;
    return rc;
}

static void remove_db_files(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    char p[4096];
    size_t i;

    for (i = 0; i < sizeof suffix / sizeof suffix[0]; i++)
        if ((size_t)snprintf(p, sizeof p, "%s%s", path, suffix[i]) < sizeof p)
            unlink(p);
}

static void sqlite_close(void *ctx)
{
    struct sqlite_sink *s = ctx;

    finalize_rel(s);
    if (s->db) {
        if (!sqlite3_get_autocommit(s->db))
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        s->in_txn = 0;
        /* A run that failed: still try to leave the file in its own journal mode. */
        if (s->setup_done && !s->flushed && s->made_table)
            restore(s, NULL);
        sqlite3_close(s->db);
        s->db = NULL;
    }
    if (s->created && !s->made_table && s->path)
        remove_db_files(s->path);
    free(s->exists);
    s->exists = NULL;
}

const struct fount_sink_type sqlite_sink_type = {
    .name = "sqlite",
    .desc = "a SQLite database file: sqlite:shop.db (or any path ending in .db, .sqlite, .sqlite3)",
    .opts = sqlite_opts,
    .ctx_size = sizeof(struct sqlite_sink),
    .open = sqlite_open,
    .begin = sqlite_begin,
    .write_batch = sqlite_write,
    .end = sqlite_end,
    .flush = sqlite_flush,
    .close = sqlite_close,
    .encode = NULL,
    .existing_rows = sqlite_existing_rows,
};
