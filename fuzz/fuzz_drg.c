/*
 * libFuzzer target: the MS-DRG grouper on arbitrary encounters. The input is
 * an encounter JSON document; it is grouped under every grouper version, with
 * the MCE, the what-if regroupings and the JSON result. Needs a bundle with
 * the DRG tables ($MEDCODE_BUNDLES or build/bundles, newest year); without one
 * only the encounter-to-claim step runs.
 */
#include "medcode/drg.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mc_bundle *bundle;
static mc_drg *grouper;
static mc_drg_result result;
static int ready = -1;

static void init(void)
{
    ready = 0;
    int year;
    char path[1024];
    if (mc_bundle_latest_year(mc_bundle_dir(), &year) ||
        mc_bundle_path(mc_bundle_dir(), year, path, sizeof path) ||
        mc_bundle_open(path, &bundle, NULL))
        return;
    if (mc_drg_open(bundle, &grouper, NULL) || mc_drg_result_init(grouper, &result))
        return;
    ready = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (ready < 0)
        init();
    mc_drg_claim_buf *cb = malloc(sizeof *cb);
    if (!cb)
        return 0;
    if (mc_drg_claim_parse((const char *)data, size, cb, NULL) == MC_OK && ready == 1) {
        static const int versions[] = { 0, 400, 401, 410, 411, 420, 421, 430, 431 };
        for (size_t i = 0; i < sizeof versions / sizeof *versions; i++) {
            cb->claim.version = versions[i];
            cb->claim.poa_exempt = i % 2;
            if (mc_drg_group(grouper, &cb->claim, &result, NULL) != MC_OK)
                continue;
            if (i == 0) {
                const char *add[] = { "J96.01", "N17.9", "" };
                mc_drg_whatif *w = malloc(sizeof *w);
                char *js = NULL;
                size_t n;
                if (w && mc_drg_whatif_run(grouper, &cb->claim, &result, add, 3, w, NULL) == MC_OK &&
                    mc_drg_result_json(grouper, &cb->claim, &result, w, &js, &n) == MC_OK)
                    free(js);
                free(w);
            }
        }
    }
    free(cb);
    return 0;
}
