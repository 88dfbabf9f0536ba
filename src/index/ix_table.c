/*
 * Neoplasm Table and Table of Drugs and Chemicals look-ups: walk the site or
 * substance like any index path, take the row of the term reached (or of its
 * nearest ancestor with cells), pick the column, then check the cell against
 * the bundle year's code set.
 *
 * Drug codes (Section I.C.19.e): the table gives six characters with the
 * placeholder X where needed ("T39.1X1"); the 7th character is the encounter
 * (A initial, D subsequent, S sequela, Section I.C.19.a). A code the index
 * gives that the year's code set lacks is reported as such (code_status
 * MC_ENOTFOUND), never shown as valid.
 */
#include "index/ix_int.h"

#include <string.h>

static void check_code(const mc_codeset *cs, mc_index_table_result *out)
{
    if (!out->cell.n) {
        out->code_status = 1;
        return;
    }
    if (!cs) {
        out->code_status = MC_EINVAL;
        return;
    }
    const char *p = out->code;
    size_t n = strlen(p);
    if (n && p[n - 1] == '-') {
        out->code_status = MC_EINVAL; /* "C50.41-": more characters to choose */
        n--;
        char norm[8];
        mc_cm_code c;
        if (mc_cm_normalize(p, n, norm) == MC_OK &&
            mc_cm_lookup(cs, norm, strlen(norm), &c) != MC_OK)
            out->code_status = MC_ENOTFOUND;
        return;
    }
    mc_cm_code c;
    int rc = mc_cm_lookup(cs, p, n, &c);
    if (rc == MC_OK)
        out->code_status = c.billable ? MC_OK : MC_EINVAL;
    else
        out->code_status = MC_ENOTFOUND;
}

static int table_walk(const mc_index *ix, mc_index_kind kind, uint32_t from, const char *text,
                      size_t n, uint32_t col, mc_index_table_result *out)
{
    const ix_tree *t = mc__ix_tree(ix, kind);
    if (!t)
        return MC_ENOTFOUND;
    if (col >= MC_INDEX_COLS)
        return MC_EINVAL;
    int rc = mc_index_walk_from(ix, kind, from, text, n, &out->walk);
    if (rc)
        return rc;
    out->col = col;
    /* only the entry reached gives cells: an ancestor's row would be a guess */
    out->row = out->walk.end < t->n_nodes && ix_w(t, out->walk.end, IXF_ROW) != MC_NONE
                   ? out->walk.end
                   : MC_NONE;
    if (out->row == MC_NONE)
        return MC_OK; /* a see-only term or a heading: choose a subterm */
    out->cell = mc__ix_cell(t, out->row, col);
    size_t k = out->cell.n < sizeof out->code - 1 ? out->cell.n : sizeof out->code - 1;
    memcpy(out->code, out->cell.p, k);
    out->code[k] = 0;
    return MC_OK;
}

int mc_index_neoplasm(const mc_index *ix, const mc_codeset *cs, const char *site, size_t n,
                      mc_neoplasm_behavior behavior, mc_index_table_result *out)
{
    memset(out, 0, sizeof *out);
    const ix_tree *t = mc__ix_tree(ix, MC_INDEX_NEOPLASM);
    if (!t)
        return MC_ENOTFOUND;
    if (!site || !n)
        return MC_EINVAL;
    /* the table has one main term, "Neoplasm, neoplastic": sites are its subterms */
    uint32_t from = t->n_nodes > 1 ? 1 : 0;
    const char *p = site;
    size_t m = n;
    mc__trim(&p, &m);
    ix_toks first;
    const char *comma = memchr(p, ',', m);
    mc__ix_tokens(p, comma ? (size_t)(comma - p) : m, &first);
    if (first.n == 1 && (!strcmp(first.t[0], "neoplasm") || !strcmp(first.t[0], "neoplastic"))) {
        if (!comma)
            m = 0;
        else {
            m -= (size_t)(comma + 1 - p);
            p = comma + 1;
        }
    }
    int rc;
    if (m == 0) {
        /* the main term row itself (site not specified) */
        rc = mc_index_walk_from(ix, MC_INDEX_NEOPLASM, 0, "Neoplasm", 8, &out->walk);
        if (rc)
            return rc;
        out->row = out->walk.end;
        out->col = (uint32_t)behavior;
        out->cell = mc__ix_cell(t, out->row, out->col);
        size_t k = out->cell.n < sizeof out->code - 1 ? out->cell.n : sizeof out->code - 1;
        memcpy(out->code, out->cell.p, k);
        out->code[k] = 0;
    } else {
        rc = table_walk(ix, MC_INDEX_NEOPLASM, from, p, m, (uint32_t)behavior, out);
        if (rc)
            return rc;
    }
    check_code(cs, out);
    return MC_OK;
}

int mc_index_drug(const mc_index *ix, const mc_codeset *cs, const char *substance, size_t n,
                  mc_drug_intent intent, char seventh, mc_index_table_result *out)
{
    memset(out, 0, sizeof *out);
    if (!substance || !n)
        return MC_EINVAL;
    if (seventh && seventh != 'A' && seventh != 'D' && seventh != 'S')
        return MC_EINVAL;
    int rc = table_walk(ix, MC_INDEX_DRUG, 0, substance, n, (uint32_t)intent, out);
    if (rc)
        return rc;
    size_t k = strlen(out->code);
    if (seventh && k > 0 && out->code[k - 1] != '-') {
        /* six characters with the dot -> append the encounter as the 7th */
        char norm[8];
        if (mc_cm_normalize(out->code, k, norm) == MC_OK && strlen(norm) >= 3 &&
            strlen(norm) <= 6) {
            /* Section I.A.5: placeholder X fills the empty positions before the 7th */
            for (size_t i = strlen(norm); i < 6; i++)
                norm[i] = 'X';
            norm[6] = seventh;
            norm[7] = 0;
            mc_cm_dotted(norm, out->code);
        }
    }
    check_code(cs, out);
    return MC_OK;
}
