/* kafka_conf.c: the Kafka sink's settings: the URI and topic names, librdkafka properties (fount's
 * defaults, the profile's rdkafka.* keys, -X), and the profile's sinks.kafka section, checked at
 * load time (file:line:col, exit 2) and resolved per relation at open. Leaves out: producing
 * (kafka.c). */
#include "kafka.h"

#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "../generator/profile_priv.h"

/* fount's defaults, set before the profile's rdkafka.* keys and -X (docs/sinks/kafka.md says why). */
static const char *const kafka_defaults[][2] = {
    {"acks", "all"},
    {"enable.idempotence", "true"},
    {"linger.ms", "20"},
    {"batch.size", "1000000"},
    {"batch.num.messages", "10000"},
    {"compression.type", "lz4"},
    {"queue.buffering.max.messages", "100000"},
    {"queue.buffering.max.kbytes", "65536"},
    {"message.timeout.ms", "120000"},
    {"allow.auto.create.topics", "false"},
    {"partitioner", "murmur2_random"},
};

static const char *const kafka_partitioners[] = {
    "murmur2_random", "murmur2", "consistent_random", "consistent", "random", "fnv1a_random",
    "fnv1a", NULL,
};

/* ---------------------------------------------------------------- the URI, topics, properties */

int kafka_parse_uri(const char *target, char *brokers, size_t nb, char *topic, size_t nt,
                    struct fount_err *err)
{
    const char *p = target, *slash;
    size_t n;

    if (strncmp(p, "//", 2) != 0) {
        fount_err_set(err, "a Kafka URI reads kafka://host:port/topic, got \"kafka:%s\"", target);
        return -1;
    }
    p += 2;
    slash = strchr(p, '/');
    n = slash ? (size_t)(slash - p) : strlen(p);
    if (n == 0) {
        fount_err_set(err, "kafka:%s: no broker address (kafka://host:port/topic)", target);
        return -1;
    }
    if (n >= nb) {
        fount_err_set(err, "kafka:%s: the broker list is too long", target);
        return -1;
    }
    memcpy(brokers, p, n);
    brokers[n] = '\0';
    p = slash ? slash + 1 : "";
    if (strchr(p, '?') || strchr(p, '/')) {
        fount_err_set(err, "kafka:%s: after the brokers comes one topic (options go in -o, "
                           "librdkafka properties in -X)", target);
        return -1;
    }
    if (strlen(p) >= nt) {
        fount_err_set(err, "kafka:%s: the topic is too long", target);
        return -1;
    }
    snprintf(topic, nt, "%s", p);
    return 0;
}

int kafka_topic_name(const char *tmpl, const char *rel, char *out, size_t n, struct fount_err *err)
{
    static const char mark[] = "{relation}";
    size_t w = 0, i;
    const char *p = tmpl;

    while (*p) {
        const char *s = p;
        size_t len = 1;
        if (!strncmp(p, mark, sizeof mark - 1)) {
            s = rel;
            len = strlen(rel);
            p += sizeof mark - 1;
        } else
            p++;
        if (w + len >= n || w + len > 249) {
            fount_err_set(err, "topic \"%s\" for %s is longer than Kafka's 249 characters", tmpl,
                          rel);
            return -1;
        }
        memcpy(out + w, s, len);
        w += len;
    }
    out[w] = '\0';
    for (i = 0; i < w; i++)
        if (!(out[i] >= 'a' && out[i] <= 'z') && !(out[i] >= 'A' && out[i] <= 'Z') &&
            !(out[i] >= '0' && out[i] <= '9') && !strchr("._-", out[i])) {
            fount_err_set(err, "topic \"%s\": Kafka topic names take letters, digits, '.', '_' "
                               "and '-' only", out);
            return -1;
        }
    if (w == 0 || !strcmp(out, ".") || !strcmp(out, "..")) {
        fount_err_set(err, "topic \"%s\" is not a valid Kafka topic name", out);
        return -1;
    }
    return 0;
}

/* Sets key=value on conf; on rejection, err names the property. */
static int conf_set(rd_kafka_conf_t *conf, const char *key, const char *val, const char *where,
                    struct fount_err *err)
{
    char errstr[256];

    if (rd_kafka_conf_set(conf, key, val, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        fount_err_set(err, "%s%s: %s", where, key, errstr);
        return -1;
    }
    return 0;
}

static int conf_set_kv(rd_kafka_conf_t *conf, const char *kv, struct fount_err *err)
{
    const char *eq = strchr(kv, '=');
    char key[256];

    if (!eq || eq == kv || (size_t)(eq - kv) >= sizeof key) {
        fount_err_set(err, "-X %s: expected a librdkafka property as key=value", kv);
        return -1;
    }
    memcpy(key, kv, (size_t)(eq - kv));
    key[eq - kv] = '\0';
    return conf_set(conf, key, eq + 1, "-X ", err);
}

int kafka_check_props(char *const *kv, size_t n, struct fount_err *err)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    size_t i;
    int rc = 0;

    for (i = 0; i < n && !rc; i++)
        rc = conf_set_kv(conf, kv[i], err);
    rd_kafka_conf_destroy(conf);
    return rc;
}

rd_kafka_conf_t *kafka_conf_new(const struct sink_args *a, const char *brokers, int *debug,
                                struct fount_err *err)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    const cJSON *it;
    size_t i;

    for (i = 0; i < sizeof kafka_defaults / sizeof kafka_defaults[0]; i++)
        if (conf_set(conf, kafka_defaults[i][0], kafka_defaults[i][1], "default ", err))
            goto fail;
    if (conf_set(conf, "bootstrap.servers", brokers, "", err))
        goto fail;
    cJSON_ArrayForEach(it, a->profile_cfg) {
        char val[64];
        const char *v = val;
        if (strncmp(it->string, "rdkafka.", 8) != 0)
            continue;
        if (cJSON_IsString(it))
            v = it->valuestring;
        else if (cJSON_IsBool(it))
            v = cJSON_IsTrue(it) ? "true" : "false";
        else
            snprintf(val, sizeof val, "%.17g", it->valuedouble);
        if (conf_set(conf, it->string + 8, v, "sinks.kafka.rdkafka.", err))
            goto fail;
        *debug |= !strcmp(it->string + 8, "debug");
    }
    for (i = 0; i < a->nprops; i++) {
        if (conf_set_kv(conf, a->props[i], err))
            goto fail;
        *debug |= !strncmp(a->props[i], "debug=", 6);
    }
    return conf;
fail:
    rd_kafka_conf_destroy(conf);
    return NULL;
}

/* ---------------------------------------------------------------- the profile's section, at load */

static const char *const kafka_rel_keys[] = {"topic", "key", "headers", "partitioner", "format",
                                             NULL};

static const struct entity *find_entity(const struct plan *p, const char *name)
{
    size_t i;

    for (i = 0; i < p->nents; i++)
        if (p->ents[i].name && !strcmp(p->ents[i].name, name))
            return &p->ents[i];
    return NULL;
}

/* "{field}": the field's name in out; else 0 (a static value). */
static int header_field(const char *v, char *out, size_t n)
{
    size_t len = strlen(v);

    if (len < 3 || v[0] != '{' || v[len - 1] != '}' || len - 2 >= n)
        return 0;
    memcpy(out, v + 1, len - 2);
    out[len - 2] = '\0';
    return 1;
}

static int in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(s, *list))
            return 1;
    return 0;
}

/* Checks one set of settings (the top level or relations.NAME); e: the relation's entity, or NULL
 * at the top level, whose fields check_top_fields checks against every relation they apply to. */
static int check_settings(struct pctx *c, const cJSON *cfg, const char *path,
                          const struct entity *e)
{
    const cJSON *it;
    char p[PATH_MAX_LEN], hint[128], fname[128];
    const char *s;
    int bad = 0;
    struct fount_err err;

    if (pstr(c, cfg, path, "topic", 0, &s) == 1) {
        char out[256];
        if (kafka_topic_name(s, e ? e->name : "relation", out, sizeof out, &err)) {
            perr_val(c, pjoin(p, path, "topic"), "%s", err.msg);
            bad++;
        }
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(cfg, "key")) && !cJSON_IsNull(it)) {
        if (!cJSON_IsString(it)) {
            perr_val(c, pjoin(p, path, "key"), "expected a field name or null, got %s",
                     ptype_name(it));
            bad++;
        } else if (e && strcmp(it->valuestring, "none") &&
                   relation_col(&e->rel, it->valuestring) < 0) {
            perr_val(c, pjoin(p, path, "key"), "%s has no field \"%s\"%s", e->name,
                     it->valuestring, field_hint(hint, sizeof hint, e, it->valuestring));
            bad++;
        }
    }
    if (pstr(c, cfg, path, "partitioner", 0, &s) == 1 && !in_list(s, kafka_partitioners)) {
        perr_val(c, pjoin(p, path, "partitioner"), "unknown partitioner \"%s\" (murmur2_random, "
                 "murmur2, consistent_random, consistent, random, fnv1a_random or fnv1a)", s);
        bad++;
    }
    if (pstr(c, cfg, path, "format", 0, &s) == 1 && strcmp(s, "json") && strcmp(s, "csv") &&
        strcmp(s, "influx")) {
        perr_val(c, pjoin(p, path, "format"), "a message's value is json, csv or influx, got "
                 "\"%s\"", s);
        bad++;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(cfg, "headers"))) {
        const cJSON *h;
        char hp[PATH_MAX_LEN];
        if (!cJSON_IsObject(it)) {
            perr_val(c, pjoin(p, path, "headers"), "expected an object of header names and "
                     "values (\"{field}\" for a field's value), got %s", ptype_name(it));
            return bad + 1;
        }
        if (cJSON_GetArraySize(it) > KAFKA_MAX_HEADERS) {
            perr(c, pjoin(p, path, "headers"), "at most %d headers", KAFKA_MAX_HEADERS);
            bad++;
        }
        cJSON_ArrayForEach(h, it) {
            pjoin(hp, pjoin(p, path, "headers"), h->string);
            if (!cJSON_IsString(h) && !cJSON_IsNumber(h) && !cJSON_IsBool(h)) {
                perr_val(c, hp, "expected a string (\"{field}\" for a field's value), got %s",
                         ptype_name(h));
                bad++;
            } else if (e && cJSON_IsString(h) && header_field(h->valuestring, fname, sizeof fname)
                       && relation_col(&e->rel, fname) < 0) {
                perr_val(c, hp, "%s has no field \"%s\"%s", e->name, fname,
                         field_hint(hint, sizeof hint, e, fname));
                bad++;
            }
        }
    }
    return bad;
}

/* The top level's key and "{field}" headers apply to every relation that has no key (headers) of
 * its own in relations.NAME: each such relation must have the field. */
static int check_top_fields(struct pctx *c, const cJSON *cfg, const char *path)
{
    const cJSON *key = cJSON_GetObjectItemCaseSensitive(cfg, "key");
    const cJSON *hdrs = cJSON_GetObjectItemCaseSensitive(cfg, "headers");
    const cJSON *rels = cJSON_GetObjectItemCaseSensitive(cfg, "relations"), *h;
    char p[PATH_MAX_LEN], hint[128], fname[128];
    size_t i;
    int bad = 0;

    if (!cJSON_IsString(key) || !strcmp(key->valuestring, "none"))
        key = NULL;
    if (!cJSON_IsObject(hdrs))
        hdrs = NULL;
    for (i = 0; i < c->plan->nents; i++) {
        const struct entity *e = &c->plan->ents[i];
        const cJSON *own = cJSON_IsObject(rels) && e->name
                               ? cJSON_GetObjectItemCaseSensitive(rels, e->name) : NULL;
        if (!e->name)
            continue;
        if (key && !cJSON_GetObjectItemCaseSensitive(own, "key") &&
            relation_col(&e->rel, key->valuestring) < 0) {
            perr_val(c, pjoin(p, path, "key"), "%s has no field \"%s\"%s (the top-level key "
                     "applies to every relation without one of its own: set relations.%s.key, "
                     "\"none\" for no key)", e->name, key->valuestring,
                     field_hint(hint, sizeof hint, e, key->valuestring), e->name);
            bad++;
        }
        if (!hdrs || cJSON_GetObjectItemCaseSensitive(own, "headers"))
            continue;
        cJSON_ArrayForEach(h, hdrs) {
            if (cJSON_IsString(h) && header_field(h->valuestring, fname, sizeof fname) &&
                relation_col(&e->rel, fname) < 0) {
                char hp[PATH_MAX_LEN];
                pjoin(hp, pjoin(p, path, "headers"), h->string);
                perr_val(c, hp, "%s has no field \"%s\"%s (the top-level headers "
                         "apply to every relation without its own: set relations.%s.headers)",
                         e->name, fname, field_hint(hint, sizeof hint, e, fname), e->name);
                bad++;
            }
        }
    }
    return bad;
}

int kafka_check_profile(struct pctx *c, const cJSON *cfg, const char *path)
{
    static const char *const keys[] = {"topic", "key", "headers", "partitioner", "format",
                                       "relations", NULL};
    const cJSON *it, *rels;
    char p[PATH_MAX_LEN], hint[128];
    int bad = 0;
    rd_kafka_conf_t *conf = rd_kafka_conf_new();

    cJSON_ArrayForEach(it, cfg) {
        struct fount_err err;
        char val[64];
        const char *v = val;
        pjoin(p, path, it->string);
        if (strncmp(it->string, "rdkafka.", 8) != 0) {
            if (!in_list(it->string, keys)) {
                const char *sg = psuggest(it->string, keys, 6);
                perr(c, p, "unknown key \"%s\"%s%s%s (it takes topic, key, headers, partitioner, "
                     "format, relations and rdkafka.* properties)", it->string,
                     sg ? " (did you mean \"" : "", sg ? sg : "", sg ? "\"?)" : "");
                bad++;
            }
            continue;
        }
        if (cJSON_IsString(it))
            v = it->valuestring;
        else if (cJSON_IsBool(it))
            v = cJSON_IsTrue(it) ? "true" : "false";
        else if (cJSON_IsNumber(it))
            snprintf(val, sizeof val, "%.17g", it->valuedouble);
        else {
            perr_val(c, p, "expected a string, number or boolean, got %s", ptype_name(it));
            bad++;
            continue;
        }
        if (conf_set(conf, it->string + 8, v, "librdkafka property ", &err)) {
            perr_val(c, p, "%s", err.msg);
            bad++;
        }
    }
    rd_kafka_conf_destroy(conf);
    bad += check_settings(c, cfg, path, NULL);
    rels = cJSON_GetObjectItemCaseSensitive(cfg, "relations");
    if (rels && !cJSON_IsObject(rels)) {
        perr_val(c, pjoin(p, path, "relations"), "expected an object of settings by relation "
                 "name, got %s", ptype_name(rels));
        return bad + 1;
    }
    bad += check_top_fields(c, cfg, path);
    cJSON_ArrayForEach(it, rels) {
        const struct entity *e = find_entity(c->plan, it->string);
        pjoin(p, pjoin(p, path, "relations"), it->string);
        if (!e) {
            perr(c, p, "no relation is named \"%s\"%s", it->string,
                 entity_hint(hint, sizeof hint, c->plan, it->string));
            bad++;
        } else if (!cJSON_IsObject(it)) {
            perr_val(c, p, "expected an object of settings for %s, got %s", it->string,
                     ptype_name(it));
            bad++;
        } else {
            bad += pkeys(c, it, p, kafka_rel_keys);
            bad += check_settings(c, it, p, e);
        }
    }
    return bad;
}

/* ---------------------------------------------------------------- a relation's settings, at open */

static const cJSON *cfg_get(const cJSON *o, const char *key)
{
    return o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

/* The relation's own setting, else the profile's top-level one. */
static const cJSON *setting(const cJSON *cfg, const cJSON *relcfg, const char *key)
{
    const cJSON *v = cfg_get(relcfg, key);

    return v ? v : cfg_get(cfg, key);
}

static int default_key(const struct fount_relation *rel)
{
    size_t j;

    if (rel->key_col >= 0)
        return rel->key_col;
    for (j = 0; j < rel->ncols; j++)
        if (rel->cols[j].primary_key)
            return (int)j;
    return -1;
}

int kafka_rel_settings(const struct sink_args *a, const struct fount_relation *rel,
                       const char *uri_topic, const char *key_opt, const char *part_opt,
                       struct kafka_relconf *k, struct fount_err *err)
{
    const cJSON *cfg = a->profile_cfg;
    const cJSON *relcfg = cfg_get(cfg_get(cfg, "relations"), rel->name), *v, *h;
    const char *tmpl = "{relation}", *key = NULL;
    char fname[128];

    v = setting(cfg, relcfg, "topic");
    tmpl = *uri_topic ? uri_topic : cJSON_IsString(v) ? v->valuestring : tmpl;
    if (kafka_topic_name(tmpl, rel->name, k->topic, sizeof k->topic, err))
        return -1;
    k->key_col = default_key(rel);
    v = setting(cfg, relcfg, "key");
    if (v)
        key = cJSON_IsString(v) ? v->valuestring : "none";
    if (*key_opt)
        key = key_opt;
    if (key && !strcmp(key, "none"))
        k->key_col = -1;
    else if (key && (k->key_col = relation_col(rel, key)) < 0) {
        fount_err_set(err, "key: %s has no field \"%s\"", rel->name, key);
        return -1;
    }
    k->format = FMT_JSONL;
    v = setting(cfg, relcfg, "format");
    if (cJSON_IsString(v))
        k->format = !strcmp(v->valuestring, "csv")      ? FMT_CSV
                    : !strcmp(v->valuestring, "influx") ? FMT_INFLUX
                                                        : FMT_JSONL;
    if (a->format_given)
        k->format = a->enc.format;
    v = setting(cfg, relcfg, "partitioner");
    k->partitioner = *part_opt ? part_opt : cJSON_IsString(v) ? v->valuestring : NULL;
    v = setting(cfg, relcfg, "headers");
    cJSON_ArrayForEach(h, v) {
        struct kafka_header *kh = &k->hdr[k->nhdr];
        if (k->nhdr == KAFKA_MAX_HEADERS)
            break;
        kh->name = h->string;
        kh->col = -1;
        if (cJSON_IsString(h) && header_field(h->valuestring, fname, sizeof fname)) {
            if ((kh->col = relation_col(rel, fname)) < 0) {
                fount_err_set(err, "header %s: %s has no field \"%s\"", h->string, rel->name,
                              fname);
                return -1;
            }
        } else if (cJSON_IsString(h))
            kh->value = h->valuestring;
        else {
            if (cJSON_IsBool(h))
                snprintf(kh->num, sizeof kh->num, "%s", cJSON_IsTrue(h) ? "true" : "false");
            else
                snprintf(kh->num, sizeof kh->num, "%.17g", h->valuedouble);
            kh->value = kh->num;
        }
        k->nhdr++;
    }
    return 0;
}


int kafka_partitioner_known(const char *name)
{
    return in_list(name, kafka_partitioners);
}
