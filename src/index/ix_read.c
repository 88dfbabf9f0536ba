/*
 * Index section reader: validates the IDX* sections (layout in ix_int.h)
 * and hands out nodes, children, path texts and the pre-order iterator.
 * Every structural invariant is checked once at open, so the walkers can
 * follow parent/end links without re-checking; pool strings are checked on
 * each access.
 */
#include "index/ix_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_names[MC_INDEX_KINDS] = { "disease", "external", "neoplasm",
                                                        "drug" };

const char *mc_index_kind_name(mc_index_kind kind)
{
    return (unsigned)kind < MC_INDEX_KINDS ? kind_names[kind] : "unknown";
}

static bool span_ok(size_t size, uint32_t off, uint64_t count, uint64_t rec)
{
    return off <= size && count * rec <= size - off;
}

int mc__ix_tree_open(ix_tree *t, const void *data, size_t n, mc_diag *diag)
{
    memset(t, 0, sizeof *t);
    const unsigned char *b = data;
    if (n < IX_HDR || n > 0xFFFFFFF0u)
        return mc_diag_set(diag, MC_ECORRUPT, "index section too small");
    uint32_t h[16];
    for (int i = 0; i < 16; i++)
        h[i] = mc__rd32(b + 4 * i);
    if (h[0] != IX_MAGIC)
        return mc_diag_set(diag, MC_ECORRUPT, "index section: bad magic");
    if (h[1] != IX_VERSION)
        return mc_diag_set(diag, MC_EVERSION, "index section version %u, expected %u", h[1],
                           IX_VERSION);
    t->n_nodes = h[3];
    t->n_cols = h[4];
    t->n_rows = h[7];
    t->n_main = h[9];
    t->n_all = h[11];
    t->n_pool = h[13];
    t->heads_row = h[14];
    t->title = h[15];
    if (t->n_nodes < 1 || t->n_nodes > IX_MAX_NODES || t->n_cols > MC_INDEX_COLS ||
        !span_ok(n, h[5], t->n_nodes, IX_NODE) || !span_ok(n, h[6], (uint64_t)t->n_rows, 4ull * t->n_cols) ||
        !span_ok(n, h[8], t->n_main, 8) || !span_ok(n, h[10], t->n_all, 8) ||
        !span_ok(n, h[12], t->n_pool, 1) || t->n_pool < 2 ||
        (t->heads_row != MC_NONE && t->heads_row >= t->n_rows))
        return mc_diag_set(diag, MC_ECORRUPT, "index section: table out of bounds");
    t->base = b;
    t->size = n;
    t->nodes = b + h[5];
    t->rows = b + h[6];
    t->main_keys = b + h[8];
    t->all_keys = b + h[10];
    t->pool = b + h[12];
    /* tree structure: pre-order, parent before child, subtree ranges nested */
    if (ix_w(t, 0, IXF_PARENT) != MC_NONE || ix_w(t, 0, IXF_END) != t->n_nodes ||
        ix_depth(t, 0) != 0)
        return mc_diag_set(diag, MC_ECORRUPT, "index section: bad root");
    for (uint32_t i = 1; i < t->n_nodes; i++) {
        uint32_t p = ix_w(t, i, IXF_PARENT), e = ix_w(t, i, IXF_END);
        if (p >= i || e <= i || e > ix_w(t, p, IXF_END) || ix_depth(t, i) != ix_depth(t, p) + 1 ||
            ix_depth(t, i) > IX_MAX_DEPTH)
            return mc_diag_set(diag, MC_ECORRUPT, "index section: bad node %u", i);
        uint32_t r = ix_w(t, i, IXF_ROW);
        if (r != MC_NONE && r >= t->n_rows)
            return mc_diag_set(diag, MC_ECORRUPT, "index section: bad row of node %u", i);
    }
    /* child counts are used to size arrays: check them against the structure */
    for (uint32_t i = 0; i < t->n_nodes; i++) {
        uint32_t k = 0, e = ix_w(t, i, IXF_END);
        for (uint32_t c = i + 1; c < e; c = ix_w(t, c, IXF_END))
            k++;
        if (k != ix_nkids(t, i))
            return mc_diag_set(diag, MC_ECORRUPT, "index section: bad child count of node %u", i);
    }
    for (uint32_t i = 0; i < t->n_main; i++)
        if (mc__rd32(t->main_keys + 8 * (size_t)i + 4) >= t->n_nodes)
            return mc_diag_set(diag, MC_ECORRUPT, "index section: bad main-term entry");
    for (uint32_t i = 0; i < t->n_all; i++)
        if (mc__rd32(t->all_keys + 8 * (size_t)i + 4) >= t->n_nodes)
            return mc_diag_set(diag, MC_ECORRUPT, "index section: bad term entry");
    t->present = true;
    return MC_OK;
}

int mc_index_open(const mc_bundle *b, mc_index **out, mc_diag *diag)
{
    *out = NULL;
    mc_index *ix = calloc(1, sizeof *ix);
    if (!ix)
        return mc_diag_set(diag, MC_ENOMEM, "out of memory");
    ix->bundle = b;
    bool any = false;
    for (int k = 0; k < MC_INDEX_KINDS; k++) {
        const void *data;
        size_t n;
        if (mc_bundle_section(b, mc__ix_tag((mc_index_kind)k), &data, &n) != MC_OK)
            continue;
        int rc = mc__ix_tree_open(&ix->t[k], data, n, diag);
        if (rc) {
            free(ix);
            return rc;
        }
        for (uint32_t i = 0; i < mc_bundle_section_count(b); i++) {
            mc_bundle_section_info info;
            if (mc_bundle_section_at(b, i, &info) == MC_OK &&
                !strcmp(info.tag, mc__ix_tag((mc_index_kind)k)))
                ix->t[k].source_year = info.source_year;
        }
        any = true;
    }
    if (!any) {
        free(ix);
        return mc_diag_set(diag, MC_ENOTFOUND,
                           "the bundle has no Alphabetic Index sections: rebuild it with "
                           "'medcode build'");
    }
    /* optional: abbreviations expand unknown parts of a walk */
    if (mc_abbrev_open(b, &ix->abbrev, NULL) != MC_OK)
        ix->abbrev = NULL;
    *out = ix;
    return MC_OK;
}

void mc_index_close(mc_index *ix)
{
    if (!ix)
        return;
    mc_abbrev_close(ix->abbrev);
    free(ix);
}

const ix_tree *mc__ix_tree(const mc_index *ix, mc_index_kind kind)
{
    if (!ix || (unsigned)kind >= MC_INDEX_KINDS || !ix->t[kind].present)
        return NULL;
    return &ix->t[kind];
}

bool mc_index_has(const mc_index *ix, mc_index_kind kind, uint32_t *source_year)
{
    const ix_tree *t = mc__ix_tree(ix, kind);
    if (source_year)
        *source_year = t ? t->source_year : 0;
    return t != NULL;
}

uint32_t mc_index_count(const mc_index *ix, mc_index_kind kind)
{
    const ix_tree *t = mc__ix_tree(ix, kind);
    return t ? t->n_nodes : 0;
}

mc_str mc__ix_cell(const ix_tree *t, uint32_t id, uint32_t col)
{
    mc_str empty = { "", 0 };
    uint32_t r = id < t->n_nodes ? ix_w(t, id, IXF_ROW) : t->heads_row;
    if (r == MC_NONE || r >= t->n_rows || col >= t->n_cols)
        return empty;
    return ix_str(t, mc__rd32(t->rows + ((size_t)r * t->n_cols + col) * 4));
}

mc_str mc_index_column(const mc_index *ix, mc_index_kind kind, uint32_t col)
{
    const ix_tree *t = mc__ix_tree(ix, kind);
    mc_str empty = { "", 0 };
    if (!t)
        return empty;
    return mc__ix_cell(t, MC_NONE, col);
}

int mc_index_node_get(const mc_index *ix, mc_index_kind kind, uint32_t id, mc_index_node *out)
{
    const ix_tree *t = mc__ix_tree(ix, kind);
    memset(out, 0, sizeof *out);
    if (!t)
        return MC_ENOTFOUND;
    if (id >= t->n_nodes)
        return MC_ERANGE;
    out->id = id;
    out->parent = ix_w(t, id, IXF_PARENT);
    out->depth = ix_depth(t, id);
    out->n_children = ix_nkids(t, id);
    out->title = id ? ix_field(t, id, IXF_TITLE) : ix_str(t, t->title);
    out->nemod = ix_field(t, id, IXF_NEMOD);
    out->code = ix_field(t, id, IXF_CODE);
    out->manif = ix_field(t, id, IXF_MANIF);
    out->see = ix_field(t, id, IXF_SEE);
    out->see_also = ix_field(t, id, IXF_SEEALSO);
    out->seecat = ix_field(t, id, IXF_SEECAT);
    out->subcat = ix_field(t, id, IXF_SUBCAT);
    out->warning = ix_field(t, id, IXF_WARNING);
    out->has_cells = ix_w(t, id, IXF_ROW) != MC_NONE;
    for (uint32_t c = 0; c < MC_INDEX_COLS; c++)
        out->cells[c] = mc__ix_cell(t, id, c);
    return MC_OK;
}

uint32_t mc_index_children(const mc_index *ix, mc_index_kind kind, uint32_t id, uint32_t *ids,
                           uint32_t cap)
{
    const ix_tree *t = mc__ix_tree(ix, kind);
    if (!t || id >= t->n_nodes)
        return 0;
    uint32_t k = 0, e = ix_w(t, id, IXF_END);
    for (uint32_t c = id + 1; c < e; c = ix_w(t, c, IXF_END)) {
        if (k < cap)
            ids[k] = c;
        k++;
    }
    return k;
}

static size_t put(char *out, size_t cap, size_t at, const char *s, size_t n)
{
    if (at < cap) {
        size_t k = cap - 1 - at < n ? cap - 1 - at : n;
        memcpy(out + at, s, k);
        out[at + k] = 0;
    }
    return at + n;
}

size_t mc_index_path_text(const mc_index *ix, mc_index_kind kind, uint32_t id, bool with_nemod,
                          char *out, size_t cap)
{
    const ix_tree *t = mc__ix_tree(ix, kind);
    if (cap)
        out[0] = 0;
    if (!t || id >= t->n_nodes || id == 0)
        return 0;
    uint32_t chain[IX_MAX_DEPTH + 1];
    uint32_t n = 0;
    for (uint32_t c = id; c != 0 && n <= IX_MAX_DEPTH; c = ix_w(t, c, IXF_PARENT))
        chain[n++] = c;
    size_t at = 0;
    while (n--) {
        mc_str s = ix_field(t, chain[n], IXF_TITLE);
        if (at)
            at = put(out, cap, at, ", ", 2);
        at = put(out, cap, at, s.p, s.n);
        mc_str nm = ix_field(t, chain[n], IXF_NEMOD);
        if (with_nemod && nm.n) {
            at = put(out, cap, at, " ", 1);
            at = put(out, cap, at, nm.p, nm.n);
        }
    }
    return at;
}

void mc_index_iter_init(const mc_index *ix, mc_index_kind kind, mc_index_iter *it)
{
    memset(it, 0, sizeof *it);
    it->ix = ix;
    it->kind = kind;
    it->next = 1;
}

bool mc_index_iter_next(mc_index_iter *it)
{
    const ix_tree *t = mc__ix_tree(it->ix, it->kind);
    if (!t || it->next >= t->n_nodes)
        return false;
    uint32_t id = it->next++;
    mc_index_node_get(it->ix, it->kind, id, &it->node);
    uint32_t d = it->node.depth; /* >= 1 */
    if (d > 31)
        d = 31;
    /* pre-order: the parent's path is still in the buffer up to stack_len[d - 1] */
    size_t at = d >= 2 ? it->stack_len[d - 1] : 0;
    if (at >= sizeof it->path)
        at = sizeof it->path - 1;
    if (at)
        at = put(it->path, sizeof it->path, at, ", ", 2);
    at = put(it->path, sizeof it->path, at, it->node.title.p, it->node.title.n);
    if (at >= sizeof it->path)
        at = sizeof it->path - 1;
    it->path[at] = 0;
    it->path_len = (uint32_t)at;
    it->stack_len[d] = (uint32_t)at;
    return true;
}
