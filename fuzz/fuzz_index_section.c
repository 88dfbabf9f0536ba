/*
 * Fuzz target: the index section reader on arbitrary bytes (the bundle is
 * untrusted input). Whatever mc__ix_tree_open accepts must then be safe to
 * walk, iterate, search and print.
 */
#include "index/ix_int.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mc_index ix;
    mc_diag d;
    memset(&ix, 0, sizeof ix);
    mc_index_kind kind = size ? (mc_index_kind)(data[size - 1] % MC_INDEX_KINDS) : MC_INDEX_DISEASE;
    if (mc__ix_tree_open(&ix.t[kind], data, size, &d) != MC_OK)
        return 0;
    mc_walk w;
    mc_index_walk(&ix, kind, "a, b", 4, &w);
    mc_index_iter it;
    mc_index_iter_init(&ix, kind, &it);
    char path[256];
    while (mc_index_iter_next(&it))
        mc_index_path_text(&ix, kind, it.node.id, true, path, sizeof path);
    mc_index_hit h[4];
    mc_index_search(&ix, 0, "a b", 3, h, 4);
    uint32_t ids[8];
    mc_index_term_lookup(&ix, kind, "a", 1, ids, 8);
    mc_index_suggest(&ix, kind, "ab", 2, ids, 8);
    mc_index_table_result r;
    if (kind == MC_INDEX_DRUG)
        mc_index_drug(&ix, NULL, "a", 1, MC_DRUG_ACCIDENTAL, 'A', &r);
    if (kind == MC_INDEX_NEOPLASM)
        mc_index_neoplasm(&ix, NULL, "a", 1, MC_NEO_BENIGN, &r);
    return 0;
}
