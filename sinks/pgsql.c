/* pgsql.c: the PostgreSQL sink (libpq): postgres://user:pass@host:port/db[?schema=NAME&...].
 * open() connects and refuses to clobber; each relation's table is created when it starts (the
 * runner goes parents first), every batch is one COPY ... FROM STDIN, which is one transaction,
 * and the secondary indexes are built once the table is loaded. A batch is reported written only
 * once its COPY has committed, so the counts after Ctrl-C are exact.
 * COPY BINARY into the tables this run creates: the server parses binary numerics, timestamps and
 * uuids with about 15% less CPU than text, and the server is the bottleneck (measured in
 * docs/sinks/postgres.md). Text (-o copy=text, and always for tables that existed before the run,
 * whose column types fount did not choose) is the same values as PostgreSQL's own text.
 * Both encodings run on the worker threads (encode), not on the writer.
 * Leaves out: the live OLTP workload (wl_pgsql.c, which connects through pgsql_connect_uri),
 * UNLOGGED tables, pipelining. */
#include "sink.h"
#include "dbconn.h"

#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define PG_CONNECT_TIMEOUT "10" /* seconds, unless the URI sets connect_timeout */
#define PG_BUF_MAX ((size_t)256 << 20)

struct pg_sink {
    char *schema;               /* -o schema=NAME (or ?schema=NAME in the URI)            */
    int indexes;                /* -o indexes=false: skip the secondary indexes           */
    char *copy;                 /* -o copy=binary|text                                     */
    int binary;                 /* copy=binary (read by encode on worker threads)          */
    const struct sink_args *a;
    PGconn *conn;
    char *nsp;                  /* the schema the tables live in                          */
    unsigned char *created;     /* per a->rels: this run creates (or recreated) the table */
    const struct fount_relation *rel; /* the relation being loaded                         */
    int rel_ok;                 /* a batch of it has committed                            */
    int unsure;                 /* the connection was lost during the last batch: it may
                                   have committed (schema_landed() tells, on the retry)    */
    uint64_t held;              /* rows of the current relation in its table              */
    struct buf copy_sql;        /* COPY "t" ("a","b") FROM STDIN                         */
    struct buf tmp;             /* statements, and the encoding of resent sub-batches     */
};

static const struct fount_opt pg_opts[] = {
    {"schema", OPT_STR, "", offsetof(struct pg_sink, schema),
     "schema to create the tables in (created if missing; default: the first of search_path)"},
    {"indexes", OPT_BOOL, "true", offsetof(struct pg_sink, indexes),
     "create the profile's secondary indexes after each table's load"},
    {"copy", OPT_STR, "binary", offsetof(struct pg_sink, copy),
     "COPY format for the tables the run creates: binary or text (existing tables: text)"},
    {0},
};

/* ---------------------------------------------------------------- COPY text encoding */

/* Bytes that need a backslash in COPY text: the delimiter, the row end, the escape itself. NUL
 * cannot be stored in PostgreSQL text at all, so it is dropped (as the SQL encoder does). */
static const unsigned char PG_SPECIAL[256] = {
    [0] = 1, ['\t'] = 't', ['\n'] = 'n', ['\r'] = 'r', ['\\'] = '\\',
};

static inline uint64_t pg_haszero(uint64_t x)
{
    return (x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL;
}

/* Some byte of x is below 0x0e or is a backslash: the 8 bytes need the slow path. */
static inline int pg_needs_escape(uint64_t x)
{
    uint64_t lt = (x - 0x0e0e0e0e0e0e0e0eULL) & ~x & 0x8080808080808080ULL;

    return (lt | pg_haszero(x ^ 0x5c5c5c5c5c5c5c5cULL)) != 0;
}

static char *pg_text(char *p, const char *s, size_t n)
{
    size_t i = 0;
    uint64_t x;

    while (i < n) {
        unsigned char c;
        if (n - i >= 8) {
            memcpy(&x, s + i, 8);
            if (FOUNT_LIKELY(!pg_needs_escape(x))) {
                memcpy(p, &x, 8);
                p += 8;
                i += 8;
                continue;
            }
        }
        c = (unsigned char)s[i++];
        if (FOUNT_LIKELY(!PG_SPECIAL[c]))
            *p++ = (char)c;
        else if (c) {
            *p++ = '\\';
            *p++ = (char)PG_SPECIAL[c];
        }
    }
    return p;
}

static char *pg_value(char *p, const struct fount_value *v, const struct fount_column *c)
{
    switch (v->type) {
    case FV_INT: return p + fmt_i64(p, v->v.i);
    case FV_STRING:
    case FV_JSON: return pg_text(p, v->v.s, v->len);
    case FV_DECIMAL: return p + fmt_decimal(p, v->v.i, c->scale);
    case FV_TIMESTAMP: return p + fmt_timestamp(p, v->v.i, c->ts_digits, 1);
    case FV_DATE: return p + fmt_date(p, v->v.i);
    case FV_UUID: return p + fmt_uuid(p, v->v.u);
    case FV_BOOL:
        *p++ = v->v.i ? 't' : 'f';
        return p;
    case FV_DOUBLE:
        if (FOUNT_LIKELY(isfinite(v->v.d)))
            return p + fmt_double(p, v->v.d, c->decimals);
        if (isnan(v->v.d)) {
            memcpy(p, "NaN", 3);
            return p + 3;
        }
        memcpy(p, v->v.d < 0 ? "-Infinity" : "Infinity", v->v.d < 0 ? 9 : 8);
        return p + (v->v.d < 0 ? 9 : 8);
    default:
        break;
    }
    memcpy(p, "\\N", 2);
    return p + 2;
}

/* Tab-separated values, one row per line, as COPY ... FROM STDIN (FORMAT text) reads them. */
static int pg_encode_text(const struct fount_batch *b, struct buf *out)
{
    const struct fount_relation *rel = b->rel;
    const struct fount_value *row = b->vals;
    size_t i, j, ncols = rel->ncols;

    for (i = 0; i < b->nrows; i++, row += ncols) {
        size_t need = ncols + 1;
        char *p;
        for (j = 0; j < ncols; j++)
            need += row[j].type == FV_STRING || row[j].type == FV_JSON ? (size_t)row[j].len * 2
                                                                        : FMT_DOUBLE_MAX;
        if (buf_reserve(out, need))
            return -1;
        p = buf_tail(out);
        for (j = 0; j < ncols; j++) {
            if (j)
                *p++ = '\t';
            p = pg_value(p, &row[j], &rel->cols[j]);
        }
        *p++ = '\n';
        out->len = (size_t)(p - out->data);
    }
    return 0;
}

/* ---------------------------------------------------------------- COPY binary encoding */

#define PG_EPOCH_DAYS 10957 /* 2000-01-01, PostgreSQL's epoch, in days since 1970-01-01 */

static const uint64_t PG_POW10[19] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL, 100000000ULL,
    1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL, 10000000000000ULL,
    100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL,
    1000000000000000000ULL,
};

static char *pg_be16(char *p, unsigned v)
{
    p[0] = (char)(v >> 8);
    p[1] = (char)v;
    return p + 2;
}

static char *pg_be32(char *p, uint32_t v)
{
    p[0] = (char)(v >> 24);
    p[1] = (char)(v >> 16);
    p[2] = (char)(v >> 8);
    p[3] = (char)v;
    return p + 4;
}

static char *pg_be64(char *p, uint64_t v)
{
    p = pg_be32(p, (uint32_t)(v >> 32));
    return pg_be32(p, (uint32_t)v);
}

/* NUMERIC's wire form: ndigits, weight, sign, dscale, then base-10000 digits, most significant
 * first, weight being the power of 10000 of the first; no leading or trailing zero digits. */
static char *pg_numeric(char *p, int64_t v, int scale)
{
    uint16_t dg[16]; /* 5 integer groups (int64) + 5 fraction groups (scale <= 18) */
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v, ip, fp;
    unsigned __int128 f;
    int n = 0, weight, first = 0, k, fs, nf;
    char *len = p;

    if (scale < 0)
        scale = 0;
    if (scale > 18)
        scale = 18;
    ip = u / PG_POW10[scale];
    fp = u % PG_POW10[scale];
    for (; ip; ip /= 10000) /* integer part, least significant first, reversed below */
        dg[n++] = (uint16_t)(ip % 10000);
    for (k = 0; k < n / 2; k++) {
        uint16_t t = dg[k];
        dg[k] = dg[n - 1 - k];
        dg[n - 1 - k] = t;
    }
    weight = n - 1;
    fs = (scale + 3) / 4 * 4; /* the fraction padded to whole groups of 4 digits */
    nf = fs / 4;
    f = (unsigned __int128)fp * PG_POW10[fs - scale];
    for (k = nf - 1; k >= 0; k--) {
        dg[n + k] = (uint16_t)(f % 10000);
        f /= 10000;
    }
    n += nf;
    while (first < n && dg[first] == 0) { /* leading zeros: each moves the weight down */
        first++;
        weight--;
    }
    while (n > first && dg[n - 1] == 0)
        n--;
    if (first == n)
        weight = 0;
    p += 4; /* the length, filled in at the end */
    p = pg_be16(p, (unsigned)(n - first));
    p = pg_be16(p, (unsigned)(uint16_t)(int16_t)weight);
    p = pg_be16(p, v < 0 && first < n ? 0x4000 : 0);
    p = pg_be16(p, (unsigned)scale);
    for (k = first; k < n; k++)
        p = pg_be16(p, dg[k]);
    pg_be32(len, (uint32_t)(p - len - 4));
    return p;
}

/* Rounded as the text form would be (decimals >= 0), so both encodings store the same double. */
static double pg_double(double d, int decimals)
{
    char t[FMT_DOUBLE_MAX + 1];

    if (decimals < 0 || !isfinite(d))
        return d;
    t[fmt_double(t, d, decimals)] = '\0';
    return strtod(t, NULL);
}

static char *pg_bin_value(char *p, const struct fount_value *v, const struct fount_column *c)
{
    char *len;
    uint64_t bits;
    int64_t us, unit;
    double d;
    uint32_t i;

    switch (v->type) {
    case FV_INT:
        return pg_be64(pg_be32(p, 8), (uint64_t)v->v.i);
    case FV_BOOL:
        p = pg_be32(p, 1);
        *p++ = v->v.i ? 1 : 0;
        return p;
    case FV_DOUBLE:
        d = pg_double(v->v.d, c->decimals);
        memcpy(&bits, &d, 8);
        return pg_be64(pg_be32(p, 8), bits);
    case FV_DECIMAL:
        return pg_numeric(p, v->v.i, c->scale);
    case FV_TIMESTAMP: /* cut to the column's digits as the text form is */
        unit = (int64_t)PG_POW10[6 - (c->ts_digits < 0 ? 0 : c->ts_digits > 6 ? 6 : c->ts_digits)];
        us = v->v.i - ((v->v.i % unit) + unit) % unit;
        return pg_be64(pg_be32(p, 8), (uint64_t)(us - (int64_t)PG_EPOCH_DAYS * 86400000000LL));
    case FV_DATE:
        return pg_be32(pg_be32(p, 4), (uint32_t)(int32_t)(v->v.i - PG_EPOCH_DAYS));
    case FV_UUID:
        p = pg_be32(p, 16);
        memcpy(p, v->v.u, 16);
        return p + 16;
    case FV_STRING:
    case FV_JSON: /* JSONB's wire form is a version byte, 1, then the text */
        len = p;
        p += 4;
        if (c->type == FV_JSON)
            *p++ = 1;
        for (i = 0; i < v->len; i++) /* NUL cannot be stored in text: dropped, as in text form */
            if (FOUNT_LIKELY(v->v.s[i]))
                *p++ = v->v.s[i];
        pg_be32(len, (uint32_t)(p - len - 4));
        return p;
    default:
        break;
    }
    return pg_be32(p, 0xffffffffu); /* NULL: length -1 */
}

/* PGCOPY header, then per row the field count and each field as length + bytes, then -1. */
static int pg_encode_binary(const struct fount_batch *b, struct buf *out)
{
    static const char header[19] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";
    const struct fount_relation *rel = b->rel;
    const struct fount_value *row = b->vals;
    size_t i, j, ncols = rel->ncols;
    char *p;

    if (buf_append(out, header, sizeof header))
        return -1;
    for (i = 0; i < b->nrows; i++, row += ncols) {
        size_t need = 2;
        for (j = 0; j < ncols; j++) /* numeric: 4 + 8 + 2 * 16 */
            need += row[j].type == FV_STRING || row[j].type == FV_JSON ? (size_t)row[j].len + 5
                                                                        : 48;
        if (buf_reserve(out, need))
            return -1;
        p = pg_be16(buf_tail(out), (unsigned)ncols);
        for (j = 0; j < ncols; j++)
            p = pg_bin_value(p, &row[j], &rel->cols[j]);
        out->len = (size_t)(p - out->data);
    }
    if (buf_reserve(out, 2))
        return -1;
    out->len = (size_t)(pg_be16(buf_tail(out), 0xffffu) - out->data);
    return 0;
}

static size_t pg_rel_index(const struct pg_sink *s, const char *name)
{
    size_t i;

    for (i = 0; s->a && i < s->a->nrels; i++)
        if (strcmp(s->a->rels[i]->name, name) == 0)
            return i;
    return (size_t)-1;
}

/* Binary into the tables this run creates (their types are fount's), text otherwise. */
static int pg_binary_for(const struct pg_sink *s, const struct fount_relation *rel)
{
    size_t i = pg_rel_index(s, rel->name);

    return s->binary && i != (size_t)-1 && s->created[i];
}

/* Runs on worker threads: reads only what open() set. */
static int pg_encode(const void *ctx, const struct fount_batch *b, struct buf *out)
{
    const struct pg_sink *s = ctx;

    return pg_binary_for(s, b->rel) ? pg_encode_binary(b, out) : pg_encode_text(b, out);
}

/* ---------------------------------------------------------------- messages */

/* libpq's connection errors span lines ("connection to server at ... failed: FATAL:  ...\n\tIs
 * the server running ...?"): one line, without the repeated prefix, the hints in parentheses. */
static void pg_one_line(const char *msg, char *out, size_t n)
{
    size_t w = 0, nlines = 0;
    const char *p = msg, *f;

    out[0] = '\0';
    while (*p && w + 4 < n) {
        const char *end = p + strcspn(p, "\n");
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (strncmp(p, "connection to server", 20) == 0 && (f = strstr(p, " failed: ")) && f < end)
            p = f + 9;
        if (strncmp(p, "FATAL:  ", 8) == 0 || strncmp(p, "ERROR:  ", 8) == 0)
            p += 8;
        if (p < end)
            w += (size_t)snprintf(out + w, n - w, "%s%.*s",
                                  nlines == 0 ? "" : nlines == 1 ? " (" : "; ", (int)(end - p), p);
        nlines += p < end;
        p = *end ? end + 1 : end;
    }
    if (nlines > 1 && w + 1 < n)
        snprintf(out + w, n - w, ")");
}

/* Messages are one line: a multi-line DETAIL gets "; " between its lines. */
static void pg_flatten(char *m)
{
    char *p;

    while ((p = strchr(m, '\n'))) {
        if (p[1] == '\0') {
            *p = '\0';
            break;
        }
        if (strlen(m) + 2 < sizeof((struct fount_err *)0)->msg) {
            memmove(p + 2, p + 1, strlen(p + 1) + 1);
            p[0] = ';';
            p[1] = ' ';
        } else
            *p = ' ';
    }
}

/* "row 12: <message> (<detail>)": the row from COPY's context line when the server gives one. */
static void pg_result_msg(const struct pg_sink *s, const PGresult *r, const struct fount_batch *b,
                          struct fount_err *err)
{
    const char *prim = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *det = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
    const char *ctx = r ? PQresultErrorField(r, PG_DIAG_CONTEXT) : NULL;
    const char *line = ctx ? strstr(ctx, ", line ") : NULL;
    char where[64] = "", one[sizeof err->msg];

    if (b && line) {
        unsigned long long ln = strtoull(line + 7, NULL, 10);
        if (ln >= 1 && ln <= b->nrows)
            snprintf(where, sizeof where, "row %llu: ",
                     (unsigned long long)b->first_row + ln - 1);
    } else if (b && b->nrows) {
        snprintf(where, sizeof where, "rows %llu-%llu: ", (unsigned long long)b->first_row,
                 (unsigned long long)(b->first_row + b->nrows - 1));
    }
    if (!prim) {
        pg_one_line(PQerrorMessage(s->conn), one, sizeof one);
        fount_err_set(err, "%s%s", where, one[0] ? one : "unknown error");
        return;
    }
    fount_err_set(err, "%s%s%s%s%s", where, prim, det ? " (" : "", det ? det : "", det ? ")" : "");
    pg_flatten(err->msg);
}

/* ---------------------------------------------------------------- connection */

static int pg_hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Splits ?schema=NAME off the URI (libpq would reject it). Returns the URI for libpq and sets
 * *schema (NULL when absent); the caller frees both. */
static char *pg_uri_split(const char *uri, char **schema)
{
    const char *q = strchr(uri, '?'), *p;
    char *out, *w;

    *schema = NULL;
    if (!q)
        return xstrdup(uri);
    out = w = xmalloc(strlen(uri) + 1);
    memcpy(w, uri, (size_t)(q - uri));
    w += q - uri;
    for (p = q + 1; *p;) {
        size_t k = strcspn(p, "&");
        if (k > 7 && strncmp(p, "schema=", 7) == 0) {
            char *v = xmalloc(k), *o = v;
            const char *s;
            for (s = p + 7; s < p + k; s++) {
                if (*s == '%' && s + 2 < p + k && pg_hexval(s[1]) >= 0 &&
                    pg_hexval(s[2]) >= 0) {
                    *o++ = (char)(pg_hexval(s[1]) * 16 + pg_hexval(s[2]));
                    s += 2;
                } else
                    *o++ = *s;
            }
            *o = '\0';
            free(*schema);
            *schema = v;
        } else if (k) {
            char sep = w == out + (q - uri) ? '?' : '&';
            *w++ = sep;
            memcpy(w, p, k);
            w += k;
        }
        p += k;
        if (*p == '&')
            p++;
    }
    *w = '\0';
    return out;
}

/* b's text NUL-terminated (not counted in len), or NULL past the cap. */
static const char *pg_cstr(struct buf *b)
{
    if (buf_reserve(b, 1))
        return NULL;
    b->data[b->len] = '\0';
    return b->data;
}

static PGresult *pg_exec(struct pg_sink *s, const char *sql, ExecStatusType want,
                         struct fount_err *err, const char *what)
{
    PGresult *r = PQexec(s->conn, sql);

    if (PQresultStatus(r) == want)
        return r;
    pg_result_msg(s, r, NULL, err);
    if (what) {
        char m[sizeof err->msg];
        snprintf(m, sizeof m, "%s", err->msg);
        fount_err_set(err, "%s: %s", what, m);
    }
    PQclear(r);
    return NULL;
}

static int pg_cmd(struct pg_sink *s, const char *sql, struct fount_err *err, const char *what)
{
    PGresult *r = pg_exec(s, sql, PGRES_COMMAND_OK, err, what);

    PQclear(r);
    return r ? 0 : -1;
}

/* What every session needs, again after a PQreset: the target schema as search_path, so that
 * unqualified names, foreign keys included, resolve there. */
static int pg_session(struct pg_sink *s, struct fount_err *err)
{
    if (!s->nsp)
        return 0;
    buf_reset(&s->tmp);
    if (buf_puts(&s->tmp, "SET search_path TO ") ||
        sql_quote_ident(DIALECT_POSTGRES, s->nsp, &s->tmp) || !pg_cstr(&s->tmp))
        return -1;
    return pg_cmd(s, s->tmp.data, err, "setting search_path");
}

static void pg_quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* Later keywords win in libpq, so the URI's own connect_timeout overrides our bound. */
static int pg_connect(struct pg_sink *s, const char *uri, struct fount_err *err)
{
    const char *kw[] = {"connect_timeout", "application_name", "dbname", NULL};
    const char *val[] = {PG_CONNECT_TIMEOUT, "fount", uri, NULL};
    char one[sizeof err->msg], *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(uri, &perr);

    if (!opts) { /* a malformed URI: say so, not "cannot connect to localhost" */
        pg_one_line(perr ? perr : "out of memory", one, sizeof one);
        fount_err_set(err, "bad PostgreSQL URI: %s", one);
        PQfreemem(perr);
        return FOUNT_FATAL;
    }
    PQconninfoFree(opts);
    s->conn = PQconnectdbParams(kw, val, 1);
    if (!s->conn) {
        fount_err_set(err, "cannot connect: out of memory");
        return FOUNT_FATAL;
    }
    if (PQstatus(s->conn) != CONNECTION_OK) {
        const char *h = PQhost(s->conn), *port = PQport(s->conn);
        pg_one_line(PQerrorMessage(s->conn), one, sizeof one);
        fount_err_set(err,
                      "cannot connect to PostgreSQL at %s%s%s (database \"%s\", user \"%s\"): %s",
                      h && *h ? h : "localhost", port && *port ? ":" : "", port ? port : "",
                      PQdb(s->conn) ? PQdb(s->conn) : "", PQuser(s->conn) ? PQuser(s->conn) : "",
                      one);
        return FOUNT_FATAL;
    }
    PQsetNoticeProcessor(s->conn, pg_quiet, NULL);
    return FOUNT_OK;
}

/* 1 when a table (or any relation: a view would block CREATE TABLE too) named name exists in
 * the target schema, 0 when not, -1 on error. */
static int pg_exists(struct pg_sink *s, const char *name, struct fount_err *err)
{
    const char *params[2] = {s->nsp, name};
    PGresult *r = PQexecParams(s->conn,
                               "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
                               " ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2",
                               2, NULL, params, NULL, NULL, 0);
    int rc;

    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        pg_result_msg(s, r, NULL, err);
        PQclear(r);
        return -1;
    }
    rc = PQntuples(r) > 0;
    PQclear(r);
    return rc;
}

/* The schema the tables go to: the option, or the first existing schema of search_path. */
static int pg_target_schema(struct pg_sink *s, const char *uri_schema, struct fount_err *err)
{
    PGresult *r;

    if (s->schema && *s->schema)
        s->nsp = xstrdup(s->schema);
    else if (uri_schema && *uri_schema)
        s->nsp = xstrdup(uri_schema);
    if (s->nsp)
        return 0;
    r = pg_exec(s, "SELECT current_schema()", PGRES_TUPLES_OK, err, "reading current_schema()");
    if (!r)
        return -1;
    if (PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
        s->nsp = xstrdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (!s->nsp) {
        fount_err_set(err, "no schema of search_path exists in database \"%s\" (name one with "
                           "?schema=NAME or -o schema=NAME)", PQdb(s->conn));
        return -1;
    }
    return 0;
}

/* Creates the target schema when it does not exist yet (after the checks: nothing is written
 * before a refusal). */
static int pg_make_schema(struct pg_sink *s, struct fount_err *err)
{
    const char *params[1] = {s->nsp};
    PGresult *r = PQexecParams(s->conn, "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1",
                               1, NULL, params, NULL, NULL, 0);
    int have;

    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        pg_result_msg(s, r, NULL, err);
        PQclear(r);
        return -1;
    }
    have = PQntuples(r) > 0;
    PQclear(r);
    if (have)
        return 0;
    buf_reset(&s->tmp);
    if (buf_puts(&s->tmp, "CREATE SCHEMA ") ||
        sql_quote_ident(DIALECT_POSTGRES, s->nsp, &s->tmp) || !pg_cstr(&s->tmp))
        return -1;
    return pg_cmd(s, s->tmp.data, err, "creating the schema");
}

static int pg_exists_cb(void *ctx, const char *table, struct fount_err *err)
{
    return pg_exists(ctx, table, err);
}

/* Lists the run's tables that exist; refuses unless --replace or --append; with --replace drops
 * them, children first, in one transaction. Nothing is written before the refusal. */
static int pg_check_tables(struct pg_sink *s, struct fount_err *err)
{
    const struct sink_args *a = s->a;
    struct buf have;
    int rc = FOUNT_FATAL, n;

    buf_init(&have, 1 << 16);
    n = schema_existing(a->rels, a->nrels, a->replace, pg_exists_cb, s, s->created, &have, err);
    if (n < 0)
        goto out;
    if (n && !a->replace && !a->append) {
        fount_err_set(err, "database \"%s\" already has %s %s in schema \"%s\" (use --replace to "
                           "drop and recreate fount's tables, or --append to add rows after them)",
                      PQdb(s->conn), n > 1 ? "tables" : "table", have.data, s->nsp);
        goto out;
    }
    if (n && a->replace) {
        buf_reset(&have);
        if (schema_drop_tables(DIALECT_POSTGRES, a->rels, a->nrels, &have) ||
            pg_cmd(s, have.data, err, "--replace"))
            goto out;
    }
    rc = FOUNT_OK;
out:
    buf_free(&have);
    return rc;
}

static int pg_open(void *ctx, const struct sink_args *a, struct fount_err *err)
{
    struct pg_sink *s = ctx;
    char *uri, *uri_schema = NULL;
    int rc;

    s->a = a;
    buf_init(&s->copy_sql, 1 << 20);
    if (strcmp(s->copy, "binary") && strcmp(s->copy, "text")) {
        fount_err_set(err, "option copy: expected binary or text, got \"%s\"", s->copy);
        return FOUNT_FATAL;
    }
    s->binary = !strcmp(s->copy, "binary");
    buf_init(&s->tmp, PG_BUF_MAX);
    s->created = xcalloc(a->nrels + 1, 1);
    uri = pg_uri_split(a->uri, &uri_schema);
    if ((rc = pg_connect(s, uri, err)) != FOUNT_OK)
        goto out;
    rc = FOUNT_FATAL;
    if (pg_target_schema(s, uri_schema, err) || pg_check_tables(s, err) ||
        pg_make_schema(s, err) || pg_session(s, err))
        goto out;
    rc = FOUNT_OK;
out:
    free(uri);
    free(uri_schema);
    return rc;
}

/* ---------------------------------------------------------------- relations */

/* CREATE TABLE, leaving out a foreign key whose target is neither in the run nor in the database
 * (schema_create_table_for). */
static int pg_create(struct pg_sink *s, const struct fount_relation *rel, struct fount_err *err)
{
    struct buf ddl; /* not s->tmp: pg_exists builds its query there */
    int rc = -1;

    buf_init(&ddl, 16u << 20);
    if (!schema_create_table_for(DIALECT_POSTGRES, rel, s->a->rels, s->a->nrels, pg_exists_cb, s,
                                 &ddl, err) &&
        pg_cstr(&ddl))
        rc = pg_cmd(s, ddl.data, err, "CREATE TABLE");
    buf_free(&ddl);
    return rc;
}

static int pg_existing_rows(void *ctx, const struct fount_relation *rel, uint64_t *n,
                            struct fount_err *err);

static int pg_begin(void *ctx, const struct fount_relation *rel, struct fount_err *err)
{
    struct pg_sink *s = ctx;
    size_t i = pg_rel_index(s, rel->name), j;

    s->rel = rel;
    s->rel_ok = 0;
    s->unsure = 0;
    s->held = 0;
    if (i != (size_t)-1 && s->created[i] && pg_create(s, rel, err))
        return FOUNT_FATAL;
    /* Without a key column, telling whether an unanswered commit landed means counting rows. */
    if ((i == (size_t)-1 || !s->created[i]) && schema_key_col(rel) < 0 &&
        pg_existing_rows(s, rel, &s->held, err))
        return FOUNT_FATAL;
    buf_reset(&s->copy_sql);
    if (buf_puts(&s->copy_sql, "COPY ") ||
        sql_quote_ident(DIALECT_POSTGRES, rel->name, &s->copy_sql) || buf_puts(&s->copy_sql, " ("))
        return FOUNT_FATAL;
    for (j = 0; j < rel->ncols; j++)
        if ((j && buf_puts(&s->copy_sql, ",")) ||
            sql_quote_ident(DIALECT_POSTGRES, rel->cols[j].name, &s->copy_sql))
            return FOUNT_FATAL;
    if (buf_puts(&s->copy_sql, pg_binary_for(s, rel) ? ") FROM STDIN (FORMAT binary)"
                                                     : ") FROM STDIN") ||
        !pg_cstr(&s->copy_sql))
        return FOUNT_FATAL;
    return FOUNT_OK;
}

static int pg_end(void *ctx, const struct fount_relation *rel, struct fount_err *err)
{
    struct pg_sink *s = ctx;
    size_t i = pg_rel_index(s, rel->name), k;

    s->rel = NULL;
    if (!s->indexes || i == (size_t)-1 || !s->created[i])
        return FOUNT_OK; /* an appended table keeps the indexes it has */
    for (k = 0; k < rel->nindexes; k++) {
        buf_reset(&s->tmp);
        if (schema_create_index(DIALECT_POSTGRES, rel, rel->indexes[k], &s->tmp) ||
            !pg_cstr(&s->tmp))
            return FOUNT_FATAL;
        if (pg_cmd(s, s->tmp.data, err, "CREATE INDEX"))
            return FOUNT_FATAL;
    }
    return FOUNT_OK;
}

/* ---------------------------------------------------------------- loading */

/* After a failure: RETRY when a new attempt may work (the connection was lost: reset it first;
 * deadlock, serialization failure, server shutting down), ERROR for bad data, FATAL otherwise. */
static int pg_classify(struct pg_sink *s, const PGresult *r, const struct fount_batch *b,
                       struct fount_err *err)
{
    const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    char m[sizeof err->msg];

    /* Transient trouble is not about rows: the rows go in the message of data errors only. */
    pg_result_msg(s, r, st && (!strncmp(st, "23", 2) || !strncmp(st, "22", 2)) ? b : NULL, err);
    if (PQstatus(s->conn) == CONNECTION_BAD || (st && !strncmp(st, "08", 2)) ||
        (st && !strncmp(st, "57P0", 4))) { /* admin or crash shutdown: the session is gone */
        snprintf(m, sizeof m, "%s", err->msg);
        s->unsure = 1;
        PQreset(s->conn);
        if (PQstatus(s->conn) == CONNECTION_OK && pg_session(s, err) == 0)
            fount_err_set(err, "connection lost (reconnected): %s", m);
        else
            fount_err_set(err, "connection lost: %s", m);
        return FOUNT_RETRY;
    }
    if (!st)
        return FOUNT_FATAL;
    if (!strcmp(st, "40001") || !strcmp(st, "40P01") || !strcmp(st, "53300"))
        return FOUNT_RETRY;
    if (!strncmp(st, "23", 2) || !strncmp(st, "22", 2)) {
        /* Nothing of this relation went in yet: the data the table already holds conflicts with
         * fount's (a second --append, rows put there by hand), and every later batch would
         * likely meet it too, so stop with one message instead of one per batch. */
        if (!s->rel_ok)
            return FOUNT_FATAL;
        return FOUNT_ERROR;
    }
    return FOUNT_FATAL;
}

/* Whether the batch whose connection was lost is in the table: 1 yes, 0 no (send it), -1 neither
 * (err says why), -2 the connection went again (retry). Clears s->unsure once it knows. */
static int pg_landed(struct pg_sink *s, const struct fount_batch *b, struct fount_err *err)
{
    PGresult *r;
    uint64_t n;
    int rc;

    buf_reset(&s->tmp);
    if (schema_landed_sql(DIALECT_POSTGRES, b, &s->tmp) || !pg_cstr(&s->tmp)) {
        fount_err_set(err, "statement too long");
        return -1;
    }
    if (!(r = pg_exec(s, s->tmp.data, PGRES_TUPLES_OK, err,
                      "after a lost connection, asking whether the batch committed"))) {
        if (PQstatus(s->conn) != CONNECTION_OK)
            return -2; /* reset on the next attempt */
        return -1;
    }
    n = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    if ((rc = schema_landed(b, n, s->held, err)) >= 0)
        s->unsure = 0;
    return rc;
}

static int pg_write(void *ctx, const struct fount_batch *b, size_t *accepted,
                    struct fount_err *err)
{
    struct pg_sink *s = ctx;
    const char *data = b->bytes;
    size_t n = b->nbytes;
    PGresult *r;
    int rc = FOUNT_OK;

    *accepted = 0;
    if (b->nrows == 0)
        return FOUNT_OK;
    if (PQstatus(s->conn) != CONNECTION_OK) { /* lost on an earlier attempt: try again */
        PQreset(s->conn);
        if (PQstatus(s->conn) != CONNECTION_OK || pg_session(s, err)) {
            char m[sizeof err->msg];
            pg_one_line(PQerrorMessage(s->conn), m, sizeof m);
            fount_err_set(err, "reconnecting: %s", m);
            return FOUNT_RETRY;
        }
    }
    if (s->unsure && (rc = pg_landed(s, b, err)) != 0) {
        if (rc < 0)
            return rc == -1 ? FOUNT_FATAL : FOUNT_RETRY;
        s->rel_ok = 1; /* committed before the connection went: not sent again */
        s->held += b->nrows;
        *accepted = b->nrows;
        return FOUNT_OK;
    }
    if (!data) { /* a resent sub-batch carries no bytes */
        buf_reset(&s->tmp);
        if (pg_encode(s, b, &s->tmp)) {
            fount_err_set(err, "a batch is larger than the 256 MiB buffer");
            return FOUNT_FATAL;
        }
        data = s->tmp.data;
        n = s->tmp.len;
    }
    r = PQexec(s->conn, s->copy_sql.data);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        rc = pg_classify(s, r, b, err);
        PQclear(r);
        return rc;
    }
    PQclear(r);
    /* One call: libpq frames it as one CopyData message and streams it out. */
    if (PQputCopyData(s->conn, data, (int)n) != 1 || PQputCopyEnd(s->conn, NULL) != 1) {
        /* The connection broke mid-copy; the server rolls the COPY back. */
        rc = pg_classify(s, NULL, b, err);
        while ((r = PQgetResult(s->conn)))
            PQclear(r);
        return rc;
    }
    r = PQgetResult(s->conn);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        rc = pg_classify(s, r, b, err);
    PQclear(r);
    while ((r = PQgetResult(s->conn)))
        PQclear(r);
    if (rc == FOUNT_OK) {
        s->rel_ok = 1;
        s->held += b->nrows;
        *accepted = b->nrows;
    }
    return rc;
}

static int pg_existing_rows(void *ctx, const struct fount_relation *rel, uint64_t *n,
                            struct fount_err *err)
{
    struct pg_sink *s = ctx;
    PGresult *r;
    int e = pg_exists(s, rel->name, err);

    *n = 0;
    if (e <= 0)
        return e < 0 ? FOUNT_FATAL : FOUNT_OK;
    buf_reset(&s->tmp);
    if (buf_puts(&s->tmp, "SELECT count(*) FROM ") ||
        sql_quote_ident(DIALECT_POSTGRES, rel->name, &s->tmp) || !pg_cstr(&s->tmp))
        return FOUNT_FATAL;
    r = pg_exec(s, s->tmp.data, PGRES_TUPLES_OK, err, "counting rows");
    if (!r)
        return FOUNT_FATAL;
    *n = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return FOUNT_OK;
}

static void pg_close(void *ctx)
{
    struct pg_sink *s = ctx;

    if (s->conn)
        PQfinish(s->conn);
    s->conn = NULL;
    free(s->nsp);
    s->nsp = NULL;
    free(s->created);
    s->created = NULL;
    buf_free(&s->copy_sql);
    buf_free(&s->tmp);
}

const struct fount_sink_type postgres_sink_type = {
    .name = "postgres",
    .desc = "PostgreSQL via COPY: postgres://user:pass@host:port/db[?schema=NAME&sslmode=...]",
    .opts = pg_opts,
    .ctx_size = sizeof(struct pg_sink),
    .open = pg_open,
    .begin = pg_begin,
    .write_batch = pg_write,
    .end = pg_end,
    .close = pg_close,
    .encode = pg_encode,
    .existing_rows = pg_existing_rows,
};

/* ---------------------------------------------------------------- for the workload (dbconn.h) */

int pgsql_connect_uri(const char *uri, const char *schema, struct pg_conn **out,
                      char **schema_out, struct fount_err *err)
{
    struct pg_sink s;
    char *u, *uri_schema = NULL;
    int rc;

    memset(&s, 0, sizeof s);
    s.schema = (char *)schema;
    buf_init(&s.tmp, PG_BUF_MAX);
    u = pg_uri_split(uri, &uri_schema);
    rc = pg_connect(&s, u, err);
    if (rc == FOUNT_OK && (pg_target_schema(&s, uri_schema, err) || pg_session(&s, err)))
        rc = FOUNT_FATAL;
    if (rc != FOUNT_OK && s.conn) {
        PQfinish(s.conn);
        s.conn = NULL;
    }
    *out = s.conn;
    *schema_out = s.nsp;
    if (rc != FOUNT_OK) {
        free(s.nsp);
        *schema_out = NULL;
    }
    buf_free(&s.tmp);
    free(u);
    free(uri_schema);
    return rc;
}
