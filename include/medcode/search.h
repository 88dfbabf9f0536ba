/*
 * medcode search: ranked, typo-tolerant look-up of ICD-10-CM, ICD-10-PCS and
 * HCPCS codes by title, inclusion term and Alphabetic Index path, with
 * clinical abbreviation expansion and code-prefix typeahead. The postings
 * are compiled into the bundle (SRCH section) by `medcode build`.
 *
 * An mc_search is immutable after open and may be shared by threads. Each
 * thread queries through its own mc_search_ctx, which owns the per-query
 * arena and scratch arrays: after the first query, a query allocates
 * nothing. Results (and every mc_str in them) stay valid until the next
 * query on the same context or until the bundle closes.
 */
#ifndef MEDCODE_SEARCH_H
#define MEDCODE_SEARCH_H

#include "medcode/base.h"
#include "medcode/bundle.h"

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mc_search mc_search;
typedef struct mc_search_ctx mc_search_ctx;

/* Code systems, usable as a bit set in mc_search_opts.systems. */
enum {
    MC_SYS_ICD10CM = 1u << 0,
    MC_SYS_ICD10PCS = 1u << 1,
    MC_SYS_HCPCS = 1u << 2,
    MC_SYS_ALL = 7u,
};

/* What the matched text of a hit is. */
typedef enum mc_search_field {
    MC_FIELD_TITLE = 0, /* the code's title (ICD-10-CM long title, PCS long title, HCPCS long description) */
    MC_FIELD_INCLUSION = 1, /* an inclusion term listed under the code in the Tabular */
    MC_FIELD_INDEX = 2, /* an Alphabetic Index entry with its full subterm path */
    MC_FIELD_CODE = 3, /* the code itself (code-prefix typeahead) */
} mc_search_field;

enum {
    MC_SEARCH_MAX_QUERY = 4096, /* bytes; longer queries are refused with MC_ELIMIT */
    MC_SEARCH_MAX_LIMIT = 1000, /* most hits one query returns */
};

typedef struct mc_search_opts {
    unsigned systems; /* MC_SYS_* bits; 0 means MC_SYS_ALL */
    bool billable_only; /* only reportable codes */
    unsigned chapter; /* ICD-10-CM chapter 1..22 (only ICD-10-CM codes of it); 0 = any */
    uint32_t limit; /* hits wanted, 1..MC_SEARCH_MAX_LIMIT; 0 means 10 */
} mc_search_opts;

typedef struct mc_search_hit {
    char code[9]; /* display form: "E11.22", "0DTJ4ZZ", "A4253" */
    unsigned system; /* one MC_SYS_* bit */
    bool billable; /* reportable (ICD-10-CM leaf, valid PCS code, HCPCS code) */
    unsigned chapter; /* ICD-10-CM chapter number, 0 for other systems */
    mc_str title; /* the code's title */
    mc_search_field field; /* where the match is */
    mc_str matched; /* the matched text (title, inclusion term or index path) */
    float score; /* higher is better; comparable within one result only */
} mc_search_hit;

typedef struct mc_search_result {
    mc_search_hit *hits; /* n hits, best first */
    uint32_t n;
    bool typeahead; /* the query was a code prefix: hits are that code and the codes under it */
    uint32_t n_candidates; /* codes that matched at least one query word (before the limit) */
    /* Query understanding, for display: "htn -> hypertension", "diabetis ~ diabet" */
    mc_str *notes;
    uint32_t n_notes;
} mc_search_result;

/* Open the SRCH section of an open bundle (borrowed; must outlive s). MC_ENOTFOUND without it. */
MC_API int mc_search_open(const mc_bundle *b, mc_search **out, mc_diag *diag);
MC_API void mc_search_close(mc_search *s);
/* Codes (documents) and index terms in the search section. */
MC_API uint32_t mc_search_doc_count(const mc_search *s);
MC_API uint32_t mc_search_term_count(const mc_search *s);

/* A per-thread query context (about 16 bytes per indexed text + 12 per code). */
MC_API int mc_search_ctx_new(const mc_search *s, mc_search_ctx **out);
MC_API void mc_search_ctx_free(mc_search_ctx *c);

/*
 * Run a query. Errors (with a one-line reason in diag): MC_EINVAL for an empty
 * query or one without any letter or digit; MC_EFORMAT for ill-formed UTF-8;
 * MC_ELIMIT for a query over MC_SEARCH_MAX_QUERY bytes; MC_ERANGE for a bad
 * option. No hits is MC_OK with out->n == 0.
 */
MC_API int mc_search_query(mc_search_ctx *c, const char *q, size_t n, const mc_search_opts *opts,
                           mc_search_result *out, mc_diag *diag);

/* "icd10cm", "icd10pcs", "hcpcs"; "?" for anything else. */
MC_API const char *mc_search_system_name(unsigned system);
/* Parse "icd10cm" | "icd10pcs" | "hcpcs" | "all" into MC_SYS_* bits; MC_EINVAL otherwise. */
MC_API int mc_search_parse_system(const char *name, unsigned *systems);
/* "title", "inclusion", "index", "code". */
MC_API const char *mc_search_field_name(mc_search_field f);

#ifdef __cplusplus
}
#endif
#endif
