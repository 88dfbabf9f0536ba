/*
 * medcode index: the ICD-10-CM Alphabetic Index to Diseases and Injuries,
 * the External Cause Index, the Neoplasm Table and the Table of Drugs and
 * Chemicals, read from a bundle, and the encoder that walks them the way a
 * coder does (main term -> subterms -> code, then Tabular verification).
 *
 * Ownership: an mc_index borrows its bundle (which must outlive it); every
 * mc_str handed out is a slice into the bundle mapping. A mc_index is
 * immutable after open and may be shared by reader threads; the walk and
 * search calls keep their state in the caller's result structs and allocate
 * nothing on the heap.
 *
 * Paths are written as in the printed index: main term, subterm, subterm,
 * separated by commas ("Diabetes, type 2, with, chronic kidney disease").
 * A main term or subterm that itself contains a comma ("Fracture, traumatic")
 * is matched by trying one to five comma parts at each step.
 */
#ifndef MEDCODE_INDEX_H
#define MEDCODE_INDEX_H

#include "medcode/base.h"
#include "medcode/bundle.h"
#include "medcode/codeset.h"

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mc_index mc_index;

/* The four trees. Each has a virtual root node (id 0) whose children are the main terms. */
typedef enum mc_index_kind {
    MC_INDEX_DISEASE = 0, /* Index to Diseases and Injuries (section IDXDIS) */
    MC_INDEX_EXTERNAL = 1, /* External Cause Index (IDXEXT) */
    MC_INDEX_NEOPLASM = 2, /* Neoplasm Table (IDXNEO), 6 columns */
    MC_INDEX_DRUG = 3, /* Table of Drugs and Chemicals (IDXDRUG), 6 columns */
    MC_INDEX_KINDS = 4
} mc_index_kind;

/* Neoplasm Table columns (cell index 0..5). */
typedef enum mc_neoplasm_behavior {
    MC_NEO_MALIGNANT_PRIMARY = 0,
    MC_NEO_MALIGNANT_SECONDARY = 1,
    MC_NEO_IN_SITU = 2,
    MC_NEO_BENIGN = 3,
    MC_NEO_UNCERTAIN = 4,
    MC_NEO_UNSPECIFIED = 5
} mc_neoplasm_behavior;

/* Table of Drugs and Chemicals columns (cell index 0..5). */
typedef enum mc_drug_intent {
    MC_DRUG_ACCIDENTAL = 0, /* poisoning, accidental (unintentional) */
    MC_DRUG_INTENTIONAL = 1, /* poisoning, intentional self-harm */
    MC_DRUG_ASSAULT = 2, /* poisoning, assault */
    MC_DRUG_UNDETERMINED = 3, /* poisoning, undetermined */
    MC_DRUG_ADVERSE = 4, /* adverse effect */
    MC_DRUG_UNDERDOSING = 5 /* underdosing */
} mc_drug_intent;

enum { MC_INDEX_COLS = 6, MC_INDEX_MAX_STEPS = 24, MC_INDEX_MAX_REFS = 8 };

/* Open the index sections of a bundle. Kinds missing from the bundle answer MC_ENOTFOUND. */
MC_API int mc_index_open(const mc_bundle *b, mc_index **out, mc_diag *diag);
MC_API void mc_index_close(mc_index *ix);
/* True when the bundle holds that tree; *source_year gets the release year it came from. */
MC_API bool mc_index_has(const mc_index *ix, mc_index_kind kind, uint32_t *source_year);
MC_API const char *mc_index_kind_name(mc_index_kind kind); /* "disease", "external", ... */

/* ---- nodes ---- */
typedef struct mc_index_node {
    uint32_t id; /* 0 = the virtual root */
    uint32_t parent; /* MC_NONE for the root */
    uint32_t depth; /* 0 root, 1 main term, 2 first subterm level ... */
    uint32_t n_children;
    mc_str title; /* without the nonessential modifiers */
    mc_str nemod; /* nonessential modifiers as printed, "(mellitus) (sugar)", or empty */
    mc_str code; /* as printed: "E11.22", "S72.0-", or empty */
    mc_str manif; /* bracketed manifestation code, sequenced second (I.A.13), or empty */
    mc_str see; /* mandatory cross-reference, or empty */
    mc_str see_also; /* optional cross-reference, or empty */
    mc_str seecat; /* "see category" reference, or empty */
    mc_str subcat; /* "see subcategory" reference, or empty */
    mc_str warning; /* warning text, or empty */
    bool has_cells; /* table kinds: the row has cells */
    mc_str cells[MC_INDEX_COLS]; /* table cells ("C50.41-"), empty for "-" / "--" */
} mc_index_node;

MC_API uint32_t mc_index_count(const mc_index *ix, mc_index_kind kind);
MC_API int mc_index_node_get(const mc_index *ix, mc_index_kind kind, uint32_t id,
                             mc_index_node *out);
/* Children in index order; returns how many, fills at most cap ids. */
MC_API uint32_t mc_index_children(const mc_index *ix, mc_index_kind kind, uint32_t id,
                                  uint32_t *ids, uint32_t cap);
/* Column headings of a table kind ("Malignant Primary", ...); empty for the trees. */
MC_API mc_str mc_index_column(const mc_index *ix, mc_index_kind kind, uint32_t col);
/*
 * The full path of a node as "Main term, subterm, subterm" (titles only,
 * nonessential modifiers left out when with_nemod is false). Writes at most
 * cap-1 bytes and terminates; returns the length it needed (like snprintf).
 */
MC_API size_t mc_index_path_text(const mc_index *ix, mc_index_kind kind, uint32_t id,
                                 bool with_nemod, char *out, size_t cap);

/*
 * Iterator over every entry of a tree, in index order (pre-order), for the
 * search engine's postings and similar consumers:
 *
 *   mc_index_iter it;
 *   mc_index_iter_init(ix, MC_INDEX_DISEASE, &it);
 *   while (mc_index_iter_next(&it))
 *       use(it.node.id, it.path, it.path_len, it.node.code);
 *
 * it.path is "Main term, subterm, ..." without nonessential modifiers, held in
 * the iterator (valid until the next call); it.node is the full node. Entries
 * without a code (see-only terms, "with" headings) are included; check
 * it.node.code.n. Cost: O(1) amortised per entry, no allocation.
 */
typedef struct mc_index_iter {
    const mc_index *ix;
    mc_index_kind kind;
    uint32_t next; /* next node id */
    mc_index_node node; /* the current entry */
    char path[1024]; /* its path text (truncated at 1023 bytes) */
    uint32_t path_len;
    uint32_t stack_len[32]; /* path length at each depth, internal */
} mc_index_iter;

MC_API void mc_index_iter_init(const mc_index *ix, mc_index_kind kind, mc_index_iter *it);
MC_API bool mc_index_iter_next(mc_index_iter *it);

/* ---- walking a path ---- */
typedef enum mc_step_how {
    MC_STEP_EXACT = 1, /* the words match the title (case, plural, word order forgiven) */
    MC_STEP_NEMOD, /* matched once nonessential modifiers were taken into account */
    MC_STEP_PARTIAL, /* a partial match (some words of the title or input missing) */
    MC_STEP_WITH, /* a "with"/"in"/"due to" subterm entered by the convention (I.A.15) */
    MC_STEP_SEE, /* reached by following a mandatory "see" reference */
    MC_STEP_SEE_ALSO /* reached by following a "see also" because the path went on there */
} mc_step_how;

typedef struct mc_index_step {
    uint32_t node;
    mc_step_how how;
    mc_str title, nemod, code;
} mc_index_step;

typedef enum mc_walk_status {
    MC_WALK_CODE = 0, /* every input part was used and the last term carries a code */
    MC_WALK_INCOMPLETE, /* every part used but the term has no code: choose a subterm */
    MC_WALK_STOPPED, /* some input part matched no subterm; the walk stopped early */
    MC_WALK_SEE_UNRESOLVED /* a "see" reference points to no term that could be followed */
} mc_walk_status;

typedef struct mc_walk {
    mc_index_kind kind;
    mc_walk_status status;
    mc_index_step steps[MC_INDEX_MAX_STEPS];
    uint32_t n_steps;
    uint32_t end; /* node the walk ended on */
    mc_str code; /* code of the end node (as printed, may end in "-"), or empty */
    mc_str default_code; /* nearest code on the way when the end node has none */
    mc_str manif; /* manifestation code of the end node, sequenced second */
    mc_str seecat, subcat; /* category / subcategory reference of the end node */
    mc_str see_unresolved; /* the "see" text that could not be followed */
    mc_str see_also[MC_INDEX_MAX_REFS]; /* "see also" references met on the way */
    uint32_t n_see_also;
    mc_str see_followed[MC_INDEX_MAX_REFS]; /* "see" (and needed "see also") references followed */
    uint32_t n_see_followed;
    uint32_t parts_used, parts_total; /* input comma parts matched / given */
    char unmatched[256]; /* the first input part that matched nothing, "" */
    bool used_with_convention; /* an implicit "with" was entered (I.A.15) */
    bool by_search; /* no main term matched: the best full-coverage path search hit */
    char expanded[256]; /* the input with abbreviations expanded ("CKD" -> ...), or "" */
} mc_walk;

/*
 * Walk path through one tree. When a part matches nothing and is a clinical
 * abbreviation or lay term of the text module's list (text.h: "CKD", "heart
 * attack"), the walk is retried with its expansion (out->expanded). When no
 * main term matches at all, the best path-search hit that covers every input
 * word is taken instead (out->by_search, steps marked partial). Returns MC_OK
 * with *out filled whenever a path was found (check out->status),
 * MC_ENOTFOUND when nothing matches (use mc_index_suggest), MC_EINVAL for an
 * empty path.
 */
MC_API int mc_index_walk(const mc_index *ix, mc_index_kind kind, const char *path, size_t n,
                         mc_walk *out);
/* Walk starting below a given node (for example the Neoplasm Table's main term). */
MC_API int mc_index_walk_from(const mc_index *ix, mc_index_kind kind, uint32_t from,
                              const char *path, size_t n, mc_walk *out);

/* Nearest main terms for an unknown term (spelling, plural, partial words). */
MC_API uint32_t mc_index_suggest(const mc_index *ix, mc_index_kind kind, const char *term,
                                 size_t n, uint32_t *ids, uint32_t cap);

/* ---- tables ---- */
typedef struct mc_index_table_result {
    mc_walk walk; /* the site / substance walk */
    uint32_t row; /* node whose cells were used (the end node), MC_NONE when it has none */
    uint32_t col;
    mc_str cell; /* the cell as printed ("C50.41-", "T39.1X1"), empty when the column has none */
    char code[9]; /* drug: cell completed with the 7th character ("T39.1X1A"), else the cell */
    int code_status; /* MC_OK: code is in the code set and billable; MC_EINVAL: needs more
                        characters; MC_ENOTFOUND: absent from the year's code set; 1: no cell */
} mc_index_table_result;

/* Neoplasm Table: site path below "Neoplasm, neoplastic" and a behavior column. */
MC_API int mc_index_neoplasm(const mc_index *ix, const mc_codeset *cs, const char *site, size_t n,
                             mc_neoplasm_behavior behavior, mc_index_table_result *out);
/*
 * Table of Drugs and Chemicals: substance path and intent column; seventh is
 * the encounter character ('A' initial, 'D' subsequent, 'S' sequela) or 0 to
 * leave the code at six characters. The result is checked against cs.
 */
MC_API int mc_index_drug(const mc_index *ix, const mc_codeset *cs, const char *substance,
                         size_t n, mc_drug_intent intent, char seventh,
                         mc_index_table_result *out);

/* ---- search ---- */
typedef struct mc_index_hit {
    mc_index_kind kind;
    uint32_t node;
    double score; /* higher is better */
    uint32_t words_matched; /* query words found along the path */
    uint32_t words_total; /* query words */
} mc_index_hit;

/*
 * Ranked fuzzy search over index paths: every entry whose path (main term
 * and subterms) contains the query words, forgiving case, plural and word
 * order; entries with a code first, then by words matched and path length.
 * kinds is a bit mask (1 << MC_INDEX_DISEASE | ...), 0 for every tree.
 * Returns the number of hits written (at most cap).
 */
MC_API uint32_t mc_index_search(const mc_index *ix, unsigned kinds, const char *query, size_t n,
                                mc_index_hit *hits, uint32_t cap);

/*
 * Fast term -> entries look-up for the automatic coder: every entry of the
 * tree whose own title (nemod ignored, case/plural/word order forgiven)
 * equals term, main terms first. Binary search over a sorted key table.
 */
MC_API uint32_t mc_index_term_lookup(const mc_index *ix, mc_index_kind kind, const char *term,
                                     size_t n, uint32_t *ids, uint32_t cap);

/* ---- Tabular verification after the walk ---- */
typedef struct mc_index_choice {
    char code[9]; /* dotted */
    mc_str title; /* long title */
    mc_str distinct; /* the part of the title that distinguishes it from its siblings */
} mc_index_choice;

typedef enum mc_verify_status {
    MC_VERIFY_BILLABLE = 0, /* a complete, reportable code this year */
    MC_VERIFY_NEEDS_CHILD, /* a header: choose one of the children */
    MC_VERIFY_NEEDS_SEVENTH, /* needs a 7th character (placeholder X where short) */
    MC_VERIFY_NOT_IN_YEAR /* not in this year's code set */
} mc_verify_status;

typedef struct mc_index_verify {
    mc_verify_status status;
    char code[9]; /* dotted form of the code checked, "-" removed */
    mc_str title;
    char question[160]; /* "Laterality: right, left or unspecified?" */
    mc_index_choice choices[64];
    uint32_t n_choices; /* written (at most 64) */
    uint32_t n_choices_total;
    mc_cm_seventh seventh[16]; /* 7th-character table when one applies */
    uint32_t n_seventh;
    char with_placeholder[9]; /* code padded with X to six characters when it takes a 7th */
    char reason[256]; /* mc_cm_validate's one-line reason */
} mc_index_verify;

/*
 * Verify an index code in the Tabular (Section I.A.4/5, I.B.3): a code ending
 * in "-" or a category with children lists the children and the question that
 * picks one; a code that takes a 7th character gives the table and the
 * placeholder-X form. Returns MC_OK (check out->status) or MC_EFORMAT when
 * code is not an ICD-10-CM code.
 */
MC_API int mc_index_verify_code(const mc_codeset *cs, const char *code, size_t n,
                                mc_index_verify *out);

MC_API const char *mc_walk_status_name(mc_walk_status s); /* "code", "incomplete", ... */
MC_API const char *mc_step_how_name(mc_step_how h); /* "exact", "nemod", ... */
MC_API const char *mc_verify_status_name(mc_verify_status s); /* "billable", ... */

#ifdef __cplusplus
}
#endif
#endif
