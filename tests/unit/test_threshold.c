/* test_threshold.c: threshold expressions parse to what they say, bad ones are refused with a
 * message, and evaluation passes and fails on the right side of the value. */
#include <criterion/criterion.h>

#include <string.h>

#include "threshold.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

Test(threshold, parses)
{
    static const struct {
        const char *in;
        enum th_metric m;
        double pct;
        enum th_op op;
        double value;
    } cases[] = {
        {"p99<50ms", TH_LATENCY, 99, TH_LT, 50e6},
        {" p99.9 <= 2 s ", TH_LATENCY, 99.9, TH_LE, 2e9},
        {"p50<800us", TH_LATENCY, 50, TH_LT, 800e3},
        {"max<1m", TH_LATENCY, 100, TH_LT, 60e9},
        {"mean<10ms", TH_LATENCY, -1, TH_LT, 10e6},
        {"errors<0.1%", TH_ERRORS_RATIO, 0, TH_LT, 0.001},
        {"errors<=10", TH_ERRORS, 0, TH_LE, 10},
        {"rate>=0.95", TH_RATE, 0, TH_GE, 0.95},
        {"rate>90%", TH_RATE, 0, TH_GT, 0.9},
        {"throughput>=1000/s", TH_THROUGHPUT, 0, TH_GE, 1000},
        {"throughput>5", TH_THROUGHPUT, 0, TH_GT, 5},
    };
    size_t i;

    for (i = 0; i < NELEM(cases); i++) {
        struct threshold t;
        char msg[512];
        cr_assert_eq(threshold_parse(cases[i].in, &t, msg, sizeof msg), 0, "%s: %s", cases[i].in,
                     msg);
        cr_expect_eq(t.metric, cases[i].m, "%s", cases[i].in);
        cr_expect_eq(t.op, cases[i].op, "%s", cases[i].in);
        cr_expect_float_eq(t.value, cases[i].value, 1e-9 * (1 + cases[i].value), "%s",
                           cases[i].in);
        if (cases[i].m == TH_LATENCY)
            cr_expect_float_eq(t.pct, cases[i].pct, 1e-9, "%s", cases[i].in);
        cr_expect(strchr(t.text, ' ') == NULL, "%s: text keeps no spaces", cases[i].in);
    }
}

Test(threshold, refuses_bad_expressions)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"p99", "expected METRIC OP VALUE"},
        {"<50ms", "expected METRIC OP VALUE"},
        {"p99<50", "is not a duration with a unit"},
        {"p100<5ms", "unknown metric"},
        {"latency<5ms", "unknown metric \"latency\""},
        {"errors<lots", "is not a count or a percentage"},
        {"rate>=fast", "is not a ratio"},
        {"throughput>5%", "is not records per second"},
        {"p99<-5ms", "is not a duration"},
    };
    size_t i;

    for (i = 0; i < NELEM(cases); i++) {
        struct threshold t;
        char msg[512] = "";
        cr_expect_eq(threshold_parse(cases[i].in, &t, msg, sizeof msg), -1, "%s", cases[i].in);
        cr_expect(strstr(msg, cases[i].want) != NULL, "%s: got \"%s\"", cases[i].in, msg);
    }
}

Test(threshold, evaluates)
{
    struct hist h;
    struct th_inputs in;
    static const struct {
        const char *expr;
        int want;
    } cases[] = {
        {"p99<50ms", 1},     /* p99 is 10 ms */
        {"p99<5ms", 0},
        {"max<=100ms", 1},   /* max is exactly 100 ms */
        {"max<100ms", 0},
        {"errors<0.1%", 0},  /* 2 of 1000 = 0.2% */
        {"errors<0.5%", 1},
        {"errors<=2", 1},
        {"errors<2", 0},
        {"rate>=0.95", 0},   /* 0.9 */
        {"rate>=0.9", 1},
        {"throughput>=400/s", 1}, /* 998 in 2 s */
        {"throughput>=500/s", 0},
    };
    size_t i;
    int k;

    cr_assert_eq(hist_init(&h), 0);
    for (k = 0; k < 989; k++)
        hist_record(&h, 1000000);      /* 1 ms */
    for (k = 0; k < 10; k++)
        hist_record(&h, 10000000);     /* 10 ms */
    hist_record(&h, 100000000);        /* 100 ms */
    memset(&in, 0, sizeof in);
    in.lat = &h;
    in.generated = 1000;
    in.failed = 2;
    in.delivered = 998;
    in.elapsed_s = 2;
    in.rate_ratio = 0.9;
    for (i = 0; i < NELEM(cases); i++) {
        struct threshold t;
        char msg[512], text[128];
        double actual;
        cr_assert_eq(threshold_parse(cases[i].expr, &t, msg, sizeof msg), 0, "%s", msg);
        cr_expect_eq(threshold_eval(&t, &in, &actual, text, sizeof text), cases[i].want,
                     "%s (measured %s)", cases[i].expr, text);
    }
    hist_free(&h);
}

Test(threshold, unmeasurable_is_a_failure)
{
    struct th_inputs in;
    struct threshold t;
    char msg[512], text[128];
    double actual;

    memset(&in, 0, sizeof in);
    in.rate_ratio = -1;
    cr_assert_eq(threshold_parse("rate>=0.5", &t, msg, sizeof msg), 0);
    cr_expect_eq(threshold_eval(&t, &in, &actual, text, sizeof text), -1);
    cr_expect(strstr(text, "no target rate") != NULL, "%s", text);
    cr_assert_eq(threshold_parse("p99<1s", &t, msg, sizeof msg), 0);
    cr_expect_eq(threshold_eval(&t, &in, &actual, text, sizeof text), -1);
}
