/* profile_workload.c: a profile's "workload": the rate curve (as streams have it), and the
 * transactions with their kinds, entities, children, lifecycles and weights (workload.h). Every
 * problem is reported with its location, like the rest of the profile.
 * Leaves out: running it (workload.c), the tables' contents (read at run time). */
#include "profile_priv.h"

#include <math.h>
#include <stdlib.h>

#include "workload.h"

#define WL_CLOCK_NAME "(workload)" /* keys of the clock: no entity can be named so */

static const cJSON *member(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* An entity the workload may write: a table (not a stream or series) whose primary key is a
 * sequence, so that new keys continue after the largest one and a key maps back to its row. */
static struct entity *ptable(struct pctx *c, const cJSON *spec, const char *path, const char *key)
{
    char p[PATH_MAX_LEN], hint[128];
    const char *name = NULL;
    struct entity *e;

    if (pstr(c, spec, path, key, 1, &name) != 1)
        return NULL;
    pjoin(p, path, key);
    e = plan_entity(c->plan, name);
    if (!e) {
        perr_val(c, p, "no entity named \"%s\"%s", name, entity_hint(hint, sizeof hint, c->plan,
                                                                      name));
        return NULL;
    }
    if (strcmp(e->section, "entities") != 0) {
        perr_val(c, p, "\"%s\" is one of the profile's %s: the workload changes tables (entities)",
                 name, e->section);
        return NULL;
    }
    if (e->pk < 0 || e->fields[e->pk].gen != GEN_SEQUENCE || e->fields[e->pk].per_parent) {
        perr_val(c, p, "entity \"%s\" needs a primary key of type \"sequence\": the workload "
                       "numbers new rows after the largest key and finds rows by key (%s%s%s)",
                 name, e->pk < 0 ? "it has no primary key" : "its primary key \"",
                 e->pk < 0 ? "" : e->fields[e->pk].name, e->pk < 0 ? "" : "\" is not one");
        return NULL;
    }
    return e;
}

static int pchildren(struct pctx *c, struct wl_txn *t, const cJSON *spec, const char *path)
{
    const cJSON *ch = member(spec, "children"), *it;
    char p[PATH_MAX_LEN], ip[PATH_MAX_LEN], hint[128];
    size_t i;
    int bad = 0;

    if (!ch) { /* every "per" entity of this one */
        for (i = 0; i < c->plan->nents && t->nchildren < WL_MAX_CHILDREN; i++)
            if (c->plan->ents[i].parent == t->entity && !c->plan->ents[i].stream)
                t->children[t->nchildren++] = &c->plan->ents[i];
        return 0;
    }
    pjoin(p, path, "children");
    if (!cJSON_IsArray(ch) || cJSON_GetArraySize(ch) > WL_MAX_CHILDREN) {
        perr(c, p, "expected an array of at most %d entity names made per %s", WL_MAX_CHILDREN,
             t->entity->name);
        return -1;
    }
    i = 0;
    cJSON_ArrayForEach(it, ch)
    {
        struct entity *e;
        pidx(ip, p, i++);
        if (!cJSON_IsString(it)) {
            perr(c, ip, "expected an entity name, got %s", ptype_name(it));
            bad++;
            continue;
        }
        e = plan_entity(c->plan, it->valuestring);
        if (!e) {
            perr_val(c, ip, "no entity named \"%s\"%s", it->valuestring,
                     entity_hint(hint, sizeof hint, c->plan, it->valuestring));
            bad++;
        } else if (e->parent != t->entity) {
            perr_val(c, ip, "\"%s\" is not made per %s (a child has \"per\": {\"entity\": \"%s\"})",
                     e->name, t->entity->name, t->entity->name);
            bad++;
        } else
            t->children[t->nchildren++] = e;
    }
    return bad ? -1 : 0;
}

/* "lifecycle": {"status": ["pending", "paid", "shipped", "delivered"]}: one column, its states
 * in the order they are taken. A choice column must offer every state. */
static int plifecycle_states(struct pctx *c, struct wl_txn *t, const cJSON *lc, const char *path)
{
    const struct entity *e = t->entity;
    const cJSON *col, *it;
    char p[PATH_MAX_LEN], ip[PATH_MAX_LEN], hint[128];
    const struct field *f;
    int bad = 0, i, j;

    if (!cJSON_IsObject(lc) || cJSON_GetArraySize(lc) != 1) {
        perr(c, path, "expected one column and its states in order, e.g. {\"status\": "
                      "[\"pending\", \"paid\", \"shipped\"]}");
        return -1;
    }
    col = lc->child;
    pjoin(p, path, col->string);
    t->state_field = entity_field(e, col->string);
    if (t->state_field < 0) {
        perr(c, p, "entity \"%s\" has no field \"%s\"%s", e->name, col->string,
             field_hint(hint, sizeof hint, e, col->string));
        return -1;
    }
    f = &e->fields[t->state_field];
    if (e->cols[t->state_field].type != FV_STRING) {
        perr(c, p, "a lifecycle column holds strings; \"%s\" does not", col->string);
        return -1;
    }
    if (!cJSON_IsArray(col) || cJSON_GetArraySize(col) < 2 ||
        cJSON_GetArraySize(col) > WL_MAX_STATES) {
        perr(c, p, "expected an array of 2 to %d states, in the order they are taken",
             WL_MAX_STATES);
        return -1;
    }
    i = 0;
    cJSON_ArrayForEach(it, col)
    {
        pidx(ip, p, (size_t)i++);
        if (!cJSON_IsString(it) || !it->valuestring[0]) {
            perr(c, ip, "expected a state name (a non-empty string)");
            bad++;
            continue;
        }
        for (j = 0; j < t->nstates; j++)
            if (!strcmp(t->states[j], it->valuestring)) {
                perr_val(c, ip, "state \"%s\" is listed twice", it->valuestring);
                bad++;
                break;
            }
        if (j < t->nstates)
            continue;
        if (f->gen == GEN_CHOICE) {
            const char *names[256];
            size_t k, n = 0, len = strlen(it->valuestring);
            for (k = 0; k < f->nchoices && n < 256; k++)
                if (f->choices[k].type == FV_STRING) {
                    if (f->choices[k].len == len && !memcmp(f->choices[k].v.s, it->valuestring, len))
                        break;
                    names[n++] = f->choices[k].v.s; /* NUL-terminated: profile strings */
                }
            if (k == f->nchoices) {
                suggest_hint(hint, sizeof hint, it->valuestring, names, n);
                perr_val(c, ip, "\"%s\" is not one of the values of %s.%s%s", it->valuestring,
                         e->name, f->name, hint);
                bad++;
                continue;
            }
        }
        t->states[t->nstates++] = xstrdup(it->valuestring);
    }
    return bad ? -1 : 0;
}

/* "set": ["total"]: fields an update draws anew from their own generators. */
static int pset(struct pctx *c, struct wl_txn *t, const cJSON *set, const char *path)
{
    const struct entity *e = t->entity;
    const cJSON *it;
    char ip[PATH_MAX_LEN], hint[128];
    size_t i = 0;
    int bad = 0;

    if (!cJSON_IsArray(set) || cJSON_GetArraySize(set) == 0 ||
        cJSON_GetArraySize(set) > WL_MAX_SET) {
        perr(c, path, "expected an array of 1 to %d field names", WL_MAX_SET);
        return -1;
    }
    cJSON_ArrayForEach(it, set)
    {
        const struct field *f;
        int fi;
        pidx(ip, path, i++);
        if (!cJSON_IsString(it)) {
            perr(c, ip, "expected a field name, got %s", ptype_name(it));
            bad++;
            continue;
        }
        fi = entity_field(e, it->valuestring);
        if (fi < 0) {
            perr_val(c, ip, "entity \"%s\" has no field \"%s\"%s", e->name, it->valuestring,
                     field_hint(hint, sizeof hint, e, it->valuestring));
            bad++;
            continue;
        }
        f = &e->fields[fi];
        if (fi == e->pk || f->gen == GEN_REF || f->gen == GEN_SEQUENCE || f->unique ||
            e->cols[fi].unique || fi == t->state_field) {
            perr_val(c, ip, "\"%s\" cannot be drawn anew: it is %s", f->name,
                     fi == e->pk ? "the primary key" : f->gen == GEN_REF ? "a reference"
                     : f->gen == GEN_SEQUENCE ? "a sequence" : fi == t->state_field
                     ? "the lifecycle column" : "unique");
            bad++;
            continue;
        }
        t->set[t->nset++] = fi;
    }
    return bad ? -1 : 0;
}

/* Tables a delete of e clears first, parent step before its own dependents (run in reverse).
 * Only tables (not streams) whose rows refer to e's rows through a reference field. */
static int pdeps(struct pctx *c, struct wl_txn *t, struct entity *e, const struct wl_dep *via,
                 int depth, const char *path)
{
    size_t i, j;

    for (i = 0; i < c->plan->nents; i++) {
        struct entity *d = &c->plan->ents[i];
        if (strcmp(d->section, "entities") != 0)
            continue;
        for (j = 0; j < d->nfields; j++) {
            const struct field *f = &d->fields[j];
            struct wl_dep *dep;
            if (f->gen != GEN_REF || f->target != e || f->target_field < 0)
                continue;
            if (d == t->entity || depth >= 4) {
                perr(c, path, "deleting %s rows would follow references %s (%s.%s refers to %s): "
                              "the workload deletes along at most 4 levels and no cycle",
                     t->entity->name, d == t->entity ? "in a cycle" : "too deep", d->name,
                     f->name, e->name);
                return -1;
            }
            if (t->ndeps == WL_MAX_DEPS) {
                perr(c, path, "deleting %s rows would clear more than %d tables first",
                     t->entity->name, WL_MAX_DEPS);
                return -1;
            }
            dep = &t->deps[t->ndeps++];
            dep->entity = d;
            dep->field = (int)j;
            dep->via = via;
            if (pdeps(c, t, d, dep, depth + 1, path))
                return -1;
        }
    }
    return 0;
}

static int ptxn(struct pctx *c, struct wl_txn *t, const cJSON *spec, const char *path)
{
    static const char *const kinds[] = {"insert", "update", "delete", NULL};
    static const char *const ikeys[] = {"type", "entity", "weight", "children", "description",
                                        NULL};
    static const char *const ukeys[] = {"type", "entity", "weight", "lifecycle", "set",
                                        "description", NULL};
    static const char *const dkeys[] = {"type", "entity", "weight", "description", NULL};
    const char *kind = NULL, *s;
    char p[PATH_MAX_LEN];
    int bad = 0, k;

    t->state_field = -1;
    t->weight = 1;
    if (!cJSON_IsObject(spec)) {
        perr(c, path, "expected an object with \"type\" (insert, update or delete) and "
                      "\"entity\"");
        return -1;
    }
    if (pstr(c, spec, path, "type", 1, &kind) != 1)
        return -1;
    for (k = 0; kinds[k] && strcmp(kinds[k], kind); k++)
        ;
    if (!kinds[k]) {
        s = psuggest(kind, kinds, 3);
        perr_val(c, pjoin(p, path, "type"), "unknown transaction type \"%s\" (%s%s%s)", kind,
                 s ? "did you mean \"" : "expected insert, update or delete", s ? s : "",
                 s ? "\"?" : "");
        return -1;
    }
    t->kind = (enum wl_kind)k;
    bad += pkeys(c, spec, path, k == WL_INSERT ? ikeys : k == WL_UPDATE ? ukeys : dkeys) != 0;
    if (pnum(c, spec, path, "weight", 0, &t->weight) < 0)
        bad++;
    else if (!(t->weight >= 0) || !isfinite(t->weight)) {
        perr(c, pjoin(p, path, "weight"), "must be a number >= 0 (got %g)", t->weight);
        bad++;
    }
    t->entity = ptable(c, spec, path, "entity");
    if (!t->entity)
        return -1;
    if (t->kind == WL_INSERT && t->entity->parent) {
        perr_val(c, pjoin(p, path, "entity"), "\"%s\" is made per %s: insert %s with \"children\": "
                 "[\"%s\"]", t->entity->name, t->entity->parent->name, t->entity->parent->name,
                 t->entity->name);
        return -1;
    }
    if (t->kind == WL_INSERT)
        bad += pchildren(c, t, spec, path) != 0;
    if (t->kind == WL_UPDATE) {
        if (member(spec, "lifecycle"))
            bad += plifecycle_states(c, t, member(spec, "lifecycle"),
                                     pjoin(p, path, "lifecycle")) != 0;
        if (member(spec, "set"))
            bad += pset(c, t, member(spec, "set"), pjoin(p, path, "set")) != 0;
        if (!member(spec, "lifecycle") && !member(spec, "set")) {
            perr(c, path, "an update needs \"lifecycle\" (a column moved forward) or \"set\" "
                          "(fields drawn anew), or both");
            bad++;
        }
    }
    if (t->kind == WL_DELETE)
        bad += pdeps(c, t, t->entity, NULL, 0, path) != 0;
    return bad ? -1 : 0;
}

/* A delete must not take away rows that new rows refer to: their foreign keys would break. */
static int pconflicts(struct pctx *c, const struct workload *w, const char *path)
{
    char p[PATH_MAX_LEN];
    int i, j, k, m, bad = 0;

    for (i = 0; i < w->ntxns; i++) {
        const struct wl_txn *d = &w->txns[i];
        if (d->kind != WL_DELETE)
            continue;
        for (j = 0; j < w->ntxns; j++) {
            const struct wl_txn *t = &w->txns[j];
            if (t->kind != WL_INSERT)
                continue;
            for (m = -1; m < t->nchildren; m++) {
                const struct entity *e = m < 0 ? t->entity : t->children[m];
                size_t f;
                for (f = 0; f < e->nfields; f++) {
                    const struct field *fl = &e->fields[f];
                    int hit = fl->gen == GEN_REF && !fl->ref_parent && fl->target == d->entity;
                    for (k = 0; !hit && fl->gen == GEN_REF && !fl->ref_parent && k < d->ndeps; k++)
                        hit = fl->target == d->deps[k].entity;
                    if (!hit)
                        continue;
                    perr(c, pjoin(p, path, d->name), "deletes %s rows, which new %s rows "
                         "(transaction \"%s\") refer to through %s.%s: their foreign keys "
                         "would break", fl->target->name, e->name, t->name, e->name, fl->name);
                    bad++;
                }
            }
        }
    }
    return bad;
}

int pworkload(struct pctx *c, const cJSON *spec, const char *path)
{
    static const char *const keys[] = {"rate", "arrival", "duration", "transactions",
                                       "description", NULL};
    struct workload *w;
    const cJSON *txs, *it;
    const char *arr = NULL;
    char p[PATH_MAX_LEN];
    double total = 0;
    int bad = 0, i;

    if (!cJSON_IsObject(spec)) {
        perr(c, path, "expected an object with \"rate\" and \"transactions\"");
        return -1;
    }
    w = xcalloc(1, sizeof *w);
    c->plan->workload = w;
    bad += pkeys(c, spec, path, keys) != 0;
    w->clock.window_us = 100000;
    w->clock.time_field = w->clock.key_field = -1;
    w->clock.start_text = "the run's start";
    if (!member(spec, "rate")) {
        perr(c, path, "missing required key \"rate\" (transactions per second, or an object)");
        bad++;
    } else
        bad += prate_curve(c, member(spec, "rate"), pjoin(p, path, "rate"), WL_CLOCK_NAME,
                     &w->clock.rate) != 0;
    bad += pdur(c, spec, path, "duration", 0, &w->clock.duration_us) < 0;
    if (pstr(c, spec, path, "arrival", 0, &arr) == 1) {
        if (!strcmp(arr, "uniform"))
            w->clock.arrival = ARRIVAL_UNIFORM;
        else if (strcmp(arr, "poisson")) {
            perr_val(c, pjoin(p, path, "arrival"), "expected \"poisson\" or \"uniform\", got \"%s\"",
                     arr);
            bad++;
        }
    }
    txs = member(spec, "transactions");
    pjoin(p, path, "transactions");
    if (!txs) {
        perr(c, path, "missing required key \"transactions\" (an object of named transactions)");
        return -1;
    }
    if (!cJSON_IsObject(txs) || cJSON_GetArraySize(txs) == 0 ||
        cJSON_GetArraySize(txs) > WL_MAX_TXNS) {
        perr(c, p, "expected an object of 1 to %d named transactions", WL_MAX_TXNS);
        return -1;
    }
    cJSON_ArrayForEach(it, txs)
    {
        struct wl_txn *t = &w->txns[w->ntxns++];
        char tp[PATH_MAX_LEN];
        t->name = xstrdup(it->string);
        if (ptxn(c, t, it, pjoin(tp, p, it->string))) {
            bad++;
            continue;
        }
        total += t->weight;
    }
    if (!bad && !(total > 0)) {
        perr(c, p, "the weights add up to 0: give some transaction a \"weight\" > 0");
        bad++;
    }
    if (!bad)
        bad += pconflicts(c, w, p);
    for (i = 0; !bad && i < w->ntxns; i++)
        w->cum[i] = (i ? w->cum[i - 1] : 0) + w->txns[i].weight / total;
    if (!bad) {
        w->cum[w->ntxns - 1] = 1;
        workload_reseed(w, c->plan->seed);
    }
    return bad ? -1 : 0;
}
