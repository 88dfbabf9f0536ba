/*
 * Coder internals: the per-note run context shared by match.c (phrases in
 * sentences), resolve.c (index code -> reportable code, 7th characters,
 * queries), rules.c (guideline rules, sequencing) and coder.c (assembly).
 *
 * Invariant: everything a run allocates comes from run->arena (capped);
 * mentions refer to tokens of run->doc and entries of the coder's lexicon.
 */
#ifndef MC_CODER_INT_H
#define MC_CODER_INT_H

#include "coder/lexicon.h"
#include "medcode/codeset.h"
#include "medcode/coder.h"
#include "medcode/pcs.h"
#include "nlp/nlp.h"

#include <string.h>

struct mc_coder {
    const mc_bundle *bundle;
    int year;
    mc__lex *lex;
    mc_pcs *pcs; /* ICD-10-PCS tables and titles, NULL when the bundle has none */
    mc_codeset *cs; /* ICD-10-CM tabular notes, NULL when the bundle has none */
    struct mc__pax *pax; /* ICD-10-PCS axis words and body part index (pcs_axis.c), or NULL */
    uint32_t *with_heads; /* entries with a "with" split, sorted by head hash */
    uint64_t *with_keys; /* head hash of each, same order */
    uint32_t n_with;
};

typedef struct model_cal {
    char code[9]; /* dotted */
    float precision; /* smoothed (tp + 1) / (tp + fp + 2) */
} model_cal;

typedef struct model_rewrite {
    char from[9], to[9]; /* dotted */
    float precision; /* smoothed share of training notes where `to` was right */
} model_rewrite;

struct mc_coder_model {
    uint32_t base; /* lexicon entry count: model entry i is entry base + i */
    lex_entry *entries;
    uint32_t n_entries;
    uint32_t *toks;
    uint32_t *anchor_at, *anchor_list; /* CSR over the lexicon's stem ids */
    uint32_t n_stems;
    model_cal *cal; /* sorted by code */
    uint32_t n_cal;
    model_rewrite *rw; /* sorted by from */
    uint32_t n_rw;
    float threshold;
    float default_precision; /* for codes the training never saw the coder give */
    char *text; /* the file; entry paths point into it */
};

/* Virtual token position: a word implied by the section ("family history"). */
#define POS_VIRTUAL UINT32_MAX

/* Where a diagnosis code was stated (parallel to run.dx). */
typedef struct coded_meta {
    float prio; /* best sequencing priority of its sections */
    uint32_t pos; /* first byte offset */
    uint32_t first_mention;
    bool diagnostic; /* stated in a diagnostic section */
    uint64_t sentences_mask; /* sentences (mod 64) it was stated in */
} coded_meta;

/* One phrase found in a sentence. */
typedef struct mention {
    uint32_t entry; /* lexicon entry */
    uint32_t sentence;
    uint32_t first, last; /* token range (inclusive) */
    uint32_t *pos; /* token position of each entry stem (POS_VIRTUAL allowed) */
    uint8_t npos;
    unsigned assert; /* MC_ASSERT_* */
    uint32_t trigger; /* deciding trigger token or UINT32_MAX */
    bool dropped; /* subsumed by a more specific mention */
    uint32_t dropped_by; /* the mention that subsumed it, UINT32_MAX when none */
    bool procedure; /* a PCS entry */
    char code[9]; /* resolved reportable code (undotted CM or PCS), "" when none */
    const char *rule; /* extra rationale added by a rule */
    float score;
} mention;

typedef struct run {
    const mc_coder *c;
    const mc_coder_opts *opts;
    mc__arena arena;
    mc_nlp_doc *doc;
    const char *text;
    /* per token: stem ids (own stem + synonyms) */
    uint32_t *tok_ids_at; /* n_tokens + 1 offsets */
    uint32_t *tok_ids;
    bool *tok_own;
    uint32_t *pax_ids; /* per token: id of a word only pcs_axis.c knows, LEX_NONE (pcs_axis_run.c) */
    struct sb_stemmer *stemmer; /* this run's (libstemmer is not thread-safe) */ /* the token's own stem is in the lexicon (first of its ids) */
    /* mentions */
    mention *m;
    uint32_t n_m, cap_m;
    /* results being built */
    mc_coded *dx, *px;
    uint32_t n_dx, cap_dx, n_px, cap_px;
    coded_meta *meta;
    uint32_t n_meta, cap_meta;
    mc_coder_query *q;
    uint32_t n_q, cap_q;
    mc_not_coded *nc;
    uint32_t n_nc, cap_nc;
    /* encounter context for 7th characters */
    char seventh_ctx; /* 'A' initial, 'D' subsequent, 'S' sequela */
    uint32_t id_hist, id_fam; /* stems "histori", "famili" (match.c) */
    int err; /* first allocation failure */
} run;

/* A 7-character code without a dot is ICD-10-PCS (CM codes are kept dotted). */
static inline bool mc__cac_is_pcs(const char *code)
{
    return strlen(code) == 7 && !strchr(code, '.');
}

/* Entry i: the lexicon's, then the run's model's. */
static inline const lex_entry *mc__cac_entry_at(const mc__lex *lx, const mc_coder_model *md,
                                                uint32_t i)
{
    return i < lx->n_entries ? &lx->entries[i] : &md->entries[i - lx->n_entries];
}
#define mc__cac_entry(r, i) mc__cac_entry_at((r)->c->lex, (r)->opts->model, (i))
/* Calibrated precision of a dotted code, or -1 when the model has none. */
float mc__cac_model_precision(const mc_coder_model *md, const char *code);
/* The code training notes reported instead of dotted `code`, or NULL (precision in *prec). */
const char *mc__cac_model_rewrite(const mc_coder_model *md, const char *code, float *prec);

/* surface.c: may one-word entry e be matched by the note's word at token q? */
bool mc__cac_surface_ok(run *r, const lex_entry *e, uint32_t q);
/* surface.c: is the phrase starting at token lo not an operative-report field ("estimated blood loss")? */
bool mc__cac_field_ok(const run *r, uint32_t lo);
/* surface.c: do the words of each hyphenated compound of e's path stand together (pos per stem)? */
bool mc__cac_compound_ok(run *r, const lex_entry *e, const uint32_t *pos);

/* match.c */
int mc__cac_tokens(run *r);
int mc__cac_match(run *r);
bool mc__cac_allergy_section(const run *r, uint32_t s);

/* resolve.c: resolve m->code from its entry; may add a query. */
void mc__cac_resolve(run *r, mention *m);
const lex_code *mc__cac_code(const run *r, const char *undotted);
bool mc__cac_manifestation(const run *r, const char *undotted);

/* rules.c */
void mc__cac_rules(run *r); /* mention-level rules, before the coding decision */
void mc__cac_sequence(run *r); /* drop integral symptoms, choose the principal, order */

/* history.c: personal/family history at mention level (called by mc__cac_rules) */
void mc__cac_history(run *r);

/* drugs.c: poisonings and adverse effects from the Table of Drugs (called by mc__cac_zrules) */
void mc__cac_drugs(run *r);

/* zrules.c: BMI, weeks of gestation, infectious agents (after sequencing data exists) */
void mc__cac_zrules(run *r);
/* Add a diagnosis a rule derived (undotted code of the bundle) with its evidence. */
void mc__cac_add_rule(run *r, const char *undotted, mc_coder_span ev, const char *why);

/* pcs_axis_run.c: ICD-10-PCS codes built axis by axis from procedure text */
void mc__cac_pcs_axis(run *r);

/* coder.c helpers */
void *mc__cac_push(run *r, void **arr, uint32_t *n, uint32_t *cap, size_t elem);
char *mc__cac_printf(run *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void mc__cac_query(run *r, const char *about, const char *question);
void mc__cac_not_coded(run *r, uint32_t start, uint32_t end, const char *reason);
/* The mention's span in bytes. */
mc_coder_span mc__cac_span(const run *r, const mention *m);

#endif
