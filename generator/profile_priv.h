/* profile_priv.h: what profile.c and field.c share while compiling: the error list with source
 * locations, and typed accessors that report what they reject. Not for other modules. */
#ifndef FOUNT_PROFILE_PRIV_H
#define FOUNT_PROFILE_PRIV_H

#include <cjson/cJSON.h>

#include "jsonloc.h"
#include "plan.h"

#define PATH_MAX_LEN 512

struct perr {
    size_t off;   /* where in the text, for sorting */
    size_t seq;   /* order of discovery, to keep sorting stable */
    char *msg;    /* the whole line */
};

struct pctx {
    const char *file;
    const char *text;
    size_t len;
    struct jsonloc jl;
    struct perr *errs;
    size_t nerrs, caperrs;
    struct plan *plan;
    const cJSON **specs;  /* the JSON of each entity, by index, while compiling */
};

/* Report a problem at path (its key; the nearest existing ancestor when the path is absent). */
void perr(struct pctx *c, const char *path, const char *fmt, ...) FOUNT_PRINTF(3, 4);
/* The same, pointing at the value rather than the key. */
void perr_val(struct pctx *c, const char *path, const char *fmt, ...) FOUNT_PRINTF(3, 4);

/* "base.key" into out (PATH_MAX_LEN); out may be base. */
const char *pjoin(char *out, const char *base, const char *key);
/* "base[i]" into out (PATH_MAX_LEN); out may be base. */
const char *pidx(char *out, const char *base, size_t i);
/* The closest candidate within a small edit distance, or NULL. */
const char *psuggest(const char *word, const char *const *cands, size_t n);
/* " (did you mean "x"?)" when a candidate is close to word, else "" (in out, n bytes). */
size_t suggest_hint(char *out, size_t n, const char *word, const char *const *cands, size_t nc);
const char *entity_hint(char *out, size_t n, const struct plan *pl, const char *name);
const char *field_hint(char *out, size_t n, const struct entity *e, const char *name);
/* Report every key of obj not in allowed (NULL-terminated). Returns the number reported. */
int pkeys(struct pctx *c, const cJSON *obj, const char *path, const char *const *allowed);

/* Typed members. Each returns 1 when present and valid, 0 when absent (and not required; a
 * required absent member is reported), -1 when present but invalid (reported). */
int pnum(struct pctx *c, const cJSON *obj, const char *path, const char *key, int required,
         double *out);
int pint(struct pctx *c, const cJSON *obj, const char *path, const char *key, int required,
         int64_t *out);
int pstr(struct pctx *c, const cJSON *obj, const char *path, const char *key, int required,
         const char **out);
int pbool(struct pctx *c, const cJSON *obj, const char *path, const char *key, int *out);
/* A count per unit: a whole number, {"min", "max"}, or a distribution (profile.c). */
int pcount_spec(struct pctx *c, const cJSON *obj, const char *path, const char *key,
                int64_t def_max, int64_t limit, int64_t *lo, int64_t *hi, struct dist *d,
                int *has_dist);
/* A duration: "500ms", "30s", "1h30m", or a number of seconds; into microseconds. */
int pdur(struct pctx *c, const cJSON *obj, const char *path, const char *key, int required,
         int64_t *out);
const char *ptype_name(const cJSON *v); /* "a string", "a number", ... */

/* Parse a distribution (a name, or an object with "type" and parameters) into d. unit: time fields
 * accept durations for parameters, converted to this many microseconds per unit (0 otherwise).
 * range_n: the default zipf n (0: none). Returns 0, or -1 when reported. */
int pdist(struct pctx *c, const cJSON *node, const char *path, double unit, double range_n,
          struct dist *d);

/* profile_stream.c: the stream keys of streams.NAME (start, bound, rate...). */
int pstream(struct pctx *c, struct entity *e, const cJSON *spec, const char *path);
struct rate;
/* A rate curve (a number per second, or an object: base, ramp, steps, daily, weekly, bursts);
 * name keys its bursts. Returns 0, or -1 when reported. */
int prate_curve(struct pctx *c, const cJSON *v, const char *path, const char *name,
                struct rate *r);
/* profile_workload.c: the top-level "workload" (after every entity is compiled). */
int pworkload(struct pctx *c, const cJSON *spec, const char *path);

/* profile_load.c: the load-test keys "stages" and "thresholds" of the profile's top level. */
void pload(struct pctx *c, const cJSON *root);

/* field.c: the generators a field's "type" may name. */
struct gen_def {
    const char *name;
    enum gen_kind kind;
    const char *keys[16];   /* keys besides the common ones (type, null_rate, unique, description) */
    int (*parse)(struct pctx *c, struct entity *e, struct field *f, const cJSON *spec,
                 const char *path);
    const char *desc;
};
extern const struct gen_def gen_defs[];
extern const size_t gen_defs_len;
const struct gen_def *gen_def_find(const char *name);
/* Resolve what needs every entity compiled first: ref targets and their types. */
int field_resolve_ref(struct pctx *c, struct entity *e, struct field *f, const cJSON *spec,
                      const char *path);
/* The number of distinct values the field can take (0: more than 2^64). */
uint64_t field_domain(const struct entity *e, const struct field *f);

#endif
