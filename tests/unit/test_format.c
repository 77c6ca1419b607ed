/* test_format.c: the CSV, JSON Lines and SQL encoders and the CREATE TABLE text of sinks/format.c,
 * on small hand-built batches compared with exact expected text. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static struct fount_value vnull(void)
{
    struct fount_value v = {.type = FV_NULL};
    return v;
}

static struct fount_value vint(int64_t i)
{
    struct fount_value v = {.type = FV_INT, .v.i = i};
    return v;
}

static struct fount_value vtyped(enum fount_vtype t, int64_t i)
{
    struct fount_value v = {.type = (uint8_t)t, .v.i = i};
    return v;
}

static struct fount_value vdbl(double d)
{
    struct fount_value v = {.type = FV_DOUBLE, .v.d = d};
    return v;
}

static struct fount_value vstrn(const char *s, size_t n)
{
    struct fount_value v = {.type = FV_STRING, .len = (uint32_t)n, .v.s = s};
    return v;
}

static struct fount_value vstr(const char *s)
{
    return vstrn(s, strlen(s));
}

static struct fount_value vuuid(const uint8_t u[16])
{
    struct fount_value v = {.type = FV_UUID};

    memcpy(v.v.u, u, 16);
    return v;
}

/* Encodes rows [first_row, first_row + nrows) into a NUL-terminated string (freed by caller). */
static char *encode(enum fount_format f, enum fount_dialect d, const struct fount_relation *rel,
                    uint64_t first_row, size_t nrows, struct fount_value *vals)
{
    struct fount_encoder e = {.format = f, .dialect = d};
    struct fount_batch b = {.rel = rel, .first_row = first_row, .nrows = nrows, .vals = vals};
    struct buf out;
    char *s;

    buf_init(&out, 1 << 24);
    cr_assert_eq(encode_batch(&e, &b, &out), 0, "encode_batch failed");
    s = xstrndup(out.data ? out.data : "", out.len);
    buf_free(&out);
    return s;
}

/* One string column: how CSV, JSON and SQL write each string. */
struct str_case {
    const char *s;
    size_t len;       /* 0: strlen(s) */
    int null;
    const char *csv, *json, *sqlite, *mysql;
};

static const struct str_case STR_CASES[] = {
    {"plain", 0, 0, "plain", "\"plain\"", "'plain'", "'plain'"},
    {"", 0, 0, "\"\"", "\"\"", "''", "''"},
    {NULL, 0, 1, "", "null", "NULL", "NULL"},
    {"a,b", 0, 0, "\"a,b\"", "\"a,b\"", "'a,b'", "'a,b'"},
    {"say \"hi\"", 0, 0, "\"say \"\"hi\"\"\"", "\"say \\\"hi\\\"\"", "'say \"hi\"'", "'say \"hi\"'"},
    {"\"", 0, 0, "\"\"\"\"", "\"\\\"\"", "'\"'", "'\"'"},
    {"line\nbreak", 0, 0, "\"line\nbreak\"", "\"line\\nbreak\"", "'line\nbreak'", "'line\nbreak'"},
    {"cr\rx", 0, 0, "\"cr\rx\"", "\"cr\\rx\"", "'cr\rx'", "'cr\rx'"},
    {" lead", 0, 0, "\" lead\"", "\" lead\"", "' lead'", "' lead'"},
    {"trail ", 0, 0, "\"trail \"", "\"trail \"", "'trail '", "'trail '"},
    {"\ttab", 0, 0, "\"\ttab\"", "\"\\ttab\"", "'\ttab'", "'\ttab'"},
    {"mid dle", 0, 0, "mid dle", "\"mid dle\"", "'mid dle'", "'mid dle'"},
    {"O'Brien", 0, 0, "O'Brien", "\"O'Brien\"", "'O''Brien'", "'O''Brien'"},
    {"back\\slash", 0, 0, "back\\slash", "\"back\\\\slash\"", "'back\\slash'", "'back\\\\slash'"},
    {"a\0b", 3, 0, "a\0b", "\"a\\u0000b\"", "'ab'", "'a\\0b'"},
    {"\b\f\x01\x1f\x7f", 0, 0, "\b\f\x01\x1f\x7f", "\"\\b\\f\\u0001\\u001f\x7f\"",
     "'\b\f\x01\x1f\x7f'", "'\b\f\x01\x1f\x7f'"},
    {"caf\xc3\xa9", 0, 0, "caf\xc3\xa9", "\"caf\xc3\xa9\"", "'caf\xc3\xa9'", "'caf\xc3\xa9'"},
    {"\xe6\x97\xa5\xe6\x9c\xac", 0, 0, "\xe6\x97\xa5\xe6\x9c\xac", "\"\xe6\x97\xa5\xe6\x9c\xac\"",
     "'\xe6\x97\xa5\xe6\x9c\xac'", "'\xe6\x97\xa5\xe6\x9c\xac'"},
    {"\xf0\x9f\x98\x80!", 0, 0, "\xf0\x9f\x98\x80!", "\"\xf0\x9f\x98\x80!\"", "'\xf0\x9f\x98\x80!'",
     "'\xf0\x9f\x98\x80!'"},
    {"\xe2\x80\xa8|\xe2\x80\xa9", 0, 0, "\xe2\x80\xa8|\xe2\x80\xa9", "\"\\u2028|\\u2029\"",
     "'\xe2\x80\xa8|\xe2\x80\xa9'", "'\xe2\x80\xa8|\xe2\x80\xa9'"},
};

Test(csv, strings)
{
    struct fount_column col = {.name = "s", .type = FV_STRING, .max_len = -1, .nullable = 1};
    struct fount_relation rel = {.name = "t", .ncols = 1, .cols = &col};
    struct fount_value v;
    char want[256], *got;
    size_t i;

    for (i = 0; i < NELEM(STR_CASES); i++) {
        const struct str_case *c = &STR_CASES[i];
        size_t wl = c->len ? c->len : strlen(c->csv); /* "a\0b" holds a NUL */

        v = c->null ? vnull() : vstrn(c->s, c->len ? c->len : strlen(c->s));
        got = encode(FMT_CSV, DIALECT_SQLITE, &rel, 0, 1, &v);
        memcpy(want, c->csv, wl);
        want[wl] = '\n';
        cr_expect(memcmp(got, want, wl + 1) == 0 && got[wl + 1] == '\0',
                  "case %zu: csv got [%s]", i, got);
        free(got);
    }
}

Test(jsonl, strings)
{
    struct fount_column col = {.name = "s", .type = FV_STRING, .max_len = -1, .nullable = 1};
    struct fount_relation rel = {.name = "t", .ncols = 1, .cols = &col};
    struct fount_value v;
    char want[256], *got;
    size_t i;

    for (i = 0; i < NELEM(STR_CASES); i++) {
        const struct str_case *c = &STR_CASES[i];

        v = c->null ? vnull() : vstrn(c->s, c->len ? c->len : strlen(c->s));
        got = encode(FMT_JSONL, DIALECT_SQLITE, &rel, 0, 1, &v);
        snprintf(want, sizeof want, "{\"s\":%s}\n", c->json);
        cr_expect_str_eq(got, want, "case %zu", i);
        free(got);
    }
}

Test(sql, strings)
{
    struct fount_column col = {.name = "s", .type = FV_STRING, .max_len = -1, .nullable = 1};
    struct fount_relation rel = {.name = "t", .ncols = 1, .cols = &col};
    struct fount_value v;
    char want[256], *got;
    size_t i;

    for (i = 0; i < NELEM(STR_CASES); i++) {
        const struct str_case *c = &STR_CASES[i];
        size_t n;

        v = c->null ? vnull() : vstrn(c->s, c->len ? c->len : strlen(c->s));
        got = encode(FMT_SQL, DIALECT_SQLITE, &rel, 0, 1, &v);
        snprintf(want, sizeof want, "INSERT INTO \"t\" (\"s\") VALUES\n(%s);\n", c->sqlite);
        cr_expect_str_eq(got, want, "case %zu (sqlite)", i);
        free(got);
        got = encode(FMT_SQL, DIALECT_POSTGRES, &rel, 0, 1, &v);
        cr_expect_str_eq(got, want, "case %zu (postgres)", i);
        free(got);
        /* mysql: compare bytes, the expected text may hold "\0" as two characters */
        got = encode(FMT_SQL, DIALECT_MYSQL, &rel, 0, 1, &v);
        n = (size_t)snprintf(want, sizeof want, "INSERT INTO `t` (`s`) VALUES\n(%s);\n", c->mysql);
        cr_expect(strlen(got) == n && memcmp(got, want, n) == 0, "case %zu (mysql): [%s]", i, got);
        free(got);
    }
}

/* Invalid UTF-8 becomes U+FFFD, one per maximal ill-formed subpart, so each line stays JSON. */
Test(jsonl, invalid_utf8)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"\xff", "\\ufffd"},
        {"a\xc3", "a\\ufffd"},                       /* truncated at the end */
        {"\xc3(", "\\ufffd("},                        /* bad continuation */
        {"\xc0\xaf", "\\ufffd\\ufffd"},               /* overlong '/' */
        {"\xe0\x80\xaf", "\\ufffd\\ufffd\\ufffd"},    /* overlong, three bytes */
        {"\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd"},    /* UTF-16 surrogate */
        {"\xe6\x97" "x", "\\ufffdx"},                 /* 2 of 3 bytes: one replacement */
        {"\xf0\x9f\x98" "x", "\\ufffdx"},             /* 3 of 4 bytes */
        {"\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd"}, /* past U+10FFFF */
        {"\xf5\x80", "\\ufffd\\ufffd"},
        {"\x80" "ok", "\\ufffdok"},                   /* lone continuation */
        {"\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"},     /* U+10FFFF itself is fine */
        {"\xef\xbf\xbd", "\xef\xbf\xbd"},             /* a real U+FFFD passes through */
    };
    struct fount_column col = {.name = "s", .type = FV_STRING, .max_len = -1};
    struct fount_relation rel = {.name = "t", .ncols = 1, .cols = &col};
    struct fount_value v;
    char want[256], *got;
    size_t i;

    for (i = 0; i < NELEM(cases); i++) {
        v = vstr(cases[i].in);
        got = encode(FMT_JSONL, DIALECT_SQLITE, &rel, 0, 1, &v);
        snprintf(want, sizeof want, "{\"s\":\"%s\"}\n", cases[i].want);
        cr_expect_str_eq(got, want, "case %zu", i);
        free(got);
    }
}

/* ---------------------------------------------------------------- every type */

static const uint8_t UUID1[16] = {0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3,
                                  0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00};
static const uint8_t UUID0[16] = {0};

static const struct fount_column ORDER_COLS[] = {
    {.name = "id", .type = FV_INT},
    {.name = "name", .type = FV_STRING, .max_len = -1},
    {.name = "price", .type = FV_DECIMAL, .precision = 10, .scale = 2},
    {.name = "ok", .type = FV_BOOL},
    {.name = "x", .type = FV_DOUBLE, .decimals = 2, .nullable = 1},
    {.name = "ts", .type = FV_TIMESTAMP, .ts_digits = 3},
    {.name = "day", .type = FV_DATE},
    {.name = "u", .type = FV_UUID},
    {.name = "r", .type = FV_DOUBLE, .decimals = -1},
};
static const struct fount_relation ORDERS = {
    .name = "orders", .ncols = NELEM(ORDER_COLS), .cols = ORDER_COLS, .rows = 2};

static void order_rows(struct fount_value *v)
{
    v[0] = vint(1);
    v[1] = vstr("x");
    v[2] = vtyped(FV_DECIMAL, 1250);
    v[3] = vtyped(FV_BOOL, 1);
    v[4] = vnull();
    v[5] = vtyped(FV_TIMESTAMP, 1772368496123456);
    v[6] = vtyped(FV_DATE, 20513);
    v[7] = vuuid(UUID1);
    v[8] = vdbl(0.1);
    v[9] = vint(-2);
    v[10] = vstr("O'Brien, \"Jr\"");
    v[11] = vtyped(FV_DECIMAL, -5);
    v[12] = vtyped(FV_BOOL, 0);
    v[13] = vdbl(2.5);
    v[14] = vtyped(FV_TIMESTAMP, 0);
    v[15] = vtyped(FV_DATE, -1);
    v[16] = vuuid(UUID0);
    v[17] = vdbl(1e20);
}

Test(encode, every_type_every_format)
{
    static const struct {
        enum fount_format f;
        enum fount_dialect d;
        const char *want;
    } cases[] = {
        {FMT_CSV, DIALECT_SQLITE,
         "1,x,12.50,true,,2026-03-01T12:34:56.123Z,2026-03-01,"
         "123e4567-e89b-12d3-a456-426614174000,0.1\n"
         "-2,\"O'Brien, \"\"Jr\"\"\",-0.05,false,2.50,1970-01-01T00:00:00.000Z,1969-12-31,"
         "00000000-0000-0000-0000-000000000000,1e+20\n"},
        {FMT_JSONL, DIALECT_SQLITE,
         "{\"id\":1,\"name\":\"x\",\"price\":12.50,\"ok\":true,\"x\":null,"
         "\"ts\":\"2026-03-01T12:34:56.123Z\",\"day\":\"2026-03-01\","
         "\"u\":\"123e4567-e89b-12d3-a456-426614174000\",\"r\":0.1}\n"
         "{\"id\":-2,\"name\":\"O'Brien, \\\"Jr\\\"\",\"price\":-0.05,\"ok\":false,\"x\":2.50,"
         "\"ts\":\"1970-01-01T00:00:00.000Z\",\"day\":\"1969-12-31\","
         "\"u\":\"00000000-0000-0000-0000-000000000000\",\"r\":1e+20}\n"},
        {FMT_SQL, DIALECT_SQLITE,
         "INSERT INTO \"orders\" (\"id\",\"name\",\"price\",\"ok\",\"x\",\"ts\",\"day\",\"u\",\"r\")"
         " VALUES\n"
         "(1,'x',12.50,1,NULL,'2026-03-01T12:34:56.123Z','2026-03-01',"
         "'123e4567-e89b-12d3-a456-426614174000',0.1),\n"
         "(-2,'O''Brien, \"Jr\"',-0.05,0,2.50,'1970-01-01T00:00:00.000Z','1969-12-31',"
         "'00000000-0000-0000-0000-000000000000',1e+20);\n"},
        {FMT_SQL, DIALECT_POSTGRES,
         "INSERT INTO \"orders\" (\"id\",\"name\",\"price\",\"ok\",\"x\",\"ts\",\"day\",\"u\",\"r\")"
         " VALUES\n"
         "(1,'x',12.50,TRUE,NULL,'2026-03-01T12:34:56.123Z','2026-03-01',"
         "'123e4567-e89b-12d3-a456-426614174000',0.1),\n"
         "(-2,'O''Brien, \"Jr\"',-0.05,FALSE,2.50,'1970-01-01T00:00:00.000Z','1969-12-31',"
         "'00000000-0000-0000-0000-000000000000',1e+20);\n"},
        {FMT_SQL, DIALECT_MYSQL,
         "INSERT INTO `orders` (`id`,`name`,`price`,`ok`,`x`,`ts`,`day`,`u`,`r`) VALUES\n"
         "(1,'x',12.50,1,NULL,'2026-03-01 12:34:56.123','2026-03-01',"
         "'123e4567-e89b-12d3-a456-426614174000',0.1),\n"
         "(-2,'O''Brien, \"Jr\"',-0.05,0,2.50,'1970-01-01 00:00:00.000','1969-12-31',"
         "'00000000-0000-0000-0000-000000000000',1e+20);\n"},
    };
    struct fount_value v[2 * NELEM(ORDER_COLS)];
    size_t i;
    char *got;

    order_rows(v);
    for (i = 0; i < NELEM(cases); i++) {
        got = encode(cases[i].f, cases[i].d, &ORDERS, 0, 2, v);
        cr_expect_str_eq(got, cases[i].want, "case %zu (%s)", i, format_name(cases[i].f));
        free(got);
    }
}

/* Non-finite doubles never come from generators, but must not break JSON or SQL if they do. */
Test(encode, non_finite_double_is_null)
{
    static const struct {
        enum fount_format f;
        const char *want;
    } cases[] = {
        {FMT_CSV, ",\n"},
        {FMT_JSONL, "{\"a\":null,\"b\":null}\n"},
        {FMT_SQL, "INSERT INTO \"t\" (\"a\",\"b\") VALUES\n(NULL,NULL);\n"},
    };
    struct fount_column cols[2] = {{.name = "a", .type = FV_DOUBLE, .decimals = 2},
                                   {.name = "b", .type = FV_DOUBLE, .decimals = -1}};
    struct fount_relation rel = {.name = "t", .ncols = 2, .cols = cols};
    struct fount_value v[2];
    size_t i;
    char *got;

    v[0] = vdbl(NAN);
    v[1] = vdbl(-INFINITY);
    for (i = 0; i < NELEM(cases); i++) {
        got = encode(cases[i].f, DIALECT_SQLITE, &rel, 0, 1, v);
        cr_expect_str_eq(got, cases[i].want, "case %zu", i);
        free(got);
    }
}

Test(encode, header)
{
    static const struct {
        enum fount_format f;
        const char *want;
    } cases[] = {
        {FMT_CSV, "id,\"we,ird\",\"quo\"\"te\",\" sp\",caf\xc3\xa9\n"},
        {FMT_JSONL, ""},
        {FMT_SQL, ""},
    };
    struct fount_column cols[] = {{.name = "id"}, {.name = "we,ird"}, {.name = "quo\"te"},
                                  {.name = " sp"}, {.name = "caf\xc3\xa9"}};
    struct fount_relation rel = {.name = "t", .ncols = NELEM(cols), .cols = cols};
    struct fount_encoder e = {.dialect = DIALECT_SQLITE};
    struct buf out;
    size_t i;

    for (i = 0; i < NELEM(cases); i++) {
        buf_init(&out, 4096);
        e.format = cases[i].f;
        cr_assert_eq(encode_header(&e, &rel, &out), 0);
        cr_expect_eq(out.len, strlen(cases[i].want), "case %zu", i);
        cr_expect(out.len == 0 || memcmp(out.data, cases[i].want, out.len) == 0, "case %zu", i);
        buf_free(&out);
    }
}

Test(jsonl, keys_are_escaped)
{
    struct fount_column cols[] = {{.name = "a\"b", .type = FV_INT},
                                  {.name = "caf\xc3\xa9", .type = FV_INT},
                                  {.name = "new\nline", .type = FV_INT}};
    struct fount_relation rel = {.name = "t", .ncols = NELEM(cols), .cols = cols};
    struct fount_value v[6];
    char *got;

    v[0] = vint(1);
    v[1] = vint(2);
    v[2] = vint(3);
    v[3] = vint(4);
    v[4] = vint(5);
    v[5] = vint(6);
    got = encode(FMT_JSONL, DIALECT_SQLITE, &rel, 0, 2, v);
    cr_expect_str_eq(got, "{\"a\\\"b\":1,\"caf\xc3\xa9\":2,\"new\\nline\":3}\n"
                          "{\"a\\\"b\":4,\"caf\xc3\xa9\":5,\"new\\nline\":6}\n");
    free(got);
}

/* encode_json_objects (Kafka's values): the JSON Lines rows without their newlines, and where
 * each ends. The key prefixes are copied 16 bytes at a time when they fit: names whose prefix
 * ({"name": or ,"name":) is shorter than, exactly, and longer than 16 bytes. */
Test(jsonl, objects_and_their_ends)
{
    struct fount_column cols[] = {{.name = "id", .type = FV_INT},
                                  {.name = "twelve_chars", .type = FV_STRING}, /* ,"...": 16 */
                                  {.name = "a_rather_longer_column_name", .type = FV_INT},
                                  {.name = "q\"", .type = FV_STRING}};
    struct fount_relation rel = {.name = "t", .ncols = NELEM(cols), .cols = cols};
    struct fount_value v[12];
    struct fount_batch b = {.rel = &rel, .nrows = 3, .vals = v};
    struct buf out;
    uint32_t ends[3];
    char *lines;
    size_t i, start = 0, at = 0;

    for (i = 0; i < 3; i++) {
        v[i * 4] = vint((int64_t)i * 1000);
        v[i * 4 + 1] = vstr(i == 1 ? "" : "x\"y");
        v[i * 4 + 2] = vint(-(int64_t)i);
        v[i * 4 + 3] = i == 2 ? vnull() : vstr("caf\xc3\xa9");
    }
    lines = encode(FMT_JSONL, DIALECT_SQLITE, &rel, 0, 3, v);
    buf_init(&out, 1 << 20);
    buf_append(&out, "ab", 2); /* ends count from where the rows begin */
    cr_assert_eq(encode_json_objects(&b, &out, ends), 0);
    for (i = 0; i < 3; i++) {
        const char *nl = strchr(lines + at, '\n');
        cr_assert(nl);
        cr_expect_eq(ends[i] - start, (size_t)(nl - (lines + at)), "row %zu", i);
        cr_expect_eq(memcmp(out.data + 2 + start, lines + at, ends[i] - start), 0, "row %zu", i);
        start = ends[i];
        at = (size_t)(nl - lines) + 1;
    }
    cr_expect_eq(out.len, 2 + (size_t)ends[2]);
    /* rows with faults are not Kafka's fast case: refused, out unchanged */
    uint8_t flags[3] = {0};
    b.row_flags = flags;
    cr_expect_eq(encode_json_objects(&b, &out, ends), -1);
    cr_expect_eq(out.len, 2 + (size_t)ends[2]);
    buf_free(&out);
    free(lines);
}

/* ---------------------------------------------------------------- SQL statements */

#define INS "INSERT INTO \"t\" (\"n\") VALUES\n"

Test(sql, statement_boundaries)
{
    static const struct {
        uint64_t first_row;
        size_t nrows;
        const char *want;
    } cases[] = {
        {0, 1, INS "(0);\n"},
        {0, 3, INS "(0),\n(1),\n(2);\n"},
        {498, 4, INS "(498),\n(499);\n" INS "(500),\n(501);\n"},
        {499, 1, INS "(499);\n"},
        {499, 2, INS "(499);\n" INS "(500);\n"},
        {500, 2, INS "(500),\n(501);\n"},
        {7, 2, INS "(7),\n(8);\n"},      /* a batch always opens a statement */
        {1499, 3, INS "(1499);\n" INS "(1500),\n(1501);\n"},
    };
    struct fount_column col = {.name = "n", .type = FV_INT};
    struct fount_relation rel = {.name = "t", .ncols = 1, .cols = &col};
    struct fount_value v[8];
    size_t i, j;
    char *got;

    for (i = 0; i < NELEM(cases); i++) {
        for (j = 0; j < cases[i].nrows; j++)
            v[j] = vint((int64_t)(cases[i].first_row + j));
        got = encode(FMT_SQL, DIALECT_SQLITE, &rel, cases[i].first_row, cases[i].nrows, v);
        cr_expect_str_eq(got, cases[i].want, "case %zu", i);
        free(got);
    }
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;

    for (s = strstr(s, needle); s; s = strstr(s + 1, needle))
        n++;
    return n;
}

/* Shards concatenate: rows 0..1200 in one batch equal three batches cut at arbitrary rows,
 * as long as the cuts fall on multiples of FORMAT_SQL_ROWS; and counts add up otherwise. */
Test(sql, large_batches)
{
    static const struct {
        uint64_t first_row;
        size_t nrows, statements;
    } cases[] = {
        {0, 1201, 3},
        {0, 500, 1},
        {0, 501, 2},
        {1, 500, 2},
        {250, 1000, 3},
    };
    struct fount_column col = {.name = "n", .type = FV_INT};
    struct fount_relation rel = {.name = "t", .ncols = 1, .cols = &col};
    struct fount_value *v = xmalloc(1201 * sizeof *v);
    char *whole, *a, *b, *cat;
    size_t i, j;

    for (i = 0; i < NELEM(cases); i++) {
        for (j = 0; j < cases[i].nrows; j++)
            v[j] = vint((int64_t)(cases[i].first_row + j));
        whole = encode(FMT_SQL, DIALECT_SQLITE, &rel, cases[i].first_row, cases[i].nrows, v);
        cr_expect_eq(count(whole, "INSERT INTO"), cases[i].statements, "case %zu", i);
        cr_expect_eq(count(whole, ";\n"), cases[i].statements, "case %zu", i);
        cr_expect_eq(count(whole, "\n("), cases[i].nrows, "case %zu", i);
        free(whole);
    }
    for (j = 0; j < 1201; j++)
        v[j] = vint((int64_t)j);
    whole = encode(FMT_SQL, DIALECT_MYSQL, &rel, 0, 1201, v);
    a = encode(FMT_SQL, DIALECT_MYSQL, &rel, 0, 500, v);
    b = encode(FMT_SQL, DIALECT_MYSQL, &rel, 500, 701, v + 500);
    cat = xmalloc(strlen(a) + strlen(b) + 1);
    strcpy(cat, a);
    strcat(cat, b);
    cr_expect_str_eq(cat, whole);
    free(whole);
    free(a);
    free(b);
    free(cat);
    free(v);
}

Test(sql, quote_functions)
{
    static const struct {
        enum fount_dialect d;
        int ident;
        const char *in;
        size_t len;
        const char *want;
    } cases[] = {
        {DIALECT_SQLITE, 1, "orders", 0, "\"orders\""},
        {DIALECT_POSTGRES, 1, "we\"ird", 0, "\"we\"\"ird\""},
        {DIALECT_MYSQL, 1, "we\"ird", 0, "`we\"ird`"},
        {DIALECT_MYSQL, 1, "we`ird", 0, "`we``ird`"},
        {DIALECT_SQLITE, 1, "we`ird", 0, "\"we`ird\""},
        {DIALECT_SQLITE, 1, "", 0, "\"\""},
        {DIALECT_SQLITE, 0, "O'Brien", 0, "'O''Brien'"},
        {DIALECT_POSTGRES, 0, "a\\b", 0, "'a\\b'"},
        {DIALECT_MYSQL, 0, "a\\b", 0, "'a\\\\b'"},
        {DIALECT_MYSQL, 0, "a\0b", 3, "'a\\0b'"},
        {DIALECT_POSTGRES, 0, "a\0b", 3, "'ab'"},
        {DIALECT_MYSQL, 0, "''", 0, "''''''"},
        {DIALECT_SQLITE, 0, "", 0, "''"},
    };
    struct buf out;
    size_t i;

    for (i = 0; i < NELEM(cases); i++) {
        buf_init(&out, 256);
        if (cases[i].ident)
            cr_assert_eq(sql_quote_ident(cases[i].d, cases[i].in, &out), 0);
        else
            cr_assert_eq(sql_quote_string(cases[i].d, cases[i].in,
                                          cases[i].len ? cases[i].len : strlen(cases[i].in), &out),
                         0);
        cr_expect(out.len == strlen(cases[i].want) && memcmp(out.data, cases[i].want, out.len) == 0,
                  "case %zu: [%.*s]", i, (int)out.len, out.data);
        buf_free(&out);
    }
}

/* On a full buffer the batch is refused whole: nothing half-written stays behind. */
Test(encode, cap_is_atomic)
{
    static const enum fount_format fmts[] = {FMT_CSV, FMT_JSONL, FMT_SQL};
    struct fount_value v[2 * NELEM(ORDER_COLS)];
    struct fount_batch b = {.rel = &ORDERS, .first_row = 0, .nrows = 2, .vals = v};
    struct fount_encoder e = {.dialect = DIALECT_POSTGRES};
    struct buf out;
    size_t i;

    order_rows(v);
    for (i = 0; i < NELEM(fmts); i++) {
        e.format = fmts[i];
        buf_init(&out, 200);
        cr_assert_eq(buf_puts(&out, "abc"), 0);
        cr_expect_eq(encode_batch(&e, &b, &out), -1, "case %zu", i);
        cr_expect_eq(out.len, 3, "case %zu", i);
        buf_free(&out);
        buf_init(&out, 1 << 16);
        cr_expect_eq(encode_batch(&e, &b, &out), 0, "case %zu", i);
        buf_free(&out);
    }
}

/* ---------------------------------------------------------------- names, schema */

Test(names, lookups)
{
    static const struct {
        const char *name;
        int format, dialect;
    } cases[] = {
        {"csv", FMT_CSV, -1},       {"CSV", FMT_CSV, -1},        {"jsonl", FMT_JSONL, -1},
        {"json", FMT_JSONL, -1},    {"ndjson", FMT_JSONL, -1},   {"sql", FMT_SQL, -1},
        {"sqlite", -1, DIALECT_SQLITE}, {"sqlite3", -1, DIALECT_SQLITE},
        {"postgres", -1, DIALECT_POSTGRES}, {"postgresql", -1, DIALECT_POSTGRES},
        {"pg", -1, DIALECT_POSTGRES}, {"mysql", -1, DIALECT_MYSQL}, {"MariaDB", -1, DIALECT_MYSQL},
        {"", -1, -1},               {"csvx", -1, -1},            {"xml", -1, -1},
        {"sq", -1, -1},             {NULL, -1, -1},
    };
    size_t i;

    for (i = 0; i < NELEM(cases); i++) {
        cr_expect_eq(format_from_name(cases[i].name), cases[i].format, "format \"%s\"",
                     cases[i].name ? cases[i].name : "(null)");
        cr_expect_eq(dialect_from_name(cases[i].name), cases[i].dialect, "dialect \"%s\"",
                     cases[i].name ? cases[i].name : "(null)");
    }
    cr_expect_str_eq(format_name(FMT_JSONL), "jsonl");
    cr_expect_str_eq(format_extension(FMT_CSV), "csv");
    cr_expect_str_eq(format_extension(FMT_SQL), "sql");
}

Test(schema, types)
{
    static const struct {
        struct fount_column c;
        const char *sqlite, *pg, *mysql;
    } cases[] = {
        {{.type = FV_INT}, "INTEGER", "BIGINT", "BIGINT"},
        {{.type = FV_DOUBLE}, "REAL", "DOUBLE PRECISION", "DOUBLE"},
        {{.type = FV_DECIMAL, .precision = 12, .scale = 2}, "NUMERIC(12,2)", "NUMERIC(12,2)",
         "DECIMAL(12,2)"},
        {{.type = FV_DECIMAL, .scale = 4}, "NUMERIC(19,4)", "NUMERIC(19,4)", "DECIMAL(19,4)"},
        {{.type = FV_BOOL}, "INTEGER", "BOOLEAN", "BOOLEAN"},
        {{.type = FV_STRING, .max_len = -1}, "TEXT", "TEXT", "TEXT"},
        {{.type = FV_STRING, .max_len = 40}, "TEXT", "TEXT", "VARCHAR(40)"},
        {{.type = FV_STRING, .max_len = 1024}, "TEXT", "TEXT", "VARCHAR(1024)"},
        {{.type = FV_STRING, .max_len = 1025}, "TEXT", "TEXT", "TEXT"},
        {{.type = FV_STRING, .max_len = -1, .unique = 1}, "TEXT", "TEXT", "VARCHAR(255)"},
        {{.type = FV_STRING, .max_len = 0, .primary_key = 1}, "TEXT", "TEXT", "VARCHAR(255)"},
        {{.type = FV_STRING, .max_len = -1, .ref_table = "c"}, "TEXT", "TEXT", "VARCHAR(255)"},
        {{.type = FV_STRING, .max_len = 2000, .unique = 1}, "TEXT", "TEXT", "VARCHAR(2000)"},
        {{.type = FV_TIMESTAMP, .ts_digits = 0}, "TIMESTAMP", "TIMESTAMP(0)", "DATETIME"},
        {{.type = FV_TIMESTAMP, .ts_digits = 3}, "TIMESTAMP", "TIMESTAMP(3)", "DATETIME(3)"},
        {{.type = FV_TIMESTAMP, .ts_digits = 6}, "TIMESTAMP", "TIMESTAMP(6)", "DATETIME(6)"},
        {{.type = FV_DATE}, "DATE", "DATE", "DATE"},
        {{.type = FV_UUID}, "TEXT", "UUID", "CHAR(36)"},
    };
    char tmp[32];
    size_t i;

    for (i = 0; i < NELEM(cases); i++) {
        cr_expect_str_eq(schema_type(DIALECT_SQLITE, &cases[i].c, tmp, sizeof tmp), cases[i].sqlite,
                         "case %zu", i);
        cr_expect_str_eq(schema_type(DIALECT_POSTGRES, &cases[i].c, tmp, sizeof tmp), cases[i].pg,
                         "case %zu", i);
        cr_expect_str_eq(schema_type(DIALECT_MYSQL, &cases[i].c, tmp, sizeof tmp), cases[i].mysql,
                         "case %zu", i);
    }
}

static const struct fount_column SCHEMA_COLS[] = {
    {.name = "id", .type = FV_INT, .primary_key = 1, .unique = 1},
    {.name = "customer_id", .type = FV_INT, .ref_table = "customers", .ref_column = "id"},
    {.name = "code", .type = FV_STRING, .max_len = -1, .unique = 1},
    {.name = "note", .type = FV_STRING, .max_len = 200, .nullable = 1},
    {.name = "total", .type = FV_DECIMAL, .precision = 12, .scale = 2},
    {.name = "paid", .type = FV_BOOL},
    {.name = "created", .type = FV_TIMESTAMP, .ts_digits = 3},
    {.name = "day", .type = FV_DATE, .nullable = 1},
    {.name = "token", .type = FV_UUID, .unique = 1},
    {.name = "score", .type = FV_DOUBLE, .nullable = 1, .decimals = -1},
};
static const struct fount_relation SCHEMA_REL = {
    .name = "orders", .ncols = NELEM(SCHEMA_COLS), .cols = SCHEMA_COLS, .rows = 10};

static const struct fount_column LINE_COLS[] = {
    {.name = "order_id", .type = FV_INT, .primary_key = 1, .ref_table = "orders"},
    {.name = "n", .type = FV_INT, .primary_key = 1},
    {.name = "sku", .type = FV_STRING, .max_len = 12, .nullable = 1},
};
static const struct fount_relation LINE_REL = {
    .name = "line", .ncols = NELEM(LINE_COLS), .cols = LINE_COLS, .rows = 10};

Test(schema, create_table)
{
    static const struct {
        enum fount_dialect d;
        const struct fount_relation *rel;
        const char *want;
    } cases[] = {
        {DIALECT_SQLITE, &SCHEMA_REL,
         "CREATE TABLE \"orders\" (\n"
         "  \"id\" INTEGER NOT NULL PRIMARY KEY,\n"
         "  \"customer_id\" INTEGER NOT NULL,\n"
         "  \"code\" TEXT NOT NULL UNIQUE,\n"
         "  \"note\" TEXT,\n"
         "  \"total\" NUMERIC(12,2) NOT NULL,\n"
         "  \"paid\" INTEGER NOT NULL,\n"
         "  \"created\" TIMESTAMP NOT NULL,\n"
         "  \"day\" DATE,\n"
         "  \"token\" TEXT NOT NULL UNIQUE,\n"
         "  \"score\" REAL,\n"
         "  FOREIGN KEY (\"customer_id\") REFERENCES \"customers\" (\"id\")\n"
         ");\n"},
        {DIALECT_POSTGRES, &SCHEMA_REL,
         "CREATE TABLE \"orders\" (\n"
         "  \"id\" BIGINT NOT NULL PRIMARY KEY,\n"
         "  \"customer_id\" BIGINT NOT NULL,\n"
         "  \"code\" TEXT NOT NULL UNIQUE,\n"
         "  \"note\" TEXT,\n"
         "  \"total\" NUMERIC(12,2) NOT NULL,\n"
         "  \"paid\" BOOLEAN NOT NULL,\n"
         "  \"created\" TIMESTAMP(3) NOT NULL,\n"
         "  \"day\" DATE,\n"
         "  \"token\" UUID NOT NULL UNIQUE,\n"
         "  \"score\" DOUBLE PRECISION,\n"
         "  FOREIGN KEY (\"customer_id\") REFERENCES \"customers\" (\"id\")\n"
         ");\n"},
        {DIALECT_MYSQL, &SCHEMA_REL,
         "CREATE TABLE `orders` (\n"
         "  `id` BIGINT NOT NULL PRIMARY KEY,\n"
         "  `customer_id` BIGINT NOT NULL,\n"
         "  `code` VARCHAR(255) NOT NULL UNIQUE,\n"
         "  `note` VARCHAR(200),\n"
         "  `total` DECIMAL(12,2) NOT NULL,\n"
         "  `paid` BOOLEAN NOT NULL,\n"
         "  `created` DATETIME(3) NOT NULL,\n"
         "  `day` DATE,\n"
         "  `token` CHAR(36) NOT NULL UNIQUE,\n"
         "  `score` DOUBLE,\n"
         "  FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`)\n"
         ");\n"},
        {DIALECT_SQLITE, &LINE_REL,
         "CREATE TABLE \"line\" (\n"
         "  \"order_id\" INTEGER NOT NULL,\n"
         "  \"n\" INTEGER NOT NULL,\n"
         "  \"sku\" TEXT,\n"
         "  PRIMARY KEY (\"order_id\",\"n\"),\n"
         "  FOREIGN KEY (\"order_id\") REFERENCES \"orders\"\n"
         ");\n"},
        {DIALECT_POSTGRES, &LINE_REL,
         "CREATE TABLE \"line\" (\n"
         "  \"order_id\" BIGINT NOT NULL,\n"
         "  \"n\" BIGINT NOT NULL,\n"
         "  \"sku\" TEXT,\n"
         "  PRIMARY KEY (\"order_id\",\"n\"),\n"
         "  FOREIGN KEY (\"order_id\") REFERENCES \"orders\"\n"
         ");\n"},
    };
    struct buf out;
    size_t i;

    for (i = 0; i < NELEM(cases); i++) {
        buf_init(&out, 1 << 16);
        cr_assert_eq(schema_create_table(cases[i].d, cases[i].rel, &out), 0);
        cr_assert_eq(buf_append(&out, "", 1), 0);
        cr_expect_str_eq(out.data, cases[i].want, "case %zu", i);
        buf_free(&out);
    }
}

/* ---------------------------------------------------------------- unanswered commits */

Test(schema, landed_probe)
{
    static const struct fount_column pk_int[] = {
        {.name = "id", .type = FV_INT, .primary_key = 1}, {.name = "v", .type = FV_STRING}};
    static const struct fount_column two_pk[] = {
        {.name = "a", .type = FV_INT, .primary_key = 1},
        {.name = "b", .type = FV_INT, .primary_key = 1},
        {.name = "email", .type = FV_STRING, .unique = 1}};
    static const struct fount_column unique_ts[] = {
        {.name = "at", .type = FV_TIMESTAMP, .unique = 1},
        {.name = "n", .type = FV_INT, .unique = 1, .nullable = 1}};
    struct fount_relation r1 = {.name = "orders", .ncols = 2, .cols = pk_int};
    struct fount_relation r2 = {.name = "o'k", .ncols = 3, .cols = two_pk};
    struct fount_relation r3 = {.name = "ev", .ncols = 2, .cols = unique_ts};
    struct fount_value v1[] = {vint(4097), vstr("x"), vint(4098), vstr("y")};
    struct fount_value v2[] = {vint(1), vint(2), vstr("O'Brien@x")};
    struct fount_value v3[] = {vtyped(FV_TIMESTAMP, 0), vint(3)};
    struct fount_batch b1 = {.rel = &r1, .nrows = 2, .vals = v1};
    struct fount_batch b2 = {.rel = &r2, .nrows = 1, .vals = v2};
    struct fount_batch b3 = {.rel = &r3, .nrows = 1, .vals = v3};
    const struct {
        const struct fount_batch *b;
        enum fount_dialect d;
        int key;
        const char *sql;
    } cases[] = {
        {&b1, DIALECT_POSTGRES, 0, "SELECT COUNT(*) FROM \"orders\" WHERE \"id\" = '4097'"},
        {&b1, DIALECT_MYSQL, 0, "SELECT COUNT(*) FROM `orders` WHERE `id` = '4097'"},
        /* two primary key columns: the NOT NULL unique column tells instead */
        {&b2, DIALECT_MYSQL, 2, "SELECT COUNT(*) FROM `o'k` WHERE `email` = 'O''Brien@x'"},
        /* a timestamp, and a nullable column: neither tells; the whole table is counted */
        {&b3, DIALECT_POSTGRES, -1, "SELECT COUNT(*) FROM \"ev\""},
    };
    size_t i;

    for (i = 0; i < NELEM(cases); i++) {
        struct buf out;
        buf_init(&out, 1024);
        cr_expect_eq(schema_key_col(cases[i].b->rel), cases[i].key, "case %zu", i);
        cr_assert_eq(schema_landed_sql(cases[i].d, cases[i].b, &out), 0);
        cr_expect_eq(out.len, strlen(cases[i].sql), "case %zu: %.*s", i, (int)out.len, out.data);
        cr_expect_eq(memcmp(out.data, cases[i].sql, out.len), 0, "case %zu: %.*s", i,
                     (int)out.len, out.data);
        buf_free(&out);
    }
}

Test(schema, landed_answer)
{
    static const struct fount_column pk_int[] = {{.name = "id", .type = FV_INT, .primary_key = 1}};
    static const struct fount_column none[] = {{.name = "v", .type = FV_DOUBLE}};
    struct fount_relation keyed = {.name = "k", .ncols = 1, .cols = pk_int};
    struct fount_relation bare = {.name = "b", .ncols = 1, .cols = none};
    struct fount_value vals[] = {vint(1), vint(2), vint(3)};
    struct fount_batch bk = {.rel = &keyed, .nrows = 3, .vals = vals};
    struct fount_batch bb = {.rel = &bare, .nrows = 3, .vals = vals};
    struct fount_err err = {0};
    static const struct {
        int keyed;
        uint64_t count, held;
        int want;
    } cases[] = {
        {1, 1, 100, 1},  /* the first key is there: the whole batch is (one transaction) */
        {1, 0, 100, 0},
        {0, 103, 100, 1}, /* without a key: the count before plus the batch */
        {0, 100, 100, 0},
        {0, 101, 100, -1}, /* neither: somebody else writes to the table */
    };
    size_t i;

    for (i = 0; i < NELEM(cases); i++)
        cr_expect_eq(schema_landed(cases[i].keyed ? &bk : &bb, cases[i].count, cases[i].held, &err),
                     cases[i].want, "case %zu", i);
    cr_expect(strstr(err.msg, "b now holds 101 rows where 100 or 103 were expected") != NULL, "%s",
              err.msg);
}

/* ---------------------------------------------------------------- existing tables, --replace */

static int exists_b(void *ctx, const char *table, struct fount_err *err)
{
    (void)ctx;
    (void)err;
    return strcmp(table, "b") == 0 || strcmp(table, "c") == 0;
}

Test(schema, existing_and_drop)
{
    static const struct fount_column col[] = {{.name = "id", .type = FV_INT}};
    struct fount_relation a = {.name = "a", .ncols = 1, .cols = col};
    struct fount_relation b = {.name = "b", .ncols = 1, .cols = col};
    struct fount_relation c = {.name = "c", .ncols = 1, .cols = col};
    const struct fount_relation *rels[] = {&a, &b, &c}; /* parents first */
    unsigned char created[3];
    struct fount_err err = {0};
    struct buf out;

    buf_init(&out, 1024);
    cr_assert_eq(schema_existing(rels, 3, 0, exists_b, NULL, created, &out, &err), 2);
    cr_expect_str_eq(out.data, "b, c");
    cr_expect(created[0] && !created[1] && !created[2]);
    buf_reset(&out);
    cr_assert_eq(schema_existing(rels, 3, 1, exists_b, NULL, created, &out, &err), 2);
    cr_expect(created[0] && created[1] && created[2], "--replace recreates them all");
    buf_reset(&out);
    cr_assert_eq(schema_drop_tables(DIALECT_MYSQL, rels, 3, &out), 0);
    cr_expect_str_eq(out.data, "DROP TABLE IF EXISTS `c`, `b`, `a`");
    buf_free(&out);
}
