/* kafka.h: the parts of the Kafka sink that tests call without a broker: the URI, the topic
 * template, librdkafka properties, a relation's settings and a message's value; and what kafka.c
 * (producing) takes from kafka_conf.c (settings). */
#ifndef FOUNT_KAFKA_H
#define FOUNT_KAFKA_H

#include <librdkafka/rdkafka.h>

#include "sink.h"

#define KAFKA_MAX_HEADERS 16

/* "//host:port[,host:port...]/topic" (the part after "kafka:") into brokers and topic ("" when
 * the URI names none). Returns 0, or -1 with err set. */
int kafka_parse_uri(const char *target, char *brokers, size_t nb, char *topic, size_t nt,
                    struct fount_err *err);
/* A topic template: "{relation}" becomes the relation's name. Returns 0, or -1 when too long
 * or when the result is not a valid Kafka topic name (err says why). */
int kafka_topic_name(const char *tmpl, const char *rel, char *out, size_t n,
                     struct fount_err *err);
/* "key=value" strings: each must be a property librdkafka accepts. 0, or -1 naming the first
 * one it rejects. */
int kafka_check_props(char *const *kv, size_t n, struct fount_err *err);
/* fount's defaults (docs/sinks/kafka.md), then the profile's rdkafka.* keys, then -X (a->props),
 * and bootstrap.servers. *debug is set when one of them sets librdkafka's debug. NULL with err
 * naming a rejected property. The caller owns the result. */
rd_kafka_conf_t *kafka_conf_new(const struct sink_args *a, const char *brokers, int *debug,
                                struct fount_err *err);
/* One of the partitioners librdkafka knows (murmur2_random, ...). */
int kafka_partitioner_known(const char *name);
/* The profile's sinks.kafka section, at load time (sink.h, check_profile). */
int kafka_check_profile(struct pctx *c, const struct cJSON *cfg, const char *path);

struct kafka_header {
    const char *name;           /* borrowed from the profile */
    const char *value;          /* static value, or NULL when col >= 0 */
    char num[32];               /* a number or boolean from the profile, as text */
    int col;                    /* the field whose value this header carries, or -1 */
};

struct kafka_relconf {          /* one relation's settings, resolved */
    char topic[256];
    enum fount_format format;
    int key_col;                /* -1: no key */
    struct kafka_header hdr[KAFKA_MAX_HEADERS];
    size_t nhdr;
    const char *partitioner;    /* NULL: the default */
};

/* A relation's settings: the -o options (key_opt, part_opt; "" when not given), else the URI's
 * topic (uri_topic, "" for none), else the profile's relations.NAME, else its top level, else
 * the defaults (topic {relation}, the stream's key or primary key, JSON). a->format_given
 * overrides the format. 0, or -1 with err set (a field that does not exist). */
int kafka_rel_settings(const struct sink_args *a, const struct fount_relation *rel,
                       const char *uri_topic, const char *key_opt, const char *part_opt,
                       struct kafka_relconf *out, struct fount_err *err);

/* Row i of a batch as one message's value in format f (FMT_JSONL: a JSON object; FMT_CSV, FMT_INFLUX:
 * one line), without a trailing newline, injected faults applied. Appends; -1 at out's cap. */
int kafka_encode_row(enum fount_format f, const struct fount_batch *b, size_t i, struct buf *out);

extern const struct fount_sink_type kafka_sink_type;

#endif
