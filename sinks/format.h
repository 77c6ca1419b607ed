/* format.h: encoders that turn a batch into bytes for the byte-oriented sinks (file, and later HTTP
 * and Kafka): CSV (RFC 4180), JSON Lines, SQL INSERT statements in three dialects, and the CREATE
 * TABLE statements of `fount schema`. Encoders run on worker threads, so they are pure functions of
 * their arguments. Leaves out: where the bytes go. */
#ifndef FOUNT_FORMAT_H
#define FOUNT_FORMAT_H

#include "../generator/common.h"
#include "../generator/value.h"

enum fount_format { FMT_CSV, FMT_JSONL, FMT_SQL, FMT_INFLUX, FMT_PROMETHEUS };
enum fount_dialect { DIALECT_SQLITE, DIALECT_POSTGRES, DIALECT_MYSQL };

/* Rows per INSERT statement. Statements start at rows whose absolute index is a multiple of this
 * (or at the start of a batch), so shard outputs concatenate to the unsharded output. */
#define FORMAT_SQL_ROWS 500

struct fount_encoder {
    enum fount_format format;
    enum fount_dialect dialect; /* FMT_SQL only */
};

/* Lookups by name ("csv", "jsonl", "sql", "influx" (or "lp"), "prometheus" (or "prom"); "sqlite",
 * "postgres", "mysql"). -1 if unknown. */
int format_from_name(const char *name);
int dialect_from_name(const char *name);
const char *format_name(enum fount_format f);
const char *format_extension(enum fount_format f); /* "csv", "jsonl", "sql", "lp", "prom" */

/* Appends the relation's header (CSV: the column names; Prometheus: # HELP and # TYPE; others:
 * nothing). */
int encode_header(const struct fount_encoder *e, const struct fount_relation *rel, struct buf *out);
/* Appends the batch's rows. Returns 0, or -1 if out's cap was reached. */
int encode_batch(const struct fount_encoder *e, const struct fount_batch *b, struct buf *out);

/* The same for rows with injected faults or schema drift (row_flags / row_version): one row at
 * a time, omitting drifted-away keys in JSON, truncating and corrupting payloads as flagged. */
int encode_batch_faults(const struct fount_encoder *e, const struct fount_batch *b,
                        struct buf *out);

/* format_ts.c: InfluxDB line protocol and the Prometheus text format (the mapping of columns to
 * tags, fields and time is described there). Append; -1 if out's cap was reached. */
int format_influx_batch(const struct fount_batch *b, struct buf *out);
int format_prom_header(const struct fount_relation *rel, struct buf *out);
int format_prom_batch(const struct fount_batch *b, struct buf *out);

/* One row as a JSON object, {"col":value,...} without a newline, values as JSON Lines writes them
 * (CDC row images). Appends; returns 0, or -1 if out's cap was reached (out unchanged). */
int encode_json_object(const struct fount_relation *rel, const struct fount_value *vals,
                       struct buf *out);
/* b's rows as JSON objects back to back, without newlines (Kafka's message values); ends[i]
 * (b->nrows of them) is where row i ends, counted from out's length at the call. -1 if out's cap
 * was reached, past 4 GiB, or for rows with faults or versions (out unchanged). */
int encode_json_objects(const struct fount_batch *b, struct buf *out, uint32_t *ends);

/* Quote an identifier or a string literal for a dialect ("a""b", `a``b`, 'O''Brien'). Appends. */
int sql_quote_ident(enum fount_dialect d, const char *name, struct buf *out);
int sql_quote_string(enum fount_dialect d, const char *s, size_t len, struct buf *out);

/* CREATE TABLE for a relation: types, PRIMARY KEY, NOT NULL, UNIQUE, FOREIGN KEY. Appends, ends
 * with ";\n". */
int schema_create_table(enum fount_dialect d, const struct fount_relation *rel, struct buf *out);
/* CREATE INDEX for cols ("a" or "a,b") of a relation, named <table>_<cols>_idx. Appends. */
int schema_create_index(enum fount_dialect d, const struct fount_relation *rel, const char *cols,
                        struct buf *out);
/* CREATE TABLE for a database that may already hold some tables: a foreign key whose target is
 * neither among the run's relations nor in the database (exists() returns 1 or 0, -1 on error,
 * which it reports) is left out, so that --only orders into an empty database works. Appends. */
int schema_create_table_for(enum fount_dialect d, const struct fount_relation *rel,
                            const struct fount_relation *const *rels, size_t nrels,
                            int (*exists)(void *ctx, const char *table, struct fount_err *err),
                            void *ctx, struct buf *out, struct fount_err *err);
/* After a connection was lost while a batch committed, whether the batch is in the table. The
 * column that tells on its own: a one-column primary key, else a unique NOT NULL column (integer,
 * string, UUID or decimal), or -1. schema_landed_sql() appends the probe, SELECT COUNT(*) of the
 * rows holding the batch's first key (or of the whole table when there is no such column);
 * schema_landed() reads its answer: 1 landed, 0 not, -1 neither (err says why). held: the rows
 * the table held before the batch (needed only without a key column). */
int schema_key_col(const struct fount_relation *rel);
int schema_landed_sql(enum fount_dialect d, const struct fount_batch *b, struct buf *out);
int schema_landed(const struct fount_batch *b, uint64_t count, uint64_t held,
                  struct fount_err *err);
/* --replace and --append for databases: which of the run's tables exist already (exists() as for
 * schema_create_table_for). created[i] is set for each table the run creates: absent ones, or
 * all of them with replace. names gets the existing ones, "a, b", NUL-terminated. Returns how
 * many exist, or -1 on error (err set by exists, or out of room). */
int schema_existing(const struct fount_relation *const *rels, size_t nrels, int replace,
                    int (*exists)(void *ctx, const char *table, struct fount_err *err), void *ctx,
                    unsigned char *created, struct buf *names, struct fount_err *err);
/* DROP TABLE IF EXISTS of the run's tables, children first (rels are parents first), without a
 * semicolon, NUL-terminated. Appends; -1 when out of room. */
int schema_drop_tables(enum fount_dialect d, const struct fount_relation *const *rels,
                       size_t nrels, struct buf *out);
/* The SQL type of a column in a dialect ("BIGINT", "NUMERIC(12,2)", "TEXT", ...). */
const char *schema_type(enum fount_dialect d, const struct fount_column *c, char *tmp, size_t tmplen);

#endif
