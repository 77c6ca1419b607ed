/* wl_pgsql.c: the workload's PostgreSQL statements (workload.h, struct wl_driver): prepared
 * statements with text parameters, errors sorted into the workload's classes by SQLSTATE.
 * Connecting is the postgres sink's (dbconn.h). Leaves out: pipelining, binary parameters. */
#ifdef FOUNT_WITH_PGSQL
#include "../generator/workload.h"
#include "dbconn.h"

#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define WLPG_MAX_STMTS (WL_MAX_TXNS * 32)
#define WLPG_MAX_PARAMS 256
#define WLPG_TEXT 48 /* room for one value as text (not a string) */

struct wl_conn {
    PGconn *pg;
    char *schema;
    unsigned char prepared[WLPG_MAX_STMTS];
    char text[WLPG_MAX_PARAMS][WLPG_TEXT];
    struct arena strings; /* NUL-terminated copies of string parameters */
};

/* SQLSTATE classes: 40001 serialization, 40P01 deadlock, 55P03 lock not available; 23xxx
 * integrity; 42P01 undefined table, 42703 undefined column; 08xxx and 57P0x: the connection. */
static int wlpg_class(PGconn *pg, const PGresult *r)
{
    const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

    if (PQstatus(pg) != CONNECTION_OK || !st)
        return PQstatus(pg) != CONNECTION_OK ? WL_LOST : WL_OTHER;
    if (!strcmp(st, "40001") || !strcmp(st, "40P01") || !strcmp(st, "55P03"))
        return WL_CONFLICT;
    if (!strncmp(st, "23", 2))
        return WL_CONSTRAINT;
    if (!strcmp(st, "42P01") || !strcmp(st, "42703"))
        return WL_MISSING;
    if (!strncmp(st, "08", 2) || !strncmp(st, "57P0", 4))
        return WL_LOST;
    return WL_OTHER;
}

static void wlpg_msg(PGconn *pg, const PGresult *r, struct fount_err *err)
{
    const char *prim = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *det = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
    char *nl;

    if (prim)
        fount_err_set(err, "%s%s%s%s", prim, det ? " (" : "", det ? det : "", det ? ")" : "");
    else { /* libpq's own text: "FATAL:  why\nserver closed the connection...": its first line */
        const char *m = PQerrorMessage(pg);
        if (!strncmp(m, "FATAL:  ", 8) || !strncmp(m, "ERROR:  ", 8))
            m += 8;
        fount_err_set(err, "%.*s", (int)strcspn(m, "\n"), m);
        if (!err->msg[0])
            fount_err_set(err, "the server closed the connection");
    }
    while ((nl = strchr(err->msg, '\n'))) /* one line */
        *nl = nl[1] ? ' ' : '\0';
}

static int wlpg_connect(const char *uri, const char *schema, struct wl_conn **out,
                        struct fount_err *err)
{
    struct wl_conn *c = xcalloc(1, sizeof *c);
    struct pg_conn *pg = NULL;
    int rc = pgsql_connect_uri(uri, schema, &pg, &c->schema, err);

    if (rc != FOUNT_OK) {
        free(c);
        *out = NULL;
        return rc;
    }
    c->pg = pg;
    arena_init(&c->strings, 64 * 1024);
    *out = c;
    return FOUNT_OK;
}

static int wlpg_prepare(struct wl_conn *c, int id, const char *sql, int nparams,
                        struct fount_err *err)
{
    char name[16];
    PGresult *r;
    int cls;

    if (id < 0 || id >= WLPG_MAX_STMTS || nparams > WLPG_MAX_PARAMS) {
        fount_err_set(err, "statement %d: too many statements or parameters", id);
        return WL_OTHER;
    }
    snprintf(name, sizeof name, "wl%d", id);
    r = PQprepare(c->pg, name, sql, nparams, NULL);
    if (PQresultStatus(r) == PGRES_COMMAND_OK) {
        PQclear(r);
        c->prepared[id] = 1;
        return WL_OK;
    }
    cls = wlpg_class(c->pg, r);
    wlpg_msg(c->pg, r, err);
    PQclear(r);
    return cls;
}

/* A value as PostgreSQL's text input reads it; strings are copied to be NUL-terminated (a NUL
 * byte cannot be stored in PostgreSQL text: it ends the value, as the sink drops it). */
static const char *wlpg_text(struct wl_conn *c, int k, const struct fount_value *v,
                             const struct fount_column *col)
{
    char *t = c->text[k];
    size_t n = 0;

    switch (v->type) {
    case FV_NULL: return NULL;
    case FV_BOOL: return v->v.i ? "t" : "f";
    case FV_INT: n = fmt_i64(t, v->v.i); break;
    case FV_DECIMAL: n = fmt_decimal(t, v->v.i, col->scale); break;
    case FV_TIMESTAMP: n = fmt_timestamp(t, v->v.i, col->ts_digits, 1); break;
    case FV_DATE: n = fmt_date(t, v->v.i); break;
    case FV_UUID: n = fmt_uuid(t, v->v.u); break;
    case FV_DOUBLE:
        if (isnan(v->v.d))
            return "NaN";
        if (isinf(v->v.d))
            return v->v.d < 0 ? "-Infinity" : "Infinity";
        n = fmt_double(t, v->v.d, col->decimals);
        break;
    case FV_STRING:
    case FV_JSON: {
        char *s = arena_alloc(&c->strings, (size_t)v->len + 1);
        memcpy(s, v->v.s, v->len);
        s[v->len] = '\0';
        return s;
    }
    default: return NULL;
    }
    t[n] = '\0';
    return t;
}

static void wlpg_row(PGresult *r, struct wl_row *row)
{
    const char *aff = PQcmdTuples(r);

    memset(row, 0, sizeof *row);
    row->affected = PQresultStatus(r) == PGRES_TUPLES_OK ? PQntuples(r)
                    : aff && *aff ? strtoll(aff, NULL, 10) : 0;
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1 || PQnfields(r) < 1)
        return;
    row->has = 1;
    row->key_null = PQgetisnull(r, 0, 0);
    if (!row->key_null)
        row->key = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    if (PQnfields(r) > 1 && !PQgetisnull(r, 0, 1)) {
        size_t n = (size_t)PQgetlength(r, 0, 1);
        row->text_len = n < sizeof row->text ? n : sizeof row->text - 1;
        memcpy(row->text, PQgetvalue(r, 0, 1), row->text_len);
        row->text[row->text_len] = '\0';
    }
}

static int wlpg_result(struct wl_conn *c, PGresult *r, struct wl_row *row, struct fount_err *err)
{
    ExecStatusType st = PQresultStatus(r);
    int cls = WL_OK;

    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        if (row)
            wlpg_row(r, row);
    } else {
        cls = wlpg_class(c->pg, r);
        wlpg_msg(c->pg, r, err);
    }
    PQclear(r);
    return cls;
}

static int wlpg_exec(struct wl_conn *c, int id, const struct fount_value *params,
                     const struct fount_column *const *cols, int nparams, struct wl_row *row,
                     struct fount_err *err)
{
    const char *vals[WLPG_MAX_PARAMS];
    char name[16];
    int k;

    if (id < 0 || id >= WLPG_MAX_STMTS || !c->prepared[id] || nparams > WLPG_MAX_PARAMS) {
        fount_err_set(err, "statement %d was not prepared", id);
        return WL_OTHER;
    }
    arena_reset(&c->strings);
    for (k = 0; k < nparams; k++)
        vals[k] = wlpg_text(c, k, &params[k], cols[k]);
    snprintf(name, sizeof name, "wl%d", id);
    return wlpg_result(c, PQexecPrepared(c->pg, name, nparams, vals, NULL, NULL, 0), row, err);
}

static int wlpg_simple(struct wl_conn *c, const char *sql, struct wl_row *row,
                       struct fount_err *err)
{
    return wlpg_result(c, PQexec(c->pg, sql), row, err);
}

static void wlpg_close(struct wl_conn *c)
{
    if (!c)
        return;
    if (c->pg)
        PQfinish(c->pg);
    free(c->schema);
    arena_free(&c->strings);
    free(c);
}

const struct wl_driver wl_pgsql_driver = {
    .name = "postgres",
    .dialect = DIALECT_POSTGRES,
    .connect = wlpg_connect,
    .prepare = wlpg_prepare,
    .exec = wlpg_exec,
    .simple = wlpg_simple,
    .close = wlpg_close,
};

#endif
