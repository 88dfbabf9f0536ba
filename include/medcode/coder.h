/*
 * medcode computer-assisted coding: a clinical note in, explained ICD-10-CM
 * diagnosis and ICD-10-PCS procedure codes out. Every code carries the byte
 * spans of the note that justify it, a rationale (the Alphabetic Index path,
 * tabular title or guideline rule that produced it) and a confidence;
 * mentions that must not be coded (negated, family history, hypothetical,
 * uncertain in an outpatient setting) are listed with the reason; where the
 * documentation lacks specificity the result carries the physician query a
 * coder would send. See docs/coder.md.
 *
 * A mc_coder is immutable after open and may be shared by threads; each
 * mc_coder_run uses its own capped arena, released by mc_coder_result_free.
 */
#ifndef MEDCODE_CODER_H
#define MEDCODE_CODER_H

#include "medcode/base.h"
#include "medcode/bundle.h"

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mc_coder mc_coder;
/* A model learned from coded training notes (see mc_coder_model_load). */
typedef struct mc_coder_model mc_coder_model;

typedef enum mc_setting {
    MC_SETTING_OUTPATIENT = 0, /* Section IV: uncertain diagnoses are not coded */
    MC_SETTING_INPATIENT = 1, /* Section II/III: uncertain diagnoses coded as established */
} mc_setting;

/*
 * Risk-adjustment annotation of suggested diagnoses (docs/risk.md, "medcode
 * code --hcc"): the CMS-HCC model to annotate with, off by default.
 */
typedef enum mc_coder_hcc {
    MC_CODER_HCC_OFF = 0,
    MC_CODER_HCC_V28, /* CMS-HCC V28 (payment year of the bundle's tables) */
    MC_CODER_HCC_V24, /* CMS-HCC V24 */
} mc_coder_hcc;

/* The risk tables (include/medcode/risk.h). */
typedef struct mc_risk mc_risk;

typedef struct mc_coder_opts {
    mc_setting setting;
    size_t max_note_bytes; /* larger notes fail with MC_ELIMIT; 0 = 16 MiB */
    size_t arena_cap; /* per-note memory cap; 0 = 64 MiB + 24 x note size */
    float min_confidence; /* drop codes below this (0 = keep all) */
    /*
     * Annotation mode: report the code of every mention, whatever its
     * assertion, without the guideline suppressions (integral symptoms,
     * unspecified beside specific). For annotating corpora whose gold codes
     * are mention-level (CodiEsp); never for a claim.
     */
    bool all_mentions;
    const mc_coder_model *model; /* optional learned model (borrowed), NULL = none */
    /*
     * HCC annotation and MEAT documentation check of every suggested
     * diagnosis that maps to an HCC of the model; needs `risk` (borrowed,
     * from mc_risk_open on the same bundle), else mc_coder_run fails with
     * MC_EINVAL.
     */
    mc_coder_hcc hcc;
    const mc_risk *risk;
} mc_coder_opts;

/* Open the coder over a bundle (borrowed; must outlive the coder). */
MC_API int mc_coder_open(const mc_bundle *b, mc_coder **out, mc_diag *diag);
MC_API void mc_coder_close(mc_coder *c);

/*
 * Load a model learned from coded training notes: a text file of lines
 *   W <code> <tp> <fp>              how often the coder's code was right in training
 *   L <code> <tp> <n> <stems...>    a phrase (stemmed words) and the code it signalled
 *                                   in tp of the n training notes containing it
 *   D <precision>                   precision assumed for codes training never saw
 *   T <threshold>                   the confidence threshold chosen on training notes
 * (docs/coder.md). Codes absent from the coder's code set are ignored; a
 * learned phrase still yields evidence spans like any other. The model is
 * immutable and may be shared; it must outlive the runs that use it.
 */
MC_API int mc_coder_model_load(const mc_coder *c, const char *path, mc_coder_model **out,
                               mc_diag *diag);
MC_API void mc_coder_model_free(mc_coder_model *m);

typedef struct mc_coder_span {
    uint32_t start, end; /* byte offsets into the note; the text is note[start, end) */
} mc_coder_span;

/* MEAT criteria (monitored, evaluated, assessed, treated), as bits. */
enum { MC_MEAT_M = 1, MC_MEAT_E = 2, MC_MEAT_A = 4, MC_MEAT_T = 8 };

/* One piece of MEAT evidence: the words of the note that meet a criterion. */
typedef struct mc_meat_evidence {
    uint8_t criterion; /* one MC_MEAT_* bit */
    mc_coder_span span; /* note[start, end) */
    const char *why; /* "status word in the same sentence", "dose in the plan lines that follow" */
} mc_meat_evidence;

typedef struct mc_coded_hcc_ref {
    uint16_t hcc; /* HCC number in the result's model */
    mc_str label; /* CMS label */
    bool has_coefficient; /* the community non-dual aged segment has a factor for it */
    int32_t coefficient_milli; /* that factor (CNA_HCCnn), thousandths */
    uint16_t dropped_by; /* 0, or the HCC of another code of the note that supersedes it */
} mc_coded_hcc_ref;

/* The HCC annotation of a suggested diagnosis (NULL on codes that map to no HCC). */
typedef struct mc_coded_hcc {
    uint32_t n_hcc; /* 1 or 2 */
    mc_coded_hcc_ref hcc[2];
    unsigned meat; /* MC_MEAT_* bits met */
    const mc_meat_evidence *evidence;
    uint32_t n_evidence;
    bool moves_score; /* at least one of its HCCs survives the note's hierarchies */
    bool query; /* no MEAT support while it moves the score: a query was added */
} mc_coded_hcc;

typedef struct mc_coded {
    char code[9]; /* dotted ICD-10-CM ("E11.22") or 7-character ICD-10-PCS */
    mc_str title; /* long title, from the bundle */
    bool principal; /* inpatient principal diagnosis (Section II) */
    float confidence; /* 0..1 */
    const mc_coder_span *evidence;
    uint32_t n_evidence;
    const char *rationale; /* index path / title / guideline rule */
    const mc_coded_hcc *hcc; /* with opts.hcc: the HCC annotation, NULL when none */
} mc_coded;

typedef struct mc_coder_query {
    const char *about; /* the documentation in question */
    const char *question; /* the physician query */
} mc_coder_query;

typedef struct mc_not_coded {
    mc_coder_span span;
    const char *reason; /* "negated", "family history", "uncertain (outpatient)", ... */
} mc_not_coded;

typedef struct mc_coder_result {
    int year;
    mc_setting setting;
    const mc_coded *diagnoses; /* sequenced: principal / first-listed first */
    uint32_t n_diagnoses;
    const mc_coded *procedures;
    uint32_t n_procedures;
    const mc_coder_query *queries;
    uint32_t n_queries;
    const mc_not_coded *not_coded;
    uint32_t n_not_coded;
    mc_coder_hcc hcc; /* the model of the diagnoses' hcc annotations (OFF = none) */
    int hcc_payment_year; /* payment year of the risk tables */
} mc_coder_result;

/*
 * Code one note (UTF-8). MC_EFORMAT for binary or invalid UTF-8 input,
 * MC_ELIMIT for a note over the size limit or one that needs more memory than
 * the cap; diag names the problem. An empty note gives an empty result.
 */
MC_API int mc_coder_run(const mc_coder *c, const char *text, size_t n, const mc_coder_opts *opts,
                        mc_coder_result **out, mc_diag *diag);
MC_API void mc_coder_result_free(mc_coder_result *r);

/*
 * The result as one JSON object (the shape in docs/coder.md); text is the
 * note the result was computed from (evidence "text" is sliced from it).
 * *json is malloc'd and NUL-terminated; free() it.
 */
MC_API int mc_coder_result_json(const mc_coder_result *r, const char *text, size_t n,
                                char **json, size_t *json_n);

#ifdef __cplusplus
}
#endif
#endif
