/*
 * Fuzz target for the coding pipeline: any bytes as a note. Without a
 * bundle (MEDCODE_BUNDLES, default build/bundles) only the text analysis
 * runs; with one, the whole coder in both settings, plus the JSON writer.
 * Invariants checked: no crash, every evidence span inside the note.
 */
#include "base/base_int.h"
#include "medcode/coder.h"
#include "nlp/nlp.h"

#include <stdlib.h>
#include <string.h>

static mc_bundle *bundle;
static mc_coder *coder;

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
    const char *text = (const char *)data;
    mc__arena a;
    mc__arena_init(&a, 0, (size_t)64 << 20);
    mc_nlp_doc *doc;
    if (mc__nlp_check_text(text, size, NULL) == MC_OK &&
        mc__nlp_analyze(text, size, &a, &doc) == MC_OK) {
        for (uint32_t i = 0; i < doc->n_tokens; i++)
            if (doc->tokens[i].end > size)
                abort();
        for (uint32_t s = 0; s < doc->n_sentences; s++) {
            const mc_nlp_sentence *se = &doc->sentences[s];
            uint32_t trig;
            if (se->tok_count)
                (void)mc__nlp_assert(doc, s, se->tok_first, se->tok_first + se->tok_count - 1,
                                     &trig);
        }
    }
    mc__arena_free(&a);
    if (!coder)
        return 0;
    for (int setting = 0; setting < 2; setting++) {
        mc_coder_opts o = { 0 };
        o.setting = setting ? MC_SETTING_INPATIENT : MC_SETTING_OUTPATIENT;
        o.all_mentions = size && (data[0] & 1);
        mc_coder_result *r = NULL;
        if (mc_coder_run(coder, text, size, &o, &r, NULL) != MC_OK)
            continue;
        for (uint32_t i = 0; i < r->n_diagnoses; i++)
            for (uint32_t j = 0; j < r->diagnoses[i].n_evidence; j++)
                if (r->diagnoses[i].evidence[j].end > size ||
                    r->diagnoses[i].evidence[j].start > r->diagnoses[i].evidence[j].end)
                    abort();
        char *js;
        size_t jn;
        if (mc_coder_result_json(r, text, size, &js, &jn) == MC_OK)
            free(js);
        mc_coder_result_free(r);
    }
    return 0;
}
