/* kafka.c: the Kafka sink (librdkafka): kafka://host:port[,host:port]/topic. One message per
 * record: the value JSON (or a CSV or line-protocol line), the key from a field, headers from the
 * profile, the event time as the message timestamp, partitioned by murmur2 of the key (the Java
 * client's partitioner) unless the profile picks another.
 *
 * Accounting (sink.h, "Outcomes"): write_batch hands every row to librdkafka's queue and returns
 * them accepted; the delivery reports, served by rd_kafka_poll on the writer thread, decide their
 * fate. An acknowledged message records its latency (from when it was due to its report) and its
 * partition; a failed one is counted under "kafka: <librdkafka's error text>". Failures are
 * reported to the runner at the next call (write_batch, end or flush), never inside the call that
 * took the message: the runner only counts a batch delivered once write_batch returns. flush()
 * waits for the last reports within a timeout, then purges and reports the rest as undelivered.
 * A full local queue is served (poll) and retried, never dropped; the queue's caps bound memory.
 * Ctrl-C ends that wait: the records not yet queued are returned not accepted (the runner counts
 * them failed), and flush() deals with the queued ones.
 * open() asks for each topic's metadata within connect_timeout: an unreachable cluster or a
 * missing topic is one line, not a hang.
 * Values are encoded on the worker threads (encode): the rows' bytes, then a table of where each
 * row ends, so that the writer only produces.
 * Leaves out: the settings (URI, properties, the profile's section: kafka_conf.c), transactions
 * (exactly-once across runs), Avro/Schema Registry, consuming. */
#include "kafka.h"

#include <librdkafka/rdkafka.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "../generator/runner.h"

#define KAFKA_BUF_MAX ((size_t)256 << 20)
#define KAFKA_REL_BITS 16                    /* msg_opaque: relation (16 bits) | due time (48) */
#define KAFKA_TIME_MASK ((1ULL << 48) - 1)   /* ns, 78 hours: latencies wrap after that       */
#define KAFKA_UNDELIVERED (-100000)          /* pseudo error code: in flight when flush ended */

struct krel {                   /* one relation's messages */
    const struct fount_relation *rel;
    struct kafka_relconf c;     /* its settings (kafka_conf.c) */
    rd_kafka_topic_t *rkt;
    uint64_t *parts;            /* acknowledged messages per partition */
    int32_t nparts;
    uint64_t inflight;          /* produced, no delivery report yet */
    uint64_t acked;
};

struct kpending {               /* failures learned, not yet told to the runner */
    size_t rel;
    int code;
    uint64_t n;
};

struct kafka_sink {
    char *key;                  /* -o key=FIELD|none (""; the profile's, else the stream key) */
    char *partitioner;          /* -o partitioner=NAME ("": the profile's, else murmur2_random) */
    int64_t connect_timeout;    /* us */
    int64_t flush_timeout;      /* us */
    const struct sink_args *a;
    char brokers[1024];
    rd_kafka_t *rk;
    struct krel *rels;
    size_t nrels;
    size_t last;                /* the relation found last (rel_of) */
    struct kpending *pend;
    size_t npend, cappend;
    int64_t t0;                 /* due times in msg_opaque count from here */
    int64_t now;                /* when the current poll began: delivery reports served in it
                                   take this as their time (one clock read per poll, not per
                                   message; polls that wait end within 5 ms) */
    size_t run_rel;             /* acknowledgements of one relation with one latency, in a row */
    uint64_t run_ns, run_n;     /* (a batch's messages share their due time, a poll its clock):
                                   recorded as one (lat_flush), not each on its own */
    int fatal;                  /* an error_cb fatal error (idempotence broken) */
    char fatal_msg[600];
    struct buf tmp;             /* resent sub-batches, encoded here */
};

static const struct fount_opt kafka_opts[] = {
    {"key", OPT_STR, "", offsetof(struct kafka_sink, key),
     "the field whose value is the message key, or none (default: the profile's, else the "
     "stream's key, else the primary key)"},
    {"partitioner", OPT_STR, "", offsetof(struct kafka_sink, partitioner),
     "murmur2_random (default, the Java client's), murmur2, consistent_random, consistent, "
     "random, fnv1a_random, fnv1a"},
    {"connect_timeout", OPT_DURATION, "10s", offsetof(struct kafka_sink, connect_timeout),
     "how long open() waits for the cluster's metadata"},
    {"flush_timeout", OPT_DURATION, "30s", offsetof(struct kafka_sink, flush_timeout),
     "how long the end of a run (or Ctrl-C) waits for the last delivery reports"},
    {0},
};

/* ---------------------------------------------------------------- pure parts (kafka.h) */

int kafka_encode_row(enum fount_format f, const struct fount_batch *b, size_t i, struct buf *out)
{
    struct fount_batch one = *b;
    struct fount_encoder e = {f, DIALECT_SQLITE};
    size_t len0 = out->len;

    if (f == FMT_JSONL && !b->row_flags && !b->row_version)
        return encode_json_object(b->rel, b->vals + i * b->rel->ncols, out);
    one.first_row = b->first_row + i;
    one.nrows = 1;
    one.vals = b->vals + i * b->rel->ncols;
    one.row_flags = b->row_flags ? b->row_flags + i : NULL;
    one.row_version = b->row_version ? b->row_version + i : NULL;
    one.due_ns = b->due_ns ? b->due_ns + i : NULL;
    if (encode_batch(&e, &one, out))
        return -1;
    if (out->len > len0 && out->data[out->len - 1] == '\n')
        out->len--;
    return 0;
}

/* ---------------------------------------------------------------- delivery reports */

static void pend_add(struct kafka_sink *s, size_t rel, int code, uint64_t n)
{
    size_t i;

    for (i = 0; i < s->npend; i++)
        if (s->pend[i].rel == rel && s->pend[i].code == code) {
            s->pend[i].n += n;
            return;
        }
    if (s->npend == s->cappend) {
        s->cappend = s->cappend ? s->cappend * 2 : 8;
        s->pend = xrealloc(s->pend, s->cappend * sizeof *s->pend);
    }
    s->pend[s->npend].rel = rel;
    s->pend[s->npend].code = code;
    s->pend[s->npend].n = n;
    s->npend++;
}

/* Tell the runner what failed since the last call (see the top of the file for why not at once). */
static void pend_drain(struct kafka_sink *s)
{
    size_t i;
    char cls[96];

    for (i = 0; i < s->npend; i++) {
        int code = s->pend[i].code;
        if (code == KAFKA_UNDELIVERED || code == RD_KAFKA_RESP_ERR__PURGE_QUEUE ||
            code == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT)
            snprintf(cls, sizeof cls, "kafka: undelivered at exit (flush timed out)");
        else
            snprintf(cls, sizeof cls, "kafka: %s", rd_kafka_err2str((rd_kafka_resp_err_t)code));
        sink_failed(s->a->outcomes, s->rels[s->pend[i].rel].rel, s->pend[i].n, cls);
    }
    s->npend = 0;
}

static void count_partition(struct krel *k, int32_t part)
{
    if (part < 0)
        return;
    if (part >= k->nparts) {
        int32_t n = part + 1;
        k->parts = xrealloc(k->parts, (size_t)n * sizeof *k->parts);
        memset(k->parts + k->nparts, 0, (size_t)(n - k->nparts) * sizeof *k->parts);
        k->nparts = n;
    }
    k->parts[part]++;
}

static void lat_flush(struct kafka_sink *s)
{
    if (s->run_n)
        sink_latency(s->a->outcomes, s->rels[s->run_rel].rel, s->run_ns, s->run_n);
    s->run_n = 0;
}

/* rd_kafka_poll, noting the time first (on_delivery reads it). */
static void poll_reports(struct kafka_sink *s, int ms)
{
    s->now = fount_now_ns();
    rd_kafka_poll(s->rk, ms);
    lat_flush(s);
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    struct kafka_sink *s = opaque;
    uint64_t op = (uint64_t)(uintptr_t)m->_private;
    size_t ri = (size_t)(op >> (64 - KAFKA_REL_BITS));
    uint64_t ns;
    struct krel *k;

    (void)rk;
    if (ri >= s->nrels)
        return;
    k = &s->rels[ri];
    if (k->inflight)
        k->inflight--;
    if (m->err) {
        pend_add(s, ri, m->err, 1);
        return;
    }
    k->acked++;
    count_partition(k, m->partition);
    ns = ((uint64_t)(s->now - s->t0) - op) & KAFKA_TIME_MASK;
    if (s->run_n && (s->run_rel != ri || s->run_ns != ns))
        lat_flush(s);
    s->run_rel = ri;
    s->run_ns = ns;
    s->run_n++;
}

static void on_error(rd_kafka_t *rk, int code, const char *reason, void *opaque)
{
    struct kafka_sink *s = opaque;
    char buf[256];

    if (code != RD_KAFKA_RESP_ERR__FATAL || s->fatal)
        return; /* transient: librdkafka retries, and the delivery reports tell the outcome */
    s->fatal = 1;
    rd_kafka_fatal_error(rk, buf, sizeof buf);
    snprintf(s->fatal_msg, sizeof s->fatal_msg, "%s (%s)", buf, reason);
}

/* librdkafka logs each failed connection attempt; fount reports the outcome instead. -X debug=...
 * brings the log back (kafka_open does not install this then). */
static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    (void)rk;
    (void)level;
    (void)fac;
    (void)buf;
}

/* ---------------------------------------------------------------- open */

/* Partitions of the topic in md (all the cluster's topics), or -1 when it has no such topic. */
static int32_t topic_partitions(const struct rd_kafka_metadata *md, const char *topic)
{
    int i;

    for (i = 0; i < md->topic_cnt; i++)
        if (!strcmp(md->topics[i].topic, topic))
            return md->topics[i].err ? -1 : md->topics[i].partition_cnt;
    return -1;
}

/* The topic's partitions: from md (the cluster's topics, asked for before any topic handle
 * exists, since asking for one topic may create it), or, when the brokers may create it, from
 * its own metadata. */
static int check_topic(struct kafka_sink *s, struct krel *k, const struct rd_kafka_metadata *md,
                       int autocreate, struct fount_err *err)
{
    const struct rd_kafka_metadata *tmd = NULL;
    rd_kafka_resp_err_t e;

    k->nparts = topic_partitions(md, k->c.topic);
    if (k->nparts < 0 && !autocreate) {
        fount_err_set(err, "topic %s does not exist at %s (create it first, or pass -X "
                           "allow.auto.create.topics=true if the brokers create topics)",
                      k->c.topic, s->brokers);
        return -1;
    }
    if (k->nparts < 0) {
        e = rd_kafka_metadata(s->rk, 0, k->rkt, &tmd, (int)(s->connect_timeout / 1000));
        if (e || tmd->topic_cnt < 1 || tmd->topics[0].err) {
            fount_err_set(err, "topic %s: %s", k->c.topic,
                          rd_kafka_err2str(e ? e : tmd->topic_cnt < 1
                                                       ? RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART
                                                       : tmd->topics[0].err));
            if (tmd)
                rd_kafka_metadata_destroy(tmd);
            return -1;
        }
        k->nparts = tmd->topics[0].partition_cnt;
        rd_kafka_metadata_destroy(tmd);
    }
    if (k->nparts < 1) {
        fount_err_set(err, "topic %s has no partitions", k->c.topic);
        return -1;
    }
    k->parts = xcalloc((size_t)k->nparts, sizeof *k->parts);
    return 0;
}

static int kafka_open(void *ctx, const struct sink_args *a, struct fount_err *err)
{
    struct kafka_sink *s = ctx;
    rd_kafka_conf_t *conf;
    char topic[256], errstr[512];
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t e;
    int debug = 0, autocreate = 0, rc = FOUNT_FATAL;
    size_t i;

    s->a = a;
    s->t0 = fount_now_ns();
    buf_init(&s->tmp, KAFKA_BUF_MAX);
    if (kafka_parse_uri(a->target, s->brokers, sizeof s->brokers, topic, sizeof topic, err))
        return FOUNT_FATAL;
    if (a->format_given && a->enc.format != FMT_JSONL && a->enc.format != FMT_CSV &&
        a->enc.format != FMT_INFLUX) {
        fount_err_set(err, "--format: a Kafka message holds jsonl, csv or influx");
        return FOUNT_FATAL;
    }
    if (*s->partitioner && !kafka_partitioner_known(s->partitioner)) {
        fount_err_set(err, "-o partitioner: unknown partitioner \"%s\"", s->partitioner);
        return FOUNT_FATAL;
    }
    if (a->nrels >= (1u << KAFKA_REL_BITS)) {
        fount_err_set(err, "at most %u relations per Kafka run", (1u << KAFKA_REL_BITS) - 1);
        return FOUNT_FATAL;
    }
    s->nrels = a->nrels;
    s->rels = xcalloc(a->nrels ? a->nrels : 1, sizeof *s->rels);
    for (i = 0; i < a->nrels; i++) {
        s->rels[i].rel = a->rels[i];
        if (kafka_rel_settings(a, a->rels[i], topic, s->key, s->partitioner, &s->rels[i].c, err))
            return FOUNT_FATAL;
    }
    if (!(conf = kafka_conf_new(a, s->brokers, &debug, err)))
        return FOUNT_FATAL;
    if (rd_kafka_conf_get(conf, "allow.auto.create.topics", errstr, &(size_t){sizeof errstr}) ==
        RD_KAFKA_CONF_OK)
        autocreate = !strcmp(errstr, "true");
    rd_kafka_conf_set_opaque(conf, s);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_error_cb(conf, on_error);
    if (!debug)
        rd_kafka_conf_set_log_cb(conf, on_log);
    s->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!s->rk) {
        fount_err_set(err, "%s", errstr);
        return FOUNT_FATAL;
    }
    /* One question to the cluster, answered within connect_timeout: is it there, and which
     * topics does it hold. */
    e = rd_kafka_metadata(s->rk, 1, NULL, &md, (int)(s->connect_timeout / 1000));
    if (e) {
        fount_err_set(err, "cannot reach Kafka at %s within %g s (%s)", s->brokers,
                      (double)s->connect_timeout / 1e6, rd_kafka_err2str(e));
        return FOUNT_FATAL;
    }
    for (i = 0; i < s->nrels; i++) {
        struct krel *k = &s->rels[i];
        rd_kafka_topic_conf_t *tc = rd_kafka_default_topic_conf_dup(s->rk);
        if (k->c.partitioner &&
            rd_kafka_topic_conf_set(tc, "partitioner", k->c.partitioner, errstr, sizeof errstr)) {
            fount_err_set(err, "partitioner: %s", errstr);
            rd_kafka_topic_conf_destroy(tc);
            goto out;
        }
        if (topic_partitions(md, k->c.topic) < 0 && !autocreate) {
            rd_kafka_topic_conf_destroy(tc);
            check_topic(s, k, md, 0, err);
            goto out;
        }
        k->rkt = rd_kafka_topic_new(s->rk, k->c.topic, tc);
        if (!k->rkt) {
            fount_err_set(err, "topic %s: %s", k->c.topic, rd_kafka_err2str(rd_kafka_last_error()));
            goto out;
        }
        if (check_topic(s, k, md, autocreate, err))
            goto out;
    }
    rc = FOUNT_OK;
out:
    rd_kafka_metadata_destroy(md);
    return rc;
}

/* ---------------------------------------------------------------- producing */

static struct krel *rel_of(struct kafka_sink *s, const struct fount_relation *rel, size_t *ri)
{
    size_t i;

    if (s->last < s->nrels && s->rels[s->last].rel == rel) {
        *ri = s->last;
        return &s->rels[s->last];
    }
    for (i = 0; i < s->nrels; i++)
        if (s->rels[i].rel == rel || !strcmp(s->rels[i].rel->name, rel->name)) {
            *ri = s->last = i;
            return &s->rels[i];
        }
    return NULL;
}

static const struct krel *rel_of_const(const struct kafka_sink *s, const struct fount_relation *rel)
{
    size_t i;

    for (i = 0; i < s->nrels; i++)
        if (s->rels[i].rel == rel || !strcmp(s->rels[i].rel->name, rel->name))
            return &s->rels[i];
    return NULL;
}

/* A batch as messages: a uint32 row count, a uint32 end offset per row (from the first value),
 * then the values back to back. The table goes first so that it needs no second buffer. */
static int encode_frame(enum fount_format f, const struct fount_batch *b, struct buf *out)
{
    size_t i, base = out->len, vals;
    uint32_t n = (uint32_t)b->nrows, end;

    if (b->nrows > UINT32_MAX / 8 || buf_reserve(out, (b->nrows + 1) * sizeof n))
        return -1;
    memcpy(out->data + base, &n, sizeof n);
    vals = out->len = base + (b->nrows + 1) * sizeof n;
    if (f == FMT_JSONL && !b->row_flags && !b->row_version) {
        /* the usual case in one pass, the column names escaped once per batch */
        uint32_t *ends = xmalloc((b->nrows + 1) * sizeof *ends);
        int rc = encode_json_objects(b, out, ends);
        if (rc)
            out->len = base;
        else
            memcpy(out->data + base + sizeof n, ends, b->nrows * sizeof n);
        free(ends);
        return rc;
    }
    for (i = 0; i < b->nrows; i++) {
        if (kafka_encode_row(f, b, i, out) || out->len - vals > UINT32_MAX) {
            out->len = base;
            return -1;
        }
        end = (uint32_t)(out->len - vals);
        memcpy(out->data + base + (i + 1) * sizeof n, &end, sizeof end);
    }
    return 0;
}

static int kafka_encode(const void *ctx, const struct fount_batch *b, struct buf *out)
{
    const struct krel *k = rel_of_const(ctx, b->rel);

    return k ? encode_frame(k->c.format, b, out) : -1;
}

/* A value as a key or header: its bytes in *p (tmp holds formatted ones); -1 for NULL. */
static ssize_t value_bytes(const struct fount_value *v, const struct fount_column *c,
                           const void **p, char *tmp, size_t room)
{
    if (v->type == FV_NULL)
        return -1;
    if (v->type == FV_STRING || v->type == FV_JSON) {
        *p = v->v.s;
        return (ssize_t)v->len;
    }
    *p = tmp;
    return (ssize_t)fmt_value(tmp, room, v, c);
}

/* Produce row i of b; value: its encoded bytes. Returns librdkafka's error code. */
static rd_kafka_resp_err_t produce_row(struct kafka_sink *s, struct krel *k, size_t ri,
                                       const struct fount_batch *b, size_t i, const char *val,
                                       size_t vlen)
{
    const struct fount_relation *rel = b->rel;
    const struct fount_value *row = b->vals + i * rel->ncols;
    rd_kafka_vu_t vu[8];
    rd_kafka_headers_t *hdrs = NULL;
    char keybuf[128], hbuf[128];
    int64_t due = b->due_ns ? b->due_ns[i] : b->sent_ns;
    size_t n = 0, h;
    rd_kafka_error_t *e;
    rd_kafka_resp_err_t code;

    vu[n].vtype = RD_KAFKA_VTYPE_RKT;
    vu[n++].u.rkt = k->rkt;
    vu[n].vtype = RD_KAFKA_VTYPE_VALUE;
    vu[n].u.mem.ptr = (void *)(uintptr_t)val;
    vu[n++].u.mem.size = vlen;
    vu[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
    vu[n++].u.i = RD_KAFKA_MSG_F_COPY;
    vu[n].vtype = RD_KAFKA_VTYPE_OPAQUE;
    vu[n++].u.ptr = (void *)(uintptr_t)(((uint64_t)ri << (64 - KAFKA_REL_BITS)) |
                                        ((uint64_t)(due - s->t0) & KAFKA_TIME_MASK));
    if (k->c.key_col >= 0) {
        const void *p;
        ssize_t len = value_bytes(&row[k->c.key_col], &rel->cols[k->c.key_col], &p, keybuf,
                                  sizeof keybuf);
        if (len >= 0) {
            vu[n].vtype = RD_KAFKA_VTYPE_KEY;
            vu[n].u.mem.ptr = (void *)(uintptr_t)p;
            vu[n++].u.mem.size = (size_t)len;
        }
    }
    if (rel->time_col >= 0 && row[rel->time_col].type == FV_TIMESTAMP) {
        int64_t us = row[rel->time_col].v.i;
        vu[n].vtype = RD_KAFKA_VTYPE_TIMESTAMP;
        vu[n++].u.i64 = us >= 0 ? us / 1000 : -((-us + 999) / 1000);
    }
    /* Headers as a list of our own (VTYPE_HEADERS): librdkafka 2.0's produceva frees the
     * per-header form (VTYPE_HEADER) twice when the partitioner fails (a topic-level error such
     * as an authorization failure). Ours stay ours when the call fails, and are freed here. */
    if (k->c.nhdr) {
        hdrs = rd_kafka_headers_new(k->c.nhdr);
        for (h = 0; h < k->c.nhdr; h++) {
            const struct kafka_header *kh = &k->c.hdr[h];
            if (kh->col < 0)
                rd_kafka_header_add(hdrs, kh->name, -1, kh->value, -1);
            else {
                const void *p;
                ssize_t len = value_bytes(&row[kh->col], &rel->cols[kh->col], &p, hbuf,
                                          sizeof hbuf);
                rd_kafka_header_add(hdrs, kh->name, -1, len >= 0 ? p : NULL,
                                    len >= 0 ? len : 0);
            }
        }
        vu[n].vtype = RD_KAFKA_VTYPE_HEADERS;
        vu[n++].u.headers = hdrs;
    }
    e = rd_kafka_produceva(s->rk, vu, n);
    if (!e)
        return RD_KAFKA_RESP_ERR_NO_ERROR;
    if (hdrs)
        rd_kafka_headers_destroy(hdrs);
    code = rd_kafka_error_code(e);
    rd_kafka_error_destroy(e);
    return code;
}

static int kafka_write(void *ctx, const struct fount_batch *b, size_t *accepted,
                       struct fount_err *err)
{
    struct kafka_sink *s = ctx;
    const char *frame = b->bytes, *tab;
    size_t ri, i, start = 0;
    uint32_t n, end;
    struct krel *k = rel_of(s, b->rel, &ri);

    *accepted = 0;
    pend_drain(s);
    if (!k) {
        fount_err_set(err, "kafka: relation %s was not announced at open", b->rel->name);
        return FOUNT_FATAL;
    }
    if (!frame) { /* a resent sub-batch: encode it here */
        buf_reset(&s->tmp);
        if (encode_frame(k->c.format, b, &s->tmp)) {
            fount_err_set(err, "kafka: a batch is larger than 256 MiB");
            return FOUNT_FATAL;
        }
        frame = s->tmp.data;
    }
    tab = frame;
    memcpy(&n, frame, sizeof n);
    if (n != b->nrows) {
        fount_err_set(err, "kafka: the encoded batch holds %u rows, not %zu", n, b->nrows);
        return FOUNT_FATAL;
    }
    frame += (b->nrows + 1) * sizeof n;
    for (i = 0; i < b->nrows; i++) {
        rd_kafka_resp_err_t e;
        memcpy(&end, tab + (i + 1) * sizeof n, sizeof end);
        while ((e = produce_row(s, k, ri, b, i, frame + start, end - start)) ==
               RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            /* back-pressure: serve delivery reports until the queue has room, unless Ctrl-C:
             * with the brokers gone that could take message.timeout.ms. The rest of the batch
             * is then not taken (the runner counts it failed); what is queued is flush's. */
            if (fount_interrupted) {
                poll_reports(s, 0);
                *accepted = i;
                fount_err_set(err, "interrupted: %zu records not queued (the local queue was "
                                   "full)", b->nrows - i);
                return FOUNT_RETRY;
            }
            poll_reports(s, 5);
            if (s->fatal)
                break;
        }
        if (e == RD_KAFKA_RESP_ERR__FATAL || s->fatal) {
            char buf[256];
            if (!s->fatal)
                rd_kafka_fatal_error(s->rk, buf, sizeof buf);
            fount_err_set(err, "kafka: fatal: %s", s->fatal ? s->fatal_msg : buf);
            *accepted = i;
            return FOUNT_FATAL;
        }
        if (e) /* refused for good (too large, unknown partition): taken, then failed */
            pend_add(s, ri, e, 1);
        else
            k->inflight++;
        start = end;
    }
    poll_reports(s, 0);
    *accepted = b->nrows;
    return FOUNT_OK;
}

static int kafka_end(void *ctx, const struct fount_relation *rel, struct fount_err *err)
{
    struct kafka_sink *s = ctx;

    (void)rel;
    (void)err;
    poll_reports(s, 0);
    pend_drain(s);
    return FOUNT_OK;
}

/* The busiest partition's share of a relation's acknowledged messages: the skew its keys make. */
static void note_skew(struct kafka_sink *s, const struct krel *k)
{
    int32_t p, best = 0;

    if (k->nparts < 2 || !k->acked)
        return;
    for (p = 1; p < k->nparts; p++)
        if (k->parts[p] > k->parts[best])
            best = p;
    sink_note(s->a->outcomes, k->rel, "busiest partition %d of %d (topic %s): %.1f%% of messages "
              "(uniform would be %.1f%%)", (int)best, (int)k->nparts, k->c.topic,
              100.0 * (double)k->parts[best] / (double)k->acked, 100.0 / k->nparts);
}

/* rd_kafka_flush in steps of 10 ms, so that the delivery reports it serves read a fresh clock. */
static rd_kafka_resp_err_t flush_reports(struct kafka_sink *s, int64_t ms)
{
    int64_t end = fount_now_ns() + ms * 1000000;
    rd_kafka_resp_err_t e;

    do {
        s->now = fount_now_ns();
        e = rd_kafka_flush(s->rk, 10);
        lat_flush(s);
    } while (e == RD_KAFKA_RESP_ERR__TIMED_OUT && fount_now_ns() < end);
    return e;
}

static int kafka_flush(void *ctx, int timeout_ms, struct fount_err *err)
{
    struct kafka_sink *s = ctx;
    int64_t ms = s->flush_timeout / 1000;
    size_t i;

    (void)err;
    if (timeout_ms >= 0 && timeout_ms < ms)
        ms = timeout_ms;
    if (flush_reports(s, ms) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        /* Give up on what is left: purged messages get delivery reports (_PURGE_*), which
         * count them undelivered; anything that still has none is counted here. */
        rd_kafka_purge(s->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        flush_reports(s, 1000);
    }
    for (i = 0; i < s->nrels; i++)
        if (s->rels[i].inflight) {
            pend_add(s, i, KAFKA_UNDELIVERED, s->rels[i].inflight);
            s->rels[i].inflight = 0;
        }
    pend_drain(s);
    for (i = 0; i < s->nrels; i++)
        note_skew(s, &s->rels[i]);
    return FOUNT_OK;
}

static void kafka_close(void *ctx)
{
    struct kafka_sink *s = ctx;
    size_t i;

    for (i = 0; i < s->nrels; i++) {
        if (s->rels[i].rkt)
            rd_kafka_topic_destroy(s->rels[i].rkt);
        free(s->rels[i].parts);
    }
    if (s->rk) {
        rd_kafka_purge(s->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_destroy(s->rk);
    }
    free(s->rels);
    free(s->pend);
    buf_free(&s->tmp);
    s->rels = NULL;
    s->rk = NULL;
}

const struct fount_sink_type kafka_sink_type = {
    .name = "kafka",
    .desc = "Kafka (librdkafka): kafka://host:port/topic, one message per record, keyed; "
            "delivery reports decide what counts as written (docs/sinks/kafka.md)",
    .opts = kafka_opts,
    .ctx_size = sizeof(struct kafka_sink),
    .open = kafka_open,
    .write_batch = kafka_write,
    .end = kafka_end,
    .flush = kafka_flush,
    .close = kafka_close,
    .encode = kafka_encode,
    .reports_latency = 1,
    .check_profile = kafka_check_profile,
    .check_props = kafka_check_props,
};
