/*
 * CMS-HCC scoring: diagnoses -> CCs (with the CMS age/sex edits) -> HCCs
 * after hierarchies -> the terms of one segment -> the risk score.
 *
 * Demographic rules, as in the CMS model software (see docs/risk.md):
 *   DISABL = age < 65 and OREC != 0;  ORIGDS = OREC = 1 and not DISABL.
 *   Community segments: dual status picks N/F/P, age >= 65 picks aged (A)
 *   over disabled (D). New enrollees: age 64 with OREC 0 uses the age-65
 *   cell; NE ORIGDIS = age >= 65 and OREC = 1.
 * The score is the plain sum of the relative factors that fire (before the
 * normalisation factor and the MA coding adjustment, which CMS publishes
 * separately). Nothing here allocates.
 */
#include "risk/hcc_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const SEG_NAME[MC_SEG_N] = { "auto", "CNA", "CND", "CFA", "CFD",
                                                "CPA",  "CPD", "INS", "NE",  "SNPNE" };
static const char *const SEG_LABEL[MC_SEG_N] = {
    "chosen from demographics",
    "community, non-dual, aged",
    "community, non-dual, disabled",
    "community, full benefit dual, aged",
    "community, full benefit dual, disabled",
    "community, partial benefit dual, aged",
    "community, partial benefit dual, disabled",
    "long-term institutional",
    "new enrollee",
    "new enrollee, chronic condition special needs plan",
};

int mc_hcc_model_parse(const char *s, mc_hcc_model *out)
{
    if (!s)
        return MC_EINVAL;
    if (*s == 'V' || *s == 'v')
        s++;
    if (!strcmp(s, "28"))
        *out = MC_HCC_V28;
    else if (!strcmp(s, "24"))
        *out = MC_HCC_V24;
    else
        return MC_EINVAL;
    return MC_OK;
}

const char *mc_hcc_model_name(mc_hcc_model m) { return m == MC_HCC_V28 ? "V28" : "V24"; }

int mc_hcc_segment_parse(const char *s, mc_hcc_segment *out)
{
    if (!s)
        return MC_EINVAL;
    for (int i = 0; i < MC_SEG_N; i++)
        if (!strcasecmp(s, SEG_NAME[i])) {
            *out = (mc_hcc_segment)i;
            return MC_OK;
        }
    return MC_EINVAL;
}

const char *mc_hcc_segment_name(mc_hcc_segment s)
{
    return (unsigned)s < MC_SEG_N ? SEG_NAME[s] : "?";
}

const char *mc_hcc_segment_label(mc_hcc_segment s)
{
    return (unsigned)s < MC_SEG_N ? SEG_LABEL[s] : "?";
}

int mc_risk_open(const mc_bundle *b, mc_risk **out, mc_diag *diag)
{
    if (!b || !out)
        return MC_EINVAL;
    *out = NULL;
    mc_risk *r = calloc(1, sizeof *r);
    if (!r)
        return MC_ENOMEM;
    r->b = b;
    int rc = MC_OK;
    for (int m = 0; m < MC_HCC_N_MODELS && !rc; m++)
        rc = mc__hcc_model_load(b, (mc_hcc_model)m, &r->model[m], diag);
    if (!rc)
        rc = mc__cmb_load(r, diag);
    if (rc) {
        mc_risk_close(r);
        return rc;
    }
    *out = r;
    return MC_OK;
}

void mc_risk_close(mc_risk *r)
{
    if (!r)
        return;
    for (int m = 0; m < MC_HCC_N_MODELS; m++)
        mc__hcc_model_free(&r->model[m]);
    mc__cmb_free(r);
    free(r);
}

int mc_risk_payment_year(const mc_risk *r) { return r ? (int)r->model[MC_HCC_V28].year : 0; }

mc_str mc_hcc_var_name(const mc_risk *r, mc_hcc_model m, uint32_t var)
{
    mc_str none = { "", 0 };
    if (!r || (unsigned)m >= MC_HCC_N_MODELS || var >= r->model[m].n_vars)
        return none;
    return r->model[m].var_name[var];
}

int mc_risk_hcc_label(const mc_risk *r, mc_hcc_model m, uint16_t hcc, mc_str *label)
{
    if (!r || (unsigned)m >= MC_HCC_N_MODELS)
        return MC_EINVAL;
    const hcc_model *hm = &r->model[m];
    if (hcc >= HCC_NUM_MAX || hm->idx[hcc] < 0)
        return MC_ENOTFOUND;
    *label = hm->label[hm->idx[hcc]];
    return MC_OK;
}

int mc_risk_code_hccs(const mc_risk *r, mc_hcc_model m, const char *text, size_t n,
                      mc_hcc_ref out[2], uint32_t *n_out)
{
    if (!r || !text || !n_out || (unsigned)m >= MC_HCC_N_MODELS)
        return MC_EINVAL;
    *n_out = 0;
    char code[8];
    if (mc_cm_normalize(text, n, code))
        return MC_EFORMAT;
    const hcc_model *hm = &r->model[m];
    uint32_t at;
    if (!mc__u64map_get(&hm->dxmap, mc__code_key(code), &at))
        return MC_ENOTFOUND;
    for (uint32_t i = 0; i < hm->dx[at].n; i++) {
        int16_t k = hm->idx[hm->dx[at].hcc[i]];
        out[i].hcc = hm->dx[at].hcc[i];
        out[i].label = hm->label[k];
        out[i].chronic = hm->chronic[k];
    }
    *n_out = hm->dx[at].n;
    return MC_OK;
}

static int fail(mc_hcc_score *o, const char *msg)
{
    o->status = MC_EINVAL;
    mc__strlcpy(o->error, msg, sizeof o->error);
    return MC_OK;
}

/* Age cell index for the regular (non new enrollee) cells. */
static int age_cell(int age)
{
    static const int lo[N_CELLS] = { 0, 35, 45, 55, 60, 65, 70, 75, 80, 85, 90, 95 };
    int c = 0;
    while (c + 1 < N_CELLS && age >= lo[c + 1])
        c++;
    return c;
}

static int ne_cell(int age, int orec)
{
    static const int lo[N_NE_CELLS] = { 0, 35, 45, 55, 60, 65, 66, 67, 68, 69, 70, 75, 80, 85, 90, 95 };
    if (age == 64 && orec == 0)
        age = 65; /* CMS: a 64-year-old entitled by age is scored in the age-65 cell */
    int c = 0;
    while (c + 1 < N_NE_CELLS && age >= lo[c + 1])
        c++;
    return c;
}

static void add_term(mc_hcc_score *o, const hcc_model *hm, uint8_t kind, uint16_t hcc, int32_t var)
{
    if (var < 0 || o->n_terms >= MC_HCC_MAX_TERMS)
        return;
    mc_hcc_term *t = &o->terms[o->n_terms++];
    t->kind = kind;
    t->hcc = hcc;
    t->var = (uint32_t)var;
    t->milli = hm->var_milli[var];
    o->score_milli += t->milli;
}

/* Apply the CMS age/sex edits of a mapped code; returns false when the code is dropped. */
static bool apply_edits(const hcc_model *hm, const dx_entry *e, const mc_hcc_patient *p,
                        mc_hcc_dx *d)
{
    for (uint32_t i = 0; i < e->n_edit; i++) {
        const edit_rule *r = &hm->edits[e->edit + i];
        if (r->sex && r->sex != (p->sex == 'M' ? 1 : 2))
            continue;
        if (r->age_min >= 0 && p->age < r->age_min)
            continue;
        if (r->age_max >= 0 && p->age > r->age_max)
            continue;
        if (r->action == 1)
            return false;
        d->edited = true;
        d->edit_from = d->hcc[0];
        d->hcc[0] = r->cc;
        d->n_hcc = 1;
    }
    return true;
}

static mc_hcc_segment resolve_segment(const mc_hcc_patient *p, mc_hcc_segment want,
                                      mc_hcc_score *o)
{
    if (want == MC_SEG_AUTO) {
        if (p->new_enrollee)
            return p->snp ? MC_SEG_SNPNE : MC_SEG_NE;
        if (p->institutional)
            return MC_SEG_INS;
        bool aged = p->age >= 65;
        switch (p->dual) {
        case MC_DUAL_NON: return aged ? MC_SEG_CNA : MC_SEG_CND;
        case MC_DUAL_FULL: return aged ? MC_SEG_CFA : MC_SEG_CFD;
        case MC_DUAL_PARTIAL: return aged ? MC_SEG_CPA : MC_SEG_CPD;
        default:
            fail(o, "missing demographic 'dual' (non, partial or full) for a community segment");
            return MC_SEG_AUTO;
        }
    }
    bool aged_seg = want == MC_SEG_CNA || want == MC_SEG_CFA || want == MC_SEG_CPA;
    bool dis_seg = want == MC_SEG_CND || want == MC_SEG_CFD || want == MC_SEG_CPD;
    if (aged_seg && p->age < 65) {
        fail(o, "segment is for aged members (65 and over); this patient is under 65");
        return MC_SEG_AUTO;
    }
    if (dis_seg && p->age >= 65) {
        fail(o, "segment is for disabled members under 65; this patient is 65 or over");
        return MC_SEG_AUTO;
    }
    return want;
}

int mc_hcc_score_patient(const mc_risk *r, mc_hcc_model m, mc_hcc_segment seg,
                         const mc_dx_valid *valid, const mc_hcc_patient *p, mc_hcc_score *o)
{
    if (!r || !p || !o || (unsigned)m >= MC_HCC_N_MODELS || (unsigned)seg >= MC_SEG_N ||
        (p->n_dx && !p->dx))
        return MC_EINVAL;
    const hcc_model *hm = &r->model[m];
    o->model = m;
    o->segment = MC_SEG_AUTO;
    o->status = MC_OK;
    o->error[0] = '\0';
    o->n_dx = o->n_before = o->n_after = o->n_dropped = o->n_terms = o->payment_count = 0;
    o->score_milli = 0;
    o->score = 0;
    o->disabled = o->orig_disabled = false;
    if (p->age < 0 || p->age > 130)
        return fail(o, p->age < 0 ? "missing demographic 'age'" : "age out of range (0-130)");
    if (p->sex != 'F' && p->sex != 'M')
        return fail(o, "missing demographic 'sex' (F or M)");
    if (p->orec < 0 || p->orec > 3)
        return fail(o, "missing demographic 'orec' (0-3, original reason for entitlement)");
    if (p->n_dx > MC_HCC_MAX_DX) {
        o->status = MC_ELIMIT;
        mc__strlcpy(o->error, "more than 1000 diagnoses for one patient", sizeof o->error);
        return MC_OK;
    }
    mc_hcc_segment s = resolve_segment(p, seg, o);
    if (s == MC_SEG_AUTO)
        return MC_OK;
    if ((s == MC_SEG_INS || s == MC_SEG_NE || s == MC_SEG_SNPNE) && p->medicaid < 0)
        return fail(o, "missing demographic 'medicaid' (true or false) for this segment");
    const seg_slots *ss = &hm->seg[s];
    if (!ss->present)
        return fail(o, "this model has no factors for the segment");
    o->segment = s;
    o->disabled = p->age < 65 && p->orec != 0;
    o->orig_disabled = p->orec == 1 && !o->disabled;

    /* diagnoses -> HCC set */
    hset before = { { 0, 0 } };
    uint64_t keys[MC_HCC_MAX_DX]; /* normalised codes so far, 0 when malformed */
    for (uint32_t i = 0; i < p->n_dx; i++) {
        mc_hcc_dx *d = &o->dx[o->n_dx++];
        memset(d, 0, sizeof *d);
        uint64_t key = p->dx[i] ? mc__risk_norm(p->dx[i], d->code) : 0;
        keys[o->n_dx - 1] = key;
        if (!key) {
            d->status = MC_DX_MALFORMED;
            continue;
        }
        bool dup = false;
        for (uint32_t j = 0; j + 1 < o->n_dx && !dup; j++)
            dup = keys[j] == key;
        if (dup) {
            d->status = MC_DX_DUPLICATE;
            continue;
        }
        if (valid && !mc__dx_valid_has(valid, key)) {
            d->status = MC_DX_INVALID;
            continue;
        }
        uint32_t at;
        if (!mc__u64map_get(&hm->dxmap, key, &at)) {
            d->status = MC_DX_NOT_MAPPED;
            continue;
        }
        const dx_entry *e = &hm->dx[at];
        d->n_hcc = e->n;
        d->hcc[0] = e->hcc[0];
        d->hcc[1] = e->hcc[1];
        if (e->n_edit && !apply_edits(hm, e, p, d)) {
            d->status = MC_DX_EDIT_DROPPED;
            d->n_hcc = 0;
            continue;
        }
        d->status = MC_DX_MAPPED;
        for (uint32_t k = 0; k < d->n_hcc; k++)
            hset_add(&before, (uint32_t)hm->idx[d->hcc[k]]);
    }

    /* hierarchies: every present HCC removes the HCCs it ranks below it */
    hset after = before;
    for (int w = 0; w < 2; w++)
        for (uint64_t bits = before.w[w]; bits; bits &= bits - 1) {
            uint32_t k = (uint32_t)(w * 64 + __builtin_ctzll(bits));
            after.w[0] &= ~hm->drop[k].w[0];
            after.w[1] &= ~hm->drop[k].w[1];
        }
    for (int w = 0; w < 2; w++) {
        for (uint64_t bits = before.w[w]; bits; bits &= bits - 1)
            o->before[o->n_before++] = hm->num[w * 64 + __builtin_ctzll(bits)];
        for (uint64_t bits = after.w[w]; bits; bits &= bits - 1)
            o->after[o->n_after++] = hm->num[w * 64 + __builtin_ctzll(bits)];
        for (uint64_t bits = after.w[w] & hm->payment.w[w]; bits; bits &= bits - 1)
            o->payment_count++;
        for (uint64_t bits = before.w[w] & ~after.w[w]; bits; bits &= bits - 1) {
            uint32_t k = (uint32_t)(w * 64 + __builtin_ctzll(bits));
            uint16_t by = 0;
            for (int v = 0; v < 2 && !by; v++)
                for (uint64_t pb = before.w[v]; pb && !by; pb &= pb - 1) {
                    uint32_t j = (uint32_t)(v * 64 + __builtin_ctzll(pb));
                    if (hset_has(&hm->drop[j], k))
                        by = hm->num[j];
                }
            o->dropped[o->n_dropped].hcc = hm->num[k];
            o->dropped[o->n_dropped++].by = by;
        }
    }

    /* demographic terms */
    int sex = p->sex == 'M';
    if (s == MC_SEG_NE || s == MC_SEG_SNPNE) {
        int origdis = p->age >= 65 && p->orec == 1;
        int32_t v = ss->ne[p->medicaid == 1][origdis][sex][ne_cell(p->age, p->orec)];
        if (v < 0)
            return fail(o, "no new enrollee factor for this age/sex/Medicaid/OREC cell");
        add_term(o, hm, MC_TERM_DEMOGRAPHIC, 0, v);
    } else {
        int32_t v = ss->cell[sex][age_cell(p->age)];
        if (v < 0)
            return fail(o, "no age/sex factor for this age in the segment");
        add_term(o, hm, MC_TERM_DEMOGRAPHIC, 0, v);
        if (o->orig_disabled)
            add_term(o, hm, MC_TERM_DEMOGRAPHIC, 0, ss->od[sex]);
        if (s == MC_SEG_INS) {
            if (p->medicaid == 1)
                add_term(o, hm, MC_TERM_DEMOGRAPHIC, 0, ss->ltimcaid);
            if (o->orig_disabled)
                add_term(o, hm, MC_TERM_DEMOGRAPHIC, 0, ss->origds);
        }
        /* HCC terms */
        for (int w = 0; w < 2; w++)
            for (uint64_t bits = after.w[w]; bits; bits &= bits - 1) {
                uint32_t k = (uint32_t)(w * 64 + __builtin_ctzll(bits));
                add_term(o, hm, MC_TERM_HCC, hm->num[k], ss->hcc[k]);
            }
        /* interactions on the HCCs after hierarchies */
        for (uint32_t i = 0; i < hm->n_inter; i++) {
            if (ss->inter[i] < 0)
                continue;
            const inter_def *d = &hm->inter[i];
            bool a = d->a == GROUP_DISABLED ? o->disabled : hset_any(&after, &hm->group[d->a]);
            bool b = d->b == GROUP_DISABLED ? o->disabled : hset_any(&after, &hm->group[d->b]);
            if (a && b)
                add_term(o, hm, MC_TERM_INTERACTION, 0, ss->inter[i]);
        }
        /* payment HCC count */
        if (o->payment_count)
            add_term(o, hm, MC_TERM_COUNT, 0,
                     ss->count[o->payment_count >= 10 ? 10 : o->payment_count]);
    }
    o->score = (double)o->score_milli / 1000.0;
    return MC_OK;
}
