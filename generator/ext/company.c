/* company.c: companies (a name after the locale's naming patterns, its web domain) and jobs
 * (department, job title). The name, the domain used by internet.email/domain/url and the job come
 * from one identity per (group, row).
 * Leaves out: industry codes, localised job titles (departments and titles are English). */
#include "ext.h"

void ext_company_at(const struct ext_field *x, uint64_t row, int loc, struct ext_company *c)
{
    const struct fdata_locale *L = &fdata_locales[loc];
    uint64_t base = ext_base(x->gsub[SUB_COMPANY], row);

    c->loc = loc;
    c->pattern = &L->company_pattern.w[ext_pick_z(&L->company_pattern.pick, ext_draw(base, C_PATTERN))];
    c->l = &L->last.w[ext_pick_z(&L->last.pick, ext_draw(base, C_L))];
    c->l2 = &L->last.w[ext_pick_z(&L->last.pick, ext_draw(base, C_L2))];
    c->w = &L->company_word.w[ext_pick_z(&L->company_word.pick, ext_draw(base, C_WORD))];
    c->s = &L->company_suffix.w[ext_pick_z(&L->company_suffix.pick, ext_draw(base, C_SUFFIX))];
    if (c->l2 == c->l) /* "Smith & Smith": take the next name instead */
        c->l2 = &L->last.w[(uint32_t)(c->l - L->last.w + 1) % L->last.n];
}

/* The job of the group's person at the company: department, level (half have none), role. */
struct job {
    const struct fdata_word *dept, *level, *role;
};
static void job_at(const struct ext_field *x, uint64_t row, struct job *j)
{
    uint64_t base = ext_base(x->gsub[SUB_COMPANY], row), lv = ext_draw(base, C_LEVEL);

    j->dept = &fdata_department.w[ext_pick_z(&fdata_department.pick, ext_draw(base, C_DEPT))];
    j->level = (lv >> 63) ? NULL : &fdata_job_level.w[ext_pick_z(&fdata_job_level.pick, lv)];
    j->role = &fdata_job_role.w[ext_pick_z(&fdata_job_role.pick, ext_draw(base, C_ROLE))];
    /* "Engineering Engineer", "Administration Administrator": take the next role */
    if (j->role->len >= 6 && j->dept->len >= 6 && memcmp(j->role->s, j->dept->s, 6) == 0)
        j->role = &fdata_job_role.w[(uint32_t)(j->role - fdata_job_role.w + 1) % fdata_job_role.n];
}

/* The word behind a placeholder of a pattern ("{l}", "{l2}", "{w}", "{s}"), or NULL. */
static const struct fdata_word *slot(const struct ext_company *c, const char *name, size_t n)
{
    if (n == 1 && name[0] == 'l')
        return c->l;
    if (n == 2 && name[0] == 'l' && name[1] == '2')
        return c->l2;
    if (n == 1 && name[0] == 'w')
        return c->w;
    if (n == 1 && name[0] == 's')
        return c->s;
    return NULL;
}

size_t ext_company_name(const struct ext_company *c, char *p)
{
    const char *q = c->pattern->s, *end;
    char *w = p;

    while (*q) {
        const struct fdata_word *word;
        if (*q == '{' && (end = strchr(q, '}')) != NULL &&
            (word = slot(c, q + 1, (size_t)(end - q - 1))) != NULL) {
            w = ext_put(w, word->s, word->len);
            q = end + 1;
        } else
            *w++ = *q++;
    }
    return (size_t)(w - p);
}

/* The slugs of the pattern's names and word joined by '-', then the locale's TLD:
 * "{l} & {l2}" -> "smith-jones.com", "{w} {l}" -> "transports-martin.fr". */
size_t ext_company_domain(const struct ext_company *c, char *p)
{
    const char *q = c->pattern->s, *end;
    char *w = p;

    for (; (q = strchr(q, '{')) != NULL; q = end + 1) {
        const struct fdata_word *word;
        end = strchr(q, '}');
        if (!end)
            break;
        word = slot(c, q + 1, (size_t)(end - q - 1));
        if (!word || word == c->s || !word->slug_len)
            continue;
        if (w > p)
            *w++ = '-';
        w = ext_put(w, word->slug, word->slug_len);
    }
    if (w == p)
        w = ext_put(w, c->l->slug, c->l->slug_len);
    *w++ = '.';
    w = ext_put(w, ext_locinfo[c->loc].tld, ext_locinfo[c->loc].tld_len);
    return (size_t)(w - p);
}

static size_t max_slug(const struct fdata_list *l)
{
    size_t m = 0;
    uint32_t i;

    for (i = 0; i < l->n; i++)
        if (l->w[i].slug_len > m)
            m = l->w[i].slug_len;
    return m;
}

size_t ext_company_max(int loc)
{
    const struct fdata_locale *L = &fdata_locales[loc];
    size_t name = L->company_pattern.max_len + 2 * L->last.max_len + L->company_word.max_len +
                  L->company_suffix.max_len;
    size_t dom = 2 * max_slug(&L->last) + max_slug(&L->company_word) + 3 +
                 strlen(ext_locinfo[loc].tld);

    return name > dom ? name : dom;
}

static size_t put_title(const struct job *j, char *p)
{
    char *w = p;

    if (j->level) {
        w = ext_put(w, j->level->s, j->level->len);
        *w++ = ' ';
    }
    w = ext_put(w, j->dept->s, j->dept->len);
    *w++ = ' ';
    w = ext_put(w, j->role->s, j->role->len);
    return (size_t)(w - p);
}

int ext_company_parse(struct pctx *c, struct entity *e, struct field *f, struct ext_field *x,
                      const cJSON *spec, const char *path)
{
    unsigned mask = ext_mix_mask(x);
    size_t best = 0;
    int loc;

    (void)c;
    (void)spec;
    (void)path;
    switch (x->kind) {
    case EXT_COMPANY:
        for (loc = 0; loc < FDATA_NLOCALES; loc++)
            if ((mask & (1u << loc)) && ext_company_max(loc) > best)
                best = ext_company_max(loc);
        ext_col_string(e, f, best);
        x->domain = 0;
        return 0;
    case EXT_DEPARTMENT:
        ext_col_string(e, f, fdata_department.max_len);
        x->domain = fdata_department.n;
        return 0;
    default:
        ext_col_string(e, f, fdata_job_level.max_len + fdata_department.max_len +
                                  fdata_job_role.max_len + 2);
        x->domain = (uint64_t)(fdata_job_level.n + 1) * fdata_department.n * fdata_job_role.n;
        return 0;
    }
}

void ext_company_eval(const struct field *f, const struct ext_field *x, uint64_t row,
                      const struct fount_value *vals, struct fount_value *out, struct arena *a,
                      struct ext_rowcache *rc)
{
    struct ext_company co;
    struct job j;
    char *s;

    (void)rc;
    (void)f;
    (void)vals;
    if (x->kind == EXT_COMPANY) {
        ext_company_at(x, row, ext_row_locale(x, row), &co);
        s = arena_alloc(a, x->maxlen + 8);
        ext_str(out, s, ext_company_name(&co, s));
        return;
    }
    job_at(x, row, &j);
    if (x->kind == EXT_DEPARTMENT) {
        ext_static(out, j.dept->s, j.dept->len);
        return;
    }
    s = arena_alloc(a, x->maxlen + 8);
    ext_str(out, s, put_title(&j, s));
}
