/* gen_ext.h: the hook through which the value library (people, places, internet, commerce, text)
 * adds generators to profiles. field.c asks gen_ext_find for type names it does not know; gen.c
 * calls gen_ext_eval for GEN_EXT fields. Leaves out: the generators themselves (gen_ext.c). */
#ifndef FOUNT_GEN_EXT_H
#define FOUNT_GEN_EXT_H

#include "common.h"
#include "plan.h"

struct gen_def;
struct fdata_word;
struct fdata_locale;
struct fdata_city;

/* A row's person (ext/person.c): the locale, the person stream at the row, and the names. */
struct ext_person {
    int loc;
    uint64_t base;                                 /* ext_base of the person stream at the row */
    int female;
    const struct fdata_word *first, *last, *last2; /* last2: the second surname (es_ES only) */
};

/* A row's address (ext/address.c): the locale, the address stream at the row, and the city. */
struct ext_addr {
    int loc;
    const struct fdata_locale *L;
    uint64_t base;
    const struct fdata_city *city;
};

/* The identities that a row's value-library fields share (ext/ext.h, "How a row stays
 * consistent"), kept while gen_row makes the row: a name and an e-mail, or a street, a city and a
 * phone, then draw them once instead of once per field. Only a cache: a field makes the same
 * value with it or without it (NULL), because an identity is a pure function of its key. */
#define EXT_ROWCACHE_SLOTS 4
struct ext_rowcache {
    unsigned n;                /* slots in use; 0 for a new row */
    struct ext_rowslot {
        int kind;              /* SUB_PERSON or SUB_ADDRESS (ext.h) */
        uint64_t group, row;   /* the group (its locale sub-key) and the row */
        const void *mix;       /* the locale mix of the field that drew it */
        union {
            struct ext_person person;
            struct ext_addr addr;
        } u;
    } slot[EXT_ROWCACHE_SLOTS];
};

/* The definition of a value-library generator named name ("person.first_name"), or NULL. */
const struct gen_def *gen_ext_find(const char *name);
/* Distinct values the field can take (0: too many to count). */
uint64_t gen_ext_domain(const struct ext_field *x);
/* Evaluate field f of entity e at row into *out. vals holds the row's fields evaluated so far
 * (the field's deps are among them); strings go into the arena. rc: the row's cache of
 * identities (all fields of one row share one, reset to n = 0 per row), or NULL. */
static inline void gen_ext_eval(const struct entity *e, const struct field *f, uint64_t row,
                                const struct fount_value *vals, struct fount_value *out,
                                struct arena *a, struct ext_rowcache *rc)
{
    (void)e;
    f->ext_eval(f, f->ext, row, vals, out, a, rc); /* set by the field's parse */
}
void gen_ext_free(struct ext_field *x);
/* The seed changed (--seed): recompute the keys kept in x. */
void gen_ext_reseed(struct ext_field *x, uint64_t seed, const char *entity, const char *field);

struct pctx;
struct cJSON;
/* The profile's top-level "locale" (a name, or an object of weights): checked and kept in the plan
 * (plan->locale) for fields that do not name their own. Reports errors through c. */
void gen_ext_profile_locale(struct pctx *c, const struct cJSON *node, const char *path);
/* Frees a locale mix made by gen_ext_profile_locale (plan_free calls it). NULL does nothing. */
void gen_ext_locale_free(struct ext_locale *m);
/* The value library's generator names (for "did you mean" suggestions): up to max into out;
 * returns how many. */
size_t gen_ext_names(const char **out, size_t max);

#endif
