/*
 * Edits handle: opens the ICD-10-CM code set and the EDT* sections of a
 * bundle, checks every section's size against its record count before use,
 * and offers binary searches over the sorted tables. The report container
 * lives here too.
 *
 * Invariants: after mc_edits_open every table pointer covers n records that
 * lie inside the mapping; a table absent from the bundle has n = 0.
 */
#include "edits/edits_int.h"

#include "base/base_int.h"

#include <stdlib.h>
#include <string.h>

static int table(const mc_bundle *b, const char *tag, size_t rec, edt_table *t, mc_diag *diag)
{
    const void *data;
    size_t n;
    t->p = NULL;
    t->n = 0;
    int rc = mc_bundle_section(b, tag, &data, &n);
    if (rc == MC_ENOTFOUND)
        return MC_OK;
    if (rc)
        return rc;
    if (n < EDT_HDR)
        return mc_diag_set(diag, MC_ECORRUPT, "bundle section %s: shorter than its header", tag);
    uint32_t count = mc__rd32(data);
    if ((n - EDT_HDR) / rec < count)
        return mc_diag_set(diag, MC_ECORRUPT, "bundle section %s: %u records do not fit in %zu bytes",
                           tag, count, n);
    t->p = (const unsigned char *)data + EDT_HDR;
    t->n = count;
    return MC_OK;
}

int mc_edits_open(const mc_bundle *b, mc_edits **out, mc_diag *diag)
{
    *out = NULL;
    mc_edits *ed = calloc(1, sizeof *ed);
    if (!ed)
        return mc_diag_set(diag, MC_ENOMEM, "out of memory");
    ed->bundle = b;
    ed->year = mc_bundle_year(b);
    int rc = mc_codeset_open(b, &ed->cs, diag);
    if (!rc) {
        /* the MCE masters are the MS-DRG module's (one copy per bundle); a bundle
         * without them runs the code-set edits only */
        mc_diag ignore = { 0 };
        rc = mc__mce_open(b, &ed->mce, &ignore);
        if (rc == MC_ENOTFOUND)
            rc = MC_OK;
        else if (rc)
            rc = mc_diag_set(diag, rc, "%s", ignore.msg);
        ed->dx = ed->mce.dx;
        ed->sg = ed->mce.sg;
    }
    if (!rc)
        rc = table(b, "EDTPOAX", EDT_POAX_REC, &ed->poax, diag);
    if (!rc)
        rc = table(b, "EDTCONV", EDT_CONV_REC, &ed->conv, diag);
    if (!rc)
        rc = table(b, "EDTPCNV", EDT_CONV_REC, &ed->pconv, diag);
    if (!rc)
        rc = table(b, "EDTPFX", EDT_PFX_REC, &ed->pfx, diag);
    if (!rc)
        rc = table(b, "EDTPROF", EDT_PROF_REC, &ed->prof, diag);
    if (!rc)
        rc = table(b, "EDTRULE", EDT_RULE_REC, &ed->rule, diag);
    if (!rc && ed->prof.n && ed->prof.n != mc_cm_count(ed->cs))
        rc = mc_diag_set(diag, MC_ECORRUPT, "bundle section EDTPROF: %u profiles for %u codes",
                         ed->prof.n, mc_cm_count(ed->cs));
    if (rc) {
        mc_edits_close(ed);
        return rc;
    }
    /* procedure code sets are optional: without them PCS validity falls back to
     * the MCE procedure master and HCPCS codes are not checked */
    mc_diag ignore = { 0 };
    if (mc_pcs_open(b, &ed->pcs, &ignore))
        ed->pcs = NULL;
    if (mc_hcpcs_open(b, &ed->hcpcs, &ignore))
        ed->hcpcs = NULL;
    ed->have_mce = ed->mce.dx.n > 0 && ed->mce.age.n > 0;
    *out = ed;
    return MC_OK;
}

void mc_edits_close(mc_edits *ed)
{
    if (!ed)
        return;
    mc_codeset_close(ed->cs);
    mc_pcs_close(ed->pcs);
    mc_hcpcs_close(ed->hcpcs);
    free(ed);
}

int mc_edits_year(const mc_edits *ed) { return ed->year; }
bool mc_edits_have_mce(const mc_edits *ed) { return ed->have_mce; }

static void key8(const char *code, char key[8])
{
    memset(key, 0, 8);
    size_t n = strnlen(code, 8);
    memcpy(key, code, n > 8 ? 8 : n);
}

uint32_t mc__edt_master_flags(const edt_table *t, const char *code, uint32_t date, bool *found)
{
    char key[8];
    key8(code, key);
    uint32_t f;
    bool ok = mc__mce_flags(t, key, date, &f);
    if (found)
        *found = ok;
    return f;
}

/* ---- report ---- */

void mc_edit_report_init(mc_edit_report *rep) { memset(rep, 0, sizeof *rep); }

void mc_edit_report_free(mc_edit_report *rep)
{
    if (!rep)
        return;
    free(rep->items);
    free(rep->scratch);
    memset(rep, 0, sizeof *rep);
}

const char *mc_edit_severity_name(mc_edit_severity s)
{
    return s == MC_EDIT_ERROR ? "error" : "warning";
}
