/* libFuzzer target: the encounter JSON parser and the JSONL reader on arbitrary bytes. */
#include "medcode/encounter.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mc_encounter *e = NULL;
    mc_diag d = { 0 };
    if (mc_encounter_parse((const char *)data, size, &e, &d) == MC_OK) {
        /* touch every field the struct promises */
        volatile uint32_t sum = 0;
        for (uint32_t i = 0; i < e->n_diagnoses; i++)
            sum += (uint32_t)e->diagnoses[i].code[0] + (uint32_t)e->diagnoses[i].poa;
        for (uint32_t i = 0; i < e->n_procedures; i++)
            sum += (uint32_t)e->procedures[i].code[0];
        (void)mc_date_fiscal_year(mc_encounter_code_date(e));
        (void)sum;
        mc_encounter_free(e);
    }
    if (size == 0)
        return 0;
    FILE *f = fmemopen((void *)data, size, "r");
    if (!f)
        return 0;
    mc_encounter_reader *r;
    if (mc_encounter_reader_new(f, &r) == MC_OK) {
        long line;
        int rc;
        while ((rc = mc_encounter_reader_next(r, &e, &line, &d)) != MC_ENOTFOUND && rc != MC_EIO &&
               rc != MC_ENOMEM) {
            mc_encounter_free(e);
        }
        mc_encounter_reader_free(r);
    }
    fclose(f);
    return 0;
}
