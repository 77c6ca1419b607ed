/* gen.h: evaluate rows. A value is a pure function of (seed, entity, field, row): every function here
 * reads only the plan and its arguments, so any thread may make any row. Leaves out: threads and
 * ordering (runner.c). */
#ifndef FOUNT_GEN_H
#define FOUNT_GEN_H

#include "common.h"
#include "plan.h"

struct lc_event;

struct rowpos {
    uint64_t row;    /* absolute row index in the entity            */
    uint64_t parent; /* "per" entities: the parent row it belongs to */
    uint64_t child;  /* "per" entities: its index within the parent  */
    int64_t time;    /* streams: the event time (us)                 */
    int64_t send;    /* streams: when it is sent (after lateness)    */
    const struct lc_event *ev; /* lifecycle and CDC streams: the record's place in its
                                  instance's walk (lifecycle.h), else NULL */
};

/* A worker's reusable space for one chunk. */
struct gen_buf {
    struct fount_value *vals;
    size_t cap;             /* values */
    struct arena arena;     /* strings of the current chunk */
    int64_t *times;         /* streams: event times of one window */
    size_t tcap;
    uint8_t *flags, *version; /* streams with faults: per row */
    size_t fcap;
    struct dupslot { int64_t send; uint64_t j; } *dups; /* duplicates of one window */
    size_t dcap;
    int64_t *otimes;        /* the event times of window owin, where duplicates' originals are */
    size_t ocap;
    uint64_t owin;          /* its index, when okept */
    int okept;
    struct buf json;        /* CDC: one row image being rendered */
};

void gen_buf_init(struct gen_buf *gb);
void gen_buf_free(struct gen_buf *gb);

/* One row of e into vals (e->nfields values); strings go into a. */
void gen_row(const struct entity *e, const struct rowpos *pos, struct fount_value *vals,
             struct arena *a);
/* Field fi of plain row `row` of e (what a ref computes for a parent key). */
void gen_value_at(const struct entity *e, int fi, uint64_t row, struct fount_value *out,
                  struct arena *a);
/* Faults that act on one made record of a stream (nulls, malformed payloads, schema drift by
 * pos->send), keyed by pos->row. Returns its ROW_* flags (fault.h); *version gets the schema
 * version. e->faults must be set. */
uint8_t gen_stream_faults(const struct entity *e, const struct rowpos *pos, struct fount_value *v,
                          uint8_t *version, struct arena *a);

/* A plain entity's row as CDC changes it (cdc.c). change[f] says what happens to field f:
 * ROWCH_UPDATE redraws it from version 1 on (at update_key[f] and the row mixed with the
 * version), ROWCH_TOUCH sets it to the change's time (every version), 0 keeps the row's value.
 * Fields that read a changed field are evaluated again, so the row stays consistent. */
enum { ROWCH_KEEP, ROWCH_UPDATE, ROWCH_TOUCH };
struct row_change {
    const uint8_t *change;
    const uint64_t *update_key;
    uint64_t version;        /* 0: as inserted */
    int64_t time;            /* the change's time (us) */
};
void gen_row_changed(const struct entity *e, uint64_t row, const struct row_change *ch,
                     struct fount_value *vals, struct arena *a);

/* Chunk c of e into b (rows and values; bytes left NULL). Resets gb first. */
void gen_chunk(const struct entity *e, uint64_t c, struct gen_buf *gb, struct fount_batch *b);

#endif
