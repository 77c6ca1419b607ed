/* format_ts.c: the time-series text formats (format.h): InfluxDB line protocol and the Prometheus
 * text exposition format (version 0.0.4). Leaves out: OpenMetrics (# EOF, _created), protobuf,
 * and where the bytes go.
 *
 * Which column is what. A series family (rel->metric set by series.c) says it with the columns'
 * roles: COL_TIME is the timestamp, COL_TAG the tags (Influx) or labels (Prometheus), COL_VALUE the
 * value, COL_LABEL the anomaly label (an Influx string field when not NULL; Prometheus leaves it
 * out, as a label it would split the series). Any other relation is mapped by column type:
 *   - the time: rel->time_col (a stream's event time), else the first timestamp column, else none
 *     (Influx then writes no timestamp: the server stamps the line; Prometheus writes none);
 *   - tags / labels: string columns, except unique and primary-key ones (one series per row is
 *     what a time-series database handles worst): those become string fields in Influx;
 *   - Influx fields: every other column (int 12i, double, decimal, bool, and uuid, date,
 *     timestamp and unique strings as string fields). A relation with no field column at all
 *     makes its string columns fields instead of tags. A row whose fields are all NULL cannot be
 *     a line: it is written as a comment line ("# row N: no non-null field"), which parsers skip;
 *   - Prometheus: one gauge family per numeric column (int, double, decimal, bool as 0/1), named
 *     relation_column; HELP and TYPE of every family go first (encode_header), then each row
 *     gives one sample per non-NULL numeric column. A relation without numeric columns gives a
 *     comment line and no samples.
 *
 * Escaping. Line protocol: measurement: comma and space; tag keys, tag values and field keys:
 * comma, equals sign and space, with a backslash; string field values: double quote and
 * backslash. Other backslashes are written as they are (InfluxDB 1.x reads them back as they
 * were), except at the end of a name or tag value, where one would escape the separator after
 * it: trailing backslashes are dropped. Line protocol has no newline in a tag: LF, CR and TAB
 * become the two characters \n, \r, \t (as Telegraf writes them). A tag whose value is empty
 * (which InfluxDB refuses) is left out.
 * Prometheus: label values escape backslash, double quote and newline (\\ \" \n); HELP text
 * backslash and newline; metric and label names are made valid by turning every other byte into
 * '_' (and a leading digit gets a '_' before it).
 *
 * Hot path, as in format.c: the per-relation text (measurement, ",key=" prefixes, names) is
 * built once per batch; each row reserves an upper bound of its size once, then writes through a
 * raw pointer with the fmt_* formatters; no snprintf, no allocation per row. */
#include "format.h"
#include "swar.h"

#include <math.h>
#include <stdlib.h>

#define ROOM_SCALAR (FMT_DOUBLE_MAX + 4)
#define ROOM_TIME (FMT_I64_MAX + 8)


enum esc { ESC_INFLUX_TAG, ESC_INFLUX_STR, ESC_PROM };

static inline uint64_t dirty(uint64_t x, enum esc k)
{
    switch (k) {
    case ESC_INFLUX_TAG:
        return swar_eq(x, ',') | swar_eq(x, '=') | swar_eq(x, ' ') | swar_eq(x, '\\') |
               swar_lt(x, 0x0e); /* \t \n \r, and a few bytes more that the careful path copies */
    case ESC_INFLUX_STR: return swar_eq(x, '"') | swar_eq(x, '\\');
    default: return swar_eq(x, '"') | swar_eq(x, '\\') | swar_eq(x, '\n');
    }
}

SWAR_CLEAN_COPY(enum esc, dirty)

/* memcpy for the short pieces of a line (keys, cached timestamps): no call below 17 bytes. */
static inline char *copy_small(char *p, const char *s, size_t n)
{
    uint64_t a, b;
    uint32_t c, d;

    if (n >= 8 && n <= 16) {
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        memcpy(p, &a, 8);
        memcpy(p + n - 8, &b, 8);
    } else if (n >= 4 && n < 8) {
        memcpy(&c, s, 4);
        memcpy(&d, s + n - 4, 4);
        memcpy(p, &c, 4);
        memcpy(p + n - 4, &d, 4);
    } else if (n < 4) {
        size_t i;
        for (i = 0; i < n; i++)
            p[i] = s[i];
    } else {
        memcpy(p, s, n);
    }
    return p + n;
}

/* ---------------------------------------------------------------- escaping (needs 2n) */

static int lp_special(char ch, int measurement)
{
    return ch == ',' || ch == ' ' || (!measurement && ch == '=');
}

/* A measurement (measurement = 1), or a tag key, tag value or field key: the careful path. */
static char *lp_name_slow(char *p, const char *s, size_t n, int measurement)
{
    size_t i, end = n;

    while (end > 0 && s[end - 1] == '\\') /* it would escape the separator after it */
        end--;
    for (i = 0; i < end; i++) {
        char ch = s[i];
        if (ch == '\n' || ch == '\r' || ch == '\t') {
            *p++ = '\\';
            *p++ = ch == '\n' ? 'n' : ch == '\r' ? 'r' : 't';
            continue;
        }
        if (lp_special(ch, measurement))
            *p++ = '\\';
        *p++ = ch;
    }
    return p;
}

static inline char *lp_name(char *p, const char *s, size_t n, int measurement)
{
    if (FOUNT_LIKELY(clean_copy(p, s, n, ESC_INFLUX_TAG)))
        return p + n;
    return lp_name_slow(p, s, n, measurement);
}

static char *lp_string(char *p, const char *s, size_t n) /* needs 2n + 2 */
{
    size_t i;

    *p++ = '"';
    if (FOUNT_LIKELY(clean_copy(p, s, n, ESC_INFLUX_STR))) {
        p[n] = '"';
        return p + n + 1;
    }
    for (i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\')
            *p++ = '\\';
        *p++ = s[i];
    }
    *p++ = '"';
    return p;
}

static char *prom_label_value(char *p, const char *s, size_t n) /* needs 2n + 2 */
{
    size_t i;

    *p++ = '"';
    if (FOUNT_LIKELY(clean_copy(p, s, n, ESC_PROM))) {
        p[n] = '"';
        return p + n + 1;
    }
    for (i = 0; i < n; i++) {
        if (s[i] == '\n') {
            *p++ = '\\';
            *p++ = 'n';
            continue;
        }
        if (s[i] == '"' || s[i] == '\\')
            *p++ = '\\';
        *p++ = s[i];
    }
    *p++ = '"';
    return p;
}

/* A valid Prometheus name: [a-zA-Z_:][a-zA-Z0-9_:]* (colons only in metric names). Appends. */
static int prom_name(struct buf *out, const char *s, int metric)
{
    size_t i, n = strlen(s);
    char *p;

    if (buf_reserve(out, n + 2))
        return -1;
    p = buf_tail(out);
    if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
        *p++ = '_';
    for (i = 0; i < n; i++) {
        char ch = s[i];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 ch == '_' || (metric && ch == ':');
        *p++ = ok ? ch : '_';
    }
    out->len = (size_t)(p - out->data);
    return 0;
}

/* ---------------------------------------------------------------- which column is what */

enum ts_kind { TS_SKIP, TS_TIME, TS_TAG, TS_FIELD };

static int is_numeric(enum fount_vtype t)
{
    return t == FV_INT || t == FV_DOUBLE || t == FV_DECIMAL || t == FV_BOOL;
}

/* kind[j] for every column (the mapping at the top of this file). Returns the time column or -1.
 * prom: labels and numeric fields only. */
static int classify(const struct fount_relation *rel, enum ts_kind *kind, int prom)
{
    size_t j, nfields = 0;
    int tcol = -1;

    if (rel->metric) {
        for (j = 0; j < rel->ncols; j++) {
            const struct fount_column *c = &rel->cols[j];
            kind[j] = c->role == COL_TIME ? TS_TIME : c->role == COL_TAG ? TS_TAG
                    : c->role == COL_VALUE ? TS_FIELD
                    : c->role == COL_LABEL && !prom ? TS_FIELD : TS_SKIP;
            if (kind[j] == TS_TIME)
                tcol = (int)j;
        }
        return tcol;
    }
    if (rel->time_col >= 0 && (size_t)rel->time_col < rel->ncols &&
        rel->cols[rel->time_col].type == FV_TIMESTAMP)
        tcol = rel->time_col;
    for (j = 0; tcol < 0 && j < rel->ncols; j++)
        if (rel->cols[j].type == FV_TIMESTAMP)
            tcol = (int)j;
    for (j = 0; j < rel->ncols; j++) {
        const struct fount_column *c = &rel->cols[j];
        if ((int)j == tcol)
            kind[j] = TS_TIME;
        else if (c->type == FV_STRING && !c->unique && !c->primary_key)
            kind[j] = TS_TAG;
        else if (!prom || is_numeric(c->type))
            kind[j] = TS_FIELD;
        else
            kind[j] = TS_SKIP;
        nfields += kind[j] == TS_FIELD;
    }
    if (!nfields && !prom)
        for (j = 0; j < rel->ncols; j++)
            if (kind[j] == TS_TAG)
                kind[j] = TS_FIELD;
    return tcol;
}

/* buf_reserve without the call when the room is there. */
static inline int reserve(struct buf *out, size_t n)
{
    if (FOUNT_LIKELY(out->cap - out->len >= n))
        return 0;
    return buf_reserve(out, n);
}

static inline size_t strings_len(const struct fount_value *row, size_t ncols)
{
    size_t j, n = 0;

    for (j = 0; j < ncols; j++)
        if (row[j].type == FV_STRING)
            n += row[j].len;
    return n;
}

/* ---------------------------------------------------------------- InfluxDB line protocol */

/* Per batch: the escaped measurement, then the key text of each tag column (",key=") and of each
 * field column ("key="), in column order: tag[k] is the column of the k-th tag, its key text
 * runs from toff[k] to toff[k + 1]; the same for fields. */
struct lp_layout {
    struct buf text;
    size_t mlen;
    int *tag, *field;
    size_t ntags, nfields, *toff, *foff;
    int tcol;
};

static int lp_key(struct lp_layout *L, const char *name, int tag)
{
    size_t n = strlen(name);
    char *p;

    if (buf_reserve(&L->text, n * 2 + 2))
        return -1;
    p = buf_tail(&L->text);
    if (tag)
        *p++ = ',';
    p = lp_name(p, name, n, 0);
    *p++ = '=';
    L->text.len = (size_t)(p - L->text.data);
    return 0;
}

static int lp_layout_init(struct lp_layout *L, const struct fount_relation *rel)
{
    const char *m = rel->metric ? rel->metric : rel->name;
    enum ts_kind *kind = xmalloc((rel->ncols + 1) * sizeof *kind);
    size_t j, n = rel->ncols + 1;
    int rc = -1;

    buf_init(&L->text, SIZE_MAX);
    L->tag = xmalloc(n * sizeof *L->tag);
    L->field = xmalloc(n * sizeof *L->field);
    L->toff = xmalloc(n * sizeof *L->toff);
    L->foff = xmalloc(n * sizeof *L->foff);
    L->ntags = L->nfields = 0;
    L->tcol = classify(rel, kind, 0);
    n = strlen(m);
    if (buf_reserve(&L->text, n * 2))
        goto out;
    L->text.len = (size_t)(lp_name(L->text.data, m, n, 1) - L->text.data);
    L->mlen = L->text.len;
    for (j = 0; j < rel->ncols; j++)
        if (kind[j] == TS_TAG) {
            L->toff[L->ntags] = L->text.len;
            L->tag[L->ntags++] = (int)j;
            if (lp_key(L, rel->cols[j].name, 1))
                goto out;
        }
    L->toff[L->ntags] = L->text.len;
    for (j = 0; j < rel->ncols; j++)
        if (kind[j] == TS_FIELD) {
            L->foff[L->nfields] = L->text.len;
            L->field[L->nfields++] = (int)j;
            if (lp_key(L, rel->cols[j].name, 0))
                goto out;
        }
    L->foff[L->nfields] = L->text.len;
    rc = 0;
out:
    free(kind);
    return rc;
}

static void lp_layout_free(struct lp_layout *L)
{
    buf_free(&L->text);
    free(L->tag);
    free(L->field);
    free(L->toff);
    free(L->foff);
}

/* A field value; v is not NULL. Needs 2 len + ROOM_SCALAR. */
static char *lp_value(char *p, const struct fount_value *v, const struct fount_column *c)
{
    switch (v->type) {
    case FV_DOUBLE: return p + fmt_double(p, v->v.d, c->decimals);
    case FV_INT:
        p += fmt_i64(p, v->v.i);
        *p++ = 'i';
        return p;
    case FV_DECIMAL: return p + fmt_decimal(p, v->v.i, c->scale);
    case FV_BOOL:
        if (v->v.i) {
            memcpy(p, "true", 4);
            return p + 4;
        }
        memcpy(p, "false", 5);
        return p + 5;
    case FV_STRING: return lp_string(p, v->v.s, v->len);
    default: {
        char tmp[FMT_TS_MAX + FMT_UUID_MAX];
        size_t n = fmt_value(tmp, sizeof tmp, v, c);
        return lp_string(p, tmp, n);
    }
    }
}

/* The last timestamp written, as text: the points of one step of a series family share it, so
 * most rows copy it instead of formatting (and dividing) again. */
struct ts_cache {
    int64_t us;      /* the value as generated */
    size_t len;      /* 0: nothing cached yet  */
    char text[FMT_I64_MAX + 8];
};

/* " <ns>" (ns: microseconds and "000") or " <ms>", the time cut to the column's precision
 * (ts_digits) as the other formats print it. */
static inline char *put_time(char *p, struct ts_cache *tc, const struct fount_value *v,
                             const struct fount_column *c, int ns)
{
    static const int64_t unit[] = {1000000, 100000, 10000, 1000, 100, 10, 1};

    if (FOUNT_UNLIKELY(v->v.i != tc->us || !tc->len)) {
        int64_t u = unit[c->ts_digits < 0 ? 0 : c->ts_digits > 6 ? 6 : c->ts_digits];
        int64_t r = v->v.i % u, us = v->v.i - (r < 0 ? r + u : r);
        char *q = tc->text;
        *q++ = ' ';
        if (ns) {
            q += fmt_i64(q, us);
            if (us != 0) {
                memcpy(q, "000", 3);
                q += 3;
            }
        } else {
            q += fmt_i64(q, us / 1000 - (us % 1000 < 0));
        }
        tc->us = v->v.i;
        tc->len = (size_t)(q - tc->text);
    }
    return copy_small(p, tc->text, tc->len);
}

/* Upper bound of the string bytes of a row: per row, or once for a series family, whose tag
 * columns know their longest value (max_len). -1 when it must be counted per row. */
static long fixed_strings(const struct fount_relation *rel)
{
    size_t j;
    long n = 0;

    if (!rel->metric)
        return -1;
    for (j = 0; j < rel->ncols; j++)
        if (rel->cols[j].type == FV_STRING) {
            if (rel->cols[j].max_len < 0)
                return -1;
            n += rel->cols[j].max_len;
        }
    return n;
}

/* One line per row:  measurement[,tag=v...] field=v[,field=v...] [ns]\n  */
int format_influx_batch(const struct fount_batch *b, struct buf *out)
{
    const struct fount_relation *rel = b->rel;
    const struct fount_value *row = b->vals;
    size_t ncols = rel->ncols, i, k, fixed;
    struct ts_cache tc = {0, 0, {0}};
    struct lp_layout L;
    long strs;
    int rc = -1;
    char *p, *line, sep;

    if (lp_layout_init(&L, rel))
        goto out;
    fixed = L.text.len + ncols * ROOM_SCALAR + ROOM_TIME + FMT_I64_MAX + 32;
    strs = fixed_strings(rel);
    for (i = 0; i < b->nrows; i++, row += ncols) {
        if (reserve(out, fixed + 2 * (strs >= 0 ? (size_t)strs : strings_len(row, ncols))))
            goto out;
        p = line = copy_small(buf_tail(out), L.text.data, L.mlen);
        for (k = 0; k < L.ntags; k++) {
            const struct fount_value *v = &row[L.tag[k]];
            size_t klen = L.toff[k + 1] - L.toff[k];
            char *val;
            if (v->type != FV_STRING || v->len == 0)
                continue;
            val = copy_small(p, L.text.data + L.toff[k], klen);
            p = lp_name(val, v->v.s, v->len, 0);
            if (FOUNT_UNLIKELY(p == val)) /* only backslashes: InfluxDB refuses empty values */
                p -= klen;
        }
        sep = ' ';
        for (k = 0; k < L.nfields; k++) {
            const struct fount_value *v = &row[L.field[k]];
            if (v->type == FV_NULL || (v->type == FV_DOUBLE && !isfinite(v->v.d)))
                continue;
            *p++ = sep;
            sep = ',';
            p = copy_small(p, L.text.data + L.foff[k], L.foff[k + 1] - L.foff[k]);
            p = lp_value(p, v, &rel->cols[L.field[k]]);
        }
        if (FOUNT_UNLIKELY(sep == ' ')) { /* no field: a comment keeps one line per row */
            p = line - L.mlen;
            memcpy(p, "# row ", 6);
            p += 6 + fmt_u64(p + 6, b->first_row + i);
            memcpy(p, ": no non-null field", 19);
            p += 19;
        } else if (L.tcol >= 0 && row[L.tcol].type == FV_TIMESTAMP)
            p = put_time(p, &tc, &row[L.tcol], &rel->cols[L.tcol], 1);
        *p++ = '\n';
        out->len = (size_t)(p - out->data);
    }
    rc = 0;
out:
    lp_layout_free(&L);
    return rc;
}

/* ---------------------------------------------------------------- Prometheus text format */

/* Per batch: the names. For a series family: the metric name (off[0]..), then for each label
 * column j the text `name="` (first) or `,name="`, from off[j + 1] to off[j + 2]. Otherwise also
 * each numeric column's family name relation_column. */
struct prom_layout {
    struct buf text;
    size_t *loff, *foff;   /* label prefixes; family names (generic relations) */
    enum ts_kind *kind;
    int tcol;
    int nlabels;
};

static void prom_layout_free(struct prom_layout *L)
{
    buf_free(&L->text);
    free(L->loff);
    free(L->foff);
    free(L->kind);
}

static int prom_family(struct buf *out, const struct fount_relation *rel, size_t j)
{
    if (rel->metric)
        return prom_name(out, rel->metric, 1);
    if (prom_name(out, rel->name, 1) || buf_append(out, "_", 1))
        return -1;
    return prom_name(out, rel->cols[j].name, 0);
}

static int prom_layout_init(struct prom_layout *L, const struct fount_relation *rel)
{
    size_t j, n = rel->ncols;

    buf_init(&L->text, SIZE_MAX);
    L->loff = xcalloc(n + 1, sizeof *L->loff);
    L->foff = xcalloc(n + 1, sizeof *L->foff);
    L->kind = xmalloc((n + 1) * sizeof *L->kind);
    L->tcol = classify(rel, L->kind, 1);
    L->nlabels = 0;
    for (j = 0; j < n; j++) {
        L->loff[j] = L->text.len;
        if (L->kind[j] != TS_TAG)
            continue;
        if (buf_append(&L->text, ",", 1) || prom_name(&L->text, rel->cols[j].name, 0) ||
            buf_append(&L->text, "=", 1))
            return -1;
        L->nlabels++;
    }
    L->loff[n] = L->text.len;
    for (j = 0; j < n; j++) {
        L->foff[j] = L->text.len;
        if (L->kind[j] == TS_FIELD && prom_family(&L->text, rel, j))
            return -1;
    }
    L->foff[n] = L->text.len;
    return 0;
}

static char *prom_value(char *p, const struct fount_value *v, const struct fount_column *c)
{
    switch (v->type) {
    case FV_INT: return p + fmt_i64(p, v->v.i);
    case FV_DECIMAL: return p + fmt_decimal(p, v->v.i, c->scale);
    case FV_BOOL:
        *p++ = v->v.i ? '1' : '0';
        return p;
    default:
        if (isnan(v->v.d)) {
            memcpy(p, "NaN", 3);
            return p + 3;
        }
        if (isinf(v->v.d)) {
            memcpy(p, v->v.d > 0 ? "+Inf" : "-Inf", 4);
            return p + 4;
        }
        return p + fmt_double(p, v->v.d, c->decimals);
    }
}

/* name{label="v",...} value [ms]\n : one sample per non-NULL field column (one for a series). */
int format_prom_batch(const struct fount_batch *b, struct buf *out)
{
    const struct fount_relation *rel = b->rel;
    const struct fount_value *row = b->vals;
    size_t ncols = rel->ncols, i, j, k, fixed, labels, nf = 0;
    struct ts_cache tc = {0, 0, {0}};
    struct prom_layout L;
    long strs;
    int rc = -1;
    char *p, *lab;

    if (prom_layout_init(&L, rel))
        goto out;
    /* per sample: the family name, the labels (names, quotes, escaped values), value and time */
    fixed = L.text.len + 2 * (size_t)L.nlabels + 4 + ROOM_SCALAR + ROOM_TIME;
    for (j = 0; j < ncols; j++)
        nf += L.kind[j] == TS_FIELD;
    strs = fixed_strings(rel);
    for (i = 0; i < b->nrows; i++, row += ncols) {
        if (reserve(out, (fixed + 2 * (strs >= 0 ? (size_t)strs : strings_len(row, ncols))) * nf))
            goto out;
        p = buf_tail(out);
        for (k = 0; k < ncols; k++) {
            const struct fount_value *v = &row[k];
            if (L.kind[k] != TS_FIELD || v->type == FV_NULL)
                continue;
            p = copy_small(p, L.text.data + L.foff[k], L.foff[k + 1] - L.foff[k]);
            lab = p;
            for (j = 0; j < ncols; j++) {
                if (L.kind[j] != TS_TAG || row[j].type != FV_STRING)
                    continue;
                labels = L.loff[j + 1] - L.loff[j];
                copy_small(p, L.text.data + L.loff[j], labels);
                if (p == lab)
                    *p = '{';
                p = prom_label_value(p + labels, row[j].v.s, row[j].len);
            }
            if (p != lab)
                *p++ = '}';
            *p++ = ' ';
            p = prom_value(p, v, &rel->cols[k]);
            if (L.tcol >= 0 && row[L.tcol].type == FV_TIMESTAMP)
                p = put_time(p, &tc, &row[L.tcol], &rel->cols[L.tcol], 0);
            *p++ = '\n';
        }
        out->len = (size_t)(p - out->data);
    }
    rc = 0;
out:
    prom_layout_free(&L);
    return rc;
}

static int prom_help(struct buf *out, const char *s)
{
    for (; *s; s++) {
        const char *e = *s == '\\' ? "\\\\" : *s == '\n' ? "\\n" : NULL;
        if (e ? buf_puts(out, e) : buf_append(out, s, 1))
            return -1;
    }
    return 0;
}

/* # HELP and # TYPE of each family of the relation. */
int format_prom_header(const struct fount_relation *rel, struct buf *out)
{
    struct prom_layout L;
    size_t j, n = 0;
    int rc = -1;

    if (prom_layout_init(&L, rel))
        goto out;
    for (j = 0; j < rel->ncols; j++) {
        const char *name = L.text.data + L.foff[j];
        int len = (int)(L.foff[j + 1] - L.foff[j]);
        if (L.kind[j] != TS_FIELD)
            continue;
        n++;
        if (buf_printf(out, "# HELP %.*s ", len, name))
            goto out;
        if (rel->help ? prom_help(out, rel->help)
            : rel->metric ? prom_help(out, "fount series ") || prom_help(out, rel->name)
                          : prom_help(out, "column ") || prom_help(out, rel->cols[j].name) ||
                                prom_help(out, " of ") || prom_help(out, rel->name))
            goto out;
        if (buf_printf(out, "\n# TYPE %.*s %s\n", len, name,
                       rel->metric_type == METRIC_COUNTER ? "counter" : "gauge"))
            goto out;
    }
    if (!n && buf_puts(out, "# fount: this relation has no numeric column: no samples\n"))
        goto out;
    rc = 0;
out:
    prom_layout_free(&L);
    return rc;
}
