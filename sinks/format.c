/* format.c: batch encoders for byte sinks (CSV, JSON Lines, SQL INSERT in three dialects) and the
 * CREATE TABLE text of `fount schema`. Leaves out: where the bytes go, and type binding for
 * database sinks (they bind values natively).
 *
 * Hot path (every encoder, per row):
 *   1. sum an upper bound of the row's encoded size (strings: len * 6 for JSON, whose worst case
 *      is one "\u00XX" or "\ufffd" per byte; len * 2 for CSV and SQL, where each byte doubles at
 *      most; every other value fits ROOM_SCALAR), reserve it once with buf_reserve (CSV reserves
 *      the same bound piecewise, without the extra pass: see csv_batch);
 *   2. write through a raw pointer, no bounds checks, no snprintf (fmt_* from value.c).
 * Encoders append whole batches: on failure (the buffer's cap) out->len is put back where it was,
 * so a caller never sees half a batch. Because the reservation is an upper bound, a batch can be
 * refused a little before the cap is really reached.
 *
 * Values are dispatched on their own type (FV_NULL for a null of any column type); the column
 * supplies decimals, scale and ts_digits. Non-finite doubles (never generated) are written as
 * null so that JSON and SQL stay valid. */
#include "format.h"
#include "swar.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* For the few functions of the per-value path that gcc would otherwise call, at ~20 instructions
 * of call overhead each. */
#if defined(__GNUC__)
#define FORMAT_INLINE inline __attribute__((always_inline))
#else
#define FORMAT_INLINE inline
#endif

/* Room for any non-string value plus two quotes, ",", "NULL" etc. FMT_DOUBLE_MAX is the largest. */
#define ROOM_SCALAR (FMT_DOUBLE_MAX + 4)

/* Strings are scanned eight bytes at a time (swar.h): which bytes need care, per format. */
enum scan { SCAN_CSV, SCAN_JSON, SCAN_SQL };

/* A word holding a byte that the format must look at. For CSV this is a superset (all bytes
 * below '\r' + 1, not just CR and LF): the caller confirms with CSV_SPECIAL. */
static inline uint64_t dirty(uint64_t x, enum scan k)
{
    switch (k) {
    case SCAN_CSV: return swar_lt(x, '\r' + 1) | swar_eq(x, ',') | swar_eq(x, '"');
    case SCAN_JSON: return swar_lt(x, 0x20) | swar_eq(x, '"') | swar_eq(x, '\\') | (x & HIGHS);
    default: return swar_lt(x, 1) | swar_eq(x, '\'') | swar_eq(x, '\\');
    }
}

SWAR_CLEAN_COPY(enum scan, dirty)

/* ---------------------------------------------------------------- names */

static int name_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;

        if (x != *b)
            return 0;
    }
    return *a == *b;
}

/* Case-insensitive. */
int format_from_name(const char *name)
{
    if (!name)
        return -1;
    if (name_eq(name, "csv"))
        return FMT_CSV;
    if (name_eq(name, "jsonl") || name_eq(name, "json") || name_eq(name, "ndjson"))
        return FMT_JSONL;
    if (name_eq(name, "sql"))
        return FMT_SQL;
    if (name_eq(name, "influx") || name_eq(name, "influxdb") || name_eq(name, "lp") ||
        name_eq(name, "line"))
        return FMT_INFLUX;
    if (name_eq(name, "prometheus") || name_eq(name, "prom"))
        return FMT_PROMETHEUS;
    return -1;
}

int dialect_from_name(const char *name)
{
    if (!name)
        return -1;
    if (name_eq(name, "sqlite") || name_eq(name, "sqlite3"))
        return DIALECT_SQLITE;
    if (name_eq(name, "postgres") || name_eq(name, "postgresql") || name_eq(name, "pg"))
        return DIALECT_POSTGRES;
    if (name_eq(name, "mysql") || name_eq(name, "mariadb"))
        return DIALECT_MYSQL;
    return -1;
}

const char *format_name(enum fount_format f)
{
    switch (f) {
    case FMT_CSV: return "csv";
    case FMT_JSONL: return "jsonl";
    case FMT_SQL: return "sql";
    case FMT_INFLUX: return "influx";
    case FMT_PROMETHEUS: return "prometheus";
    }
    return "?";
}

const char *format_extension(enum fount_format f)
{
    switch (f) {
    case FMT_INFLUX: return "lp";
    case FMT_PROMETHEUS: return "prom";
    default: return format_name(f);
    }
}

/* ---------------------------------------------------------------- CSV */

/* Bytes that force a CSV field into quotes anywhere in it (RFC 4180 section 2.6). */
static const unsigned char CSV_SPECIAL[256] = {[','] = 1, ['"'] = 1, ['\r'] = 1, ['\n'] = 1};

/* A word holding a byte that forces quotes (exact, unlike dirty()'s superset). */
static inline uint64_t csv_special(uint64_t x)
{
    return swar_eq(x, ',') | swar_eq(x, '"') | swar_eq(x, '\r') | swar_eq(x, '\n');
}

/* Whether s[0..n) holds a byte of CSV_SPECIAL. */
static int csv_needs_quotes(const char *s, size_t n)
{
    uint64_t x;
    size_t i;

    if (n < 8) {
        for (i = 0; i < n; i++)
            if (CSV_SPECIAL[(unsigned char)s[i]])
                return 1;
        return 0;
    }
    for (i = 0; i + 8 < n; i += 8) {
        memcpy(&x, s + i, 8);
        if (csv_special(x))
            return 1;
    }
    memcpy(&x, s + n - 8, 8);
    return csv_special(x) != 0;
}

/* csv_string's careful path: the empty string, blanks at either end, and strings that hold a
 * byte of dirty()'s superset (commas in "Calle Mayor, 48" are the common case). */
static char *csv_string_careful(char *p, const char *s, size_t n)
{
    size_t i;

    if (n == 0) {
        memcpy(p, "\"\"", 2);
        return p + 2;
    }
    if (s[0] != ' ' && s[0] != '\t' && s[n - 1] != ' ' && s[n - 1] != '\t' &&
        !csv_needs_quotes(s, n)) {
        memcpy(p, s, n);
        return p + n;
    }
    *p++ = '"';
    if (!memchr(s, '"', n)) {
        memcpy(p, s, n);
        p += n;
    } else {
        for (i = 0; i < n; i++) {
            if (s[i] == '"')
                *p++ = '"';
            *p++ = s[i];
        }
    }
    *p++ = '"';
    return p;
}

#ifdef __SSE2__
/* Bytes of v in dirty()'s CSV superset (below '\r' + 1, ',' and '"'), as a bit mask. */
static inline int csv_dirty16(__m128i v)
{
    __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8('\r')), v); /* v <= '\r' */

    return _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(low, _mm_cmpeq_epi8(v, _mm_set1_epi8(','))),
                                          _mm_cmpeq_epi8(v, _mm_set1_epi8('"'))));
}

/* csv_clean_copy for 1 to 7 bytes (codes, choices, short names): two overlapping loads of 4 or
 * 2 bytes make one word, padded with a clean byte, tested in the low half of a vector. */
static FORMAT_INLINE int csv_clean_copy_short(char *p, const char *s, size_t n)
{
    uint64_t x = ONES * 'a';
    uint32_t lo4, hi4;
    uint16_t lo2, hi2;

    if (n >= 4) {
        memcpy(&lo4, s, 4);
        memcpy(&hi4, s + n - 4, 4);
        x = lo4 | (uint64_t)hi4 << 32;
    } else if (n >= 2) {
        memcpy(&lo2, s, 2);
        memcpy(&hi2, s + n - 2, 2);
        x = (x & ~UINT64_C(0xffffffff)) | lo2 | (uint64_t)hi2 << 16;
    } else
        x = (x & ~UINT64_C(0xff)) | (unsigned char)s[0];
    if (csv_dirty16(_mm_cvtsi64_si128((long long)x)) & 0xff) /* the high half is zeros */
        return 0;
    if (n >= 4) {
        memcpy(p, &lo4, 4);
        memcpy(p + n - 4, &hi4, 4);
    } else if (n >= 2) {
        memcpy(p, &lo2, 2);
        memcpy(p + n - 2, &hi2, 2);
    } else
        p[0] = s[0];
    return 1;
}

/* clean_copy for CSV, sixteen bytes at a time: the SWAR test costs about as much per eight bytes
 * as this one per sixteen, and most values of a row are 8 to 32 bytes long. Reads nothing past
 * s + n (shorter strings are put together from two overlapping loads). n > 0. */
static FORMAT_INLINE int csv_clean_copy(char *p, const char *s, size_t n)
{
    __m128i v;
    uint64_t lo, hi;
    size_t i;

    if (n >= 16) {
        for (i = 0; i + 16 < n; i += 16) {
            v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            if (csv_dirty16(v))
                return 0;
            _mm_storeu_si128((__m128i *)(void *)(p + i), v);
        }
        v = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
        if (csv_dirty16(v))
            return 0;
        _mm_storeu_si128((__m128i *)(void *)(p + n - 16), v);
        return 1;
    }
    if (n >= 8) {
        memcpy(&lo, s, 8);
        memcpy(&hi, s + n - 8, 8);
        if (csv_dirty16(_mm_set_epi64x((long long)hi, (long long)lo)))
            return 0;
        memcpy(p, &lo, 8);
        memcpy(p + n - 8, &hi, 8);
        return 1;
    }
    return csv_clean_copy_short(p, s, n);
}
#else
#define csv_clean_copy(p, s, n) clean_copy(p, s, n, SCAN_CSV)
#endif

/* RFC 4180 field. Also quoted: a leading or trailing space or tab, which many readers trim, and
 * the empty string, so that "" (empty) and nothing (NULL) stay different. Needs n * 2 + 2.
 * Inline, the common case: no blank at either end (a tab is in dirty()'s superset anyway) and
 * nothing to quote, copied whole. */
static FORMAT_INLINE char *csv_string(char *p, const char *s, size_t n)
{
    if (FOUNT_LIKELY(n != 0 && s[0] != ' ' && s[n - 1] != ' ') &&
        FOUNT_LIKELY(csv_clean_copy(p, s, n)))
        return p + n;
    return csv_string_careful(p, s, n);
}

static char *csv_value(char *p, const struct fount_value *v, const struct fount_column *c)
{
    switch (v->type) {
    case FV_INT: return p + fmt_i64(p, v->v.i);
    case FV_STRING:
    case FV_JSON: return csv_string(p, v->v.s, v->len);
    case FV_TIMESTAMP: return p + fmt_timestamp(p, v->v.i, c->ts_digits, 0);
    case FV_DECIMAL: return p + fmt_decimal(p, v->v.i, c->scale);
    case FV_DOUBLE:
        if (FOUNT_UNLIKELY(!isfinite(v->v.d)))
            return p;
        return p + fmt_double(p, v->v.d, c->decimals);
    case FV_UUID: return p + fmt_uuid(p, v->v.u);
    case FV_DATE: return p + fmt_date(p, v->v.i);
    case FV_BOOL:
        if (v->v.i) {
            memcpy(p, "true", 4);
            return p + 4;
        }
        memcpy(p, "false", 5);
        return p + 5;
    default: /* FV_NULL: an empty, unquoted field */
        return p;
    }
}

/* buf_reserve without the call when the room is already there (cap never passes max). */
static inline int reserve(struct buf *out, size_t n)
{
    if (FOUNT_LIKELY(out->cap - out->len >= n))
        return 0;
    return buf_reserve(out, n);
}

/* Upper bound of a row's encoded size; str_mul is the worst expansion per string byte. */
static size_t row_bound(const struct fount_value *row, size_t ncols, size_t str_mul)
{
    size_t j, n = 0;

    for (j = 0; j < ncols; j++)
        n += row[j].type == FV_STRING || row[j].type == FV_JSON
                 ? row[j].len * str_mul + ROOM_SCALAR
                 : ROOM_SCALAR;
    return n;
}

/* Room per CSV column: any scalar, or a string of up to CSV_SHORT bytes doubled. A row reserves
 * it for every column, so only longer strings need a check of their own. */
#define CSV_SHORT 32
#define ROOM_CSV_COL (ROOM_SCALAR + 2 * CSV_SHORT)

/* Records end with "\n" alone, not RFC 4180's CRLF: every reader we target (Python csv,
 * PostgreSQL COPY, SQLite .import, pandas, DuckDB) accepts it, and LF-terminated files are what
 * Unix tools such as wc -l, split and tail expect. A "\r" inside a field is quoted like "\n".
 * The room is reserved as in the other encoders, without a pass over the row first: a row's
 * columns up front (ROOM_CSV_COL each), and each longer string, when the room left would not also
 * hold it doubled, grows the buffer for it and the columns after it. */
static int csv_batch(const struct fount_batch *b, struct buf *out)
{
    const struct fount_column *cols = b->rel->cols;
    size_t ncols = b->rel->ncols, i, j, need;
    const struct fount_value *row = b->vals, *v;
    char *p, *end;

    for (i = 0; i < b->nrows; i++, row += ncols) {
        if (reserve(out, ncols * ROOM_CSV_COL + 1))
            return -1;
        p = buf_tail(out);
        end = out->data + out->cap;
        for (j = 0; j < ncols; j++) {
            v = &row[j];
            if (j)
                *p++ = ',';
            if (v->type == FV_STRING || v->type == FV_JSON) {
                need = (size_t)v->len * 2 + (ncols - j) * ROOM_CSV_COL + 1;
                if (FOUNT_UNLIKELY(v->len > CSV_SHORT) &&
                    FOUNT_UNLIKELY((size_t)(end - p) < need)) {
                    out->len = (size_t)(p - out->data);
                    if (buf_reserve(out, need))
                        return -1;
                    p = buf_tail(out);
                    end = out->data + out->cap;
                }
                p = csv_string(p, v->v.s, v->len);
            } else
                p = csv_value(p, v, &cols[j]);
        }
        *p++ = '\n';
        out->len = (size_t)(p - out->data);
    }
    return 0;
}

static int csv_header(const struct fount_relation *rel, struct buf *out)
{
    size_t j, n = 1;
    char *p;

    for (j = 0; j < rel->ncols; j++)
        n += strlen(rel->cols[j].name) * 2 + 3;
    if (buf_reserve(out, n))
        return -1;
    p = buf_tail(out);
    for (j = 0; j < rel->ncols; j++) {
        if (j)
            *p++ = ',';
        p = csv_string(p, rel->cols[j].name, strlen(rel->cols[j].name));
    }
    *p++ = '\n';
    out->len = (size_t)(p - out->data);
    return 0;
}

/* ---------------------------------------------------------------- JSON */

/* 0: copy; 1: escape (control, '"', '\\'); 2: start of a multi-byte UTF-8 sequence or invalid. */
static const unsigned char JSON_CLASS[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

/* Length (2..4) of the well-formed UTF-8 sequence at s (RFC 3629: no overlongs, no surrogates,
 * nothing past U+10FFFF), or 0 with *bad set to the length of the maximal ill-formed subpart,
 * which becomes one U+FFFD (the Unicode "substitution of maximal subparts" practice). */
static size_t utf8_seq(const unsigned char *s, const unsigned char *end, size_t *bad)
{
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    size_t need, i;

    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        *bad = 1;
        return 0;
    }
    for (i = 1; i <= need; i++) {
        if (s + i >= end || s[i] < lo || s[i] > hi) {
            *bad = i;
            return 0;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

/* RFC 8259 string with quotes. Short escapes where JSON has them, else \u00XX; U+2028 and
 * U+2029 are escaped too, so a line can be pasted into JavaScript. Needs n * 6 + 2. */
static char *json_string(char *p, const char *str, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str, *end = s + n;
    size_t k, bad;

    *p++ = '"';
    if (FOUNT_LIKELY(clean_copy(p, str, n, SCAN_JSON))) {
        p[n] = '"';
        return p + n + 1;
    }
    while (s < end) {
        unsigned c;
        uint64_t x;

        if (end - s >= 8) {
            memcpy(&x, s, 8);
            if (FOUNT_LIKELY(!dirty(x, SCAN_JSON))) {
                memcpy(p, &x, 8);
                p += 8;
                s += 8;
                continue;
            }
        }
        c = *s;
        if (JSON_CLASS[c] == 0) {
            *p++ = (char)c;
            s++;
            continue;
        }
        if (JSON_CLASS[c] == 1) {
            *p++ = '\\';
            switch (c) {
            case '"': *p++ = '"'; break;
            case '\\': *p++ = '\\'; break;
            case '\n': *p++ = 'n'; break;
            case '\r': *p++ = 'r'; break;
            case '\t': *p++ = 't'; break;
            case '\b': *p++ = 'b'; break;
            case '\f': *p++ = 'f'; break;
            default:
                memcpy(p, "u00", 3);
                p[3] = hex[c >> 4];
                p[4] = hex[c & 15];
                p += 5;
            }
            s++;
            continue;
        }
        k = utf8_seq(s, end, &bad);
        if (!k) {
            memcpy(p, "\\ufffd", 6);
            p += 6;
            s += bad;
        } else if (k == 3 && c == 0xE2 && s[1] == 0x80 && (s[2] == 0xA8 || s[2] == 0xA9)) {
            memcpy(p, s[2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
            p += 6;
            s += 3;
        } else {
            memcpy(p, s, k);
            p += k;
            s += k;
        }
    }
    *p++ = '"';
    return p;
}

static char *json_value(char *p, const struct fount_value *v, const struct fount_column *c)
{
    switch (v->type) {
    case FV_INT: return p + fmt_i64(p, v->v.i);
    case FV_STRING: return json_string(p, v->v.s, v->len);
    case FV_JSON: /* already JSON: a nested object */
        memcpy(p, v->v.s, v->len);
        return p + v->len;
    case FV_TIMESTAMP:
        *p++ = '"';
        p += fmt_timestamp(p, v->v.i, c->ts_digits, 0);
        *p++ = '"';
        return p;
    case FV_DECIMAL: return p + fmt_decimal(p, v->v.i, c->scale);
    case FV_DOUBLE:
        if (FOUNT_UNLIKELY(!isfinite(v->v.d)))
            break;
        return p + fmt_double(p, v->v.d, c->decimals);
    case FV_UUID:
        *p++ = '"';
        p += fmt_uuid(p, v->v.u);
        *p++ = '"';
        return p;
    case FV_DATE:
        *p++ = '"';
        p += fmt_date(p, v->v.i);
        *p++ = '"';
        return p;
    case FV_BOOL:
        if (v->v.i) {
            memcpy(p, "true", 4);
            return p + 4;
        }
        memcpy(p, "false", 5);
        return p + 5;
    default:
        break;
    }
    memcpy(p, "null", 4);
    return p + 4;
}

/* Each row is {"k1":v1,"k2":v2}\n with no spaces. The key prefixes ({"k1": and ,"k2":) are
 * escaped once per batch into keys; off[j] is where column j's prefix starts. With ends, the rows
 * go without newlines and ends[i] is where row i ends, counted from where the first begins. */
static int json_rows(const struct fount_batch *b, struct buf *out, uint32_t *ends)
{
    const struct fount_column *cols = b->rel->cols;
    size_t ncols = b->rel->ncols, i, j, len, len0 = out->len;
    const struct fount_value *row = b->vals;
    struct buf keys;
    size_t *off = xmalloc((ncols + 1) * sizeof *off);
    int rc = -1;
    char *p;

    buf_init(&keys, SIZE_MAX);
    for (j = 0; j < ncols; j++) {
        len = strlen(cols[j].name);
        if (buf_reserve(&keys, len * 6 + 4))
            goto out;
        off[j] = keys.len;
        p = buf_tail(&keys);
        *p++ = j ? ',' : '{';
        p = json_string(p, cols[j].name, len);
        *p++ = ':';
        keys.len = (size_t)(p - keys.data);
    }
    off[ncols] = keys.len;
    if (buf_reserve(&keys, 16)) /* room to copy any prefix as 16 bytes (below) */
        goto out;
    memset(buf_tail(&keys), 0, 16);
    for (i = 0; i < b->nrows; i++, row += ncols) {
        if (reserve(out, keys.len + row_bound(row, ncols, 6) + 3 + 16))
            goto out;
        p = buf_tail(out);
        if (!ncols)
            *p++ = '{';
        for (j = 0; j < ncols; j++) {
            size_t klen = off[j + 1] - off[j];
            if (klen <= 16) /* most names: a fixed-size copy, two stores, no call */
                memcpy(p, keys.data + off[j], 16);
            else
                memcpy(p, keys.data + off[j], klen);
            p += klen;
            p = json_value(p, &row[j], &cols[j]);
        }
        *p++ = '}';
        if (ends) {
            if ((size_t)(p - out->data) - len0 > UINT32_MAX)
                goto out;
            ends[i] = (uint32_t)((size_t)(p - out->data) - len0);
        } else
            *p++ = '\n';
        out->len = (size_t)(p - out->data);
    }
    rc = 0;
out:
    buf_free(&keys);
    free(off);
    return rc;
}

static int json_batch(const struct fount_batch *b, struct buf *out)
{
    return json_rows(b, out, NULL);
}

int encode_json_objects(const struct fount_batch *b, struct buf *out, uint32_t *ends)
{
    size_t len0 = out->len;

    if (b->row_flags || b->row_version || json_rows(b, out, ends)) {
        out->len = len0;
        return -1;
    }
    return 0;
}

int encode_json_object(const struct fount_relation *rel, const struct fount_value *vals,
                       struct buf *out)
{
    size_t j, n = 2, len0 = out->len;
    char *p;

    for (j = 0; j < rel->ncols; j++)
        n += strlen(rel->cols[j].name) * 6 + 4;
    if (buf_reserve(out, n + row_bound(vals, rel->ncols, 6)))
        return -1;
    p = buf_tail(out);
    *p++ = '{';
    for (j = 0; j < rel->ncols; j++) {
        if (j)
            *p++ = ',';
        p = json_string(p, rel->cols[j].name, strlen(rel->cols[j].name));
        *p++ = ':';
        p = json_value(p, &vals[j], &rel->cols[j]);
    }
    *p++ = '}';
    out->len = len0 + (size_t)(p - (out->data + len0));
    return 0;
}

/* ---------------------------------------------------------------- SQL */

/* Identifier in the dialect's quotes, the quote character doubled. Needs n * 2 + 2. */
static char *sql_ident(char *p, enum fount_dialect d, const char *s, size_t n)
{
    char q = d == DIALECT_MYSQL ? '`' : '"';
    size_t i;

    *p++ = q;
    for (i = 0; i < n; i++) {
        if (s[i] == q)
            *p++ = q;
        *p++ = s[i];
    }
    *p++ = q;
    return p;
}

/* 'O''Brien'. MySQL (unless NO_BACKSLASH_ESCAPES) also reads backslash escapes, so there a
 * backslash becomes \\ and NUL becomes \0. SQLite and PostgreSQL take backslashes literally and
 * cannot hold NUL in text (and libpq and sqlite3_exec would cut the statement at it), so NUL
 * bytes are dropped there. Needs n * 2 + 2. */
static char *sql_string(char *p, enum fount_dialect d, const char *s, size_t n)
{
    size_t i = 0;
    uint64_t x;
    char c;

    *p++ = '\'';
    if (FOUNT_LIKELY(clean_copy(p, s, n, SCAN_SQL))) {
        p[n] = '\'';
        return p + n + 1;
    }
    while (i < n) {
        if (n - i >= 8) {
            memcpy(&x, s + i, 8);
            if (FOUNT_LIKELY(!dirty(x, SCAN_SQL))) {
                memcpy(p, &x, 8);
                p += 8;
                i += 8;
                continue;
            }
        }
        c = s[i++];
        if (c == '\'') {
            *p++ = '\'';
            *p++ = '\'';
        } else if (c == '\0') {
            if (d == DIALECT_MYSQL) {
                *p++ = '\\';
                *p++ = '0';
            }
        } else if (c == '\\' && d == DIALECT_MYSQL) {
            *p++ = '\\';
            *p++ = '\\';
        } else {
            *p++ = c;
        }
    }
    *p++ = '\'';
    return p;
}

int sql_quote_ident(enum fount_dialect d, const char *name, struct buf *out)
{
    size_t n = strlen(name);

    if (buf_reserve(out, n * 2 + 2))
        return -1;
    out->len = (size_t)(sql_ident(buf_tail(out), d, name, n) - out->data);
    return 0;
}

int sql_quote_string(enum fount_dialect d, const char *s, size_t len, struct buf *out)
{
    if (len > (SIZE_MAX - 2) / 2 || buf_reserve(out, len * 2 + 2))
        return -1;
    out->len = (size_t)(sql_string(buf_tail(out), d, s, len) - out->data);
    return 0;
}

static char *sql_value(char *p, enum fount_dialect d, const struct fount_value *v,
                       const struct fount_column *c)
{
    switch (v->type) {
    case FV_INT: return p + fmt_i64(p, v->v.i);
    case FV_STRING:
    case FV_JSON: return sql_string(p, d, v->v.s, v->len);
    case FV_TIMESTAMP:
        *p++ = '\'';
        p += fmt_timestamp(p, v->v.i, c->ts_digits, d == DIALECT_MYSQL);
        *p++ = '\'';
        return p;
    case FV_DECIMAL: return p + fmt_decimal(p, v->v.i, c->scale);
    case FV_DOUBLE:
        if (FOUNT_UNLIKELY(!isfinite(v->v.d)))
            break;
        return p + fmt_double(p, v->v.d, c->decimals);
    case FV_UUID:
        *p++ = '\'';
        p += fmt_uuid(p, v->v.u);
        *p++ = '\'';
        return p;
    case FV_DATE:
        *p++ = '\'';
        p += fmt_date(p, v->v.i);
        *p++ = '\'';
        return p;
    case FV_BOOL:
        if (d == DIALECT_POSTGRES) {
            if (v->v.i) {
                memcpy(p, "TRUE", 4);
                return p + 4;
            }
            memcpy(p, "FALSE", 5);
            return p + 5;
        }
        *p++ = v->v.i ? '1' : '0';
        return p;
    default:
        break;
    }
    memcpy(p, "NULL", 4);
    return p + 4;
}

/* Layout: one multi-row INSERT per FORMAT_SQL_ROWS rows, one row per line:
 *   INSERT INTO "orders" ("id","total") VALUES
 *   (1,12.50),
 *   (2,NULL);
 * A statement starts at a row whose absolute index is a multiple of FORMAT_SQL_ROWS and at the
 * first row of every batch, so statements never span batches (each can be retried alone) and
 * the shards of a run concatenate to the unsharded text when shards are cut on multiples of it.
 * The "INSERT ... VALUES\n" prefix is built once per batch. */
static int sql_batch(enum fount_dialect d, const struct fount_batch *b, struct buf *out)
{
    const struct fount_relation *rel = b->rel;
    size_t ncols = rel->ncols, i, j;
    const struct fount_value *row = b->vals;
    struct buf pre;
    uint64_t abs;
    int rc = -1;
    char *p;

    buf_init(&pre, SIZE_MAX);
    if (buf_puts(&pre, "INSERT INTO ") || sql_quote_ident(d, rel->name, &pre) ||
        buf_puts(&pre, " ("))
        goto out;
    for (j = 0; j < ncols; j++)
        if ((j && buf_puts(&pre, ",")) || sql_quote_ident(d, rel->cols[j].name, &pre))
            goto out;
    if (buf_puts(&pre, ") VALUES\n"))
        goto out;
    for (i = 0; i < b->nrows; i++, row += ncols) {
        abs = b->first_row + i;
        if (reserve(out, pre.len + row_bound(row, ncols, 2) + 4))
            goto out;
        p = buf_tail(out);
        if (i == 0 || abs % FORMAT_SQL_ROWS == 0) {
            memcpy(p, pre.data, pre.len);
            p += pre.len;
        }
        *p++ = '(';
        for (j = 0; j < ncols; j++) {
            if (j)
                *p++ = ',';
            p = sql_value(p, d, &row[j], &rel->cols[j]);
        }
        *p++ = ')';
        *p++ = i + 1 == b->nrows || (abs + 1) % FORMAT_SQL_ROWS == 0 ? ';' : ',';
        *p++ = '\n';
        out->len = (size_t)(p - out->data);
    }
    rc = 0;
out:
    buf_free(&pre);
    return rc;
}

/* ---------------------------------------------------------------- entry points */

int encode_header(const struct fount_encoder *e, const struct fount_relation *rel, struct buf *out)
{
    if (e->format == FMT_CSV)
        return csv_header(rel, out);
    if (e->format == FMT_PROMETHEUS)
        return format_prom_header(rel, out);
    return 0;
}

int encode_batch(const struct fount_encoder *e, const struct fount_batch *b, struct buf *out)
{
    size_t len0 = out->len;
    int rc;

    if (b->row_flags || b->row_version) /* injected faults, schema drift: format_fault.c */
        return encode_batch_faults(e, b, out);
    switch (e->format) {
    case FMT_CSV: rc = csv_batch(b, out); break;
    case FMT_JSONL: rc = json_batch(b, out); break;
    case FMT_SQL: rc = sql_batch(e->dialect, b, out); break;
    case FMT_INFLUX: rc = format_influx_batch(b, out); break;
    case FMT_PROMETHEUS: rc = format_prom_batch(b, out); break;
    default: rc = -1;
    }
    if (rc)
        out->len = len0;
    return rc;
}

/* ---------------------------------------------------------------- schema */

static const char *pick(enum fount_dialect d, const char *sqlite, const char *pg, const char *my)
{
    return d == DIALECT_SQLITE ? sqlite : d == DIALECT_POSTGRES ? pg : my;
}

/* An indexed column: MySQL cannot index TEXT without a prefix length, so such a column is a
 * VARCHAR even when long (InnoDB then refuses keys past 3072 bytes at CREATE time, which is a
 * clearer failure than rows refused later); 255 when the length is unknown; 16383 is the longest
 * utf8mb4 VARCHAR. */
static int is_keyed(const struct fount_column *c)
{
    return c->unique || c->primary_key || c->ref_table;
}

/* Returns a string constant, or tmp filled in (32 bytes are plenty; a shorter tmp gives a
 * truncated type). VARCHAR(n) counts characters and max_len counts bytes, so n is always long enough. */
const char *schema_type(enum fount_dialect d, const struct fount_column *c, char *tmp, size_t tmplen)
{
    int prec, scale;

    switch (c->type) {
    case FV_INT: return pick(d, "INTEGER", "BIGINT", "BIGINT");
    case FV_DOUBLE: return pick(d, "REAL", "DOUBLE PRECISION", "DOUBLE");
    case FV_DECIMAL:
        scale = c->scale < 0 ? 0 : c->scale;
        prec = c->precision > 0 ? c->precision : 19; /* unknown: every digit an int64 has */
        if (prec < scale)
            prec = scale;
        snprintf(tmp, tmplen, "%s(%d,%d)", d == DIALECT_MYSQL ? "DECIMAL" : "NUMERIC", prec, scale);
        return tmp;
    case FV_BOOL: return pick(d, "INTEGER", "BOOLEAN", "BOOLEAN");
    case FV_STRING:
        if (d != DIALECT_MYSQL)
            return "TEXT";
        if (c->max_len > 0 && (c->max_len <= 1024 || is_keyed(c))) {
            snprintf(tmp, tmplen, "VARCHAR(%d)", c->max_len < 16383 ? c->max_len : 16383);
            return tmp;
        }
        return is_keyed(c) ? "VARCHAR(255)" : "TEXT";
    case FV_JSON: return pick(d, "TEXT", "JSONB", "JSON");
    case FV_TIMESTAMP:
        if (d == DIALECT_SQLITE)
            return "TIMESTAMP";
        if (c->ts_digits <= 0)
            return d == DIALECT_POSTGRES ? "TIMESTAMP(0)" : "DATETIME";
        snprintf(tmp, tmplen, "%s(%d)", d == DIALECT_POSTGRES ? "TIMESTAMP" : "DATETIME",
                 c->ts_digits > 6 ? 6 : c->ts_digits);
        return tmp;
    case FV_DATE: return "DATE";
    case FV_UUID: return pick(d, "TEXT", "UUID", "CHAR(36)");
    default: return "TEXT";
    }
}

/* Layout:
 *   CREATE TABLE "orders" (
 *     "id" BIGINT NOT NULL PRIMARY KEY,
 *     "customer_id" BIGINT NOT NULL,
 *     "note" TEXT,
 *     FOREIGN KEY ("customer_id") REFERENCES "customers" ("id")
 *   );
 * One primary-key column is declared inline (in SQLite an INTEGER one is then the rowid alias,
 * "INTEGER NOT NULL PRIMARY KEY"); several become a table constraint PRIMARY KEY ("a","b").
 * A primary key is always NOT NULL; UNIQUE is left out on it. Foreign keys follow the columns,
 * in column order; without ref_column the reference names the parent's primary key. */
int schema_create_table(enum fount_dialect d, const struct fount_relation *rel, struct buf *out)
{
    size_t j, npk = 0, nlines = rel->ncols, line = 0;
    const struct fount_column *c;
    char tmp[64];

    for (j = 0; j < rel->ncols; j++) {
        npk += rel->cols[j].primary_key != 0;
        nlines += rel->cols[j].ref_table != NULL;
    }
    nlines += npk > 1;
    if (buf_puts(out, "CREATE TABLE ") || sql_quote_ident(d, rel->name, out) ||
        buf_puts(out, " (\n"))
        return -1;
    for (j = 0; j < rel->ncols; j++) {
        c = &rel->cols[j];
        if (buf_puts(out, "  ") || sql_quote_ident(d, c->name, out) ||
            buf_printf(out, " %s%s%s%s", schema_type(d, c, tmp, sizeof tmp),
                       !c->nullable || c->primary_key ? " NOT NULL" : "",
                       c->primary_key && npk == 1 ? " PRIMARY KEY" : "",
                       c->unique && !c->primary_key ? " UNIQUE" : "") ||
            buf_puts(out, ++line < nlines ? ",\n" : "\n"))
            return -1;
    }
    if (npk > 1) {
        if (buf_puts(out, "  PRIMARY KEY ("))
            return -1;
        for (j = 0, npk = 0; j < rel->ncols; j++) {
            if (!rel->cols[j].primary_key)
                continue;
            if ((npk++ && buf_puts(out, ",")) || sql_quote_ident(d, rel->cols[j].name, out))
                return -1;
        }
        if (buf_puts(out, ++line < nlines ? "),\n" : ")\n"))
            return -1;
    }
    for (j = 0; j < rel->ncols; j++) {
        c = &rel->cols[j];
        if (!c->ref_table)
            continue;
        if (buf_puts(out, "  FOREIGN KEY (") || sql_quote_ident(d, c->name, out) ||
            buf_puts(out, ") REFERENCES ") || sql_quote_ident(d, c->ref_table, out))
            return -1;
        if (c->ref_column &&
            (buf_puts(out, " (") || sql_quote_ident(d, c->ref_column, out) || buf_puts(out, ")")))
            return -1;
        if (buf_puts(out, ++line < nlines ? ",\n" : "\n"))
            return -1;
    }
    return buf_puts(out, ");\n");
}
