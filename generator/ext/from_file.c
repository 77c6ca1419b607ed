/* from_file.c: values read once, when the profile is compiled, from a user's text file (one value
 * per line) or CSV/TSV file (a column picked by name or index, optionally a weight column), found
 * relative to the profile's directory, then the working directory. Rows pick uniformly, by weight,
 * or (unique) through a permutation, so each value is used once.
 * Leaves out: typed values (everything is a string), multi-line quoted fields, files over 64 MiB. */
#include "ext.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define FILE_MAX (64u << 20)

struct lines {
    char **v;     /* the values */
    double *w;    /* weights (weight_column), or NULL */
    size_t n, cap;
};

static void push(struct lines *l, char *s, double w, int weighted)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
        if (weighted)
            l->w = xrealloc(l->w, l->cap * sizeof *l->w);
    }
    if (weighted)
        l->w[l->n] = w;
    l->v[l->n++] = s;
}

/* Reads the whole file (at most FILE_MAX bytes); NULL with errno set on failure. */
static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;

    if (!fp)
        return NULL;
    for (;;) {
        size_t got;
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 65536;
            if (cap > FILE_MAX + 4096 + 1)
                cap = FILE_MAX + 4096 + 1;
            buf = xrealloc(buf, cap);
        }
        got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
        if (got == 0)
            break;
        if (n > FILE_MAX) {
            fclose(fp);
            free(buf);
            errno = EFBIG;
            return NULL;
        }
    }
    if (ferror(fp)) {
        fclose(fp);
        free(buf);
        errno = EIO;
        return NULL;
    }
    fclose(fp);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Split one CSV record (RFC 4180 quoting, no embedded newlines) at delim into cells, in place.
 * Returns the number of cells (at most max). */
static size_t split(char *line, char delim, char **cells, size_t max)
{
    size_t n = 0;
    char *r = line, *w;

    while (n < max) {
        cells[n++] = w = r;
        if (*r == '"') {
            r++;
            for (;;) {
                if (*r == '"' && r[1] == '"') {
                    *w++ = '"';
                    r += 2;
                } else if (*r == '"') {
                    r++;
                    break;
                } else if (!*r)
                    break;
                else
                    *w++ = *r++;
            }
            while (*r && *r != delim)
                r++;
        } else {
            while (*r && *r != delim)
                *w++ = *r++;
        }
        if (!*r) {
            *w = '\0';
            break;
        }
        *w = '\0';
        r++;
    }
    return n;
}

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);

    return a >= b && strcmp(s + a - b, suf) == 0;
}

/* The file: as given when absolute, else next to the profile, else in the working directory. */
static char *resolve(const char *profile, const char *path)
{
    const char *slash = profile ? strrchr(profile, '/') : NULL;
    FILE *fp;

    if (path[0] != '/' && slash) {
        size_t dl = (size_t)(slash - profile + 1);
        char *full = xmalloc(dl + strlen(path) + 1);
        memcpy(full, profile, dl);
        memcpy(full + dl, path, strlen(path) + 1);
        if ((fp = fopen(full, "rb")) != NULL) {
            fclose(fp);
            return full;
        }
        free(full);
    }
    return xstrdup(path);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

struct opts {
    const char *path, *column, *wcolumn;
    char delim;
    int header;
    long col, wcol;
};

static int parse_opts(struct pctx *c, const cJSON *spec, const char *path, struct opts *o)
{
    const cJSON *col = cJSON_GetObjectItemCaseSensitive(spec, "column");
    const cJSON *wcol = cJSON_GetObjectItemCaseSensitive(spec, "weight_column");
    const char *delim = NULL;
    char p[PATH_MAX_LEN];
    int csv, tsv;

    memset(o, 0, sizeof *o);
    o->col = 0;
    o->wcol = -1;
    if (pstr(c, spec, path, "path", 1, &o->path) != 1 || pstr(c, spec, path, "delimiter", 0, &delim) < 0)
        return -1;
    csv = ends_with(o->path, ".csv");
    tsv = ends_with(o->path, ".tsv");
    o->delim = delim ? delim[0] : csv ? ',' : tsv ? '\t' : 0;
    if (delim && (strlen(delim) != 1 || delim[0] == '"' || delim[0] == '\n')) {
        perr_val(c, pjoin(p, path, "delimiter"), "expected one character such as \",\" or \"\\t\"");
        return -1;
    }
    o->header = o->delim != 0;
    if (pbool(c, spec, path, "header", &o->header) < 0)
        return -1;
    if (col && cJSON_IsString(col))
        o->column = col->valuestring;
    else if (col && cJSON_IsNumber(col) && col->valuedouble >= 0 && col->valuedouble < 10000 &&
             col->valuedouble == floor(col->valuedouble))
        o->col = (long)col->valuedouble;
    else if (col) {
        perr_val(c, pjoin(p, path, "column"), "expected a column name or a 0-based index, got %s",
                 ptype_name(col));
        return -1;
    }
    if (wcol && cJSON_IsString(wcol))
        o->wcolumn = wcol->valuestring;
    else if (wcol && cJSON_IsNumber(wcol) && wcol->valuedouble >= 0 && wcol->valuedouble < 10000 &&
             wcol->valuedouble == floor(wcol->valuedouble))
        o->wcol = (long)wcol->valuedouble;
    else if (wcol) {
        perr_val(c, pjoin(p, path, "weight_column"), "expected a column name or a 0-based index, "
                                                     "got %s", ptype_name(wcol));
        return -1;
    }
    if ((o->column || o->wcolumn) && !o->header) {
        perr(c, pjoin(p, path, o->column ? "column" : "weight_column"),
             "a column name needs a header line (\"header\": true)");
        return -1;
    }
    if ((o->column || o->col || o->wcolumn || o->wcol >= 0) && !o->delim) {
        perr(c, pjoin(p, path, "column"), "columns need a CSV or TSV file (.csv, .tsv, or a "
                                          "\"delimiter\")");
        return -1;
    }
    return 0;
}

static long find_col(char **cells, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(cells[i], name) == 0)
            return (long)i;
    return -1;
}

/* Parses the file's text into l; reports and returns -1 on a bad line. */
static int read_values(struct pctx *c, const char *path, const char *file, char *text,
                       struct opts *o, struct lines *l)
{
    char *line = text, *next, *cells[256], p[PATH_MAX_LEN];
    size_t lineno = 0, n;
    int weighted = o->wcolumn || o->wcol >= 0;

    for (; line && *line; line = next) {
        size_t len;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        len = strlen(line);
        if (len && line[len - 1] == '\r')
            line[--len] = '\0';
        lineno++;
        if (lineno == 1 && (unsigned char)line[0] == 0xEF && (unsigned char)line[1] == 0xBB &&
            (unsigned char)line[2] == 0xBF)
            line += 3; /* UTF-8 byte order mark */
        if (!o->delim) {
            if (*line)
                push(l, xstrdup(line), 0, 0);
            continue;
        }
        if (!*line)
            continue;
        n = split(line, o->delim, cells, 256);
        if (lineno == 1 && o->header) {
            if (o->column && (o->col = find_col(cells, n, o->column)) < 0) {
                perr_val(c, pjoin(p, path, "column"), "%s has no column \"%s\"", file, o->column);
                return -1;
            }
            if (o->wcolumn && (o->wcol = find_col(cells, n, o->wcolumn)) < 0) {
                perr_val(c, pjoin(p, path, "weight_column"), "%s has no column \"%s\"", file,
                         o->wcolumn);
                return -1;
            }
            continue;
        }
        if ((size_t)o->col >= n || (weighted && (size_t)o->wcol >= n)) {
            perr(c, path, "%s:%zu: has %zu columns, column %ld is missing", file, lineno, n,
                 (size_t)o->col >= n ? o->col : o->wcol);
            return -1;
        }
        if (weighted) {
            char *end;
            double w = strtod(cells[o->wcol], &end);
            if (end == cells[o->wcol] || *end || !(w >= 0) || isinf(w)) {
                perr(c, path, "%s:%zu: weight \"%s\" is not a number >= 0", file, lineno,
                     cells[o->wcol]);
                return -1;
            }
            push(l, xstrdup(cells[o->col]), w, 1);
        } else
            push(l, xstrdup(cells[o->col]), 0, 0);
    }
    return 0;
}

int ext_from_file_parse(struct pctx *c, struct entity *e, struct field *f, struct ext_field *x,
                        const cJSON *spec, const char *path)
{
    struct opts o;
    struct lines l = {0};
    char *file = NULL, *text = NULL, p[PATH_MAX_LEN], msg[200];
    char **sorted = NULL;
    size_t len = 0, i, longest = 0, distinct;
    int rc = -1;

    if (parse_opts(c, spec, path, &o))
        return -1;
    file = resolve(c->plan && c->plan->path ? c->plan->path : c->file, o.path);
    text = slurp(file, &len);
    if (!text) {
        perr_val(c, pjoin(p, path, "path"), "cannot read \"%s\": %s (relative paths are looked up "
                                            "next to the profile, then in the working directory)",
                 o.path, strerror(errno));
        goto out;
    }
    if (read_values(c, path, o.path, text, &o, &l))
        goto out;
    if (!l.n) {
        perr_val(c, pjoin(p, path, "path"), "\"%s\" has no values", o.path);
        goto out;
    }
    x->str = l.v;
    x->nstr = l.n;
    l.v = NULL;
    x->slen = xcalloc(x->nstr, sizeof *x->slen);
    for (i = 0; i < x->nstr; i++) {
        size_t n = strlen(x->str[i]);
        x->slen[i] = (uint32_t)n;
        if (n > longest)
            longest = n;
    }
    if (l.w) {
        double *idx = xcalloc(x->nstr, sizeof *idx);
        for (i = 0; i < x->nstr; i++)
            idx[i] = (double)i;
        rc = dist_init_weighted(&x->wd, idx, l.w, x->nstr, msg, sizeof msg);
        free(idx);
        if (rc) {
            perr(c, path, "%s: weights: %s", o.path, msg);
            goto out;
        }
        x->weighted = 1;
    }
    sorted = xcalloc(x->nstr, sizeof *sorted);
    memcpy(sorted, x->str, x->nstr * sizeof *sorted);
    qsort(sorted, x->nstr, sizeof *sorted, cmp_str);
    for (i = 0, distinct = 0; i < x->nstr; i++)
        distinct += i == 0 || strcmp(sorted[i], sorted[i - 1]) != 0;
    x->domain = distinct;
    if (x->unique) {
        if (distinct < x->nstr) {
            perr(c, pjoin(p, path, "unique"), "\"%s\" repeats values (%zu of %zu are distinct), "
                                              "so they cannot each be used once", o.path, distinct,
                 x->nstr);
            goto out;
        }
        if (x->weighted) {
            perr(c, pjoin(p, path, "unique"), "a unique field takes each value once, so weights "
                                              "cannot apply");
            goto out;
        }
        x->perm_n = x->nstr;
    }
    ext_col_string(e, f, longest);
    rc = 0;
out:
    free(sorted);
    free(l.w);
    if (l.v) {
        for (i = 0; i < l.n; i++)
            free(l.v[i]);
        free(l.v);
    }
    free(text);
    free(file);
    return rc;
}

void ext_from_file_eval(const struct field *f, const struct ext_field *x, uint64_t row,
                        const struct fount_value *vals, struct fount_value *out, struct arena *a,
                        struct ext_rowcache *rc)
{
    struct pcg32 r;
    size_t k;

    (void)rc;
    (void)f;
    (void)vals;
    (void)a;
    if (x->unique)
        k = (size_t)perm_apply(&x->perm, row % x->perm_n);
    else {
        fount_rng_at(&r, x->fkey, row);
        k = x->weighted ? dist_pick(&x->wd, &r) : ext_scale(pcg32_next(&r), (uint32_t)x->nstr);
    }
    ext_static(out, x->str[k], x->slen[k]);
}
