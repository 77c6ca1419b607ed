/* jsonloc.c: recursive-descent JSON syntax check that records the offset of every path (jsonloc.h).
 * Nesting is limited to 64 levels: profiles are shallow, and a bound keeps the stack bounded. */
#include "jsonloc.h"
#include "common.h"

#include <stdio.h>
#include <stdlib.h>

#define JSONLOC_MAX_DEPTH 64

struct scan {
    struct jsonloc *jl;
    const char *s;
    size_t len, pos;
    char *msg;
    size_t msglen;
    size_t err_off;
    int failed;
    int depth;
};

static int fail(struct scan *sc, size_t off, const char *what)
{
    if (!sc->failed) {
        snprintf(sc->msg, sc->msglen, "%s", what);
        sc->err_off = off;
        sc->failed = 1;
    }
    return -1;
}

static void skip_ws(struct scan *sc)
{
    while (sc->pos < sc->len) {
        char c = sc->s[sc->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        sc->pos++;
    }
}

static void add_entry(struct scan *sc, const char *path, size_t key_off, size_t val_off)
{
    struct jsonloc *jl = sc->jl;

    if (jl->n == jl->cap) {
        jl->cap = jl->cap ? jl->cap * 2 : 64;
        jl->e = xrealloc(jl->e, jl->cap * sizeof *jl->e);
    }
    jl->e[jl->n].path = xstrdup(path);
    jl->e[jl->n].key_off = key_off;
    jl->e[jl->n].val_off = val_off;
    jl->n++;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Scans a string at pos (on the opening quote). If out is given, appends the raw contents
 * (escapes kept as written; only used for keys, which are compared literally). */
static int scan_string(struct scan *sc, struct buf *out)
{
    size_t start = sc->pos++;

    while (sc->pos < sc->len) {
        unsigned char c = (unsigned char)sc->s[sc->pos];
        if (c == '"') {
            if (out)
                buf_append(out, sc->s + start + 1, sc->pos - start - 1);
            sc->pos++;
            return 0;
        }
        /* A string cut by its line's end is located at its opening quote: a missing closing
         * quote is the usual cause. */
        if (c == '\n' || c == '\r')
            return fail(sc, start, "unterminated string: no closing quote before the end of "
                                   "the line (write a newline inside a string as \\n)");
        if (c < 0x20)
            return fail(sc, sc->pos, "control character inside a string");
        if (c == '\\') {
            char e = sc->pos + 1 < sc->len ? sc->s[sc->pos + 1] : 0;
            if (e == 'u') {
                int i;
                for (i = 0; i < 4; i++)
                    if (sc->pos + 2 + i >= sc->len || hexval(sc->s[sc->pos + 2 + i]) < 0)
                        return fail(sc, sc->pos, "bad \\u escape: expected 4 hex digits");
                sc->pos += 6;
                continue;
            }
            if (!e || !strchr("\"\\/bfnrt", e))
                return fail(sc, sc->pos, "bad escape in string (expected one of \\\" \\\\ \\/ \\b "
                                         "\\f \\n \\r \\t \\uXXXX)");
            sc->pos += 2;
            continue;
        }
        sc->pos++;
    }
    return fail(sc, start, "unterminated string");
}

static int scan_number(struct scan *sc)
{
    size_t start = sc->pos;
    const char *s = sc->s;

    if (sc->pos < sc->len && s[sc->pos] == '-')
        sc->pos++;
    if (sc->pos >= sc->len || s[sc->pos] < '0' || s[sc->pos] > '9')
        return fail(sc, start, "invalid number");
    if (s[sc->pos] == '0' && sc->pos + 1 < sc->len && s[sc->pos + 1] >= '0' && s[sc->pos + 1] <= '9')
        return fail(sc, start, "invalid number: leading zeros are not allowed");
    while (sc->pos < sc->len && s[sc->pos] >= '0' && s[sc->pos] <= '9')
        sc->pos++;
    if (sc->pos < sc->len && s[sc->pos] == '.') {
        sc->pos++;
        if (sc->pos >= sc->len || s[sc->pos] < '0' || s[sc->pos] > '9')
            return fail(sc, start, "invalid number: expected a digit after '.'");
        while (sc->pos < sc->len && s[sc->pos] >= '0' && s[sc->pos] <= '9')
            sc->pos++;
    }
    if (sc->pos < sc->len && (s[sc->pos] == 'e' || s[sc->pos] == 'E')) {
        sc->pos++;
        if (sc->pos < sc->len && (s[sc->pos] == '+' || s[sc->pos] == '-'))
            sc->pos++;
        if (sc->pos >= sc->len || s[sc->pos] < '0' || s[sc->pos] > '9')
            return fail(sc, start, "invalid number: expected a digit in the exponent");
        while (sc->pos < sc->len && s[sc->pos] >= '0' && s[sc->pos] <= '9')
            sc->pos++;
    }
    return 0;
}

static int scan_value(struct scan *sc, struct buf *path);

static int scan_word(struct scan *sc, const char *w)
{
    size_t n = strlen(w);

    if (sc->len - sc->pos >= n && memcmp(sc->s + sc->pos, w, n) == 0) {
        sc->pos += n;
        return 0;
    }
    return fail(sc, sc->pos, "expected a value (string, number, object, array, true, false or null)");
}

/* Was this key seen among the object's earlier members? keys holds them, NUL-separated. */
static int seen_key(const struct buf *keys, const char *k, size_t n)
{
    size_t i = 0;

    while (i < keys->len) {
        size_t len = strlen(keys->data + i);
        if (len == n && memcmp(keys->data + i, k, n) == 0)
            return 1;
        i += len + 1;
    }
    return 0;
}

static int scan_object(struct scan *sc, struct buf *path)
{
    size_t base = path->len;
    struct buf key, keys;
    int rc = -1;

    buf_init(&key, 1 << 20);
    buf_init(&keys, 16 << 20);
    sc->pos++; /* '{' */
    skip_ws(sc);
    if (sc->pos < sc->len && sc->s[sc->pos] == '}') {
        sc->pos++;
        rc = 0;
        goto out;
    }
    for (;;) {
        size_t key_off;
        skip_ws(sc);
        if (sc->pos >= sc->len || sc->s[sc->pos] != '"') {
            fail(sc, sc->pos, sc->pos < sc->len && sc->s[sc->pos] == '}'
                                  ? "trailing comma before '}'"
                                  : "expected a key in double quotes");
            goto out;
        }
        key_off = sc->pos;
        buf_reset(&key);
        if (scan_string(sc, &key))
            goto out;
        path->len = base;
        if (base)
            buf_append(path, ".", 1);
        buf_append(path, key.data, key.len);
        buf_append(path, "", 1);
        path->len--;
        /* A duplicate key would be silently dropped by cJSON: say so instead. */
        if (seen_key(&keys, key.data ? key.data : "", key.len)) {
            fail(sc, key_off, "duplicate key");
            goto out;
        }
        buf_append(&keys, key.data ? key.data : "", key.len);
        buf_append(&keys, "", 1);
        skip_ws(sc);
        if (sc->pos >= sc->len || sc->s[sc->pos] != ':') {
            fail(sc, sc->pos, "expected ':' after the key");
            goto out;
        }
        sc->pos++;
        skip_ws(sc);
        add_entry(sc, path->data, key_off, sc->pos);
        if (scan_value(sc, path))
            goto out;
        skip_ws(sc);
        if (sc->pos < sc->len && sc->s[sc->pos] == ',') {
            sc->pos++;
            continue;
        }
        if (sc->pos < sc->len && sc->s[sc->pos] == '}') {
            sc->pos++;
            rc = 0;
            goto out;
        }
        fail(sc, sc->pos, "expected ',' or '}'");
        goto out;
    }
out:
    path->len = base;
    buf_free(&key);
    buf_free(&keys);
    return rc;
}

static int scan_array(struct scan *sc, struct buf *path)
{
    size_t base = path->len, idx = 0;
    char tmp[32];

    sc->pos++; /* '[' */
    skip_ws(sc);
    if (sc->pos < sc->len && sc->s[sc->pos] == ']') {
        sc->pos++;
        return 0;
    }
    for (;;) {
        skip_ws(sc);
        if (sc->pos < sc->len && sc->s[sc->pos] == ']')
            return fail(sc, sc->pos, "trailing comma before ']'");
        path->len = base;
        snprintf(tmp, sizeof tmp, "[%zu]", idx++);
        buf_puts(path, tmp);
        buf_append(path, "", 1);
        path->len--;
        add_entry(sc, path->data, sc->pos, sc->pos);
        if (scan_value(sc, path))
            return -1;
        path->len = base;
        skip_ws(sc);
        if (sc->pos < sc->len && sc->s[sc->pos] == ',') {
            sc->pos++;
            continue;
        }
        if (sc->pos < sc->len && sc->s[sc->pos] == ']') {
            sc->pos++;
            return 0;
        }
        return fail(sc, sc->pos, "expected ',' or ']'");
    }
}

static int scan_value(struct scan *sc, struct buf *path)
{
    int rc;

    skip_ws(sc);
    if (sc->pos >= sc->len)
        return fail(sc, sc->pos, "unexpected end of file: expected a value");
    switch (sc->s[sc->pos]) {
    case '{':
    case '[':
        if (++sc->depth > JSONLOC_MAX_DEPTH)
            return fail(sc, sc->pos, "nested too deeply (64 levels at most)");
        rc = sc->s[sc->pos] == '{' ? scan_object(sc, path) : scan_array(sc, path);
        sc->depth--;
        return rc;
    case '"':
        return scan_string(sc, NULL);
    case 't':
        return scan_word(sc, "true");
    case 'f':
        return scan_word(sc, "false");
    case 'n':
        return scan_word(sc, "null");
    default:
        if (sc->s[sc->pos] == '-' || (sc->s[sc->pos] >= '0' && sc->s[sc->pos] <= '9'))
            return scan_number(sc);
        if (sc->s[sc->pos] == '\'')
            return fail(sc, sc->pos, "strings must use double quotes");
        return fail(sc, sc->pos,
                    "expected a value (string, number, object, array, true, false or null)");
    }
}

int jsonloc_scan(struct jsonloc *jl, const char *text, size_t len, char *msg, size_t msglen,
                 size_t *err_off)
{
    struct scan sc = {0};
    struct buf path;
    int rc;

    memset(jl, 0, sizeof *jl);
    jl->text = text;
    jl->len = len;
    sc.jl = jl;
    sc.s = text;
    sc.len = len;
    sc.msg = msg;
    sc.msglen = msglen;
    buf_init(&path, 1 << 20);
    buf_append(&path, "", 1);
    path.len = 0;
    /* A UTF-8 byte order mark is tolerated. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        sc.pos = 3;
    skip_ws(&sc);
    add_entry(&sc, "", sc.pos, sc.pos);
    rc = scan_value(&sc, &path);
    if (!rc) {
        skip_ws(&sc);
        if (sc.pos < len)
            rc = fail(&sc, sc.pos, "unexpected text after the end of the document");
    }
    buf_free(&path);
    if (rc && err_off)
        *err_off = sc.err_off;
    return rc;
}

void jsonloc_free(struct jsonloc *jl)
{
    size_t i;

    if (!jl)
        return;
    for (i = 0; i < jl->n; i++)
        free(jl->e[i].path);
    free(jl->e);
    jl->e = NULL;
    jl->n = jl->cap = 0;
}

long jsonloc_find(const struct jsonloc *jl, const char *path, int want_value)
{
    size_t i;

    for (i = 0; i < jl->n; i++)
        if (strcmp(jl->e[i].path, path) == 0)
            return (long)(want_value ? jl->e[i].val_off : jl->e[i].key_off);
    return -1;
}

void jsonloc_linecol(const char *text, size_t len, size_t off, int *line, int *col)
{
    size_t i, bol = 0;
    int l = 1;

    if (off > len)
        off = len;
    for (i = 0; i < off; i++)
        if (text[i] == '\n') {
            l++;
            bol = i + 1;
        }
    *line = l;
    *col = (int)(off - bol) + 1;
}

/* Appends to out (outlen bytes, always terminated); returns 0 or -1 when out is full. */
static int put(char *out, size_t outlen, size_t *w, const char *p, size_t n)
{
    if (*w + n + 1 > outlen) {
        n = outlen - *w - 1;
        memcpy(out + *w, p, n);
        *w += n;
        out[*w] = '\0';
        return -1;
    }
    memcpy(out + *w, p, n);
    *w += n;
    out[*w] = '\0';
    return 0;
}

#define CARET_WINDOW 200 /* bytes of a long line shown around the problem */

size_t jsonloc_caret(const char *text, size_t len, size_t off, char *out, size_t outlen)
{
    size_t bol, eol, from, to, i, w = 0;

    if (!outlen)
        return 0;
    out[0] = '\0';
    if (off > len)
        off = len;
    bol = off;
    while (bol > 0 && text[bol - 1] != '\n')
        bol--;
    eol = off;
    while (eol < len && text[eol] != '\n' && text[eol] != '\r')
        eol++;
    /* A long line (minified JSON) is shown as a window around the offset. */
    from = bol;
    to = eol;
    if (to - from > CARET_WINDOW) {
        from = off > bol + CARET_WINDOW / 2 ? off - CARET_WINDOW / 2 : bol;
        while (from > bol && ((unsigned char)text[from] & 0xC0) == 0x80) /* whole characters */
            from--;
        to = from + CARET_WINDOW < eol ? from + CARET_WINDOW : eol;
        while (to < eol && ((unsigned char)text[to] & 0xC0) == 0x80)
            to++;
    }
    if (put(out, outlen, &w, "    ", 4) || put(out, outlen, &w, text + from, to - from) ||
        put(out, outlen, &w, "\n    ", 5))
        return w;
    /* One column per character: UTF-8 continuation bytes and the byte order mark take none;
     * tabs are kept so the caret lines up under a terminal's tab stops. */
    for (i = from; i < off; i++) {
        unsigned char ch = (unsigned char)text[i];
        if ((ch & 0xC0) == 0x80)
            continue;
        if (i == 0 && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
            i += 2;
            continue;
        }
        if (put(out, outlen, &w, ch == '\t' ? "\t" : " ", 1))
            return w;
    }
    put(out, outlen, &w, "^\n", 2);
    return w;
}
