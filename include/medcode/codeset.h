/*
 * medcode code sets: ICD-10-CM (tabular model with instructional notes and
 * 7th characters) read from a bundle. ICD-10-PCS and HCPCS have their own
 * headers (pcs.h, hcpcs.h).
 *
 * Every string is an mc_str slice into the bundle mapping, valid while the
 * bundle is open. A mc_codeset is immutable after open and safe to share
 * between threads. No call allocates except mc_codeset_open/close.
 */
#ifndef MEDCODE_CODESET_H
#define MEDCODE_CODESET_H

#include "medcode/base.h"
#include "medcode/bundle.h"

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mc_codeset mc_codeset;

#define MC_NONE UINT32_MAX

/* Open the ICD-10-CM sections of an open bundle (borrowed; must outlive cs). */
MC_API int mc_codeset_open(const mc_bundle *b, mc_codeset **out, mc_diag *diag);
MC_API void mc_codeset_close(mc_codeset *cs);
MC_API const mc_bundle *mc_codeset_bundle(const mc_codeset *cs);
MC_API int mc_codeset_year(const mc_codeset *cs);

/* ---- ICD-10-CM codes ---- */

/* One entry of the order file: a category, subcategory or code. */
typedef struct mc_cm_code {
    uint32_t id; /* index, 0..mc_cm_count()-1, in code order */
    char code[8]; /* without the dot, NUL-terminated: "E1122" */
    char dotted[9]; /* with the dot: "E11.22" */
    bool billable; /* valid for reporting (a leaf) */
    uint8_t length; /* characters in code: 3..7 */
    mc_str short_title; /* order file short description */
    mc_str long_title; /* order file long description */
    uint32_t parent; /* id of the code one level up (by prefix), MC_NONE for a category */
    uint32_t chapter; /* chapter index (mc_cm_get_chapter), MC_NONE when unknown */
    uint32_t block; /* section/block index (mc_cm_get_block), MC_NONE when unknown */
    bool in_tabular; /* the tabular XML used for notes describes this code itself */
} mc_cm_code;

MC_API uint32_t mc_cm_count(const mc_codeset *cs);
MC_API uint32_t mc_cm_billable_count(const mc_codeset *cs);

/*
 * Find a code. Accepts "E11.22", "e1122", " E11.22 " (dot optional, any case,
 * surrounding space ignored). MC_ENOTFOUND when not in this year's code set,
 * MC_EFORMAT when the text cannot be an ICD-10-CM code at all.
 */
MC_API int mc_cm_lookup(const mc_codeset *cs, const char *text, size_t n, mc_cm_code *out);
MC_API int mc_cm_get(const mc_codeset *cs, uint32_t id, mc_cm_code *out);

/* Normalise text to an undotted upper-case code in out[8] (a letter, then 2-6 letters or
 * digits with a digit in the 2nd or 3rd place); MC_EFORMAT if it cannot be a code. */
MC_API int mc_cm_normalize(const char *text, size_t n, char out[8]);
/* Dotted form of an undotted code ("E1122" -> "E11.22"). */
MC_API void mc_cm_dotted(const char *code, char out[9]);

/* Children one level down, in code order. Returns how many; fills at most cap ids. */
MC_API uint32_t mc_cm_children(const mc_codeset *cs, uint32_t id, uint32_t *ids, uint32_t cap);
/* Codes whose undotted form starts with prefix, in order: [*first, *first + *count). */
MC_API int mc_cm_prefix_range(const mc_codeset *cs, const char *prefix, size_t n, uint32_t *first,
                              uint32_t *count);

/* ---- chapters and blocks (sections of the tabular) ---- */
typedef struct mc_cm_chapter {
    uint32_t index;
    uint32_t number; /* 1..22 */
    mc_str title; /* "Endocrine, nutritional and metabolic diseases (E00-E89)" */
    char first[4], last[4]; /* category range, e.g. "E00", "E89" */
} mc_cm_chapter;

typedef struct mc_cm_block {
    uint32_t index;
    uint32_t chapter; /* chapter index */
    mc_str id; /* "E08-E13" */
    mc_str title; /* "Diabetes mellitus (E08-E13)" */
    char first[4], last[4];
} mc_cm_block;

MC_API uint32_t mc_cm_chapter_count(const mc_codeset *cs);
MC_API int mc_cm_get_chapter(const mc_codeset *cs, uint32_t index, mc_cm_chapter *out);
MC_API uint32_t mc_cm_block_count(const mc_codeset *cs);
MC_API int mc_cm_get_block(const mc_codeset *cs, uint32_t index, mc_cm_block *out);

/* ---- instructional notes ---- */
typedef enum mc_note_kind {
    MC_NOTE_INCLUSION = 1, /* inclusion term ("Bronze diabetes") */
    MC_NOTE_INCLUDES, /* "Includes:" */
    MC_NOTE_EXCLUDES1,
    MC_NOTE_EXCLUDES2,
    MC_NOTE_CODE_FIRST,
    MC_NOTE_USE_ADDITIONAL,
    MC_NOTE_CODE_ALSO,
    MC_NOTE_NOTE, /* plain "Note:" text */
    MC_NOTE_SEVENTH, /* sevenChrNote text */
} mc_note_kind;

/* Level a note is attached at. */
typedef enum mc_note_level { MC_LEVEL_CHAPTER = 1, MC_LEVEL_BLOCK, MC_LEVEL_CODE } mc_note_level;

/* A code reference parsed out of a note: "E10.-" -> lo=hi="E10", "E08-E13" -> "E08".."E13". */
typedef struct mc_code_range {
    char lo[8]; /* undotted, inclusive */
    char hi[8]; /* undotted; a code c is in range when lo <= c's prefix of len(hi) <= hi */
} mc_code_range;

typedef struct mc_cm_note {
    mc_note_kind kind;
    mc_note_level level; /* where it is attached */
    uint32_t owner; /* code id, block index or chapter index (by level) */
    mc_str text; /* the note as printed in the tabular */
    uint32_t n_refs; /* code ranges referenced by the text */
    uint32_t refs_at; /* first reference, for mc_cm_note_ref */
} mc_cm_note;

MC_API const char *mc_note_kind_name(mc_note_kind k); /* "excludes1", "use_additional", ... */

/*
 * Notes that apply to a code: its own, then (when inherited is true) those
 * of each ancestor code, its block and its chapter, in that order, as the
 * conventions apply them (Section I.A). Returns the total; fills at most cap.
 */
MC_API uint32_t mc_cm_notes(const mc_codeset *cs, uint32_t id, bool inherited, mc_cm_note *out,
                            uint32_t cap);
MC_API int mc_cm_note_ref(const mc_codeset *cs, const mc_cm_note *note, uint32_t i,
                          mc_code_range *out);
/* True when undotted code falls in range r. */
MC_API bool mc_code_in_range(const char *code, const mc_code_range *r);

/* ---- 7th characters and placeholder X (Section I.B.3, I.A.4/5) ---- */
typedef struct mc_cm_seventh {
    char ch; /* 'A', 'D', 'S', ... */
    mc_str meaning; /* "initial encounter for closed fracture" */
} mc_cm_seventh;

/*
 * The 7th-character table that applies to a code (defined on it or an
 * ancestor). Returns the number of characters (0 = the code takes none);
 * fills at most cap. *owner gets the id of the code that defines it.
 */
MC_API uint32_t mc_cm_seventh_chars(const mc_codeset *cs, uint32_t id, mc_cm_seventh *out,
                                    uint32_t cap, uint32_t *owner);

/*
 * Explain why text is or is not a reportable code this year. Fills a
 * one-line reason ("header code: needs more characters, choose one of ...",
 * "S72.001 requires a 7th character: A, B, C, ...", "T39.11A: placeholder X
 * missing, use T39.1X1A") and returns MC_OK for a billable code,
 * MC_EINVAL for a known but non-billable or malformed one, MC_ENOTFOUND when
 * the code is unknown this year.
 */
MC_API int mc_cm_validate(const mc_codeset *cs, const char *text, size_t n, char *reason,
                          size_t cap);

#ifdef __cplusplus
}
#endif
#endif
