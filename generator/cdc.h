/* cdc.h: change data capture streams (DESIGN.md section 4): inserts, updates and deletes of an
 * entity's rows as Debezium-style envelopes (op, ts_ms, key, before, after, source).
 *
 * A CDC stream is a lifecycle (lifecycle.h) whose instance i is entity row first_row + i: one
 * "c" record at the arrival, then k "u" records, then a "d" record with the deletes'
 * probability. Row images are pure functions too: version 0 is the entity's row as gen_row makes
 * it; version v >= 1 redraws the updated fields at (key "update", row mixed with v), and the
 * touched timestamps carry the change's time. So the before of update v is exactly the after of
 * version v - 1, and no state is kept between records. Keys are distinct rows, so a deleted key is
 * never reused and nothing touches a key before its insert or after its delete, by construction.
 * Leaves out: the walk and the chunk loop (lifecycle.c), JSON text (sinks/format.c). */
#ifndef FOUNT_CDC_H
#define FOUNT_CDC_H

#include <stddef.h>
#include <stdint.h>

#include "dist.h"
#include "pcg.h"
#include "value.h"

#define CDC_MAX_UPDATES 100000

struct cdc {
    struct entity *entity;
    uint64_t first_row;     /* instance i is row first_row + i                    */
    int first_row_given;    /* else: the entity's count (after --scale)           */
    int64_t upd_min, upd_max;   /* updates per row: bounds                         */
    int upd_has_dist;
    struct dist upd_dist;   /* ... drawn from it (clamped), else uniform           */
    struct dist upd_after;  /* seconds between changes                             */
    double del_p;
    struct dist del_after;  /* seconds between the last change and the delete      */
    uint8_t *change;        /* per entity field: ROWCH_UPDATE, ROWCH_TOUCH (gen.h) or 0 */
    uint64_t *update_key;   /* per entity field: key of its updated values          */
    char *src_head;         /* {"version":..,"name":..,"ts_ms":                    */
    char *src_mid;          /* ,"db":"fount","table":..,"seq":                     */
    size_t head_len, mid_len;
};

struct lifecycle;
struct lc_walk;
struct lc_event;
struct gen_buf;
struct entity;
struct rowpos;
struct arena;
struct pctx;
struct cJSON;

/* Parse streams.NAME.cdc: the subject entity, first_row, updates, deletes; adds the columns
 * op, ts_ms, key, before, after, source to e (which must have no fields of its own). */
int pcdc(struct pctx *c, struct entity *e, struct lifecycle *lc, const struct cJSON *o,
         const char *path);
/* The walk's draws at its start: the number of updates and whether the row is deleted. */
void cdc_walk_start(const struct cdc *d, struct lc_walk *w);
/* Seconds from the current change to the next one (step w->step + 1), from the walk's dwell
 * generator. */
double cdc_gap(const struct cdc *d, struct lc_walk *w);
/* Expected records per row: 1 + E[updates] + P(delete). */
double cdc_mean_records(const struct cdc *d);
/* ev->before and ev->after for the record at step ev->step of row `row` at time t: the row
 * images rendered as JSON into the chunk's arena. ev->after of the previous step of the same
 * walk must still be in ev (it becomes before). */
void cdc_images(const struct cdc *d, uint64_t row, int64_t t, struct lc_event *ev,
                struct gen_buf *gb);
/* Debezium's source block for the record at pos, as FV_JSON in the arena. */
void cdc_source(const struct cdc *d, const struct rowpos *pos, struct fount_value *out,
                struct arena *a);
void cdc_reseed(struct cdc *d, uint64_t seed);
void cdc_free(struct cdc *d);

#endif
