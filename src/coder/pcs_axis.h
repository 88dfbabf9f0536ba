/*
 * ICD-10-PCS codes axis by axis (internal): the words -> axes data
 * (section CACPAX, parsed once by mc__pax_open) and the body part index
 * built from the bundle's PCS tables, shared by pcs_axis.c (loading, build
 * part) and pcs_axis_run.c (per note). See pcs_axis.c for the method.
 */
#ifndef MC_CODER_PCS_AXIS_H
#define MC_CODER_PCS_AXIS_H

#include "coder/lexicon.h"
#include "medcode/bundle.h"
#include "medcode/pcs.h"

#include <stdbool.h>
#include <string.h>

#define MC__PAX_TAG "CACPAX"

#define PAX_MAXW 8

enum { K_OP = 1, K_AX, K_BP };

typedef struct pax_rule {
    uint8_t kind, nw, pos, nt;
    uint32_t w[PAX_MAXW]; /* stem ids */
    char tab[6][4]; /* patterns ('?' any); "" = any table (ax '*') */
    char val[4][8]; /* K_OP: values for characters 4..7 ("" = from the note); K_AX: val[0] */
    char base[64]; /* K_OP char 4 as a label without side; K_BP the label */
    mc_str words; /* as written in the data file, for the rationale */
    /* K_OP with a label for character 4: the table values it names (each side) */
    char btab[4][4], bval[4], bside[4];
    uint8_t nb;
} pax_rule;

/* One way to name a body part value of one table. */
typedef struct pax_bp {
    char table[4];
    char value;
    char side; /* 'R', 'L', 'B' or 0 */
    uint8_t nw, rank; /* rank: 3 table label, 2 body part key, 1 data file */
    uint32_t w[PAX_MAXW];
    mc_str label;
} pax_bp;

typedef struct mc__pax {
    pax_rule *rules;
    uint32_t n_rules;
    uint64_t *anchor; /* (stem id << 32) | rule, sorted */
    uint32_t n_anchor;
    pax_bp *bps;
    uint32_t n_bps, cap_bps;
    uint64_t *bp_anchor; /* (stem id << 32) | body part entry, sorted */
    uint32_t n_bp_anchor;
    char *text; /* copy of the section (rules' words point into it) */
    /* words the lexicon lacks ("thoracentesis"): private ids n_lex_stems + i, by stem */
    char **priv;
    uint32_t n_priv, cap_priv, n_lex_stems;
    uint32_t *priv_hash, priv_mask; /* slots hold i + 1 */
    /* per stem id (lexicon then private): bit 0 anchors a root operation, 1 an axis word,
       2 a body part; lets a note word skip the anchor search */
    uint8_t *anchor_kind;
    uint32_t n_ids;
} mc__pax;


/* Does a table code (or code prefix) match a pattern / one of the rule's patterns? */
static inline bool pat_match(const char *pat, const char *code)
{
    for (size_t i = 0; pat[i]; i++)
        if (pat[i] != '?' && pat[i] != code[i])
            return false;
    return true;
}

static inline bool tables_match(const pax_rule *ru, const char *code)
{
    if (!ru->nt)
        return true;
    for (uint8_t i = 0; i < ru->nt; i++)
        if (pat_match(ru->tab[i], code))
            return true;
    return false;
}

/* Parse the bundle's CACPAX section and index the PCS tables; NULL when absent. */
mc__pax *mc__pax_open(const mc_bundle *b, const mc__lex *lx, const mc_pcs *p);
/* The same from section text; index: also index the tables' body parts (fuzzing skips it). */
mc__pax *mc__pax_parse(const void *data, size_t n, const mc__lex *lx, const mc_pcs *p,
                       bool index);
void mc__pax_free(mc__pax *x);
/* Private id of a stem the lexicon lacks, LEX_NONE when the data file has no such word. */
uint32_t mc__pax_priv(const mc__pax *x, const char *stem, size_t n);

#endif
