/* test_pgsql_encode.c: the text the database sinks stream, without a server: PostgreSQL's COPY
 * text format (sinks/pgsql.c) and MySQL's LOAD DATA default format (sinks/mysql.c), through each
 * sink type's encode() on hand-built batches compared with exact expected text. A zeroed ctx
 * selects text (COPY BINARY needs an open sink; tests/e2e/pgsql.bats checks that it stores the
 * same values as text, column type by column type). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sink.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

extern const struct fount_sink_type postgres_sink_type;
extern const struct fount_sink_type mysql_sink_type;

/* Encodes one row of one column with a sink type into a string (freed by caller). A zeroed ctx
 * is what the encoders read: the mysql sink's default method (infile) is 0. */
static char *encode1(const struct fount_sink_type *t, const struct fount_column *col,
                     const struct fount_value *v, size_t *len)
{
    struct fount_relation rel = {.name = "t", .ncols = 1, .cols = col};
    struct fount_batch b = {.rel = &rel, .nrows = 1, .vals = (struct fount_value *)v};
    void *ctx = calloc(1, t->ctx_size);
    struct buf out;
    char *s;

    buf_init(&out, 1 << 20);
    cr_assert_eq(t->encode(ctx, &b, &out), 0, "%s: encode failed", t->name);
    s = xstrndup(out.data ? out.data : "", out.len);
    *len = out.len;
    buf_free(&out);
    free(ctx);
    return s;
}

struct str_case {
    const char *s;
    size_t len;        /* 0: strlen(s) */
    int null;
    const char *pg, *my; /* without the row's "\n" */
    size_t my_len;     /* 0: strlen(my) */
};

static const struct str_case STR_CASES[] = {
    {"plain", 0, 0, "plain", "plain", 0},
    {"", 0, 0, "", "", 0},
    {NULL, 0, 1, "\\N", "\\N", 0},
    {"\\N", 0, 0, "\\\\N", "\\\\N", 0}, /* the text \N is not NULL */
    {"a\tb", 0, 0, "a\\tb", "a\\tb", 0},
    {"line\nbreak\r\n", 0, 0, "line\\nbreak\\r\\n", "line\\nbreak\\r\\n", 0},
    {"back\\slash", 0, 0, "back\\\\slash", "back\\\\slash", 0},
    {"\\.", 0, 0, "\\\\.", "\\\\.", 0},
    {"a\0b", 3, 0, "ab", "a\\0b", 0}, /* PostgreSQL text cannot hold NUL */
    {"O'Brien \"x\", y", 0, 0, "O'Brien \"x\", y", "O'Brien \"x\", y", 0},
    {"\b\f\x01\x0b\x0d\x0e\x1f\x7f", 0, 0, "\b\f\x01\x0b\\r\x0e\x1f\x7f",
     "\b\f\x01\x0b\\r\x0e\x1f\x7f", 0},
    {"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80", 0, 0,
     "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
     "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80", 0},
    /* long enough for the 8-byte fast path, with specials at every offset of a word */
    {"abcdefgh\tbcdefgh\\cdefghi\nABCDEFG\rxyz", 0, 0,
     "abcdefgh\\tbcdefgh\\\\cdefghi\\nABCDEFG\\rxyz",
     "abcdefgh\\tbcdefgh\\\\cdefghi\\nABCDEFG\\rxyz", 0},
    {"0123456789abcdef0123456789abcdef", 0, 0, "0123456789abcdef0123456789abcdef",
     "0123456789abcdef0123456789abcdef", 0},
    {"12345678\\", 0, 0, "12345678\\\\", "12345678\\\\", 0},
    {"\x5b\x5c\x5d\x5c\x5c\x5c\x5c\x5c\x5c", 0, 0, "[\\\\]\\\\\\\\\\\\\\\\\\\\\\\\",
     "[\\\\]\\\\\\\\\\\\\\\\\\\\\\\\", 0},
};

Test(encode, strings)
{
    struct fount_column col = {.name = "s", .type = FV_STRING, .max_len = -1, .nullable = 1};
    size_t i, n;

    for (i = 0; i < NELEM(STR_CASES); i++) {
        const struct str_case *c = &STR_CASES[i];
        struct fount_value v = {.type = FV_NULL};
        char want[256], *got;
        size_t wl;
        if (!c->null) {
            v.type = FV_STRING;
            v.v.s = c->s;
            v.len = (uint32_t)(c->len ? c->len : strlen(c->s));
        }
        got = encode1(&postgres_sink_type, &col, &v, &n);
        wl = (size_t)snprintf(want, sizeof want, "%s\n", c->pg);
        cr_expect(n == wl && memcmp(got, want, n) == 0, "pg case %zu: got \"%s\", want \"%s\"", i,
                  got, want);
        free(got);
        got = encode1(&mysql_sink_type, &col, &v, &n);
        wl = (size_t)snprintf(want, sizeof want, "%s\n", c->my);
        cr_expect(n == wl && memcmp(got, want, n) == 0, "mysql case %zu: got \"%s\", want \"%s\"",
                  i, got, want);
        free(got);
    }
}

struct typed_case {
    struct fount_column col;
    struct fount_value v;
    const char *pg, *my;
};

#define V(t, x) {.type = (t), .v.i = (x)}

static const struct typed_case TYPED[] = {
    {{.name = "i", .type = FV_INT}, V(FV_INT, 0), "0", "0"},
    {{.name = "i", .type = FV_INT}, V(FV_INT, -42), "-42", "-42"},
    {{.name = "i", .type = FV_INT}, V(FV_INT, INT64_MIN), "-9223372036854775808",
     "-9223372036854775808"},
    {{.name = "b", .type = FV_BOOL}, V(FV_BOOL, 1), "t", "1"},
    {{.name = "b", .type = FV_BOOL}, V(FV_BOOL, 0), "f", "0"},
    {{.name = "d", .type = FV_DECIMAL, .precision = 12, .scale = 2}, V(FV_DECIMAL, 8210), "82.10",
     "82.10"},
    {{.name = "d", .type = FV_DECIMAL, .precision = 12, .scale = 2}, V(FV_DECIMAL, -5), "-0.05",
     "-0.05"},
    {{.name = "d", .type = FV_DECIMAL, .precision = 5, .scale = 0}, V(FV_DECIMAL, 12345), "12345",
     "12345"},
    /* 2024-02-22T14:44:05.130456Z */
    {{.name = "t", .type = FV_TIMESTAMP, .ts_digits = 0}, V(FV_TIMESTAMP, 1708613045130456LL),
     "2024-02-22 14:44:05", "2024-02-22 14:44:05"},
    {{.name = "t", .type = FV_TIMESTAMP, .ts_digits = 3}, V(FV_TIMESTAMP, 1708613045130456LL),
     "2024-02-22 14:44:05.130", "2024-02-22 14:44:05.130"},
    {{.name = "t", .type = FV_TIMESTAMP, .ts_digits = 6}, V(FV_TIMESTAMP, 1708613045130456LL),
     "2024-02-22 14:44:05.130456", "2024-02-22 14:44:05.130456"},
    {{.name = "t", .type = FV_TIMESTAMP, .ts_digits = 0}, V(FV_TIMESTAMP, -1000000),
     "1969-12-31 23:59:59", "1969-12-31 23:59:59"},
    {{.name = "dt", .type = FV_DATE}, V(FV_DATE, 19775), "2024-02-22", "2024-02-22"},
    {{.name = "x", .type = FV_DOUBLE, .decimals = 2}, {.type = FV_DOUBLE, .v.d = 2.005}, "2.00",
     "2.00"},
    {{.name = "x", .type = FV_DOUBLE, .decimals = -1}, {.type = FV_DOUBLE, .v.d = 0.1}, "0.1",
     "0.1"},
    {{.name = "x", .type = FV_DOUBLE, .decimals = -1}, {.type = FV_DOUBLE, .v.d = NAN}, "NaN",
     "\\N"},
    {{.name = "x", .type = FV_DOUBLE, .decimals = -1}, {.type = FV_DOUBLE, .v.d = -INFINITY},
     "-Infinity", "\\N"},
    {{.name = "j", .type = FV_JSON},
     {.type = FV_JSON, .len = 20, .v.s = "{\"a\":\"x\\ty\",\"n\":[1]}"},
     "{\"a\":\"x\\\\ty\",\"n\":[1]}", "{\"a\":\"x\\\\ty\",\"n\":[1]}"},
};

Test(encode, typed_values)
{
    size_t i, n;

    for (i = 0; i < NELEM(TYPED); i++) {
        const struct typed_case *c = &TYPED[i];
        char want[256], *got;
        size_t wl;
        got = encode1(&postgres_sink_type, &c->col, &c->v, &n);
        wl = (size_t)snprintf(want, sizeof want, "%s\n", c->pg);
        cr_expect(n == wl && !memcmp(got, want, n), "pg case %zu: got \"%s\", want \"%s\"", i, got,
                  want);
        free(got);
        got = encode1(&mysql_sink_type, &c->col, &c->v, &n);
        wl = (size_t)snprintf(want, sizeof want, "%s\n", c->my);
        cr_expect(n == wl && !memcmp(got, want, n), "mysql case %zu: got \"%s\", want \"%s\"", i,
                  got, want);
        free(got);
    }
}

Test(encode, uuid_and_rows)
{
    struct fount_column cols[3] = {{.name = "id", .type = FV_INT},
                                   {.name = "u", .type = FV_UUID},
                                   {.name = "s", .type = FV_STRING, .nullable = 1}};
    struct fount_relation rel = {.name = "t", .ncols = 3, .cols = cols};
    struct fount_value vals[6] = {{.type = FV_INT, .v.i = 1}, {.type = FV_UUID}, {.type = FV_NULL},
                                  {.type = FV_INT, .v.i = 2}, {.type = FV_UUID},
                                  {.type = FV_STRING, .len = 1, .v.s = "x"}};
    struct fount_batch b = {.rel = &rel, .first_row = 7, .nrows = 2, .vals = vals};
    static const char want[] = "1\t00112233-4455-6677-8899-aabbccddeeff\t\\N\n"
                               "2\tffffffff-ffff-ffff-ffff-ffffffffffff\tx\n";
    const struct fount_sink_type *types[2] = {&postgres_sink_type, &mysql_sink_type};
    int k, t;

    for (k = 0; k < 16; k++) {
        vals[1].v.u[k] = (uint8_t)(0x11 * k);
        vals[4].v.u[k] = 0xff;
    }
    for (t = 0; t < 2; t++) {
        void *ctx = calloc(1, types[t]->ctx_size);
        struct buf out;
        buf_init(&out, 1 << 20);
        cr_assert_eq(types[t]->encode(ctx, &b, &out), 0);
        cr_expect(out.len == strlen(want) && !memcmp(out.data, want, out.len), "%s: got \"%.*s\"",
                  types[t]->name, (int)out.len, out.data);
        buf_free(&out);
        free(ctx);
    }
}
