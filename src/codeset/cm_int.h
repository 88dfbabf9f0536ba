/*
 * ICD-10-CM module internals: the in-memory model used while compiling the
 * bundle (cm_build_*) and the reader handle (struct mc_codeset).
 */
#ifndef MC_CM_INT_H
#define MC_CM_INT_H

#include "build/build.h"
#include "codeset/cm_format.h"
#include "medcode/codeset.h"

typedef struct cm_bcode {
    char code[8]; /* undotted, NUL padded */
    bool billable;
    bool tabular; /* described by the tabular */
    uint32_t s_off, s_len, l_off, l_len; /* titles in the string pool */
    uint32_t parent, chapter, block;
    uint32_t kids_first, kids_count;
    uint32_t notes_first, notes_count;
    uint32_t seventh; /* owner index in the seventh table, MC_NONE */
} cm_bcode;

typedef struct cm_bnote {
    uint8_t kind, level;
    uint32_t owner; /* code id, block or chapter index */
    uint32_t seq; /* tabular order, keeps notes stable when sorted */
    uint32_t t_off, t_len, refs_first, refs_count;
} cm_bnote;

typedef struct cm_bchap {
    uint32_t number, t_off, t_len;
    char first[4], last[4];
    uint32_t notes_first, notes_count;
} cm_bchap;

typedef struct cm_bblock {
    uint32_t chapter, id_off, id_len, t_off, t_len;
    char first[4], last[4];
    uint32_t notes_first, notes_count;
} cm_bblock;

typedef struct cm_bseven {
    uint32_t owner; /* code id */
    char ch;
    uint32_t t_off, t_len;
} cm_bseven;

typedef struct cm_build {
    mc_diag *diag;
    mc__buf strs; /* CMSTR */
    cm_bcode *codes;
    uint32_t n_codes, cap_codes, n_billable;
    cm_bnote *notes;
    uint32_t n_notes, cap_notes;
    mc_code_range *refs;
    uint32_t n_refs, cap_refs;
    cm_bchap *chaps;
    uint32_t n_chaps, cap_chaps;
    cm_bblock *blocks;
    uint32_t n_blocks, cap_blocks;
    cm_bseven *sevens;
    uint32_t n_sevens, cap_sevens;
    uint32_t n_tab_missing; /* codes of the year the tabular does not describe */
    uint32_t n_notes_dropped; /* notes of tabular codes gone from this year */
} cm_build;

int cm_build_init(cm_build *cb, mc_diag *diag);
void cm_build_free(cm_build *cb);
int cm_build_add_code(cm_build *cb, const char code[8], bool billable, const char *s, size_t sn,
                      const char *l, size_t ln);
/* Sort the codes (after the order file, before the tabular). */
int cm_build_index_codes(cm_build *cb);
int cm_build_chapter_begin(cm_build *cb);
int cm_build_chapter_number(cm_build *cb, const char *s, size_t n);
int cm_build_chapter_title(cm_build *cb, const char *s, size_t n);
int cm_build_block_begin(cm_build *cb, const char *id);
int cm_build_block_title(cm_build *cb, const char *s, size_t n);
int cm_build_tab_diag(cm_build *cb, const char code[8]);
int cm_build_note(cm_build *cb, mc_note_level level, const char *owner_code, mc_note_kind kind,
                  const char *s, size_t n);
int cm_build_seventh(cm_build *cb, const char *owner_code, char ch, const char *s, size_t n);
int cm_build_finish(cm_build *cb, mc__build_ctx *ctx, uint32_t order_year, uint32_t tab_year);
int mc__cm_parse_tabular(cm_build *cb, const char *data, size_t len, const char *path);

/* Code references inside a note's parentheses: "(E10.-)", "(E08-E13)", "(N18.1-N18.6)". */
uint32_t mc__cm_parse_refs(const char *s, size_t n, mc_code_range *out, uint32_t cap);

/* ---- reader ---- */
struct mc_codeset {
    const mc_bundle *bundle;
    int year;
    const unsigned char *codes; /* first CMCODE record */
    uint32_t n_codes, n_billable;
    const unsigned char *kids;
    uint32_t n_kids;
    const unsigned char *notes;
    uint32_t n_notes;
    const unsigned char *refs;
    uint32_t n_refs;
    const unsigned char *chaps;
    uint32_t n_chaps;
    const unsigned char *blocks;
    uint32_t n_blocks;
    const unsigned char *sevn_owners, *sevn_chars;
    uint32_t n_sevn_owners, n_sevn_chars;
    const char *strs;
    size_t n_strs;
    const unsigned char *hash; /* CMHASH slots */
    uint32_t hash_mask; /* n_slots - 1 */
};

static inline const unsigned char *cm_rec(const mc_codeset *cs, uint32_t id)
{
    return cs->codes + (size_t)id * CM_CODE_REC;
}

#endif
