/* kafka-ref.c: the librdkafka limit for `make bench`: a minimal producer loop sending pre-built
 * messages (keyed, timestamped) as fast as librdkafka takes them, with the properties fount uses,
 * and counting delivery reports. What fount's Kafka sink is measured against.
 *   kafka-ref BOOTSTRAP TOPIC MESSAGES SIZE [key=value...]   (librdkafka properties)
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
    char errstr[256], *val;
    rd_kafka_conf_t *conf;
    rd_kafka_t *rk;
    rd_kafka_topic_t *rkt;
    long long n, i;
    size_t size;
    double t0, t;
    int a;

    if (argc < 5) {
        fprintf(stderr, "usage: kafka-ref BOOTSTRAP TOPIC MESSAGES SIZE [key=value...]\n");
        return 2;
    }
    n = atoll(argv[3]);
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
    for (i = 0; i < (long long)size; i++)
        val[i] = "{\"abcdefghij\":0123456789,}"[(i * 7 + i / 13) % 26];
    t0 = now_s();
    for (i = 0; i < n; i++) {
        char key[24];
        int kl = snprintf(key, sizeof key, "%lld", (i * 2654435761LL) % 100000);
        val[i % size] = (char)('a' + i % 26);
        while (rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_VALUE(val, size),
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
           size, t, (double)n / t, failed, n - delivered - failed);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
    free(val);
    return failed || delivered != n;
}
