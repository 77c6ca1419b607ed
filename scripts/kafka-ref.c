/* kafka-ref.c: the librdkafka limit for `make bench`: a minimal producer loop sending pre-built
 * messages (keyed, timestamped) as fast as librdkafka takes them, with the properties fount uses,
 * and counting delivery reports. What fount's Kafka sink is measured against.
 *   kafka-ref BOOTSTRAP TOPIC MESSAGES SIZE|@FILE [key=value...]   (librdkafka properties)
 * SIZE: a made-up value of SIZE bytes, varied a little (lz4 finds it very compressible). @FILE:
 * the values are FILE's lines (fount's own JSON, say), sent in turn: what lz4 has to do is then
 * what it does for fount. Loaded before the clock starts.
 * Prints "N messages of S bytes in T s: R msgs/s, F failed". Leaves out: everything else. */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long failed, delivered;

static void on_dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    (void)opaque;
    if (m->err)
        failed++;
    else
        delivered++;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* FILE's lines (without newlines) into *vals, their starts and lengths into *off and *len. */
static size_t load_values(const char *path, char **vals, size_t **off, size_t **len)
{
    FILE *f = fopen(path, "r");
    size_t cap = 0, n = 0, used = 0, lcap = 0;
    ssize_t got;
    char *line = NULL;

    if (!f) {
        perror(path);
        exit(2);
    }
    *vals = NULL;
    *off = *len = NULL;
    while ((got = getline(&line, &lcap, f)) > 0) {
        if (line[got - 1] == '\n')
            got--;
        if (used + (size_t)got > cap) {
            cap = (used + (size_t)got) * 2;
            *vals = realloc(*vals, cap);
        }
        if (n % 1024 == 0) {
            *off = realloc(*off, (n + 1024) * sizeof **off);
            *len = realloc(*len, (n + 1024) * sizeof **len);
        }
        memcpy(*vals + used, line, (size_t)got);
        (*off)[n] = used;
        (*len)[n++] = (size_t)got;
        used += (size_t)got;
    }
    free(line);
    fclose(f);
    if (!n) {
        fprintf(stderr, "kafka-ref: %s holds no values\n", path);
        exit(2);
    }
    return n;
}

static void set(rd_kafka_conf_t *c, const char *k, const char *v)
{
    char errstr[256];

    if (rd_kafka_conf_set(c, k, v, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "kafka-ref: %s: %s\n", k, errstr);
        exit(2);
    }
}

int main(int argc, char **argv)
{
    char errstr[256], *val, *vals = NULL;
    size_t *voff = NULL, *vlen = NULL, nvals = 0, total = 0;
    rd_kafka_conf_t *conf;
    rd_kafka_t *rk;
    rd_kafka_topic_t *rkt;
    long long n, i;
    size_t size;
    double t0, t;
    int a;

    if (argc < 5) {
        fprintf(stderr, "usage: kafka-ref BOOTSTRAP TOPIC MESSAGES SIZE|@FILE [key=value...]\n");
        return 2;
    }
    n = atoll(argv[3]);
    if (argv[4][0] == '@') {
        nvals = load_values(argv[4] + 1, &vals, &voff, &vlen);
        size = 0;
    } else
        size = (size_t)atol(argv[4]);
    conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", argv[1]);
    for (a = 5; a < argc; a++) {
        char *eq = strchr(argv[a], '=');
        if (!eq) {
            fprintf(stderr, "kafka-ref: expected key=value, got %s\n", argv[a]);
            return 2;
        }
        *eq = '\0';
        set(conf, argv[a], eq + 1);
    }
    rd_kafka_conf_set_dr_msg_cb(conf, on_dr);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
        fprintf(stderr, "kafka-ref: %s\n", errstr);
        return 1;
    }
    rkt = rd_kafka_topic_new(rk, argv[2], NULL);
    /* A JSON-ish value of the same size as fount's, varied a little so lz4 has work to do. */
    val = malloc(size + 1);
    val[size] = '\0';
    for (i = 0; i < (long long)size; i++)
        val[i] = "{\"abcdefghij\":0123456789,}"[(i * 7 + i / 13) % 26];
    t0 = now_s();
    for (i = 0; i < n; i++) {
        char key[24];
        int kl = snprintf(key, sizeof key, "%lld", (i * 2654435761LL) % 100000);
        char *v = val;
        size_t vl = size;
        if (nvals) {
            v = vals + voff[i % (long long)nvals];
            vl = vlen[i % (long long)nvals];
        } else
            val[i % size] = (char)('a' + i % 26);
        total += vl;
        while (rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_VALUE(v, vl),
                                 RD_KAFKA_V_KEY(key, (size_t)kl),
                                 RD_KAFKA_V_TIMESTAMP(1767225600000LL + i),
                                 RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                 RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL)
            rd_kafka_poll(rk, 5);
        if ((i & 1023) == 0)
            rd_kafka_poll(rk, 0);
    }
    rd_kafka_flush(rk, 60000);
    t = now_s() - t0;
    printf("%lld messages of %zu bytes in %.2f s: %.0f msgs/s, %lld failed, %lld undelivered\n", n,
           n ? total / (size_t)n : 0, t, (double)n / t, failed, n - delivered - failed);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
    free(val);
    free(vals);
    free(voff);
    free(vlen);
    return failed || delivered != n;
}
