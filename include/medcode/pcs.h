/*
 * medcode ICD-10-PCS: the procedure code tables of one fiscal year, read from
 * a bundle. Validate a code (and learn which character is wrong), explain the
 * meaning of each of its 7 characters, build a code axis by axis, look up
 * titles, iterate every valid code.
 *
 * A code is valid when the fiscal year's tables derive it (pick one value per
 * axis 4..7 from one row of the table named by characters 1..3). When the
 * bundle's tables are of another year (the FY2025 bundle carries the FY2026
 * tables), the order file of the bundle's own year decides validity and
 * titles, and the tables only explain the characters (when neither is of
 * the bundle's year, the nearer one decides, the tables on a tie).
 *
 * Strings are mc_str slices into the bundle mapping (valid while the bundle
 * is open). An mc_pcs is immutable after open and safe to share between
 * threads. Only mc_pcs_open/close allocate.
 */
#ifndef MEDCODE_PCS_H
#define MEDCODE_PCS_H

#include "medcode/base.h"
#include "medcode/bundle.h"

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mc_pcs mc_pcs;

/* Open the PCS sections of an open bundle (borrowed; must outlive the handle). */
MC_API int mc_pcs_open(const mc_bundle *b, mc_pcs **out, mc_diag *diag);
MC_API void mc_pcs_close(mc_pcs *p);
/* The bundle's fiscal year; the year of its tables; the year of its order file. */
MC_API int mc_pcs_year(const mc_pcs *p);
MC_API int mc_pcs_tables_year(const mc_pcs *p);
MC_API int mc_pcs_order_year(const mc_pcs *p);
/* True when the tables decide validity (their year is the bundle's year). */
MC_API bool mc_pcs_tables_authoritative(const mc_pcs *p);
/* Valid codes of the bundle's year (from the authority), codes the tables derive, tables, rows. */
MC_API uint32_t mc_pcs_valid_count(const mc_pcs *p);
MC_API uint32_t mc_pcs_table_code_count(const mc_pcs *p);
MC_API uint32_t mc_pcs_table_count(const mc_pcs *p);
MC_API uint32_t mc_pcs_row_count(const mc_pcs *p);

/*
 * Normalise text to an upper-case code in out (NUL-terminated): surrounding
 * white space is ignored, lower case accepted. *len gets 1..7. MC_EFORMAT
 * when the text is empty, longer than 7 characters or contains something
 * other than letters and digits (I and O are reported by validate, which
 * names their position).
 */
MC_API int mc_pcs_normalize(const char *text, size_t n, char out[8], size_t *len);

/* ---- validate ---- */
typedef enum mc_pcs_status {
    MC_PCS_VALID = 0, /* a valid code of the year */
    MC_PCS_BAD_LENGTH, /* not 7 characters (all of them PCS characters) */
    MC_PCS_BAD_CHAR, /* a character PCS never uses (I, O, punctuation) at `position`, checked
                        before the length */
    MC_PCS_BAD_VALUE, /* the character at `position` is not allowed after the ones before */
    MC_PCS_NOT_IN_YEAR, /* the tables derive it but the year's order file does not list it */
} mc_pcs_status;

typedef struct mc_pcs_check {
    mc_pcs_status status;
    bool valid; /* status == MC_PCS_VALID */
    char code[8]; /* normalised input (upper case, at most 7 characters) */
    uint32_t length; /* characters in the input (after trimming white space) */
    uint32_t position; /* the first wrong character (1-based); 0 when none */
    char value; /* the wrong character, 0 when none */
    mc_str axis; /* name of that position's axis ("Body Part"), empty when unknown */
    char allowed[36]; /* values allowed at `position` given the characters before it */
    uint8_t n_allowed;
    bool derivable; /* the year's tables derive the code */
} mc_pcs_check;

/*
 * Check a code. Returns MC_OK and fills *out for any text (an invalid code is
 * a result, not an error); MC_EINVAL only for NULL arguments.
 */
MC_API int mc_pcs_validate(const mc_pcs *p, const char *text, size_t n, mc_pcs_check *out);

/* ---- explain ---- */
typedef struct mc_pcs_axis {
    uint8_t position; /* 1..7 */
    char value; /* the code character */
    mc_str name; /* axis name: "Section", "Body System", "Operation", "Body Part", ... */
    mc_str label; /* meaning of the value: "Resection", "Appendix", ... */
    mc_str definition; /* official definition of the value, empty when none */
    mc_str explanation; /* official explanation, empty when none */
    mc_str includes; /* examples / body part key entries ("; "-joined), empty when none */
    mc_str covers; /* device values: the specific devices coded to this value for this body
                      system and operation (definitions' device aggregation), "; "-joined */
} mc_pcs_axis;

/*
 * Fill axes[0..*n_axes) with the meaning of each character of the code, as
 * far as the tables explain it: 7 for a derivable code, fewer when a
 * character is not allowed (mc_pcs_validate says which). MC_EFORMAT when the
 * text cannot be a PCS code at all.
 */
MC_API int mc_pcs_explain(const mc_pcs *p, const char *text, size_t n, mc_pcs_axis axes[7],
                          int *n_axes);

/* ---- build axis by axis ---- */
typedef struct mc_pcs_value {
    char value; /* the character */
    mc_str label; /* its meaning */
    mc_str definition; /* official definition, empty when none */
} mc_pcs_value;

/*
 * Given a prefix of 0..6 characters, list the values allowed at the next
 * position (position = length + 1), in character order, with their labels;
 * *axis gets that position's name. MC_ENOTFOUND when the prefix itself is
 * not part of any valid code (check, when non-NULL, says which character is
 * wrong); MC_EFORMAT for a malformed or too long prefix.
 */
MC_API int mc_pcs_next_values(const mc_pcs *p, const char *prefix, size_t n,
                              mc_pcs_value out[34], uint32_t *count, mc_str *axis,
                              mc_pcs_check *check);

/* ---- titles (order file) ---- */
typedef struct mc_pcs_code {
    char code[8]; /* NUL-terminated: 7 characters, or 3 for a table header */
    bool valid; /* a reportable code in the year's order file (false: a table header) */
    uint32_t order; /* order number */
    mc_str short_title;
    mc_str long_title;
} mc_pcs_code;

/* Title of a code or a 3-character table header; MC_ENOTFOUND / MC_EFORMAT. */
MC_API int mc_pcs_lookup(const mc_pcs *p, const char *text, size_t n, mc_pcs_code *out);
/* Entries of the order file (codes and table headers), in code order. */
MC_API uint32_t mc_pcs_order_count(const mc_pcs *p);
MC_API int mc_pcs_order_get(const mc_pcs *p, uint32_t i, mc_pcs_code *out);

/* ---- iterate ---- */
typedef enum mc_pcs_source {
    MC_PCS_FROM_AUTHORITY = 0, /* the year's valid codes (tables or order file, as above) */
    MC_PCS_FROM_TABLES, /* every code the tables derive, table by table, row by row */
    MC_PCS_FROM_ORDER, /* every valid code of the order file, in code order */
} mc_pcs_source;

/* Iteration state; the fields are private. */
typedef struct mc_pcs_iter {
    int source;
    uint32_t table, row, i;
    uint8_t idx[4];
} mc_pcs_iter;

MC_API void mc_pcs_iter_init(const mc_pcs *p, mc_pcs_iter *it, mc_pcs_source source);
/* Write the next code into code (NUL-terminated); false when done. */
MC_API bool mc_pcs_iter_next(const mc_pcs *p, mc_pcs_iter *it, char code[8]);

#ifdef __cplusplus
}
#endif
#endif
