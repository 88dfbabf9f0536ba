/*
 * Fuzz target: the ICD-10-CM tabular XML loader (expat callbacks and the
 * model they fill) on arbitrary bytes, after a tiny fixed order file.
 */
#include "codeset/cm_int.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cm_build cb;
    mc_diag d;
    cm_build_init(&cb, &d);
    static const char *codes[] = { "E11", "E112", "E1122", "T39", "T391X1", "T391X1A" };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        char k[8] = { 0 };
        memcpy(k, codes[i], strlen(codes[i]));
        cm_build_add_code(&cb, k, strlen(codes[i]) > 5, "t", 1, "title", 5);
    }
    cm_build_index_codes(&cb);
    mc__cm_parse_tabular(&cb, (const char *)data, size, "fuzz.xml");
    mc_code_range r[16];
    mc__cm_parse_refs((const char *)data, size, r, 16);
    cm_build_free(&cb);
    return 0;
}
