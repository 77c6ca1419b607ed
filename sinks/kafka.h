/* kafka.h: the parts of the Kafka sink (kafka.c) that tests call without a broker: the URI, the
 * topic template, librdkafka properties, and a message's value. */
#ifndef FOUNT_KAFKA_H
#define FOUNT_KAFKA_H

#include "sink.h"

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
/* Row i of a batch as one message's value in format f (FMT_JSONL: a JSON object; FMT_CSV, FMT_INFLUX:
 * one line), without a trailing newline, injected faults applied. Appends; -1 at out's cap. */
int kafka_encode_row(enum fount_format f, const struct fount_batch *b, size_t i, struct buf *out);

extern const struct fount_sink_type kafka_sink_type;

#endif
