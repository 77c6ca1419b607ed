/* test_load.c: the open-model schedule places records where the stages say, and the time
 * series stays bounded (coarsening keeps every count). */
#include <criterion/criterion.h>

#include <math.h>

#include "load.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

Test(load, schedule_places_records_on_the_stages)
{
    static const struct load_stage st[] = {{100, 2000000, 0, 0}, {0, 1000000, 0, 0}, {1000, 0, 0, 0}};
    static const struct {
        uint64_t k;
        double due;
    } cases[] = {{0, 0}, {1, 0.01}, {199, 1.99}, {200, 3.0}, {700, 3.5}, {1200, 4.0}};
    struct load *ld = load_new(st, NELEM(st));
    size_t i;

    for (i = 0; i < NELEM(cases); i++)
        cr_expect_float_eq(load_due_s(ld, cases[i].k), cases[i].due, 1e-9, "record %llu",
                           (unsigned long long)cases[i].k);
    cr_expect_float_eq(load_expected(ld, 1.0), 100, 1e-9);
    cr_expect_float_eq(load_expected(ld, 2.5), 200, 1e-9, "a pause adds nothing");
    cr_expect_float_eq(load_expected(ld, 3.5), 700, 1e-9);
    cr_expect_float_eq(load_target(ld, 2.5), 0, 1e-9);
    cr_expect_float_eq(load_target(ld, 10), 1000, 1e-9);
    cr_expect_float_eq(load_schedule_s(ld), 0, 1e-9, "open-ended");
    load_free(ld);
}

Test(load, a_fixed_schedule_ends)
{
    static const struct load_stage st[] = {{100, 1000000, 0, 0}};
    struct load *ld = load_new(st, 1);

    cr_expect_float_eq(load_due_s(ld, 99), 0.99, 1e-9);
    cr_expect_lt(load_due_s(ld, 100), 0, "no room after the last stage");
    cr_expect_float_eq(load_schedule_s(ld), 1, 1e-9);
    cr_expect_eq(load_stage_at(ld, 1.5), -1);
    load_free(ld);
}

/* Ramps: the rate moves linearly from `from` to `rate` over the stage, so the records due by t
 * are the area under that line, and each record's due time is where the area reaches it. */
Test(load, ramps_place_records_under_a_line)
{
    static const struct load_stage st[] = {
        {1000, 2000000, 1, 0},     /* 0 to 1000/s over 2 s: 1000 records, t = sqrt(k / 250) */
        {1000, 1000000, 0, 0},     /* a step at 1000/s: records 1000..1999                     */
        {0, 1000000, 1, 2000},     /* 2000/s down to 0 over 1 s: 1000 records                  */
        {500, 1000000, 1, 500},    /* a "ramp" that does not move: a step                      */
    };
    static const struct {
        uint64_t k;
        double due;
    } cases[] = {{0, 0}, {1, 0.0632455532}, {250, 1}, {999, 1.9989997}, {1000, 2}, {1999, 2.999},
                 {2000, 3}, {2750, 3.5}, {2999, 3.96837722}, {3000, 4}, {3499, 4.998}};
    struct load *ld = load_new(st, NELEM(st));
    double prev = -1;
    uint64_t k;
    size_t i;

    for (i = 0; i < NELEM(cases); i++)
        cr_expect_float_eq(load_due_s(ld, cases[i].k), cases[i].due, 1e-6, "record %llu",
                           (unsigned long long)cases[i].k);
    cr_expect_lt(load_due_s(ld, 3500), 0, "no room after the last stage");
    for (k = 0; k < 3500; k++) { /* in order, and each due time gives back its count */
        double t = load_due_s(ld, k);
        cr_assert_geq(t, prev, "record %llu", (unsigned long long)k);
        cr_assert_float_eq(load_expected(ld, t), (double)k, 1e-6, "record %llu",
                           (unsigned long long)k);
        prev = t;
    }
    cr_expect_float_eq(load_expected(ld, 1.0), 250, 1e-9);
    cr_expect_float_eq(load_expected(ld, 2.0), 1000, 1e-9);
    cr_expect_float_eq(load_expected(ld, 5.0), 3500, 1e-9);
    cr_expect_float_eq(load_target(ld, 0.5), 250, 1e-9);
    cr_expect_float_eq(load_target(ld, 1.5), 750, 1e-9);
    cr_expect_float_eq(load_target(ld, 2.5), 1000, 1e-9);
    cr_expect_float_eq(load_target(ld, 3.25), 1500, 1e-9);
    cr_expect_float_eq(load_target(ld, 4.5), 500, 1e-9);
    cr_expect_float_eq(load_schedule_s(ld), 5, 1e-9);
    load_free(ld);
}

Test(load, series_is_bounded_and_keeps_counts)
{
    struct load *ld = load_new(NULL, 0);
    struct load_status s = {0};
    uint64_t sum = 0;
    size_t i;
    int t;

    load_start(ld, 0);
    for (t = 1; t <= 1500; t++) {
        s.sent += 10;
        load_latency(ld, 0, (uint64_t)t * 1000, 1);
        load_tick(ld, (int64_t)t * 1000000000LL, &s);
    }
    load_finish(ld, 1500500000000LL, &s);
    cr_expect_leq(ld->nsamples, LOAD_MAX_SAMPLES);
    cr_expect_float_eq(ld->interval_s, 4, 1e-9, "1500 s in at most 600 samples: 4 s each");
    for (i = 0; i < ld->nsamples; i++)
        sum += ld->samples[i].sent;
    cr_expect_eq(sum, 15000, "every record counted once");
    cr_expect_eq(ld->all.total, 1500);
    load_free(ld);
}

Test(load, rate_ratio_counts_records_on_time)
{
    struct load *ld = load_new(NULL, 0);
    struct load_status s = {0};

    cr_expect_lt(load_rate_ratio(ld), 0, "not paced");
    load_start(ld, 0);
    load_note_due(ld, 1000, 1000000000LL); /* 1000 records, the last due at 1 s */
    s.sent = 400;
    load_tick(ld, 1000000000LL, &s);
    s.sent = 1000;
    load_tick(ld, 3000000000LL, &s); /* the rest, far too late */
    load_finish(ld, 3000000000LL, &s);
    /* 400 by 1 s, then 600 over [1 s, 3 s]: 75 of them in the 250 ms of grace */
    cr_expect_float_eq(load_rate_ratio(ld), 0.475, 1e-9);
    load_free(ld);
}
