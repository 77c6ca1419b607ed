/* lifecycle.c: state machines per stream instance (lifecycle.h): the walk, counting, the chunk
 * loop shared with CDC streams, the lifecycle_* generators, and parsing "lifecycle".
 * Leaves out: what is specific to CDC (cdc.c). */
#include "lifecycle.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cdc.h"
#include "fault.h"
#include "gen.h"
#include "profile_priv.h"
#include "stream.h"

static const cJSON *member(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* ---------- the walk ---------- */

/* t plus s seconds: negative and NaN samples add nothing, a century caps a runaway tail, and the
 * sum stops at the end of year 9999 (a long walk of long dwells must not overflow). */
static int64_t add_secs(int64_t t, double s)
{
    const int64_t end = 253402300799999999LL; /* 9999-12-31T23:59:59.999999Z */
    int64_t d;

    if (!(s > 0))
        return t;
    d = (int64_t)((s > 3.2e9 ? 3.2e9 : s) * 1e6);
    return t >= end || d > end - t ? end : t + d;
}

void lc_walk_start(const struct lifecycle *lc, uint64_t i, int64_t t0, struct lc_walk *w)
{
    fount_rng_at(&w->path, lc->path_key, i);
    fount_rng_at(&w->dwell, lc->dwell_key, i);
    w->step = w->last = w->updates = 0;
    w->prev = -1;
    w->time = t0;
    if (lc->cdc) {
        w->state = CDC_INSERT;
        cdc_walk_start(lc->cdc, w);
    } else {
        w->state = lc->initial;
    }
}

int lc_walk_next(const struct lifecycle *lc, struct lc_walk *w, int with_time)
{
    const struct lc_state *st;
    double u;
    int k;

    if (lc->cdc) {
        if (w->step >= w->last)
            return 0;
        if (with_time)
            w->time = add_secs(w->time, cdc_gap(lc->cdc, w));
        w->prev = w->state;
        w->step++;
        w->state = w->step <= w->updates ? CDC_UPDATE : CDC_DELETE;
        return 1;
    }
    st = &lc->states[w->state];
    if (!st->nnext || w->step + 1 >= lc->max_steps)
        return 0;
    u = pcg32_double(&w->path);
    for (k = 0; k < st->nnext - 1 && u >= st->cum[k]; k++)
        ;
    if (with_time) /* the time spent in the state being left */
        w->time = add_secs(w->time, dist_sample(&st->dwell, &w->dwell));
    w->prev = w->state;
    w->state = st->next[k];
    w->step++;
    return 1;
}

uint32_t lc_path_len(const struct lifecycle *lc, uint64_t i)
{
    struct lc_walk w;
    uint32_t n = 1;

    lc_walk_start(lc, i, 0, &w);
    if (lc->cdc)
        return 1 + w.last;
    while (lc_walk_next(lc, &w, 0))
        n++;
    return n;
}

uint64_t lifecycle_block_records(const struct entity *e, uint64_t w0, uint64_t w1, uint64_t i0)
{
    uint64_t n = 0, w, k, j;

    for (w = w0; w < w1; w++) {
        k = stream_window_count(e->stream, w);
        for (j = 0; j < k; j++)
            n += lc_path_len(e->lifecycle, i0++);
    }
    return n;
}

/* ---------- records ---------- */

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need > *cap) {
        *cap = need + need / 2;
        p = xrealloc(p, *cap * size);
    }
    return p;
}

/* Instance i's key: CDC, the subject's primary key at row first_row + i; with an entity, its
 * primary key at row i; else key_start + i. */
static void instance_key(const struct lifecycle *lc, uint64_t i, struct fount_value *key,
                         struct arena *a)
{
    const struct entity *t = lc->entity;

    if (t) {
        gen_value_at(t, t->pk, (lc->cdc ? lc->cdc->first_row : 0) + i, key, a);
        return;
    }
    memset(key, 0, sizeof *key);
    key->type = FV_INT;
    key->v.i = lc->key_start + (int64_t)i;
}

void lifecycle_chunk(const struct entity *e, uint64_t c, struct gen_buf *gb, uint64_t n,
                     struct fount_batch *b)
{
    const struct stream *s = e->stream;
    const struct lifecycle *lc = e->lifecycle;
    const struct faults *f = e->faults;
    uint64_t w = c * e->per_block, wend = w + e->per_block, done = 0, k, j;
    uint64_t inst = e->iprefix[c], first = e->prefix[c];
    struct lc_event ev;
    struct lc_walk wk;

    if (f) {
        gb->flags = grow(gb->flags, &gb->fcap, n ? n : 1, 1);
        gb->version = xrealloc(gb->version, gb->fcap);
        b->row_flags = gb->flags;
        b->row_version = f->ndrift ? gb->version : NULL;
    }
    if (wend > s->nwindows)
        wend = s->nwindows;
    memset(&ev, 0, sizeof ev);
    for (; w < wend && done < n; w++) {
        k = stream_window_count(s, w);
        gb->times = grow(gb->times, &gb->tcap, k ? k : 1, sizeof *gb->times);
        stream_window_times(s, w, k, gb->times);
        for (j = 0; j < k && done < n; j++, inst++) {
            instance_key(lc, inst, &ev.key, &gb->arena);
            ev.instance = inst;
            ev.before.type = ev.after.type = FV_NULL;
            lc_walk_start(lc, inst, gb->times[j], &wk);
            do {
                struct fount_value *v = gb->vals + done * e->nfields;
                struct rowpos pos = {inst, 0, 0, wk.time, wk.time, &ev};
                ev.record = first + done;
                ev.step = wk.step;
                ev.state = wk.state;
                ev.prev = wk.prev;
                if (lc->cdc)
                    cdc_images(lc->cdc, lc->cdc->first_row + inst, wk.time, &ev, gb);
                gen_row(e, &pos, v, &gb->arena);
                if (f) { /* per record: keyed by the record, not the instance */
                    pos.row = ev.record;
                    gb->version[done] = 0;
                    gb->flags[done] = gen_stream_faults(e, &pos, v, &gb->version[done],
                                                        &gb->arena);
                }
                done++;
            } while (done < n && lc_walk_next(lc, &wk, 1));
        }
    }
}

static void set_str(struct fount_value *out, const char *s, uint32_t len)
{
    out->type = FV_STRING;
    out->v.s = s;
    out->len = len;
}

void lifecycle_eval(const struct entity *e, const struct field *f, const struct rowpos *pos,
                    struct fount_value *out, struct arena *a)
{
    static const char *const ops[] = {"c", "u", "d"};
    const struct lifecycle *lc = e->lifecycle;
    const struct lc_event *ev = pos->ev;
    int64_t ms;

    if (!ev || !lc) {
        out->type = FV_NULL;
        return;
    }
    switch (f->imin) {
    case LC_KEY:
    case CDC_KEY:
        *out = ev->key;
        break;
    case LC_STATE:
        set_str(out, lc->states[ev->state].name, lc->states[ev->state].len);
        break;
    case LC_PREVIOUS:
        if (ev->prev < 0)
            out->type = FV_NULL;
        else
            set_str(out, lc->states[ev->prev].name, lc->states[ev->prev].len);
        break;
    case LC_STEP:
        out->type = FV_INT;
        out->v.i = ev->step;
        break;
    case CDC_OP:
        set_str(out, ops[ev->state], 1);
        break;
    case CDC_TS:
        ms = pos->time / 1000;
        out->type = FV_INT;
        out->v.i = pos->time % 1000 < 0 ? ms - 1 : ms; /* floor, also before 1970 */
        break;
    case CDC_BEFORE:
        *out = ev->before;
        break;
    case CDC_AFTER:
        *out = ev->after;
        break;
    case CDC_SOURCE:
        cdc_source(lc->cdc, pos, out, a);
        break;
    default:
        out->type = FV_NULL;
    }
}

/* ---------- plan ---------- */

int lifecycle_prepare(struct entity *e, struct fount_err *err)
{
    struct lifecycle *lc = e->lifecycle;
    const struct entity *t;
    uint64_t first = 0, end;
    size_t j;

    if (!lc || !(t = lc->entity))
        return 0;
    if (lc->cdc) {
        if (!lc->cdc->first_row_given)
            lc->cdc->first_row = t->count;
        first = lc->cdc->first_row;
    }
    end = first + (e->iprefix ? e->iprefix[e->nblocks] : 0);
    /* Unique fields drawn from a permutation have a finite domain: rows past it would repeat. */
    for (j = 0; j < t->nfields; j++) {
        const struct field *f = &t->fields[j];
        if (!f->unique || f->gen == GEN_UUID || f->gen == GEN_TEMPLATE ||
            f->gen == GEN_SEQUENCE || f->gen == GEN_EXT)
            continue;
        if (end > f->perm.n || end < first) {
            fount_err_set(err, "streams.%s: %s rows up to %llu of entities.%s, but its unique "
                               "field \"%s\" has only %llu distinct values", e->name,
                          lc->cdc ? "cdc: inserts" : "lifecycle: keys need",
                          (unsigned long long)end, t->name, f->name,
                          (unsigned long long)f->perm.n);
            return -1;
        }
    }
    return 0;
}

void lifecycle_reseed(struct lifecycle *lc, uint64_t seed, const char *name)
{
    if (!lc)
        return;
    lc->path_key = fount_key(seed, name, "", "lifecycle");
    lc->dwell_key = fount_key(seed, name, "", "dwell");
    if (lc->cdc)
        cdc_reseed(lc->cdc, seed);
}

void lifecycle_free(struct lifecycle *lc)
{
    int i;

    if (!lc)
        return;
    for (i = 0; i < lc->nstates; i++) {
        free(lc->states[i].name);
        free(lc->states[i].next);
        free(lc->states[i].prob);
        free(lc->states[i].cum);
        dist_free(&lc->states[i].dwell);
    }
    free(lc->states);
    cdc_free(lc->cdc);
    free(lc);
}

/* Expected records per instance: the probability of being alive at each step, summed (a Markov
 * chain forward pass, stopped once nearly every walk has ended). Sizes chunks only. */
static double lc_mean(const struct lifecycle *lc)
{
    double *p = xcalloc((size_t)lc->nstates, sizeof *p);
    double *q = xcalloc((size_t)lc->nstates, sizeof *q);
    double total = 0, alive, *t;
    uint32_t step;
    int s, k;

    p[lc->initial] = 1;
    for (step = 0; step < lc->max_steps; step++) {
        alive = 0;
        for (s = 0; s < lc->nstates; s++)
            alive += p[s];
        total += alive;
        if (alive < 1e-9)
            break;
        memset(q, 0, (size_t)lc->nstates * sizeof *q);
        for (s = 0; s < lc->nstates; s++)
            for (k = 0; k < lc->states[s].nnext; k++)
                q[lc->states[s].next[k]] += p[s] * lc->states[s].prob[k];
        t = p;
        p = q;
        q = t;
    }
    free(p);
    free(q);
    return total;
}

/* ---------- parsing ---------- */

int lifecycle_psecs(struct pctx *c, const cJSON *o, const char *path, const char *key,
                    double def_mean, struct dist *d)
{
    const cJSON *v = member(o, key);
    char p[PATH_MAX_LEN], msg[64];
    double par[DIST_MAXP] = {0};
    int64_t us;
    int bad;

    pjoin(p, path, key);
    memset(d, 0, sizeof *d);
    if (!v) {
        par[0] = 1 / def_mean;
        return dist_init(d, DIST_EXPONENTIAL, par, msg, sizeof msg, &bad);
    }
    if (cJSON_IsNumber(v) && v->valuedouble >= 0 && isfinite(v->valuedouble)) {
        par[0] = v->valuedouble;
        return dist_init(d, DIST_CONST, par, msg, sizeof msg, &bad);
    }
    if (cJSON_IsString(v) && parse_duration(v->valuestring, &us) == 0) {
        par[0] = (double)us / 1e6;
        return dist_init(d, DIST_CONST, par, msg, sizeof msg, &bad);
    }
    return pdist(c, v, p, 1e6, 0, d);
}

static void entity_names(const struct plan *pl, const char **names, size_t *n)
{
    size_t i;

    *n = 0;
    for (i = 0; i < pl->nents && *n < 63; i++)
        if (!strcmp(pl->ents[i].section, "entities"))
            names[(*n)++] = pl->ents[i].name;
    names[*n] = NULL;
}

struct entity *lifecycle_subject(struct pctx *c, const cJSON *o, const char *path)
{
    const char *name = NULL, *names[64], *s;
    struct entity *t;
    char p[PATH_MAX_LEN];
    size_t n;

    if (pstr(c, o, path, "entity", 1, &name) != 1)
        return NULL;
    pjoin(p, path, "entity");
    t = plan_entity(c->plan, name);
    if (!t || strcmp(t->section, "entities") != 0) {
        entity_names(c->plan, names, &n);
        s = psuggest(name, names, n);
        if (s)
            perr_val(c, p, "no entity named \"%s\" (did you mean \"%s\"?)", name, s);
        else
            perr_val(c, p, "no entity named \"%s\"", name);
        return NULL;
    }
    if (member(c->specs[t->index], "per")) {
        perr_val(c, p, "entities.%s is a \"per\" entity, whose rows belong to parents: name an "
                       "entity with a \"count\"", name);
        return NULL;
    }
    if (t->pk < 0) {
        perr_val(c, p, "entities.%s has no primary key (a field \"id\", or \"primary_key\")", name);
        return NULL;
    }
    if (t->fields[t->pk].gen == GEN_REF) {
        perr_val(c, p, "the primary key of entities.%s is a ref, which cannot key new rows", name);
        return NULL;
    }
    return t;
}

static int state_index(const struct lifecycle *lc, const char *name)
{
    int i;

    for (i = 0; i < lc->nstates; i++)
        if (!strcmp(lc->states[i].name, name))
            return i;
    return -1;
}

/* "unknown state" with a suggestion or the list of states. */
static void unknown_state(struct pctx *c, const struct lifecycle *lc, const char *p,
                          const char *name)
{
    const char *names[LC_MAX_STATES], *s;
    char list[300];
    size_t w = 0;
    int i;

    for (i = 0; i < lc->nstates; i++)
        names[i] = lc->states[i].name;
    s = psuggest(name, names, (size_t)lc->nstates);
    if (s) {
        perr_val(c, p, "unknown state \"%s\" (did you mean \"%s\"?)", name, s);
        return;
    }
    list[0] = '\0';
    for (i = 0; i < lc->nstates && w < sizeof list; i++)
        w += (size_t)snprintf(list + w, sizeof list - w, "%s%s", i ? ", " : "", names[i]);
    perr_val(c, p, "unknown state \"%s\" (states: %s)", name, list);
}

static int pnext(struct pctx *c, struct lifecycle *lc, struct lc_state *st, const cJSON *nx,
                 const char *np)
{
    const cJSON *it;
    char ip[PATH_MAX_LEN];
    double sum = 0, run = 0;
    int n = cJSON_GetArraySize(nx), k = 0, bad = 0, i;

    st->next = xcalloc((size_t)n + 1, sizeof *st->next);
    st->prob = xcalloc((size_t)n + 1, sizeof *st->prob);
    st->cum = xcalloc((size_t)n + 1, sizeof *st->cum);
    cJSON_ArrayForEach(it, nx)
    {
        int to = state_index(lc, it->string);
        pjoin(ip, np, it->string);
        if (to < 0) {
            unknown_state(c, lc, ip, it->string);
            bad++;
        } else if (!cJSON_IsNumber(it) || !(it->valuedouble >= 0 && it->valuedouble <= 1)) {
            perr(c, ip, "expected a probability between 0 and 1, got %s",
                 cJSON_IsNumber(it) ? "a number outside it" : ptype_name(it));
            bad++;
        } else {
            for (i = 0; i < k; i++)
                if (st->next[i] == to)
                    to = -1;
            if (to < 0) {
                perr(c, ip, "\"%s\" is listed twice", it->string);
                bad++;
            } else if (it->valuedouble > 0) { /* a transition of probability 0 never happens */
                st->next[k] = to;
                st->prob[k++] = it->valuedouble;
            }
            sum += it->valuedouble;
        }
    }
    if (bad)
        return -1;
    if (n && fabs(sum - 1) > 1e-9) {
        perr(c, np, "the probabilities add up to %.10g, not 1", sum);
        return -1;
    }
    st->nnext = k;
    for (i = 0; i < k; i++) {
        run += st->prob[i];
        st->cum[i] = run / sum;
    }
    if (k)
        st->cum[k - 1] = 1;
    return 0;
}

static int pstate(struct pctx *c, struct lifecycle *lc, int i, const cJSON *o, const char *path)
{
    static const char *const keys[] = {"next", "dwell", "description", NULL};
    struct lc_state *st = &lc->states[i];
    const cJSON *nx = member(o, "next");
    char np[PATH_MAX_LEN];
    int bad = 0;

    if (!cJSON_IsObject(o)) {
        perr(c, path, "expected an object with \"next\" and \"dwell\" ({} for a terminal state), "
                      "got %s", ptype_name(o));
        return -1;
    }
    if (pkeys(c, o, path, keys))
        return -1;
    bad += lifecycle_psecs(c, o, path, "dwell", 60, &st->dwell) != 0;
    if (nx) {
        pjoin(np, path, "next");
        if (!cJSON_IsObject(nx)) {
            perr(c, np, "expected an object of next states and their probabilities, like "
                        "{\"paid\": 0.8, \"cancelled\": 0.2}");
            return -1;
        }
        bad += pnext(c, lc, st, nx, np) != 0;
    }
    return bad ? -1 : 0;
}

/* Every state reachable from the initial one, and at least one terminal state among them. */
static int check_reach(struct pctx *c, const struct lifecycle *lc, const char *path)
{
    int *seen = xcalloc((size_t)lc->nstates, sizeof *seen), *queue;
    int head = 0, tail = 0, s, k, bad = 0, terminal = 0;
    char p[PATH_MAX_LEN];

    queue = xcalloc((size_t)lc->nstates, sizeof *queue);
    seen[lc->initial] = 1;
    queue[tail++] = lc->initial;
    while (head < tail) {
        s = queue[head++];
        terminal |= lc->states[s].nnext == 0;
        for (k = 0; k < lc->states[s].nnext; k++)
            if (!seen[lc->states[s].next[k]]) {
                seen[lc->states[s].next[k]] = 1;
                queue[tail++] = lc->states[s].next[k];
            }
    }
    for (s = 0; s < lc->nstates; s++)
        if (!seen[s]) {
            pjoin(p, path, "states");
            perr(c, pjoin(p, p, lc->states[s].name), "unreachable from the initial state \"%s\" "
                 "(no transition with a probability above 0 leads to it)",
                 lc->states[lc->initial].name);
            bad++;
        }
    if (!terminal) {
        perr(c, pjoin(p, path, "states"), "no terminal state (one without \"next\") is reachable "
             "from \"%s\": every walk would run to max_steps", lc->states[lc->initial].name);
        bad++;
    }
    free(seen);
    free(queue);
    return bad ? -1 : 0;
}

/* The stream's own fields: key types, state name lengths, and uniqueness per instance. */
static int setup_fields(struct pctx *c, struct entity *e, const struct lifecycle *lc,
                        const char *spath)
{
    char p[PATH_MAX_LEN];
    size_t j;
    int i, maxlen = 0, bad = 0;

    for (i = 0; i < lc->nstates; i++)
        if ((int)lc->states[i].len > maxlen)
            maxlen = (int)lc->states[i].len;
    for (j = 0; j < e->nfields; j++) {
        struct field *f = &e->fields[j];
        struct fount_column *col = &e->cols[j];
        if (f->gen == GEN_LIFECYCLE && f->imin == LC_KEY && lc->entity) {
            const struct fount_column *tc = &lc->entity->cols[lc->entity->pk];
            col->type = tc->type;
            col->decimals = tc->decimals;
            col->precision = tc->precision;
            col->scale = tc->scale;
            col->ts_digits = tc->ts_digits;
            col->max_len = tc->max_len;
        } else if (f->gen == GEN_LIFECYCLE && (f->imin == LC_STATE || f->imin == LC_PREVIOUS)) {
            col->max_len = maxlen;
        }
        if (f->unique && !f->per_event) {
            pjoin(p, spath, "fields");
            pjoin(p, p, f->name);
            perr(c, pjoin(p, p, "unique"), "a field of a lifecycle stream is drawn once per "
                 "instance and repeats on each of its events: add \"per_event\": true to make it "
                 "unique per event");
            bad++;
        }
        if (!f->per_event) /* a sequence or uuid is unique per instance, not per record */
            col->unique = 0;
    }
    return bad ? -1 : 0;
}

static int plc(struct pctx *c, struct entity *e, struct lifecycle *lc, const cJSON *o,
               const char *path, const char *spath)
{
    static const char *const keys[] = {"states", "initial", "max_steps", "key_start", "entity",
                                       "description", NULL};
    const cJSON *sts = member(o, "states"), *it;
    const char *init = NULL;
    char p[PATH_MAX_LEN], sp[PATH_MAX_LEN];
    int64_t v = 0;
    int i = 0, bad = 0;

    if (!cJSON_IsObject(o)) {
        perr(c, path, "expected an object with \"states\" and \"initial\", got %s", ptype_name(o));
        return -1;
    }
    if (pkeys(c, o, path, keys))
        return -1;
    pjoin(sp, path, "states");
    if (!sts) {
        perr(c, sp, "missing required key \"states\" (an object of states)");
        return -1;
    }
    if (!cJSON_IsObject(sts) || !cJSON_GetArraySize(sts) ||
        cJSON_GetArraySize(sts) > LC_MAX_STATES) {
        perr(c, sp, "expected an object of 1 to %d states", LC_MAX_STATES);
        return -1;
    }
    lc->states = xcalloc((size_t)cJSON_GetArraySize(sts), sizeof *lc->states);
    cJSON_ArrayForEach(it, sts)
    {
        if (state_index(lc, it->string) >= 0) {
            perr(c, pjoin(p, sp, it->string), "the state \"%s\" is defined twice", it->string);
            bad++;
        }
        lc->states[i].name = xstrdup(it->string);
        lc->states[i].len = (uint32_t)strlen(it->string);
        lc->nstates = ++i;
    }
    i = 0;
    cJSON_ArrayForEach(it, sts)
    {
        bad += pstate(c, lc, i, it, pjoin(p, sp, it->string)) != 0;
        i++;
    }
    if (pstr(c, o, path, "initial", 1, &init) == 1) {
        lc->initial = state_index(lc, init);
        if (lc->initial < 0) {
            unknown_state(c, lc, pjoin(p, path, "initial"), init);
            bad++;
        }
    } else
        bad++;
    if (pint(c, o, path, "max_steps", 0, &v) == 1) {
        if (v < 1 || v > LC_MAX_STEPS) {
            perr(c, pjoin(p, path, "max_steps"), "must be between 1 and %d (got %lld)",
                 LC_MAX_STEPS, (long long)v);
            bad++;
        } else
            lc->max_steps = (uint32_t)v;
    }
    bad += pint(c, o, path, "key_start", 0, &lc->key_start) < 0;
    if (member(o, "entity")) {
        if (member(o, "key_start")) {
            perr(c, pjoin(p, path, "key_start"), "give either \"entity\" (keys are its primary "
                                                 "keys) or \"key_start\", not both");
            bad++;
        }
        lc->entity = lifecycle_subject(c, o, path);
        bad += !lc->entity;
    }
    if (bad || check_reach(c, lc, path) || setup_fields(c, e, lc, spath))
        return -1;
    lc->mean_records = lc_mean(lc);
    return 0;
}

int plifecycle(struct pctx *c, struct entity *e, const cJSON *spec, const char *path)
{
    static const char *const refused[] = {"duplicates", "late"};
    const cJSON *lo = member(spec, "lifecycle"), *co = member(spec, "cdc");
    const cJSON *fo = member(spec, "faults");
    struct lifecycle *lc;
    char p[PATH_MAX_LEN];
    int bad = 0, i;

    if (!lo && !co)
        return 0;
    if (lo && co) {
        perr(c, pjoin(p, path, "cdc"), "give either \"lifecycle\" or \"cdc\", not both");
        return -1;
    }
    for (i = 0; i < 2 && cJSON_IsObject(fo); i++)
        if (member(fo, refused[i])) {
            pjoin(p, path, "faults");
            perr(c, pjoin(p, p, refused[i]), "not supported on %s streams yet: records go out "
                 "instance by instance, and %s would break the order per key (nulls, malformed "
                 "and drift are supported)", co ? "CDC" : "lifecycle",
                 i ? "a late event" : "a duplicate");
            bad++;
        }
    if (co && member(spec, "key")) {
        perr(c, pjoin(p, path, "key"), "a CDC stream is keyed by its \"key\" column: remove "
                                       "\"key\"");
        bad++;
    }
    if (co && member(spec, "fields")) {
        perr(c, pjoin(p, path, "fields"), "a CDC stream's columns are op, ts_ms, key, before, "
                                          "after and source: remove \"fields\"");
        return -1;
    }
    lc = xcalloc(1, sizeof *lc);
    e->lifecycle = lc;
    lc->initial = -1;
    lc->max_steps = 32;
    lc->key_start = 1;
    if (co)
        bad += pcdc(c, e, lc, co, pjoin(p, path, "cdc")) != 0;
    else
        bad += plc(c, e, lc, lo, pjoin(p, path, "lifecycle"), path) != 0;
    lifecycle_reseed(lc, c->plan->seed, e->name);
    return bad ? -1 : 0;
}

int plifecycle_field(struct pctx *c, struct entity *e, struct field *f, const cJSON *spec,
                     const char *path)
{
    static const char *const names[] = {"lifecycle_key", "lifecycle_state", "lifecycle_previous",
                                        "lifecycle_step"};
    const cJSON *t = member(spec, "type");
    struct fount_column *col = &e->cols[f->index];
    char p[PATH_MAX_LEN];
    int i;

    for (i = 0; i < 3 && strcmp(t->valuestring, names[i]); i++)
        ;
    f->imin = i; /* LC_KEY .. LC_STEP */
    if (strcmp(e->section, "streams") != 0 || !member(c->specs[e->index], "lifecycle")) {
        perr_val(c, pjoin(p, path, "type"), "%s exists only in streams with a \"lifecycle\"",
                 names[i]);
        return -1;
    }
    col->type = i == LC_STATE || i == LC_PREVIOUS ? FV_STRING : FV_INT; /* an entity's key: plc */
    col->nullable = i == LC_PREVIOUS;
    return 0;
}
