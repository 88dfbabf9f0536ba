/*
 * Fuzz target: the ICD-10-PCS tables and definitions XML loader on
 * arbitrary bytes (the first byte picks the loader). Whatever the tables
 * loader accepts is compiled into bundle sections and queried.
 */
#include "fuzz_pcs_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool defs = data[0] & 1;
    mc__pcs_model m;
    mc__pcs_model_init(&m);
    mc_diag d = { 0 };
    const char *xml = (const char *)data + 1;
    int rc = defs ? mc__pcs_parse_definitions(&m, xml, size - 1, &d)
                  : mc__pcs_parse_tables(&m, xml, size - 1, &d);
    if (rc == MC_OK && !defs) {
        mc__buf img;
        if (fuzz_pcs_compile(&m, &img) == MC_OK) {
            mc_bundle *b;
            if (mc_bundle_open_mem(img.p, img.n, &b, NULL) == MC_OK) {
                mc_pcs *p;
                if (mc_pcs_open(b, &p, NULL) == MC_OK) {
                    fuzz_pcs_queries(p);
                    mc_pcs_close(p);
                }
                mc_bundle_close(b);
            }
        }
        mc__buf_free(&img);
    }
    mc__pcs_model_free(&m);
    return 0;
}
