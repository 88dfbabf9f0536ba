/*
 * De-identification internals shared by the files of src/deid.
 *
 * A note passes three detectors that each append candidate spans: the PCRE2
 * patterns (patterns.c), the word-level name and place rules (names.c) and
 * the propagation of found names to their other mentions (names.c). deid.c
 * merges overlapping candidates (the union is kept, recall first; the type
 * of the most confident one wins) and renders the output (surrogate.c).
 *
 * Invariants: candidate offsets lie inside the note and start < end; every
 * per-note allocation is bounded (mc__buf max / mc__arena cap).
 */
#ifndef MC_DEID_INT_H
#define MC_DEID_INT_H

#include "base/base_int.h"
#include "medcode/deid.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* ---- word sets: lower-case ASCII keys, open addressing, built once ---- */
typedef struct mc__wordset {
    const char **keys; /* slot -> key start (inside the embedded list), NULL = empty */
    uint8_t *lens; /* slot -> key length */
    uint32_t mask; /* slots - 1 (a power of two) */
    uint32_t count; /* keys stored */
    uint32_t max_len; /* longest key */
} mc__wordset;

int mc__wordset_build(mc__wordset *w, const char *const *list);
void mc__wordset_free(mc__wordset *w);
/* Case-insensitive look-up of s[0..n); apostrophes are ignored. */
bool mc__wordset_has(const mc__wordset *w, const char *s, size_t n);
/* Fold s (lower case, no apostrophes) into buf[64]; returns the hash used by every set
   (*k = 0 when s is too long). Then probe any number of sets without folding again. */
uint32_t mc__wordset_fold(const char *s, size_t n, char *buf, size_t *k);
bool mc__wordset_has_folded(const mc__wordset *w, const char *buf, size_t k, uint32_t h);
/* The k-th key (k taken modulo the count): surrogate names come from the lists. */
mc_str mc__wordset_pick(const mc__wordset *w, uint64_t k);

/* ---- candidate spans ---- */
typedef struct mc__deid_cand {
    uint32_t start, end;
    uint8_t type; /* mc_deid_type */
    uint8_t strong; /* 1: found by context; propagates for names */
    float conf;
} mc__deid_cand;

/* One compiled pattern: a type, the capture group holding the identifier. */
typedef struct mc__deid_pat {
    pcre2_code *re;
    uint8_t type; /* mc_deid_type, or 0xff when the type comes from the label group */
    uint8_t group; /* capture group of the identifier (0 = whole match) */
    float conf;
    char need; /* a byte the note must contain for the pattern to run, 0 = none */
    uint8_t kind; /* how it is run: full scan, at trigger words, at numbers (patterns.c) */
    uint16_t back, fwd; /* window around a trigger */
    uint8_t digit_within; /* trigger tests: a digit this close after the word */
    bool upper; /* the trigger word is capitalised */
    const char *next; /* the next word starts with one of these bytes */
    const char *name; /* for diagnostics and benchmarks */
} mc__deid_pat;

#define MC__DEID_MAXPAT 64

struct mc_deid {
    mc__deid_pat pats[MC__DEID_MAXPAT];
    int npats;
    struct {
        char key[24]; /* lower-case trigger word */
        uint8_t len; /* 0 = empty slot */
        uint64_t mask; /* patterns it triggers (bit = index in pats) */
    } *trig;
    uint32_t trig_mask;
    mc__wordset first, last, stop, epon, drugs, cities, zip3;
    /* context words of names.c: titles, clinical head words, relations, "by" verbs,
       closings, header labels, place phrases, state and country names */
    mc__wordset w_titles, w_heads, w_rel, w_by, w_close, w_labels, w_places, w_states;
    mc__wordset w_place1, w_city1; /* first words of place phrases and of multi-word cities */
    char **first_words; /* storage for the keys of w_place1 and w_city1 */
    /* all of the word sets above in one table: word -> names.c flags (one probe a token) */
    struct mc__deid_lex {
        const char *key;
        uint32_t len;
        uint32_t flags;
    } *lex;
    uint32_t lex_mask;
    size_t n_first_words;
};

/* Per-note working state. */
typedef struct mc__deid_note {
    const mc_deid *d;
    const char *text;
    size_t n;
    mc__buf cands; /* array of mc__deid_cand */
    pcre2_match_data *md;
    bool has[256]; /* which bytes occur (pattern prefilter) */
    bool naive; /* benchmark baseline: every pattern scans the whole note */
} mc__deid_note;

int mc__deid_add(mc__deid_note *nt, size_t start, size_t end, mc_deid_type type, float conf,
                 bool strong);

/* patterns.c */
int mc__deid_patterns_compile(mc_deid *d, mc_diag *diag);
void mc__deid_patterns_free(mc_deid *d);
/* Run every pattern (only_regex: the benchmark baseline uses the same entry). */
int mc__deid_patterns_run(mc__deid_note *nt);

/* lists.c */
int mc__deid_lists_load(mc_deid *d, mc_diag *diag);
void mc__deid_lists_free(mc_deid *d);

/* names.c: names, places from the word lists and context, name propagation. */
int mc__deid_names_run(mc__deid_note *nt);
int mc__deid_names_init(mc_deid *d);
void mc__deid_names_free(mc_deid *d);

/* surrogate.c */
typedef struct mc__deid_surr mc__deid_surr;
int mc__deid_render(const mc_deid *d, const char *text, size_t n, mc_deid_span *spans,
                    size_t nspans, mc_deid_mode mode, uint64_t seed, mc__buf *out,
                    int *date_shift);
/* Parse a date written in one of the supported formats; 0 on success. */
int mc__deid_date_shift_text(const char *s, size_t n, int shift, int ref_year, mc__buf *out);

/* Benchmark hooks: detection with the patterns alone (no names), run at their
   triggers as in production, or naively (every pattern scans the whole note). */
int mc__deid_bench_regex_only(const mc_deid *d, const char *text, size_t n, bool naive,
                                     size_t *nspans);

#endif
