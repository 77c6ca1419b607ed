/* stream.h: event streams on a simulated clock (DESIGN.md section 4). Time is cut into windows; the
 * number of events in window w is drawn from the rate curve integrated over w with a generator keyed
 * by (seed, stream, w), and their times fall inside w, sorted. So any window can be made by any
 * thread, and a stream is chunked, sharded and prefix-summed exactly like a "per" entity whose
 * parents are the windows. Leaves out: pacing on the wall clock (runner.c), faults (fault.c). */
#ifndef FOUNT_STREAM_H
#define FOUNT_STREAM_H

#include <stdint.h>

#include "pcg.h"

#define RATE_MAX_STEPS 64

enum arrival { ARRIVAL_POISSON, ARRIVAL_UNIFORM };

/* events/s at simulated time t = level(t) * daily(t) * weekly(t) * burst(t) */
struct rate {
    double base;                 /* events per second                                     */
    double ramp_to;              /* ramp: from base to ramp_to over ramp_us (0: no ramp)   */
    int64_t ramp_us;
    int nsteps;                  /* steps: from at_us[i] on (after start) the level is rate[i] */
    int64_t step_at[RATE_MAX_STEPS];
    double step_rate[RATE_MAX_STEPS];
    double daily_amp, daily_peak_h;   /* 1 + amp * cos(2 pi (hour - peak) / 24)           */
    double weekly_amp, weekly_peak_d; /* day 0 = Monday                                    */
    double burst_p, burst_mult;  /* a burst slot of burst_us is on with probability burst_p */
    int64_t burst_us;
    uint64_t burst_key;
};

struct stream {
    int64_t start_us;            /* simulated start (UTC microseconds)                     */
    int64_t duration_us;         /* bound by time (0: none)                                */
    uint64_t max_events;         /* bound by count (0: none)                               */
    int64_t window_us;
    uint64_t nwindows;           /* after plan_prepare                                     */
    enum arrival arrival;
    struct rate rate;
    int time_field;              /* the field of type event_time                           */
    int key_field;               /* "key": the partitioning field, or -1                   */
    uint64_t count_key, time_key;
    const char *start_text;      /* as written, for messages                               */
};

/* Events per second at simulated time t (absolute microseconds). */
double rate_at(const struct rate *r, int64_t start_us, int64_t t);
/* Expected events in [t0, t1): Simpson's rule over the window (exact for constant and ramp). */
double rate_integral(const struct rate *r, int64_t start_us, int64_t t0, int64_t t1);
/* Window w's start and length (the last one may be cut by the duration). */
void stream_window_bounds(const struct stream *s, uint64_t w, int64_t *t0, int64_t *len);
/* The number of events in window w: a pure function of (seed, stream, w). */
uint64_t stream_window_count(const struct stream *s, uint64_t w);
/* The k event times of window w, ascending, into t[0..k). Pure, like the count. */
void stream_window_times(const struct stream *s, uint64_t w, uint64_t k, int64_t *t);

#endif
