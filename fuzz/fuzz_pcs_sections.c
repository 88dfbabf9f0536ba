/*
 * Fuzz target: the ICD-10-PCS section reader on corrupted sections. A small
 * valid set of PCS sections is compiled once from an embedded table; each
 * input is a list of edits (section, offset, xor byte; or a truncation)
 * applied to them, and the result is packed into a bundle with valid
 * checksums, so the PCS reader itself, not the bundle checksum, must catch
 * the damage. What opens must survive every query.
 */
#include "fuzz_pcs_common.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char tables_xml[] =
    "<ICD10PCS.tabular><version>2026</version>"
    "<pcsTable><axis pos=\"1\"><title>Section</title><label code=\"0\">Medical and Surgical</label></axis>"
    "<axis pos=\"2\"><title>Body System</title><label code=\"D\">Gastrointestinal System</label></axis>"
    "<axis pos=\"3\"><title>Operation</title><label code=\"T\">Resection</label><definition>Cutting out</definition></axis>"
    "<pcsRow codes=\"4\"><axis pos=\"4\"><title>Body Part</title><label code=\"J\">Appendix</label><label code=\"1\">Esophagus</label></axis>"
    "<axis pos=\"5\"><title>Approach</title><label code=\"0\">Open</label><label code=\"4\">Perc Endo</label></axis>"
    "<axis pos=\"6\"><title>Device</title><label code=\"Z\">No Device</label></axis>"
    "<axis pos=\"7\"><title>Qualifier</title><label code=\"Z\">No Qualifier</label></axis></pcsRow>"
    "<pcsRow codes=\"1\"><axis pos=\"4\"><title>Body Part</title><label code=\"J\">Appendix</label></axis>"
    "<axis pos=\"5\"><title>Approach</title><label code=\"4\">Perc Endo</label></axis>"
    "<axis pos=\"6\"><title>Device</title><label code=\"Z\">No Device</label></axis>"
    "<axis pos=\"7\"><title>Qualifier</title><label code=\"G\">Hand-Assisted</label></axis></pcsRow></pcsTable>"
    "<pcsTable><axis pos=\"1\"><title>Section</title><label code=\"B\">Imaging</label></axis>"
    "<axis pos=\"2\"><title>Body System</title><label code=\"2\">Heart</label></axis>"
    "<axis pos=\"3\"><title>Type</title><label code=\"0\">Plain Radiography</label></axis>"
    "<pcsRow codes=\"2\"><axis pos=\"4\"><title>Body Part</title><label code=\"0\">One</label><label code=\"1\">Two</label></axis>"
    "<axis pos=\"5\"><title>Contrast</title><label code=\"0\">High Osmolar</label></axis>"
    "<axis pos=\"6\"><title>Qualifier</title><label code=\"Z\">None</label></axis>"
    "<axis pos=\"7\"><title>Qualifier</title><label code=\"Z\">None</label></axis></pcsRow></pcsTable>"
    "</ICD10PCS.tabular>";

static const char *const tags[] = { MC__PCS_TAG_TABLES, MC__PCS_TAG_ROWS, MC__PCS_TAG_LABELS,
                                    MC__PCS_TAG_DEFS, MC__PCS_TAG_ORDER };
enum { NSEC = 5 };
static unsigned char *sec[NSEC];
static size_t sec_n[NSEC];

static void init_sections(void)
{
    mc__pcs_model m;
    mc__pcs_model_init(&m);
    mc__buf img;
    if (mc__pcs_parse_tables(&m, tables_xml, sizeof tables_xml - 1, NULL) ||
        fuzz_pcs_compile(&m, &img))
        abort();
    mc_bundle *b;
    if (mc_bundle_open_mem(img.p, img.n, &b, NULL))
        abort();
    for (int i = 0; i < NSEC; i++) {
        const void *d;
        if (mc_bundle_section(b, tags[i], &d, &sec_n[i]))
            abort();
        sec[i] = malloc(sec_n[i]);
        memcpy(sec[i], d, sec_n[i]);
    }
    mc_bundle_close(b);
    mc__buf_free(&img);
    mc__pcs_model_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!sec[0])
        init_sections();
    unsigned char *copy[NSEC];
    size_t n[NSEC];
    for (int i = 0; i < NSEC; i++) {
        copy[i] = malloc(sec_n[i] + 1);
        memcpy(copy[i], sec[i], sec_n[i]);
        n[i] = sec_n[i];
    }
    /* edits of 4 bytes: section (low 3 bits; bit 7 = truncate), offset (2 bytes), value */
    for (size_t k = 0; k + 4 <= size; k += 4) {
        int s = (data[k] & 7) % NSEC;
        size_t off = (size_t)(data[k + 1] | data[k + 2] << 8);
        if (data[k] & 0x80) {
            if (off < n[s])
                n[s] = off;
        } else if (n[s]) {
            copy[s][off % n[s]] ^= data[k + 3];
        }
    }
    mc__bw *w;
    if (mc__bw_new(2026, &w) == MC_OK) {
        for (int i = 0; i < NSEC; i++)
            mc__bw_add(w, tags[i], copy[i], n[i], 2026);
        mc__buf img;
        if (mc__bw_image(w, &img) == MC_OK) {
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
        mc__bw_free(w);
    }
    for (int i = 0; i < NSEC; i++)
        free(copy[i]);
    return 0;
}
