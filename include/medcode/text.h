/*
 * medcode text analysis: UTF-8 validation, case and accent folding, a
 * tokenizer that reports byte offsets into the original text, English
 * stemming, normalised matching keys, and the clinical abbreviation and
 * synonym list (data/abbreviations.tsv, compiled into each bundle as the
 * TXTABBR section).
 *
 * Thread safety: the free functions (mc_utf8_*, mc_text_fold*, the
 * tokenizer) are reentrant and never allocate. An mc_text analyzer owns a
 * stemmer and scratch space: use one per thread (or per object), never share
 * one between threads. An mc_abbrev is immutable after open and may be
 * shared by any number of threads.
 */
#ifndef MEDCODE_TEXT_H
#define MEDCODE_TEXT_H

#include "medcode/base.h"
#include "medcode/bundle.h"

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- UTF-8 ---- */

/*
 * MC_OK when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, no
 * code points above U+10FFFF; NUL bytes are accepted). Otherwise MC_EFORMAT
 * and *bad_at (when non-NULL) gets the offset of the first bad byte.
 */
MC_API int mc_utf8_check(const char *s, size_t n, size_t *bad_at);

/*
 * Decode one code point at s[*pos]; advances *pos. Returns the code point,
 * or -1 (and advances one byte) for an ill-formed sequence.
 */
MC_API int32_t mc_utf8_next(const char *s, size_t n, size_t *pos);

/* ---- folding ---- */

/*
 * Fold text for matching: Unicode case folding, compatibility decomposition,
 * combining marks removed ("Ménière" -> "meniere", "ß" -> "ss"), typographic
 * apostrophes and dashes mapped to ASCII. Writes at most cap bytes to out (not
 * NUL-terminated unless room remains; *out_n gets the length). MC_EFORMAT on
 * ill-formed UTF-8, MC_ELIMIT when out is too small. Never allocates.
 */
MC_API int mc_text_fold(const char *s, size_t n, char *out, size_t cap, size_t *out_n);

/* ---- tokenizer ---- */

enum {
    MC_TOK_ALPHA = 1u << 0, /* contains a letter */
    MC_TOK_DIGIT = 1u << 1, /* contains a digit */
    MC_TOK_UPPER = 1u << 2, /* has letters and every letter is upper case ("HTN", "COPD") */
    MC_TOK_DOT = 1u << 3, /* contains an inner '.' ("E11.22", "2.5") */
    MC_TOK_NONASCII = 1u << 4, /* contains bytes >= 0x80 */
};

/* A token: a run of letters, digits and combining marks, with inner
 * apostrophes ("crohn's") and, when the left part has a digit, inner dots
 * ("E11.22"). Hyphens, slashes and other punctuation separate tokens. */
typedef struct mc_token {
    uint32_t start; /* byte offset in the original text */
    uint32_t end; /* one past the last byte */
    uint32_t flags; /* MC_TOK_* */
} mc_token;

typedef struct mc_tokenizer {
    const char *s; /* text being tokenized (borrowed) */
    size_t n; /* its length in bytes */
    size_t pos; /* where the next token search starts */
} mc_tokenizer;

MC_API void mc_tokenizer_init(mc_tokenizer *t, const char *s, size_t n);
/* Next token, false at the end. Ill-formed UTF-8 bytes are treated as separators. */
MC_API bool mc_tokenizer_next(mc_tokenizer *t, mc_token *out);

/*
 * Fold one token into out (cap bytes) as mc_text_fold does, then drop a
 * possessive "'s" and remove other apostrophes ("Crohn's" -> "crohn",
 * "O'Brien" -> "obrien"). Inner dots are kept ("E11.22" -> "e11.22").
 * Returns the length written; 0 when the token is empty or does not fit.
 */
MC_API size_t mc_text_fold_token(const char *s, size_t n, char *out, size_t cap);

/* ---- analyzer: stemming and matching keys (one per thread) ---- */

typedef struct mc_text mc_text;

MC_API int mc_text_new(mc_text **out);
MC_API void mc_text_free(mc_text *t);

/*
 * Stem one folded word with the Snowball English stemmer ("fractures" ->
 * "fractur", "diabetic" -> "diabet"). Words with digits and words shorter
 * than 3 bytes are copied unchanged. Returns the length written to out
 * (at most cap), 0 on failure.
 */
MC_API size_t mc_text_stem(mc_text *t, const char *word, size_t n, char *out, size_t cap);

/* True for English function words that carry no meaning in a code title
 * ("the", "of", "a", "in", ...). "with", "without", "no", "not", "due",
 * "and", "or" are deliberately NOT stop words: the ICD-10-CM conventions give
 * them meaning (Section I.A.12-15 of the Official Guidelines). Input is folded. */
MC_API bool mc_text_is_stopword(const char *word, size_t n);

enum {
    MC_KEY_STEM = 1u << 0, /* stem each alphabetic token */
    MC_KEY_DROP_STOP = 1u << 1, /* leave out stop words */
};

/*
 * The normalised key used for matching text against text: tokenize, fold
 * each token, optionally stem and drop stop words, join with single spaces.
 * "Heart Attacks" -> "heart attack" (MC_KEY_STEM). MC_EFORMAT on ill-formed
 * UTF-8, MC_ELIMIT when out is too small.
 */
MC_API int mc_text_key(mc_text *t, const char *s, size_t n, unsigned flags, char *out, size_t cap,
                       size_t *out_n);

/* ---- clinical abbreviations and synonyms ---- */

enum {
    MC_ABBR_AMBIGUOUS = 1u << 0, /* several common meanings; context (or the user) decides */
    MC_ABBR_UPPER = 1u << 1, /* in running text, expand only when written in capitals ("ALL") */
    MC_ABBR_LAY = 1u << 2, /* a lay or informal term, not an abbreviation ("heart attack") */
};

typedef struct mc_abbrev mc_abbrev;

typedef struct mc_abbrev_entry {
    uint32_t index; /* 0..mc_abbrev_count()-1, in key order */
    mc_str key; /* folded tokens joined by single spaces: "n v", "heart attack" */
    mc_str term; /* as written in the list: "N/V", "heart attack" */
    uint32_t flags; /* MC_ABBR_* */
    uint32_t n_expansions; /* >= 1; read each with mc_abbrev_expansion */
    uint32_t tokens; /* number of tokens in key */
} mc_abbrev_entry;

/* Open the TXTABBR section of a bundle (borrowed; must outlive a). MC_ENOTFOUND without it. */
MC_API int mc_abbrev_open(const mc_bundle *b, mc_abbrev **out, mc_diag *diag);
/* Read the list straight from a TSV file (tools and tests; the bundle is the normal source). */
MC_API int mc_abbrev_load(const char *tsv_path, mc_abbrev **out, mc_diag *diag);
MC_API void mc_abbrev_close(mc_abbrev *a);

MC_API uint32_t mc_abbrev_count(const mc_abbrev *a);
/* Longest key, in tokens (for phrase matching windows). */
MC_API uint32_t mc_abbrev_max_tokens(const mc_abbrev *a);
MC_API int mc_abbrev_at(const mc_abbrev *a, uint32_t index, mc_abbrev_entry *out);

/*
 * Look up text ("HTN", "n/v", "Heart attack"): it is tokenized and folded
 * into a key first, so case, accents and punctuation do not matter.
 * MC_ENOTFOUND when the list has no such term. Never allocates.
 */
MC_API int mc_abbrev_lookup(const mc_abbrev *a, const char *text, size_t n, mc_abbrev_entry *out);
/* The i-th expansion of an entry (display text, e.g. "type 2 diabetes mellitus"). */
MC_API int mc_abbrev_expansion(const mc_abbrev *a, const mc_abbrev_entry *e, uint32_t i,
                               mc_str *out);

#ifdef __cplusplus
}
#endif
#endif
