/* outcome.c: failures by class and latencies per relation, as sinks report them (sink.h). */
#include "outcome.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../sinks/sink.h"
#include "load.h"
#include "runner.h"

int64_t fount_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct fount_outcomes *outcomes_new(const struct plan *p)
{
    struct fount_outcomes *o = xcalloc(1, sizeof *o);

    o->p = p;
    o->lat = xcalloc(p->nents + 1, sizeof *o->lat);
    return o;
}

static void outcomes_free_notes(struct fount_outcomes *o);
static void outcomes_print_notes(const struct fount_outcomes *o, FILE *out);

void outcomes_free(struct fount_outcomes *o)
{
    size_t i;

    if (!o)
        return;
    for (i = 0; i < o->p->nents; i++)
        hist_free(&o->lat[i]);
    free(o->lat);
    free(o->fc);
    outcomes_free_notes(o);
    free(o);
}

/* The entity whose relation rel is (sinks pass the batch's, which is the plan's own): found by
 * address, as this runs per acknowledged record. (size_t)-1 for any other. */
static size_t ent_of(const struct fount_outcomes *o, const struct fount_relation *rel)
{
    uintptr_t first = (uintptr_t)&o->p->ents[0].rel, r = (uintptr_t)rel;
    size_t i;

    if (!o->p->nents || r < first)
        return (size_t)-1;
    i = (size_t)(r - first) / sizeof(struct entity);
    return i < o->p->nents && &o->p->ents[i].rel == rel ? i : (size_t)-1;
}

void sink_failed(struct fount_outcomes *o, const struct fount_relation *rel, uint64_t n,
                 const char *cls)
{
    size_t e, i;

    if (!o || !n || (e = ent_of(o, rel)) == (size_t)-1)
        return;
    if (o->rs) {
        struct rel_stats *rs = &o->rs[e];
        uint64_t m = n > rs->delivered ? rs->delivered : n;
        rs->delivered -= m;
        rs->failed += m;
    }
    for (i = 0; i < o->nfc; i++)
        if (o->fc[i].ent == e && !strncmp(o->fc[i].cls, cls, sizeof o->fc[i].cls - 1))
            break;
    if (i == o->nfc) {
        if (o->nfc == o->capfc) {
            o->capfc = o->capfc ? o->capfc * 2 : 8;
            o->fc = xrealloc(o->fc, o->capfc * sizeof *o->fc);
        }
        memset(&o->fc[i], 0, sizeof o->fc[i]);
        o->fc[i].ent = e;
        snprintf(o->fc[i].cls, sizeof o->fc[i].cls, "%s", cls);
        o->nfc++;
    }
    o->fc[i].n += n;
}

void sink_latency(struct fount_outcomes *o, const struct fount_relation *rel, uint64_t ns,
                  uint64_t n)
{
    size_t e;

    if (!o || !n || (e = ent_of(o, rel)) == (size_t)-1)
        return;
    if (!o->lat[e].counts && hist_init(&o->lat[e]))
        return;
    hist_record_n(&o->lat[e], ns, n);
    load_latency(o->load, 0, ns, n);
}

void sink_latency_rows(struct fount_outcomes *o, const struct fount_relation *rel,
                       const int64_t *due_ns, size_t n, int64_t done_ns)
{
    size_t e, i;

    if (!o || !n || (e = ent_of(o, rel)) == (size_t)-1)
        return;
    if (!o->lat[e].counts && hist_init(&o->lat[e]))
        return;
    for (i = 0; i < n; i++) { /* a row sent early (Ctrl-C) has waited nothing */
        uint64_t ns = done_ns > due_ns[i] ? (uint64_t)(done_ns - due_ns[i]) : 0;
        hist_record(&o->lat[e], ns);
        load_latency(o->load, due_ns[i], ns, 1);
    }
}

void outcomes_summary(const struct fount_outcomes *o, FILE *out)
{
    static const double ps[] = {50, 90, 99, 99.9};
    static const char *const pn[] = {"p50", "p90", "p99", "p99.9"};
    size_t i, k;
    char v[32];

    if (!o)
        return;
    for (i = 0; i < o->p->nents; i++) {
        const struct entity *e = &o->p->ents[o->p->write_order[i]];
        int first = 1;
        for (k = 0; k < o->nfc; k++) {
            if (o->fc[k].ent != (size_t)e->index)
                continue;
            if (first)
                fprintf(out, "  %s: failed:", e->name);
            fprintf(out, "%s %s %llu", first ? "" : ",", o->fc[k].cls,
                    (unsigned long long)o->fc[k].n);
            first = 0;
        }
        if (!first)
            fprintf(out, "\n");
    }
    for (i = 0; i < o->p->nents; i++) {
        const struct entity *e = &o->p->ents[o->p->write_order[i]];
        const struct hist *h = &o->lat[e->index];
        if (!o->show_latency || !h->counts || !h->total)
            continue;
        fprintf(out, "  %s: latency", e->name);
        for (k = 0; k < sizeof ps / sizeof ps[0]; k++) {
            hist_fmt_ns(v, sizeof v, hist_percentile(h, ps[k]));
            fprintf(out, " %s %s", pn[k], v);
        }
        hist_fmt_ns(v, sizeof v, h->max);
        fprintf(out, " max %s\n", v);
    }
    outcomes_print_notes(o, out);
}

/* ---------------------------------------------------------------- notes (sink_note) */

struct outcome_note {
    size_t ent;
    char text[256];
};

void sink_note(struct fount_outcomes *o, const struct fount_relation *rel, const char *fmt, ...)
{
    va_list ap;
    size_t e;

    if (!o || (e = ent_of(o, rel)) == (size_t)-1)
        return;
    if (o->nnotes == o->capnotes) {
        o->capnotes = o->capnotes ? o->capnotes * 2 : 4;
        o->notes = xrealloc(o->notes, o->capnotes * sizeof *o->notes);
    }
    o->notes[o->nnotes].ent = e;
    va_start(ap, fmt);
    vsnprintf(o->notes[o->nnotes].text, sizeof o->notes[o->nnotes].text, fmt, ap);
    va_end(ap);
    o->nnotes++;
}

static void outcomes_print_notes(const struct fount_outcomes *o, FILE *out)
{
    size_t i, k;

    for (i = 0; i < o->p->nents; i++) {
        const struct entity *e = &o->p->ents[o->p->write_order[i]];
        for (k = 0; k < o->nnotes; k++)
            if (o->notes[k].ent == (size_t)e->index)
                fprintf(out, "  %s: %s\n", e->name, o->notes[k].text);
    }
}

static void outcomes_free_notes(struct fount_outcomes *o)
{
    free(o->notes);
    o->notes = NULL;
    o->nnotes = o->capnotes = 0;
}
