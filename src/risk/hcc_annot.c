/*
 * HCC look-ups for annotating single codes (the automatic coder's `--hcc`):
 * an HCC's coefficient in one segment and the model's hierarchies applied to
 * an arbitrary set of HCC numbers. Both only read the immutable model built
 * by mc_risk_open and allocate nothing.
 */
#include "risk/hcc_int.h"

int mc_risk_hcc_coefficient(const mc_risk *r, mc_hcc_model m, mc_hcc_segment seg, uint16_t hcc,
                            int32_t *milli)
{
    if (!r || !milli || (unsigned)m >= MC_HCC_N_MODELS || seg <= MC_SEG_AUTO || seg >= MC_SEG_N)
        return MC_EINVAL;
    const hcc_model *hm = &r->model[m];
    if (!hm->loaded || hcc >= HCC_NUM_MAX || hm->idx[hcc] < 0)
        return MC_ENOTFOUND;
    const seg_slots *ss = &hm->seg[seg];
    int32_t var = ss->present ? ss->hcc[hm->idx[hcc]] : -1;
    if (var < 0 || (uint32_t)var >= hm->n_vars)
        return MC_ENOTFOUND;
    *milli = hm->var_milli[var];
    return MC_OK;
}

int mc_risk_hcc_hierarchy(const mc_risk *r, mc_hcc_model m, const uint16_t *hccs, uint32_t n,
                          uint16_t *by)
{
    if (!r || (n && (!hccs || !by)) || (unsigned)m >= MC_HCC_N_MODELS)
        return MC_EINVAL;
    const hcc_model *hm = &r->model[m];
    hset present = { { 0, 0 } };
    for (uint32_t i = 0; i < n; i++)
        if (hccs[i] < HCC_NUM_MAX && hm->idx[hccs[i]] >= 0)
            hset_add(&present, (uint32_t)hm->idx[hccs[i]]);
    for (uint32_t i = 0; i < n; i++) {
        by[i] = 0;
        if (hccs[i] >= HCC_NUM_MAX || hm->idx[hccs[i]] < 0)
            continue;
        uint32_t k = (uint32_t)hm->idx[hccs[i]];
        /* dense indexes ascend with HCC numbers: the first dropper found is the lowest */
        for (uint32_t j = 0; j < hm->n_hcc && !by[i]; j++)
            if (j != k && hset_has(&present, j) && hset_has(&hm->drop[j], k))
                by[i] = hm->num[j];
    }
    return MC_OK;
}
