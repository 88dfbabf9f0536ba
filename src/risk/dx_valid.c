/*
 * Diagnosis validity for scoring: the billable codes of one or more code
 * sets gathered once into a hash set of packed codes, so that checking a
 * diagnosis costs one probe instead of a code-set look-up with titles. Also
 * the fast normaliser the scorers use; it follows mc_cm_normalize exactly
 * (tests/unit/test_risk.c compares the two).
 */
#include "risk/risk_int.h"

#include <stdlib.h>
#include <string.h>

struct mc_dx_valid {
    uint64_t *keys; /* open addressing, 0 = empty; load factor at most 1/2 */
    uint32_t mask;
    uint32_t n_codes;
};

static bool set_put(mc_dx_valid *v, uint64_t key)
{
    uint32_t i = (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & v->mask;
    while (v->keys[i] && v->keys[i] != key)
        i = (i + 1) & v->mask;
    if (v->keys[i])
        return false;
    v->keys[i] = key;
    return true;
}

/* Double the table (when code sets overlap less than expected). */
static int set_grow(mc_dx_valid *v)
{
    uint64_t *old = v->keys;
    uint32_t old_cap = v->mask + 1;
    v->keys = calloc((size_t)old_cap * 2, sizeof *v->keys);
    if (!v->keys) {
        v->keys = old;
        return MC_ENOMEM;
    }
    v->mask = old_cap * 2 - 1;
    for (uint32_t i = 0; i < old_cap; i++)
        if (old[i])
            set_put(v, old[i]);
    free(old);
    return MC_OK;
}

int mc_dx_valid_new(const mc_codeset *const *cs, uint32_t n_cs, mc_dx_valid **out)
{
    if (!out || (n_cs && !cs))
        return MC_EINVAL;
    *out = NULL;
    /* size for the largest code set: the years overlap almost entirely; grow if they do not */
    uint32_t biggest = 0;
    for (uint32_t i = 0; i < n_cs; i++)
        if (cs[i] && mc_cm_billable_count(cs[i]) > biggest)
            biggest = mc_cm_billable_count(cs[i]);
    mc_dx_valid *v = calloc(1, sizeof *v);
    if (!v)
        return MC_ENOMEM;
    for (uint32_t cap = 16;; cap <<= 1)
        if (cap >= 2 * (uint64_t)biggest * 5 / 4 + 16) {
            v->mask = cap - 1;
            break;
        }
    v->keys = calloc((size_t)v->mask + 1, sizeof *v->keys);
    if (!v->keys) {
        free(v);
        return MC_ENOMEM;
    }
    for (uint32_t i = 0; i < n_cs; i++) {
        if (!cs[i])
            continue;
        uint32_t n = mc_cm_count(cs[i]);
        for (uint32_t id = 0; id < n; id++) {
            mc_cm_code c;
            if (mc_cm_get(cs[i], id, &c) != MC_OK || !c.billable)
                continue;
            uint64_t k = mc__code_key(c.code);
            if (!k)
                continue;
            if ((uint64_t)(v->n_codes + 1) * 2 > (uint64_t)v->mask + 1 && set_grow(v)) {
                mc_dx_valid_free(v);
                return MC_ENOMEM;
            }
            v->n_codes += set_put(v, k);
        }
    }
    *out = v;
    return MC_OK;
}

void mc_dx_valid_free(mc_dx_valid *v)
{
    if (!v)
        return;
    free(v->keys);
    free(v);
}

uint32_t mc_dx_valid_count(const mc_dx_valid *v) { return v ? v->n_codes : 0; }

bool mc__dx_valid_has(const mc_dx_valid *v, uint64_t key)
{
    uint32_t i = (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & v->mask;
    for (;;) {
        uint64_t k = v->keys[i];
        if (k == key)
            return true;
        if (!k)
            return false;
        i = (i + 1) & v->mask;
    }
}

static inline bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r'; /* as mc__trim */
}

uint64_t mc__risk_norm(const char *s, char out[8])
{
    memset(out, 0, 8);
    while (is_space(*s))
        s++;
    const char *e = s + strlen(s);
    while (e > s && is_space(e[-1]))
        e--;
    size_t k = 0;
    bool dot = false;
    for (; s < e; s++) {
        char c = mc__upper(*s);
        if (c == '.') {
            if (dot || k != 3)
                goto bad;
            dot = true;
            continue;
        }
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) || k >= 7)
            goto bad;
        out[k++] = c;
    }
    if (k < 3 || out[0] < 'A' || out[0] > 'Z' ||
        !((out[1] >= '0' && out[1] <= '9') || (out[2] >= '0' && out[2] <= '9')))
        goto bad;
    return mc__code_key(out);
bad:
    memset(out, 0, 8);
    return 0;
}
