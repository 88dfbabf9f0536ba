/*
 * Word lists for de-identification (the data/deid lists, compiled into the
 * library by scripts/gen-deid-lists.sh) and the hash sets over them.
 *
 * Keys point into the embedded string literals, so a set owns only its slot
 * arrays. Look-ups fold ASCII case and skip apostrophes ("O'Brien" finds
 * "obrien"); keys longer than 63 bytes are never found.
 */
#include "deid/deid_int.h"

#include <stdlib.h>
#include <string.h>

#include "deid_lists.inc"

static uint32_t hash_word(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        char c = mc__lower(s[i]);
        if (c == '\'')
            continue;
        h = (h ^ (unsigned char)c) * 16777619u;
    }
    return h;
}

/* Fold s into buf (lower case, no apostrophes); returns the length or 0 if too long. */
static size_t fold(const char *s, size_t n, char *buf, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'')
            continue;
        if (k + 1 >= cap)
            return 0;
        buf[k++] = mc__lower(s[i]);
    }
    return k;
}

int mc__wordset_build(mc__wordset *w, const char *const *list)
{
    memset(w, 0, sizeof *w);
    uint32_t lines = 0;
    while (list[lines])
        lines++;
    uint32_t slots = 16;
    while (slots < lines * 2 + 16)
        slots <<= 1;
    w->keys = calloc(slots, sizeof *w->keys);
    w->lens = calloc(slots, 1);
    if (!w->keys || !w->lens) {
        mc__wordset_free(w);
        return MC_ENOMEM;
    }
    w->mask = slots - 1;
    for (uint32_t i = 0; i < lines; i++) {
        const char *p = list[i];
        size_t n = strlen(p);
        if (n > 0 && n < 64 && !mc__wordset_has(w, p, n)) {
            uint32_t h = hash_word(p, n) & w->mask;
            while (w->keys[h])
                h = (h + 1) & w->mask;
            w->keys[h] = p;
            w->lens[h] = (uint8_t)n;
            w->count++;
            if (n > w->max_len)
                w->max_len = (uint32_t)n;
        }
    }
    return MC_OK;
}

void mc__wordset_free(mc__wordset *w)
{
    free(w->keys);
    free(w->lens);
    memset(w, 0, sizeof *w);
}

uint32_t mc__wordset_fold(const char *s, size_t n, char *buf, size_t *k)
{
    *k = n < 64 ? fold(s, n, buf, 64) : 0;
    return *k ? hash_word(buf, *k) : 0;
}

bool mc__wordset_has_folded(const mc__wordset *w, const char *buf, size_t k, uint32_t h)
{
    if (!w->keys || !k || k > w->max_len)
        return false;
    for (uint32_t i = h & w->mask; w->keys[i]; i = (i + 1) & w->mask)
        if (w->lens[i] == k && w->keys[i][0] == buf[0] && memcmp(w->keys[i], buf, k) == 0)
            return true;
    return false;
}

bool mc__wordset_has(const mc__wordset *w, const char *s, size_t n)
{
    if (!w->keys || n == 0 || n >= 64)
        return false;
    char buf[64];
    size_t k = fold(s, n, buf, sizeof buf);
    if (!k || k > w->max_len)
        return false;
    uint32_t h = hash_word(buf, k) & w->mask;
    while (w->keys[h]) {
        if (w->lens[h] == k && memcmp(w->keys[h], buf, k) == 0)
            return true;
        h = (h + 1) & w->mask;
    }
    return false;
}

mc_str mc__wordset_pick(const mc__wordset *w, uint64_t k)
{
    mc_str none = { "", 0 };
    if (!w->count)
        return none;
    uint64_t want = k % w->count;
    /* walk the slots: lists are small and picks happen once per distinct identifier */
    for (uint32_t i = 0; i <= w->mask; i++)
        if (w->keys[i] && want-- == 0)
            return mc__str(w->keys[i], w->lens[i]);
    return none;
}

int mc__deid_lists_load(mc_deid *d, mc_diag *diag)
{
    struct {
        mc__wordset *w;
        const char *const *list;
    } all[] = {
        { &d->first, deid_list_first_names }, { &d->last, deid_list_last_names },
        { &d->stop, deid_list_stopwords },    { &d->epon, deid_list_eponyms },
        { &d->drugs, deid_list_drugs },       { &d->cities, deid_list_cities },
        { &d->zip3, deid_list_zip3_restricted },
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (mc__wordset_build(all[i].w, all[i].list))
            return mc_diag_set(diag, MC_ENOMEM, "deid: out of memory loading word lists");
    return MC_OK;
}

void mc__deid_lists_free(mc_deid *d)
{
    mc__wordset_free(&d->first);
    mc__wordset_free(&d->last);
    mc__wordset_free(&d->stop);
    mc__wordset_free(&d->epon);
    mc__wordset_free(&d->drugs);
    mc__wordset_free(&d->cities);
    mc__wordset_free(&d->zip3);
}
