/* lifecycle.h: lifecycles and change data capture on streams (DESIGN.md section 4, issue 5).
 *
 * Every arrival of a stream (its rate curve) creates one *instance*; instance i walks a state
 * machine from the initial state, one record per state visited, and its whole path is a pure
 * function of (seed, stream, i): two PCG streams keyed by the instance index, one for the choices
 * of the next state and one for the dwell times. A CDC stream (cdc.h) is the same walk over a
 * fixed machine: insert, k updates, maybe a delete, of entity row first_row + i.
 *
 * NOTES ON THE DESIGN
 * 1. Records are written in instance order: every record of instance i, then those of i + 1
 *    (instances in creation order). Per key the order and the times are increasing; globally
 *    they are not (the later steps of i come after the creation of i + 1). So --pace realtime,
 *    which needs time order, is refused for these streams (main.c).
 * 2. Counting walks every instance (plan.c, in two parallel passes: instances per block, then
 *    records per block from the instance prefix e->iprefix), so the count of a block and the
 *    records its chunk makes always agree. Transitions are drawn from their own generator, so
 *    counting never samples a dwell time.
 * 3. A block of windows is one chunk and holds whole instances: shards cut between instances,
 *    and an --events bound may cut the last instance short (a prefix of a valid walk).
 * 4. Fields of a lifecycle stream are evaluated at the instance (row = instance index), so the
 *    events of one order share its customer and amount; "per_event": true evaluates a field at
 *    the record index instead. Faults that act per record (nulls, malformed, drift) are keyed by
 *    the record index; duplicates and late events are refused.
 * Leaves out: the CDC columns and row images (cdc.c), counting threads (plan.c). */
#ifndef FOUNT_LIFECYCLE_H
#define FOUNT_LIFECYCLE_H

#include <stdint.h>

#include "dist.h"
#include "pcg.h"
#include "value.h"

#define LC_MAX_STATES 256
#define LC_MAX_STEPS 100000

/* What a GEN_LIFECYCLE column holds (struct field.imin). */
enum lc_col {
    LC_KEY,       /* lifecycle_key: the instance's key                  */
    LC_STATE,     /* lifecycle_state: the state entered by this record   */
    LC_PREVIOUS,  /* lifecycle_previous: the state before, NULL at first */
    LC_STEP,      /* lifecycle_step: 0 for the creation                  */
    CDC_OP,       /* "c", "u" or "d"                                     */
    CDC_TS,       /* the change time in milliseconds                     */
    CDC_KEY,      /* the row's primary key                               */
    CDC_BEFORE,   /* the row image before the change (JSON), or NULL     */
    CDC_AFTER,    /* the row image after the change (JSON), or NULL      */
    CDC_SOURCE    /* Debezium's source block (JSON)                      */
};

enum cdc_op { CDC_INSERT, CDC_UPDATE, CDC_DELETE };

struct lc_state {
    char *name;
    uint32_t len;
    int nnext;            /* 0: a terminal state                                  */
    int *next;            /* the states it may go to                              */
    double *prob;         /* their probabilities, as written                      */
    double *cum;          /* cumulative, cum[nnext - 1] == 1                      */
    struct dist dwell;    /* seconds spent in the state before leaving it         */
};

struct cdc;
struct entity;

struct lifecycle {
    struct lc_state *states;
    int nstates, initial;
    uint32_t max_steps;   /* records per instance at most                          */
    int64_t key_start;    /* keys key_start + i, when there is no entity           */
    struct entity *entity; /* keys (CDC: rows) are this entity's, or NULL          */
    uint64_t path_key, dwell_key;
    double mean_records;  /* expected records per instance: sizes the chunks        */
    struct cdc *cdc;      /* a CDC stream: the walk is insert, updates, delete      */
};

/* One record's place in its instance's walk: struct rowpos.ev while a record is made. */
struct lc_event {
    uint64_t instance;    /* the arrival that created the instance (0-based)       */
    uint64_t record;      /* the record's index in the stream                      */
    uint32_t step;        /* 0: the creation (CDC: the insert)                     */
    int state, prev;      /* state indexes, prev -1 at step 0; CDC: enum cdc_op     */
    struct fount_value key;           /* the instance's key                        */
    struct fount_value before, after; /* CDC: row images (FV_JSON), or FV_NULL     */
};

/* A walk in progress. */
struct lc_walk {
    struct pcg32 path, dwell;
    uint32_t step;
    uint32_t last;        /* CDC: the final step (updates + the delete)            */
    uint32_t updates;     /* CDC: k                                                */
    int state, prev;
    int64_t time;         /* the current record's time (us)                        */
};

/* Start instance i's walk at its creation time t0: the first record (step 0). */
void lc_walk_start(const struct lifecycle *lc, uint64_t i, int64_t t0, struct lc_walk *w);
/* Move to the next record. Returns 0 when the path has ended (nothing changes then). with_time 0
 * skips the dwell draws (counting); the states are the same either way. */
int lc_walk_next(const struct lifecycle *lc, struct lc_walk *w, int with_time);
/* Records of instance i: the length of its path. */
uint32_t lc_path_len(const struct lifecycle *lc, uint64_t i);

struct gen_buf;
struct fount_batch;
struct field;
struct rowpos;
struct arena;
struct fount_err;

/* Records of the instances of windows [w0, w1) of stream e, the first of them instance i0. */
uint64_t lifecycle_block_records(const struct entity *e, uint64_t w0, uint64_t w1, uint64_t i0);
/* Chunk c of a lifecycle or CDC stream: n records, instance after instance (gen.c calls it). */
void lifecycle_chunk(const struct entity *e, uint64_t c, struct gen_buf *gb, uint64_t n,
                     struct fount_batch *b);
/* The value of a GEN_LIFECYCLE field for the record at pos (pos->ev; NULL without one). */
void lifecycle_eval(const struct entity *e, const struct field *f, const struct rowpos *pos,
                    struct fount_value *out, struct arena *a);
/* After counting (plan.c): CDC's default first row, and the check that the subject entity has
 * enough distinct keys for every instance. */
int lifecycle_prepare(struct entity *e, struct fount_err *err);
void lifecycle_reseed(struct lifecycle *lc, uint64_t seed, const char *name);
void lifecycle_free(struct lifecycle *lc);

struct pctx;
struct cJSON;
/* Parse a stream's "lifecycle" or "cdc" (from pstream, after its fields and clock). A CDC stream
 * gets its columns here. Reports through c; returns 0 or -1. */
int plifecycle(struct pctx *c, struct entity *e, const struct cJSON *spec, const char *path);
/* The generators lifecycle_key, lifecycle_state, lifecycle_previous, lifecycle_step (field.c). */
int plifecycle_field(struct pctx *c, struct entity *e, struct field *f, const struct cJSON *spec,
                     const char *path);
/* A distribution of seconds at o.key: a duration string or a number is a constant; absent, an
 * exponential with mean def_mean. Returns 0, or -1 when reported. */
int lifecycle_psecs(struct pctx *c, const struct cJSON *o, const char *path, const char *key,
                    double def_mean, struct dist *d);
/* An entity a lifecycle or CDC stream may name: a plain one (not "per") with a primary key that
 * is not a ref. Returns it, or NULL when reported. */
struct entity *lifecycle_subject(struct pctx *c, const struct cJSON *o, const char *path);

#endif
