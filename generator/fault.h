/* fault.h: the faults real sources have, injected into streams on purpose, each opt-in with a rate
 * and each counted (DESIGN.md section 4): duplicates, late events, nulls in non-null fields,
 * malformed payloads and schema drift. Every decision is a pure function of (seed, stream, record),
 * like any value, so faults do not disturb determinism, threads or shards.
 * Leaves out: how a payload is broken on the wire (sinks/format.c reads the per-row flags). */
#ifndef FOUNT_FAULT_H
#define FOUNT_FAULT_H

#include <stdint.h>

#include "dist.h"

/* Per-row flags in a batch (fount_batch.row_flags). */
#define ROW_DUP 0x01          /* a duplicate of an earlier event                       */
#define ROW_LATE 0x02         /* event time older than its send time                    */
#define ROW_NULLED 0x04       /* a non-null field was set to null                       */
#define ROW_WRONG_TYPE 0x08   /* a number was written as a string                       */
#define ROW_TRUNCATED 0x10    /* the payload is cut short (JSON Lines and CSV)          */
#define ROW_BAD_UTF8 0x20     /* a string holds invalid UTF-8 (JSON Lines and CSV)      */
#define ROW_MALFORMED (ROW_WRONG_TYPE | ROW_TRUNCATED | ROW_BAD_UTF8)

enum fault_counter { FC_DUP, FC_LATE, FC_NULL, FC_MALFORMED, FC_DRIFTED, FC_COUNT };
extern const char *const fault_counter_names[FC_COUNT];

#define DRIFT_MAX 16
enum drift_kind { DRIFT_ADD, DRIFT_REMOVE, DRIFT_RENAME, DRIFT_TYPE };

struct drift {
    int64_t at_us;        /* after the stream's start                                  */
    enum drift_kind kind;
    int col;              /* the column it concerns (for RENAME: the old one)          */
    int new_col;          /* RENAME: the column that takes over                        */
};

struct faults {
    double dup_rate;      /* duplicates per original event                              */
    struct dist dup_delay; /* seconds between an event and its duplicate                */
    double late_rate;
    struct dist late_by;  /* seconds an event's time is older than its send time        */
    double null_rate;
    int *null_cols;       /* the columns nulls may hit                                   */
    int nnull;
    double malformed_rate;
    int malformed_kinds;  /* ROW_WRONG_TYPE | ROW_TRUNCATED | ROW_BAD_UTF8              */
    struct drift drift[DRIFT_MAX];
    int ndrift;
    int version_col;      /* the schema version column, or -1                            */
    uint8_t *absent;      /* (ndrift + 1) x ncols: column absent in schema version v      */
    uint64_t dup_key, late_key, null_key, bad_key;
};

/* Duplicates window w gets (a Poisson count, from its originals k). */
uint64_t fault_dups_in_window(const struct faults *f, uint64_t w, uint64_t k);
struct stream;
/* Duplicate j of window w: its send time in w, and the original it repeats, event ti of an earlier
 * window tw (the delay reaches back in time; at most 64 empty windows are skipped). Returns 0 when
 * there is nothing to repeat: the duplicate does not exist. Counting and generating both call
 * this, so they agree on every window's record count. */
int fault_dup(const struct stream *s, const struct faults *f, uint64_t w, uint64_t j,
              int64_t *send, uint64_t *tw, uint64_t *ti);
/* Records of window w: its k originals and the duplicates that exist. */
uint64_t fault_window_records(const struct stream *s, const struct faults *f, uint64_t w,
                              uint64_t k);
/* Schema version in force at t_since (microseconds after the stream's start). */
int fault_version(const struct faults *f, int64_t t_since);
void faults_free(struct faults *f);
void faults_reseed(struct faults *f, uint64_t seed, const char *name);

struct pctx;
struct entity;
struct cJSON;
/* Parse streams.NAME.faults (after the stream's fields and clock). May add columns: a renamed
 * field's new name and the schema version. */
int pfaults(struct pctx *c, struct entity *e, const struct cJSON *o, const char *path);

#endif
