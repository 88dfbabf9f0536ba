/*
 * Fuzz target: the `medcode hcc` patient parser and, when the input parses,
 * the scorer and the comorbidity record parser. The scorer runs on a small
 * in-memory risk model built here (RSK tables for V24 and V28 with a few
 * codes, hierarchies, edits and coefficients), so the target needs no bundle.
 */
#include "bundle/bundle_int.h"
#include "medcode/risk.h"
#include "risk/risk_int.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void table(mc__bw *w, const char *tag, uint32_t cols, const char *const *cells, int n)
{
    mc__rsk_tw t;
    mc__rsk_tw_init(&t, cols);
    for (int i = 0; i + (int)cols <= n; i += (int)cols) {
        uint32_t row[8];
        for (uint32_t c = 0; c < cols; c++) {
            const char *v = cells[i + (int)c];
            row[c] = v[0] == '$' ? mc__rsk_tw_str(&t, v + 1, strlen(v + 1))
                                 : (uint32_t)strtol(v, NULL, 10);
        }
        mc__rsk_tw_row(&t, row);
    }
    mc__buf out;
    mc__buf_init(&out, 0);
    mc__rsk_tw_finish(&t, 2026, &out);
    mc__bw_add(w, tag, out.p, out.n, 2026);
    mc__buf_free(&out);
    mc__rsk_tw_free(&t);
}

static mc_risk *risk;
static mc_bundle *bundle;
static mc__buf image;

static void setup(void)
{
    mc__bw *w;
    mc__bw_new(2026, &w);
    static const char *const v28dx[] = { "$E119", "38", "$E1122", "37", "$I509", "226", "$D66", "111" };
    static const char *const v28hi[] = { "37", "38" };
    static const char *const v28co[] = { "$CNA_F70_74", "395", "$CNA_HCC37", "166", "$CNA_HCC38", "166",
                                         "$CNA_HCC226", "360", "$CNA_DIABETES_HF_V28", "112",
                                         "$CNA_D1", "0", "$CNA_D2", "0", "$INS_M70_74", "1224",
                                         "$NE_NMCAID_NORIGDIS_NEF65", "532" };
    static const char *const v28lb[] = { "37", "$Diabetes with Chronic Complications", "1", "38",
                                         "$Diabetes", "1", "226", "$Heart Failure", "1", "111",
                                         "$Hemophilia", "1", "112", "$Coagulation", "1" };
    static const char *const v28ed[] = { "$D66", "2", "4294967295", "4294967295", "2", "112" };
    static const char *const v24dx[] = { "$E119", "19", "$I509", "85" };
    static const char *const v24co[] = { "$CNA_F70_74", "386", "$CNA_HCC19", "105", "$CNA_HCC85", "331" };
    static const char *const v24lb[] = { "19", "$Diabetes", "1", "85", "$CHF", "1" };
    table(w, "RSKV28DX", 2, v28dx, 8);
    table(w, "RSKV28HI", 2, v28hi, 2);
    table(w, "RSKV28CO", 2, v28co, 18);
    table(w, "RSKV28LB", 3, v28lb, 15);
    table(w, "RSKV28ED", 6, v28ed, 6);
    table(w, "RSKV24DX", 2, v24dx, 4);
    table(w, "RSKV24HI", 2, NULL, 0);
    table(w, "RSKV24CO", 2, v24co, 6);
    table(w, "RSKV24LB", 3, v24lb, 6);
    table(w, "RSKV24ED", 6, NULL, 0);
    static const char *const ms[] = { "$CMR_HF", "$Heart failure", "1", "7", "14" };
    static const char *const fl[] = { "$CMR_HF", "0", "1" };
    static const char *const map[] = { "$I509", "1", "0" };
    static const char *const ch[] = { "$chf", "$CHF", "$I50", "1", "2",     "$diab", "$DM", "$E119",
                                      "1",    "0",    "$diabwc", "$DMC", "$E112", "2", "1",
                                      "$mld", "$L", "$K70", "1", "2", "$msld", "$S", "$K72", "3", "4",
                                      "$canc", "$C", "$C34", "2", "2", "$metacanc", "$M", "$C78",
                                      "6", "6" };
    table(w, "RSKEXMS", 5, ms, 5);
    table(w, "RSKEXFL", 3, fl, 3);
    table(w, "RSKEXMAP", 3, map, 3);
    table(w, "RSKEXEX", 3, NULL, 0);
    table(w, "RSKCHARL", 5, ch, 35);
    static const char *const poax[] = { "$Z3A20" };
    table(w, "RSKPOAX", 1, poax, 1);
    mc__buf_init(&image, 0);
    mc__bw_image(w, &image);
    mc__bw_free(w);
    mc_diag d = { 0 };
    if (mc_bundle_open_mem(image.p, image.n, &bundle, &d) || mc_risk_open(bundle, &risk, &d)) {
        fprintf(stderr, "fuzz setup: %s\n", d.msg);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mc_hcc_patient_buf pb;
    static mc_hcc_score sc;
    static mc_cmb_record_buf rec;
    static mc_elix_result er;
    static mc_charlson_result cr;
    if (!risk)
        setup();
    char err[200];
    if (mc_hcc_patient_parse((const char *)data, size, &pb, err, sizeof err) == MC_OK) {
        for (int m = 0; m < MC_HCC_N_MODELS; m++)
            for (int s = 0; s < MC_SEG_N; s++)
                mc_hcc_score_patient(risk, (mc_hcc_model)m, (mc_hcc_segment)s, NULL, &pb.p, &sc);
    }
    if (mc_cmb_record_parse((const char *)data, size, &rec, err, sizeof err) == MC_OK) {
        mc_elix_score(risk, rec.dx, rec.n_dx, -1, &er);
        mc_charlson_score(risk, rec.dx, rec.n_dx, &cr);
    }
    return 0;
}
