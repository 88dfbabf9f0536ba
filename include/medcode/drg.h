/*
 * medcode MS-DRG grouper (v40.0 .. v43.1) and Medicare Code Editor.
 *
 * mc_drg_open reads the grouper tables (sections DRG*) of an open bundle;
 * the handle is immutable and may be shared by threads. A claim is grouped
 * into a caller-owned mc_drg_result, which carries its own scratch memory:
 * initialise it once with mc_drg_result_init, reuse it for any number of
 * claims (grouping then allocates nothing), release it with
 * mc_drg_result_fini. Strings in a result are slices into the bundle, valid
 * while the bundle is open.
 *
 * Codes are given undotted or dotted, any case ("I50.23", "i5023").
 */
#ifndef MEDCODE_DRG_H
#define MEDCODE_DRG_H

#include "medcode/base.h"
#include "medcode/bundle.h"

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mc_drg mc_drg;

MC_API int mc_drg_open(const mc_bundle *b, mc_drg **out, mc_diag *diag);
MC_API void mc_drg_close(mc_drg *g);

enum {
    MC_DRG_MAX_DX = 100, /* principal + secondary diagnoses per claim */
    MC_DRG_MAX_PR = 100, /* procedures per claim */
    MC_DRG_MAX_EDITS = 256,
};

enum { MC_SEX_UNKNOWN = 0, MC_SEX_MALE = 1, MC_SEX_FEMALE = 2 };

/* Grouper versions: 400 401 410 411 420 421 430 431 (v40.0 .. v43.1). */
MC_API int mc_drg_version_for_date(int yyyymmdd, int *version);
/* The version whose tables know the most of these codes (ties: the newest). */
MC_API int mc_drg_version_for_codes(const mc_drg *g, const char *const *dx, int n_dx,
                                    const char *const *pr, int n_pr, int *version);
/* Fiscal year of a version (400 -> 2023). */
MC_API int mc_drg_version_fy(int version);

typedef struct mc_drg_claim {
    const char *pdx; /* principal diagnosis */
    const char *const *sdx; /* secondary diagnoses */
    const char *sdx_poa; /* POA indicator per secondary ('Y','N','U','W','1' or 0/' ' = none); may be NULL */
    int n_sdx;
    const char *const *proc; /* ICD-10-PCS procedures */
    int n_proc;
    int age; /* years, -1 = missing */
    int sex; /* MC_SEX_* */
    int discharge_status; /* UB-04 patient status (1, 20, ...), -1 = missing */
    int admit_date; /* YYYYMMDD, 0 = missing (only length of stay uses it) */
    int discharge_date; /* YYYYMMDD, 0 = missing */
    int version; /* 0 = from discharge_date */
    bool poa_exempt; /* hospital exempt from POA reporting: HAC logic not applied */
    int force_severity; /* what-if: 0 none, 1 add a CC, 2 add an MCC (not excluded) */
} mc_drg_claim;

/* Why a claim got an error DRG (998/999), or OK. */
#define MC_DRG_RC_MAP(X)                                                                     \
    X(OK, "ok")                                                                              \
    X(INVALID_PDX, "principal diagnosis is not a valid ICD-10-CM code in this version")     \
    X(DX_CANNOT_BE_PDX, "principal diagnosis cannot be a principal diagnosis (external cause)") \
    X(INVALID_SEX, "sex is missing or invalid and the principal diagnosis needs it")        \
    X(INVALID_DSTAT, "discharge status is missing or invalid and the grouping needs it")    \
    X(INVALID_AGE, "age is missing or outside 0..124")                                       \
    X(HAC_POA_INVALID, "a hospital-acquired condition has no valid POA indicator")           \
    X(UNGROUPABLE, "no DRG formula of the MDC matched")

typedef enum mc_drg_rc {
#define MC__DRG_RC_ENUM(name, text) MC_DRG_RC_##name,
    MC_DRG_RC_MAP(MC__DRG_RC_ENUM)
#undef MC__DRG_RC_ENUM
} mc_drg_rc;
MC_API const char *mc_drg_rc_name(int rc); /* "INVALID_PDX" */
MC_API const char *mc_drg_rc_text(int rc);

/* Per-diagnosis outcome. */
enum {
    MC_DRGDX_VALID = 1 << 0, /* known to the grouper in this version */
    MC_DRGDX_EXCLUDED = 1 << 1, /* CC/MCC excluded by the principal's CC-exclusion group */
    MC_DRGDX_DEATH_EXCL = 1 << 2, /* MCC only when discharged alive; patient died */
    MC_DRGDX_HAC = 1 << 3, /* HAC criteria met, not POA: does not count for severity */
    MC_DRGDX_COUNTED = 1 << 4, /* its CC/MCC level set the final severity */
    MC_DRGDX_SUPPRESSED = 1 << 5, /* not counted by the matched formula (severity suppression) */
    MC_DRGDX_HAC_CAND = 1 << 6, /* on a HAC list */
};
/* Per-procedure outcome. */
enum {
    MC_DRGPR_VALID = 1 << 0,
    MC_DRGPR_OR = 1 << 1, /* O.R. procedure (extensive or non-extensive) */
    MC_DRGPR_EXTENSIVE = 1 << 2, /* extensive O.R. (DRGs 981-983 operand) */
    MC_DRGPR_AFFECTS = 1 << 3, /* an attribute of it is an operand the matched formula used */
    MC_DRGPR_CLUSTER = 1 << 4, /* part of a satisfied procedure cluster */
};

typedef struct mc_drg_dxout {
    char code[8];
    uint8_t severity; /* 0 none, 1 CC, 2 MCC (table level) */
    uint8_t flags; /* MC_DRGDX_* */
    uint8_t hac; /* HAC number when MC_DRGDX_HAC_CAND, else 0 */
    char poa;
} mc_drg_dxout;

typedef struct mc_drg_prout {
    char code[8];
    uint8_t flags; /* MC_DRGPR_* */
} mc_drg_prout;

/* MCE edits. */
#define MC_MCE_EDIT_MAP(X)                                                                   \
    X(INVALID_CODE, "invalid code for the discharge date")                                   \
    X(SEX_CONFLICT, "code inconsistent with the patient's sex")                              \
    X(AGE_CONFLICT, "code inconsistent with the patient's age")                              \
    X(QUESTIONABLE_ADMISSION, "questionable admission (principal diagnosis)")                \
    X(MANIFESTATION_AS_PDX, "manifestation code as principal diagnosis")                     \
    X(E_CODE_AS_PDX, "external cause code as principal diagnosis")                           \
    X(UNACCEPTABLE_PDX, "unacceptable principal diagnosis")                                  \
    X(DUPLICATE_OF_PDX, "secondary diagnosis duplicates the principal")                      \
    X(REQUIRES_SDX, "principal diagnosis requires a secondary diagnosis")                    \
    X(UNSPECIFIED, "unspecified code (a more specific code exists)")                         \
    X(WRONG_PROCEDURE, "wrong procedure performed")                                          \
    X(NON_COVERED, "non-covered procedure")                                                  \
    X(LIMITED_COVERAGE, "limited-coverage procedure")                                        \
    X(QUESTIONABLE_OBSTETRIC_ADMISSION, "delivery procedure without an outcome of delivery") \
    X(INCONSISTENT_WITH_LOS, "procedure inconsistent with the length of stay")               \
    X(INVALID_AGE, "age is missing or outside 0..124")                                       \
    X(INVALID_SEX, "sex is missing or invalid")                                              \
    X(INVALID_DISCHARGE_STATUS, "discharge status is missing or invalid")                    \
    X(INVALID_POA, "POA indicator missing or invalid")

typedef enum mc_mce_edit_kind {
#define MC__MCE_EDIT_ENUM(name, text) MC_MCE_##name,
    MC_MCE_EDIT_MAP(MC__MCE_EDIT_ENUM)
#undef MC__MCE_EDIT_ENUM
        MC_MCE_NEDITS
} mc_mce_edit_kind;
MC_API const char *mc_mce_edit_name(int kind);
MC_API const char *mc_mce_edit_text(int kind);
/* true for prepayment edits (claim returned), false for postpayment / informational. */
MC_API bool mc_mce_edit_prepayment(int kind);

typedef struct mc_mce_edit {
    uint8_t kind; /* mc_mce_edit_kind */
    char where; /* 'P' principal dx, 'S' secondary dx, 'R' procedure, 'C' claim */
    uint8_t index; /* index into the claim's sdx / proc list for 'S' / 'R' */
    char code[8];
    const char *detail; /* static text: age group, flag name, ...; "" when none */
} mc_mce_edit;

typedef struct mc__drg_scratch mc__drg_scratch;

typedef struct mc_drg_result {
    int version; /* grouper version used (431) */
    int fy; /* fiscal year of the weights */
    int drg, mdc, base_drg; /* final DRG (with HAC/POA), its MDC (0 = none) */
    int initial_drg, initial_mdc; /* before HAC/POA */
    bool surgical; /* final DRG partition */
    bool pre_mdc; /* decided in the Pre-MDC */
    bool rerouted; /* via a reroute (MDC 24/25/11 from Pre-MDC, or 981-989) */
    int severity, initial_severity; /* 0 none, 1 CC, 2 MCC in effect for the matched formula */
    int rc; /* mc_drg_rc of the final DRG */
    int initial_rc;
    mc_str title, mdc_title;
    double weight; /* relative weight of the version's fiscal year, 0 when unknown */
    double gmlos, amlos;
    bool weight_before_cap; /* weight is the uncapped Table 5 value (FY2023-2025) */
    int formula_rank; /* rank of the matched formula in its MDC, -1 for error DRGs */
    mc_str formula; /* source text of the matched formula */
    int formula_mdc; /* MDC table the formula came from (0 Pre-MDC, 29 unrelated O.R.) */
    int pdx_mdc; /* MDC of the principal diagnosis (sex-resolved) */
    int pdx_severity;
    mc_str pdx_category; /* principal dx category operand (dxcNNNN), may be empty */
    bool poa_exempt; /* HAC logic not applied */
    int los; /* days, -1 when dates are missing */
    int n_dx; /* claim's secondary diagnoses */
    mc_drg_dxout pdx;
    mc_drg_dxout dx[MC_DRG_MAX_DX];
    int n_pr;
    mc_drg_prout pr[MC_DRG_MAX_PR];
    int n_edits;
    mc_mce_edit edits[MC_DRG_MAX_EDITS];
    bool mce_prepayment; /* some edit is a prepayment edit */
    mc__drg_scratch *scratch; /* private */
} mc_drg_result;

MC_API int mc_drg_result_init(const mc_drg *g, mc_drg_result *r);
MC_API void mc_drg_result_fini(mc_drg_result *r);

/*
 * Group one claim and run the MCE. MC_OK with r->rc telling whether an error
 * DRG was assigned; MC_EINVAL when the claim itself is unusable (too many
 * codes, NULL fields) and MC_ERANGE when no version covers the discharge date
 * (diag names the field).
 */
MC_API int mc_drg_group(const mc_drg *g, const mc_drg_claim *c, mc_drg_result *r, mc_diag *diag);
/* Group without the MCE, without filling per-code outcome details (what-if, benchmarks). */
MC_API int mc_drg_group_fast(const mc_drg *g, const mc_drg_claim *c, mc_drg_result *r,
                             mc_diag *diag);

/* DRG facts of a version: title, weight (of the version's fiscal year), MDC/type unknown = 0. */
typedef struct mc_drg_info {
    int drg;
    mc_str title;
    double weight, gmlos, amlos;
    char type; /* 'M' medical, 'S' surgical, 'P' pre-MDC, 0 unknown */
} mc_drg_info;
MC_API int mc_drg_info_get(const mc_drg *g, int version, int drg, mc_drg_info *out);

/* CC/MCC level of a diagnosis code in a version (0 none, 1 CC, 2 MCC); MC_ENOTFOUND. */
MC_API int mc_drg_dx_severity(const mc_drg *g, int version, const char *code, int *sev);
/* Is sdx excluded as CC/MCC when pdx is principal (pdx's CC-exclusion group)? */
MC_API bool mc_drg_cc_excluded(const mc_drg *g, int version, const char *pdx, const char *sdx);
/* Enumerate diagnosis codes of a version with severity >= min_sev: calls fn(code, sev, arg). */
MC_API int mc_drg_each_cc(const mc_drg *g, int version, int min_sev,
                          void (*fn)(const char *code, int sev, void *arg), void *arg);


/* ---- JSON encounters and results ---- */

/*
 * A claim made from an encounter (include/medcode/encounter.h: setting
 * "inpatient", discharge_date, admit_date, discharge_status, patient age/sex,
 * diagnoses with POA, procedures), with its own storage. The first diagnosis
 * is the principal. When no diagnosis carries a POA indicator the claim is
 * POA-exempt (HAC logic not applied). Grouper version and exemption can be
 * changed on .claim afterwards.
 */
typedef struct mc_drg_claim_buf {
    mc_drg_claim claim;
    bool any_poa; /* some diagnosis carried a POA indicator */
    char pdx[16];
    char sdx_codes[MC_DRG_MAX_DX][16];
    const char *sdx_ptr[MC_DRG_MAX_DX];
    char poa[MC_DRG_MAX_DX];
    char pr_codes[MC_DRG_MAX_PR][16];
    const char *pr_ptr[MC_DRG_MAX_PR];
} mc_drg_claim_buf;

struct mc_encounter;
MC_API int mc_drg_claim_from_encounter(const struct mc_encounter *enc, mc_drg_claim_buf *out,
                                       mc_diag *diag);
/* Parse an encounter JSON document (mc_encounter_parse) into a claim; errors name the field. */
MC_API int mc_drg_claim_parse(const char *json, size_t n, mc_drg_claim_buf *out, mc_diag *diag);

/* What-if view of a grouped claim (mc_drg_whatif). */
typedef struct mc_drg_alt {
    char code[8];
    int drg;
    double weight;
    int rc;
} mc_drg_alt;

/* A more specific code of the same category that would change the DRG (a documentation query). */
typedef struct mc_drg_upgrade {
    char coded[8]; /* the secondary as coded */
    char instead[8]; /* same 3-character category, higher CC/MCC level, not excluded */
    int severity; /* 1 CC, 2 MCC */
    int drg;
    double weight;
} mc_drg_upgrade;

typedef struct mc_drg_whatif {
    int drg_with_cc, drg_with_mcc; /* DRG if one more non-excluded CC / MCC were coded */
    double weight_with_cc, weight_with_mcc;
    int n_cc_candidates, n_mcc_candidates; /* CC / MCC codes not excluded by the principal */
    int n_alt;
    mc_drg_alt alt[MC_DRG_MAX_DX]; /* each coded secondary as principal */
    int n_added;
    mc_drg_alt added[16]; /* each candidate code added as a secondary */
    int n_upgrades;
    mc_drg_upgrade upgrades[32]; /* per coded secondary, up to 3 that change the DRG, best weight first */
} mc_drg_whatif;

/* Regroup variations of claim c (already grouped into base). candidates may be NULL. */
MC_API int mc_drg_whatif_run(const mc_drg *g, const mc_drg_claim *c, const mc_drg_result *base,
                             const char *const *candidates, int n_candidates, mc_drg_whatif *out,
                             mc_diag *diag);

/* The result (and what-if, when non-NULL) as one JSON object on one line; *out is malloc'd. */
MC_API int mc_drg_result_json(const mc_drg *g, const mc_drg_claim *c, const mc_drg_result *r,
                              const mc_drg_whatif *w, char **out, size_t *n);

#ifdef __cplusplus
}
#endif
#endif
