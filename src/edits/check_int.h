/*
 * Checker internals shared by check.c, tabular.c and mce.c: the list of edit
 * ids, the per-check context and the per-diagnosis resolution.
 */
#ifndef MC_CHECK_INT_H
#define MC_CHECK_INT_H

#include "edits/edits_int.h"

/* Every edit id (docs/edits.md describes each). */
#define EDIT_IDS(X)                                                                           \
    X(INVALID_CODE, error) X(HEADER_CODE, error) X(SEVENTH_CHAR_MISSING, error)               \
    X(SEVENTH_CHAR_INVALID, error) X(PLACEHOLDER_X_MISSING, error) X(DELETED_CODE, error)     \
    X(CODE_NOT_YET_VALID, error) X(DUPLICATE_DX, warning) X(EXCLUDES1, error)                 \
    X(MANIFESTATION_PRINCIPAL, error) X(MANIFESTATION_NO_ETIOLOGY, warning)                   \
    X(CODE_FIRST_SEQUENCE, warning) X(USE_ADDITIONAL_MISSING, warning)                        \
    X(PRINCIPAL_ONLY_SECONDARY, error) X(MCE_DUPLICATE_PDX, error) X(MCE_AGE_NEWBORN, error)  \
    X(MCE_AGE_PEDIATRIC, error) X(MCE_AGE_MATERNITY, error) X(MCE_AGE_ADULT, error)           \
    X(MCE_SEX_CONFLICT, error) X(MCE_MANIFESTATION_PDX, error) X(MCE_ECODE_PDX, error)        \
    X(MCE_UNACCEPTABLE_PDX, error) X(MCE_REQUIRES_SDX, error)                                 \
    X(MCE_QUESTIONABLE_ADMISSION, warning) X(MCE_WRONG_PROCEDURE, warning)                    \
    X(MCE_UNSPECIFIED, warning) X(MCE_INVALID_DISCHARGE_STATUS, error)                        \
    X(MCE_NONCOVERED_PROCEDURE, error) X(MCE_LIMITED_COVERAGE, warning)                       \
    X(MCE_LOS_INCONSISTENT, warning) X(DELIVERY_OUTCOME_MISSING, warning)                     \
    X(POA_MISSING, error) X(POA_INVALID, error) X(POA_EXEMPT_REPORTED, error)                 \
    X(PCS_INVALID, error) X(HCPCS_INVALID, error)

typedef struct dxinfo {
    bool valid; /* billable in this fiscal year */
    uint32_t id; /* code id in the code set (when valid) */
    uint32_t block, chapter; /* tabular section and chapter indexes (MC_NONE when unknown) */
    uint32_t mce; /* MCE flags on the code date */
    bool poa_exempt; /* on the fiscal year's POA-exempt list */
    char code[8]; /* undotted, NUL padded (when valid) */
    char dotted[MC_ENC_CODE_CAP]; /* dotted form, or the text as given when invalid */
} dxinfo;

typedef struct chk chk;
struct chk {
    const mc_edits *ed;
    const mc_encounter *enc;
    mc_edit_report *rep;
    uint32_t date; /* code date as YYYYMMDD */
    mc_date date_of_codes;
    bool inpatient;
    dxinfo *dx; /* one per diagnosis */
    unsigned char *pairs; /* n_diagnoses² bits: Excludes1 pair (i, j) already reported */
    int rc; /* sticky failure (out of memory) */
};

/* Add an edit (NULL when the report is full); then add codes and the message. */
mc_edit *mc__chk_add(chk *c, const char *id, mc_edit_severity sev, const char *source_fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
void mc__chk_code(mc_edit *e, const char *code);
void mc__chk_msg(mc_edit *e, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void mc__chk_append(char *buf, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

void mc__chk_tabular(chk *c);
void mc__chk_mce(chk *c);
void mc__chk_poa(chk *c);
void mc__chk_procedures(chk *c);

#endif
