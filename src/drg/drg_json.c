/*
 * Encounter (include/medcode/encounter.h) -> mc_drg_claim. The encounter
 * parser checks shape and names bad fields; here the inpatient setting and
 * the size limits of a claim are checked, codes are copied (normalised:
 * upper case, no dot) and judged later by the grouper and the MCE. A claim
 * on which no diagnosis carries a POA indicator is treated as POA-exempt.
 */
#include "drg/drg_int.h"

#include "medcode/encounter.h"

#include <stdlib.h>
#include <string.h>

static void copy16(char dst[16], const char *src)
{
    size_t n = strnlen(src, 15);
    memcpy(dst, src, n);
    dst[n] = 0;
}

int mc_drg_claim_from_encounter(const mc_encounter *e, mc_drg_claim_buf *out, mc_diag *diag)
{
    memset(out, 0, sizeof *out);
    mc_drg_claim *c = &out->claim;
    if (e->setting != MC_SETTING_INPATIENT)
        return mc_diag_set(diag, MC_EINVAL, "setting: MS-DRG grouping applies to inpatient stays");
    if (e->n_diagnoses == 0)
        return mc_diag_set(diag, MC_EINVAL, "diagnoses: the principal diagnosis is missing");
    if (e->n_diagnoses > MC_DRG_MAX_DX)
        return mc_diag_set(diag, MC_ELIMIT, "diagnoses: more than %d", MC_DRG_MAX_DX);
    if (e->n_procedures > MC_DRG_MAX_PR)
        return mc_diag_set(diag, MC_ELIMIT, "procedures: more than %d", MC_DRG_MAX_PR);
    c->discharge_date = e->discharge_date ? e->discharge_date : e->date_of_service;
    c->admit_date = e->admit_date;
    c->discharge_status = e->discharge_status > 0 ? e->discharge_status : -1;
    c->age = e->age_years;
    c->sex = e->sex == 'M' ? MC_SEX_MALE : e->sex == 'F' ? MC_SEX_FEMALE : MC_SEX_UNKNOWN;
    copy16(out->pdx, e->diagnoses[0].code);
    out->any_poa = e->diagnoses[0].poa != 0;
    int ns = 0;
    for (uint32_t i = 1; i < e->n_diagnoses; i++) {
        copy16(out->sdx_codes[ns], e->diagnoses[i].code);
        out->sdx_ptr[ns] = out->sdx_codes[ns];
        out->poa[ns] = e->diagnoses[i].poa ? e->diagnoses[i].poa : ' ';
        out->any_poa |= e->diagnoses[i].poa != 0;
        ns++;
    }
    for (uint32_t i = 0; i < e->n_procedures; i++) {
        copy16(out->pr_codes[i], e->procedures[i].code);
        out->pr_ptr[i] = out->pr_codes[i];
    }
    c->pdx = out->pdx;
    c->sdx = out->sdx_ptr;
    c->sdx_poa = out->poa;
    c->n_sdx = ns;
    c->proc = out->pr_ptr;
    c->n_proc = (int)e->n_procedures;
    /* a claim without any POA indicator comes from a POA-exempt setting: no HAC logic */
    c->poa_exempt = !out->any_poa;
    return MC_OK;
}

int mc_drg_claim_parse(const char *json, size_t n, mc_drg_claim_buf *out, mc_diag *diag)
{
    mc_encounter *e = NULL;
    int rc = mc_encounter_parse(json, n, &e, diag);
    if (rc) {
        memset(out, 0, sizeof *out);
        return rc;
    }
    rc = mc_drg_claim_from_encounter(e, out, diag);
    mc_encounter_free(e);
    return rc;
}
