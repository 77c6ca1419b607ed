/* check.c: checks the HTTP sink's settings in a profile ("sinks": {"http": {...}}) for fount
 * check, as file:line:col: json.path: message errors. Leaves out: applying them (http.c). */
#include <cjson/cJSON.h>

#include "../../generator/profile_priv.h"
#include "http_priv.h"

static int check_rel_keys(struct pctx *c, const cJSON *o, const char *path,
                          const struct entity *e)
{
    static const char *const keys[] = {"url", "template", "graphql", "idempotency_key", "headers",
                                       NULL};
    static const char *const top_keys[] = {"template", "graphql", "idempotency_key", "headers",
                                           "relations", NULL};
    const char *const str_keys[] = {"url", "template", "graphql", "idempotency_key"};
    const cJSON *h;
    char p[PATH_MAX_LEN], hint[128];
    int n = pkeys(c, o, path, e ? keys : top_keys);
    size_t i;

    for (i = 0; i < sizeof str_keys / sizeof str_keys[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, str_keys[i]);
        if (!v)
            continue;
        pjoin(p, path, str_keys[i]);
        if (!cJSON_IsString(v)) {
            perr_val(c, p, "expected a string, got %s", ptype_name(v));
            n++;
        } else if (!strcmp(str_keys[i], "template") && !strstr(v->valuestring, "{{body}}")) {
            perr_val(c, p, "a body template needs {{body}} where the record (or batch) goes");
            n++;
        } else if (!strcmp(str_keys[i], "idempotency_key") && e) {
            size_t f;
            for (f = 0; f < e->nfields && strcmp(e->fields[f].name, v->valuestring); f++)
                ;
            if (f == e->nfields) {
                perr_val(c, p, "%s has no field \"%s\"%s", e->name, v->valuestring,
                         field_hint(hint, sizeof hint, e, v->valuestring));
                n++;
            }
        }
    }
    if ((h = cJSON_GetObjectItemCaseSensitive(o, "headers"))) {
        pjoin(p, path, "headers");
        if (!cJSON_IsObject(h)) {
            perr_val(c, p, "expected an object of header values by name, got %s", ptype_name(h));
            return n + 1;
        }
        for (h = h->child; h; h = h->next)
            if (!cJSON_IsString(h)) {
                char hp[PATH_MAX_LEN];
                pjoin(hp, p, h->string);
                perr_val(c, hp, "expected a header value (a string), got %s", ptype_name(h));
                n++;
            }
    }
    return n;
}

int http_check_profile(struct pctx *c, const cJSON *cfg, const char *path)
{
    const cJSON *rels = cJSON_GetObjectItemCaseSensitive(cfg, "relations"), *it;
    char p[PATH_MAX_LEN], rp[PATH_MAX_LEN], hint[128];
    int n = check_rel_keys(c, cfg, path, NULL);

    if (!rels)
        return n;
    pjoin(p, path, "relations");
    if (!cJSON_IsObject(rels)) {
        perr_val(c, p, "expected an object of settings by relation name, got %s",
                 ptype_name(rels));
        return n + 1;
    }
    cJSON_ArrayForEach(it, rels) {
        const struct entity *e = NULL;
        size_t i;
        for (i = 0; i < c->plan->nents; i++)
            if (!strcmp(c->plan->ents[i].name, it->string))
                e = &c->plan->ents[i];
        pjoin(rp, p, it->string);
        if (!e) {
            perr(c, rp, "no relation is named \"%s\"%s", it->string,
                 entity_hint(hint, sizeof hint, c->plan, it->string));
            n++;
        } else if (!cJSON_IsObject(it)) {
            perr_val(c, rp, "expected an object of settings, got %s", ptype_name(it));
            n++;
        } else
            n += check_rel_keys(c, it, rp, e);
    }
    return n;
}
