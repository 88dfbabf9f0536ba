/*
 * Search internals: the SRCH section format (shared by the build part and
 * the reader) and the reader handle.
 *
 * SRCH layout (little-endian; offsets relative to the section start):
 *   header   64 bytes: magic "MCSR", version, then the counts below, then
 *            avg tokens per field (4 x float bits)
 *   toc      T_COUNT x {offset u32, size u32}, one per table
 *   docs     n_docs x DOC_SIZE, sorted by (system, code)
 *              code[8] undotted NUL-padded, system u8 (MC_SYS_*),
 *              flags u8 (DOC_BILLABLE), code length u8, chapter u8,
 *              title snippet u32, reserved u32 x 2
 *   snips    n_snips x SNIP_SIZE, grouped by doc
 *              doc u32, text offset u32, text length u16, field u8,
 *              tokens u8 (length for the BM25 norm, "unspecified" not counted)
 *   terms    n_terms x TERM_SIZE, sorted by (length, bytes)
 *              string offset u32, postings offset u32, df u32, length u32
 *   lenidx   (MAX_TERM + 2) x u32: first term id of each length
 *   post     n_post x u32: snippet id (low 24 bits) | first position (7 bits) << 24
 *            | essential << 31 (the word is outside parentheses and brackets);
 *            each term's list sorted by snippet id
 *   tris     n_tris x {trigram u32, offset u32, count u32}, sorted by trigram
 *   tripost  surface word ids (u32), each trigram's list ascending
 *   termstr  term bytes
 *   text     snippet texts (titles, inclusion terms, index paths)
 *   surf     n_surf x {string offset u32, length u32, term id u32}: every folded
 *            word as written in the texts ("sinusitis") and its index term
 *            ("sinus"), sorted by (length, bytes); typo and prefix matching
 *            work on these, so a misspelling is compared with real words
 *   surflen  (MAX_TERM + 2) x u32: first surface id of each length
 *   surfstr  surface word bytes
 *
 * Invariants checked at open: every table lies inside the section and has
 * the size its count implies; every doc, snippet and term record points
 * inside its pool or table. Posting and trigram values are checked where
 * they are used (a bad one is skipped), so open stays O(records).
 */
#ifndef MC_SEARCH_INT_H
#define MC_SEARCH_INT_H

#include "base/base_int.h"
#include "medcode/search.h"
#include "medcode/text.h"

enum {
    SR_MAGIC = 0x5253434Du, /* "MCSR" */
    SR_VERSION = 2,
    SR_HDR = 64,
    DOC_SIZE = 24,
    SNIP_SIZE = 12,
    TERM_SIZE = 16,
    TRI_SIZE = 12,
    SURF_SIZE = 12,
    MAX_TERM = 48, /* longest indexed term in bytes; longer tokens are cut */
    MAX_SNIPS = 1 << 24,
    DOC_BILLABLE = 1,
    N_FIELDS = 4,
};

enum {
    T_DOCS,
    T_SNIPS,
    T_TERMS,
    T_LENIDX,
    T_POST,
    T_TRIS,
    T_TRIPOST,
    T_TERMSTR,
    T_TEXT,
    T_SURF,
    T_SURFLEN,
    T_SURFSTR,
    T_COUNT
};

struct mc_search {
    const mc_bundle *bundle;
    const unsigned char *docs, *snips, *terms, *lenidx, *post, *tris, *tripost, *surf, *surflen;
    const char *termstr, *text, *surfstr;
    uint32_t n_docs, n_snips, n_terms, n_post, n_tris, n_tripost, termstr_n, text_n, n_surf,
        surfstr_n;
    float avg_tokens[N_FIELDS];
};

/* Record accessors (bounds established at open). */
static inline const unsigned char *sr_doc(const mc_search *s, uint32_t i)
{
    return s->docs + (size_t)i * DOC_SIZE;
}
static inline const unsigned char *sr_snip(const mc_search *s, uint32_t i)
{
    return s->snips + (size_t)i * SNIP_SIZE;
}
static inline const unsigned char *sr_term(const mc_search *s, uint32_t i)
{
    return s->terms + (size_t)i * TERM_SIZE;
}

/* Term id of an exact term, or UINT32_MAX. */
uint32_t mc__sr_term_find(const mc_search *s, const char *t, size_t n);
/* Analyse one token into an index term (fold, stop word check, stem). Returns
 * its length (0 = a stop word or nothing left). out holds MAX_TERM + 1 bytes. */
size_t mc__sr_analyze(mc_text *t, const char *tok, size_t n, char *out, bool *is_unspecified);
/* Fill a hit's code, system, billable, chapter and title from doc i. */
void mc__sr_fill_hit(const mc_search *s, uint32_t doc, mc_search_hit *h);
/* Code-prefix typeahead: true when q looks like a code prefix and at least one code matched. */
bool mc__sr_typeahead(const mc_search *s, const char *q, size_t n, const mc_search_opts *o,
                      mc_search_hit *hits, uint32_t *n_hits);
/* The system and chapter filters of opts for doc i. */
bool mc__sr_doc_ok(const mc_search *s, uint32_t doc, const mc_search_opts *o);

#endif
