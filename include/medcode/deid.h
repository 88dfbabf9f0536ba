/*
 * medcode de-identification: find the 18 HIPAA Safe Harbor identifiers
 * (45 CFR 164.514(b)(2)) in a clinical note and redact, tag or replace them
 * with consistent surrogates.
 *
 * An mc_deid engine holds the compiled patterns and word lists; it is
 * read-only after mc_deid_new and may be shared by threads. Each call of
 * mc_deid_run works on one note and returns an owned mc_deid_result.
 * Offsets are byte offsets into the input (UTF-8). Input must be valid UTF-8
 * text without NUL bytes; anything else is refused with MC_EFORMAT, and the
 * diagnostic never quotes the input (no PHI in messages).
 */
#ifndef MEDCODE_DEID_H
#define MEDCODE_DEID_H

#include "medcode/base.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Identifier types. The order is stable; names come from mc_deid_type_name. */
#define MC_DEID_TYPES(X)                                                      \
    X(NAME, "NAME", "names of the patient, relatives, employers, providers") \
    X(LOCATION, "LOCATION", "street address, city, county: units smaller than a state") \
    X(ZIP, "ZIP", "ZIP codes (first three digits kept where the population rule allows)") \
    X(DATE, "DATE", "all elements of dates except the year")                  \
    X(AGE, "AGE", "ages over 89")                                             \
    X(PHONE, "PHONE", "telephone numbers")                                    \
    X(FAX, "FAX", "fax numbers")                                              \
    X(EMAIL, "EMAIL", "e-mail addresses")                                     \
    X(SSN, "SSN", "social security numbers")                                  \
    X(MRN, "MRN", "medical record numbers")                                   \
    X(HEALTHPLAN, "HEALTHPLAN", "health plan beneficiary numbers")            \
    X(ACCOUNT, "ACCOUNT", "account numbers")                                  \
    X(LICENSE, "LICENSE", "certificate and licence numbers")                  \
    X(VEHICLE, "VEHICLE", "vehicle identifiers, serial numbers and plates")   \
    X(DEVICE, "DEVICE", "device identifiers and serial numbers")              \
    X(URL, "URL", "web addresses")                                            \
    X(IP, "IP", "IP addresses")                                               \
    X(BIOMETRIC, "BIOMETRIC", "biometric identifiers (finger and voice prints)") \
    X(PHOTO, "PHOTO", "full-face photographs and comparable images")          \
    X(ID, "ID", "any other unique identifying number or code")

typedef enum mc_deid_type {
#define MC__DEID_ENUM(sym, name, what) MC_DEID_##sym,
    MC_DEID_TYPES(MC__DEID_ENUM)
#undef MC__DEID_ENUM
        MC_DEID_NTYPES
} mc_deid_type;

typedef enum mc_deid_mode {
    MC_DEID_REDACT = 0, /* replace each identifier with "[TYPE]" */
    MC_DEID_TAG = 1, /* find spans only; the text is unchanged */
    MC_DEID_SURROGATE = 2 /* replace with consistent realistic fakes */
} mc_deid_mode;

typedef struct mc_deid_opts {
    mc_deid_mode mode;
    bool has_seed; /* false: surrogates and the date shift come from a random seed */
    uint64_t seed; /* with has_seed, output is a pure function of (seed, note) */
    size_t max_bytes; /* refuse longer notes with MC_ELIMIT; 0 = 16 MiB */
} mc_deid_opts;

typedef struct mc_deid_span {
    uint32_t start, end; /* byte offsets into the input, end exclusive */
    uint32_t out_start, out_end; /* where the replacement sits in the output text */
    mc_deid_type type;
    float confidence; /* 0..1: how sure the detector is that this is the type */
} mc_deid_span;

typedef struct mc_deid mc_deid;
typedef struct mc_deid_result mc_deid_result;

/* Compile the patterns (PCRE2, JIT when available) and load the word lists. */
MC_API int mc_deid_new(mc_deid **out, mc_diag *diag);
MC_API void mc_deid_free(mc_deid *d);

/*
 * De-identify one note. On MC_OK *out holds the spans (sorted, not
 * overlapping) and the output text; on failure *out is NULL and nothing was
 * produced. Errors: MC_EFORMAT (binary or invalid UTF-8), MC_ELIMIT (longer
 * than max_bytes or the per-note memory cap), MC_ENOMEM.
 */
MC_API int mc_deid_run(const mc_deid *d, const char *text, size_t n, const mc_deid_opts *opts,
                       mc_deid_result **out, mc_diag *diag);
MC_API void mc_deid_result_free(mc_deid_result *r);

MC_API size_t mc_deid_result_count(const mc_deid_result *r);
MC_API const mc_deid_span *mc_deid_result_spans(const mc_deid_result *r);
/* The de-identified text (the input itself in tag mode), NUL-terminated. */
MC_API const char *mc_deid_result_text(const mc_deid_result *r, size_t *n);
/* The day offset applied to dates in surrogate mode (0 in other modes). */
MC_API int mc_deid_result_date_shift(const mc_deid_result *r);

/* "NAME", "DATE", ...; NULL for an out-of-range value. */
MC_API const char *mc_deid_type_name(mc_deid_type t);
/* The type with that name (case-insensitive), or MC_ENOTFOUND. */
MC_API int mc_deid_type_parse(const char *name, mc_deid_type *out);

#ifdef __cplusplus
}
#endif
#endif
