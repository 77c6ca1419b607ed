/* registry.c: the list of sinks, URI resolution, and option tables applied to a sink's ctx.
 * Optional sinks are listed under their FOUNT_WITH_* macros. */
#include "sink.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>

#include "../generator/value.h"

#ifdef FOUNT_WITH_SQLITE
extern const struct fount_sink_type sqlite_sink_type;
#endif
#ifdef FOUNT_WITH_PGSQL
extern const struct fount_sink_type postgres_sink_type;
#endif
#ifdef FOUNT_WITH_MYSQL
extern const struct fount_sink_type mysql_sink_type;
#endif
#ifdef FOUNT_WITH_HTTP
extern const struct fount_sink_type http_sink_type;
#endif
#ifdef FOUNT_WITH_KAFKA
extern const struct fount_sink_type kafka_sink_type;
#endif

static const struct fount_sink_type *const types[] = {
    &file_sink_type,
#ifdef FOUNT_WITH_SQLITE
    &sqlite_sink_type,
#endif
#ifdef FOUNT_WITH_PGSQL
    &postgres_sink_type,
#endif
#ifdef FOUNT_WITH_MYSQL
    &mysql_sink_type,
#endif
#ifdef FOUNT_WITH_HTTP
    &http_sink_type,
#endif
#ifdef FOUNT_WITH_KAFKA
    &kafka_sink_type,
#endif
    &null_sink_type,
};

const struct fount_sink_type *const *sink_types(size_t *n)
{
    *n = sizeof types / sizeof types[0];
    return types;
}

const struct fount_sink_type *sink_find(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(types[i]->name, name) == 0)
            return types[i];
    return NULL;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

const struct fount_sink_type *sink_resolve(const char *uri, const char **target,
                                           struct fount_err *err)
{
    static const char *const file_ext[] = {".csv", ".jsonl", ".ndjson", ".json", ".sql", ".lp",
                                           ".prom", "/"};
    static const char *const db_ext[] = {".db", ".sqlite", ".sqlite3"};
    const char *colon = strchr(uri, ':');
    struct stat st;
    size_t i;

    if (strcmp(uri, "-") == 0) {
        *target = "";
        return &file_sink_type;
    }
    if (colon && colon > uri) {
        char scheme[32];
        const char *s;
        size_t n = (size_t)(colon - uri);
        int ok = n < sizeof scheme;
        for (s = uri; ok && s < colon; s++)
            ok = isalnum((unsigned char)*s) || *s == '+' || *s == '-';
        if (ok) {
            const struct fount_sink_type *t;
            memcpy(scheme, uri, n);
            scheme[n] = '\0';
            /* Aliases: the sink reads the whole URI (sink_args.uri), so the scheme only picks it. */
            t = sink_find(strcmp(scheme, "postgresql") == 0 ? "postgres"
                          : strcmp(scheme, "mariadb") == 0  ? "mysql"
                          : strcmp(scheme, "https") == 0    ? "http"
                                                            : scheme);
            if (!t && (strcmp(scheme, "postgres") == 0 || strcmp(scheme, "postgresql") == 0 ||
                       strcmp(scheme, "mysql") == 0 || strcmp(scheme, "mariadb") == 0 ||
                       strcmp(scheme, "kafka") == 0 ||
                       strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0)) {
                fount_err_set(err, "the %s sink is not built into this fount (see `fount sinks`)",
                              scheme);
                return NULL;
            }
            if (t) {
                *target = colon + 1;
                return t;
            }
        }
    }
    if (strcmp(uri, "null") == 0) {
        *target = "";
        return &null_sink_type;
    }
    *target = uri;
    /* An existing directory, device or pipe (/dev/null, a FIFO) can only mean the file sink. */
    if (stat(uri, &st) == 0 && !S_ISREG(st.st_mode))
        return &file_sink_type;
    for (i = 0; i < sizeof file_ext / sizeof file_ext[0]; i++)
        if (ends_with(uri, file_ext[i]))
            return &file_sink_type;
    for (i = 0; i < sizeof db_ext / sizeof db_ext[0]; i++)
        if (ends_with(uri, db_ext[i])) {
            const struct fount_sink_type *t = sink_find("sqlite");
            if (t)
                return t;
        }
    fount_err_set(err, "cannot tell which sink \"%s\" means: write file:%s, sqlite:%s, or a name "
                       "ending in .csv, .jsonl, .sql, .db or / (see `fount sinks`)", uri, uri, uri);
    return NULL;
}

/* "64KiB", "1MiB", "100", "1MB" -> bytes. */
static int parse_size(const char *s, size_t *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || v < 0)
        return -1;
    if (*end == '\0' || strcasecmp(end, "b") == 0)
        ;
    else if (strcasecmp(end, "k") == 0 || strcasecmp(end, "kib") == 0 || strcasecmp(end, "kb") == 0)
        v *= 1024;
    else if (strcasecmp(end, "m") == 0 || strcasecmp(end, "mib") == 0 || strcasecmp(end, "mb") == 0)
        v *= 1024 * 1024;
    else if (strcasecmp(end, "g") == 0 || strcasecmp(end, "gib") == 0 || strcasecmp(end, "gb") == 0)
        v *= 1024.0 * 1024 * 1024;
    else
        return -1;
    *out = (size_t)v;
    return 0;
}

static int set_one(const struct fount_opt *o, void *ctx, const char *val, struct fount_err *err)
{
    char *base = (char *)ctx + o->offset, *end;
    long long ll;

    switch (o->type) {
    case OPT_STR:
        free(*(char **)base);
        *(char **)base = xstrdup(val);
        return 0;
    case OPT_INT:
        errno = 0;
        ll = strtoll(val, &end, 10);
        if (errno || end == val || *end) {
            fount_err_set(err, "option %s: expected a whole number, got \"%s\"", o->name, val);
            return -1;
        }
        *(long long *)base = ll;
        return 0;
    case OPT_BOOL:
        if (!strcmp(val, "true") || !strcmp(val, "1") || !strcmp(val, "yes") || !strcmp(val, "on"))
            *(int *)base = 1;
        else if (!strcmp(val, "false") || !strcmp(val, "0") || !strcmp(val, "no") ||
                 !strcmp(val, "off"))
            *(int *)base = 0;
        else {
            fount_err_set(err, "option %s: expected true or false, got \"%s\"", o->name, val);
            return -1;
        }
        return 0;
    case OPT_SIZE:
        if (parse_size(val, (size_t *)base)) {
            fount_err_set(err, "option %s: expected a size such as 64KiB, got \"%s\"", o->name, val);
            return -1;
        }
        return 0;
    case OPT_DURATION:
        if (parse_duration(val, (int64_t *)base)) {
            fount_err_set(err, "option %s: expected a duration such as 500ms, got \"%s\"", o->name,
                          val);
            return -1;
        }
        return 0;
    }
    return -1;
}

int sink_set_opts(const struct fount_sink_type *t, void *ctx, char *const *kv, size_t n,
                  struct fount_err *err)
{
    const struct fount_opt *o;
    size_t i;

    for (o = t->opts; o && o->name; o++)
        if (o->def && set_one(o, ctx, o->def, err))
            return -1;
    for (i = 0; i < n; i++) {
        const char *eq = strchr(kv[i], '=');
        char key[128];
        size_t kl = eq ? (size_t)(eq - kv[i]) : strlen(kv[i]);
        if (!eq || kl >= sizeof key) {
            fount_err_set(err, "sink option \"%s\": expected key=value", kv[i]);
            return -1;
        }
        memcpy(key, kv[i], kl);
        key[kl] = '\0';
        for (o = t->opts; o && o->name; o++)
            if (strcmp(o->name, key) == 0)
                break;
        if (!o || !o->name) {
            char list[400];
            size_t w = 0;
            list[0] = '\0';
            for (o = t->opts; o && o->name && w < sizeof list; o++)
                w += (size_t)snprintf(list + w, sizeof list - w, "%s%s", w ? ", " : "", o->name);
            fount_err_set(err, "the %s sink has no option \"%s\" (it takes: %s)", t->name, key,
                          w ? list : "none");
            return -1;
        }
        if (set_one(o, ctx, eq + 1, err))
            return -1;
    }
    for (o = t->opts; o && o->name; o++)
        if (!o->def && o->type == OPT_STR && !*(char **)((char *)ctx + o->offset)) {
            fount_err_set(err, "the %s sink needs the option %s (%s)", t->name, o->name, o->desc);
            return -1;
        }
    return 0;
}

void sink_free_opts(const struct fount_sink_type *t, void *ctx)
{
    const struct fount_opt *o;

    for (o = t->opts; o && o->name; o++)
        if (o->type == OPT_STR) {
            free(*(char **)((char *)ctx + o->offset));
            *(char **)((char *)ctx + o->offset) = NULL;
        }
}
