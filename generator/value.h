/* value.h: the record model that flows from generator to sinks (DESIGN.md section 1): typed values,
 * relations (column names and types) and batches of rows, plus the hand-written formatters that turn
 * values into text fast (formatting is the hot spot: no snprintf per value) and the parsers for the
 * literals profiles use (timestamps, dates, durations).
 * Leaves out: output formats (sinks/format.c), generation (gen.c). */
#ifndef FOUNT_VALUE_H
#define FOUNT_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

enum fount_vtype {
    FV_NULL = 0,
    FV_BOOL,      /* v.i is 0 or 1                                              */
    FV_INT,       /* v.i                                                        */
    FV_DOUBLE,    /* v.d, printed with column.decimals (-1: shortest round trip) */
    FV_DECIMAL,   /* v.i scaled by 10^column.scale                              */
    FV_STRING,    /* v.s, len bytes, UTF-8, not NUL-terminated                  */
    FV_TIMESTAMP, /* v.i microseconds since 1970-01-01T00:00:00Z                */
    FV_DATE,      /* v.i days since 1970-01-01                                  */
    FV_UUID,      /* v.u, 16 bytes                                              */
    FV_JSON       /* v.s, len bytes of valid JSON text (an object...), written raw in JSON */
};

struct fount_value {
    uint8_t type;   /* enum fount_vtype; FV_NULL for a null of any column type */
    uint32_t len;   /* FV_STRING, FV_JSON: length in bytes */
    union {
        int64_t i;
        double d;
        const char *s;
        uint8_t u[16];
    } v;
};

/* What a column is to the time-series encoders (InfluxDB line protocol, Prometheus text: see
 * sinks/format_ts.c). Series families set it (series.c); every other column is COL_PLAIN. */
enum fount_col_role {
    COL_PLAIN = 0,
    COL_TIME,      /* the point's timestamp                     */
    COL_TAG,       /* a tag (Influx) or label (Prometheus)      */
    COL_VALUE,     /* the measured value                        */
    COL_LABEL      /* the anomaly label: a string field or NULL */
};

/* What kind of metric a relation is (series families); METRIC_NONE for tables and streams. */
enum fount_metric_type { METRIC_NONE = 0, METRIC_GAUGE, METRIC_COUNTER };

/* A column as sinks see it. */
struct fount_column {
    const char *name;
    enum fount_vtype type;    /* the column's type; a value may still be FV_NULL     */
    int decimals;             /* FV_DOUBLE: digits after the point, -1 for shortest  */
    int precision, scale;     /* FV_DECIMAL: NUMERIC(precision, scale)               */
    int ts_digits;            /* FV_TIMESTAMP: fractional second digits, 0, 3 or 6   */
    int max_len;              /* FV_STRING: longest possible value in bytes, -1 unknown */
    int nullable;             /* may hold NULL                                       */
    int unique;               /* every value distinct                                */
    int primary_key;
    const char *ref_table;    /* foreign key target, or NULL                         */
    const char *ref_column;
    enum fount_col_role role; /* for the time-series encoders; COL_PLAIN by default    */
};

/* A relation: an entity table, an event stream or a metric family. */
struct fount_relation {
    const char *name;
    size_t ncols;
    const struct fount_column *cols;
    uint64_t rows;            /* rows this run will make of it (after --scale, --shard) */
    char *const *indexes;     /* secondary indexes asked for: "col" or "col1,col2"      */
    size_t nindexes;
    int time_col;             /* streams: the event time column, else -1               */
    const uint8_t *absent;    /* schema drift: absent[v * ncols + c] when column c is not
                                 part of schema version v (JSON omits it), else NULL     */
    int key_col;              /* streams: the partitioning key column, else -1         */
    /* series families (else NULL / METRIC_NONE): the metric (Influx measurement, Prometheus
     * metric name), its type, and its description (Prometheus HELP; NULL for none) */
    const char *metric;
    enum fount_metric_type metric_type;
    const char *help;
};

/* The index of rel's column called name, or -1. */
int relation_col(const struct fount_relation *rel, const char *name);

/* A batch: consecutive rows of one relation, owned by the runner. */
struct fount_batch {
    const struct fount_relation *rel;
    uint64_t first_row;       /* absolute index of row 0 in the relation            */
    size_t nrows;
    struct fount_value *vals; /* nrows * rel->ncols, row-major                      */
    int first_of_relation;    /* 1 when this batch opens the relation's output in this run */
    const uint8_t *row_flags; /* injected faults per row (ROW_* in fault.h), or NULL */
    const uint8_t *row_version; /* schema version per row (drift), or NULL          */
    const char *bytes;        /* the batch encoded for byte sinks (NULL otherwise)  */
    size_t nbytes;
    int64_t sent_ns;          /* CLOCK_MONOTONIC ns when the runner handed it to the sink */
    const int64_t *due_ns;    /* paced runs: when each row was due (CLOCK_MONOTONIC ns),
                                 else NULL: every row was due at sent_ns. Latency counts
                                 from here, so a stalled sink shows as latency      */
};

/* --- fast formatting: each writes into p (room for the maximum given) and returns the length --- */
#define FMT_I64_MAX 20      /* "-9223372036854775808" */
#define FMT_DECIMAL_MAX 22
#define FMT_TS_MAX 32       /* "2026-03-01T12:34:56.123456Z" */
#define FMT_DATE_MAX 16
#define FMT_UUID_MAX 36
#define FMT_DOUBLE_MAX 40

size_t fmt_i64(char *p, int64_t v);
size_t fmt_u64(char *p, uint64_t v);
/* v / 10^scale, e.g. (12345, 2) -> "123.45", (-5, 2) -> "-0.05". scale 0..18. */
size_t fmt_decimal(char *p, int64_t v, int scale);
/* ISO 8601 UTC: "2026-03-01T12:34:56Z" (digits: 0), ".123Z" (3) or ".123456Z" (6).
 * With sql_style: "2026-03-01 12:34:56" (no T, no Z), as MySQL wants. */
size_t fmt_timestamp(char *p, int64_t us, int digits, int sql_style);
size_t fmt_date(char *p, int64_t days);     /* "2026-03-01" */
size_t fmt_uuid(char *p, const uint8_t u[16]); /* lower-case 8-4-4-4-12 */
/* decimals >= 0: fixed digits after the point, rounded; -1: the shortest text that reads back to
 * the same double. NaN and infinities never reach here (generators avoid them). */
size_t fmt_double(char *p, double v, int decimals);
/* Any value as plain text (no quoting): what templates and the sample table show. NULL -> 0 bytes. */
size_t fmt_value(char *p, size_t room, const struct fount_value *v, const struct fount_column *c);

/* --- calendar --- */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* --- parsing profile literals: return 0, or -1 when the text is not of the form --- */
/* "2026-03-01", "2026-03-01T12:34:56Z", "2026-03-01 12:34:56", with optional ".fff[fff]" and a "Z"
 * or "+hh:mm" offset (converted to UTC). A bare date means midnight UTC. */
int parse_timestamp(const char *s, int64_t *us);
int parse_date(const char *s, int64_t *days);
/* "500ms", "30s", "5m", "2h", "7d", "1w", also combined "1h30m"; a bare number is seconds. */
int parse_duration(const char *s, int64_t *us);

#endif
