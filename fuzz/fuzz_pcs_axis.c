/*
 * Fuzz target for the ICD-10-PCS axis data (section CACPAX, normally
 * data/coder/pcs_axis.tsv): any bytes as the section text are parsed against
 * the real lexicon and PCS tables of the newest bundle (MEDCODE_BUNDLES,
 * default build/bundles), then used to code a fixed operative note.
 * Invariants checked: no crash, every code valid for the year, every
 * evidence span inside the note. Without a bundle the target does nothing.
 */
#include "base/base_int.h"
#include "coder/coder_int.h"
#include "coder/pcs_axis.h"
#include "medcode/coder.h"

#include <stdlib.h>
#include <string.h>

static mc_bundle *bundle;
static mc_coder *coder;

static const char note[] =
    "Procedure: Laparoscopic right nephrectomy. Colonoscopy with biopsy of the sigmoid colon.\n"
    "Open reduction internal fixation of left distal radius with plate and screws.\n"
    "PCI with drug-eluting stents to the LAD and RCA. Mechanical ventilation for 3 days.\n"
    "CT scan of the abdomen and pelvis without contrast. Bilateral thoracentesis, percutaneous.\n";

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    int year;
    char path[1024];
    if (mc_bundle_latest_year(mc_bundle_dir(), &year) == MC_OK &&
        mc_bundle_path(mc_bundle_dir(), year, path, sizeof path) == MC_OK &&
        mc_bundle_open(path, &bundle, NULL) == MC_OK && mc_coder_open(bundle, &coder, NULL))
        coder = NULL;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!coder || !coder->pcs)
        return 0;
    mc__pax *x = mc__pax_parse(data, size, coder->lex, coder->pcs, false);
    if (!x)
        return 0;
    struct mc__pax *saved = coder->pax;
    coder->pax = x;
    for (int mode = 0; mode < 2; mode++) {
        mc_coder_opts o = { 0 };
        o.setting = MC_SETTING_INPATIENT;
        o.all_mentions = mode == 1;
        mc_coder_result *r = NULL;
        if (mc_coder_run(coder, note, sizeof note - 1, &o, &r, NULL) != MC_OK)
            continue;
        for (uint32_t i = 0; i < r->n_procedures; i++) {
            mc_pcs_check chk;
            const mc_coded *c = &r->procedures[i];
            if (mc_pcs_validate(coder->pcs, c->code, strlen(c->code), &chk) != MC_OK || !chk.valid)
                abort();
            for (uint32_t k = 0; k < c->n_evidence; k++)
                if (c->evidence[k].end > sizeof note - 1 || c->evidence[k].start > c->evidence[k].end)
                    abort();
        }
        mc_coder_result_free(r);
    }
    coder->pax = saved;
    mc__pax_free(x);
    return 0;
}
