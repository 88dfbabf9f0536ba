/* Fuzz target: de-identification of arbitrary bytes in all three modes. */
#include "medcode/deid.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mc_deid *d;
    if (!d && mc_deid_new(&d, NULL))
        abort();
    for (int mode = 0; mode < 3; mode++) {
        mc_deid_opts o = { (mc_deid_mode)mode, true, 42, 1 << 20 };
        mc_deid_result *r = NULL;
        int rc = mc_deid_run(d, (const char *)data, size, &o, &r, NULL);
        if (rc == 0) {
            size_t n, ns = mc_deid_result_count(r);
            const char *t = mc_deid_result_text(r, &n);
            const mc_deid_span *sp = mc_deid_result_spans(r);
            if (!t || t[n] != 0)
                abort();
            uint32_t prev = 0;
            for (size_t i = 0; i < ns; i++) {
                /* sorted, disjoint, inside the input and the output */
                if (sp[i].start < prev || sp[i].end <= sp[i].start || sp[i].end > size ||
                    sp[i].out_end > n || sp[i].out_start > sp[i].out_end)
                    abort();
                prev = sp[i].end;
            }
            if (mode == MC_DEID_TAG && (n != size || memcmp(t, data, size) != 0))
                abort();
        } else if (r) {
            abort();
        }
        mc_deid_result_free(r);
    }
    return 0;
}
