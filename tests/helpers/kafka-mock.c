/* kafka-mock.c: a Kafka broker for tests: librdkafka's mock cluster held open in its own process, so
 * that the real fount binary and kcat talk to it over TCP on 127.0.0.1 (SERVICES.md, Kafka).
 *
 *   kafka-mock [-b BROKERS] [-t TOPIC:PARTITIONS]... [-c FIFO] BOOTFILE
 *       starts BROKERS (3) brokers, creates the topics (replication: min(3, BROKERS)), writes the
 *       bootstrap list to BOOTFILE (by rename, so it appears whole), then reads commands on stdin
 *       (or, with -c, from the named pipe FIFO, reopened after each writer: `echo down 1 > FIFO`),
 *       one per line, until "quit" (after the end of stdin it serves until SIGTERM):
 *         topic NAME PARTITIONS          create a topic
 *         errors APIKEY N ERR...         the next N requests of APIKEY (Produce, Metadata or a
 *                                        number) fail with ERR (names such as
 *                                        NOT_LEADER_FOR_PARTITION, TOPIC_AUTHORIZATION_FAILED,
 *                                        _TRANSPORT); one ERR is repeated N times
 *         clear APIKEY                   drop what is left of the errors pushed for APIKEY (an
 *                                        injection the run did not use up must not reach the next)
 *         down ID | up ID                take broker ID down or bring it back
 *         rtt ID MS                      delay broker ID's answers
 *         leader TOPIC PARTITION ID      move a partition's leader
 *       Each command is answered "ok" or "error: ..." on stdout.
 *   kafka-mock --murmur2 PARTITIONS
 *       reads keys (lines) on stdin and prints the partition librdkafka's murmur2 partitioner (the
 *       Java client's) picks for each: what a test expects a keyed message's partition to be.
 * Leaves out: consuming (kcat does it), anything the mock cluster itself does not support. */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int err_code(const char *name, rd_kafka_resp_err_t *out)
{
    const struct rd_kafka_err_desc *d;
    size_t i, n;

    rd_kafka_get_err_descs(&d, &n);
    for (i = 0; i < n; i++)
        if (d[i].name && !strcmp(d[i].name, name)) {
            *out = d[i].code;
            return 0;
        }
    return -1;
}

static int api_key(const char *s)
{
    if (!strcmp(s, "Produce"))
        return 0;
    if (!strcmp(s, "Fetch"))
        return 1;
    if (!strcmp(s, "Metadata"))
        return 3;
    if (!strcmp(s, "InitProducerId"))
        return 22;
    return atoi(s);
}

static void command(rd_kafka_mock_cluster_t *mc, char *line)
{
    char *argv[64];
    int argc = 0;
    char *tok, *save = NULL;

    for (tok = strtok_r(line, " \t\r\n", &save); tok && argc < 64;
         tok = strtok_r(NULL, " \t\r\n", &save))
        argv[argc++] = tok;
    if (argc == 0)
        return;
    if (!strcmp(argv[0], "topic") && argc == 3) {
        rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(mc, argv[1], atoi(argv[2]), 1);
        printf(e ? "error: %s\n" : "ok\n", rd_kafka_err2str(e));
    } else if (!strcmp(argv[0], "errors") && argc >= 4) {
        size_t n = (size_t)atoi(argv[2]), i;
        rd_kafka_resp_err_t *errs = calloc(n ? n : 1, sizeof *errs);
        int bad = 0;
        /* one name for all n, or n names */
        bad = argc - 3 != 1 && (size_t)(argc - 3) != n;
        for (i = 0; i < n && !bad; i++)
            bad = err_code(argv[argc - 3 == 1 ? 3 : 3 + i], &errs[i]) != 0;
        if (bad)
            printf("error: unknown error name or count\n");
        else {
            rd_kafka_mock_push_request_errors_array(mc, (int16_t)api_key(argv[1]), n, errs);
            printf("ok\n");
        }
        free(errs);
    } else if (!strcmp(argv[0], "clear") && argc == 2) {
        rd_kafka_mock_clear_request_errors(mc, (int16_t)api_key(argv[1]));
        printf("ok\n");
    } else if (!strcmp(argv[0], "down") && argc == 2) {
        rd_kafka_mock_broker_set_down(mc, atoi(argv[1]));
        printf("ok\n");
    } else if (!strcmp(argv[0], "up") && argc == 2) {
        rd_kafka_mock_broker_set_up(mc, atoi(argv[1]));
        printf("ok\n");
    } else if (!strcmp(argv[0], "rtt") && argc == 3) {
        rd_kafka_mock_broker_set_rtt(mc, atoi(argv[1]), atoi(argv[2]));
        printf("ok\n");
    } else if (!strcmp(argv[0], "leader") && argc == 4) {
        rd_kafka_mock_partition_set_leader(mc, argv[1], atoi(argv[2]), atoi(argv[3]));
        printf("ok\n");
    } else {
        printf("error: unknown command %s\n", argv[0]);
    }
    fflush(stdout);
}

static int murmur2(int parts)
{
    char line[4096];

    while (fgets(line, sizeof line, stdin)) {
        size_t n = strcspn(line, "\r\n");
        printf("%d\n", (int)rd_kafka_msg_partitioner_murmur2(NULL, line, n, parts, NULL, NULL));
    }
    return 0;
}

int main(int argc, char **argv)
{
    char errstr[512], line[1024], tmp[4096];
    const char *bootfile = NULL, *fifo = NULL;
    rd_kafka_conf_t *conf;
    rd_kafka_mock_cluster_t *mc;
    rd_kafka_t *rk;
    int brokers = 3, i;
    FILE *f;

    if (argc == 3 && !strcmp(argv[1], "--murmur2"))
        return murmur2(atoi(argv[2]));
    signal(SIGPIPE, SIG_IGN);
    conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
        fprintf(stderr, "kafka-mock: %s\n", errstr);
        return 1;
    }
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-b") && i + 1 < argc)
            brokers = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-t") && i + 1 < argc)
            i++;
        else if (!strcmp(argv[i], "-c") && i + 1 < argc)
            fifo = argv[++i];
        else
            bootfile = argv[i];
    }
    if (!bootfile) {
        fprintf(stderr, "usage: kafka-mock [-b BROKERS] [-t TOPIC:PARTITIONS]... BOOTFILE\n");
        return 2;
    }
    if (fifo && access(fifo, R_OK)) {
        fprintf(stderr, "kafka-mock: cannot read %s (make it with mkfifo)\n", fifo);
        return 1;
    }
    mc = rd_kafka_mock_cluster_new(rk, brokers);
    if (!mc) {
        fprintf(stderr, "kafka-mock: cannot start the mock cluster\n");
        return 1;
    }
    for (i = 1; i < argc; i++)
        if (!strcmp(argv[i], "-t") && i + 1 < argc) {
            char *colon = strrchr(argv[++i], ':');
            int parts = colon ? atoi(colon + 1) : 1;
            if (colon)
                *colon = '\0';
            rd_kafka_mock_topic_create(mc, argv[i], parts, brokers < 3 ? brokers : 3);
        }
    snprintf(tmp, sizeof tmp, "%s.tmp", bootfile);
    f = fopen(tmp, "w");
    if (!f || fprintf(f, "%s\n", rd_kafka_mock_cluster_bootstraps(mc)) < 0 || fclose(f) ||
        rename(tmp, bootfile)) {
        fprintf(stderr, "kafka-mock: cannot write %s\n", bootfile);
        return 1;
    }
    while (fifo) { /* one writer after another; SIGTERM ends it */
        FILE *in = fopen(fifo, "r");
        if (!in) {
            fprintf(stderr, "kafka-mock: cannot open %s\n", fifo);
            return 1;
        }
        while (fgets(line, sizeof line, in))
            command(mc, line);
        fclose(in);
    }
    for (;;) {
        if (!fgets(line, sizeof line, stdin)) {
            pause(); /* no more commands: serve until SIGTERM */
            continue;
        }
        if (!strncmp(line, "quit", 4))
            break;
        command(mc, line);
    }
    rd_kafka_mock_cluster_destroy(mc);
    rd_kafka_destroy(rk);
    return 0;
}
