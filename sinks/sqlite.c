/* sqlite.c: the SQLite sink, fount's embedded default (`sqlite:shop.db`, or any path ending in
 * .db, .sqlite or .sqlite3). Creates the run's tables from the profile (schema_create_table),
 * binds values natively into prepared multi-row INSERTs, one transaction per batch, and builds
 * the unique and secondary indexes after each table is loaded. Pragmas favour bulk loading but
 * stay safe against a killed process; docs/sinks/sqlite.md explains each one and the figures.
 * Leaves out: updates and deletes (CDC), concurrent writers, attached databases, VACUUM/ANALYZE.
 *
 * NOTES ON THE DESIGN
 * 1. open() only reads. It connects, checks that the file is a writable database, that none of
 *    the run's tables exists (unless --replace or --append), and remembers the journal mode to
 *    restore. Pragmas that write (journal_mode), the --replace drops and every CREATE happen in
 *    the first begin(), so a refused run leaves the file byte for byte as it was. A database
 *    file that open() created is removed again by close() when no table was ever created in it.
 * 2. Transactions hold whole batches, and by default each batch is one (txn_rows=1): write_batch
 *    returns FOUNT_OK after its COMMIT, so the database holds exactly the rows the runner counts,
 *    after Ctrl-C, SIGKILL or a full disk alike. Commits are cheap because nothing but the table
 *    itself is written during the load (note 6). txn_rows > 1 groups batches (commit once that
 *    many rows are in, at the end of each relation and at flush): worth it only for tables that
 *    keep an index during the load, and then a failed commit takes down rows the runner already
 *    counted; the FATAL message says which. On a failure *accepted is exact: rows before a
 *    constraint failure stay (ERROR), a busy database keeps what went in (RETRY).
 * 3. Values are bound natively from the batch (SQLITE_STATIC: the batch outlives the statement's
 *    step); only timestamps, dates and uuids are formatted, into a scratch buffer sized at begin().
 *    No allocation and no snprintf per row.
 * 4. Rows go in through a K-row INSERT OR FAIL (K = stmt_rows, capped so K * ncols host
 *    parameters fit), the rows left over through a 1-row one. OR FAIL keeps the rows before a
 *    failing one, and sqlite3_changes() counts them: the message names the exact row.
 * 5. Error classes: BUSY/LOCKED -> RETRY; FULL, IOERR, READONLY, CANTOPEN, CORRUPT, NOTADB, NOMEM,
 *    PERM -> FATAL ("shop.db: database or disk is full"); CONSTRAINT and the rest -> ERROR.
 * 6. A table this run creates gets its UNIQUE columns (other than the primary key) as unique
 *    indexes named <table>_<column>_key, built by sorting once the table is loaded, as pg_restore
 *    adds constraints after COPY: maintaining a unique index on random values row by row is most
 *    of SQLite's cost (1.5-2x the whole load, docs/sinks/sqlite.md). fount's unique values are
 *    distinct by construction; should they not be, end() fails naming the column. Existing
 *    tables (--append) get any missing unique index before the first row, so appended rows are
 *    checked one by one. unique_after=false declares them inline instead, as `fount schema`. */
#include "sink.h"

#include <errno.h>
#include <fcntl.h>
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
    char *journal_mode;         /* journal mode during the load (option)               */
    const char *journal;        /* the one used: journal_mode, "auto" resolved          */
    size_t cache_size;          /* page cache in bytes                                 */
    int exclusive;              /* locking_mode=EXCLUSIVE during the run               */
    int64_t busy_timeout;       /* microseconds SQLite itself waits on a lock          */
    int indexes;                /* create the profile's secondary indexes              */
    int unique_after;           /* UNIQUE columns of new tables: unique indexes at end */

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
    uint64_t lost;              /* accepted rows a failed transaction took down: the runner
                                   moves them to failed through take_lost()             */
    uint64_t pending_first;     /* the first of them                                   */
    int64_t *pow10;             /* per column: 10^scale for FV_DECIMAL                 */
    int unique_owed;            /* its unique indexes are still to be built (note 6)   */
    char *scratch;              /* formatted timestamps, dates, uuids of one statement */
};

static int commit_now(struct sqlite_sink *s, struct fount_err *err);

#define OFF(f) offsetof(struct sqlite_sink, f)
static const struct fount_opt sqlite_opts[] = {
    {"stmt_rows", OPT_INT, "64", OFF(stmt_rows),
     "rows per multi-row INSERT statement (capped so rows * columns <= 32766)"},
    {"txn_rows", OPT_INT, "1", OFF(txn_rows),
     "commit once this many rows are in the transaction (1: every batch, exact counts even when "
     "the disk fills up)"},
    {"unique_after", OPT_BOOL, "true", OFF(unique_after),
     "build a new table's UNIQUE columns as unique indexes after its load (false: inline UNIQUE, "
     "as fount schema prints)"},
    {"journal_mode", OPT_STR, "auto", OFF(journal_mode),
     "journal mode during the load: persist, wal, truncate or delete; auto is persist, or wal "
     "with --sqlite-durable (the database's own mode is restored afterwards)"},
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

/* Setup statements (open, begin, end, flush) cannot be retried by the runner: any failure there
 * stops the run. */
static int exec_fatal(struct sqlite_sink *s, const char *sql, struct fount_err *err,
                      const char *what)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK)
        return FOUNT_OK;
    db_err(s, err, what);
    return FOUNT_FATAL;
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
    static const char *const ok[] = {"auto", "wal", "truncate", "persist", "delete"};
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

/* The directory path is in: "." , "/" or what comes before the last slash. */
static void dir_of(const char *path, char *dir, size_t n)
{
    const char *slash = strrchr(path, '/');

    if (!slash)
        snprintf(dir, n, ".");
    else if (slash == path)
        snprintf(dir, n, "/");
    else
        snprintf(dir, n, "%.*s", (int)(slash - path), path);
}

/* 0 when a new file can be made beside path (its directory is writable), else -1 with why. */
static int dir_writable(const char *path, struct fount_err *err)
{
    char dir[4096];

    dir_of(path, dir, sizeof dir);
    if (access(dir, W_OK | X_OK) == 0)
        return 0;
    fount_err_set(err, "cannot create %s: %s", path, strerror(errno));
    return -1;
}

/* The option values sink_set_opts cannot check by type. Also resolves journal_mode=auto. */
static int check_opts(struct sqlite_sink *s, struct fount_err *err)
{
    if (!valid_journal_mode(s->journal_mode)) {
        fount_err_set(err, "option journal_mode: expected auto, persist, wal, truncate or delete, "
                           "got \"%s\" (off and memory would let a crash corrupt the database)",
                      s->journal_mode);
        return -1;
    }
    /* Bulk loads write new pages once with a rollback journal, twice with WAL (log, then
     * checkpoint); a synced commit costs one fsync with WAL, about three with a journal. */
    s->journal = strcasecmp(s->journal_mode, "auto") ? s->journal_mode
                                                     : s->durable ? "wal" : "persist";
    if (s->txn_rows < 1) {
        fount_err_set(err, "option txn_rows: expected 1 or more, got %lld", s->txn_rows);
        return -1;
    }
    if (s->stmt_rows < 1 || s->stmt_rows > SQLITE_MAX_PARAMS) {
        fount_err_set(err, "option stmt_rows: expected 1 to %d, got %lld", SQLITE_MAX_PARAMS,
                      s->stmt_rows);
        return -1;
    }
    return 0;
}

/* Connects to an existing writable database file, or creates one (s->created). */
static int db_connect(struct sqlite_sink *s, struct fount_err *err)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    int64_t ms = s->busy_timeout / 1000;
    struct stat st;

    if (stat(s->path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            fount_err_set(err, "%s is a directory, not a database file", s->path);
            return -1;
        }
    } else {
        flags |= SQLITE_OPEN_CREATE;
        s->created = errno == ENOENT;
        /* SQLite reports a read-only directory as ENOENT (its read-only retry): say why. */
        if (s->created && dir_writable(s->path, err))
            return -1;
    }
    if (sqlite3_open_v2(s->path, &s->db, flags, NULL) != SQLITE_OK) {
        db_err(s, err, NULL);
        return -1;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, ms > INT_MAX ? INT_MAX : (int)ms);
    if (sqlite3_db_readonly(s->db, "main") == 1) {
        int e = access(s->path, W_OK) ? errno : 0;
        fount_err_set(err, "%s: %s%s%s%s", s->path, sqlite3_errstr(SQLITE_READONLY),
                      e ? " (" : "", e ? strerror(e) : "", e ? ")" : "");
        return -1;
    }
    return 0;
}

static int sqlite_open(void *ctx, const struct sink_args *a, struct fount_err *err)
{
    struct sqlite_sink *s = ctx;
    size_t i, n = 0;

    s->a = a;
    s->path = a->target;
    s->durable = a->durable;
    if (!*s->path || strcmp(s->path, ":memory:") == 0 || strcmp(s->path, "-") == 0) {
        fount_err_set(err, "the sqlite sink needs a database file, e.g. --to sqlite:shop.db");
        return FOUNT_FATAL;
    }
    if (check_opts(s, err) || db_connect(s, err))
        return FOUNT_FATAL;
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
        exec_fatal(s, "PRAGMA temp_store=FILE", err, NULL) || exec_fatal(s, sql, err, NULL))
        return FOUNT_FATAL;
    snprintf(sql, sizeof sql, "PRAGMA main.journal_mode=%s", s->journal);
    if (query_text(s, sql, mode, sizeof mode, err))
        return FOUNT_FATAL;
    if (strcasecmp(mode, s->journal) != 0) {
        fount_err_set(err, "%s: cannot switch to journal_mode=%s (still %s)", s->path,
                      s->journal, mode);
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

/* INSERT OR FAIL INTO "t" ("a","b") VALUES (?,?),(?,?)... with k rows. OR FAIL rather than the
 * default ABORT: a constraint failure keeps the statement's rows before the failing one, so
 * SQLite needs no statement journal (measured 30% faster on a table with a UNIQUE column) and
 * sqlite3_changes() tells exactly which row failed. */
static int prepare_insert(struct sqlite_sink *s, const struct fount_relation *rel, size_t k,
                          sqlite3_stmt **out, struct fount_err *err)
{
    struct buf q;
    size_t i, j;
    int rc = FOUNT_OK;

    buf_init(&q, (size_t)64 << 20);
    if (buf_puts(&q, "INSERT OR FAIL INTO main.") ||
        sql_quote_ident(DIALECT_SQLITE, rel->name, &q) || buf_puts(&q, " ("))
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

/* A UNIQUE column that is not the primary key: the ones note 6 builds after the load. */
static int unique_col(const struct fount_column *c)
{
    return c->unique && !c->primary_key;
}

/* schema_create_table's text; with unique_after, of a copy of rel whose UNIQUE columns are plain
 * (their unique indexes follow the load: note 6). */
static int create_table(struct sqlite_sink *s, const struct fount_relation *rel,
                        struct fount_err *err)
{
    struct fount_relation plain = *rel;
    struct fount_column *cols = NULL;
    struct buf q;
    size_t j, n = 0;
    int rc;

    for (j = 0; s->unique_after && j < rel->ncols; j++)
        n += unique_col(&rel->cols[j]) != 0;
    if (n) {
        cols = xmalloc(rel->ncols * sizeof *cols);
        memcpy(cols, rel->cols, rel->ncols * sizeof *cols);
        for (j = 0; j < rel->ncols; j++)
            if (unique_col(&cols[j]))
                cols[j].unique = 0;
        plain.cols = cols;
    }
    buf_init(&q, (size_t)16 << 20);
    rc = schema_create_table(DIALECT_SQLITE, &plain, &q) || buf_append(&q, "", 1);
    free(cols);
    if (rc) {
        buf_free(&q);
        fount_err_set(err, "%s: cannot build CREATE TABLE for %s", s->path, rel->name);
        return FOUNT_FATAL;
    }
    rc = exec_fatal(s, q.data, err, rel->name);
    buf_free(&q);
    if (!rc) {
        s->made_table = 1;
        s->unique_owed = n > 0;
    }
    return rc;
}

/* 1 when some unique index of the table covers exactly the column (an inline UNIQUE's
 * autoindex, or one of ours), 0 when none does, -1 on error. */
static int has_unique_index(struct sqlite_sink *s, const char *table, const char *col,
                            struct fount_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc, found = -1;

    rc = sqlite3_prepare_v2(s->db,
                            "SELECT 1 FROM pragma_index_list(?1) AS il WHERE il.\"unique\" AND "
                            "(SELECT count(*) FROM pragma_index_info(il.name)) = 1 AND "
                            "(SELECT name FROM pragma_index_info(il.name)) = ?2 COLLATE NOCASE",
                            -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW || rc == SQLITE_DONE)
            found = rc == SQLITE_ROW;
    }
    if (found < 0)
        db_err(s, err, NULL);
    sqlite3_finalize(st);
    return found;
}

/* Note 6: CREATE UNIQUE INDEX "<table>_<col>_key" for each UNIQUE column that no unique index
 * covers yet. A duplicate makes it fail: FATAL, naming the column. */
static int create_unique_indexes(struct sqlite_sink *s, const struct fount_relation *rel,
                                 struct fount_err *err)
{
    struct buf q, name;
    size_t j;
    int rc = FOUNT_OK, have;

    buf_init(&q, (size_t)1 << 20);
    buf_init(&name, (size_t)1 << 20);
    for (j = 0; j < rel->ncols && !rc; j++) {
        const struct fount_column *c = &rel->cols[j];
        if (!unique_col(c))
            continue;
        have = has_unique_index(s, rel->name, c->name, err);
        if (have)
            rc = have < 0 ? FOUNT_FATAL : FOUNT_OK;
        else {
            buf_reset(&q);
            buf_reset(&name);
            if (buf_printf(&name, "%s_%s_key", rel->name, c->name) || buf_append(&name, "", 1) ||
                buf_puts(&q, "CREATE UNIQUE INDEX IF NOT EXISTS main.") ||
                sql_quote_ident(DIALECT_SQLITE, name.data, &q) || buf_puts(&q, " ON ") ||
                sql_quote_ident(DIALECT_SQLITE, rel->name, &q) || buf_puts(&q, " (") ||
                sql_quote_ident(DIALECT_SQLITE, c->name, &q) || buf_append(&q, ")", 2)) {
                fount_err_set(err, "%s: cannot build CREATE UNIQUE INDEX for %s.%s", s->path,
                              rel->name, c->name);
                rc = FOUNT_FATAL;
            } else if (sqlite3_exec(s->db, q.data, NULL, NULL, NULL) != SQLITE_OK) {
                if ((sqlite3_errcode(s->db) & 0xff) == SQLITE_CONSTRAINT)
                    fount_err_set(err, "%s: %s.%s holds duplicates, so its unique index cannot "
                                       "be built: %s", s->path, rel->name, c->name,
                                  sqlite3_errmsg(s->db));
                else
                    fount_err_set(err, "%s: unique index on %s.%s: %s", s->path, rel->name,
                                  c->name, sqlite3_errmsg(s->db));
                rc = FOUNT_FATAL;
            }
        }
    }
    buf_free(&q);
    buf_free(&name);
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
    s->unique_owed = 0;
    if (!exists_in_run(s, rel) && !(s->a->append && table_exists(s, rel->name, err) == 1)) {
        if (create_table(s, rel, err))
            return FOUNT_FATAL;
    } else if (create_unique_indexes(s, rel, err)) {
        /* --append: rows already there get their unique indexes before any is added (a run
         * killed before its end() left a table without them). */
        return FOUNT_FATAL;
    }
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
        case FV_JSON: /* JSON text (CDC row images): SQLite's JSON functions read it */
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

/* Binds rows [i, i + k) into st and steps it. *done: how many of them went in (all, or on a
 * constraint failure the ones before the failing row: INSERT OR FAIL keeps them). */
static int insert_rows(struct sqlite_sink *s, sqlite3_stmt *st, const struct fount_batch *b,
                       size_t i, size_t k, size_t *done)
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
    *done = 0;
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        *done = k;
    else if ((rc & 0xff) == SQLITE_CONSTRAINT)
        *done = (size_t)sqlite3_changes64(s->db);
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
        fount_err_set(err, "%s: %s (rolled back with it: %llu rows of %s from row %llu, counted "
                           "as failed)", s->path, msg, (unsigned long long)s->pending,
                      s->rel ? s->rel->name : "?", (unsigned long long)s->pending_first);
    else
        fount_err_set(err, "%s: %s", s->path, msg);
    s->lost += s->pending;
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

/* Note 2: rows go into the open transaction, which commits once txn_rows rows are in it. On a
 * failure *accepted counts the rows of this batch that are in the transaction, so the runner's
 * counts stay exact: the rows before a constraint failure stay (ERROR), a busy database keeps
 * what went in (RETRY), and only an I/O failure that takes the transaction down is FATAL. */
static int sqlite_write(void *ctx, const struct fount_batch *b, size_t *accepted,
                        struct fount_err *err)
{
    struct sqlite_sink *s = ctx;
    size_t i = 0, done = 0;
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
    for (; i + s->k <= b->nrows; i += s->k)
        if ((rc = insert_rows(s, s->ins_k, b, i, s->k, &done)) != SQLITE_OK)
            goto fail;
    for (; i < b->nrows; i++)
        if ((rc = insert_rows(s, s->ins_1, b, i, 1, &done)) != SQLITE_OK)
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
    /* Rows [0, i + done) of this batch went in; row i + done did not. */
    i += done;
    cls = classify(rc);
    if (cls == FOUNT_FATAL || sqlite3_get_autocommit(s->db))
        return txn_lost(s, rc, err);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        fount_err_set(err, "%s: table %s, row %llu: %s (the %zu rows before it in the batch were "
                           "kept, the %zu from it on were not written)", s->path, s->rel->name,
                      (unsigned long long)(b->first_row + i), sqlite3_errmsg(s->db), i,
                      b->nrows - i);
    else
        db_err(s, err, NULL);
    /* The rows that went in are committed as a whole batch's would be (note 2). */
    if (i && s->pending + i >= (uint64_t)s->txn_rows) {
        struct fount_err cerr;
        int crc = txn_commit(s, &cerr);
        if (crc == FOUNT_FATAL) {
            *err = cerr;
            return FOUNT_FATAL;
        }
        if (crc == FOUNT_RETRY)
            s->pending += i;
    } else {
        s->pending += i;
    }
    *accepted = i;
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
    int owed = s->unique_owed;

    if (commit_now(s, err))
        return FOUNT_FATAL;
    finalize_rel(s);
    s->unique_owed = 0;
    if (owed && create_unique_indexes(s, rel, err))
        return FOUNT_FATAL;
    return s->indexes ? create_indexes(s, rel, err) : FOUNT_OK;
}

/* Back to the database's own journal mode (checkpointing a WAL into the file). */
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

/* fsync path and, for a file this run created, its directory. With synchronous=OFF nothing of
 * the load was synced, and a rollback journal's mode switch syncs nothing either: this puts the
 * whole file on disk once, so that exit status 0 means the data survives a power loss. */
static int sync_file(struct sqlite_sink *s, struct fount_err *err)
{
    char dir[4096];
    int fd = open(s->path, O_RDONLY | O_CLOEXEC), rc = 0;

    if (fd < 0 || fsync(fd) != 0)
        rc = -1;
    if (fd >= 0)
        close(fd);
    if (!rc && s->created) {
        dir_of(s->path, dir, sizeof dir);
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            if (fsync(fd) != 0 && errno != EINVAL)
                rc = -1;
            close(fd);
        }
    }
    if (rc)
        fount_err_set(err, "%s: fsync: %s", s->path, strerror(errno));
    return rc;
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
    if (s->db && s->setup_done && !s->flushed) {
        rc = restore(s, err);
        if (!rc && sync_file(s, err))
            rc = FOUNT_FATAL;
    }
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
    const struct fount_relation *rel = s->rel;

    finalize_rel(s);
    if (s->db) {
        if (!sqlite3_get_autocommit(s->db))
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        s->in_txn = 0;
        /* The run stopped inside a table (FATAL): its unique constraints still, if possible. */
        if (rel && s->unique_owed)
            create_unique_indexes(s, rel, NULL);
        s->unique_owed = 0;
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

/* Rows accepted earlier that a failed transaction took down (sink.h: take_lost). */
static uint64_t sqlite_take_lost(void *ctx)
{
    struct sqlite_sink *s = ctx;
    uint64_t n = s->lost;

    s->lost = 0;
    return n;
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
    .take_lost = sqlite_take_lost,
};
