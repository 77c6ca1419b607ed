/* plan.h: the compiled profile. profile.c builds it from JSON, gen.c evaluates rows from it, the runner
 * shares it read-only between threads. Nothing in a plan changes after plan_prepare().
 * Leaves out: parsing (profile.c), output (sinks/). */
#ifndef FOUNT_PLAN_H
#define FOUNT_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "dist.h"
#include "perm.h"
#include "value.h"

/* Rows per chunk of a plain entity: the unit of parallel work and of output ordering. Fixed, so the
 * output never depends on the thread count. */
#define PLAN_CHUNK_ROWS 4096

enum gen_kind {
    GEN_SEQUENCE,
    GEN_INT,
    GEN_FLOAT,
    GEN_DECIMAL,
    GEN_BOOL,
    GEN_CHOICE,
    GEN_UUID,
    GEN_TIMESTAMP,
    GEN_DATE,
    GEN_PATTERN,  /* "string" in profiles */
    GEN_TEMPLATE,
    GEN_REF,
    GEN_CONST,
    GEN_EXT,      /* a generator from the value library (gen_ext.h) */
    GEN_EVENT_TIME, /* streams: the event's time on the simulated clock */
    GEN_SERIES_TIME, /* series: the point's time                         */
    GEN_SERIES_TAG,  /* series: tag imin of the point's series           */
    GEN_SERIES_VALUE,
    GEN_SERIES_LABEL, /* series: the anomaly in force, or NULL           */
    GEN_COPY,        /* the value of deps[0] (a field renamed by drift)  */
    GEN_SCHEMA_VERSION, /* streams with drift: the schema version in force */
    GEN_LIFECYCLE    /* lifecycle and CDC streams: imin is the column (enum lc_col) */
};

/* One piece of a template: literal text, or a field of the same row with an optional filter. */
struct tpl_part {
    const char *lit;   /* literal bytes (NULL for a field) */
    size_t litlen;
    int field;         /* field index, when lit is NULL */
    int filter;        /* TPL_NONE, TPL_LOWER, TPL_UPPER, TPL_SLUG */
};
enum { TPL_NONE, TPL_LOWER, TPL_UPPER, TPL_SLUG };

/* One position of a string pattern: a fixed byte, or a class of characters. */
struct pat_part {
    const char *set;   /* the characters this position draws from; NULL for a literal */
    uint32_t nset;
    char lit;
};

/* struct field.flags: one byte that gen.c tests per value, instead of loading and testing each
 * setting it stands for. */
enum {
    FIELD_SLOW = 1,  /* per_event, or null_rate > 0: eval's general path */
    FIELD_DRAWS = 2, /* draws: eval seeds the field's generator at the row */
    FIELD_EXT = 4    /* GEN_EXT: flags == FIELD_EXT lets gen_row call the value library at once */
};

struct entity;
struct ext_field;
struct ext_locale;
struct ext_rowcache;

struct field {
    char *name;
    enum gen_kind gen;
    int index;              /* position in the entity's fields and columns */
    uint64_t key;           /* value stream key: fount_key(seed, entity, field, NULL) */
    uint64_t null_key;
    double null_rate;
    int unique;
    int per_event;          /* lifecycle streams: drawn per record, not per instance */
    int bad;                /* compiling it failed (while the profile is checked) */
    int draws;              /* eval seeds the field's generator (plan_prepare sets it) */
    uint8_t flags;          /* FIELD_*: what eval must look at besides the kind (plan_prepare) */
    struct perm perm;       /* unique fields draw their index from it */
    uint64_t domain;        /* number of distinct values (0 = too many to count) */

    /* numeric bounds: int, timestamp (us), date (days), decimal (scaled), sequence start/step */
    int64_t imin, imax, step;
    double dmin, dmax;
    int per_parent;         /* sequence restarts for each parent */
    int has_dist;
    struct dist dist;
    double dist_unit;       /* timestamp: a distribution sample of 1 means this many us */
    int64_t pow10_scale;    /* decimal: 10^scale */

    /* choice: values and weights (dist is DIST_WEIGHTED over indexes when weighted) */
    struct fount_value *choices;
    size_t nchoices;
    int weighted;

    /* bool */
    double prob;

    /* uuid */
    int uuid_version;
    int time_field;         /* v7: field index of a timestamp in the same row, or -1 */

    /* pattern */
    struct pat_part *pat;
    size_t npat;

    /* template */
    struct tpl_part *tpl;
    size_t ntpl;
    char *tpl_text;         /* owns the literal bytes */

    /* ref */
    struct entity *target;
    int target_field;
    int ref_parent;         /* this ref is the enumerating parent of a "per" entity */
    int ref_zipf;           /* the distribution is zipf: rank 1 is parent row 0 */

    /* const */
    struct fount_value cval;
    char *cstr;

    /* value library: the field, and its family's evaluator (gen_ext.h) */
    struct ext_field *ext;
    void (*ext_eval)(const struct field *f, const struct ext_field *x, uint64_t row,
                     const struct fount_value *vals, struct fount_value *out, struct arena *a,
                     struct ext_rowcache *rc);

    int *deps;              /* fields of the same row this one reads */
    size_t ndeps;
};

struct stream;
struct series;
struct faults;
struct lifecycle;

struct entity {
    char *name;
    const char *section;     /* "entities" or "streams": where the profile defines it */
    struct stream *stream;   /* streams: the clock and the rate curve */
    struct series *series;   /* series: tags, clock and value model */
    struct faults *faults;   /* streams: injected faults, or NULL */
    uint64_t *iprefix;       /* streams with duplicates or a lifecycle: original events
                                (instances) before block b */
    struct lifecycle *lifecycle; /* streams: a state machine or CDC per instance, or NULL */
    int index;
    uint64_t count;          /* rows, after --scale (per entities: after plan_prepare) */
    uint64_t base_count;     /* rows as written in the profile */
    struct field *fields;
    size_t nfields;
    struct fount_column *cols;
    struct fount_relation rel;
    int *order;              /* evaluation order: dependencies first */
    const struct field **ford; /* the fields in that order (plan_prepare; owned) */
    int pk;                  /* primary key field, or -1 */
    char **indexes;          /* secondary indexes asked for, as "col" or "col1,col2" */
    size_t nindexes;

    /* one-to-many: each parent row gets k rows of this entity */
    struct entity *parent;
    uint64_t per_key;
    struct dist per_dist;
    int per_has_dist;
    int64_t per_min, per_max;
    uint64_t per_block;      /* parents per chunk */
    uint64_t nblocks;
    uint64_t *prefix;        /* prefix[b]: rows of this entity before parent block b (nblocks+1) */
    uint64_t start_row;      /* --append: rows below this exist already and are not made */
    int unused;              /* plan_select: neither written nor referenced by this run */
};

struct load_stage;
struct threshold;

struct plan {
    char *path;              /* the profile file */
    uint64_t seed;
    int seed_set;            /* the profile names a seed */
    struct entity *ents;
    size_t nents;
    int *write_order;        /* entity indexes, parents first */
    double scale;
    int prepared;
    int64_t duration_override; /* --duration for every stream (0: the profile's) */
    uint64_t events_override;  /* --events for every stream (0: the profile's)   */
    struct ext_locale *locale;  /* the profile's default locale mix (value library), or NULL */
    struct cJSON *sinks_cfg;    /* the profile's "sinks" object (checked), or NULL        */
    struct workload *workload;  /* the profile's "workload" (workload.h), or NULL */
    struct load_stage *stages;  /* the profile's "stages" (profile_load.c), or NULL        */
    size_t nstages;
    struct threshold *thresholds; /* the profile's "thresholds", or NULL                  */
    size_t nthresholds;
};

/* The profile's settings for a sink type ("sinks": {"<name>": {...}}), or NULL. */
const struct cJSON *plan_sink_cfg(const struct plan *p, const char *sink_name);

/* Chunks of an entity (after plan_prepare). */
uint64_t plan_nchunks(const struct entity *e);
/* First row and number of rows of chunk c. */
void plan_chunk_rows(const struct entity *e, uint64_t c, uint64_t *first, uint64_t *n);
/* Children of parent row p of a "per" entity: a pure function of (seed, entity, p). */
uint64_t plan_children_of(const struct entity *e, uint64_t p);

/* Set the seed (recomputes every key), the scale, then count children: call before generating. */
void plan_set_seed(struct plan *p, uint64_t seed);
/* --only: mark the entities a run neither writes nor needs (as a parent or ref target), so
 * plan_prepare does not count their rows. only: entity indexes; NULL selects all. */
void plan_select(struct plan *p, const int *only, size_t nonly);
/* Applies scale and computes per-parent prefix sums. threads: how many to use for the count.
 * existing (--append, or NULL): rows each entity (by index) already has; a plain entity then makes
 * its count more rows after them, a "per" entity the children of its parent's new rows. */
int plan_prepare(struct plan *p, double scale, int threads, const uint64_t *existing,
                 struct fount_err *err);
struct entity *plan_entity(const struct plan *p, const char *name);
/* Distinct values field f of e can take (0: more than can be counted, or unbounded text). */
uint64_t field_domain(const struct entity *e, const struct field *f);
int entity_field(const struct entity *e, const char *name);
void plan_free(struct plan *p);

#endif
