/*
 * Medicare Code Editor (MCE v43.1 masters): the diagnosis and procedure edits
 * of a claim as `medcode group` reports them. The masters and their look-ups
 * are shared with `medcode check` (mce_int.h, mce_data.c). Each code is checked against the master row valid on the
 * discharge date; flags come straight from the masters (drg_int.h
 * MC__MCE_FLAGS), the conditional procedure edits (non-covered unless a
 * partner code is present, age-limited coverage, clinical-trial artificial
 * heart) follow the MCE's definitions of those flags.
 */
#include "drg/drg_int.h"

#include <string.h>

static const char *const edit_names[] = {
#define MC__EN(name, text) #name,
    MC_MCE_EDIT_MAP(MC__EN)
#undef MC__EN
};
static const char *const edit_texts[] = {
#define MC__ET(name, text) text,
    MC_MCE_EDIT_MAP(MC__ET)
#undef MC__ET
};

const char *mc_mce_edit_name(int k) { return k >= 0 && k < MC_MCE_NEDITS ? edit_names[k] : "UNKNOWN"; }
const char *mc_mce_edit_text(int k) { return k >= 0 && k < MC_MCE_NEDITS ? edit_texts[k] : "unknown"; }
bool mc_mce_edit_prepayment(int k) { return k >= 0 && k < MC_MCE_NEDITS && k != MC_MCE_INVALID_POA; }

/* Master row of code valid on date: flags in *flags; false when invalid. */
static bool master(const mc__drg_tab *t, const char key[8], uint32_t date, uint32_t *flags)
{
    return mc__mce_flags(t, key, date, flags);
}

static void add(mc_drg_result *r, int kind, char where, int index, const char *key,
                const char *detail)
{
    if (r->n_edits >= MC_DRG_MAX_EDITS)
        return;
    mc_mce_edit *e = &r->edits[r->n_edits++];
    e->kind = (uint8_t)kind;
    e->where = where;
    e->index = (uint8_t)(index < 0 ? 0 : index);
    memset(e->code, 0, sizeof e->code);
    if (key)
        memcpy(e->code, key, 8);
    e->detail = detail ? detail : "";
    if (mc_mce_edit_prepayment(kind))
        r->mce_prepayment = true;
}

static bool age_in(const mc_drg *g, int group, int age, uint32_t date)
{
    int lo, hi;
    return !mc__mce_age_range(&g->mce.age, group, date, &lo, &hi) || (age >= lo && age <= hi);
}

static void dx_edits(const mc_drg *g, const mc_drg_claim *c, mc_drg_result *r, const char *key,
                     char where, int index, uint32_t date, bool age_ok, bool sex_known)
{
    uint32_t f = 0;
    if (!master(&g->mce.dx, key, date, &f)) {
        add(r, MC_MCE_INVALID_CODE, where, index, key, "");
        return;
    }
    if (sex_known || date < 20241001) {
        if ((f & MC__MCE(MALE)) && c->sex != MC_SEX_MALE)
            add(r, MC_MCE_SEX_CONFLICT, where, index, key, "male-only code");
        if ((f & MC__MCE(FEMALE)) && c->sex != MC_SEX_FEMALE)
            add(r, MC_MCE_SEX_CONFLICT, where, index, key, "female-only code");
    }
    if (age_ok) {
        static const struct {
            uint32_t flag;
            int group;
            const char *name;
        } ag[] = { { MC__MCE(PEDIATRIC), MC__AGE_PEDIATRIC, "pediatric (0-17)" },
                   { MC__MCE(NEWBORN), MC__AGE_NEWBORN, "newborn (0)" },
                   { MC__MCE(MATERNITY), MC__AGE_MATERNITY, "maternity (9-64)" },
                   { MC__MCE(ADULT), MC__AGE_ADULT, "adult (15-124)" } };
        for (size_t i = 0; i < sizeof ag / sizeof *ag; i++)
            if ((f & ag[i].flag) && !age_in(g, ag[i].group, c->age, date)) {
                add(r, MC_MCE_AGE_CONFLICT, where, index, key, ag[i].name);
                break;
            }
    }
    if (where == 'P') {
        if (f & MC__MCE(ECODEPDX))
            add(r, MC_MCE_E_CODE_AS_PDX, where, index, key, "");
        if (f & MC__MCE(MANIFESTATION))
            add(r, MC_MCE_MANIFESTATION_AS_PDX, where, index, key, "");
        if ((f & MC__MCE(UNACCEPTABLE)) && (f & MC__MCE(REQSDX))) {
            if (c->n_sdx == 0)
                add(r, MC_MCE_REQUIRES_SDX, where, index, key, "");
        } else if (f & MC__MCE(UNACCEPTABLE)) {
            add(r, MC_MCE_UNACCEPTABLE_PDX, where, index, key, "");
        }
        if (f & MC__MCE(QADM))
            add(r, MC_MCE_QUESTIONABLE_ADMISSION, where, index, key, "");
    }
    if (f & MC__MCE(UNSPECIFIED))
        add(r, MC_MCE_UNSPECIFIED, where, index, key, "");
    if (f & MC__MCE(WRNGPROC))
        add(r, MC_MCE_WRONG_PROCEDURE, where, index, key, "");
}

void mc__drg_mce(const mc_drg *g, const mc_drg_claim *c, mc_drg_result *r)
{
    r->n_edits = 0;
    r->mce_prepayment = false;
    /* the masters are read at the discharge date, or at the version's first day when the
     * date is missing or outside the version that was asked for */
    uint32_t date = mc__drg_table_date(r->version, c->discharge_date);
    bool age_ok = c->age >= 0 && c->age <= 124;
    if (!age_ok)
        add(r, MC_MCE_INVALID_AGE, 'C', 0, NULL, "");
    bool sex_known = c->sex == MC_SEX_MALE || c->sex == MC_SEX_FEMALE;
    if (!sex_known && date < 20241001)
        add(r, MC_MCE_INVALID_SEX, 'C', 0, NULL, "");
    if (!mc__mce_status_valid(&g->mce.ds, c->discharge_status, date))
        add(r, MC_MCE_INVALID_DISCHARGE_STATUS, 'C', 0, NULL, "");

    char pk[8] = { 0 };
    if (c->pdx && mc__drg_key(c->pdx, pk))
        dx_edits(g, c, r, pk, 'P', 0, date, age_ok, sex_known);
    else
        add(r, MC_MCE_INVALID_CODE, 'P', 0, NULL, "principal diagnosis missing");
    /* claim-wide diagnosis facts for the conditional procedure edits */
    bool dx_diab1 = false, dx_clin = false, dx_ncov6 = false, dx_ncov7 = false, dx_z302 = false,
         sdx_delout = false;
    for (int i = -1; i < c->n_sdx; i++) {
        char k[8];
        const char *code = i < 0 ? c->pdx : c->sdx[i];
        uint32_t f = 0;
        if (!code || !mc__drg_key(code, k) || !master(&g->mce.dx, k, date, &f))
            continue;
        dx_diab1 |= (f & MC__MCE(DIABTYPEI)) != 0;
        dx_clin |= (f & MC__MCE(CLINTRIAL)) != 0;
        dx_ncov6 |= (f & MC__MCE(NCOV6)) != 0;
        dx_ncov7 |= (f & MC__MCE(NCOV7)) != 0;
        dx_z302 |= (f & MC__MCE(NCOV_Z302)) != 0;
        if (i >= 0)
            sdx_delout |= (f & MC__MCE(DELOUT)) != 0;
    }
    for (int i = 0; i < c->n_sdx; i++) {
        char k[8];
        if (!c->sdx[i] || !mc__drg_key(c->sdx[i], k)) {
            add(r, MC_MCE_INVALID_CODE, 'S', i, NULL, "empty code");
            continue;
        }
        dx_edits(g, c, r, k, 'S', i, date, age_ok, sex_known);
        if (pk[0] && !memcmp(k, pk, 8))
            add(r, MC_MCE_DUPLICATE_OF_PDX, 'S', i, k, "");
        char poa = c->sdx_poa ? c->sdx_poa[i] : 0;
        if (!c->poa_exempt && poa && poa != ' ' && !strchr("YNUW1", poa))
            add(r, MC_MCE_INVALID_POA, 'S', i, k, "");
    }
    bool pr_kidney = false, pr_aha = false, pr_ahb = false;
    for (int i = 0; i < c->n_proc; i++) {
        char k[8];
        uint32_t f = 0;
        if (c->proc[i] && mc__drg_key(c->proc[i], k) && master(&g->mce.sg, k, date, &f)) {
            pr_kidney |= (f & MC__MCE(KIDNEYXP)) != 0;
            pr_aha |= (f & MC__MCE(LCOV_AHA)) != 0;
            pr_ahb |= (f & MC__MCE(LCOV_AHB)) != 0;
        }
    }
    for (int i = 0; i < c->n_proc; i++) {
        char k[8];
        uint32_t f = 0;
        if (!c->proc[i] || !mc__drg_key(c->proc[i], k)) {
            add(r, MC_MCE_INVALID_CODE, 'R', i, NULL, "empty code");
            continue;
        }
        if (!master(&g->mce.sg, k, date, &f)) {
            add(r, MC_MCE_INVALID_CODE, 'R', i, k, "");
            continue;
        }
        if (sex_known || date < 20241001) {
            if ((f & MC__MCE(MALE)) && c->sex != MC_SEX_MALE)
                add(r, MC_MCE_SEX_CONFLICT, 'R', i, k, "male-only procedure");
            if ((f & MC__MCE(FEMALE)) && c->sex != MC_SEX_FEMALE)
                add(r, MC_MCE_SEX_CONFLICT, 'R', i, k, "female-only procedure");
        }
        if (f & MC__MCE(NONCOVERED))
            add(r, MC_MCE_NON_COVERED, 'R', i, k, "non-covered procedure");
        if ((f & MC__MCE(NCOV45)) && !pr_kidney && !dx_diab1)
            add(r, MC_MCE_NON_COVERED, 'R', i, k,
                "pancreas transplant without kidney transplant or type 1 diabetes");
        if ((f & MC__MCE(NCOV6)) && dx_ncov6)
            add(r, MC_MCE_NON_COVERED, 'R', i, k, "non-covered with this diagnosis");
        if ((f & MC__MCE(NCOV7)) && dx_ncov7)
            add(r, MC_MCE_NON_COVERED, 'R', i, k, "non-covered with this diagnosis");
        if ((f & MC__MCE(NCOV_Z302)) && dx_z302)
            add(r, MC_MCE_NON_COVERED, 'R', i, k, "sterilization with encounter for sterilization");
        if ((f & MC__MCE(NCOV12AGELE60)) && (!age_ok || c->age > 60))
            add(r, MC_MCE_NON_COVERED, 'R', i, k, "covered only at age 60 or younger");
        if ((f & (MC__MCE(LCOV_AHA) | MC__MCE(LCOV_AHB))) && pr_aha && pr_ahb)
            add(r, dx_clin ? MC_MCE_LIMITED_COVERAGE : MC_MCE_NON_COVERED, 'R', i, k,
                dx_clin ? "artificial heart in a clinical trial"
                        : "artificial heart outside a clinical trial");
        if (f & MC__MCE(LCOV))
            add(r, MC_MCE_LIMITED_COVERAGE, 'R', i, k, "");
        if ((f & (MC__MCE(CSECT) | MC__MCE(VAGDEL))) && !sdx_delout)
            add(r, MC_MCE_QUESTIONABLE_OBSTETRIC_ADMISSION, 'R', i, k, "");
        if ((f & MC__MCE(LOS)) && r->los >= 0 && r->los < 5)
            add(r, MC_MCE_INCONSISTENT_WITH_LOS, 'R', i, k, "needs a stay of 5 days or more");
    }
}
