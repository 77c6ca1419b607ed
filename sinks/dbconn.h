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

#endif
