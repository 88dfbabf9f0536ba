/*
 * Elixhauser Comorbidity Software Refined (AHRQ, v2025.1) and Charlson
 * (Quan 2005 ICD-10 definitions): loading from RSKEX* / RSKCHARL and scoring.
 *
 * Elixhauser, as the AHRQ mapping program does it:
 *  - a diagnosis sets every flag of its mapping row; flags of POA-dependent
 *    measures count only when the diagnosis was present on admission
 *    (POA 'Y' or 'W', the exempt markers '1'/'E', or a code on the fiscal
 *    year's POA-exempt list) if the record has POA data;
 *  - CBVD has two flags: CBVD_POA (POA-dependent) and CBVD_SQLA (sequelae,
 *    not POA-dependent); either sets CMR_CBVD;
 *  - the exclusion table zeroes the lesser measure (DIAB_UNCX under
 *    DIAB_CX, ...); rules marked poa_data_available apply only with POA data;
 *  - the readmission and mortality indices sum the weights of the measures
 *    present after exclusions.
 * Charlson: a code belongs to a condition when it starts with one of the
 * condition's Quan 2005 prefixes; the hierarchy keeps only the more severe of
 * diab/diabwc, mld/msld and canc/metacanc; the index sums the weights.
 */
#include "risk/hcc_int.h"

#include <stdlib.h>
#include <string.h>

static mc_str cstr(const char *s) { return mc__str(s, strlen(s)); }

int mc__cmb_load(mc_risk *r, mc_diag *diag)
{
    elix_model *e = &r->elix;
    mc__rsk_table ms, fl, ex, ch, px;
    int rc;
    if ((rc = mc__rsk_table_open(r->b, "RSKEXMS", 5, &ms, diag)) ||
        (rc = mc__rsk_table_open(r->b, "RSKEXFL", 3, &fl, diag)) ||
        (rc = mc__rsk_table_open(r->b, "RSKEXMAP", 3, &e->maptab_store, diag)) ||
        (rc = mc__rsk_table_open(r->b, "RSKEXEX", 3, &ex, diag)) ||
        (rc = mc__rsk_table_open(r->b, "RSKCHARL", 5, &ch, diag)) ||
        (rc = mc__rsk_table_open(r->b, "RSKPOAX", 1, &px, diag)))
        return rc;
    if ((rc = mc__u64map_init(&e->exempt, px.n_rows)))
        return rc;
    for (uint32_t i = 0; i < px.n_rows; i++) {
        uint64_t k = mc__code_key(mc__rsk_str(&px, i, 0));
        if (!k)
            return mc_diag_set(diag, MC_ECORRUPT, "RSKPOAX: row %u has no valid code", i);
        mc__u64map_put(&e->exempt, k, 1);
    }
    if (ms.n_rows == 0 || ms.n_rows > MC_ELIX_MAX || fl.n_rows == 0 || fl.n_rows > 64 ||
        ex.n_rows > 32)
        return mc_diag_set(diag, MC_ECORRUPT, "Elixhauser tables: unexpected sizes");
    e->n_measures = ms.n_rows;
    for (uint32_t i = 0; i < ms.n_rows; i++) {
        e->m[i].name = cstr(mc__rsk_str(&ms, i, 0));
        e->m[i].description = cstr(mc__rsk_str(&ms, i, 1));
        e->m[i].uses_poa = mc__rsk_cell(&ms, i, 2) != 0;
        e->m[i].readmission_weight = (int32_t)mc__rsk_cell(&ms, i, 3);
        e->m[i].mortality_weight = (int32_t)mc__rsk_cell(&ms, i, 4);
    }
    e->n_flags = fl.n_rows;
    for (uint32_t i = 0; i < fl.n_rows; i++) {
        uint32_t mi = mc__rsk_cell(&fl, i, 1);
        if (mi >= e->n_measures)
            return mc_diag_set(diag, MC_ECORRUPT, "RSKEXFL: measure index out of range");
        e->flag_measure[i] = (uint8_t)mi;
        e->flag_poa[i] = mc__rsk_cell(&fl, i, 2) != 0;
    }
    e->n_excl = ex.n_rows;
    for (uint32_t i = 0; i < ex.n_rows; i++) {
        uint32_t a = mc__rsk_cell(&ex, i, 0), b = mc__rsk_cell(&ex, i, 1);
        if (a >= e->n_measures || b >= e->n_measures)
            return mc_diag_set(diag, MC_ECORRUPT, "RSKEXEX: measure index out of range");
        e->excl[i].a = (uint8_t)a;
        e->excl[i].b = (uint8_t)b;
        e->excl[i].poa_only = mc__rsk_cell(&ex, i, 2) == 1;
    }
    e->maptab = &e->maptab_store;
    if ((rc = mc__u64map_init(&e->map, e->maptab->n_rows)))
        return rc;
    for (uint32_t i = 0; i < e->maptab->n_rows; i++) {
        uint64_t k = mc__code_key(mc__rsk_str(e->maptab, i, 0));
        if (!k)
            return mc_diag_set(diag, MC_ECORRUPT, "RSKEXMAP: row %u has no valid code", i);
        mc__u64map_put(&e->map, k, i);
    }

    charlson_model *c = &r->ch;
    c->prefix = calloc(ch.n_rows + 1, sizeof *c->prefix);
    if (!c->prefix)
        return MC_ENOMEM;
    for (uint32_t i = 0; i < ch.n_rows; i++) {
        const char *name = mc__rsk_str(&ch, i, 0), *pre = mc__rsk_str(&ch, i, 2);
        uint32_t k = 0;
        while (k < c->n && !mc__str_eq(c->c[k].name, name, strlen(name)))
            k++;
        if (k == c->n) {
            if (c->n >= MC_CHARLSON_MAX)
                return mc_diag_set(diag, MC_ECORRUPT, "RSKCHARL: too many conditions");
            c->c[k].name = cstr(name);
            c->c[k].label = cstr(mc__rsk_str(&ch, i, 1));
            c->c[k].weight_1987 = (int32_t)mc__rsk_cell(&ch, i, 3);
            c->c[k].weight_2011 = (int32_t)mc__rsk_cell(&ch, i, 4);
            c->n++;
        }
        size_t pl = strlen(pre);
        if (pl == 0 || pl > 7)
            return mc_diag_set(diag, MC_ECORRUPT, "RSKCHARL: row %u has a bad prefix", i);
        memcpy(c->prefix[c->n_prefix].p, pre, pl);
        c->prefix[c->n_prefix].len = (uint8_t)pl;
        c->prefix[c->n_prefix++].cond = (uint8_t)k;
    }
    /* Quan 2005 / Charlson hierarchy: the more severe form replaces the milder one. */
    static const char *const HIER[][2] = { { "diabwc", "diab" },
                                           { "msld", "mld" },
                                           { "metacanc", "canc" } };
    for (size_t h = 0; h < sizeof HIER / sizeof *HIER; h++) {
        int hi = -1, lo = -1;
        for (uint32_t k = 0; k < c->n; k++) {
            if (mc__str_eq(c->c[k].name, HIER[h][0], strlen(HIER[h][0])))
                hi = (int)k;
            if (mc__str_eq(c->c[k].name, HIER[h][1], strlen(HIER[h][1])))
                lo = (int)k;
        }
        if (hi < 0 || lo < 0)
            return mc_diag_set(diag, MC_ECORRUPT, "RSKCHARL: condition %s or %s missing",
                               HIER[h][0], HIER[h][1]);
        c->hier[c->n_hier][0] = (uint8_t)hi;
        c->hier[c->n_hier++][1] = (uint8_t)lo;
    }
    return MC_OK;
}

void mc__cmb_free(mc_risk *r)
{
    mc__u64map_free(&r->elix.map);
    mc__u64map_free(&r->elix.exempt);
    free(r->ch.prefix);
    r->ch.prefix = NULL;
}

uint32_t mc_elix_measure_count(const mc_risk *r) { return r ? r->elix.n_measures : 0; }

int mc_elix_measure_at(const mc_risk *r, uint32_t i, mc_elix_measure *out)
{
    if (!r || !out || i >= r->elix.n_measures)
        return MC_ENOTFOUND;
    *out = r->elix.m[i];
    return MC_OK;
}

uint32_t mc_charlson_count(const mc_risk *r) { return r ? r->ch.n : 0; }

int mc_charlson_condition_at(const mc_risk *r, uint32_t i, mc_charlson_condition *out)
{
    if (!r || !out || i >= r->ch.n)
        return MC_ENOTFOUND;
    *out = r->ch.c[i];
    return MC_OK;
}

/* POA indicators that count as present on admission: Y, W, and the exempt markers. */
static bool poa_yes(char c)
{
    c = mc__upper(c);
    return c == 'Y' || c == 'W' || c == '1' || c == 'E';
}

int mc_elix_score(const mc_risk *r, const mc_cmb_dx *dx, uint32_t n, int poa,
                  mc_elix_result *out)
{
    if (!r || !out || (n && !dx))
        return MC_EINVAL;
    if (n > MC_CMB_MAX_DX)
        return MC_ELIMIT;
    const elix_model *e = &r->elix;
    if (poa < 0) {
        poa = 0;
        for (uint32_t i = 0; i < n; i++)
            if (dx[i].poa)
                poa = 1;
    }
    memset(out, 0, sizeof *out);
    out->poa_used = poa == 1;
    out->n_measures = e->n_measures;
    out->n_dx = n;
    for (uint32_t k = 0; k < MC_ELIX_MAX; k++) {
        out->source[k] = -1;
        out->excluded_by[k] = -1;
    }
    for (uint32_t i = 0; i < n; i++) {
        char code[8];
        uint32_t row;
        if (!dx[i].code || mc_cm_normalize(dx[i].code, strlen(dx[i].code), code)) {
            out->dx_status[i] = MC_CMB_MALFORMED;
            continue;
        }
        if (!mc__u64map_get(&e->map, mc__code_key(code), &row)) {
            out->dx_status[i] = MC_CMB_NOT_MAPPED;
            continue;
        }
        uint64_t bits = (uint64_t)mc__rsk_cell(e->maptab, row, 1) |
                        (uint64_t)mc__rsk_cell(e->maptab, row, 2) << 32;
        uint32_t one;
        bool on_admission = poa_yes(dx[i].poa) || mc__u64map_get(&e->exempt, mc__code_key(code), &one);
        bool any = false, blocked = false;
        for (uint32_t f = 0; f < e->n_flags; f++) {
            if (!((bits >> f) & 1))
                continue;
            if (poa && e->flag_poa[f] && !on_admission) {
                blocked = true;
                continue;
            }
            uint8_t m = e->flag_measure[f];
            if (!out->present[m]) {
                out->present[m] = true;
                out->source[m] = (int16_t)i;
            }
            any = true;
        }
        out->dx_status[i] = any ? MC_CMB_MAPPED : blocked ? MC_CMB_NOT_POA : MC_CMB_NOT_MAPPED;
    }
    /* exclusions are evaluated on the flags before any is zeroed */
    bool had[MC_ELIX_MAX];
    memcpy(had, out->present, sizeof had);
    for (uint32_t x = 0; x < e->n_excl; x++) {
        if (e->excl[x].poa_only && !poa)
            continue;
        if (had[e->excl[x].a] && out->present[e->excl[x].b]) {
            out->present[e->excl[x].b] = false;
            out->excluded_by[e->excl[x].b] = (int8_t)e->excl[x].a;
        }
    }
    for (uint32_t k = 0; k < e->n_measures; k++)
        if (out->present[k]) {
            out->readmission_index += e->m[k].readmission_weight;
            out->mortality_index += e->m[k].mortality_weight;
        }
    return MC_OK;
}

int mc_charlson_score(const mc_risk *r, const mc_cmb_dx *dx, uint32_t n, mc_charlson_result *out)
{
    if (!r || !out || (n && !dx))
        return MC_EINVAL;
    if (n > MC_CMB_MAX_DX)
        return MC_ELIMIT;
    const charlson_model *c = &r->ch;
    memset(out, 0, sizeof *out);
    out->n_conditions = c->n;
    out->n_dx = n;
    for (uint32_t k = 0; k < MC_CHARLSON_MAX; k++) {
        out->source[k] = -1;
        out->superseded_by[k] = -1;
    }
    for (uint32_t i = 0; i < n; i++) {
        char code[8];
        if (!dx[i].code || mc_cm_normalize(dx[i].code, strlen(dx[i].code), code)) {
            out->dx_status[i] = MC_CMB_MALFORMED;
            continue;
        }
        bool any = false;
        for (uint32_t p = 0; p < c->n_prefix; p++)
            if (!strncmp(code, c->prefix[p].p, c->prefix[p].len)) {
                uint8_t k = c->prefix[p].cond;
                if (!out->present[k]) {
                    out->present[k] = true;
                    out->source[k] = (int16_t)i;
                }
                any = true;
            }
        out->dx_status[i] = any ? MC_CMB_MAPPED : MC_CMB_NOT_MAPPED;
    }
    for (uint32_t h = 0; h < c->n_hier; h++) {
        uint8_t hi = c->hier[h][0], lo = c->hier[h][1];
        if (out->present[hi] && out->present[lo]) {
            out->present[lo] = false;
            out->superseded_by[lo] = (int8_t)hi;
        }
    }
    for (uint32_t k = 0; k < c->n; k++)
        if (out->present[k]) {
            out->index_1987 += c->c[k].weight_1987;
            out->index_2011 += c->c[k].weight_2011;
        }
    return MC_OK;
}
