/* gen.h: evaluate rows. A value is a pure function of (seed, entity, field, row): every function here
 * reads only the plan and its arguments, so any thread may make any row. Leaves out: threads and
 * ordering (runner.c). */
#ifndef FOUNT_GEN_H
#define FOUNT_GEN_H

#include "common.h"
#include "plan.h"

struct rowpos {
    uint64_t row;    /* absolute row index in the entity            */
    uint64_t parent; /* "per" entities: the parent row it belongs to */
    uint64_t child;  /* "per" entities: its index within the parent  */
    int64_t time;    /* streams: the event time (us)                 */
    int64_t send;    /* streams: when it is sent (after lateness)    */
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
};

void gen_buf_init(struct gen_buf *gb);
void gen_buf_free(struct gen_buf *gb);

/* One row of e into vals (e->nfields values); strings go into a. */
void gen_row(const struct entity *e, const struct rowpos *pos, struct fount_value *vals,
             struct arena *a);
/* Field fi of plain row `row` of e (what a ref computes for a parent key). */
void gen_value_at(const struct entity *e, int fi, uint64_t row, struct fount_value *out,
                  struct arena *a);
/* Chunk c of e into b (rows and values; bytes left NULL). Resets gb first. */
void gen_chunk(const struct entity *e, uint64_t c, struct gen_buf *gb, struct fount_batch *b);

#endif
