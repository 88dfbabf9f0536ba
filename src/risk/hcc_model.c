/*
 * Loading a CMS-HCC model from the RSKV28* / RSKV24* sections: the code map,
 * the age/sex edits, labels, hierarchies, and the resolution of every
 * coefficient variable name into a scoring slot.
 *
 * Variable names follow the CMS software: <segment>_<variable>, segment one
 * of CNA CND CFA CFD CPA CPD INS NE SNPNE; variables HCC<n>, age/sex cells
 * F0_34..M95_GT, D1..D10P (payment HCC counts), OriginallyDisabled_Female /
 * _Male, LTIMCAID, ORIGDS, new enrollee cells
 * {MCAID,NMCAID}_{ORIGDIS,NORIGDIS}_NE{F,M}<age>, and the interactions below
 * (definitions from the CMS model software, V28 and V24 community and
 * institutional models).
 */
#include "risk/hcc_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- interaction groups and terms ---- */
typedef struct group_def {
    const char *name;
    uint16_t hcc[12];
} group_def;

/* V28 groups (CMS V28 software: CANCER_V28, DIABETES_V28, ...). */
static const group_def V28_GROUPS[] = {
    { "CANCER", { 17, 18, 19, 20, 21, 22, 23 } },
    { "DIABETES", { 35, 36, 37, 38 } },
    { "CARD_RESP_FAIL", { 211, 212, 213 } },
    { "HF", { 221, 222, 223, 224, 225, 226 } },
    { "CHR_LUNG", { 276, 277, 278, 279, 280 } },
    { "KIDNEY", { 326, 327, 328, 329 } },
    { "gSubUseDisorder", { 135, 136, 137, 138, 139 } },
    { "gPsychiatric", { 151, 152, 153, 154, 155 } },
    { "NEURO", { 180, 181, 182, 190, 191, 192, 195, 196, 198, 199 } },
    { "ULCER", { 379, 380, 381, 382 } },
    { "HCC238", { 238 } },
};
enum { G28_CANCER, G28_DIAB, G28_CRF, G28_HF, G28_LUNG, G28_KIDNEY, G28_SUD, G28_PSY, G28_NEURO,
       G28_ULCER, G28_238 };

static const inter_def V28_INTER[] = {
    { "DIABETES_HF_V28", G28_DIAB, G28_HF },
    { "HF_CHR_LUNG_V28", G28_HF, G28_LUNG },
    { "HF_KIDNEY_V28", G28_HF, G28_KIDNEY },
    { "CHR_LUNG_CARD_RESP_FAIL_V28", G28_LUNG, G28_CRF },
    { "HF_HCC238_V28", G28_HF, G28_238 },
    { "gSubUseDisorder_gPsych_V28", G28_SUD, G28_PSY },
    { "DISABLED_CANCER_V28", GROUP_DISABLED, G28_CANCER },
    { "DISABLED_NEURO_V28", GROUP_DISABLED, G28_NEURO },
    { "DISABLED_HF_V28", GROUP_DISABLED, G28_HF },
    { "DISABLED_CHR_LUNG_V28", GROUP_DISABLED, G28_LUNG },
    { "DISABLED_ULCER_V28", GROUP_DISABLED, G28_ULCER },
};

/* V24 groups (CMS V24 software). */
static const group_def V24_GROUPS[] = {
    { "CANCER", { 8, 9, 10, 11, 12 } },
    { "DIABETES", { 17, 18, 19 } },
    { "CARD_RESP_FAIL", { 82, 83, 84 } },
    { "CHF", { 85 } },
    { "gCopdCF", { 110, 111, 112 } },
    { "RENAL_V24", { 134, 135, 136, 137, 138 } },
    { "SEPSIS", { 2 } },
    { "gSubstanceUseDisorder_V24", { 54, 55, 56 } },
    { "gPsychiatric_V24", { 57, 58, 59, 60 } },
    { "PRESSURE_ULCER", { 157, 158, 159 } },
    { "HCC47", { 47 } },
    { "HCC96", { 96 } },
    { "HCC188", { 188 } },
    { "HCC114", { 114 } },
    { "HCC57", { 57 } },
    { "HCC79", { 79 } },
};
enum { G24_CANCER, G24_DIAB, G24_CRF, G24_CHF, G24_COPD, G24_RENAL, G24_SEPSIS, G24_SUD,
       G24_PSY, G24_PU, G24_47, G24_96, G24_188, G24_114, G24_57, G24_79 };

/* DISABLED_HCC161/39/77/6 need single-HCC groups too; they reuse slots 10.. via extra defs. */
static const group_def V24_EXTRA[] = {
    { "HCC161", { 161 } }, { "HCC39", { 39 } }, { "HCC77", { 77 } }, { "HCC6", { 6 } },
};

static const inter_def V24_INTER[] = {
    { "HCC47_gCancer", G24_47, G24_CANCER },
    { "DIABETES_CHF", G24_DIAB, G24_CHF },
    { "CHF_gCopdCF", G24_CHF, G24_COPD },
    { "HCC85_gRenal_V24", G24_CHF, G24_RENAL },
    { "gCopdCF_CARD_RESP_FAIL", G24_COPD, G24_CRF },
    { "HCC85_HCC96", G24_CHF, G24_96 },
    { "gSubstanceUseDisorder_gPsych", G24_SUD, G24_PSY },
    { "SEPSIS_PRESSURE_ULCER", G24_SEPSIS, G24_PU },
    { "SEPSIS_ARTIF_OPENINGS", G24_SEPSIS, G24_188 },
    { "ART_OPENINGS_PRESS_ULCER", G24_188, G24_PU },
    { "gCopdCF_ASP_SPEC_B_PNEUM", G24_COPD, G24_114 },
    { "ASP_SPEC_B_PNEUM_PRES_ULC", G24_114, G24_PU },
    { "SEPSIS_ASP_SPEC_BACT_PNEUM", G24_SEPSIS, G24_114 },
    { "SCHIZOPHRENIA_gCopdCF", G24_57, G24_COPD },
    { "SCHIZOPHRENIA_CHF", G24_57, G24_CHF },
    { "SCHIZOPHRENIA_SEIZURES", G24_57, G24_79 },
    { "DISABLED_HCC85", GROUP_DISABLED, G24_CHF },
    { "DISABLED_PRESSURE_ULCER", GROUP_DISABLED, G24_PU },
    { "DISABLED_HCC161", GROUP_DISABLED, 16 },
    { "DISABLED_HCC39", GROUP_DISABLED, 17 },
    { "DISABLED_HCC77", GROUP_DISABLED, 18 },
    { "DISABLED_HCC6", GROUP_DISABLED, 19 },
};

static const char *const SEG_PREFIX[MC_SEG_N] = { "",    "CNA", "CND", "CFA", "CFD",
                                                  "CPA", "CPD", "INS", "NE",  "SNPNE" };
static const char *const CELLS[N_CELLS] = { "0_34",  "35_44", "45_54", "55_59",
                                            "60_64", "65_69", "70_74", "75_79",
                                            "80_84", "85_89", "90_94", "95_GT" };
static const char *const NE_CELLS[N_NE_CELLS] = { "0_34",  "35_44", "45_54", "55_59",
                                                  "60_64", "65",    "66",    "67",
                                                  "68",    "69",    "70_74", "75_79",
                                                  "80_84", "85_89", "90_94", "95_GT" };

static int find_cell(const char *const *cells, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(cells[i], s))
            return i;
    return -1;
}

static int set_slot(int32_t *slot, uint32_t var, const char *name, mc_diag *diag)
{
    if (*slot >= 0)
        return mc_diag_set(diag, MC_ECORRUPT, "coefficient %s appears twice", name);
    *slot = (int32_t)var;
    return MC_OK;
}

/* Resolve one variable name into its slot. */
static int resolve_var(hcc_model *m, uint32_t var, const char *name, mc_diag *diag)
{
    int seg = -1;
    size_t pl = 0;
    for (int s = 1; s < MC_SEG_N; s++) {
        size_t l = strlen(SEG_PREFIX[s]);
        if (!strncmp(name, SEG_PREFIX[s], l) && name[l] == '_' && l > pl)
            seg = s, pl = l;
    }
    if (seg < 0)
        return mc_diag_set(diag, MC_ECORRUPT, "coefficient %s: unknown segment prefix", name);
    seg_slots *ss = &m->seg[seg];
    ss->present = true;
    const char *v = name + pl + 1;
    int c;
    if (!strncmp(v, "HCC", 3) && v[3] >= '0' && v[3] <= '9' && !strchr(v, '_')) {
        long h = strtol(v + 3, NULL, 10);
        if (h <= 0 || h >= HCC_NUM_MAX || m->idx[h] < 0)
            return mc_diag_set(diag, MC_ECORRUPT, "coefficient %s: HCC not in the model's labels",
                               name);
        return set_slot(&ss->hcc[m->idx[h]], var, name, diag);
    }
    if ((v[0] == 'F' || v[0] == 'M') && (c = find_cell(CELLS, N_CELLS, v + 1)) >= 0)
        return set_slot(&ss->cell[v[0] == 'M'][c], var, name, diag);
    if (v[0] == 'D' && v[1] >= '1' && v[1] <= '9' && (!v[2] || !strcmp(v + 2, "0P"))) {
        int k = v[2] ? 10 : v[1] - '0';
        return set_slot(&ss->count[k], var, name, diag);
    }
    if (!strcmp(v, "OriginallyDisabled_Female"))
        return set_slot(&ss->od[0], var, name, diag);
    if (!strcmp(v, "OriginallyDisabled_Male"))
        return set_slot(&ss->od[1], var, name, diag);
    if (!strcmp(v, "LTIMCAID"))
        return set_slot(&ss->ltimcaid, var, name, diag);
    if (!strcmp(v, "ORIGDS"))
        return set_slot(&ss->origds, var, name, diag);
    int mc = !strncmp(v, "MCAID_", 6) ? 1 : !strncmp(v, "NMCAID_", 7) ? 0 : -1;
    if (mc >= 0) {
        const char *r = v + (mc ? 6 : 7);
        int od = !strncmp(r, "ORIGDIS_", 8) ? 1 : !strncmp(r, "NORIGDIS_", 9) ? 0 : -1;
        if (od >= 0) {
            r += od ? 8 : 9;
            if (r[0] == 'N' && r[1] == 'E' && (r[2] == 'F' || r[2] == 'M') &&
                (c = find_cell(NE_CELLS, N_NE_CELLS, r + 3)) >= 0)
                return set_slot(&ss->ne[mc][od][r[2] == 'M'][c], var, name, diag);
        }
    }
    for (uint32_t i = 0; i < m->n_inter; i++)
        if (!strcmp(v, m->inter[i].name))
            return set_slot(&ss->inter[i], var, name, diag);
    return mc_diag_set(diag, MC_ECORRUPT,
                       "coefficient %s: variable not understood by this medcode version", name);
}

static int load_groups(hcc_model *m, const group_def *g, uint32_t n, uint32_t base)
{
    for (uint32_t i = 0; i < n; i++)
        for (int k = 0; k < 12 && g[i].hcc[k]; k++)
            if (m->idx[g[i].hcc[k]] >= 0)
                hset_add(&m->group[base + i], (uint32_t)m->idx[g[i].hcc[k]]);
    return MC_OK;
}

static int cmp_u16(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

int mc__hcc_model_load(const mc_bundle *b, mc_hcc_model which, hcc_model *m, mc_diag *diag)
{
    const char *stem = which == MC_HCC_V28 ? "RSKV28" : "RSKV24";
    char tag[9];
    mc__rsk_table dx, hi, co, lb, ed;
    int rc;
    memset(m, 0, sizeof *m);
    memset(m->idx, 0xff, sizeof m->idx);
    memset(m->seg, 0xff, sizeof m->seg);
    for (int s = 0; s < MC_SEG_N; s++)
        m->seg[s].present = false;
#define OPEN(t, suffix, cols)                                                   \
    snprintf(tag, sizeof tag, "%s" suffix, stem);                               \
    if ((rc = mc__rsk_table_open(b, tag, cols, &t, diag)))                      \
        return rc;
    OPEN(lb, "LB", 3)
    OPEN(dx, "DX", 2)
    OPEN(hi, "HI", 2)
    OPEN(co, "CO", 2)
    OPEN(ed, "ED", 6)
#undef OPEN
    m->year = dx.year;
    /* labels define the model's HCCs */
    if (lb.n_rows == 0 || lb.n_rows > HCC_MAXN)
        return mc_diag_set(diag, MC_ECORRUPT, "%sLB: %u HCCs (1..%d expected)", stem, lb.n_rows,
                           HCC_MAXN);
    for (uint32_t i = 0; i < lb.n_rows; i++) {
        uint32_t h = mc__rsk_cell(&lb, i, 0);
        if (h == 0 || h >= HCC_NUM_MAX)
            return mc_diag_set(diag, MC_ECORRUPT, "%sLB: HCC number %u out of range", stem, h);
        m->num[m->n_hcc++] = (uint16_t)h;
    }
    qsort(m->num, m->n_hcc, sizeof *m->num, cmp_u16);
    for (uint32_t i = 0; i < m->n_hcc; i++) {
        if (i && m->num[i] == m->num[i - 1])
            return mc_diag_set(diag, MC_ECORRUPT, "%sLB: HCC %u listed twice", stem, m->num[i]);
        m->idx[m->num[i]] = (int16_t)i;
    }
    for (uint32_t i = 0; i < lb.n_rows; i++) {
        int16_t k = m->idx[mc__rsk_cell(&lb, i, 0)];
        const char *s = mc__rsk_str(&lb, i, 1);
        m->label[k] = mc__str(s, strlen(s));
        m->chronic[k] = mc__rsk_cell(&lb, i, 2) != 0;
    }
    /* hierarchies */
    for (uint32_t i = 0; i < hi.n_rows; i++) {
        uint32_t p = mc__rsk_cell(&hi, i, 0), c = mc__rsk_cell(&hi, i, 1);
        if (p >= HCC_NUM_MAX || c >= HCC_NUM_MAX || m->idx[p] < 0 || m->idx[c] < 0)
            return mc_diag_set(diag, MC_ECORRUPT, "%sHI: pair %u > %u names an unknown HCC", stem,
                               p, c);
        hset_add(&m->drop[m->idx[p]], (uint32_t)m->idx[c]);
    }
    /* edits, keyed by code; the dx map then points at them */
    m->edits = calloc(ed.n_rows + 1, sizeof *m->edits);
    m->dx = calloc(dx.n_rows + 1, sizeof *m->dx);
    if (!m->edits || !m->dx || (rc = mc__u64map_init(&m->dxmap, dx.n_rows)))
        return mc__hcc_model_free(m), MC_ENOMEM;
    m->loaded = true;
    for (uint32_t i = 0; i < dx.n_rows; i++) {
        uint64_t key = mc__code_key(mc__rsk_str(&dx, i, 0));
        uint32_t h = mc__rsk_cell(&dx, i, 1), at;
        if (!key || h >= HCC_NUM_MAX || m->idx[h] < 0)
            return mc_diag_set(diag, MC_ECORRUPT, "%sDX: row %u: bad code or HCC %u", stem, i, h);
        if (!mc__u64map_get(&m->dxmap, key, &at)) {
            at = m->n_dx++;
            mc__u64map_put(&m->dxmap, key, at);
        }
        if (m->dx[at].n >= 2)
            return mc_diag_set(diag, MC_ECORRUPT, "%sDX: %s maps to more than two HCCs", stem,
                               mc__rsk_str(&dx, i, 0));
        m->dx[at].hcc[m->dx[at].n++] = (uint16_t)h;
    }
    for (uint32_t i = 0; i < ed.n_rows; i++) {
        uint64_t key = mc__code_key(mc__rsk_str(&ed, i, 0));
        uint32_t at, cc = mc__rsk_cell(&ed, i, 5), action = mc__rsk_cell(&ed, i, 4);
        edit_rule *e = &m->edits[m->n_edits];
        if (!key || (action != 1 && action != 2) ||
            (action == 2 && (cc >= HCC_NUM_MAX || m->idx[cc] < 0)))
            return mc_diag_set(diag, MC_ECORRUPT, "%sED: row %u is not a valid edit", stem, i);
        if (!mc__u64map_get(&m->dxmap, key, &at))
            continue; /* an edit for a code this model does not map has no effect */
        if (m->dx[at].n_edit && m->dx[at].edit + m->dx[at].n_edit != m->n_edits)
            return mc_diag_set(diag, MC_ECORRUPT, "%sED: edits of %s are not adjacent", stem,
                               mc__rsk_str(&ed, i, 0));
        if (!m->dx[at].n_edit)
            m->dx[at].edit = m->n_edits;
        m->dx[at].n_edit++;
        uint32_t amin = mc__rsk_cell(&ed, i, 2), amax = mc__rsk_cell(&ed, i, 3);
        e->sex = (uint8_t)mc__rsk_cell(&ed, i, 1);
        e->age_min = amin == UINT32_MAX ? -1 : (int32_t)amin;
        e->age_max = amax == UINT32_MAX ? -1 : (int32_t)amax;
        e->action = (uint8_t)action;
        e->cc = (uint16_t)cc;
        m->n_edits++;
    }
    /* interactions */
    if (which == MC_HCC_V28) {
        m->inter = V28_INTER;
        m->n_inter = sizeof V28_INTER / sizeof *V28_INTER;
        load_groups(m, V28_GROUPS, sizeof V28_GROUPS / sizeof *V28_GROUPS, 0);
    } else {
        m->inter = V24_INTER;
        m->n_inter = sizeof V24_INTER / sizeof *V24_INTER;
        load_groups(m, V24_GROUPS, sizeof V24_GROUPS / sizeof *V24_GROUPS, 0);
        load_groups(m, V24_EXTRA, sizeof V24_EXTRA / sizeof *V24_EXTRA, 16);
    }
    /* coefficients */
    m->n_vars = co.n_rows;
    m->var_name = calloc(co.n_rows + 1, sizeof *m->var_name);
    m->var_milli = calloc(co.n_rows + 1, sizeof *m->var_milli);
    if (!m->var_name || !m->var_milli)
        return mc__hcc_model_free(m), MC_ENOMEM;
    for (uint32_t i = 0; i < co.n_rows; i++) {
        const char *name = mc__rsk_str(&co, i, 0);
        m->var_name[i] = mc__str(name, strlen(name));
        m->var_milli[i] = (int32_t)mc__rsk_cell(&co, i, 1);
        if ((rc = resolve_var(m, i, name, diag))) {
            mc__hcc_model_free(m);
            return rc;
        }
    }
    /* payment HCCs: those with a community factor */
    for (uint32_t k = 0; k < m->n_hcc; k++)
        for (int s = MC_SEG_CNA; s <= MC_SEG_CPD; s++)
            if (m->seg[s].hcc[k] >= 0)
                hset_add(&m->payment, k);
    return MC_OK;
}

void mc__hcc_model_free(hcc_model *m)
{
    if (!m)
        return;
    mc__u64map_free(&m->dxmap);
    free(m->dx);
    free(m->edits);
    free(m->var_name);
    free(m->var_milli);
    m->dx = NULL;
    m->edits = NULL;
    m->var_name = NULL;
    m->var_milli = NULL;
    m->loaded = false;
}
