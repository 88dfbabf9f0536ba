/*
 * medcode edits: verify an encounter's codes against the code set of its
 * date of service, the ICD-10-CM tabular conventions, the Medicare Code
 * Editor (MCE v43.1) and the present-on-admission (POA) rules. Every finding
 * is an edit with a stable id (docs/edits.md), a severity, the codes involved,
 * a message a coder understands and the official source.
 *
 * An mc_edits is opened on one fiscal year's bundle, is immutable and may be
 * shared between threads; an mc_edit_report is per caller (reuse it across
 * checks: it allocates only when it grows).
 */
#ifndef MEDCODE_EDITS_H
#define MEDCODE_EDITS_H

#include "medcode/base.h"
#include "medcode/bundle.h"
#include "medcode/encounter.h"

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mc_edits mc_edits;

typedef enum mc_edit_severity {
    MC_EDIT_ERROR = 1, /* the claim is wrong as coded */
    MC_EDIT_WARNING = 2, /* review: may be right with documentation */
} mc_edit_severity;

enum { MC_EDIT_MAX_CODES = 4, MC_EDIT_MSG_CAP = 400, MC_EDIT_SRC_CAP = 120 };

typedef struct mc_edit {
    const char *id; /* stable id, e.g. "EXCLUDES1" (static string) */
    mc_edit_severity severity;
    uint32_t n_codes; /* codes involved, 0..MC_EDIT_MAX_CODES */
    char codes[MC_EDIT_MAX_CODES][MC_ENC_CODE_CAP]; /* dotted when known, else as given */
    char message[MC_EDIT_MSG_CAP];
    char source[MC_EDIT_SRC_CAP]; /* "ICD-10-CM Tabular, E11 Excludes1", "MCE v43.1 ..." */
} mc_edit;

typedef struct mc_edit_report {
    int fiscal_year; /* of the code set used */
    bool valid; /* no edit of severity error */
    uint32_t n_errors, n_warnings;
    uint32_t n; /* edits in items */
    bool truncated; /* more than MC_EDIT_MAX_REPORT edits; the rest were dropped */
    mc_edit *items; /* owned by the report */
    uint32_t cap; /* allocated items */
    void *scratch; /* per-diagnosis work space, reused across checks */
    size_t scratch_cap; /* bytes allocated in scratch */
} mc_edit_report;

enum { MC_EDIT_MAX_REPORT = 10000 };

/* Open the edit tables of a bundle (borrowed; must outlive the handle). */
MC_API int mc_edits_open(const mc_bundle *b, mc_edits **out, mc_diag *diag);
MC_API void mc_edits_close(mc_edits *ed);
MC_API int mc_edits_year(const mc_edits *ed);
/* False when the bundle lacks the MCE/POA sections (then only code-set edits run). */
MC_API bool mc_edits_have_mce(const mc_edits *ed);

/*
 * Check an encounter. The bundle's fiscal year must be the one of
 * mc_encounter_code_date(enc) (MC_ERANGE otherwise, with diag naming both).
 * Fills rep (cleared first). MC_OK whether or not edits were found.
 */
MC_API int mc_edits_check(const mc_edits *ed, const mc_encounter *enc, mc_edit_report *rep,
                          mc_diag *diag);

MC_API void mc_edit_report_init(mc_edit_report *rep);
MC_API void mc_edit_report_free(mc_edit_report *rep);

/*
 * The report as one JSON object (no newline): {"id", "valid", "fiscal_year",
 * "errors", "warnings", "edits": [{"edit", "severity", "codes", "message",
 * "source"}], "truncated"}; "id" only when enc->id is set. *out is malloc'd
 * (caller frees). enc may be NULL.
 */
MC_API int mc_edit_report_json(const mc_edit_report *rep, const mc_encounter *enc, char **out,
                               size_t *n);

/* "error" / "warning". */
MC_API const char *mc_edit_severity_name(mc_edit_severity s);

/* Every edit id this version can produce, NULL-terminated, for documentation and tests. */
MC_API const char *const *mc_edit_ids(void);

#ifdef __cplusplus
}
#endif
#endif
