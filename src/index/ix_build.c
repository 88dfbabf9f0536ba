/*
 * Build part "index": compiles the four official index files (Index to
 * Diseases and Injuries, External Cause Index, Neoplasm Table, Table of
 * Drugs and Chemicals) into the IDXDIS, IDXEXT, IDXNEO and IDXDRUG sections
 * laid out in ix_int.h. Each file may come from another fiscal year than the
 * bundle (mc__build_source falls back and warns); the section records the
 * year used, and the reader reports codes the bundle's code set lacks.
 */
#include "build/build.h"
#include "index/ix_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const tags[MC_INDEX_KINDS] = { "IDXDIS", "IDXEXT", "IDXNEO", "IDXDRUG" };
static const char *const parts[MC_INDEX_KINDS] = { "index", "eindex", "neoplasm", "drug" };

const char *mc__ix_tag(mc_index_kind kind)
{
    return (unsigned)kind < MC_INDEX_KINDS ? tags[kind] : "";
}

int mc__ix_build_init(ix_build *bd, mc_index_kind kind, mc_diag *diag)
{
    memset(bd, 0, sizeof *bd);
    bd->kind = kind;
    bd->n_cols = MC_INDEX_COLS;
    bd->diag = diag;
    mc__buf_init(&bd->pool, 0xF0000000u);
    bd->nodes = calloc(1024, sizeof *bd->nodes);
    if (!bd->nodes)
        return MC_ENOMEM;
    bd->cap_nodes = 1024;
    bd->n_nodes = 1; /* root */
    bd->nodes[0].w[IXF_PARENT] = MC_NONE;
    bd->nodes[0].w[IXF_END] = 1;
    bd->nodes[0].w[IXF_ROW] = MC_NONE;
    mc__buf_append(&bd->pool, "\0\0", 2); /* ref 0: the empty string */
    return bd->pool.err;
}

void mc__ix_build_free(ix_build *bd)
{
    if (!bd)
        return;
    free(bd->nodes);
    free(bd->rows);
    mc__buf_free(&bd->pool);
    memset(bd, 0, sizeof *bd);
}

int mc__ix_pool_add(ix_build *bd, const char *s, size_t n, uint32_t *ref)
{
    char tmp[IX_MAX_STR];
    size_t k = 0;
    bool space = false;
    for (size_t i = 0; i < n && k < sizeof tmp; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = k > 0;
            continue;
        }
        if (space && k < sizeof tmp - 1)
            tmp[k++] = ' ';
        space = false;
        tmp[k++] = c;
    }
    if (k == 0) {
        *ref = 0;
        return MC_OK;
    }
    if (bd->pool.n > 0xEFFFFFFFu)
        return MC_ELIMIT;
    uint32_t at = (uint32_t)bd->pool.n;
    unsigned char len[2] = { (unsigned char)(k & 0xff), (unsigned char)(k >> 8) };
    mc__buf_append(&bd->pool, len, 2);
    mc__buf_append(&bd->pool, tmp, k);
    if (bd->pool.err)
        return bd->pool.err;
    *ref = at;
    return MC_OK;
}

typedef struct keyent {
    const char *key;
    uint32_t len, ref, node;
} keyent;

static int cmp_key(const void *a, const void *b)
{
    const keyent *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);
    if (c)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return x->node < y->node ? -1 : x->node > y->node;
}

static void put_keys(mc__buf *out, const keyent *k, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        mc__buf_u32(out, k[i].ref);
        mc__buf_u32(out, k[i].node);
    }
}

int mc__ix_serialize(ix_build *bd, mc__buf *out)
{
    bd->nodes[0].w[IXF_END] = bd->n_nodes;
    /* normalised title keys */
    for (uint32_t i = 1; i < bd->n_nodes; i++) {
        uint32_t t = bd->nodes[i].w[IXF_TITLE];
        char key[512];
        size_t kn = t ? mc__ix_key(bd->pool.p + t + 2, mc__rd16(bd->pool.p + t), key, sizeof key)
                      : 0;
        int rc = mc__ix_pool_add(bd, key, kn, &bd->nodes[i].w[IXF_KEY]);
        if (rc)
            return rc;
    }
    uint32_t n_main = 0, n_all = bd->n_nodes - 1;
    keyent *all = calloc(n_all + 1, sizeof *all);
    keyent *mainv = calloc(2 * (size_t)n_all + 1, sizeof *mainv);
    if (!all || !mainv) {
        free(all);
        free(mainv);
        return MC_ENOMEM;
    }
    for (uint32_t i = 1; i < bd->n_nodes; i++) {
        uint32_t r = bd->nodes[i].w[IXF_KEY];
        keyent e = { bd->pool.p + r + 2, r ? mc__rd16(bd->pool.p + r) : 0, r, i };
        if (!r)
            e.key = "";
        all[i - 1] = e;
        if (bd->nodes[i].w[IXF_PARENT] != 0)
            continue;
        mainv[n_main++] = e;
    }
    /* aliases: "Fracture, traumatic" is also found under the key of "Fracture", and
       "Hyperlipemia, hyperlipidemia" under "hyperlipidemia" (each comma part; at most 4) */
    uint32_t n_plain = n_main;
    keyent *grown = realloc(mainv, ((size_t)n_plain * 5 + 1) * sizeof *mainv);
    if (!grown) {
        free(all);
        free(mainv);
        return MC_ENOMEM;
    }
    mainv = grown;
    for (uint32_t j = 0; j < n_plain; j++) {
        uint32_t id = mainv[j].node, t = bd->nodes[id].w[IXF_TITLE];
        size_t sn = t ? mc__rd16(bd->pool.p + t) : 0;
        char title[IX_MAX_STR];
        if (!t || sn >= sizeof title || !memchr(bd->pool.p + t + 2, ',', sn))
            continue;
        memcpy(title, bd->pool.p + t + 2, sn); /* the pool moves as keys are added */
        size_t at = 0;
        for (int part = 0; part < 4 && at < sn; part++) {
            const char *comma = memchr(title + at, ',', sn - at);
            size_t end = comma ? (size_t)(comma - title) : sn;
            char key[512];
            size_t kn = mc__ix_key(title + at, end - at, key, sizeof key);
            at = end + 1;
            if (!kn)
                continue;
            uint32_t ref;
            int rc = mc__ix_pool_add(bd, key, kn, &ref);
            if (rc) {
                free(all);
                free(mainv);
                return rc;
            }
            keyent e = { NULL, (uint32_t)kn, ref, id };
            mainv[n_main++] = e;
        }
    }
    /* the pool may have moved: point the sort entries at it again */
    for (uint32_t j = 0; j < n_main; j++)
        mainv[j].key = mainv[j].ref ? bd->pool.p + mainv[j].ref + 2 : "";
    for (uint32_t j = 0; j < n_all; j++)
        all[j].key = all[j].ref ? bd->pool.p + all[j].ref + 2 : "";
    qsort(all, n_all, sizeof *all, cmp_key);
    qsort(mainv, n_main, sizeof *mainv, cmp_key);

    uint32_t heads_row = MC_NONE;
    if (bd->n_cols) {
        /* the column headings are stored as one more row */
        bool any = false;
        for (uint32_t c = 0; c < bd->n_cols; c++)
            any |= bd->heads[c] != 0;
        if (any) {
            uint32_t *p = realloc(bd->rows, (size_t)(bd->n_rows + 1) * bd->n_cols * sizeof *p);
            if (!p) {
                free(all);
                free(mainv);
                return MC_ENOMEM;
            }
            bd->rows = p;
            memcpy(bd->rows + (size_t)bd->n_rows * bd->n_cols, bd->heads,
                   bd->n_cols * sizeof *bd->rows);
            heads_row = bd->n_rows++;
        }
    }
    size_t off_nodes = IX_HDR;
    size_t off_rows = off_nodes + (size_t)bd->n_nodes * IX_NODE;
    size_t off_main = off_rows + (size_t)bd->n_rows * bd->n_cols * 4;
    size_t off_all = off_main + (size_t)n_main * 8;
    size_t off_pool = off_all + (size_t)n_all * 8;
    size_t total = off_pool + bd->pool.n;
    if (total > 0xFFFFFFF0u) {
        free(all);
        free(mainv);
        return MC_ELIMIT;
    }
    uint32_t hdr[16] = { IX_MAGIC,          IX_VERSION,       (uint32_t)bd->kind,
                         bd->n_nodes,       bd->n_cols,       (uint32_t)off_nodes,
                         (uint32_t)off_rows, bd->n_rows,      (uint32_t)off_main,
                         n_main,            (uint32_t)off_all, n_all,
                         (uint32_t)off_pool, (uint32_t)bd->pool.n, heads_row,
                         bd->title };
    for (int i = 0; i < 16; i++)
        mc__buf_u32(out, hdr[i]);
    for (uint32_t i = 0; i < bd->n_nodes; i++)
        for (int w = 0; w < IX_NODE_WORDS; w++)
            mc__buf_u32(out, bd->nodes[i].w[w]);
    for (size_t i = 0; i < (size_t)bd->n_rows * bd->n_cols; i++)
        mc__buf_u32(out, bd->rows[i]);
    put_keys(out, mainv, n_main);
    put_keys(out, all, n_all);
    mc__buf_append(out, bd->pool.p, bd->pool.n);
    free(all);
    free(mainv);
    return out->err;
}

static int build_one(mc__build_ctx *ctx, mc_index_kind kind)
{
    char *path = NULL;
    int year = 0;
    int rc = mc__build_source(ctx, "icd10cm", parts[kind], &path, &year);
    if (rc == MC_ENOTFOUND) {
        mc__build_warn(ctx, "FY%d bundle: no %s file for icd10cm; section %s left out", ctx->year,
                       parts[kind], tags[kind]);
        return MC_OK;
    }
    if (rc)
        return rc;
    char *xml = NULL;
    size_t n = 0;
    ix_build bd;
    mc__buf out;
    mc__buf_init(&out, 0);
    rc = mc__ix_build_init(&bd, kind, ctx->diag);
    if (!rc)
        rc = mc__read_file(path, 256u << 20, &xml, &n, ctx->diag);
    if (!rc)
        rc = mc__ix_parse(&bd, xml, n, path);
    if (!rc)
        rc = mc__ix_serialize(&bd, &out);
    if (!rc)
        rc = mc__bw_add(ctx->w, tags[kind], out.p, out.n, (uint32_t)year);
    if (!rc) {
        char note[96];
        snprintf(note, sizeof note, "%u index entries", bd.n_nodes - 1);
        mc__build_provenance(ctx, tags[kind], year, path, note);
    } else if (!ctx->diag || !ctx->diag->msg[0]) {
        mc_diag_set(ctx->diag, rc, "%s: cannot build %s", path, tags[kind]);
    }
    free(xml);
    free(path);
    mc__buf_free(&out);
    mc__ix_build_free(&bd);
    return rc;
}

MC_BUILD_PART(index, 1)
{
    for (int k = 0; k < MC_INDEX_KINDS; k++) {
        int rc = build_one(ctx, (mc_index_kind)k);
        if (rc)
            return rc;
    }
    return MC_OK;
}
