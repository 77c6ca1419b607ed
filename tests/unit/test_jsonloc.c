/* test_jsonloc.c: the JSON scanner behind profile error locations: syntax errors (message and
 * line:col), the path -> line:col map of a nested document, duplicate keys, the byte order mark,
 * and the caret line printed under a syntax error. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonloc.h"

struct syntax_case {
    const char *in;
    const char *msg;
    int line, col;
};

#define UNTERMINATED_EOL                                                                       \
    "unterminated string: no closing quote before the end of the line (write a newline inside " \
    "a string as \\n)"

static const struct syntax_case syntax_cases[] = {
    {"{\"a\": 1 \"b\": 2}", "expected ',' or '}'", 1, 9},
    {"{\"a\": 1,}", "trailing comma before '}'", 1, 9},
    {"[1, 2,]", "trailing comma before ']'", 1, 7},
    {"{\"a\": [1, 2}", "expected ',' or ']'", 1, 12},
    {"{\"a\": \"abc", "unterminated string", 1, 7},
    /* a string cut by the end of its line: located at its opening quote, since a missing closing
     * quote is the usual cause */
    {"{\"a\": \"abc}\n", UNTERMINATED_EOL, 1, 7},
    {"{\"a\": \"line\nbreak\"}", UNTERMINATED_EOL, 1, 7},
    {"{\"a\": \"tab\there\"}", "control character inside a string", 1, 11},
    {"{\"a\": 'x'}", "strings must use double quotes", 1, 7},
    {"{'a': 1}", "expected a key in double quotes", 1, 2},
    {"{a: 1}", "expected a key in double quotes", 1, 2},
    {"{\"a\": 1,, \"b\": 2}", "expected a key in double quotes", 1, 9},
    {"{\"a\" 1}", "expected ':' after the key", 1, 6},
    {"{\"a\": 1, \"a\": 2}", "duplicate key", 1, 10},
    {"{\"x\": {\"k\": 1,\n       \"k\": 2}}", "duplicate key", 2, 8},
    {"{\"a\": tru}", "expected a value (string, number, object, array, true, false or null)", 1, 7},
    {"{\"a\": True}", "expected a value (string, number, object, array, true, false or null)", 1,
     7},
    {"{\"a\": NaN}", "expected a value (string, number, object, array, true, false or null)", 1, 7},
    {"{\"a\": }", "expected a value (string, number, object, array, true, false or null)", 1, 7},
    {"{\"a\": 01}", "invalid number: leading zeros are not allowed", 1, 7},
    {"{\"a\": 1.}", "invalid number: expected a digit after '.'", 1, 7},
    {"{\"a\": 1e+}", "invalid number: expected a digit in the exponent", 1, 7},
    {"{\"a\": -}", "invalid number", 1, 7},
    {"{\"a\": +1}", "expected a value (string, number, object, array, true, false or null)", 1, 7},
    {"{\"a\": \"x\\qy\"}", "bad escape in string (expected one of \\\" \\\\ \\/ \\b \\f \\n \\r "
                          "\\t \\uXXXX)", 1, 9},
    {"{\"a\": \"\\u12G4\"}", "bad \\u escape: expected 4 hex digits", 1, 8},
    {"", "unexpected end of file: expected a value", 1, 1},
    {"   \n  ", "unexpected end of file: expected a value", 2, 3},
    {"{\"a\": ", "unexpected end of file: expected a value", 1, 7},
    {"{", "expected a key in double quotes", 1, 2},
    {"{\"a\": {\"b\": 1}", "expected ',' or '}'", 1, 15},
    {"{\"a\": 1} x", "unexpected text after the end of the document", 1, 10},
    {"{\"a\": 1}\n{\"b\": 2}", "unexpected text after the end of the document", 2, 1},
    /* multi-line, LF and CRLF: columns count bytes from the start of the line */
    {"{\n  \"a\": 1\n  \"b\": 2\n}", "expected ',' or '}'", 3, 3},
    {"{\r\n\"a\": 1\r\n\"b\": 2}", "expected ',' or '}'", 3, 1},
    {"{\n\t\"a\": 1,\n\t\"b\": [1 2]\n}", "expected ',' or ']'", 3, 10},
};

Test(jsonloc, syntax_errors)
{
    size_t i;

    for (i = 0; i < sizeof syntax_cases / sizeof syntax_cases[0]; i++) {
        const struct syntax_case *c = &syntax_cases[i];
        struct jsonloc jl;
        char msg[256] = "";
        size_t off = 12345;
        int rc = jsonloc_scan(&jl, c->in, strlen(c->in), msg, sizeof msg, &off), l = 0, col = 0;
        jsonloc_free(&jl);
        cr_expect_eq(rc, -1, "case %zu: %s: accepted", i, c->in);
        if (rc != -1)
            continue;
        jsonloc_linecol(c->in, strlen(c->in), off, &l, &col);
        cr_expect_str_eq(msg, c->msg, "case %zu: %s", i, c->in);
        cr_expect(l == c->line && col == c->col, "case %zu: %s: at %d:%d, want %d:%d", i, c->in,
                  l, col, c->line, c->col);
    }
}

/* 65 nested arrays: one more than the limit. */
Test(jsonloc, nesting_limit)
{
    char deep[200];
    struct jsonloc jl;
    char msg[256];
    size_t off = 0;
    int i, rc;

    for (i = 0; i < 64; i++)
        deep[i] = '[';
    for (i = 0; i < 64; i++)
        deep[64 + i] = ']';
    deep[128] = '\0';
    cr_assert_eq(jsonloc_scan(&jl, deep, strlen(deep), msg, sizeof msg, &off), 0, "%s", msg);
    jsonloc_free(&jl);
    memmove(deep + 1, deep, strlen(deep) + 1);
    deep[0] = '[';
    strcat(deep, "]");
    rc = jsonloc_scan(&jl, deep, strlen(deep), msg, sizeof msg, &off);
    jsonloc_free(&jl);
    cr_assert_eq(rc, -1);
    cr_assert_str_eq(msg, "nested too deeply (64 levels at most)");
    cr_assert_eq(off, 64);
}

Test(jsonloc, valid_documents)
{
    static const char *const ok[] = {
        "{}", "[]", "0", "-0", "1.5e-3", "\"s\"", "true", "false", "null", " \t\r\n{ } \n",
        "{\"a\": [1, -2.5E+10, \"x\", true, false, null, {}, []]}",
        "{\"esc\": \"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00\"}",
        "{\"utf8\": \"\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80\"}",
        "{\"x\": {\"a\": 1}, \"y\": {\"a\": 1}}", /* the same key in different objects */
        "[{\"a\": 1}, {\"a\": 1}]",
    };
    size_t i;

    for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        struct jsonloc jl;
        char msg[256] = "";
        size_t off = 0;
        int rc = jsonloc_scan(&jl, ok[i], strlen(ok[i]), msg, sizeof msg, &off);
        jsonloc_free(&jl);
        cr_expect_eq(rc, 0, "%s rejected: %s at %zu", ok[i], msg, off);
    }
}

/* 2026-11-24 #2: a key that contains a dot is a different key from a nested path that prints the
 * same way: {"a": {"b": 1}, "a.b": 2} has no duplicate key (it was rejected as one). */
Test(jsonloc, dotted_key_is_not_a_duplicate)
{
    static const char *const ok[] = {
        "{\"a\": {\"b\": 1}, \"a.b\": 2}",
        "{\"a\": [1], \"a[0]\": 2}",
        "{\"sink\": {\"rdkafka\": {\"linger.ms\": 5}, \"rdkafka.linger.ms\": 5}}",
    };
    size_t i;

    for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        struct jsonloc jl;
        char msg[256] = "";
        size_t off = 0;
        int rc = jsonloc_scan(&jl, ok[i], strlen(ok[i]), msg, sizeof msg, &off);
        jsonloc_free(&jl);
        cr_expect_eq(rc, 0, "%s rejected: %s at %zu", ok[i], msg, off);
    }
}

static const char doc[] = "{\n"                                     /* 1 */
                          "  \"name\": \"shop\",\n"                 /* 2 */
                          "  \"a\": {\n"                            /* 3 */
                          "    \"b\": [\n"                          /* 4 */
                          "      1,\n"                              /* 5 */
                          "      \"two\",\n"                        /* 6 */
                          "      {\"c\": {\"deep\": [true, null]}}\n" /* 7 */
                          "    ],\n"                                /* 8 */
                          "    \"empty\": {},\n"                    /* 9 */
                          "    \"list\": []\n"                      /* 10 */
                          "  },\n"                                  /* 11 */
                          "  \"z\": -1.5e3\n"                       /* 12 */
                          "}\n";                                    /* 13 */

struct path_case {
    const char *path;
    int kline, kcol; /* the key (the value itself for array items and the root) */
    int vline, vcol; /* the value */
};

static const struct path_case path_cases[] = {
    {"", 1, 1, 1, 1},
    {"name", 2, 3, 2, 11},
    {"a", 3, 3, 3, 8},
    {"a.b", 4, 5, 4, 10},
    {"a.b[0]", 5, 7, 5, 7},
    {"a.b[1]", 6, 7, 6, 7},
    {"a.b[2]", 7, 7, 7, 7},
    {"a.b[2].c", 7, 8, 7, 13},
    {"a.b[2].c.deep", 7, 14, 7, 22},
    {"a.b[2].c.deep[0]", 7, 23, 7, 23},
    {"a.b[2].c.deep[1]", 7, 29, 7, 29},
    {"a.empty", 9, 5, 9, 14},
    {"a.list", 10, 5, 10, 13},
    {"z", 12, 3, 12, 8},
};

Test(jsonloc, paths_to_line_col)
{
    static const char *const absent[] = {"a.b[3]", "a.c", "name.x", "b", "a.b[2].c.deep[2]",
                                         "a.list[0]", "A", "a.", ".a", "a.b.c"};
    struct jsonloc jl;
    char msg[256];
    size_t off, i;

    cr_assert_eq(jsonloc_scan(&jl, doc, strlen(doc), msg, sizeof msg, &off), 0, "%s", msg);
    for (i = 0; i < sizeof path_cases / sizeof path_cases[0]; i++) {
        const struct path_case *c = &path_cases[i];
        long k = jsonloc_find(&jl, c->path, 0), v = jsonloc_find(&jl, c->path, 1);
        int l, col;
        cr_assert(k >= 0 && v >= 0, "path \"%s\" not found", c->path);
        jsonloc_linecol(doc, strlen(doc), (size_t)k, &l, &col);
        cr_expect(l == c->kline && col == c->kcol, "\"%s\" key at %d:%d, want %d:%d", c->path, l,
                  col, c->kline, c->kcol);
        jsonloc_linecol(doc, strlen(doc), (size_t)v, &l, &col);
        cr_expect(l == c->vline && col == c->vcol, "\"%s\" value at %d:%d, want %d:%d", c->path, l,
                  col, c->vline, c->vcol);
    }
    for (i = 0; i < sizeof absent / sizeof absent[0]; i++)
        cr_expect_eq(jsonloc_find(&jl, absent[i], 0), -1, "\"%s\" should be absent", absent[i]);
    jsonloc_free(&jl);
    jsonloc_free(&jl); /* twice is harmless */
}

Test(jsonloc, linecol_edges)
{
    static const char t[] = "ab\ncd\n\nef";
    static const struct {
        size_t off;
        int line, col;
    } cases[] = {{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {5, 2, 3}, {6, 3, 1}, {7, 4, 1}, {9, 4, 3},
                 {100, 4, 3}}; /* past the end: clamped */
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int l, c;
        jsonloc_linecol(t, strlen(t), cases[i].off, &l, &c);
        cr_expect(l == cases[i].line && c == cases[i].col, "offset %zu: %d:%d, want %d:%d",
                  cases[i].off, l, c, cases[i].line, cases[i].col);
    }
}

/* A UTF-8 byte order mark before the document is skipped; anywhere else it is an error. */
Test(jsonloc, bom)
{
    static const char with_bom[] = "\xEF\xBB\xBF{\"a\": {\"b\": 1}}";
    static const char late_bom[] = "{\"a\": \xEF\xBB\xBF 1}";
    struct jsonloc jl;
    char msg[256];
    size_t off = 0;

    cr_assert_eq(jsonloc_scan(&jl, with_bom, strlen(with_bom), msg, sizeof msg, &off), 0, "%s",
                 msg);
    cr_expect_eq(jsonloc_find(&jl, "", 1), 3);
    cr_expect_eq(jsonloc_find(&jl, "a", 0), 4);
    cr_expect_eq(jsonloc_find(&jl, "a.b", 1), 15);
    jsonloc_free(&jl);
    cr_assert_eq(jsonloc_scan(&jl, late_bom, strlen(late_bom), msg, sizeof msg, &off), -1);
    cr_expect_eq(off, 6);
    jsonloc_free(&jl);
    /* a BOM alone is an empty document */
    cr_assert_eq(jsonloc_scan(&jl, "\xEF\xBB\xBF", 3, msg, sizeof msg, &off), -1);
    cr_expect_str_eq(msg, "unexpected end of file: expected a value");
    jsonloc_free(&jl);
}

struct caret_case {
    const char *text;
    size_t off;
    const char *want;
};

static const struct caret_case caret_cases[] = {
    /* the STYLE.md example */
    {"{\n  \"rows\": 1000 \"rate\": 50\n}", 17,
     "      \"rows\": 1000 \"rate\": 50\n"
     "                   ^\n"},
    {"x", 0, "    x\n    ^\n"},
    {"abc", 3, "    abc\n       ^\n"},                /* at the end of the text */
    {"ab\ncd", 2, "    ab\n      ^\n"},               /* on the newline: after the last char */
    {"ab\r\ncd", 1, "    ab\n     ^\n"},              /* CR is not shown */
    {"a\n\nb", 2, "    \n    ^\n"},                   /* an empty line */
    {"\t\"k\" 1", 5, "    \t\"k\" 1\n    \t    ^\n"}, /* tabs are kept so the caret lines up */
    {"", 0, "    \n    ^\n"},
};

Test(jsonloc, caret)
{
    size_t i;

    for (i = 0; i < sizeof caret_cases / sizeof caret_cases[0]; i++) {
        const struct caret_case *c = &caret_cases[i];
        char out[600];
        size_t n = jsonloc_caret(c->text, strlen(c->text), c->off, out, sizeof out);
        cr_expect_str_eq(out, c->want, "case %zu", i);
        cr_expect_eq(n, strlen(out), "case %zu: returned %zu for %zu bytes", i, n, strlen(out));
    }
}

/* 2026-11-24 #2: the caret sits under the character, not under its bytes: a UTF-8 character before
 * the error takes one column on a terminal, and the byte order mark none. */
Test(jsonloc, caret_counts_characters_not_bytes)
{
    static const struct caret_case cases[] = {
        {"{\"caf\xc3\xa9\" 1}", 8, "    {\"caf\xc3\xa9\" 1}\n           ^\n"},
        {"\xEF\xBB\xBF{\"a\" 1}", 8, "    \xEF\xBB\xBF{\"a\" 1}\n         ^\n"},
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[600];
        jsonloc_caret(cases[i].text, strlen(cases[i].text), cases[i].off, out, sizeof out);
        cr_expect_str_eq(out, cases[i].want, "case %zu", i);
    }
}

/* 2026-11-24 #2: a long line (minified JSON) is cut to a window, and the caret must stay under the
 * byte at the offset within what is shown (it was placed past the shown text, or cut off). */
Test(jsonloc, caret_on_a_long_line)
{
    char text[1001], out[600], *nl;
    size_t i, off = 700, caret, shown_len;

    for (i = 0; i < 1000; i++)
        text[i] = (char)('a' + i % 26);
    text[1000] = '\0';
    text[off] = '#';
    jsonloc_caret(text, 1000, off, out, sizeof out);
    nl = strchr(out, '\n');
    cr_assert_not_null(nl);
    shown_len = (size_t)(nl - out);
    cr_assert_not_null(strchr(nl + 1, '^'));
    caret = (size_t)(strchr(nl + 1, '^') - (nl + 1));
    cr_expect_leq(shown_len, 4 + 220, "the shown line is %zu bytes long", shown_len);
    cr_assert_lt(caret, shown_len, "the caret (column %zu) is past the shown text (%zu bytes)",
                 caret, shown_len);
    cr_expect_eq(out[caret], '#', "the caret is under '%c', not under the error", out[caret]);
}

/* 2026-11-24 #2: a small buffer is never overrun, the result is terminated, and the length
 * returned is the length written (it returned the length it would have written). */
Test(jsonloc, caret_small_buffer)
{
    static const char t[] = "{\"a\": 1 \"b\": 2}";
    size_t sizes[] = {1, 2, 5, 10, 20, 26}, i;

    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char out[64];
        size_t n;
        memset(out, 'Z', sizeof out);
        n = jsonloc_caret(t, strlen(t), 8, out, sizes[i]);
        cr_expect_eq(out[sizes[i]], 'Z', "outlen %zu: wrote past the buffer", sizes[i]);
        cr_assert_not_null(memchr(out, '\0', sizes[i]), "outlen %zu: not terminated", sizes[i]);
        cr_expect_eq(n, strlen(out), "outlen %zu: returned %zu, wrote %zu", sizes[i], n,
                     strlen(out));
    }
    cr_expect_eq(jsonloc_caret(t, strlen(t), 8, NULL, 0), 0);
}
