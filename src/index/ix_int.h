/*
 * Index module internals: the section layout (shared by writer and reader),
 * the build-time model filled by the XML parser, the term normaliser and the
 * reader handle.
 *
 * Section layout (IDXDIS, IDXEXT, IDXNEO, IDXDRUG; little-endian u32 words):
 *   header (IX_HDR bytes):
 *     0 magic "MCIX"   1 version (1)   2 kind   3 n_nodes   4 n_cols (0 or 6)
 *     5 off_nodes      6 off_rows      7 n_rows 8 off_main  9 n_main
 *    10 off_all       11 n_all        12 off_pool 13 n_pool 14 heads_row (MC_NONE)
 *    15 title ref (document title)
 *   nodes: n_nodes records of IX_NODE_WORDS u32, in pre-order (node 0 = root):
 *     parent, end (one past the last node of its subtree), title, nemod, code,
 *     see, see_also, manif, seecat, subcat, warning (pool refs), row (MC_NONE
 *     or row index), key (pool ref of the normalised title), depth | n_children << 8
 *   rows: n_rows × n_cols pool refs (0 = empty cell)
 *   main, all: sorted {key ref, node} pairs; main holds the main terms only,
 *     all every node except the root; both ordered by key bytes, then node.
 *   pool: strings as {u16 length, bytes}; ref 0 is the empty string.
 * Invariants checked at open: every array inside the section, parent < id,
 * id < end <= parent's end, depth = parent's depth + 1. Pool refs are
 * checked on each access (a bad ref reads as the empty string).
 */
#ifndef MC_IX_INT_H
#define MC_IX_INT_H

#include "base/base_int.h"
#include "medcode/index.h"
#include "medcode/text.h"

enum {
    IX_MAGIC = 0x5849434d, /* "MCIX" */
    IX_VERSION = 1,
    IX_HDR = 64,
    IX_NODE_WORDS = 14,
    IX_NODE = IX_NODE_WORDS * 4,
    IX_MAX_DEPTH = 30,
    IX_MAX_NODES = 4000000,
    IX_MAX_STR = 4000,
};

/* Node field word offsets. */
enum {
    IXF_PARENT = 0,
    IXF_END,
    IXF_TITLE,
    IXF_NEMOD,
    IXF_CODE,
    IXF_SEE,
    IXF_SEEALSO,
    IXF_MANIF,
    IXF_SEECAT,
    IXF_SUBCAT,
    IXF_WARNING,
    IXF_ROW,
    IXF_KEY,
    IXF_DEPTHKIDS,
    IXF_NSTR = IXF_WARNING - IXF_TITLE + 1
};

/* ---- build model ---- */
typedef struct ix_bnode {
    uint32_t w[IX_NODE_WORDS];
} ix_bnode;

typedef struct ix_build {
    mc_index_kind kind;
    uint32_t n_cols; /* 6 for the tables, 0 for the trees */
    ix_bnode *nodes;
    uint32_t n_nodes, cap_nodes;
    uint32_t *rows; /* n_rows × n_cols refs */
    uint32_t n_rows, cap_rows;
    uint32_t heads[MC_INDEX_COLS]; /* column headings */
    uint32_t title; /* document title */
    mc__buf pool;
    mc_diag *diag;
} ix_build;

int mc__ix_build_init(ix_build *bd, mc_index_kind kind, mc_diag *diag);
void mc__ix_build_free(ix_build *bd);
/* Add a string to the pool (whitespace collapsed, trimmed); *ref 0 for empty. */
int mc__ix_pool_add(ix_build *bd, const char *s, size_t n, uint32_t *ref);
/* Parse official index XML (any of the four files) into bd. */
int mc__ix_parse(ix_build *bd, const char *xml, size_t n, const char *name);
/* Finish: keys, sorted look-up tables, serialise to out. */
int mc__ix_serialize(ix_build *bd, mc__buf *out);
/* Bundle section tag of a kind. */
const char *mc__ix_tag(mc_index_kind kind);

/* ---- normalisation (case, accents, punctuation, plural, word order) ---- */
enum { IX_MAX_TOK = 24, IX_TOK_LEN = 48 };
typedef struct ix_toks {
    uint32_t n;
    char t[IX_MAX_TOK][IX_TOK_LEN];
} ix_toks;

/* Split text into folded, singularised tokens (stop words dropped), in text order. */
void mc__ix_tokens(const char *s, size_t n, ix_toks *out);
/* Sort tokens; then the key is the tokens joined by single spaces. */
void mc__ix_toks_sort(ix_toks *t);
size_t mc__ix_toks_key(const ix_toks *t, char *out, size_t cap);
/* Normalised key of text ("Kidney diseases, chronic" -> "chronic disease kidney"). */
size_t mc__ix_key(const char *s, size_t n, char *out, size_t cap);
/* Bounded Damerau-Levenshtein distance (returns max+1 when above max). */
uint32_t mc__ix_edit_distance(const char *a, size_t an, const char *b, size_t bn, uint32_t max);

/* ---- reader ---- */
typedef struct ix_tree {
    bool present;
    uint32_t source_year;
    const unsigned char *base; /* section start */
    size_t size;
    const unsigned char *nodes;
    uint32_t n_nodes, n_cols;
    const unsigned char *rows;
    uint32_t n_rows;
    const unsigned char *main_keys, *all_keys;
    uint32_t n_main, n_all;
    const unsigned char *pool;
    uint32_t n_pool;
    uint32_t heads_row, title;
} ix_tree;

struct mc_index {
    const mc_bundle *bundle;
    ix_tree t[MC_INDEX_KINDS];
    mc_abbrev *abbrev; /* the text module's abbreviation list, NULL when the bundle lacks it */
};

/* Validate one section image (used by open and the fuzz target). */
int mc__ix_tree_open(ix_tree *t, const void *data, size_t n, mc_diag *diag);

static inline uint32_t ix_w(const ix_tree *t, uint32_t id, int field)
{
    return mc__rd32(t->nodes + (size_t)id * IX_NODE + (size_t)field * 4);
}
static inline mc_str ix_str(const ix_tree *t, uint32_t ref)
{
    mc_str s = { "", 0 };
    if (ref == 0 || ref > t->n_pool - 2)
        return s;
    uint32_t len = mc__rd16(t->pool + ref);
    if (len > t->n_pool - 2 - ref)
        return s;
    s.p = (const char *)t->pool + ref + 2;
    s.n = len;
    return s;
}
static inline mc_str ix_field(const ix_tree *t, uint32_t id, int field)
{
    return ix_str(t, ix_w(t, id, field));
}
static inline uint32_t ix_depth(const ix_tree *t, uint32_t id)
{
    return ix_w(t, id, IXF_DEPTHKIDS) & 0xff;
}
static inline uint32_t ix_nkids(const ix_tree *t, uint32_t id)
{
    return ix_w(t, id, IXF_DEPTHKIDS) >> 8;
}
/* Cell of a node's row, empty when none. */
mc_str mc__ix_cell(const ix_tree *t, uint32_t id, uint32_t col);
const ix_tree *mc__ix_tree(const mc_index *ix, mc_index_kind kind);
/* Tokens of a node's stored key. */
void mc__ix_key_toks(const ix_tree *t, uint32_t id, ix_toks *out);
/* 1 equal, 0.8 a typo apart (words of 5+ letters), 0 different. */
double mc__ix_tok_eq(const char *a, const char *b);
double mc__ix_tok_eq_n(const char *a, size_t an, const char *b, size_t bn);
/* Match score (0..100) of input tokens against a node's title and nonessential modifiers. */
double mc__ix_match(const ix_tree *t, uint32_t id, const ix_toks *S, mc_step_how *how);

#endif
