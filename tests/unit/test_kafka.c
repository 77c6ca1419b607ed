/* test_kafka.c: the parts of the Kafka sink that need no broker (sinks/kafka.h): the URI, topic
 * templates, librdkafka property checks, a record as one message's value, and the frame that
 * encode() hands the writer (values plus where each ends). The broker side is
 * tests/e2e/kafka.bats, against librdkafka's mock cluster. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "kafka.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

Test(kafka, parse_uri)
{
    static const struct {
        const char *in;
        int rc;
        const char *brokers, *topic;
    } cases[] = {
        {"//localhost:9092/clicks", 0, "localhost:9092", "clicks"},
        {"//b1:9092,b2:9093/fount.{relation}", 0, "b1:9092,b2:9093", "fount.{relation}"},
        {"//b1:9092", 0, "b1:9092", ""},
        {"//b1:9092/", 0, "b1:9092", ""},
        {"b1:9092/clicks", -1, NULL, NULL},
        {"///clicks", -1, NULL, NULL},
        {"//b1:9092/a/b", -1, NULL, NULL},
        {"//b1:9092/a?acks=1", -1, NULL, NULL},
    };
    size_t i;

    for (i = 0; i < NELEM(cases); i++) {
        char b[256], t[256];
        struct fount_err err;
        int rc = kafka_parse_uri(cases[i].in, b, sizeof b, t, sizeof t, &err);
        cr_expect_eq(rc, cases[i].rc, "%s: rc %d", cases[i].in, rc);
        if (rc == 0) {
            cr_expect_str_eq(b, cases[i].brokers, "%s", cases[i].in);
            cr_expect_str_eq(t, cases[i].topic, "%s", cases[i].in);
        }
    }
}

Test(kafka, topic_name)
{
    static const struct {
        const char *tmpl, *rel;
        const char *want; /* NULL: rejected */
    } cases[] = {
        {"{relation}", "clicks", "clicks"},
        {"fount.{relation}.v1", "orders", "fount.orders.v1"},
        {"{relation}-{relation}", "a", "a-a"},
        {"static", "orders", "static"},
        {"bad topic", "x", NULL},
        {"{relation}", "..", NULL},
        {"caf\xc3\xa9", "x", NULL},
    };
    size_t i;

    for (i = 0; i < NELEM(cases); i++) {
        char out[256];
        struct fount_err err;
        int rc = kafka_topic_name(cases[i].tmpl, cases[i].rel, out, sizeof out, &err);
        if (cases[i].want) {
            cr_expect_eq(rc, 0, "%s: %s", cases[i].tmpl, err.msg);
            cr_expect_str_eq(out, cases[i].want);
        } else
            cr_expect_eq(rc, -1, "%s accepted as %s", cases[i].tmpl, out);
    }
}

Test(kafka, topic_name_too_long)
{
    char tmpl[300], out[512];
    struct fount_err err;

    memset(tmpl, 'a', 250);
    tmpl[250] = '\0';
    cr_expect_eq(kafka_topic_name(tmpl, "x", out, sizeof out, &err), -1);
    cr_expect(strstr(err.msg, "249") != NULL, "%s", err.msg);
}

Test(kafka, check_props)
{
    static const struct {
        const char *kv;
        int rc;
        const char *names; /* in the message */
    } cases[] = {
        {"linger.ms=5", 0, NULL},
        {"security.protocol=SASL_SSL", 0, NULL},
        {"partitioner=murmur2_random", 0, NULL},
        {"linger.mss=5", -1, "-X linger.mss: No such configuration property"},
        {"acks=lots", -1, "-X acks: Invalid value"},
        {"linger.ms", -1, "expected a librdkafka property as key=value"},
        {"=5", -1, "expected a librdkafka property"},
    };
    size_t i;

    for (i = 0; i < NELEM(cases); i++) {
        char *kv[1] = {(char *)cases[i].kv};
        struct fount_err err = {{0}};
        int rc = kafka_check_props(kv, 1, &err);
        cr_expect_eq(rc, cases[i].rc, "%s: %s", cases[i].kv, err.msg);
        if (cases[i].names)
            cr_expect(strstr(err.msg, cases[i].names) != NULL, "%s: %s", cases[i].kv, err.msg);
    }
}

static const struct fount_column cols[] = {
    {.name = "id", .type = FV_INT},
    {.name = "name", .type = FV_STRING},
};

Test(kafka, encode_row)
{
    struct fount_relation rel = {.name = "t", .ncols = 2, .cols = cols, .time_col = -1,
                                 .key_col = -1};
    struct fount_value vals[4] = {
        {.type = FV_INT, .v.i = 7},
        {.type = FV_STRING, .len = 5, .v.s = "a,\"b\n"},
        {.type = FV_INT, .v.i = -1},
        {.type = FV_NULL},
    };
    struct fount_batch b = {.rel = &rel, .nrows = 2, .vals = vals};
    static const struct {
        enum fount_format f;
        size_t row;
        const char *want;
    } cases[] = {
        {FMT_JSONL, 0, "{\"id\":7,\"name\":\"a,\\\"b\\n\"}"},
        {FMT_JSONL, 1, "{\"id\":-1,\"name\":null}"},
        {FMT_CSV, 0, "7,\"a,\"\"b\n\""},
        {FMT_CSV, 1, "-1,"},
    };
    size_t i;

    for (i = 0; i < NELEM(cases); i++) {
        struct buf out;
        buf_init(&out, 1 << 20);
        cr_assert_eq(kafka_encode_row(cases[i].f, &b, cases[i].row, &out), 0);
        cr_expect_eq(out.len, strlen(cases[i].want), "case %zu: %.*s", i, (int)out.len, out.data);
        cr_expect(out.len == strlen(cases[i].want) && !memcmp(out.data, cases[i].want, out.len),
                  "case %zu: got %.*s", i, (int)out.len, out.data);
        buf_free(&out);
    }
}

/* encode(): a uint32 row count, a uint32 end per row, then the values back to back (a CSV value
 * may hold a newline, so messages are cut by the table, never by lines). */
Test(kafka, encode_frame)
{
    struct fount_relation rel = {.name = "t", .ncols = 2, .cols = cols, .time_col = -1,
                                 .key_col = -1};
    struct fount_value vals[4] = {
        {.type = FV_INT, .v.i = 7},
        {.type = FV_STRING, .len = 3, .v.s = "x\ny"},
        {.type = FV_INT, .v.i = 8},
        {.type = FV_STRING, .len = 1, .v.s = "z"},
    };
    struct fount_batch b = {.rel = &rel, .nrows = 2, .vals = vals};
    const struct fount_relation *rels[1] = {&rel};
    struct sink_args a = {.rels = rels, .nrels = 1, .target = "//127.0.0.1:1/t"};
    void *ctx = calloc(1, kafka_sink_type.ctx_size);
    struct buf out;
    uint32_t n, e0, e1;
    const char *v;

    /* encode() finds the relation's format in ctx; open() sets it up, and fails (no broker)
     * only after that part, so the ctx is usable for encode. */
    struct fount_err err;
    cr_assert_eq(sink_set_opts(&kafka_sink_type, ctx, (char *[]){"connect_timeout=10ms"}, 1,
                               &err), 0, "%s", err.msg);
    (void)kafka_sink_type.open(ctx, &a, &err);
    buf_init(&out, 1 << 20);
    cr_assert_eq(kafka_sink_type.encode(ctx, &b, &out), 0);
    memcpy(&n, out.data, 4);
    memcpy(&e0, out.data + 4, 4);
    memcpy(&e1, out.data + 8, 4);
    v = out.data + 12;
    cr_expect_eq(n, 2);
    cr_expect_eq(out.len, 12 + (size_t)e1);
    cr_expect(e0 == strlen("{\"id\":7,\"name\":\"x\\ny\"}") &&
              !memcmp(v, "{\"id\":7,\"name\":\"x\\ny\"}", e0), "%.*s", (int)e0, v);
    cr_expect(!memcmp(v + e0, "{\"id\":8,\"name\":\"z\"}", e1 - e0), "%.*s", (int)(e1 - e0),
              v + e0);
    buf_free(&out);
    kafka_sink_type.close(ctx);
    sink_free_opts(&kafka_sink_type, ctx);
    free(ctx);
}
