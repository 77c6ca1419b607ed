/* mysql.c: the MySQL / MariaDB sink (MariaDB Connector/C, which speaks to both):
 * mysql://user:pass@host:port/db[?connect_timeout=S&ssl=true&...], also mariadb://.
 * open() connects and refuses to clobber; each relation's table is created when it starts
 * (parents first), every batch is one transaction, loaded by LOAD DATA LOCAL INFILE streamed from
 * memory (the default: the faster one, see docs/sinks/mysql.md) or by multi-row prepared INSERTs
 * (-o method=insert, for servers that refuse LOCAL INFILE). Secondary indexes come after the load.
 * A batch is reported written only once it has committed, so the counts after Ctrl-C are exact.
 * Leaves out: the live OLTP workload (wl_mysql.c, which connects through mysql_connect_uri),
 * MariaDB's bulk array binding. */
#include "sink.h"
#include "dbconn.h"

#include <errno.h>
#include <math.h>
#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define MY_CONNECT_TIMEOUT 10 /* seconds, unless the URI sets connect_timeout */
#define MY_BUF_MAX ((size_t)256 << 20)
#define MY_VAL_TEXT FMT_DOUBLE_MAX /* room for a decimal, uuid or double as text */

enum { MY_INFILE, MY_INSERT };

/* Where the connection goes; strings owned. */
struct my_target {
    char *host, *user, *pass, *db, *socket, *ssl_ca;
    unsigned port, timeout;
    int ssl, ssl_verify;
};

/* A prepared INSERT of `rows` rows, with its parameter bindings and the text of the values that
 * are sent as strings (decimals, uuids). */
struct my_stmt {
    MYSQL_STMT *st;
    size_t rows;
    MYSQL_BIND *bind;
    MYSQL_TIME *tm;
    char *text;
    my_bool *nulls;
    unsigned long *lens;
};

struct my_sink {
    char *method_name;          /* -o method=infile|insert                              */
    long long insert_rows;      /* -o insert_rows=N: rows per prepared INSERT           */
    int indexes;                /* -o indexes=false: skip the secondary indexes         */
    char *collation;            /* -o collation=NAME; "" picks a binary, no-pad one     */
    int method;
    const struct sink_args *a;
    struct my_target t;
    MYSQL *conn;
    unsigned char *created;     /* per a->rels: this run creates (or recreated) the table */
    const struct fount_relation *rel;
    int rel_ok;                 /* a batch of the current relation has committed       */
    int unsure;                 /* the connection was lost during the last batch: it may
                                   have committed (schema_landed() tells, on the retry)  */
    uint64_t held;              /* rows of the current relation in its table            */
    struct buf load_sql;        /* LOAD DATA ... or INSERT ... for the current relation */
    struct buf tmp;
    const char *in_data;        /* the LOCAL INFILE handler's source                    */
    size_t in_len, in_off;
    struct my_stmt full, tail;  /* prepared INSERTs: insert_rows rows, and the remainder */
};

static const struct fount_opt my_opts[] = {
    {"method", OPT_STR, "infile", offsetof(struct my_sink, method_name),
     "infile (LOAD DATA LOCAL INFILE from memory) or insert (multi-row prepared INSERTs)"},
    {"insert_rows", OPT_INT, "256", offsetof(struct my_sink, insert_rows),
     "rows per prepared INSERT statement with method=insert"},
    {"indexes", OPT_BOOL, "true", offsetof(struct my_sink, indexes),
     "create the profile's secondary indexes after each table's load"},
    {"collation", OPT_STR, "", offsetof(struct my_sink, collation),
     "collation of the tables (default: utf8mb4, binary and NO PAD, so unique values stay unique)"},
    {0},
};

/* ---------------------------------------------------------------- LOAD DATA encoding */

/* LOAD DATA's default escapes (FIELDS ESCAPED BY '\\'): the field and line terminators, the
 * escape itself, and NUL, which MySQL can store. */
static const unsigned char MY_SPECIAL[256] = {
    [0] = '0', ['\t'] = 't', ['\n'] = 'n', ['\r'] = 'r', ['\\'] = '\\',
};

static inline int my_needs_escape(uint64_t x)
{
    uint64_t lt = (x - 0x0e0e0e0e0e0e0e0eULL) & ~x & 0x8080808080808080ULL;
    uint64_t y = x ^ 0x5c5c5c5c5c5c5c5cULL;

    return (lt | ((y - 0x0101010101010101ULL) & ~y & 0x8080808080808080ULL)) != 0;
}

static char *my_text(char *p, const char *s, size_t n)
{
    size_t i = 0;
    uint64_t x;

    while (i < n) {
        unsigned char c;
        if (n - i >= 8) {
            memcpy(&x, s + i, 8);
            if (FOUNT_LIKELY(!my_needs_escape(x))) {
                memcpy(p, &x, 8);
                p += 8;
                i += 8;
                continue;
            }
        }
        c = (unsigned char)s[i++];
        if (FOUNT_LIKELY(!MY_SPECIAL[c]))
            *p++ = (char)c;
        else {
            *p++ = '\\';
            *p++ = (char)MY_SPECIAL[c];
        }
    }
    return p;
}

static char *my_value(char *p, const struct fount_value *v, const struct fount_column *c)
{
    switch (v->type) {
    case FV_INT: return p + fmt_i64(p, v->v.i);
    case FV_STRING:
    case FV_JSON: return my_text(p, v->v.s, v->len);
    case FV_DECIMAL: return p + fmt_decimal(p, v->v.i, c->scale);
    case FV_TIMESTAMP: return p + fmt_timestamp(p, v->v.i, c->ts_digits, 1);
    case FV_DATE: return p + fmt_date(p, v->v.i);
    case FV_UUID: return p + fmt_uuid(p, v->v.u);
    case FV_BOOL:
        *p++ = v->v.i ? '1' : '0';
        return p;
    case FV_DOUBLE:
        if (FOUNT_LIKELY(isfinite(v->v.d)))
            return p + fmt_double(p, v->v.d, c->decimals);
        break; /* MySQL has no NaN or infinity: NULL, which a NOT NULL column refuses */
    default:
        break;
    }
    memcpy(p, "\\N", 2);
    return p + 2;
}

/* Tab-separated rows, as LOAD DATA reads them with its default FIELDS and LINES clauses.
 * Encodes nothing for method=insert, which binds the values themselves. */
static int my_encode(const void *ctx, const struct fount_batch *b, struct buf *out)
{
    const struct my_sink *s = ctx;
    const struct fount_relation *rel = b->rel;
    const struct fount_value *row = b->vals;
    size_t i, j, ncols = rel->ncols;

    if (s->method != MY_INFILE)
        return 0;
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
            p = my_value(p, &row[j], &rel->cols[j]);
        }
        *p++ = '\n';
        out->len = (size_t)(p - out->data);
    }
    return 0;
}

/* ---------------------------------------------------------------- the URI */

static int my_hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Percent-decoded copy of [s, s + n) (freed by caller). */
static char *my_decode(const char *s, size_t n)
{
    char *out = xmalloc(n + 1), *o = out;
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && my_hexval(s[i + 1]) >= 0 && my_hexval(s[i + 2]) >= 0) {
            *o++ = (char)(my_hexval(s[i + 1]) * 16 + my_hexval(s[i + 2]));
            i += 2;
        } else
            *o++ = s[i];
    }
    *o = '\0';
    return out;
}

static int my_flag(const char *v, int *out)
{
    if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes") || !strcmp(v, "on"))
        *out = 1;
    else if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no") || !strcmp(v, "off"))
        *out = 0;
    else
        return -1;
    return 0;
}

static int my_param(struct my_target *t, const char *k, const char *v, struct fount_err *err)
{
    char *end;
    unsigned long n;

    if (!strcmp(k, "connect_timeout")) {
        errno = 0;
        n = strtoul(v, &end, 10);
        if (errno || end == v || *end || n > 3600) {
            fount_err_set(err, "URI parameter connect_timeout: expected seconds, got \"%s\"", v);
            return -1;
        }
        t->timeout = (unsigned)n;
    } else if (!strcmp(k, "ssl") || !strcmp(k, "ssl_verify")) {
        if (my_flag(v, !strcmp(k, "ssl") ? &t->ssl : &t->ssl_verify)) {
            fount_err_set(err, "URI parameter %s: expected true or false, got \"%s\"", k, v);
            return -1;
        }
    } else if (!strcmp(k, "ssl_ca")) {
        free(t->ssl_ca);
        t->ssl_ca = xstrdup(v);
    } else if (!strcmp(k, "socket")) {
        free(t->socket);
        t->socket = xstrdup(v);
    } else {
        fount_err_set(err, "unknown URI parameter \"%s\" (the mysql sink takes connect_timeout, "
                           "ssl, ssl_verify, ssl_ca, socket)", k);
        return -1;
    }
    return 0;
}

/* mysql://[user[:pass]@]host[:port][/db][?k=v&...]; IPv6 hosts in brackets. */
static int my_parse_uri(struct my_target *t, const char *uri, struct fount_err *err)
{
    const char *p = strstr(uri, "://"), *at, *end, *hp, *q;
    size_t n;

    t->port = 3306;
    t->timeout = MY_CONNECT_TIMEOUT;
    if (!p) {
        fount_err_set(err, "expected mysql://user:pass@host:port/database, got \"%s\"", uri);
        return -1;
    }
    p += 3;
    end = p + strcspn(p, "/?");
    at = memchr(p, '@', (size_t)(end - p));
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        t->user = my_decode(p, (size_t)((colon ? colon : at) - p));
        if (colon)
            t->pass = my_decode(colon + 1, (size_t)(at - colon - 1));
        p = at + 1;
    }
    if (*p == '[') {
        hp = memchr(p, ']', (size_t)(end - p));
        if (!hp) {
            fount_err_set(err, "unclosed [ in the host of \"%s\"", uri);
            return -1;
        }
        t->host = my_decode(p + 1, (size_t)(hp - p - 1));
        hp++;
    } else {
        hp = memchr(p, ':', (size_t)(end - p));
        if (!hp)
            hp = end;
        t->host = my_decode(p, (size_t)(hp - p));
    }
    if (hp < end && *hp == ':') {
        char *e;
        unsigned long port = strtoul(hp + 1, &e, 10);
        if (e != end || port == 0 || port > 65535) {
            fount_err_set(err, "bad port in \"%s\"", uri);
            return -1;
        }
        t->port = (unsigned)port;
    }
    p = end;
    if (*p == '/') {
        n = strcspn(p + 1, "?");
        if (n)
            t->db = my_decode(p + 1, n);
        p += 1 + n;
    }
    if (!t->db) {
        fount_err_set(err, "the URI names no database (mysql://user:pass@host:port/DATABASE)");
        return -1;
    }
    for (q = *p == '?' ? p + 1 : p; *q;) {
        size_t k = strcspn(q, "&");
        const char *eq = memchr(q, '=', k);
        if (k) {
            char *key = my_decode(q, (size_t)((eq ? eq : q + k) - q));
            char *val = eq ? my_decode(eq + 1, (size_t)(q + k - eq - 1)) : xstrdup("");
            int bad = my_param(t, key, val, err);
            free(key);
            free(val);
            if (bad)
                return -1;
        }
        q += k;
        if (*q == '&')
            q++;
    }
    return 0;
}

static void my_target_free(struct my_target *t)
{
    free(t->host);
    free(t->user);
    if (t->pass)
        memset(t->pass, 0, strlen(t->pass));
    free(t->pass);
    free(t->db);
    free(t->socket);
    free(t->ssl_ca);
    memset(t, 0, sizeof *t);
}

/* ---------------------------------------------------------------- connection */

static void my_stmt_free(struct my_stmt *m);

static const char *my_cstr(struct buf *b)
{
    if (buf_reserve(b, 1))
        return NULL;
    b->data[b->len] = '\0';
    return b->data;
}

static int my_query(struct my_sink *s, const char *sql, struct fount_err *err, const char *what)
{
    if (mysql_query(s->conn, sql) == 0) {
        MYSQL_RES *r = mysql_store_result(s->conn);
        mysql_free_result(r);
        return 0;
    }
    fount_err_set(err, "%s%s%s", what ? what : "", what ? ": " : "", mysql_error(s->conn));
    return -1;
}

/* The LOCAL INFILE handler: the "file" is the batch in memory. */
static int my_in_init(void **ptr, const char *name, void *userdata)
{
    struct my_sink *s = userdata;

    (void)name;
    s->in_off = 0;
    *ptr = s;
    return 0;
}

static int my_in_read(void *ptr, char *buf, unsigned int len)
{
    struct my_sink *s = ptr;
    size_t n = s->in_len - s->in_off;

    if (n > len)
        n = len;
    if (n)
        memcpy(buf, s->in_data + s->in_off, n);
    s->in_off += n;
    return (int)n;
}

static void my_in_end(void *ptr)
{
    (void)ptr;
}

static int my_in_error(void *ptr, char *msg, unsigned int len)
{
    (void)ptr;
    snprintf(msg, len, "fount: no data");
    return CR_UNKNOWN_ERROR;
}

/* What every session needs, again after a reconnect: a known sql_mode (strict, and backslashes
 * in literals meaning what LOAD DATA's clauses say), UTC, and explicit commits. */
static int my_session(struct my_sink *s, struct fount_err *err)
{
    mysql_set_local_infile_handler(s->conn, my_in_init, my_in_read, my_in_end, my_in_error, s);
    if (my_query(s, "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,"
                    "NO_AUTO_VALUE_ON_ZERO', time_zone = '+00:00', autocommit = 0",
                 err, "setting up the session"))
        return -1;
    return 0;
}

static int my_connect(struct my_sink *s, struct fount_err *err)
{
    const struct my_target *t = &s->t;
    unsigned timeout = t->timeout;
    my_bool yes = 1;
    unsigned int infile = 1;
    time_t t0;

    my_stmt_free(&s->full); /* statements belong to the old connection */
    my_stmt_free(&s->tail);
    if (s->conn)
        mysql_close(s->conn);
    s->conn = mysql_init(NULL);
    if (!s->conn) {
        fount_err_set(err, "cannot connect: out of memory");
        return FOUNT_FATAL;
    }
    mysql_options(s->conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_options(s->conn, MYSQL_OPT_LOCAL_INFILE, &infile);
    mysql_options(s->conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    if (t->ssl)
        mysql_options(s->conn, MYSQL_OPT_SSL_ENFORCE, &yes);
    if (t->ssl_verify)
        mysql_options(s->conn, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes);
    if (t->ssl_ca)
        mysql_options(s->conn, MYSQL_OPT_SSL_CA, t->ssl_ca);
    t0 = time(NULL);
    if (!mysql_real_connect(s->conn, t->host && *t->host ? t->host : NULL, t->user,
                            t->pass, t->db, t->port, t->socket, 0)) {
        unsigned e = mysql_errno(s->conn);
        /* The library's text for these is "Can't connect to server on 'h' (115)", the errno of
         * its non-blocking connect(): say what it means. */
        const char *why =
            e != CR_CONNECTION_ERROR && e != CR_CONN_HOST_ERROR ? ""
            : time(NULL) - t0 + 1 >= (time_t)timeout && timeout
                ? " (timed out: is the host reachable?)"
                : " (connection refused: is the server running on that host and port?)";
        fount_err_set(err, "cannot connect to MySQL at %s:%u (database \"%s\", user \"%s\"): %s%s",
                      t->host && *t->host ? t->host : "localhost", t->port, t->db,
                      t->user ? t->user : "", mysql_error(s->conn), why);
        mysql_close(s->conn);
        s->conn = NULL;
        return FOUNT_FATAL;
    }
    return my_session(s, err) ? FOUNT_FATAL : FOUNT_OK;
}

/* 1 when a table (or view) named name exists in the database, 0 when not, -1 on error. */
static int my_exists(struct my_sink *s, const char *name, struct fount_err *err)
{
    size_t n = strlen(name);
    char *esc = xmalloc(n * 2 + 1);
    MYSQL_RES *r;
    int rc = -1;

    mysql_real_escape_string(s->conn, esc, name, (unsigned long)n);
    buf_reset(&s->tmp);
    if (buf_printf(&s->tmp, "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                            "DATABASE() AND TABLE_NAME = '%s'", esc) ||
        !my_cstr(&s->tmp))
        goto out;
    if (mysql_query(s->conn, s->tmp.data) || !(r = mysql_store_result(s->conn))) {
        fount_err_set(err, "looking for table %s: %s", name, mysql_error(s->conn));
        goto out;
    }
    rc = mysql_num_rows(r) > 0;
    mysql_free_result(r);
out:
    free(esc);
    return rc;
}

static int my_exists_cb(void *ctx, const char *table, struct fount_err *err)
{
    return my_exists(ctx, table, err);
}

/* Lists the run's tables that exist; refuses unless --replace or --append; with --replace drops
 * them, children first. Nothing is written before the refusal. */
static int my_check_tables(struct my_sink *s, struct fount_err *err)
{
    const struct sink_args *a = s->a;
    struct buf have;
    int rc = FOUNT_FATAL, n;

    buf_init(&have, 1 << 16);
    n = schema_existing(a->rels, a->nrels, a->replace, my_exists_cb, s, s->created, &have, err);
    if (n < 0)
        goto out;
    if (n && !a->replace && !a->append) {
        fount_err_set(err, "database \"%s\" already has %s %s (use --replace to drop and recreate "
                           "fount's tables, or --append to add rows after them)",
                      s->t.db, n > 1 ? "tables" : "table", have.data);
        goto out;
    }
    if (n && a->replace) {
        buf_reset(&have);
        if (schema_drop_tables(DIALECT_MYSQL, a->rels, a->nrels, &have))
            goto out;
        if (my_query(s, have.data, err, "--replace")) {
            unsigned en = mysql_errno(s->conn);
            if (en == ER_ROW_IS_REFERENCED || en == ER_ROW_IS_REFERENCED_2) {
                char m[sizeof err->msg];
                snprintf(m, sizeof m, "%s", err->msg);
                fount_err_set(err, "%s (a table outside this run has a foreign key to one of "
                                   "the run's tables: drop it, or include it in the run)", m);
            }
            goto out;
        }
    }
    rc = FOUNT_OK;
out:
    buf_free(&have);
    return rc;
}

/* Binary and NO PAD where the server has it: fount's unique strings are unique as bytes, and a
 * case-insensitive or space-padding collation could make two of them collide. */
static void my_pick_collation(struct my_sink *s)
{
    const char *info = mysql_get_server_info(s->conn);
    unsigned long v = mysql_get_server_version(s->conn);

    if (s->collation && *s->collation)
        return;
    free(s->collation);
    if (info && strstr(info, "MariaDB"))
        s->collation = xstrdup("utf8mb4_nopad_bin");
    else if (v >= 80017)
        s->collation = xstrdup("utf8mb4_0900_bin");
    else
        s->collation = xstrdup("utf8mb4_bin");
}

static int my_open(void *ctx, const struct sink_args *a, struct fount_err *err)
{
    struct my_sink *s = ctx;
    int rc;

    s->a = a;
    buf_init(&s->load_sql, 1 << 20);
    buf_init(&s->tmp, MY_BUF_MAX);
    s->created = xcalloc(a->nrels + 1, 1);
    if (!strcmp(s->method_name, "infile"))
        s->method = MY_INFILE;
    else if (!strcmp(s->method_name, "insert"))
        s->method = MY_INSERT;
    else {
        fount_err_set(err, "option method: expected infile or insert, got \"%s\"", s->method_name);
        return FOUNT_FATAL;
    }
    if (s->insert_rows < 1 || s->insert_rows > 65535) {
        fount_err_set(err, "option insert_rows: expected 1 to 65535, got %lld", s->insert_rows);
        return FOUNT_FATAL;
    }
    if (my_parse_uri(&s->t, a->uri, err))
        return FOUNT_FATAL;
    if ((rc = my_connect(s, err)) != FOUNT_OK)
        return rc;
    my_pick_collation(s);
    return my_check_tables(s, err);
}

/* ---------------------------------------------------------------- relations */

static size_t my_rel_index(const struct my_sink *s, const char *name)
{
    size_t i;

    for (i = 0; i < s->a->nrels; i++)
        if (strcmp(s->a->rels[i]->name, name) == 0)
            return i;
    return (size_t)-1;
}

/* CREATE TABLE with the table's character set and collation, leaving out a foreign key whose
 * target is neither in the run nor in the database (schema_create_table_for). */
static int my_create(struct my_sink *s, const struct fount_relation *rel, struct fount_err *err)
{
    struct buf ddl; /* not s->tmp: my_exists builds its query there */
    int rc = -1;

    buf_init(&ddl, 16u << 20);
    if (schema_create_table_for(DIALECT_MYSQL, rel, s->a->rels, s->a->nrels, my_exists_cb, s,
                                &ddl, err))
        goto out;
    /* drop the ";\n" after ")", so that the table options can follow */
    while (ddl.len && (ddl.data[ddl.len - 1] == ';' || ddl.data[ddl.len - 1] == '\n'))
        ddl.len--;
    if (buf_printf(&ddl, " DEFAULT CHARSET=utf8mb4 COLLATE=%s", s->collation) || !my_cstr(&ddl))
        goto out;
    rc = my_query(s, ddl.data, err, "CREATE TABLE");
out:
    buf_free(&ddl);
    return rc;
}

static void my_stmt_free(struct my_stmt *m)
{
    if (m->st)
        mysql_stmt_close(m->st);
    free(m->bind);
    free(m->tm);
    free(m->text);
    free(m->nulls);
    free(m->lens);
    memset(m, 0, sizeof *m);
}

/* The statement text for the current relation: LOAD DATA, or the head of an INSERT. */
static int my_load_sql(struct my_sink *s, const struct fount_relation *rel)
{
    size_t j;

    buf_reset(&s->load_sql);
    if (s->method == MY_INFILE) {
        if (buf_puts(&s->load_sql, "LOAD DATA LOCAL INFILE 'fount.tsv' INTO TABLE ") ||
            sql_quote_ident(DIALECT_MYSQL, rel->name, &s->load_sql) ||
            buf_puts(&s->load_sql, " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' "
                                   "ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' ("))
            return -1;
    } else if (buf_puts(&s->load_sql, "INSERT INTO ") ||
               sql_quote_ident(DIALECT_MYSQL, rel->name, &s->load_sql) ||
               buf_puts(&s->load_sql, " ("))
        return -1;
    for (j = 0; j < rel->ncols; j++)
        if ((j && buf_puts(&s->load_sql, ",")) ||
            sql_quote_ident(DIALECT_MYSQL, rel->cols[j].name, &s->load_sql))
            return -1;
    return buf_puts(&s->load_sql, ")") || !my_cstr(&s->load_sql) ? -1 : 0;
}

static int my_existing_rows(void *ctx, const struct fount_relation *rel, uint64_t *n,
                            struct fount_err *err);

static int my_begin(void *ctx, const struct fount_relation *rel, struct fount_err *err)
{
    struct my_sink *s = ctx;
    size_t i = my_rel_index(s, rel->name);

    s->rel = rel;
    s->rel_ok = 0;
    s->unsure = 0;
    s->held = 0;
    my_stmt_free(&s->full);
    my_stmt_free(&s->tail);
    if (i != (size_t)-1 && s->created[i] && my_create(s, rel, err))
        return FOUNT_FATAL;
    /* Without a key column, telling whether an unanswered commit landed means counting rows. */
    if ((i == (size_t)-1 || !s->created[i]) && schema_key_col(rel) < 0 &&
        my_existing_rows(s, rel, &s->held, err))
        return FOUNT_FATAL;
    if (my_load_sql(s, rel)) {
        fount_err_set(err, "statement too long");
        return FOUNT_FATAL;
    }
    return FOUNT_OK;
}

static int my_end(void *ctx, const struct fount_relation *rel, struct fount_err *err)
{
    struct my_sink *s = ctx;
    size_t i = my_rel_index(s, rel->name), k;

    s->rel = NULL;
    my_stmt_free(&s->full);
    my_stmt_free(&s->tail);
    if (!s->indexes || i == (size_t)-1 || !s->created[i])
        return FOUNT_OK; /* an appended table keeps the indexes it has */
    for (k = 0; k < rel->nindexes; k++) {
        buf_reset(&s->tmp);
        if (schema_create_index(DIALECT_MYSQL, rel, rel->indexes[k], &s->tmp) || !my_cstr(&s->tmp))
            return FOUNT_FATAL;
        if (my_query(s, s->tmp.data, err, "CREATE INDEX"))
            return FOUNT_FATAL;
    }
    return FOUNT_OK;
}

/* ---------------------------------------------------------------- loading */

static int my_lost(unsigned e)
{
    return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST || e == CR_SERVER_LOST_EXTENDED ||
           e == ER_CONNECTION_KILLED || e == ER_SERVER_SHUTDOWN || e == CR_CONNECTION_ERROR ||
           e == CR_CONN_HOST_ERROR;
}

static int my_data_error(unsigned e)
{
    switch (e) {
    case ER_DUP_ENTRY: case ER_NO_REFERENCED_ROW_2: case ER_ROW_IS_REFERENCED_2:
    case ER_NO_REFERENCED_ROW: case ER_ROW_IS_REFERENCED: case ER_BAD_NULL_ERROR:
    case ER_DATA_TOO_LONG: case ER_WARN_DATA_OUT_OF_RANGE: case ER_TRUNCATED_WRONG_VALUE:
    case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: case WARN_DATA_TRUNCATED:
    case ER_DUP_ENTRY_WITH_KEY_NAME: case ER_DATA_OUT_OF_RANGE: case ER_WARN_NULL_TO_NOTNULL:
    case ER_WARN_TOO_FEW_RECORDS: case ER_WARN_TOO_MANY_RECORDS: case ER_CONSTRAINT_FAILED:
        return 1;
    default:
        return 0;
    }
}

/* "row N: " from a message's "at row K" (1-based within the statement), else the rows of the
 * statement. */
static void my_where(char *out, size_t n, const char *msg, uint64_t first, size_t nrows)
{
    const char *p = msg ? strstr(msg, " at row ") : NULL;
    unsigned long long k = p ? strtoull(p + 8, NULL, 10) : 0;

    if (k >= 1 && k <= nrows)
        snprintf(out, n, "row %llu: ", (unsigned long long)first + k - 1);
    else if (nrows)
        snprintf(out, n, "rows %llu-%llu: ", (unsigned long long)first,
                 (unsigned long long)(first + nrows - 1));
    else
        out[0] = '\0';
}

/* MySQL does not say which row a duplicate came from ("Duplicate entry '42' for key 'PRIMARY'"):
 * look for it among rows [first, first + nrows) of the batch when the key is one column.
 * Returns the row's offset in the batch, or -1. */
static long my_find_dup(const struct fount_batch *b, uint64_t first, size_t nrows, const char *msg)
{
    const struct fount_relation *rel = b->rel;
    const char *v = msg ? strstr(msg, "Duplicate entry '") : NULL, *ve, *k, *ke;
    size_t j, col = (size_t)-1, npk = 0, i, i0 = (size_t)(first - b->first_row), klen;
    char text[512];
    int pk;

    if (!v || !(ve = strstr(v + 17, "' for key '")))
        return -1;
    v += 17;
    k = ve + 11;
    if (!(ke = strchr(k, '\'')))
        return -1;
    if (memchr(k, '.', (size_t)(ke - k))) /* MySQL 8 names the key 'orders.PRIMARY' */
        k = (const char *)memchr(k, '.', (size_t)(ke - k)) + 1;
    klen = (size_t)(ke - k);
    pk = klen == 7 && !strncmp(k, "PRIMARY", 7);
    /* The key: the primary key when it is one column, else the UNIQUE column it is named after. */
    for (j = 0; j < rel->ncols; j++) {
        const struct fount_column *c = &rel->cols[j];
        npk += c->primary_key != 0;
        if (pk ? c->primary_key != 0 : strlen(c->name) == klen && !strncmp(c->name, k, klen))
            col = j;
    }
    if (col == (size_t)-1 || (pk && npk != 1))
        return -1;
    for (i = i0; i < i0 + nrows && i < b->nrows; i++) {
        const struct fount_value *val = &b->vals[i * rel->ncols + col];
        size_t n = val->type == FV_NULL ? 0 : fmt_value(text, sizeof text, val, &rel->cols[col]);
        if (n && n == (size_t)(ve - v) && !memcmp(text, v, n))
            return (long)i;
    }
    return -1;
}

/* After a failed statement (errno e, message msg): roll back, then RETRY when a new attempt may
 * work (connection lost: reconnect first; deadlock, lock wait timeout), ERROR for bad data (FATAL
 * when nothing of the relation went in: every batch would meet the same conflict), else FATAL. */
static int my_fail(struct my_sink *s, unsigned e, const char *msg, const struct fount_batch *b,
                   uint64_t first, size_t nrows, struct fount_err *err)
{
    char where[64], m[sizeof err->msg];
    long dup = e == ER_DUP_ENTRY ? my_find_dup(b, first, nrows, msg) : -1;

    if (dup >= 0)
        snprintf(where, sizeof where, "row %llu: ",
                 (unsigned long long)(b->first_row + (uint64_t)dup));
    else
        my_where(where, sizeof where, msg, first, nrows);
    snprintf(m, sizeof m, "%s", msg ? msg : "unknown error");
    if (my_lost(e)) {
        struct fount_err e2;
        int rc = my_connect(s, &e2);
        s->unsure = 1;
        fount_err_set(err, "connection lost%s: %s", rc == FOUNT_OK ? " (reconnected)" : "", m);
        return FOUNT_RETRY;
    }
    if (s->conn)
        mysql_rollback(s->conn);
    fount_err_set(err, "%s%s", where, m);
    if (e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT)
        return FOUNT_RETRY;
    if (my_data_error(e))
        return !s->rel_ok ? FOUNT_FATAL : FOUNT_ERROR; /* as in pgsql.c: one message, not many */
    return FOUNT_FATAL;
}

/* LOAD DATA LOCAL treats errors as warnings and skips the row (as IGNORE does: the server cannot
 * stop the client's stream), so a batch counts as loaded only when every row went in without a
 * warning; otherwise the first warning is the error and the transaction is rolled back. */
static int my_load(struct my_sink *s, const struct fount_batch *b, struct fount_err *err)
{
    const char *data = b->bytes;
    size_t n = b->nbytes;
    MYSQL_RES *r;
    MYSQL_ROW row;
    unsigned e = 0;
    char msg[400] = "";

    if (!data) { /* a resent sub-batch carries no bytes */
        buf_reset(&s->tmp);
        if (my_encode(s, b, &s->tmp)) {
            fount_err_set(err, "a batch is larger than the 256 MiB buffer");
            return FOUNT_FATAL;
        }
        data = s->tmp.data;
        n = s->tmp.len;
    }
    s->in_data = data;
    s->in_len = n;
    if (mysql_real_query(s->conn, s->load_sql.data, (unsigned long)s->load_sql.len)) {
        e = mysql_errno(s->conn);
        /* MySQL 8 ships with local_infile=OFF (3948); MariaDB can disable it too */
        if (e == ER_NOT_ALLOWED_COMMAND || e == ER_LOAD_INFILE_CAPABILITY_DISABLED || e == 3948) {
            fount_err_set(err, "%s (the server refuses LOAD DATA LOCAL INFILE: set local_infile=ON "
                               "on it, or use -o method=insert)", mysql_error(s->conn));
            return FOUNT_FATAL;
        }
        return my_fail(s, e, mysql_error(s->conn), b, b->first_row, b->nrows, err);
    }
    if (mysql_affected_rows(s->conn) == b->nrows && mysql_warning_count(s->conn) == 0)
        return FOUNT_OK;
    if (mysql_query(s->conn, "SHOW WARNINGS LIMIT 1") == 0 && (r = mysql_store_result(s->conn))) {
        if ((row = mysql_fetch_row(r)) && row[1] && row[2]) {
            e = (unsigned)strtoul(row[1], NULL, 10);
            snprintf(msg, sizeof msg, "%s", row[2]);
        }
        mysql_free_result(r);
    }
    if (!msg[0])
        snprintf(msg, sizeof msg, "%llu of %zu rows loaded",
                 (unsigned long long)mysql_affected_rows(s->conn), b->nrows);
    return my_fail(s, e ? e : ER_WARN_TOO_FEW_RECORDS, msg, b, b->first_row, b->nrows, err);
}

static int my_stmt_prepare(struct my_sink *s, struct my_stmt *m, size_t rows,
                           struct fount_err *err)
{
    size_t ncols = s->rel->ncols, i, j, nv = rows * ncols;

    my_stmt_free(m);
    buf_reset(&s->tmp);
    if (buf_append(&s->tmp, s->load_sql.data, s->load_sql.len) || buf_puts(&s->tmp, " VALUES "))
        return FOUNT_FATAL;
    for (i = 0; i < rows; i++) {
        if (buf_puts(&s->tmp, i ? ",(" : "("))
            return FOUNT_FATAL;
        for (j = 0; j < ncols; j++)
            if (buf_puts(&s->tmp, j ? ",?" : "?"))
                return FOUNT_FATAL;
        if (buf_puts(&s->tmp, ")"))
            return FOUNT_FATAL;
    }
    m->st = mysql_stmt_init(s->conn);
    if (!m->st || mysql_stmt_prepare(m->st, s->tmp.data, (unsigned long)s->tmp.len)) {
        unsigned e = m->st ? mysql_stmt_errno(m->st) : mysql_errno(s->conn);
        fount_err_set(err, "preparing the INSERT: %s",
                      m->st ? mysql_stmt_error(m->st) : mysql_error(s->conn));
        my_stmt_free(m);
        return my_lost(e) ? FOUNT_RETRY : FOUNT_FATAL;
    }
    m->rows = rows;
    m->bind = xcalloc(nv, sizeof *m->bind);
    m->tm = xcalloc(nv, sizeof *m->tm);
    m->text = xcalloc(nv, MY_VAL_TEXT);
    m->nulls = xcalloc(nv, sizeof *m->nulls);
    m->lens = xcalloc(nv, sizeof *m->lens);
    return FOUNT_OK;
}

void mysql_bind_value(MYSQL_BIND *bd, MYSQL_TIME *tm, char *t, my_bool *is_null,
                      unsigned long *len, const struct fount_value *v, const struct fount_column *c)
{
    int64_t y;
    unsigned mo, d;

    memset(bd, 0, sizeof *bd);
    *is_null = 0;
    bd->is_null = is_null;
    bd->length = len;
    switch (v->type) {
    case FV_INT:
    case FV_BOOL:
        bd->buffer_type = MYSQL_TYPE_LONGLONG;
        bd->buffer = (void *)&v->v.i;
        return;
    case FV_DOUBLE:
        if (!isfinite(v->v.d))
            break;
        if (c->decimals >= 0) { /* rounded as the text form (and method=infile) writes it */
            bd->buffer_type = MYSQL_TYPE_STRING;
            bd->buffer = t;
            *len = fmt_double(t, v->v.d, c->decimals);
            return;
        }
        bd->buffer_type = MYSQL_TYPE_DOUBLE;
        bd->buffer = (void *)&v->v.d;
        return;
    case FV_STRING:
    case FV_JSON:
        bd->buffer_type = MYSQL_TYPE_STRING;
        bd->buffer = (void *)v->v.s;
        *len = v->len;
        return;
    case FV_DECIMAL:
        bd->buffer_type = MYSQL_TYPE_NEWDECIMAL;
        bd->buffer = t;
        *len = fmt_decimal(t, v->v.i, c->scale);
        return;
    case FV_UUID:
        bd->buffer_type = MYSQL_TYPE_STRING;
        bd->buffer = t;
        *len = fmt_uuid(t, v->v.u);
        return;
    case FV_TIMESTAMP:
    case FV_DATE: {
        int64_t days = v->type == FV_DATE ? v->v.i : v->v.i / 86400000000LL, us = 0;
        if (v->type == FV_TIMESTAMP) {
            us = v->v.i % 86400000000LL;
            if (us < 0) {
                us += 86400000000LL;
                days--;
            }
        }
        memset(tm, 0, sizeof *tm);
        civil_from_days(days, &y, &mo, &d);
        tm->year = (unsigned)y;
        tm->month = mo;
        tm->day = d;
        tm->hour = (unsigned)(us / 3600000000LL);
        tm->minute = (unsigned)(us / 60000000LL % 60);
        tm->second = (unsigned)(us / 1000000LL % 60);
        tm->second_part = (unsigned long)(us % 1000000LL);
        tm->time_type = v->type == FV_DATE ? MYSQL_TIMESTAMP_DATE : MYSQL_TIMESTAMP_DATETIME;
        bd->buffer_type = v->type == FV_DATE ? MYSQL_TYPE_DATE : MYSQL_TYPE_DATETIME;
        bd->buffer = tm;
        return;
    }
    default:
        break;
    }
    bd->buffer_type = MYSQL_TYPE_NULL;
    *is_null = 1;
}

/* Binds one value natively where the protocol has the type, as text otherwise. */
static void my_bind(struct my_stmt *m, size_t k, const struct fount_value *v,
                    const struct fount_column *c)
{
    mysql_bind_value(&m->bind[k], &m->tm[k], m->text + k * MY_VAL_TEXT, &m->nulls[k], &m->lens[k],
                     v, c);
}

/* Multi-row prepared INSERTs: insert_rows rows per execution, the remainder with its own. */
static int my_insert(struct my_sink *s, const struct fount_batch *b, struct fount_err *err)
{
    const struct fount_relation *rel = b->rel;
    size_t ncols = rel->ncols, i = 0, per = (size_t)s->insert_rows, k, j;
    int rc;

    while (i < b->nrows) {
        size_t rows = b->nrows - i < per ? b->nrows - i : per;
        struct my_stmt *m = rows == per ? &s->full : &s->tail;
        if (m->rows != rows && (rc = my_stmt_prepare(s, m, rows, err)) != FOUNT_OK) {
            if (rc == FOUNT_RETRY)
                return my_fail(s, CR_SERVER_LOST, err->msg, b, b->first_row, b->nrows, err);
            return rc;
        }
        for (k = 0; k < rows; k++)
            for (j = 0; j < ncols; j++)
                my_bind(m, k * ncols + j, &b->vals[(i + k) * ncols + j], &rel->cols[j]);
        if (mysql_stmt_bind_param(m->st, m->bind) || mysql_stmt_execute(m->st)) {
            unsigned e = mysql_stmt_errno(m->st);
            char msg[400];
            snprintf(msg, sizeof msg, "%s", mysql_stmt_error(m->st));
            if (my_lost(e)) {
                my_stmt_free(&s->full);
                my_stmt_free(&s->tail);
            }
            return my_fail(s, e, msg, b, b->first_row + i, rows, err);
        }
        i += rows;
    }
    return FOUNT_OK;
}

/* Whether the batch whose connection was lost is in the table: 1 yes, 0 no (send it), -1 neither
 * (err says why), -2 the connection went again (retry). Clears s->unsure once it knows. */
static int my_landed(struct my_sink *s, const struct fount_batch *b, struct fount_err *err)
{
    MYSQL_RES *r;
    MYSQL_ROW row;
    uint64_t n = 0;
    int rc;

    buf_reset(&s->tmp);
    if (schema_landed_sql(DIALECT_MYSQL, b, &s->tmp) || !my_cstr(&s->tmp)) {
        fount_err_set(err, "statement too long");
        return -1;
    }
    if (mysql_query(s->conn, s->tmp.data) || !(r = mysql_store_result(s->conn))) {
        unsigned e = mysql_errno(s->conn);
        fount_err_set(err, "after a lost connection, asking whether the batch committed: %s",
                      mysql_error(s->conn));
        if (my_lost(e))
            my_connect(s, &(struct fount_err){0});
        return my_lost(e) ? -2 : -1;
    }
    if ((row = mysql_fetch_row(r)) && row[0])
        n = strtoull(row[0], NULL, 10);
    mysql_free_result(r);
    mysql_commit(s->conn); /* end the read's transaction */
    if ((rc = schema_landed(b, n, s->held, err)) >= 0)
        s->unsure = 0;
    return rc;
}

static int my_write(void *ctx, const struct fount_batch *b, size_t *accepted,
                    struct fount_err *err)
{
    struct my_sink *s = ctx;
    int rc;

    *accepted = 0;
    if (b->nrows == 0)
        return FOUNT_OK;
    if (!s->conn) { /* lost on an earlier attempt and not back yet */
        struct fount_err e2;
        if (my_connect(s, &e2) != FOUNT_OK) {
            fount_err_set(err, "reconnecting: %s", e2.msg);
            return FOUNT_RETRY;
        }
    }
    if (s->unsure && (rc = my_landed(s, b, err)) != 0) {
        if (rc < 0)
            return rc == -1 ? FOUNT_FATAL : FOUNT_RETRY;
        goto landed; /* committed before the connection went: not sent again */
    }
    rc = s->method == MY_INFILE ? my_load(s, b, err) : my_insert(s, b, err);
    if (rc != FOUNT_OK)
        return rc;
    if (mysql_commit(s->conn))
        return my_fail(s, mysql_errno(s->conn), mysql_error(s->conn), b, b->first_row, b->nrows,
                       err);
landed:
    s->rel_ok = 1;
    s->held += b->nrows;
    *accepted = b->nrows;
    return FOUNT_OK;
}

static int my_existing_rows(void *ctx, const struct fount_relation *rel, uint64_t *n,
                            struct fount_err *err)
{
    struct my_sink *s = ctx;
    MYSQL_RES *r;
    MYSQL_ROW row;
    int e = my_exists(s, rel->name, err);

    *n = 0;
    if (e <= 0)
        return e < 0 ? FOUNT_FATAL : FOUNT_OK;
    buf_reset(&s->tmp);
    if (buf_puts(&s->tmp, "SELECT COUNT(*) FROM ") ||
        sql_quote_ident(DIALECT_MYSQL, rel->name, &s->tmp) || !my_cstr(&s->tmp))
        return FOUNT_FATAL;
    if (mysql_query(s->conn, s->tmp.data) || !(r = mysql_store_result(s->conn))) {
        fount_err_set(err, "counting rows: %s", mysql_error(s->conn));
        return FOUNT_FATAL;
    }
    if ((row = mysql_fetch_row(r)) && row[0])
        *n = strtoull(row[0], NULL, 10);
    mysql_free_result(r);
    mysql_commit(s->conn); /* end the read's transaction: no snapshot held through the load */
    return FOUNT_OK;
}

static void my_close(void *ctx)
{
    struct my_sink *s = ctx;

    my_stmt_free(&s->full);
    my_stmt_free(&s->tail);
    if (s->conn)
        mysql_close(s->conn);
    s->conn = NULL;
    my_target_free(&s->t);
    free(s->created);
    s->created = NULL;
    buf_free(&s->load_sql);
    buf_free(&s->tmp);
}

const struct fount_sink_type mysql_sink_type = {
    .name = "mysql",
    .desc = "MySQL or MariaDB via LOAD DATA LOCAL INFILE: mysql://user:pass@host:port/db",
    .opts = my_opts,
    .ctx_size = sizeof(struct my_sink),
    .open = my_open,
    .begin = my_begin,
    .write_batch = my_write,
    .end = my_end,
    .close = my_close,
    .encode = my_encode,
    .existing_rows = my_existing_rows,
};

/* ---------------------------------------------------------------- for the workload (dbconn.h) */

int mysql_connect_uri(const char *uri, struct st_mysql **out, struct fount_err *err)
{
    struct my_sink s;
    int rc = FOUNT_FATAL;

    memset(&s, 0, sizeof s);
    *out = NULL;
    if (my_parse_uri(&s.t, uri, err) == 0 && (rc = my_connect(&s, err)) == FOUNT_OK) {
        /* the session's LOCAL INFILE handler points at s, which is gone after this returns */
        mysql_set_local_infile_default(s.conn);
        *out = s.conn;
    }
    my_target_free(&s.t);
    return rc;
}
