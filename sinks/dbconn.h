/* dbconn.h: a connection as the database sinks make it (the URI, its parameters, timeouts, the
 * session settings), for code that talks to the same databases without loading them: the live
 * workload (generator/workload.h). Leaves out: everything else the sinks do. */
#ifndef FOUNT_DBCONN_H
#define FOUNT_DBCONN_H

#include "../generator/common.h"

struct pg_conn;  /* libpq's PGconn   */
struct st_mysql; /* MariaDB's MYSQL  */

/* pgsql.c: connect as the postgres sink does (postgres://..., ?schema=NAME, connect_timeout) and
 * set search_path to schema (NULL: the URI's, else the first existing one of search_path).
 * *schema_out gets the schema used (freed by caller). Returns FOUNT_OK or FOUNT_FATAL; the caller
 * PQfinish()es the connection. */
int pgsql_connect_uri(const char *uri, const char *schema, struct pg_conn **out,
                      char **schema_out, struct fount_err *err);

/* mysql.c: connect as the mysql sink does (mysql://..., its parameters), with its session: strict
 * sql_mode, UTC, autocommit off. Returns FOUNT_OK or FOUNT_FATAL; the caller mysql_close()s it. */
int mysql_connect_uri(const char *uri, struct st_mysql **out, struct fount_err *err);

/* mysql.c: bind one value of a column for a prepared statement as the mysql sink does: natively
 * where the protocol has the type (integers, doubles, decimals, dates and times), as text
 * otherwise. text: room for FMT_DOUBLE_MAX bytes; tm, text, is_null and len must outlive the
 * execution. */
struct st_mysql_bind;
struct st_mysql_time;
struct fount_value;
struct fount_column;
void mysql_bind_value(struct st_mysql_bind *bd, struct st_mysql_time *tm, char *text,
                      char *is_null, unsigned long *len, const struct fount_value *v,
                      const struct fount_column *c);

#endif
