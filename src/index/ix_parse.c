/*
 * Streaming expat parser for the official ICD-10-CM index XML files: the
 * Index to Diseases and Injuries and the External Cause Index (schema
 * icd10cm-index-2025.xsd) and the Neoplasm Table and Table of Drugs and
 * Chemicals (icd-10-cm-drug-neoplasm-2025.xsd). One parser handles both
 * schemas: every element either schema defines is understood:
 *
 *   ICD10CM.index, version, title (mixed, with nemod), indexHeading/head,
 *   letter, mainTerm, term@level, see, seeAlso, code, seecat, subcat, manif,
 *   warning, cell@col, and the addenda markup diff/unc/new/old (text inside
 *   <old> is dropped, <unc>/<new> kept).
 *
 * Elements outside the schemas are skipped with their text. Terms nest by
 * element structure; the level attribute is not trusted. Nodes are created in
 * document order, so the model is in pre-order with the root at 0.
 */
#include "index/ix_int.h"

#include <expat.h>
#include <stdlib.h>
#include <string.h>

typedef enum et {
    E_OTHER,
    E_ROOT,
    E_VERSION,
    E_TITLE,
    E_NEMOD,
    E_DIFF,
    E_UNC,
    E_NEW,
    E_OLD,
    E_SEE,
    E_SEEALSO,
    E_CODE,
    E_SEECAT,
    E_SUBCAT,
    E_MANIF,
    E_WARNING,
    E_CELL,
    E_HEAD,
    E_HEADING,
    E_LETTER,
    E_MAIN,
    E_TERM
} et;

static const struct {
    const char *name;
    et t;
} names[] = {
    { "ICD10CM.index", E_ROOT }, { "version", E_VERSION }, { "title", E_TITLE },
    { "nemod", E_NEMOD },        { "diff", E_DIFF },       { "unc", E_UNC },
    { "new", E_NEW },            { "old", E_OLD },         { "see", E_SEE },
    { "seeAlso", E_SEEALSO },    { "code", E_CODE },       { "seecat", E_SEECAT },
    { "subcat", E_SUBCAT },      { "manif", E_MANIF },     { "warning", E_WARNING },
    { "cell", E_CELL },          { "head", E_HEAD },       { "indexHeading", E_HEADING },
    { "letter", E_LETTER },      { "mainTerm", E_MAIN },   { "term", E_TERM },
};

enum { MAX_STACK = 96 };

typedef struct frame {
    et t;
    uint32_t node; /* for E_MAIN/E_TERM: the node; else the enclosing node */
    int col; /* cell/head column */
} frame;

typedef struct pstate {
    ix_build *bd;
    XML_Parser xp;
    const char *name;
    frame st[MAX_STACK];
    int depth;
    int cap_at; /* stack index of the element whose text is captured, -1 none */
    int skip_at; /* stack index of an <old> or unknown element being skipped, -1 none */
    mc__buf txt, nemod;
    int rc;
} pstate;

static et elem_type(const char *n)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(n, names[i].name))
            return names[i].t;
    return E_OTHER;
}

static bool is_capture(et t)
{
    switch (t) {
    case E_VERSION: case E_TITLE: case E_DIFF: case E_SEE: case E_SEEALSO: case E_CODE:
    case E_SEECAT: case E_SUBCAT: case E_MANIF: case E_WARNING: case E_CELL: case E_HEAD:
        return true;
    default:
        return false;
    }
}

static void fail(pstate *ps, int rc, const char *what)
{
    if (ps->rc)
        return;
    ps->rc = mc_diag_set(ps->bd->diag, rc, "%s:%lu: %s", ps->name,
                         (unsigned long)XML_GetCurrentLineNumber(ps->xp), what);
    XML_StopParser(ps->xp, XML_FALSE);
}

static int new_node(pstate *ps, uint32_t parent, uint32_t *id)
{
    ix_build *bd = ps->bd;
    uint32_t depth = (bd->nodes[parent].w[IXF_DEPTHKIDS] & 0xff) + 1;
    if (depth > IX_MAX_DEPTH)
        return MC_ELIMIT;
    if (bd->n_nodes >= IX_MAX_NODES)
        return MC_ELIMIT;
    if (bd->n_nodes == bd->cap_nodes) {
        uint32_t cap = bd->cap_nodes ? bd->cap_nodes * 2 : 1024;
        ix_bnode *p = realloc(bd->nodes, (size_t)cap * sizeof *p);
        if (!p)
            return MC_ENOMEM;
        bd->nodes = p;
        bd->cap_nodes = cap;
    }
    ix_bnode *n = &bd->nodes[bd->n_nodes];
    memset(n, 0, sizeof *n);
    n->w[IXF_PARENT] = parent;
    n->w[IXF_END] = bd->n_nodes + 1;
    n->w[IXF_ROW] = MC_NONE;
    n->w[IXF_DEPTHKIDS] = depth;
    bd->nodes[parent].w[IXF_DEPTHKIDS] += 1u << 8;
    *id = bd->n_nodes++;
    return MC_OK;
}

static uint32_t enclosing_node(const pstate *ps)
{
    for (int i = ps->depth - 1; i >= 0; i--)
        if (ps->st[i].t == E_MAIN || ps->st[i].t == E_TERM)
            return ps->st[i].node;
    return 0;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    pstate *ps = ud;
    if (ps->rc)
        return;
    if (ps->depth >= MAX_STACK) {
        fail(ps, MC_ELIMIT, "elements nested too deeply");
        return;
    }
    et t = elem_type(name);
    frame *f = &ps->st[ps->depth];
    f->t = t;
    f->node = enclosing_node(ps);
    f->col = 0;
    ps->depth++;
    if (ps->skip_at >= 0)
        return;
    if (t == E_OLD || t == E_OTHER) {
        ps->skip_at = ps->depth - 1;
        return;
    }
    if (t == E_CELL || t == E_HEAD) {
        for (int i = 0; attrs[i]; i += 2)
            if (!strcmp(attrs[i], "col")) {
                char *end;
                long v = strtol(attrs[i + 1], &end, 10);
                f->col = (*end || v < 1 || v > 99) ? 0 : (int)v;
            }
    }
    if (t == E_MAIN || t == E_TERM) {
        if (ps->cap_at >= 0) {
            fail(ps, MC_EFORMAT, "term inside a text element");
            return;
        }
        /* main terms hang from the root even if a stray term encloses them */
        uint32_t parent = t == E_MAIN ? 0 : f->node;
        uint32_t id;
        int rc = new_node(ps, parent, &id);
        if (rc) {
            fail(ps, rc, rc == MC_ELIMIT ? "too many terms or terms nested too deeply"
                                         : "out of memory");
            return;
        }
        f->node = id;
        return;
    }
    if (ps->cap_at < 0 && is_capture(t)) {
        ps->cap_at = ps->depth - 1;
        ps->txt.n = 0;
        ps->nemod.n = 0;
    }
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    pstate *ps = ud;
    if (ps->rc || ps->cap_at < 0 || ps->skip_at >= 0 || len <= 0)
        return;
    bool in_nemod = false;
    for (int i = ps->cap_at + 1; i < ps->depth; i++)
        if (ps->st[i].t == E_NEMOD)
            in_nemod = true;
    bool title = ps->st[ps->cap_at].t == E_TITLE || ps->st[ps->cap_at].t == E_DIFF;
    mc__buf *b = in_nemod && title ? &ps->nemod : &ps->txt;
    if (mc__buf_append(b, s, (size_t)len))
        fail(ps, b->err, "text too long");
}

static int set_field(pstate *ps, uint32_t node, int field, bool join)
{
    ix_build *bd = ps->bd;
    uint32_t *slot = &bd->nodes[node].w[field];
    if (*slot && !join)
        return MC_OK; /* keep the first */
    if (*slot) {
        /* join repeated references with "; " */
        mc_str old = { (const char *)bd->pool.p + *slot + 2, mc__rd16(bd->pool.p + *slot) };
        mc__buf tmp;
        mc__buf_init(&tmp, 0);
        mc__buf_append(&tmp, old.p, old.n);
        mc__buf_puts(&tmp, "; ");
        mc__buf_append(&tmp, ps->txt.p ? ps->txt.p : "", ps->txt.n);
        int rc = tmp.err ? tmp.err : mc__ix_pool_add(bd, tmp.p, tmp.n, slot);
        mc__buf_free(&tmp);
        return rc;
    }
    return mc__ix_pool_add(bd, ps->txt.p ? ps->txt.p : "", ps->txt.n, slot);
}

static int set_cell(pstate *ps, uint32_t node, int col)
{
    ix_build *bd = ps->bd;
    if (col < 2 || col > (int)bd->n_cols + 1 || node == 0)
        return MC_OK; /* column 1 is the term itself */
    uint32_t *row = &bd->nodes[node].w[IXF_ROW];
    if (*row == MC_NONE) {
        if (bd->n_rows == bd->cap_rows) {
            uint32_t cap = bd->cap_rows ? bd->cap_rows * 2 : 512;
            uint32_t *p = realloc(bd->rows, (size_t)cap * bd->n_cols * sizeof *p);
            if (!p)
                return MC_ENOMEM;
            bd->rows = p;
            bd->cap_rows = cap;
        }
        memset(bd->rows + (size_t)bd->n_rows * bd->n_cols, 0, bd->n_cols * sizeof *bd->rows);
        *row = bd->n_rows++;
    }
    /* "-" and "--" mean the column has no code */
    const char *p = ps->txt.p ? ps->txt.p : "";
    size_t n = ps->txt.n;
    mc__trim(&p, &n);
    while (n && *p == '-' && (n == 1 || p[1] == '-' || p[1] == ' ')) {
        p++;
        n--;
        mc__trim(&p, &n);
    }
    return mc__ix_pool_add(bd, p, n, &bd->rows[(size_t)*row * bd->n_cols + (size_t)(col - 2)]);
}

static int commit(pstate *ps, const frame *f, const frame *parent)
{
    ix_build *bd = ps->bd;
    uint32_t node = f->node;
    switch (f->t) {
    case E_VERSION:
        return MC_OK;
    case E_TITLE:
    case E_DIFF:
        if (parent && parent->t == E_ROOT)
            return bd->title ? MC_OK : mc__ix_pool_add(bd, ps->txt.p, ps->txt.n, &bd->title);
        if (!parent || (parent->t != E_MAIN && parent->t != E_TERM) || node == 0)
            return MC_OK; /* letter titles */
        if (bd->nodes[node].w[IXF_TITLE])
            return MC_OK;
        {
            int rc = mc__ix_pool_add(bd, ps->txt.p ? ps->txt.p : "", ps->txt.n,
                                     &bd->nodes[node].w[IXF_TITLE]);
            if (!rc && ps->nemod.n)
                rc = mc__ix_pool_add(bd, ps->nemod.p, ps->nemod.n, &bd->nodes[node].w[IXF_NEMOD]);
            return rc;
        }
    case E_SEE: return node ? set_field(ps, node, IXF_SEE, true) : MC_OK;
    case E_SEEALSO: return node ? set_field(ps, node, IXF_SEEALSO, true) : MC_OK;
    case E_CODE: return node ? set_field(ps, node, IXF_CODE, false) : MC_OK;
    case E_SEECAT: return node ? set_field(ps, node, IXF_SEECAT, false) : MC_OK;
    case E_SUBCAT: return node ? set_field(ps, node, IXF_SUBCAT, false) : MC_OK;
    case E_MANIF: return node ? set_field(ps, node, IXF_MANIF, true) : MC_OK;
    case E_WARNING: return node ? set_field(ps, node, IXF_WARNING, true) : MC_OK;
    case E_CELL: return set_cell(ps, node, f->col);
    case E_HEAD:
        if (f->col >= 2 && f->col <= (int)bd->n_cols + 1 && !bd->heads[f->col - 2])
            return mc__ix_pool_add(bd, ps->txt.p ? ps->txt.p : "", ps->txt.n,
                                   &bd->heads[f->col - 2]);
        return MC_OK;
    default:
        return MC_OK;
    }
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    (void)name;
    pstate *ps = ud;
    if (ps->rc || ps->depth <= 0)
        return;
    ps->depth--;
    frame *f = &ps->st[ps->depth];
    if (ps->skip_at >= 0) {
        if (ps->skip_at == ps->depth)
            ps->skip_at = -1;
        return;
    }
    if (f->t == E_MAIN || f->t == E_TERM) {
        ps->bd->nodes[f->node].w[IXF_END] = ps->bd->n_nodes;
        return;
    }
    if (ps->cap_at == ps->depth) {
        ps->cap_at = -1;
        int rc = commit(ps, f, ps->depth > 0 ? &ps->st[ps->depth - 1] : NULL);
        if (rc)
            fail(ps, rc, "cannot store text");
    }
}

int mc__ix_parse(ix_build *bd, const char *xml, size_t n, const char *name)
{
    pstate ps;
    memset(&ps, 0, sizeof ps);
    ps.bd = bd;
    ps.name = name ? name : "index XML";
    ps.cap_at = -1;
    ps.skip_at = -1;
    mc__buf_init(&ps.txt, 1u << 20);
    mc__buf_init(&ps.nemod, 1u << 20);
    ps.xp = XML_ParserCreate("UTF-8");
    if (!ps.xp)
        return mc_diag_set(bd->diag, MC_ENOMEM, "cannot create the XML parser");
    XML_SetUserData(ps.xp, &ps);
    XML_SetElementHandler(ps.xp, on_start, on_end);
    XML_SetCharacterDataHandler(ps.xp, on_text);
    /* feed in chunks: expat keeps only the current element's state */
    const size_t chunk = 1u << 16;
    size_t off = 0;
    do {
        size_t k = n - off < chunk ? n - off : chunk;
        bool last = off + k >= n;
        if (XML_Parse(ps.xp, xml + off, (int)k, last) == XML_STATUS_ERROR && !ps.rc)
            ps.rc = mc_diag_set(bd->diag, MC_EFORMAT, "%s:%lu: %s", ps.name,
                                (unsigned long)XML_GetCurrentLineNumber(ps.xp),
                                XML_ErrorString(XML_GetErrorCode(ps.xp)));
        off += k;
    } while (!ps.rc && off < n);
    XML_ParserFree(ps.xp);
    mc__buf_free(&ps.txt);
    mc__buf_free(&ps.nemod);
    if (!ps.rc && bd->n_nodes <= 1)
        ps.rc = mc_diag_set(bd->diag, MC_EFORMAT, "%s: no index terms found", ps.name);
    return ps.rc;
}
