/* profile.h: load a profile (JSON) into a plan, collecting every error as
 * "file:line:col: json.path: what is wrong (hint)". Leaves out: generating (gen.c). */
#ifndef FOUNT_PROFILE_H
#define FOUNT_PROFILE_H

#include "common.h"
#include "plan.h"

/* Returns the plan, or NULL when the profile has errors: then *errors holds every message, one per
 * line (a syntax error adds the source line and a caret), and *nerrors their count. The caller
 * frees the plan with plan_free and the buffer with buf_free. */
struct plan *profile_load(const char *path, struct buf *errors, int *nerrors);
/* The same from text in memory; name is what messages call the file. */
struct plan *profile_load_text(const char *name, const char *text, size_t len, struct buf *errors,
                               int *nerrors);

#endif
