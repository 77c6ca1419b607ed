/* sqlite-limit.c: how fast can SQLite itself take rows shaped like shop.json's orders on this
 * machine? A plain C loop binds pre-built rows (no generation, no formatting in the loop) into a
 * prepared multi-row INSERT inside large transactions, with the pragmas fount's SQLite sink uses
 * during a load, into the table fount creates for orders (same types, same UNIQUE order_uuid).
 * The figure is the ceiling the sink is measured against; scripts/bench-sqlite.sh runs it in a
 * few configurations and keeps the best. Leaves out: anything fount does (threads, generation).
 *
 * usage: sqlite-limit DB [-n rows] [-k rows_per_statement] [-t rows_per_transaction] [-f]
 *                        [-j journal_mode] [-s synchronous] [-p page_size] [-c cache_kib]
 *                        [-a wal_autocheckpoint_pages] [-m temp_store] [-i] [-u]
 *   -f  INSERT OR FAIL instead of INSERT (no statement journal; what fount uses)
 *   -i  also create the two secondary indexes of orders afterwards, as fount does
 *   -u  declare order_uuid without UNIQUE and build a unique index on it after the load
 * Defaults: 1000000 rows, 64 rows per statement, 262144 per transaction, PERSIST, synchronous OFF,
 * 4096-byte pages, a 64 MiB cache, temp_store FILE, autocheckpoint every 1000 pages.
 * The clock runs from the first pragma to sqlite3_close, so it includes the final synced
 * checkpoint (and with -i the indexes), as fount's own figure does; the data is built before.
 * Prints one line: "<rows> rows in <s> s: <rows/s> rows/s (cpu <s> s; <configuration>)".
 * DB is deleted first (with its -wal and -journal files). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define POOL 65536 /* distinct pre-built rows, cycled; ids and uuids stay unique */

struct row {
    int64_t customer_id;
    char ordered_at[24];
    const char *status;
    double total;
    int64_t total_int; /* when the total has no cents: NUMERIC stores it as INTEGER */
    int total_is_int;
    const char *currency;
    char coupon[8];
    int has_coupon;
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* order_uuid is UNIQUE, so every row has its own, built before the clock starts (random order,
 * like fount's v7 uuids whose time part follows the random ordered_at). 37 bytes per row. */
static char *build_uuids(long long n)
{
    char *u = malloc((size_t)n * 37);
    long long i;

    if (!u)
        exit(1);
    for (i = 0; i < n; i++)
        snprintf(u + i * 37, 37, "%08x-%04x-7%03x-%04x-%012llx", (unsigned)rnd(),
                 (unsigned)(rnd() & 0xffff), (unsigned)(rnd() & 0xfff),
                 (unsigned)(0x8000 | (rnd() & 0x3fff)),
                 (unsigned long long)(rnd() & 0xffffffffffffULL));
    return u;
}

static void build_pool(struct row *pool)
{
    static const char *const status[] = {"pending", "paid", "shipped", "delivered", "cancelled",
                                         "refunded"};
    static const char *const cur[] = {"USD", "EUR", "GBP"};
    size_t i;

    for (i = 0; i < POOL; i++) {
        struct row *r = &pool[i];
        uint64_t x = rnd();
        int64_t cents = (int64_t)(100 + rnd() % 2000000);
        snprintf(r->ordered_at, sizeof r->ordered_at, "20%02u-%02u-%02uT%02u:%02u:%02uZ",
                 (unsigned)(24 + x % 2), (unsigned)(1 + x % 12), (unsigned)(1 + x % 28),
                 (unsigned)(x % 24), (unsigned)(x % 60), (unsigned)((x >> 8) % 60));
        r->customer_id = (int64_t)(rnd() % 10000) + 1;
        r->status = status[rnd() % 6];
        r->total_is_int = cents % 100 == 0;
        r->total_int = cents / 100;
        r->total = (double)cents / 100.0;
        r->currency = cur[rnd() % 3];
        r->has_coupon = rnd() % 5 == 0;
        snprintf(r->coupon, sizeof r->coupon, "SAVE%02u", (unsigned)(rnd() % 100));
    }
}

static void die(sqlite3 *db, const char *what)
{
    fprintf(stderr, "sqlite-limit: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
    exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        die(db, sql);
}

static sqlite3_stmt *prepare_insert(sqlite3 *db, int k, const char *verb)
{
    static const char head[] = " INTO \"orders\" (\"id\",\"customer_id\",\"ordered_at\","
                               "\"status\",\"total\",\"currency\",\"order_uuid\",\"coupon\") "
                               "VALUES ";
    size_t n = sizeof head + strlen(verb) + (size_t)k * 20;
    char *sql = malloc(n), *p;
    sqlite3_stmt *st;
    int i;

    if (!sql)
        exit(1);
    p = sql + sprintf(sql, "%s%s", verb, head);
    for (i = 0; i < k; i++)
        p += sprintf(p, "%s(?,?,?,?,?,?,?,?)", i ? "," : "");
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        die(db, "prepare");
    free(sql);
    return st;
}

static void bind_row(sqlite3_stmt *st, int base, int64_t id, const struct row *r,
                     const char *uuid)
{
    sqlite3_bind_int64(st, base + 1, id);
    sqlite3_bind_int64(st, base + 2, r->customer_id);
    sqlite3_bind_text(st, base + 3, r->ordered_at, 20, SQLITE_STATIC);
    sqlite3_bind_text(st, base + 4, r->status, (int)strlen(r->status), SQLITE_STATIC);
    if (r->total_is_int)
        sqlite3_bind_int64(st, base + 5, r->total_int);
    else
        sqlite3_bind_double(st, base + 5, r->total);
    sqlite3_bind_text(st, base + 6, r->currency, 3, SQLITE_STATIC);
    sqlite3_bind_text(st, base + 7, uuid, 36, SQLITE_STATIC);
    if (r->has_coupon)
        sqlite3_bind_text(st, base + 8, r->coupon, 6, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, base + 8);
}

static void step(sqlite3 *db, sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_DONE)
        die(db, "insert");
    sqlite3_reset(st);
}

int main(int argc, char **argv)
{
    const char *path, *journal = "PERSIST", *sync = "OFF", *temp = "FILE", *verb = "INSERT";
    long long nrows = 1000000, k = 64, per_txn = 262144, page = 4096, cache_kib = 65536;
    long long ckpt = 1000;
    int opt, indexes = 0, defer_unique = 0;
    struct row *pool;
    char *uuids;
    sqlite3 *db;
    sqlite3_stmt *ins_k, *ins_1;
    char sql[256], side[4096], ddl[1024];
    double t0, cpu0;
    int64_t id = 1;

    while ((opt = getopt(argc, argv, "n:k:t:j:s:p:c:a:m:fiu")) != -1) {
        switch (opt) {
        case 'n': nrows = atoll(optarg); break;
        case 'k': k = atoll(optarg); break;
        case 't': per_txn = atoll(optarg); break;
        case 'j': journal = optarg; break;
        case 's': sync = optarg; break;
        case 'p': page = atoll(optarg); break;
        case 'c': cache_kib = atoll(optarg); break;
        case 'i': indexes = 1; break;
        case 'a': ckpt = atoll(optarg); break;
        case 'm': temp = optarg; break;
        case 'f': verb = "INSERT OR FAIL"; break;
        case 'u': defer_unique = 1; break;
        default:
            fprintf(stderr, "usage: sqlite-limit DB [-n rows] [-k rows/stmt] [-t rows/txn] [-f] "
                            "[-j journal] [-s sync] [-p page_size] [-c cache_kib] "
                            "[-a ckpt_pages] [-m temp_store] [-i] [-u]\n");
            return 2;
        }
    }
    if (optind != argc - 1 || k < 1 || k * 8 > 32766 || per_txn < 1 || nrows < 1)
        return fprintf(stderr, "sqlite-limit: bad arguments\n"), 2;
    path = argv[optind];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-journal", path);
    unlink(side);
    pool = malloc(POOL * sizeof *pool);
    if (!pool)
        return 1;
    build_pool(pool);
    uuids = build_uuids(nrows);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                       SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        die(db, "open");
    {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        cpu0 = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
               (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    }
    t0 = now_s();
    snprintf(sql, sizeof sql, "PRAGMA page_size=%lld", page);
    exec(db, sql);
    exec(db, "PRAGMA locking_mode=EXCLUSIVE");
    snprintf(sql, sizeof sql, "PRAGMA journal_mode=%s", journal);
    exec(db, sql);
    snprintf(sql, sizeof sql, "PRAGMA synchronous=%s", sync);
    exec(db, sql);
    snprintf(sql, sizeof sql, "PRAGMA cache_size=-%lld", cache_kib);
    exec(db, sql);
    snprintf(sql, sizeof sql, "PRAGMA temp_store=%s", temp);
    exec(db, sql);
    snprintf(sql, sizeof sql, "PRAGMA wal_autocheckpoint=%lld", ckpt);
    exec(db, sql);
    /* -u: the UNIQUE constraint as a unique index built after the load (as pg_restore does). */
    snprintf(ddl, sizeof ddl,
             "CREATE TABLE \"orders\" (\n"
             "  \"id\" INTEGER NOT NULL PRIMARY KEY,\n"
             "  \"customer_id\" INTEGER NOT NULL,\n"
             "  \"ordered_at\" TIMESTAMP NOT NULL,\n"
             "  \"status\" TEXT NOT NULL,\n"
             "  \"total\" NUMERIC(12,2) NOT NULL,\n"
             "  \"currency\" TEXT NOT NULL,\n"
             "  \"order_uuid\" TEXT NOT NULL%s,\n"
             "  \"coupon\" TEXT,\n"
             "  FOREIGN KEY (\"customer_id\") REFERENCES \"customers\" (\"id\")\n"
             ");", defer_unique ? "" : " UNIQUE");
    exec(db, ddl);
    ins_k = prepare_insert(db, (int)k, verb);
    ins_1 = prepare_insert(db, 1, verb);
    while (id <= nrows) {
        int64_t end = id + per_txn - 1 > nrows ? nrows : id + per_txn - 1;
        exec(db, "BEGIN");
        while (end - id + 1 >= k) {
            int j;
            for (j = 0; j < k; j++, id++)
                bind_row(ins_k, j * 8, id, &pool[(size_t)id % POOL], uuids + (id - 1) * 37);
            step(db, ins_k);
        }
        for (; id <= end; id++) {
            bind_row(ins_1, 0, id, &pool[(size_t)id % POOL], uuids + (id - 1) * 37);
            step(db, ins_1);
        }
        exec(db, "COMMIT");
    }
    if (defer_unique)
        exec(db, "CREATE UNIQUE INDEX \"orders_order_uuid_key\" ON \"orders\" (\"order_uuid\")");
    if (indexes) {
        exec(db, "CREATE INDEX \"orders_customer_id_idx\" ON \"orders\" (\"customer_id\")");
        exec(db, "CREATE INDEX \"orders_ordered_at_idx\" ON \"orders\" (\"ordered_at\")");
    }
    sqlite3_finalize(ins_k);
    sqlite3_finalize(ins_1);
    /* As fount's flush: back to a rollback journal, and the file synced once. */
    exec(db, "PRAGMA synchronous=FULL");
    exec(db, "PRAGMA journal_mode=DELETE");
    {
        int fd = open(path, O_RDONLY);
        if (fd < 0 || fsync(fd) != 0) {
            fprintf(stderr, "sqlite-limit: fsync %s: %s\n", path, strerror(errno));
            return 1;
        }
        close(fd);
    }
    sqlite3_close(db);
    {
        double t = now_s() - t0, cpu;
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
              (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6 - cpu0;
        printf("%lld rows in %.3f s: %.0f rows/s (cpu %.3f s; %s k=%lld t=%lld journal=%s "
               "sync=%s page=%lld cache=%lldKiB temp=%s%s%s)\n",
               nrows, t, (double)nrows / t, cpu, verb, k, per_txn, journal, sync, page, cache_kib,
               temp, defer_unique ? " unique-after" : "", indexes ? " with indexes" : "");
    }
    free(pool);
    free(uuids);
    return 0;
}
