/*
 * medcode risk adjustment and comorbidity: CMS-HCC (V28 and V24) with RAF
 * scores, the AHRQ Elixhauser Comorbidity Software Refined (v2025.1) and the
 * Charlson index with the Quan 2005 ICD-10 definitions.
 *
 * The tables come from the RSK* sections of a bundle (docs/risk.md). A
 * mc_risk is immutable after mc_risk_open and safe to share between threads.
 * Scoring calls allocate nothing: the caller supplies the result struct and
 * may reuse it for the next patient. Strings are mc_str slices into the
 * bundle, valid while it is open.
 */
#ifndef MEDCODE_RISK_H
#define MEDCODE_RISK_H

#include "medcode/base.h"
#include "medcode/bundle.h"
#include "medcode/codeset.h"

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mc_risk mc_risk;

/* Read the RSK* sections of an open bundle (borrowed; must outlive r). */
MC_API int mc_risk_open(const mc_bundle *b, mc_risk **out, mc_diag *diag);
MC_API void mc_risk_close(mc_risk *r);
/* CMS payment year of the HCC tables (e.g. 2026). */
MC_API int mc_risk_payment_year(const mc_risk *r);

/* ---- CMS-HCC models and segments ---- */
typedef enum mc_hcc_model { MC_HCC_V24 = 0, MC_HCC_V28 = 1, MC_HCC_N_MODELS = 2 } mc_hcc_model;

/* "V28", "v24", "28" -> model; MC_EINVAL otherwise. */
MC_API int mc_hcc_model_parse(const char *s, mc_hcc_model *out);
MC_API const char *mc_hcc_model_name(mc_hcc_model m); /* "V28" */

/* Segments as the CMS coefficient variable prefixes name them. */
typedef enum mc_hcc_segment {
    MC_SEG_AUTO = 0, /* choose from the patient's demographics */
    MC_SEG_CNA, /* community, non-dual, aged */
    MC_SEG_CND, /* community, non-dual, disabled */
    MC_SEG_CFA, /* community, full benefit dual, aged */
    MC_SEG_CFD, /* community, full benefit dual, disabled */
    MC_SEG_CPA, /* community, partial benefit dual, aged */
    MC_SEG_CPD, /* community, partial benefit dual, disabled */
    MC_SEG_INS, /* long-term institutional */
    MC_SEG_NE, /* new enrollee */
    MC_SEG_SNPNE, /* new enrollee in a chronic condition special needs plan */
    MC_SEG_N
} mc_hcc_segment;

/* "CNA", "ins", "auto" -> segment; MC_EINVAL otherwise. */
MC_API int mc_hcc_segment_parse(const char *s, mc_hcc_segment *out);
MC_API const char *mc_hcc_segment_name(mc_hcc_segment s); /* "CNA" */
MC_API const char *mc_hcc_segment_label(mc_hcc_segment s); /* "community, non-dual, aged" */

/* ---- code -> HCC (for the automatic coder's annotations) ---- */
typedef struct mc_hcc_ref {
    uint16_t hcc; /* HCC number, e.g. 37 */
    mc_str label; /* CMS label, e.g. "Diabetes with Chronic Complications" */
    bool chronic; /* flagged chronic in hcc_is_chronic (a convenience table, not CMS) */
} mc_hcc_ref;

/*
 * The HCCs (0..2) a diagnosis maps to in a model, before hierarchies and
 * without age/sex edits (there are no demographics here). Accepts "E11.22"
 * or "E1122", any case. Returns MC_OK with *n_out >= 1, MC_ENOTFOUND when the
 * code maps to no HCC, MC_EFORMAT when text cannot be an ICD-10-CM code.
 */
MC_API int mc_risk_code_hccs(const mc_risk *r, mc_hcc_model m, const char *text, size_t n,
                             mc_hcc_ref out[2], uint32_t *n_out);
/* Label of an HCC in a model; MC_ENOTFOUND when the model has no such HCC. */
MC_API int mc_risk_hcc_label(const mc_risk *r, mc_hcc_model m, uint16_t hcc, mc_str *label);
/*
 * Coefficient of an HCC's own term in a segment (e.g. CNA_HCC37 = 0.166), in
 * thousandths. MC_ENOTFOUND when the segment has no term for that HCC (new
 * enrollee segments, or an HCC without a payment factor); MC_EINVAL for a bad
 * model or segment.
 */
MC_API int mc_risk_hcc_coefficient(const mc_risk *r, mc_hcc_model m, mc_hcc_segment seg,
                                   uint16_t hcc, int32_t *milli);
/*
 * Apply the model's hierarchies to a set of HCC numbers (for example those of
 * one note's codes): by[i] = 0 when hccs[i] survives, else the HCC of the set
 * that supersedes it (the lowest-numbered one, as in mc_hcc_score.dropped).
 * Numbers the model does not know survive. Allocates nothing.
 */
MC_API int mc_risk_hcc_hierarchy(const mc_risk *r, mc_hcc_model m, const uint16_t *hccs,
                                 uint32_t n, uint16_t *by);

/* ---- scoring a patient ---- */
typedef enum mc_dual { MC_DUAL_UNKNOWN = 0, MC_DUAL_NON, MC_DUAL_PARTIAL, MC_DUAL_FULL } mc_dual;

typedef struct mc_hcc_patient {
    const char *id; /* caller's identifier, echoed only */
    int age; /* age in years as of 1 February of the payment year; -1 unknown */
    char sex; /* 'F' or 'M'; 0 unknown */
    mc_dual dual; /* Medicare-Medicaid dual status (community segments) */
    int orec; /* original reason for entitlement 0..3; -1 unknown */
    int medicaid; /* 1 / 0; -1 unknown (institutional and new enrollee segments) */
    bool institutional; /* long-term institutional (90+ days) */
    bool new_enrollee; /* fewer than 12 months of Part B in the data year */
    bool snp; /* new enrollee in a C-SNP (SNPNE segment) */
    uint32_t n_dx;
    const char *const *dx; /* diagnoses as given: "E11.22", "E1122" */
} mc_hcc_patient;

enum { MC_HCC_MAX_DX = 1000, MC_HCC_MAX_HCC = 128, MC_HCC_MAX_TERMS = 200 };

typedef enum mc_hcc_dx_status {
    MC_DX_MAPPED = 1, /* maps to hcc[0..n_hcc) (after any age/sex override) */
    MC_DX_NOT_MAPPED, /* valid code, no HCC in this model */
    MC_DX_MALFORMED, /* cannot be an ICD-10-CM code */
    MC_DX_INVALID, /* not a billable code in the code sets given */
    MC_DX_EDIT_DROPPED, /* mapped, but the CMS age/sex edit makes it invalid for this patient */
    MC_DX_DUPLICATE, /* same code listed earlier for this patient */
} mc_hcc_dx_status;

typedef struct mc_hcc_dx {
    char code[8]; /* normalised, undotted ("" when malformed) */
    uint8_t status; /* mc_hcc_dx_status */
    uint8_t n_hcc; /* HCCs it produced (0..2) */
    bool edited; /* an age/sex edit changed its HCC (see edit_hcc) */
    uint16_t hcc[2];
    uint16_t edit_from; /* HCC before an override edit, 0 when none */
} mc_hcc_dx;

typedef enum mc_hcc_term_kind {
    MC_TERM_DEMOGRAPHIC = 1, /* age/sex cell, originally disabled, Medicaid, new enrollee cell */
    MC_TERM_HCC, /* a payment HCC after hierarchies */
    MC_TERM_INTERACTION, /* disease-disease or disabled-disease interaction */
    MC_TERM_COUNT, /* payment HCC count variable D1..D10P */
} mc_hcc_term_kind;

typedef struct mc_hcc_term {
    uint8_t kind; /* mc_hcc_term_kind */
    uint16_t hcc; /* for MC_TERM_HCC */
    uint32_t var; /* coefficient variable: name with mc_hcc_var_name */
    int32_t milli; /* coefficient in thousandths (the CMS table has three decimals) */
} mc_hcc_term;

typedef struct mc_hcc_dropped {
    uint16_t hcc; /* HCC removed by the hierarchy */
    uint16_t by; /* the higher-ranked HCC present that removes it */
} mc_hcc_dropped;

typedef struct mc_hcc_score {
    mc_hcc_model model;
    mc_hcc_segment segment; /* the segment scored (resolved when AUTO was asked) */
    int status; /* MC_OK, or MC_EINVAL/MC_ELIMIT with error[] naming the problem */
    char error[160];
    bool disabled; /* CMS DISABL: age < 65 and OREC != 0 */
    bool orig_disabled; /* CMS ORIGDS: OREC = 1 and not DISABL */
    uint32_t n_dx;
    mc_hcc_dx dx[MC_HCC_MAX_DX]; /* one per input diagnosis, in input order */
    uint32_t n_before;
    uint16_t before[MC_HCC_MAX_HCC]; /* HCCs before hierarchies, ascending */
    uint32_t n_after;
    uint16_t after[MC_HCC_MAX_HCC]; /* after hierarchies, ascending */
    uint32_t n_dropped;
    mc_hcc_dropped dropped[MC_HCC_MAX_HCC];
    uint32_t payment_count; /* HCCs after hierarchies: the D1..D10P count */
    uint32_t n_terms;
    mc_hcc_term terms[MC_HCC_MAX_TERMS]; /* every term that fires, in output order */
    int64_t score_milli; /* sum of the terms' coefficients, thousandths */
    double score; /* score_milli / 1000 */
} mc_hcc_score;

/*
 * The billable codes of one or more code sets as one set, for checking
 * diagnoses while scoring (built once, e.g. from the FY2025 and FY2026 code
 * sets for payment year 2026, whose data year spans both). The code sets may
 * be closed afterwards. Immutable and shareable between threads.
 */
typedef struct mc_dx_valid mc_dx_valid;
MC_API int mc_dx_valid_new(const mc_codeset *const *cs, uint32_t n_cs, mc_dx_valid **out);
MC_API void mc_dx_valid_free(mc_dx_valid *v);
MC_API uint32_t mc_dx_valid_count(const mc_dx_valid *v);

/*
 * Score one patient in model m and segment seg (MC_SEG_AUTO picks it from
 * the demographics). Diagnoses not in `valid` are listed as MC_DX_INVALID
 * and not scored; valid = NULL skips the check. Bad demographics are not a
 * call failure: the function returns MC_OK and sets out->status and
 * out->error, so a batch can continue. Returns MC_EINVAL only for a NULL
 * argument or an unknown model or segment value.
 */
MC_API int mc_hcc_score_patient(const mc_risk *r, mc_hcc_model m, mc_hcc_segment seg,
                                const mc_dx_valid *valid, const mc_hcc_patient *p,
                                mc_hcc_score *out);
/* Name of a coefficient variable ("CNA_HCC37"). */
MC_API mc_str mc_hcc_var_name(const mc_risk *r, mc_hcc_model m, uint32_t var);

/* ---- patients as JSON (the `medcode hcc` input) ---- */
typedef struct mc_hcc_patient_buf {
    mc_hcc_patient p;
    char id[128];
    const char *dx[MC_HCC_MAX_DX];
    char dx_text[MC_HCC_MAX_DX][16];
    char segment[8]; /* optional "segment" field, "" when absent */
    char model[8]; /* optional "model" field, "" when absent */
} mc_hcc_patient_buf;

/*
 * Parse one patient object (see docs/risk.md). Unknown or missing fields
 * leave the defaults (-1 / 0 / false); a field with the wrong type, or
 * text that is not one JSON object, returns MC_EFORMAT with a one-line
 * reason in err. The id is kept when it could be read, even on error.
 */
MC_API int mc_hcc_patient_parse(const char *json, size_t n, mc_hcc_patient_buf *out, char *err,
                                size_t cap);

/* ---- comorbidity: input diagnoses ---- */
typedef struct mc_cmb_dx {
    const char *code; /* "I50.9" or "I509" */
    char poa; /* present-on-admission indicator: 'Y','N','U','W','1' or 0 when not given */
} mc_cmb_dx;

enum { MC_CMB_MAX_DX = 1000, MC_ELIX_MAX = 40, MC_CHARLSON_MAX = 20 };

typedef enum mc_cmb_dx_status {
    MC_CMB_MAPPED = 1, /* sets at least one measure */
    MC_CMB_NOT_MAPPED, /* in no measure */
    MC_CMB_MALFORMED, /* cannot be an ICD-10-CM code */
    MC_CMB_NOT_POA, /* maps only to POA-dependent measures and was not present on admission */
} mc_cmb_dx_status;

/* One record of the `medcode comorbidity` input, parsed from JSON (docs/risk.md). */
typedef struct mc_cmb_record_buf {
    char id[128];
    int poa; /* the record's "poa" field: 1, 0, or -1 when absent (decide from the diagnoses) */
    uint32_t n_dx;
    mc_cmb_dx dx[MC_CMB_MAX_DX];
    char dx_text[MC_CMB_MAX_DX][16];
} mc_cmb_record_buf;

/*
 * Parse {"id":..., "poa":true|false, "diagnoses":["I50.9", {"code":"E11.9","poa":"Y"}, ...]}.
 * MC_EFORMAT with a one-line reason in err for anything else.
 */
MC_API int mc_cmb_record_parse(const char *json, size_t n, mc_cmb_record_buf *out, char *err,
                               size_t cap);

/* ---- Elixhauser Comorbidity Software Refined ---- */
typedef struct mc_elix_measure {
    mc_str name; /* "CMR_HF" */
    mc_str description; /* "Heart failure" */
    bool uses_poa; /* counted only when present on admission (when POA data exist) */
    int readmission_weight;
    int mortality_weight;
} mc_elix_measure;

MC_API uint32_t mc_elix_measure_count(const mc_risk *r);
MC_API int mc_elix_measure_at(const mc_risk *r, uint32_t i, mc_elix_measure *out);

typedef struct mc_elix_result {
    bool poa_used; /* POA data present (or forced) and applied */
    uint32_t n_measures;
    bool present[MC_ELIX_MAX]; /* final flags after exclusions, by measure index */
    int16_t source[MC_ELIX_MAX]; /* first input diagnosis that set it, -1 none */
    int8_t excluded_by[MC_ELIX_MAX]; /* measure zeroed by this measure's rule, -1 none */
    int readmission_index; /* sum of readmission weights of present measures */
    int mortality_index;
    uint32_t n_dx;
    uint8_t dx_status[MC_CMB_MAX_DX]; /* mc_cmb_dx_status per input diagnosis */
} mc_elix_result;

/*
 * poa: 1 = POA data available (POA-dependent measures need 'Y' or 'W' or an
 * exempt '1'/'E'), 0 = not available (every mapped diagnosis counts and the
 * POA-conditional exclusions are not applied), -1 = available when any
 * diagnosis carries a POA indicator.
 */
MC_API int mc_elix_score(const mc_risk *r, const mc_cmb_dx *dx, uint32_t n, int poa,
                         mc_elix_result *out);

/* ---- Charlson (Quan 2005 ICD-10) ---- */
typedef struct mc_charlson_condition {
    mc_str name; /* "diabwc" */
    mc_str label; /* "Diabetes with chronic complication" */
    int weight_1987; /* Charlson 1987 weight */
    int weight_2011; /* Quan 2011 updated weight */
} mc_charlson_condition;

MC_API uint32_t mc_charlson_count(const mc_risk *r);
MC_API int mc_charlson_condition_at(const mc_risk *r, uint32_t i, mc_charlson_condition *out);

typedef struct mc_charlson_result {
    uint32_t n_conditions;
    bool present[MC_CHARLSON_MAX]; /* after the hierarchy rules */
    int16_t source[MC_CHARLSON_MAX]; /* first input diagnosis that matched, -1 none */
    int8_t superseded_by[MC_CHARLSON_MAX]; /* condition that removed it, -1 none */
    int index_1987; /* Charlson index with the 1987 weights */
    int index_2011; /* with the Quan 2011 weights */
    uint32_t n_dx;
    uint8_t dx_status[MC_CMB_MAX_DX];
} mc_charlson_result;

MC_API int mc_charlson_score(const mc_risk *r, const mc_cmb_dx *dx, uint32_t n,
                             mc_charlson_result *out);

#ifdef __cplusplus
}
#endif
#endif
