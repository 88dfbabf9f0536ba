/*
 * Fuzz target: the bundle reader and the ICD-10-CM section reader on
 * arbitrary bytes. Anything that opens must also survive every accessor.
 */
#include "medcode/bundle.h"
#include "medcode/codeset.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mc_bundle *b;
    if (mc_bundle_open_mem(data, size, &b, NULL) != MC_OK)
        return 0;
    for (uint32_t i = 0; i < mc_bundle_section_count(b); i++) {
        mc_bundle_section_info si;
        mc_bundle_section_at(b, i, &si);
    }
    mc_codeset *cs;
    if (mc_codeset_open(b, &cs, NULL) == MC_OK) {
        char why[512];
        for (uint32_t i = 0; i < mc_cm_count(cs) && i < 64; i++) {
            mc_cm_code c;
            mc_cm_note notes[16];
            mc_cm_seventh sev[8];
            uint32_t kids[8];
            mc_cm_get(cs, i, &c);
            uint32_t n = mc_cm_notes(cs, i, true, notes, 16);
            for (uint32_t k = 0; k < n && k < 16; k++) {
                mc_code_range r;
                for (uint32_t j = 0; j < notes[k].n_refs; j++)
                    mc_cm_note_ref(cs, &notes[k], j, &r);
            }
            mc_cm_seventh_chars(cs, i, sev, 8, NULL);
            mc_cm_children(cs, i, kids, 8);
            mc_cm_validate(cs, c.code, strlen(c.code), why, sizeof why);
        }
        mc_cm_validate(cs, "T39.11A", 7, why, sizeof why);
        mc_codeset_close(cs);
    }
    mc_bundle_close(b);
    return 0;
}
