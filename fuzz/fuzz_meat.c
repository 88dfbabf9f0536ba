/*
 * Fuzz target for the HCC annotation and MEAT check of the coder
 * (`medcode code --hcc`): any bytes as a note, coded with the V28 or V24
 * annotation (first byte), in either setting. Needs a bundle
 * (MEDCODE_BUNDLES, default build/bundles); without one it does nothing.
 * Invariants checked: no crash; every MEAT evidence span lies inside the
 * note and belongs to a criterion that is met; a query only on an
 * unsupported code that moves the score; the JSON writer succeeds.
 */
#include "base/base_int.h"
#include "medcode/coder.h"
#include "medcode/risk.h"

#include <stdlib.h>
#include <string.h>

static mc_bundle *bundle;
static mc_coder *coder;
static mc_risk *risk;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    int year;
    char path[1024];
    if (mc_bundle_latest_year(mc_bundle_dir(), &year) != MC_OK ||
        mc_bundle_path(mc_bundle_dir(), year, path, sizeof path) != MC_OK ||
        mc_bundle_open(path, &bundle, NULL) != MC_OK)
        return 0;
    if (mc_coder_open(bundle, &coder, NULL) != MC_OK || mc_risk_open(bundle, &risk, NULL) != MC_OK)
        coder = NULL;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!coder || !size)
        return 0;
    const char *text = (const char *)data + 1;
    size_t n = size - 1;
    mc_coder_opts o = { 0 };
    o.hcc = (data[0] & 1) ? MC_CODER_HCC_V24 : MC_CODER_HCC_V28;
    o.setting = (data[0] & 2) ? MC_SETTING_INPATIENT : MC_SETTING_OUTPATIENT;
    o.risk = risk;
    mc_coder_result *r = NULL;
    if (mc_coder_run(coder, text, n, &o, &r, NULL) != MC_OK)
        return 0;
    for (uint32_t i = 0; i < r->n_diagnoses; i++) {
        const mc_coded_hcc *h = r->diagnoses[i].hcc;
        if (!h)
            continue;
        if (h->n_hcc < 1 || h->n_hcc > 2 || (h->query && (h->meat || !h->moves_score)))
            abort();
        for (uint32_t j = 0; j < h->n_evidence; j++) {
            const mc_meat_evidence *e = &h->evidence[j];
            if (e->span.end > n || e->span.start >= e->span.end || !(h->meat & e->criterion))
                abort();
        }
    }
    char *js;
    size_t jn;
    if (mc_coder_result_json(r, text, n, &js, &jn) != MC_OK)
        abort();
    free(js);
    mc_coder_result_free(r);
    return 0;
}
