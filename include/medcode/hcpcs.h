/*
 * medcode HCPCS Level II: the CMS quarterly file (codes and modifiers) read
 * from a bundle. Look up a code's descriptions, dates, action, coverage and
 * BETOS codes, read any of the 48 CMS columns, decide validity on a date.
 *
 * Strings are mc_str slices into the bundle mapping (valid while the bundle
 * is open). An mc_hcpcs is immutable after open and safe to share between
 * threads. Only mc_hcpcs_open/close allocate.
 */
#ifndef MEDCODE_HCPCS_H
#define MEDCODE_HCPCS_H

#include "medcode/base.h"
#include "medcode/bundle.h"

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mc_hcpcs mc_hcpcs;

MC_API int mc_hcpcs_open(const mc_bundle *b, mc_hcpcs **out, mc_diag *diag);
MC_API void mc_hcpcs_close(mc_hcpcs *h);
/* Codes and modifiers in the file; the year the file was compiled for. */
MC_API uint32_t mc_hcpcs_count(const mc_hcpcs *h);
MC_API int mc_hcpcs_source_year(const mc_hcpcs *h);

/* The CMS columns, in file order (MC_HCPCS_COL_*: index into mc_hcpcs_column_name). */
enum {
    MC_HCPCS_N_COLUMNS = 48,
    MC_HCPCS_COL_LONG = 3,
    MC_HCPCS_COL_SHORT = 4,
    MC_HCPCS_COL_COV = 30,
    MC_HCPCS_COL_BETOS = 37,
};
/* "HCPC", "SEQNUM", ..., "ACTION CD"; NULL for an index out of range. */
MC_API const char *mc_hcpcs_column_name(int col);

typedef struct mc_hcpcs_code {
    uint32_t id; /* 0..count-1, in code order */
    char code[6]; /* "J1100", or a 2-character modifier "25" */
    bool modifier; /* RECID 7: a modifier, not a procedure/supply code */
    mc_str long_desc; /* LONG DESCRIPTION (continuation records joined) */
    mc_str short_desc; /* SHORT DESCRIPTION */
    uint32_t add_date; /* ADD DT as YYYYMMDD, 0 when blank */
    uint32_t action_date; /* ACT EFF DT: when the action took effect */
    uint32_t term_date; /* TERM DT: last day the code is valid, 0 when not terminated */
    char action; /* ACTION CD: A added, B/C/D/F/N/P/R/S/T (see docs/pcs.md), 0 blank */
    mc_str coverage; /* COV: C carrier judgement, D special coverage, I not payable, M non-covered, S not payable, ... */
    mc_str betos; /* BETOS code */
} mc_hcpcs_code;

/* Find a code or modifier ("j1100", " J1100 "). MC_ENOTFOUND / MC_EFORMAT. */
MC_API int mc_hcpcs_lookup(const mc_hcpcs *h, const char *text, size_t n, mc_hcpcs_code *out);
MC_API int mc_hcpcs_get(const mc_hcpcs *h, uint32_t id, mc_hcpcs_code *out);
/* Any column of a code's record (MC_HCPCS_N_COLUMNS of them); empty when blank. */
MC_API mc_str mc_hcpcs_field(const mc_hcpcs *h, uint32_t id, int col);
/*
 * True when the code may be reported for a service on date (YYYYMMDD): added
 * on or before it and not terminated before it (TERM DT is the last valid day).
 */
MC_API bool mc_hcpcs_valid_on(const mc_hcpcs_code *c, uint32_t date);
/* Parse "YYYY-MM-DD" or "YYYYMMDD" into YYYYMMDD; MC_EFORMAT when not a date. */
MC_API int mc_hcpcs_parse_date(const char *text, uint32_t *out);

#ifdef __cplusplus
}
#endif
#endif
