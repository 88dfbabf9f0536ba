/*
 * JSON of the HCC annotation (docs/coder.md, docs/risk.md): the "hcc" object
 * of a diagnosis and the note-level "hcc_summary". Evidence "text" is always
 * the slice note[start, end); spans outside the note are skipped.
 */
#include "coder/meat.h"

#include <stdlib.h>
#include <string.h>

static const char MEAT_LETTER[4] = { 'M', 'E', 'A', 'T' };

/* "hcc": the HCCs of one diagnosis and its MEAT support (docs/coder.md). */
void mc__cac_json_hcc(mc__buf *b, const mc_coded_hcc *h, const char *text, size_t tn)
{
    mc__buf_puts(b, ",\"hcc\":{\"hccs\":[");
    for (uint32_t k = 0; k < h->n_hcc; k++) {
        const mc_coded_hcc_ref *x = &h->hcc[k];
        mc__buf_printf(b, "%s{\"hcc\":%u,\"label\":", k ? "," : "", x->hcc);
        mc__buf_json_str(b, x->label.p ? x->label.p : "", x->label.n);
        if (x->has_coefficient) {
            int32_t v = x->coefficient_milli;
            mc__buf_printf(b, ",\"coefficient\":%s%d.%03d", v < 0 ? "-" : "", abs(v) / 1000,
                           abs(v) % 1000);
        } else {
            mc__buf_puts(b, ",\"coefficient\":null");
        }
        if (x->dropped_by)
            mc__buf_printf(b, ",\"dropped_by\":%u}", x->dropped_by);
        else
            mc__buf_puts(b, ",\"dropped_by\":null}");
    }
    mc__buf_printf(b, "],\"moves_score\":%s,\"meat\":{\"met\":[",
                   h->moves_score ? "true" : "false");
    bool first = true;
    for (int k = 0; k < 4; k++)
        if (h->meat & (1u << k)) {
            mc__buf_printf(b, "%s\"%c\"", first ? "" : ",", MEAT_LETTER[k]);
            first = false;
        }
    mc__buf_printf(b, "],\"supported\":%s,\"evidence\":[", h->meat ? "true" : "false");
    first = true;
    for (uint32_t j = 0; j < h->n_evidence; j++) {
        const mc_meat_evidence *e = &h->evidence[j];
        if (e->span.end > tn || e->span.start > e->span.end)
            continue;
        int k = e->criterion == MC_MEAT_M ? 0 : e->criterion == MC_MEAT_E ? 1
                                            : e->criterion == MC_MEAT_A ? 2
                                                                        : 3;
        mc__buf_printf(b, "%s{\"criterion\":\"%c\",\"start\":%u,\"end\":%u,\"text\":",
                       first ? "" : ",", MEAT_LETTER[k], e->span.start, e->span.end);
        mc__buf_json_str(b, text + e->span.start, e->span.end - e->span.start);
        mc__buf_puts(b, ",\"why\":");
        mc__buf_json_str(b, e->why, strlen(e->why));
        mc__buf_putc(b, '}');
        first = false;
    }
    mc__buf_printf(b, "]},\"query\":%s}", h->query ? "true" : "false");
}

/*
 * "hcc_summary": the note's HCCs after hierarchies (each with its codes and
 * whether any of them has MEAT support) and the HCCs the hierarchies dropped.
 */
void mc__cac_json_hcc_summary(mc__buf *b, const mc_coder_result *r)
{
    enum { MAXH = 256 };
    uint16_t hh[MAXH];
    uint32_t nh = 0;
    for (uint32_t i = 0; i < r->n_diagnoses; i++) {
        const mc_coded_hcc *h = r->diagnoses[i].hcc;
        for (uint32_t k = 0; h && k < h->n_hcc; k++) {
            bool seen = false;
            for (uint32_t q = 0; q < nh && !seen; q++)
                seen = hh[q] == h->hcc[k].hcc;
            if (!seen && nh < MAXH)
                hh[nh++] = h->hcc[k].hcc;
        }
    }
    for (uint32_t q = 1; q < nh; q++) /* ascending HCC numbers */
        for (uint32_t k = q; k > 0 && hh[k - 1] > hh[k]; k--) {
            uint16_t tmp = hh[k];
            hh[k] = hh[k - 1];
            hh[k - 1] = tmp;
        }
    for (int pass = 0; pass < 2; pass++) {
        mc__buf_puts(b, pass ? "],\"dropped\":[" : ",\"hcc_summary\":{\"hccs\":[");
        bool first = true;
        for (uint32_t q = 0; q < nh; q++) {
            const mc_coded_hcc_ref *ref = NULL;
            bool supported = false;
            for (uint32_t i = 0; i < r->n_diagnoses; i++) {
                const mc_coded_hcc *h = r->diagnoses[i].hcc;
                for (uint32_t k = 0; h && k < h->n_hcc; k++)
                    if (h->hcc[k].hcc == hh[q]) {
                        ref = &h->hcc[k];
                        supported |= h->meat != 0;
                    }
            }
            if (!ref || (pass == 0) != (ref->dropped_by == 0))
                continue;
            if (pass) {
                mc__buf_printf(b, "%s{\"hcc\":%u,\"by\":%u}", first ? "" : ",", ref->hcc,
                               ref->dropped_by);
                first = false;
                continue;
            }
            mc__buf_printf(b, "%s{\"hcc\":%u,\"label\":", first ? "" : ",", ref->hcc);
            mc__buf_json_str(b, ref->label.p ? ref->label.p : "", ref->label.n);
            if (ref->has_coefficient) {
                int32_t v = ref->coefficient_milli;
                mc__buf_printf(b, ",\"coefficient\":%s%d.%03d", v < 0 ? "-" : "", abs(v) / 1000,
                               abs(v) % 1000);
            } else {
                mc__buf_puts(b, ",\"coefficient\":null");
            }
            mc__buf_puts(b, ",\"codes\":[");
            bool fc = true;
            for (uint32_t i = 0; i < r->n_diagnoses; i++) {
                const mc_coded_hcc *h = r->diagnoses[i].hcc;
                for (uint32_t k = 0; h && k < h->n_hcc; k++)
                    if (h->hcc[k].hcc == hh[q]) {
                        mc__buf_printf(b, "%s\"%s\"", fc ? "" : ",", r->diagnoses[i].code);
                        fc = false;
                    }
            }
            mc__buf_printf(b, "],\"meat_supported\":%s}", supported ? "true" : "false");
            first = false;
        }
    }
    mc__buf_puts(b, "]}");
}

