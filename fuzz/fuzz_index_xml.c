/*
 * Fuzz target: the index XML parser (expat callbacks and the build model),
 * then the serialiser, the section reader and a few walks over whatever
 * tree came out, so malformed-but-accepted documents are exercised end to
 * end. The first byte picks the kind (disease, external, neoplasm, drug).
 */
#include "index/ix_int.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    mc_index_kind kind = (mc_index_kind)(data[0] % MC_INDEX_KINDS);
    ix_build bd;
    mc_diag d;
    if (mc__ix_build_init(&bd, kind, &d) == MC_OK &&
        mc__ix_parse(&bd, (const char *)data + 1, size - 1, "fuzz.xml") == MC_OK) {
        mc__buf sec;
        mc__buf_init(&sec, 0);
        if (mc__ix_serialize(&bd, &sec) == MC_OK) {
            mc_index ix;
            memset(&ix, 0, sizeof ix);
            if (mc__ix_tree_open(&ix.t[kind], sec.p, sec.n, &d) == MC_OK) {
                static const char *const paths[] = { "a", "a, b", "with, b (c)", "x, y, z, w" };
                mc_walk w;
                for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
                    mc_index_walk(&ix, kind, paths[i], strlen(paths[i]), &w);
                mc_index_iter it;
                mc_index_iter_init(&ix, kind, &it);
                while (mc_index_iter_next(&it))
                    ;
                mc_index_hit h[4];
                mc_index_search(&ix, 0, "a b", 3, h, 4);
                uint32_t ids[4];
                mc_index_suggest(&ix, kind, "ab", 2, ids, 4);
            }
        }
        mc__buf_free(&sec);
    }
    mc__ix_build_free(&bd);
    return 0;
}
