/* gen_ext.h: the hook through which the value library (people, places, internet, commerce, text)
 * adds generators to profiles. field.c asks gen_ext_find for type names it does not know; gen.c
 * calls gen_ext_eval for GEN_EXT fields. Leaves out: the generators themselves (gen_ext.c). */
#ifndef FOUNT_GEN_EXT_H
#define FOUNT_GEN_EXT_H

#include "common.h"
#include "plan.h"

struct gen_def;

/* The definition of a value-library generator named name ("person.first_name"), or NULL. */
const struct gen_def *gen_ext_find(const char *name);
/* Distinct values the field can take (0: too many to count). */
uint64_t gen_ext_domain(const struct ext_field *x);
/* Evaluate field f of entity e at row into *out. vals holds the row's fields evaluated so far
 * (the field's deps are among them); strings go into the arena. */
void gen_ext_eval(const struct entity *e, const struct field *f, uint64_t row,
                  const struct fount_value *vals, struct fount_value *out, struct arena *a);
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
