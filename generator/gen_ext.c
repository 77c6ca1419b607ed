/* gen_ext.c: the value library's registry (gen_ext.h). Empty until the library lands: every name is
 * unknown, so profiles get the usual "unknown generator" error. */
#include "gen_ext.h"
#include "profile_priv.h"

const struct gen_def *gen_ext_find(const char *name)
{
    (void)name;
    return NULL;
}

uint64_t gen_ext_domain(const struct ext_field *x)
{
    (void)x;
    return 0;
}

void gen_ext_eval(const struct entity *e, const struct field *f, uint64_t row,
                  const struct fount_value *vals, struct fount_value *out, struct arena *a)
{
    (void)e;
    (void)f;
    (void)row;
    (void)vals;
    (void)a;
    out->type = FV_NULL;
}

void gen_ext_free(struct ext_field *x)
{
    (void)x;
}

void gen_ext_reseed(struct ext_field *x, uint64_t seed, const char *entity, const char *field)
{
    (void)x;
    (void)seed;
    (void)entity;
    (void)field;
}

void gen_ext_profile_locale(struct pctx *c, const struct cJSON *node, const char *path)
{
    (void)node;
    perr(c, path, "locales come with the value library, which this build does not have");
}
