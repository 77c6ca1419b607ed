/* null.c: a sink that accepts every batch and keeps nothing: measures generation alone.
 * With -o delay=D it also plays a slow receiver, to dry-run the load tester: records go out in
 * requests of at most `batch` rows, each request is answered D after it left, at most
 * `concurrency` requests are in flight, and write_batch waits for a free one (back-pressure, as
 * a real client would). Acknowledgements are reported with sink_latency_rows at the moment the
 * simulated receiver answered, counted from each row's due time. Leaves out: failures (use a
 * real sink, or the fault options of a profile). */
#include "sink.h"

#include <stdlib.h>
#include <time.h>

struct null_req {                 /* one request in flight */
    const struct fount_relation *rel;
    int64_t done_ns;              /* when the simulated receiver answers */
    int64_t *due;                 /* each row's due time (rows of it)    */
    size_t rows, cap;
};

struct null_sink {
    int encode;   /* also encode batches (as --format says), to measure encoding too */
    struct fount_encoder enc;
    int64_t delay_us;             /* service time of one request (0: no simulation)   */
    long long concurrency;        /* requests in flight at most                       */
    long long batch;              /* rows per request at most                         */
    struct fount_outcomes *out;
    struct null_req *req;         /* concurrency of them                              */
    size_t inflight;
};

static const struct fount_opt null_opts[] = {
    {"encode", OPT_BOOL, "false", offsetof(struct null_sink, encode),
     "encode batches in the --format (to measure encoding without I/O)"},
    {"delay", OPT_DURATION, "0", offsetof(struct null_sink, delay_us),
     "simulate a receiver that answers each request after this long (load-test dry runs)"},
    {"concurrency", OPT_INT, "1", offsetof(struct null_sink, concurrency),
     "with delay: requests in flight at most (write_batch waits for a free one)"},
    {"batch", OPT_INT, "100", offsetof(struct null_sink, batch),
     "with delay: rows per request at most"},
    {0},
};

static int null_open(void *ctx, const struct sink_args *a, struct fount_err *err)
{
    struct null_sink *s = ctx;

    s->enc = a->enc;
    s->out = a->outcomes;
    if (s->delay_us < 0 || s->concurrency < 1 || s->concurrency > 4096 || s->batch < 1) {
        fount_err_set(err, "delay must be >= 0, concurrency from 1 to 4096, batch >= 1");
        return FOUNT_FATAL;
    }
    if (s->delay_us)
        s->req = xcalloc((size_t)s->concurrency, sizeof *s->req);
    return FOUNT_OK;
}

static void sleep_until(int64_t t_ns)
{
    int64_t now = fount_now_ns();

    if (t_ns > now) {
        struct timespec ts = {(time_t)((t_ns - now) / 1000000000LL),
                              (long)((t_ns - now) % 1000000000LL)};
        nanosleep(&ts, NULL);
    }
}

/* Acknowledge every request answered by now; with wait, first sleep until the earliest answers. */
static void retire(struct null_sink *s, int wait)
{
    int64_t now;
    size_t i = 0, first = 0;

    if (wait && s->inflight) {
        for (i = 1; i < s->inflight; i++)
            if (s->req[i].done_ns < s->req[first].done_ns)
                first = i;
        sleep_until(s->req[first].done_ns);
    }
    now = fount_now_ns();
    for (i = 0; i < s->inflight;) {
        struct null_req *q = &s->req[i];
        if (q->done_ns > now) {
            i++;
            continue;
        }
        sink_latency_rows(s->out, q->rel, q->due, q->rows, q->done_ns);
        {   /* keep the row buffer of the freed slot: swap with the last in flight */
            struct null_req tmp = *q;
            *q = s->req[s->inflight - 1];
            s->req[s->inflight - 1] = tmp;
        }
        s->inflight--;
    }
}

static int null_write(void *ctx, const struct fount_batch *b, size_t *accepted,
                      struct fount_err *err)
{
    struct null_sink *s = ctx;
    size_t off, k;

    (void)err;
    *accepted = b->nrows;
    if (!s->delay_us) { /* answered at once */
        if (b->due_ns)
            sink_latency_rows(s->out, b->rel, b->due_ns, b->nrows, fount_now_ns());
        else
            sink_latency(s->out, b->rel, (uint64_t)(fount_now_ns() - b->sent_ns), b->nrows);
        return FOUNT_OK;
    }
    for (off = 0; off < b->nrows; off += (size_t)s->batch) {
        size_t n = b->nrows - off < (size_t)s->batch ? b->nrows - off : (size_t)s->batch;
        struct null_req *q;
        retire(s, 0);
        while (s->inflight == (size_t)s->concurrency)
            retire(s, 1);
        q = &s->req[s->inflight++];
        if (n > q->cap) {
            q->cap = n;
            q->due = xrealloc(q->due, n * sizeof *q->due);
        }
        for (k = 0; k < n; k++)
            q->due[k] = b->due_ns ? b->due_ns[off + k] : b->sent_ns;
        q->rel = b->rel;
        q->rows = n;
        q->done_ns = fount_now_ns() + s->delay_us * 1000;
    }
    return FOUNT_OK;
}

static int null_flush(void *ctx, int timeout_ms, struct fount_err *err)
{
    struct null_sink *s = ctx;

    (void)timeout_ms;
    (void)err;
    while (s->inflight)
        retire(s, 1);
    return FOUNT_OK;
}

static int null_encode(const void *ctx, const struct fount_batch *b, struct buf *out)
{
    const struct null_sink *s = ctx;

    if (!s->encode)
        return 0;
    if (b->first_of_relation && encode_header(&s->enc, b->rel, out))
        return -1;
    return encode_batch(&s->enc, b, out);
}

static void null_close(void *ctx)
{
    struct null_sink *s = ctx;
    long long i;

    for (i = 0; s->req && i < s->concurrency; i++)
        free(s->req[i].due);
    free(s->req);
    s->req = NULL;
}

const struct fount_sink_type null_sink_type = {
    .name = "null",
    .desc = "discards every record (benchmarks; -o encode=true still encodes; -o delay=20ms "
            "-o concurrency=2 plays a slow receiver for load-test dry runs)",
    .opts = null_opts,
    .ctx_size = sizeof(struct null_sink),
    .open = null_open,
    .write_batch = null_write,
    .flush = null_flush,
    .close = null_close,
    .encode = null_encode,
    .reports_latency = 1,
};
