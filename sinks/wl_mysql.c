/* wl_mysql.c: the workload's MySQL / MariaDB statements (workload.h, struct wl_driver): server-side
 * prepared statements with values bound natively, errors sorted into the workload's classes.
 * Connecting is the mysql sink's (dbconn.h), so the session is the same: strict sql_mode, UTC,
 * autocommit off. Leaves out: MariaDB's bulk array binding. */
#ifdef FOUNT_WITH_MYSQL
#include "../generator/workload.h"
#include "dbconn.h"

#include <errmsg.h>
#include <math.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>

#define WLMY_MAX_STMTS (WL_MAX_TXNS * 32)
#define WLMY_MAX_PARAMS 256
#define WLMY_TEXT 48

struct wl_conn {
    MYSQL *my;
    MYSQL_STMT *st[WLMY_MAX_STMTS];
    MYSQL_BIND bind[WLMY_MAX_PARAMS];
    MYSQL_TIME tm[WLMY_MAX_PARAMS];
    char text[WLMY_MAX_PARAMS][WLMY_TEXT];
    my_bool nulls[WLMY_MAX_PARAMS];
    unsigned long lens[WLMY_MAX_PARAMS];
};

static int wlmy_class(unsigned e)
{
    switch (e) {
    case ER_LOCK_DEADLOCK: case ER_LOCK_WAIT_TIMEOUT: case 1637 /* ER_TOO_MANY_CONCURRENT_TRXS */:
        return WL_CONFLICT;
    case ER_DUP_ENTRY: case ER_NO_REFERENCED_ROW_2: case ER_ROW_IS_REFERENCED_2:
    case ER_NO_REFERENCED_ROW: case ER_ROW_IS_REFERENCED: case ER_BAD_NULL_ERROR:
    case ER_DATA_TOO_LONG: case ER_WARN_DATA_OUT_OF_RANGE: case ER_TRUNCATED_WRONG_VALUE:
    case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: case WARN_DATA_TRUNCATED:
    case ER_DUP_ENTRY_WITH_KEY_NAME: case ER_DATA_OUT_OF_RANGE: case ER_CONSTRAINT_FAILED:
        return WL_CONSTRAINT;
    case ER_NO_SUCH_TABLE: case ER_BAD_FIELD_ERROR: case ER_BAD_TABLE_ERROR:
        return WL_MISSING;
    case CR_SERVER_GONE_ERROR: case CR_SERVER_LOST: case CR_SERVER_LOST_EXTENDED:
    case ER_CONNECTION_KILLED: case ER_SERVER_SHUTDOWN: case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
        return WL_LOST;
    default:
        return WL_OTHER;
    }
}

static int wlmy_connect(const char *uri, const char *schema, struct wl_conn **out,
                        struct fount_err *err)
{
    struct st_mysql *my = NULL;
    int rc;

    (void)schema;
    *out = NULL;
    rc = mysql_connect_uri(uri, &my, err);
    if (rc != FOUNT_OK)
        return rc;
    *out = xcalloc(1, sizeof **out);
    (*out)->my = my;
    return FOUNT_OK;
}

static int wlmy_fail(unsigned e, const char *msg, struct fount_err *err)
{
    fount_err_set(err, "%s", msg);
    return wlmy_class(e);
}

static int wlmy_prepare(struct wl_conn *c, int id, const char *sql, int nparams,
                        struct fount_err *err)
{
    MYSQL_STMT *st;

    if (id < 0 || id >= WLMY_MAX_STMTS || nparams > WLMY_MAX_PARAMS) {
        fount_err_set(err, "statement %d: too many statements or parameters", id);
        return WL_OTHER;
    }
    st = mysql_stmt_init(c->my);
    if (!st)
        return wlmy_fail(mysql_errno(c->my), mysql_error(c->my), err);
    if (mysql_stmt_prepare(st, sql, (unsigned long)strlen(sql))) {
        int cls = wlmy_fail(mysql_stmt_errno(st), mysql_stmt_error(st), err);
        mysql_stmt_close(st);
        return cls;
    }
    if (c->st[id])
        mysql_stmt_close(c->st[id]);
    c->st[id] = st;
    return WL_OK;
}

/* Binds one value as the sink does (mysql.c). */
static void wlmy_bind(struct wl_conn *c, int k, const struct fount_value *v,
                      const struct fount_column *col)
{
    mysql_bind_value(&c->bind[k], &c->tm[k], c->text[k], &c->nulls[k], &c->lens[k], v, col);
}

/* The first row of a SELECT: column 0 as a 64-bit key, column 1 (if any) as text. */
static int wlmy_fetch(struct wl_conn *c, MYSQL_STMT *st, struct wl_row *row, struct fount_err *err)
{
    MYSQL_BIND out[2];
    my_bool isnull[2] = {0, 0};
    unsigned long len[2] = {0, 0};
    unsigned nf = mysql_stmt_field_count(st);
    int rc;

    (void)c;
    memset(out, 0, sizeof out);
    out[0].buffer_type = MYSQL_TYPE_LONGLONG;
    out[0].buffer = &row->key;
    out[0].is_null = &isnull[0];
    out[0].length = &len[0];
    out[1].buffer_type = MYSQL_TYPE_STRING;
    out[1].buffer = row->text;
    out[1].buffer_length = sizeof row->text - 1;
    out[1].is_null = &isnull[1];
    out[1].length = &len[1];
    if (mysql_stmt_bind_result(st, out) || mysql_stmt_store_result(st))
        return wlmy_fail(mysql_stmt_errno(st), mysql_stmt_error(st), err);
    row->affected = (int64_t)mysql_stmt_num_rows(st);
    rc = mysql_stmt_fetch(st);
    if (rc == 0 || rc == MYSQL_DATA_TRUNCATED) {
        row->has = 1;
        row->key_null = isnull[0];
        if (nf > 1 && !isnull[1]) {
            row->text_len = len[1] < sizeof row->text ? len[1] : sizeof row->text - 1;
            row->text[row->text_len] = '\0';
        }
    } else if (rc == 1) {
        mysql_stmt_free_result(st);
        return wlmy_fail(mysql_stmt_errno(st), mysql_stmt_error(st), err);
    }
    mysql_stmt_free_result(st);
    return WL_OK;
}

static int wlmy_exec(struct wl_conn *c, int id, const struct fount_value *params,
                     const struct fount_column *const *cols, int nparams, struct wl_row *row,
                     struct fount_err *err)
{
    MYSQL_STMT *st;
    struct wl_row scratch;
    int k;

    if (id < 0 || id >= WLMY_MAX_STMTS || !c->st[id] || nparams > WLMY_MAX_PARAMS) {
        fount_err_set(err, "statement %d was not prepared", id);
        return WL_OTHER;
    }
    st = c->st[id];
    if (!row)
        row = &scratch;
    memset(row, 0, sizeof *row);
    for (k = 0; k < nparams; k++)
        wlmy_bind(c, k, &params[k], cols[k]);
    if ((nparams && mysql_stmt_bind_param(st, c->bind)) || mysql_stmt_execute(st))
        return wlmy_fail(mysql_stmt_errno(st), mysql_stmt_error(st), err);
    if (mysql_stmt_field_count(st))
        return wlmy_fetch(c, st, row, err);
    row->affected = (int64_t)mysql_stmt_affected_rows(st);
    return WL_OK;
}

static int wlmy_simple(struct wl_conn *c, const char *sql, struct wl_row *row,
                       struct fount_err *err)
{
    MYSQL_RES *r;

    if (row)
        memset(row, 0, sizeof *row);
    if (mysql_query(c->my, sql))
        return wlmy_fail(mysql_errno(c->my), mysql_error(c->my), err);
    r = mysql_store_result(c->my);
    if (!r) {
        if (mysql_field_count(c->my))
            return wlmy_fail(mysql_errno(c->my), mysql_error(c->my), err);
        if (row)
            row->affected = (int64_t)mysql_affected_rows(c->my);
        return WL_OK;
    }
    if (row) {
        MYSQL_ROW rw = mysql_fetch_row(r);
        row->affected = (int64_t)mysql_num_rows(r);
        if (rw) {
            row->has = 1;
            row->key_null = rw[0] == NULL;
            if (rw[0])
                row->key = strtoll(rw[0], NULL, 10);
        }
    }
    mysql_free_result(r);
    return WL_OK;
}

static void wlmy_close(struct wl_conn *c)
{
    int i;

    if (!c)
        return;
    for (i = 0; i < WLMY_MAX_STMTS; i++)
        if (c->st[i])
            mysql_stmt_close(c->st[i]);
    if (c->my)
        mysql_close(c->my);
    free(c);
}

const struct wl_driver wl_mysql_driver = {
    .name = "mysql",
    .dialect = DIALECT_MYSQL,
    .connect = wlmy_connect,
    .prepare = wlmy_prepare,
    .exec = wlmy_exec,
    .simple = wlmy_simple,
    .close = wlmy_close,
};

#endif
