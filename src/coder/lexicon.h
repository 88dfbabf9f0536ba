/*
 * The coder's lexicon (internal): phrases that name a code, compiled into
 * the bundle section CACLEX by `medcode build` from the Alphabetic Index
 * (every main term/subterm path that carries a code, "see" references
 * resolved), the Neoplasm Table, the ICD-10-CM and ICD-10-PCS order-file
 * titles, and data/coder/abbreviations.tsv (clinical abbreviations and
 * synonyms). Each phrase is stored as its stemmed content words; matching a
 * note means finding every phrase whose words all occur close together in a
 * sentence (order-free, since index paths invert the clinical word order:
 * "Failure, heart, congestive" for "congestive heart failure").
 *
 * Section text format (UTF-8 lines, tab-separated, written and read only by
 * this module; the reader bounds-checks everything):
 *   E <code> <src> <with> <stems...> <path>
 *       code: ICD-10-CM (dotted, may end in '-' when the index gives a
 *       category) or ICD-10-PCS (7 characters); src: I index, N neoplasm
 *       table, T CM title, P PCS title; with: number of leading stems that
 *       form the head before a "with"/"in"/"due to" subterm (0 = none), so
 *       the Section I.A.15 "with" convention can pair the head and the tail
 *       anywhere in the note; negative: -k, the words after the k-th are those of a
 *       "without" subterm, matched only when negated; stems: space separated; path: human-readable
 *       index path or title (the rationale).
 *   S <surface> <expansion>   abbreviation/synonym: a folded word and the
 *       stemmed words it stands for (space separated).
 *   C <code> <billable 0/1> <title>   ICD-10-CM order-file row (undotted
 *       code): the runtime checks each code against it, walks children by
 *       prefix and finds 7th-character and placeholder-X forms.
 */
#ifndef MC_CODER_LEXICON_H
#define MC_CODER_LEXICON_H

#include "base/base_int.h"

#include <libstemmer.h>
#include <stdbool.h>

#define MC__CAC_LEX_TAG "CACLEX"

/* Entry sources. */
enum { LEX_INDEX = 'I', LEX_NEOPLASM = 'N', LEX_TITLE = 'T', LEX_PCS = 'P', LEX_LEARNED = 'L' };

/* Words dropped from phrases: they carry no clinical meaning for matching. */
bool mc__cac_stopword(const char *w, size_t n);

/*
 * Stem a folded word into out (cap bytes, NUL-terminated); returns length.
 * Numbers and roman numerals after nothing are kept as written; "ii" -> "2"
 * style normalisation of roman numerals is done here so that "type II" and
 * "type 2" meet.
 */
size_t mc__cac_stem(struct sb_stemmer *st, const char *w, size_t n, char *out, size_t cap);


/* ---- runtime (lex.c) ---- */
#define LEX_NONE UINT32_MAX

typedef struct lex_entry {
    char code[9]; /* as printed: "E11.22", "S72.0-", "0FT44ZZ" */
    char src; /* LEX_* */
    uint8_t with_split; /* stems in the head before a "with" subterm, 0 = none */
    uint8_t without_split; /* stems before a "without" subterm's words, 0 = none */
    uint8_t ntok; /* stems */
    uint32_t tok_at; /* first stem id in lex.toks */
    const uint32_t *tk; /* its stem ids (lex.toks + tok_at, or a model's) */
    uint32_t anchor; /* rarest stem: the entry is looked up through it */
    mc_str path; /* rationale text (slice of the section) */
    float prior; /* learned entries: precision in training notes; 0 otherwise */
} lex_entry;

typedef struct lex_code {
    char code[8]; /* undotted */
    bool billable;
    mc_str title;
} lex_code;

typedef struct mc__lex {
    /* stems: open-addressing hash of stem text -> id */
    mc_str *stems; /* id -> text */
    uint32_t n_stems;
    uint32_t *stem_hash; /* slots hold id+1, 0 = empty */
    uint32_t stem_mask;
    uint32_t *df; /* entries per stem */
    lex_entry *entries;
    uint32_t n_entries;
    uint32_t *toks; /* stem ids of all entries */
    uint32_t *anchor_at, *anchor_list; /* CSR: entries anchored at stem id */
    /* synonyms: surface -> stem ids */
    mc_str *syn_surface;
    uint32_t *syn_at, *syn_ids; /* CSR over synonyms (n_syn + 1 offsets) */
    uint32_t n_syn;
    uint32_t *syn_hash, syn_mask;
    lex_code *codes; /* sorted by code */
    uint32_t n_codes;
} mc__lex;

int mc__lex_load(const void *data, size_t n, mc__lex **out, mc_diag *diag);
void mc__lex_free(mc__lex *lx);
uint32_t mc__lex_stem_id(const mc__lex *lx, const char *s, size_t n);
/* Synonym expansion of a folded surface word: *ids and count, or 0. */
uint32_t mc__lex_synonyms(const mc__lex *lx, const char *w, size_t n, const uint32_t **ids);
/* Code table: index of an undotted code, LEX_NONE when absent. */
uint32_t mc__lex_code(const mc__lex *lx, const char *code);
/* [first, first+count) of codes starting with prefix. */
void mc__lex_prefix(const mc__lex *lx, const char *prefix, uint32_t *first, uint32_t *count);

#endif
