/* test_sqlite.c: the SQLite sink driven through its vtable with hand-built relations and batches,
 * into a database in a fresh temporary directory per test (Criterion runs each test in its own
 * process). Checked from a second connection: stored types (typeof), values, NULLs, the refusal
 * to clobber, --replace, --append counts, BUSY -> RETRY, a constraint failure -> ERROR with the
 * row, transactions, indexes and the journal mode left behind. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sink.h"
#include "value.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

extern const struct fount_sink_type sqlite_sink_type;

/* ---------------------------------------------------------------- fixtures */

static char dir[64], path[128];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/fount-sqlite-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/t.db", dir);
}

static void remove_dir(void)
{
    char cmd[128];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

TestSuite(sqlite, .init = make_dir, .fini = remove_dir);

/* A table of every value type. */
static const struct fount_column all_cols[] = {
    {.name = "id", .type = FV_INT, .primary_key = 1},
    {.name = "flag", .type = FV_BOOL},
    {.name = "ratio", .type = FV_DOUBLE, .decimals = -1, .nullable = 1},
    {.name = "price", .type = FV_DECIMAL, .precision = 10, .scale = 2},
    {.name = "name", .type = FV_STRING, .max_len = -1, .nullable = 1},
    {.name = "at", .type = FV_TIMESTAMP, .ts_digits = 3},
    {.name = "day", .type = FV_DATE},
    {.name = "uid", .type = FV_UUID, .unique = 1},
};
static char *all_indexes[] = {"name", "day,at"};
static struct fount_relation all_rel = {.name = "things", .ncols = NELEM(all_cols),
                                        .cols = all_cols, .rows = 3, .indexes = all_indexes,
                                        .nindexes = 2, .time_col = -1, .key_col = -1};

/* A narrow table: id primary key, a unique code, a nullable note. */
static const struct fount_column narrow_cols[] = {
    {.name = "id", .type = FV_INT, .primary_key = 1},
    {.name = "code", .type = FV_INT, .unique = 1},
    {.name = "note", .type = FV_STRING, .max_len = -1, .nullable = 1},
};
static struct fount_relation narrow_rel = {.name = "items", .ncols = NELEM(narrow_cols),
                                           .cols = narrow_cols, .time_col = -1, .key_col = -1};
static struct fount_relation other_rel = {.name = "other", .ncols = NELEM(narrow_cols),
                                          .cols = narrow_cols, .time_col = -1, .key_col = -1};

struct run {
    void *ctx;
    struct sink_args args;
    const struct fount_relation *rels[4];
    struct fount_err err;
};

/* A ctx with the option defaults plus kv, not yet opened. */
static void run_init(struct run *r, const struct fount_relation *const *rels, size_t nrels,
                     char *const *kv, size_t nkv)
{
    size_t i;

    memset(r, 0, sizeof *r);
    r->ctx = calloc(1, sqlite_sink_type.ctx_size);
    cr_assert_eq(sink_set_opts(&sqlite_sink_type, r->ctx, kv, nkv, &r->err), 0, "%s",
                 r->err.msg);
    for (i = 0; i < nrels; i++)
        r->rels[i] = rels[i];
    r->args.uri = path;
    r->args.target = path;
    r->args.rels = r->rels;
    r->args.nrels = nrels;
}

static int run_open(struct run *r)
{
    r->err.msg[0] = '\0';
    return sqlite_sink_type.open(r->ctx, &r->args, &r->err);
}

static void run_close(struct run *r)
{
    sqlite_sink_type.close(r->ctx);
    sink_free_opts(&sqlite_sink_type, r->ctx);
    free(r->ctx);
    r->ctx = NULL;
}

/* narrow_rel rows [first, first + n): id = row + 1, code = row + 1 + code_off, note "n<row>" or
 * NULL for every third row. strings points into notes (room for n). */
static struct fount_value *narrow_rows(uint64_t first, size_t n, int64_t code_off, char *notes)
{
    struct fount_value *v = calloc(n * 3, sizeof *v);
    size_t i;

    for (i = 0; i < n; i++) {
        struct fount_value *row = v + i * 3;
        char *note = notes + i * 24;
        row[0].type = FV_INT;
        row[0].v.i = (int64_t)(first + i + 1);
        row[1].type = FV_INT;
        row[1].v.i = (int64_t)(first + i + 1) + code_off;
        if ((first + i) % 3 == 2) {
            row[2].type = FV_NULL;
        } else {
            row[2].type = FV_STRING;
            row[2].len = (uint32_t)snprintf(note, 24, "n%llu", (unsigned long long)(first + i));
            row[2].v.s = note;
        }
    }
    return v;
}

/* Writes narrow rows [first, first + n) as one batch; returns the rc, *acc the accepted rows. */
static int write_narrow(struct run *r, const struct fount_relation *rel, uint64_t first, size_t n,
                        int64_t code_off, size_t *acc)
{
    char *notes = calloc(n ? n : 1, 24);
    struct fount_value *v = narrow_rows(first, n, code_off, notes);
    struct fount_batch b = {.rel = rel, .first_row = first, .nrows = n, .vals = v,
                              .first_of_relation = first == 0};
    int rc;

    r->err.msg[0] = '\0';
    rc = sqlite_sink_type.write_batch(r->ctx, &b, acc, &r->err);
    free(v);
    free(notes);
    return rc;
}

/* Opens, loads narrow_rel with n rows in batches of bs, flushes and closes. */
static void load_narrow(const struct fount_relation *rel, size_t n, size_t bs, char *const *kv,
                        size_t nkv, int append, int replace)
{
    const struct fount_relation *rels[] = {rel};
    struct run r;
    uint64_t have = 0;
    size_t off, acc;

    run_init(&r, rels, 1, kv, nkv);
    r.args.append = append;
    r.args.replace = replace;
    cr_assert_eq(run_open(&r), FOUNT_OK, "%s", r.err.msg);
    if (append)
        cr_assert_eq(sqlite_sink_type.existing_rows(r.ctx, rel, &have, &r.err), FOUNT_OK);
    cr_assert_eq(sqlite_sink_type.begin(r.ctx, rel, &r.err), FOUNT_OK, "%s", r.err.msg);
    for (off = 0; off < n; off += bs) {
        size_t m = n - off < bs ? n - off : bs;
        cr_assert_eq(write_narrow(&r, rel, have + off, m, 0, &acc), FOUNT_OK, "%s", r.err.msg);
        cr_assert_eq(acc, m);
    }
    cr_assert_eq(sqlite_sink_type.end(r.ctx, rel, &r.err), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(sqlite_sink_type.flush(r.ctx, 1000, &r.err), FOUNT_OK, "%s", r.err.msg);
    run_close(&r);
}

/* ---------------------------------------------------------------- a second connection */

static sqlite3 *peek_open(void)
{
    sqlite3 *db = NULL;

    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    return db;
}

/* The first column of the first row of sql as text ("NULL" for NULL, "" for no row). */
static char *q(sqlite3 *db, const char *sql)
{
    static char out[512];
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

    cr_assert_eq(rc, SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
    out[0] = '\0';
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(out, sizeof out, "%s", t ? (const char *)t : "NULL");
    } else {
        cr_assert_eq(rc, SQLITE_DONE, "%s: %s", sql, sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    return out;
}

static long long qi(sqlite3 *db, const char *sql)
{
    return atoll(q(db, sql));
}

static void exec_ok(sqlite3 *db, const char *sql)
{
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(db));
}

static char *slurp(const char *p, size_t *n)
{
    FILE *f = fopen(p, "rb");
    char *buf;
    long len;

    cr_assert_not_null(f);
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)len + 1);
    cr_assert_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return buf;
}

/* ---------------------------------------------------------------- types and values */

Test(sqlite, types_values_and_nulls)
{
    const struct fount_relation *rels[] = {&all_rel};
    struct fount_value v[3 * NELEM(all_cols)];
    struct run r;
    sqlite3 *db;
    size_t acc, i;
    char want[64];
    static const struct {
        const char *sql, *want;
    } cases[] = {
        {"SELECT typeof(id) || typeof(flag) || typeof(ratio) || typeof(price) || typeof(name) || "
         "typeof(at) || typeof(day) || typeof(uid) FROM things WHERE id = 1",
         "integerintegerrealrealtexttexttexttext"},
        {"SELECT typeof(price) || typeof(ratio) || typeof(name) FROM things WHERE id = 2",
         "integernulltext"},
        {"SELECT typeof(ratio) || typeof(name) FROM things WHERE id = 3", "realnull"},
        {"SELECT flag FROM things WHERE id = 1", "1"},
        {"SELECT flag FROM things WHERE id = 2", "0"},
        {"SELECT ratio = 0.1 FROM things WHERE id = 1", "1"},
        {"SELECT price = 123.45 FROM things WHERE id = 1", "1"},
        {"SELECT price FROM things WHERE id = 2", "100"},
        {"SELECT price = -0.05 FROM things WHERE id = 3", "1"},
        {"SELECT name FROM things WHERE id = 1", "O'Brien, \"Jr\""},
        {"SELECT length(name) FROM things WHERE id = 2", "0"},
        {"SELECT at FROM things WHERE id = 1", "2026-03-01T12:34:56.789Z"},
        {"SELECT day FROM things WHERE id = 1", "2026-03-01"},
        {"SELECT uid FROM things WHERE id = 1", "01234567-89ab-cdef-0123-456789abcdef"},
        {"SELECT count(*) FROM things WHERE name IS NULL", "1"},
        {"SELECT ratio FROM things WHERE id = 3", "1.0e+300"},
        {"SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'things' AND "
         "name NOT LIKE 'sqlite_autoindex%'", "3"}, /* things_uid_key and the profile's two */
        {"PRAGMA journal_mode", "delete"},
        {"PRAGMA integrity_check", "ok"},
    };

    memset(v, 0, sizeof v);
    for (i = 0; i < 3; i++) {
        struct fount_value *row = v + i * NELEM(all_cols);
        row[0].type = FV_INT;
        row[0].v.i = (int64_t)i + 1;
        row[1].type = FV_BOOL;
        row[1].v.i = i == 0;
        row[5].type = FV_TIMESTAMP;
        row[5].v.i = INT64_C(1772368496789000) + (int64_t)i; /* 2026-03-01T12:34:56.789Z */
        row[6].type = FV_DATE;
        row[6].v.i = 20513 + (int64_t)i;                     /* 2026-03-01 */
        row[7].type = FV_UUID;
        memcpy(row[7].v.u, "\x01\x23\x45\x67\x89\xab\xcd\xef\x01\x23\x45\x67\x89\xab\xcd\xef", 16);
        row[7].v.u[15] = (uint8_t)(0xef + i);
        row[3].type = FV_DECIMAL;
    }
    v[2].type = FV_DOUBLE;
    v[2].v.d = 0.1;
    v[3].v.i = 12345;                                       /* 123.45 */
    v[4].type = FV_STRING;
    v[4].v.s = "O'Brien, \"Jr\"";
    v[4].len = (uint32_t)strlen(v[4].v.s);
    v[NELEM(all_cols) + 2].type = FV_NULL;
    v[NELEM(all_cols) + 3].v.i = 10000;                     /* 100.00: a whole number */
    v[NELEM(all_cols) + 4].type = FV_STRING;                /* empty, not NULL */
    v[NELEM(all_cols) + 4].v.s = NULL;
    v[NELEM(all_cols) + 4].len = 0;
    v[2 * NELEM(all_cols) + 2].type = FV_DOUBLE;
    v[2 * NELEM(all_cols) + 2].v.d = 1e300;
    v[2 * NELEM(all_cols) + 3].v.i = -5;                    /* -0.05 */
    v[2 * NELEM(all_cols) + 4].type = FV_NULL;

    run_init(&r, rels, 1, NULL, 0);
    cr_assert_eq(run_open(&r), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(sqlite_sink_type.begin(r.ctx, &all_rel, &r.err), FOUNT_OK, "%s", r.err.msg);
    {
        struct fount_batch b = {.rel = &all_rel, .first_row = 0, .nrows = 3, .vals = v,
                              .first_of_relation = 1};
        cr_assert_eq(sqlite_sink_type.write_batch(r.ctx, &b, &acc, &r.err), FOUNT_OK, "%s",
                     r.err.msg);
        cr_assert_eq(acc, 3);
    }
    cr_assert_eq(sqlite_sink_type.end(r.ctx, &all_rel, &r.err), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(sqlite_sink_type.flush(r.ctx, 1000, &r.err), FOUNT_OK, "%s", r.err.msg);
    run_close(&r);

    db = peek_open();
    for (i = 0; i < NELEM(cases); i++)
        cr_expect_str_eq(q(db, cases[i].sql), cases[i].want, "%s", cases[i].sql);
    /* Timestamps are the CSV encoder's text exactly. */
    want[fmt_timestamp(want, INT64_C(1772368496789000), 3, 0)] = '\0';
    cr_expect_str_eq(q(db, "SELECT at FROM things WHERE id = 1"), want);
    sqlite3_close(db);
}

/* Decimals: the stored REAL is what SQLite itself makes of the decimal's text, for many values. */
Test(sqlite, decimals_match_their_text)
{
    static const struct fount_column cols[] = {
        {.name = "id", .type = FV_INT, .primary_key = 1},
        {.name = "d", .type = FV_DECIMAL, .precision = 18, .scale = 4},
    };
    struct fount_relation rel = {.name = "dec", .ncols = 2, .cols = cols, .time_col = -1,
                                 .key_col = -1};
    const struct fount_relation *rels[] = {&rel};
    enum { N = 5000 };
    struct fount_value *v = calloc(N * 2, sizeof *v);
    struct run r;
    sqlite3 *db;
    sqlite3_stmt *st;
    uint64_t x = 88172645463325252ULL;
    size_t i, acc;

    for (i = 0; i < N; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v[2 * i].type = FV_INT;
        v[2 * i].v.i = (int64_t)i;
        v[2 * i + 1].type = FV_DECIMAL;
        v[2 * i + 1].v.i = (int64_t)(x % 2000000000000ULL) - 1000000000000LL;
        if (i % 10 == 0)
            v[2 * i + 1].v.i = (v[2 * i + 1].v.i / 10000) * 10000;
    }
    run_init(&r, rels, 1, NULL, 0);
    cr_assert_eq(run_open(&r), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(sqlite_sink_type.begin(r.ctx, &rel, &r.err), FOUNT_OK, "%s", r.err.msg);
    {
        struct fount_batch b = {.rel = &rel, .first_row = 0, .nrows = N, .vals = v,
                              .first_of_relation = 1};
        cr_assert_eq(sqlite_sink_type.write_batch(r.ctx, &b, &acc, &r.err), FOUNT_OK);
    }
    cr_assert_eq(sqlite_sink_type.end(r.ctx, &rel, &r.err), FOUNT_OK);
    cr_assert_eq(sqlite_sink_type.flush(r.ctx, 1000, &r.err), FOUNT_OK);
    run_close(&r);

    db = peek_open();
    exec_ok(db, "CREATE TABLE t2 (id INTEGER PRIMARY KEY, d NUMERIC(18,4))");
    cr_assert_eq(sqlite3_prepare_v2(db, "INSERT INTO t2 VALUES (?1, ?2)", -1, &st, NULL),
                 SQLITE_OK);
    for (i = 0; i < N; i++) {
        char txt[FMT_DECIMAL_MAX + 1];
        size_t n = fmt_decimal(txt, v[2 * i + 1].v.i, 4);
        sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
        sqlite3_bind_text(st, 2, txt, (int)n, SQLITE_TRANSIENT);
        cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    cr_expect_eq(qi(db, "SELECT count(*) FROM dec JOIN t2 USING (id) WHERE dec.d IS t2.d AND "
                        "typeof(dec.d) = typeof(t2.d)"), N);
    sqlite3_close(db);
    free(v);
}

/* Multi-row statements plus the 1-row tail, across batch sizes that are and are not multiples. */
Test(sqlite, many_rows_and_tails)
{
    static const size_t sizes[] = {1, 63, 64, 65, 1000, 4096};
    char *kv[] = {"stmt_rows=64"};
    size_t i;
    sqlite3 *db;

    for (i = 0; i < NELEM(sizes); i++) {
        char sql[128];
        unlink(path);
        load_narrow(&narrow_rel, sizes[i] * 3, sizes[i], kv, 1, 0, 0);
        db = peek_open();
        snprintf(sql, sizeof sql, "SELECT count(*) = %zu AND sum(id) = %zu AND min(id) = 1 FROM "
                                  "items", sizes[i] * 3, sizes[i] * 3 * (sizes[i] * 3 + 1) / 2);
        cr_expect_str_eq(q(db, sql), "1", "batch size %zu", sizes[i]);
        cr_expect_eq(qi(db, "SELECT count(*) FROM items WHERE note IS NULL"),
                     (long long)sizes[i]);
        sqlite3_close(db);
    }
}

/* ---------------------------------------------------------------- never clobber */

Test(sqlite, refuses_existing_tables_and_writes_nothing)
{
    const struct fount_relation *rels[] = {&other_rel, &narrow_rel};
    struct run r;
    sqlite3 *db = NULL;
    char *before, *after;
    size_t nb, na;

    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    exec_ok(db, "CREATE TABLE items (x); INSERT INTO items VALUES (1)");
    sqlite3_close(db);
    before = slurp(path, &nb);

    run_init(&r, rels, 2, NULL, 0);
    cr_expect_eq(run_open(&r), FOUNT_FATAL);
    cr_expect(strstr(r.err.msg, "already has table items (use --replace to drop and recreate "
                                "fount's tables, or --append to add rows after them)") != NULL,
              "%s", r.err.msg);
    cr_expect(strncmp(r.err.msg, path, strlen(path)) == 0, "%s", r.err.msg);
    run_close(&r);

    after = slurp(path, &na);
    cr_expect(nb == na && memcmp(before, after, nb) == 0, "the database changed");
    cr_expect(access(path, F_OK) == 0);
    free(before);
    free(after);
    {
        char side[160];
        snprintf(side, sizeof side, "%s-wal", path);
        cr_expect(access(side, F_OK) != 0, "a -wal file was left");
        snprintf(side, sizeof side, "%s-journal", path);
        cr_expect(access(side, F_OK) != 0, "a -journal file was left");
    }
}

Test(sqlite, refusal_names_every_existing_table)
{
    const struct fount_relation *rels[] = {&other_rel, &narrow_rel};
    struct run r;
    sqlite3 *db = NULL;

    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    exec_ok(db, "CREATE TABLE ITEMS (x); CREATE TABLE other (x)");
    sqlite3_close(db);
    run_init(&r, rels, 2, NULL, 0);
    cr_expect_eq(run_open(&r), FOUNT_FATAL);
    cr_expect(strstr(r.err.msg, "already has tables other, items (use --replace") != NULL, "%s",
              r.err.msg);
    run_close(&r);
}

/* A database file that open() created is removed when nothing was written into it. */
Test(sqlite, no_empty_file_left_behind)
{
    const struct fount_relation *rels[] = {&narrow_rel};
    struct run r;

    run_init(&r, rels, 1, NULL, 0);
    cr_assert_eq(run_open(&r), FOUNT_OK, "%s", r.err.msg);
    cr_expect(access(path, F_OK) == 0);
    run_close(&r);
    cr_expect(access(path, F_OK) != 0, "an empty database file was left behind");
}

Test(sqlite, bad_options_are_refused_before_anything_is_created)
{
    static const char *const bad[] = {"journal_mode=off", "journal_mode=memory", "stmt_rows=0",
                                      "txn_rows=0"};
    const struct fount_relation *rels[] = {&narrow_rel};
    size_t i;

    for (i = 0; i < NELEM(bad); i++) {
        char *kv[] = {(char *)bad[i]};
        struct run r;
        run_init(&r, rels, 1, kv, 1);
        cr_expect_eq(run_open(&r), FOUNT_FATAL, "%s", bad[i]);
        cr_expect(strstr(r.err.msg, strchr(bad[i], '=') ? "option" : "") != NULL, "%s",
                  r.err.msg);
        run_close(&r);
        cr_expect(access(path, F_OK) != 0, "%s: a file was created", bad[i]);
    }
}

Test(sqlite, unknown_option_is_rejected)
{
    char *kv[] = {"jurnal_mode=wal"};
    struct fount_err err;
    void *ctx = calloc(1, sqlite_sink_type.ctx_size);

    cr_expect_neq(sink_set_opts(&sqlite_sink_type, ctx, kv, 1, &err), 0);
    cr_expect(strstr(err.msg, "jurnal_mode") != NULL, "%s", err.msg);
    sink_free_opts(&sqlite_sink_type, ctx);
    free(ctx);
}

Test(sqlite, not_a_database)
{
    const struct fount_relation *rels[] = {&narrow_rel};
    struct run r;
    FILE *f = fopen(path, "w");

    cr_assert_not_null(f);
    fputs("id,code\n1,2\n", f);
    fclose(f);
    run_init(&r, rels, 1, NULL, 0);
    cr_expect_eq(run_open(&r), FOUNT_FATAL);
    cr_expect(strstr(r.err.msg, "file is not a database") != NULL, "%s", r.err.msg);
    run_close(&r);
    cr_expect(access(path, F_OK) == 0, "someone else's file was removed");
}

/* ---------------------------------------------------------------- --replace, --append */

Test(sqlite, replace_drops_only_the_runs_tables)
{
    sqlite3 *db = NULL;

    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    exec_ok(db, "CREATE TABLE items (x); INSERT INTO items VALUES ('old');"
                "CREATE TABLE keep (x); INSERT INTO keep VALUES ('mine')");
    sqlite3_close(db);
    load_narrow(&narrow_rel, 100, 40, NULL, 0, 0, 1);
    db = peek_open();
    cr_expect_eq(qi(db, "SELECT count(*) FROM items"), 100);
    cr_expect_str_eq(q(db, "SELECT x FROM keep"), "mine");
    cr_expect_eq(qi(db, "SELECT count(*) FROM pragma_table_info('items')"), 3);
    sqlite3_close(db);
}

Test(sqlite, append_continues_and_creates_missing_tables)
{
    const struct fount_relation *rels[] = {&narrow_rel, &other_rel};
    struct run r;
    uint64_t n = 99;
    sqlite3 *db;

    load_narrow(&narrow_rel, 1000, 300, NULL, 0, 0, 0);
    load_narrow(&narrow_rel, 500, 300, NULL, 0, 1, 0); /* rows 1000..1499 */
    run_init(&r, rels, 2, NULL, 0);
    r.args.append = 1;
    cr_assert_eq(run_open(&r), FOUNT_OK, "%s", r.err.msg);
    cr_expect_eq(sqlite_sink_type.existing_rows(r.ctx, &narrow_rel, &n, &r.err), FOUNT_OK);
    cr_expect_eq(n, 1500);
    cr_expect_eq(sqlite_sink_type.existing_rows(r.ctx, &other_rel, &n, &r.err), FOUNT_OK);
    cr_expect_eq(n, 0);
    cr_assert_eq(sqlite_sink_type.begin(r.ctx, &other_rel, &r.err), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(sqlite_sink_type.end(r.ctx, &other_rel, &r.err), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(sqlite_sink_type.flush(r.ctx, 1000, &r.err), FOUNT_OK, "%s", r.err.msg);
    run_close(&r);
    db = peek_open();
    cr_expect_str_eq(q(db, "SELECT count(*) || ' ' || count(DISTINCT id) || ' ' || max(id) FROM "
                           "items"), "1500 1500 1500");
    cr_expect_eq(qi(db, "SELECT count(*) FROM other"), 0);
    sqlite3_close(db);
}

Test(sqlite, append_refuses_a_foreign_table_shape)
{
    const struct fount_relation *rels[] = {&narrow_rel};
    struct run r;
    sqlite3 *db = NULL;

    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    exec_ok(db, "CREATE TABLE items (id INTEGER PRIMARY KEY, code INTEGER)");
    sqlite3_close(db);
    run_init(&r, rels, 1, NULL, 0);
    r.args.append = 1;
    cr_expect_eq(run_open(&r), FOUNT_FATAL);
    cr_expect(strstr(r.err.msg, "table items has no column note") != NULL, "%s", r.err.msg);
    run_close(&r);
}

/* An existing WAL database stays in WAL mode; a new one ends in rollback (delete) mode. */
Test(sqlite, journal_mode_is_restored)
{
    sqlite3 *db = NULL;

    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_str_eq(q(db, "PRAGMA journal_mode=WAL"), "wal");
    sqlite3_close(db);
    load_narrow(&narrow_rel, 10, 10, NULL, 0, 1, 0);
    db = peek_open();
    cr_expect_str_eq(q(db, "PRAGMA journal_mode"), "wal");
    sqlite3_close(db);
}

/* ---------------------------------------------------------------- errors */

/* 2026-03 #4: a second connection holding the write lock makes write_batch return RETRY with
 * nothing accepted; once it lets go, the resend goes through. */
Test(sqlite, busy_is_retry)
{
    const struct fount_relation *rels[] = {&narrow_rel};
    char *kv[] = {"exclusive=false", "txn_rows=1"};
    struct run r;
    sqlite3 *other;
    size_t acc = 99;

    run_init(&r, rels, 1, kv, 2);
    cr_assert_eq(run_open(&r), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(sqlite_sink_type.begin(r.ctx, &narrow_rel, &r.err), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(write_narrow(&r, &narrow_rel, 0, 100, 0, &acc), FOUNT_OK, "%s", r.err.msg);
    other = peek_open();
    /* txn_rows=1: the first batch is committed, so the other connection sees it. */
    cr_expect_eq(qi(other, "SELECT count(*) FROM items"), 100);
    exec_ok(other, "BEGIN IMMEDIATE");
    cr_expect_eq(write_narrow(&r, &narrow_rel, 100, 100, 0, &acc), FOUNT_RETRY, "%s", r.err.msg);
    cr_expect_eq(acc, 0);
    cr_expect(strstr(r.err.msg, "locked") != NULL, "%s", r.err.msg);
    exec_ok(other, "COMMIT");
    cr_expect_eq(write_narrow(&r, &narrow_rel, 100, 100, 0, &acc), FOUNT_OK, "%s", r.err.msg);
    cr_expect_eq(acc, 100);
    cr_expect_eq(qi(other, "SELECT count(*) FROM items"), 200);
    cr_assert_eq(sqlite_sink_type.end(r.ctx, &narrow_rel, &r.err), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(sqlite_sink_type.flush(r.ctx, 1000, &r.err), FOUNT_OK, "%s", r.err.msg);
    run_close(&r);
    cr_expect_eq(qi(other, "SELECT count(*) FROM items"), 200);
    sqlite3_close(other);
}

/* The default exclusive lock: another connection cannot even read during the load. */
Test(sqlite, exclusive_lock_during_the_load)
{
    const struct fount_relation *rels[] = {&narrow_rel};
    struct run r;
    sqlite3 *other;
    sqlite3_stmt *st = NULL;
    size_t acc;
    int rc;

    run_init(&r, rels, 1, NULL, 0);
    cr_assert_eq(run_open(&r), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(sqlite_sink_type.begin(r.ctx, &narrow_rel, &r.err), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(write_narrow(&r, &narrow_rel, 0, 10, 0, &acc), FOUNT_OK);
    other = peek_open();
    rc = sqlite3_prepare_v2(other, "SELECT count(*) FROM items", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    cr_expect_eq(rc & 0xff, SQLITE_BUSY, "rc %d", rc);
    sqlite3_finalize(st);
    sqlite3_close(other);
    cr_assert_eq(sqlite_sink_type.end(r.ctx, &narrow_rel, &r.err), FOUNT_OK);
    cr_assert_eq(sqlite_sink_type.flush(r.ctx, 1000, &r.err), FOUNT_OK);
    run_close(&r);
}

/* Writes narrow rows [first, first + n) with code = id, except that row first + dup_at gets
 * the code dup_code. */
static int write_with_dup(struct run *r, uint64_t first, size_t n, size_t dup_at,
                          int64_t dup_code, size_t *acc)
{
    char *notes = calloc(n, 24);
    struct fount_value *v = narrow_rows(first, n, 0, notes);
    struct fount_batch b = {.rel = &narrow_rel, .first_row = first, .nrows = n, .vals = v,
                              .first_of_relation = 0};
    int rc;

    v[dup_at * 3 + 1].v.i = dup_code;
    r->err.msg[0] = '\0';
    rc = sqlite_sink_type.write_batch(r->ctx, &b, acc, &r->err);
    free(v);
    free(notes);
    return rc;
}

/* The duplicate-key cases, on an open run whose table holds rows 0..999 (codes 1..1000) and
 * checks uniqueness row by row. */
static void check_duplicates(struct run *r)
{
    static const struct {
        size_t n, dup_at;
        int64_t dup_code; /* 0: the code of the batch's row 10 */
    } cases[] = {
        {200, 70, 5},  /* second 64-row statement, clashes with an earlier batch */
        {100, 90, 7},  /* the 1-row tail */
        {200, 20, 0},  /* clashes with row 10 of the same statement */
        {200, 0, 9},   /* the very first row: nothing accepted */
    };
    uint64_t first = 1000, total = 1000;
    size_t acc = 0, i;
    sqlite3 *db;

    for (i = 0; i < NELEM(cases); i++) {
        char want[64];
        int64_t code = cases[i].dup_code ? cases[i].dup_code : (int64_t)(first + 10 + 1);
        acc = 12345;
        cr_expect_eq(write_with_dup(r, first, cases[i].n, cases[i].dup_at, code, &acc),
                     FOUNT_ERROR, "case %zu: %s", i, r->err.msg);
        cr_expect_eq(acc, cases[i].dup_at, "case %zu", i);
        snprintf(want, sizeof want, "table items, row %llu: ",
                 (unsigned long long)(first + cases[i].dup_at));
        cr_expect(strstr(r->err.msg, want) != NULL, "case %zu: %s", i, r->err.msg);
        cr_expect(strstr(r->err.msg, "UNIQUE constraint failed: items.code") != NULL, "%s",
                  r->err.msg);
        /* The runner goes on with the next batch. */
        first += cases[i].n;
        total += cases[i].dup_at;
        cr_expect_eq(write_narrow(r, &narrow_rel, first, 10, 0, &acc), FOUNT_OK, "%s",
                     r->err.msg);
        first += 10;
        total += 10;
    }
    cr_assert_eq(sqlite_sink_type.end(r->ctx, &narrow_rel, &r->err), FOUNT_OK, "%s", r->err.msg);
    cr_assert_eq(sqlite_sink_type.flush(r->ctx, 1000, &r->err), FOUNT_OK, "%s", r->err.msg);
    run_close(r);
    db = peek_open();
    cr_expect_eq(qi(db, "SELECT count(*) FROM items"), (long long)total);
    cr_expect_eq(qi(db, "SELECT count(*) FROM items WHERE id BETWEEN 1001 AND 1070"), 70);
    cr_expect_eq(qi(db, "SELECT count(*) FROM items WHERE id BETWEEN 1071 AND 1200"), 0);
    cr_expect_str_eq(q(db, "PRAGMA integrity_check"), "ok");
    sqlite3_close(db);
}

/* A duplicate key with inline UNIQUE: ERROR naming the exact row, whether it sits in a
 * multi-row statement, in the 1-row tail, or clashes with a row of its own statement; the rows
 * before it are kept and accepted, the rest of the batch is not written, the load goes on. */
Test(sqlite, constraint_is_error_with_the_row)
{
    const struct fount_relation *rels[] = {&narrow_rel};
    char *kv[] = {"stmt_rows=64", "unique_after=false"};
    struct run r;
    size_t acc;

    run_init(&r, rels, 1, kv, 2);
    cr_assert_eq(run_open(&r), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(sqlite_sink_type.begin(r.ctx, &narrow_rel, &r.err), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(write_narrow(&r, &narrow_rel, 0, 1000, 0, &acc), FOUNT_OK);
    check_duplicates(&r);
}

/* The same with --append into a table an earlier default run made (its unique index built after
 * its load): appended rows are checked one by one too. */
Test(sqlite, constraint_on_append_is_error_with_the_row)
{
    const struct fount_relation *rels[] = {&narrow_rel};
    char *kv[] = {"stmt_rows=64"};
    struct run r;
    uint64_t have;

    load_narrow(&narrow_rel, 1000, 400, NULL, 0, 0, 0);
    run_init(&r, rels, 1, kv, 1);
    r.args.append = 1;
    cr_assert_eq(run_open(&r), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(sqlite_sink_type.existing_rows(r.ctx, &narrow_rel, &have, &r.err), FOUNT_OK);
    cr_assert_eq(have, 1000);
    cr_assert_eq(sqlite_sink_type.begin(r.ctx, &narrow_rel, &r.err), FOUNT_OK, "%s", r.err.msg);
    check_duplicates(&r);
}

/* Note 6: a new table's UNIQUE columns become unique indexes after the load; unique_after=false
 * keeps them inline, as `fount schema` prints them. Both enforce them afterwards. */
Test(sqlite, unique_columns_are_indexed_after_the_load)
{
    char *kv[] = {"unique_after=false"};
    sqlite3 *db;
    int pass;

    for (pass = 0; pass < 2; pass++) {
        unlink(path);
        load_narrow(&narrow_rel, 300, 100, kv, (size_t)pass, 0, 0);
        db = peek_open();
        cr_expect_eq(qi(db, "SELECT instr(sql, 'UNIQUE') > 0 FROM sqlite_schema WHERE "
                            "name = 'items'"), pass);
        cr_expect_eq(qi(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'items_code_key'"),
                     !pass);
        cr_expect_eq(qi(db, "SELECT count(*) FROM pragma_index_list('items') WHERE \"unique\""), 1);
        cr_expect_neq(sqlite3_exec(db, "INSERT INTO items VALUES (1000, 5, NULL)", NULL, NULL,
                                   NULL), SQLITE_OK);
        cr_expect(strstr(sqlite3_errmsg(db), "UNIQUE constraint failed: items.code") != NULL, "%s",
                  sqlite3_errmsg(db));
        sqlite3_close(db);
    }
}

/* Should a new table's values not be distinct after all, end() says which column. */
Test(sqlite, duplicates_in_a_new_table_fail_at_end)
{
    const struct fount_relation *rels[] = {&narrow_rel};
    struct run r;
    size_t acc;

    run_init(&r, rels, 1, NULL, 0);
    cr_assert_eq(run_open(&r), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(sqlite_sink_type.begin(r.ctx, &narrow_rel, &r.err), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(write_narrow(&r, &narrow_rel, 0, 100, 0, &acc), FOUNT_OK);
    cr_assert_eq(write_with_dup(&r, 100, 100, 50, 3, &acc), FOUNT_OK, "%s", r.err.msg);
    cr_expect_eq(sqlite_sink_type.end(r.ctx, &narrow_rel, &r.err), FOUNT_FATAL);
    cr_expect(strstr(r.err.msg, "items.code holds duplicates, so its unique index cannot be "
                                "built: UNIQUE constraint failed: items.code") != NULL, "%s",
              r.err.msg);
    run_close(&r);
}

/* --append to a table that lost its unique index (a run killed before its end()): the index is
 * built before the first new row. */
Test(sqlite, append_builds_a_missing_unique_index_first)
{
    const struct fount_relation *rels[] = {&narrow_rel};
    struct run r;
    sqlite3 *db;
    size_t acc;

    load_narrow(&narrow_rel, 100, 100, NULL, 0, 0, 0);
    db = peek_open();
    exec_ok(db, "DROP INDEX items_code_key");
    sqlite3_close(db);
    run_init(&r, rels, 1, NULL, 0);
    r.args.append = 1;
    cr_assert_eq(run_open(&r), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(sqlite_sink_type.begin(r.ctx, &narrow_rel, &r.err), FOUNT_OK, "%s", r.err.msg);
    db = peek_open();
    sqlite3_close(db);
    cr_expect_eq(write_with_dup(&r, 100, 10, 5, 3, &acc), FOUNT_ERROR, "%s", r.err.msg);
    cr_expect_eq(acc, 5);
    cr_assert_eq(sqlite_sink_type.end(r.ctx, &narrow_rel, &r.err), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(sqlite_sink_type.flush(r.ctx, 1000, &r.err), FOUNT_OK, "%s", r.err.msg);
    run_close(&r);
    db = peek_open();
    cr_expect_eq(qi(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'items_code_key'"), 1);
    cr_expect_eq(qi(db, "SELECT count(*) FROM items"), 105);
    sqlite3_close(db);
}

/* Transactions: by default every batch commits before write_batch returns; with txn_rows
 * larger, batches wait for the threshold or the end of the table. */
Test(sqlite, transactions)
{
    const struct fount_relation *rels[] = {&narrow_rel, &other_rel};
    char *kv[] = {"exclusive=false", "txn_rows=10000"};
    struct run r;
    sqlite3 *other;
    size_t acc;
    int pass;

    for (pass = 0; pass < 2; pass++) {
        unlink(path);
        run_init(&r, rels, 2, kv, pass ? 2 : 1);
        cr_assert_eq(run_open(&r), FOUNT_OK, "%s", r.err.msg);
        cr_assert_eq(sqlite_sink_type.begin(r.ctx, &narrow_rel, &r.err), FOUNT_OK, "%s",
                     r.err.msg);
        cr_assert_eq(write_narrow(&r, &narrow_rel, 0, 4096, 0, &acc), FOUNT_OK);
        cr_assert_eq(write_narrow(&r, &narrow_rel, 4096, 4096, 0, &acc), FOUNT_OK);
        other = peek_open();
        cr_expect_eq(qi(other, "SELECT count(*) FROM items"), pass ? 0 : 8192);
        cr_assert_eq(write_narrow(&r, &narrow_rel, 8192, 4096, 0, &acc), FOUNT_OK);
        cr_expect_eq(qi(other, "SELECT count(*) FROM items"), 12288); /* past 10000 */
        cr_assert_eq(write_narrow(&r, &narrow_rel, 12288, 100, 0, &acc), FOUNT_OK);
        cr_expect_eq(qi(other, "SELECT count(*) FROM items"), pass ? 12288 : 12388);
        cr_assert_eq(sqlite_sink_type.end(r.ctx, &narrow_rel, &r.err), FOUNT_OK, "%s", r.err.msg);
        cr_expect_eq(qi(other, "SELECT count(*) FROM items"), 12388);
        cr_assert_eq(sqlite_sink_type.flush(r.ctx, 1000, &r.err), FOUNT_OK, "%s", r.err.msg);
        run_close(&r);
        sqlite3_close(other);
    }
}

/* A failed run (no end, no flush: the runner stopped on FATAL) leaves every committed batch, in
 * a database that opens and checks out, its unique indexes built; with txn_rows larger, the
 * open transaction is rolled back. */
Test(sqlite, close_without_flush)
{
    const struct fount_relation *rels[] = {&narrow_rel, &other_rel};
    char *kv[] = {"txn_rows=100000"};
    struct run r;
    sqlite3 *db;
    size_t acc;
    int pass;

    for (pass = 0; pass < 2; pass++) {
        remove_dir();
        make_dir();
        run_init(&r, rels, 2, kv, (size_t)pass);
        cr_assert_eq(run_open(&r), FOUNT_OK, "%s", r.err.msg);
        cr_assert_eq(sqlite_sink_type.begin(r.ctx, &narrow_rel, &r.err), FOUNT_OK, "%s",
                     r.err.msg);
        cr_assert_eq(write_narrow(&r, &narrow_rel, 0, 500, 0, &acc), FOUNT_OK);
        cr_assert_eq(sqlite_sink_type.end(r.ctx, &narrow_rel, &r.err), FOUNT_OK, "%s", r.err.msg);
        cr_assert_eq(sqlite_sink_type.begin(r.ctx, &other_rel, &r.err), FOUNT_OK, "%s",
                     r.err.msg);
        cr_assert_eq(write_narrow(&r, &other_rel, 0, 500, 0, &acc), FOUNT_OK);
        cr_assert_eq(write_narrow(&r, &other_rel, 500, 500, 0, &acc), FOUNT_OK);
        run_close(&r);
        db = peek_open();
        cr_expect_eq(qi(db, "SELECT count(*) FROM items"), 500);
        cr_expect_eq(qi(db, "SELECT count(*) FROM other"), pass ? 0 : 1000);
        cr_expect_eq(qi(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'other_code_key'"), 1);
        cr_expect_str_eq(q(db, "PRAGMA integrity_check"), "ok");
        cr_expect_str_eq(q(db, "PRAGMA journal_mode"), "delete");
        sqlite3_close(db);
    }
}

/* Schema drift: a column absent from a row's schema version is NULL in the table. */
Test(sqlite, drifted_rows_bind_null_for_absent_columns)
{
    static const uint8_t absent[] = {0, 0, 0, /* version 0: all there */
                                     0, 0, 1}; /* version 1: no note */
    static const uint8_t versions[] = {0, 1, 0, 1};
    struct fount_relation rel = narrow_rel;
    const struct fount_relation *rels[] = {&rel};
    char notes[4 * 24];
    struct fount_value *v = narrow_rows(0, 4, 0, notes);
    struct fount_batch b = {.rel = &rel, .first_row = 0, .nrows = 4, .vals = v,
                            .first_of_relation = 1, .row_version = versions};
    struct run r;
    sqlite3 *db;
    size_t acc;

    rel.absent = absent;
    run_init(&r, rels, 1, NULL, 0);
    cr_assert_eq(run_open(&r), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(sqlite_sink_type.begin(r.ctx, &rel, &r.err), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(sqlite_sink_type.write_batch(r.ctx, &b, &acc, &r.err), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(sqlite_sink_type.end(r.ctx, &rel, &r.err), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(sqlite_sink_type.flush(r.ctx, 1000, &r.err), FOUNT_OK, "%s", r.err.msg);
    run_close(&r);
    free(v);
    db = peek_open();
    cr_expect_str_eq(q(db, "SELECT group_concat(coalesce(note, '-'), ' ') FROM (SELECT note FROM "
                           "items ORDER BY id)"), "n0 - - -");
    sqlite3_close(db);
}

/* journal_mode=auto: a rollback journal (persist) for the load, WAL with --sqlite-durable; the
 * database's own mode (delete, for a new one) afterwards. */
Test(sqlite, journal_mode_auto)
{
    const struct fount_relation *rels[] = {&narrow_rel};
    char *kv[] = {"exclusive=false"};
    struct run r;
    sqlite3 *db;
    size_t acc;
    int durable;

    for (durable = 0; durable < 2; durable++) {
        unlink(path);
        run_init(&r, rels, 1, kv, 1);
        r.args.durable = durable;
        cr_assert_eq(run_open(&r), FOUNT_OK, "%s", r.err.msg);
        cr_assert_eq(sqlite_sink_type.begin(r.ctx, &narrow_rel, &r.err), FOUNT_OK, "%s",
                     r.err.msg);
        cr_assert_eq(write_narrow(&r, &narrow_rel, 0, 100, 0, &acc), FOUNT_OK);
        {
            char side[160];
            snprintf(side, sizeof side, "%s%s", path, durable ? "-wal" : "-journal");
            cr_expect(access(side, F_OK) == 0, "no %s during the load", side);
        }
        db = peek_open();
        cr_expect_str_eq(q(db, "PRAGMA journal_mode"), durable ? "wal" : "delete");
        sqlite3_close(db);
        cr_assert_eq(sqlite_sink_type.end(r.ctx, &narrow_rel, &r.err), FOUNT_OK, "%s", r.err.msg);
        cr_assert_eq(sqlite_sink_type.flush(r.ctx, 1000, &r.err), FOUNT_OK, "%s", r.err.msg);
        run_close(&r);
        db = peek_open();
        cr_expect_str_eq(q(db, "PRAGMA journal_mode"), "delete");
        sqlite3_close(db);
    }
}

/* With a commit per batch, the rows a constraint failure lets through are committed at once,
 * like any batch's: what the runner counts is in the database. */
Test(sqlite, rows_before_a_failure_are_committed)
{
    const struct fount_relation *rels[] = {&narrow_rel};
    char *kv[] = {"exclusive=false", "unique_after=false"};
    struct run r;
    sqlite3 *other;
    size_t acc;

    run_init(&r, rels, 1, kv, 2);
    cr_assert_eq(run_open(&r), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(sqlite_sink_type.begin(r.ctx, &narrow_rel, &r.err), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(write_narrow(&r, &narrow_rel, 0, 100, 0, &acc), FOUNT_OK);
    cr_expect_eq(write_with_dup(&r, 100, 100, 30, 7, &acc), FOUNT_ERROR, "%s", r.err.msg);
    cr_expect_eq(acc, 30);
    other = peek_open();
    cr_expect_eq(qi(other, "SELECT count(*) FROM items"), 130);
    sqlite3_close(other);
    cr_assert_eq(sqlite_sink_type.end(r.ctx, &narrow_rel, &r.err), FOUNT_OK, "%s", r.err.msg);
    cr_assert_eq(sqlite_sink_type.flush(r.ctx, 1000, &r.err), FOUNT_OK, "%s", r.err.msg);
    run_close(&r);
}
