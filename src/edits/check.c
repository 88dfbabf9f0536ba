/*
 * The encounter checker: resolves every diagnosis against the fiscal year's
 * code set once, then runs the rule families in a fixed order so that the
 * report is deterministic: code validity, duplicates, tabular conventions
 * (tabular.c), Medicare Code Editor and POA (mce.c), procedures (mce.c).
 *
 * Invariants: the report never holds more than MC_EDIT_MAX_REPORT edits
 * (truncated is set instead); no rule reads a diagnosis that failed to
 * resolve; nothing here allocates except growing the report and its
 * scratch array, which are reused across calls.
 */
#include "edits/check_int.h"

#include "base/base_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *const all_ids[] = {
#define X(name, sev) #name,
    EDIT_IDS(X)
#undef X
        NULL
};

const char *const *mc_edit_ids(void) { return all_ids; }

mc_edit *mc__chk_add(chk *c, const char *id, mc_edit_severity sev, const char *source_fmt, ...)
{
    mc_edit_report *rep = c->rep;
    if (rep->n >= MC_EDIT_MAX_REPORT) {
        rep->truncated = true;
        return NULL;
    }
    if (rep->n == rep->cap) {
        uint32_t cap = rep->cap ? rep->cap * 2 : 16;
        if (cap > MC_EDIT_MAX_REPORT)
            cap = MC_EDIT_MAX_REPORT;
        mc_edit *p = realloc(rep->items, (size_t)cap * sizeof *p);
        if (!p) {
            c->rc = MC_ENOMEM;
            return NULL;
        }
        rep->items = p;
        rep->cap = cap;
    }
    mc_edit *e = &rep->items[rep->n++];
    e->id = id;
    e->severity = sev;
    e->n_codes = 0;
    e->message[0] = 0;
    va_list ap;
    va_start(ap, source_fmt);
    vsnprintf(e->source, sizeof e->source, source_fmt, ap);
    va_end(ap);
    if (sev == MC_EDIT_ERROR)
        rep->n_errors++;
    else
        rep->n_warnings++;
    return e;
}

void mc__chk_code(mc_edit *e, const char *code)
{
    if (e && e->n_codes < MC_EDIT_MAX_CODES)
        mc__strlcpy(e->codes[e->n_codes++], code, MC_ENC_CODE_CAP);
}

void mc__chk_msg(mc_edit *e, const char *fmt, ...)
{
    if (!e)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
}

/* Append ", X" style items to buf (bounded). */
void mc__chk_append(char *buf, size_t cap, const char *fmt, ...)
{
    size_t len = strnlen(buf, cap);
    if (len + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, cap - len, fmt, ap);
    va_end(ap);
}

/* ---- code validity (Section I.A, I.B.3; conversion table for changed codes) ---- */

static uint32_t conv_first(const edt_table *t, const char *code)
{
    char key[8] = { 0 };
    memcpy(key, code, strnlen(code, 7));
    uint32_t lo = 0, hi = t->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (memcmp(t->p + (size_t)mid * EDT_CONV_REC, key, 8) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Deleted or not-yet-valid code: true when the conversion table explains it. */
static bool explain_changed(chk *c, uint32_t i)
{
    const mc_enc_diagnosis *d = &c->enc->diagnoses[i];
    const edt_table *t = &c->ed->conv;
    char key[8] = { 0 };
    memcpy(key, d->code, strnlen(d->code, 7));
    char older[160] = "", newer[160] = "", dotted[9];
    uint32_t eff_old = 0, eff_new = 0;
    for (uint32_t k = conv_first(t, d->code); k < t->n; k++) {
        const unsigned char *r = t->p + (size_t)k * EDT_CONV_REC;
        if (memcmp(r, key, 8))
            break;
        char dst[9] = { 0 };
        memcpy(dst, r + 8, 8);
        mc_cm_dotted(dst, dotted);
        uint32_t eff = mc__rd32(r + 16), dir = mc__rd32(r + 20);
        if (dir == 0 && eff <= c->date) {
            mc__chk_append(newer, sizeof newer, "%s%s", newer[0] ? ", " : "", dotted);
            eff_new = eff;
        } else if (dir == 1 && eff > c->date) {
            mc__chk_append(older, sizeof older, "%s%s", older[0] ? ", " : "", dotted);
            eff_old = eff;
        }
    }
    char given[9], when[11], dos[11];
    mc_cm_dotted(d->code, given);
    mc_date_format(c->date_of_codes, dos);
    if (newer[0]) {
        mc_date_format((mc_date)eff_new, when);
        mc_edit *e = mc__chk_add(c, "DELETED_CODE", MC_EDIT_ERROR,
                                 "ICD-10-CM conversion table (FY%d)", c->ed->year);
        mc__chk_code(e, given);
        mc__chk_msg(e,
                    "%s is not valid on %s (FY%d): it was replaced on %s; use %s (choose the one "
                    "the documentation supports)",
                    given, dos, c->ed->year, when, newer);
        return true;
    }
    if (older[0]) {
        mc_date_format((mc_date)eff_old, when);
        mc_edit *e = mc__chk_add(c, "CODE_NOT_YET_VALID", MC_EDIT_ERROR,
                                 "ICD-10-CM conversion table (FY%d)", c->ed->year);
        mc__chk_code(e, given);
        mc__chk_msg(e, "%s takes effect on %s, after the date of service %s; for FY%d use %s",
                    given, when, dos, c->ed->year, older);
        return true;
    }
    return false;
}

static void resolve_dx(chk *c)
{
    const mc_codeset *cs = c->ed->cs;
    for (uint32_t i = 0; i < c->enc->n_diagnoses; i++) {
        const mc_enc_diagnosis *d = &c->enc->diagnoses[i];
        dxinfo *x = &c->dx[i];
        memset(x, 0, sizeof *x);
        mc_cm_code code;
        if (mc_cm_lookup(cs, d->code, strlen(d->code), &code) == MC_OK && code.billable) {
            x->valid = true;
            x->id = code.id;
            x->block = code.block;
            x->chapter = code.chapter;
            memcpy(x->code, code.code, 8);
            memcpy(x->dotted, code.dotted, 9);
            uint8_t pf;
            uint32_t pm;
            if (mc__edt_profile_head(c->ed, code.id, &pf, &pm) == MC_OK) {
                /* the compiled profile carries the year's POA exemption and MCE flags */
                x->poa_exempt = (pf & EDT_P_POA_EXEMPT) != 0;
                x->mce = (pf & EDT_P_MCE_VARIES)
                             ? mc__edt_master_flags(&c->ed->dx, code.code, c->date, NULL)
                             : pm;
            } else {
                x->poa_exempt = c->ed->poax.n && mc__edt_poa_exempt(&c->ed->poax, code.code);
                if (c->ed->dx.n)
                    x->mce = mc__edt_master_flags(&c->ed->dx, code.code, c->date, NULL);
            }
            continue;
        }
        mc__strlcpy(x->dotted, d->given, sizeof x->dotted);
        char reason[MC_EDIT_MSG_CAP];
        int rc = mc_cm_validate(cs, d->code, strlen(d->code), reason, sizeof reason);
        const char *id = "INVALID_CODE";
        if (rc == MC_EINVAL) {
            if (strstr(reason, "placeholder X"))
                id = "PLACEHOLDER_X_MISSING";
            else if (strstr(reason, "valid 7th character"))
                id = "SEVENTH_CHAR_INVALID";
            else if (strstr(reason, "requires a 7th character"))
                id = "SEVENTH_CHAR_MISSING";
            else if (strstr(reason, "header"))
                id = "HEADER_CODE";
        }
        /* a code deleted or expanded since (a former leaf now a header) gets its successors */
        if ((rc == MC_ENOTFOUND || !strcmp(id, "HEADER_CODE")) && explain_changed(c, i)) {
            mc__strlcpy(x->dotted, d->given, sizeof x->dotted);
            continue;
        }
        char shown[9];
        if (mc_cm_normalize(d->code, strlen(d->code), code.code) == MC_OK) {
            mc_cm_dotted(code.code, shown);
            mc__strlcpy(x->dotted, shown, sizeof x->dotted);
        }
        mc_edit *e = mc__chk_add(c, id, MC_EDIT_ERROR, "ICD-10-CM FY%d code set%s", c->ed->year,
                                 !strcmp(id, "INVALID_CODE") || !strcmp(id, "HEADER_CODE")
                                     ? ", Section I.A"
                                     : ", Sections I.A.4-5, I.B.3 (7th characters, placeholder X)");
        mc__chk_code(e, x->dotted);
        mc__chk_msg(e, "%s%s", i == 0 ? "principal/first-listed diagnosis: " : "", reason);
    }
}

static void duplicates(chk *c)
{
    const mc_encounter *enc = c->enc;
    for (uint32_t i = 1; i < enc->n_diagnoses; i++) {
        uint32_t j = 0;
        while (j < i && strcmp(enc->diagnoses[j].code, enc->diagnoses[i].code))
            j++;
        if (j == i)
            continue;
        /* report each repeated code once, at its second occurrence */
        uint32_t seen = 0;
        for (uint32_t m = 0; m < i; m++)
            seen += !strcmp(enc->diagnoses[m].code, enc->diagnoses[i].code);
        if (seen > 1)
            continue;
        bool pdx = j == 0 && c->inpatient;
        mc_edit *e = pdx ? mc__chk_add(c, "MCE_DUPLICATE_PDX", MC_EDIT_ERROR,
                                       "Medicare Code Editor v43.1, duplicate of PDX")
                         : mc__chk_add(c, "DUPLICATE_DX", MC_EDIT_WARNING,
                                       "ICD-10-CM Guidelines Section III.A, I.B.12 (a code is "
                                       "reported once)");
        mc__chk_code(e, c->dx[i].dotted);
        if (pdx)
            mc__chk_msg(e, "%s is reported as a secondary diagnosis and also as the principal "
                           "diagnosis; remove the secondary",
                        c->dx[i].dotted);
        else
            mc__chk_msg(e, "%s is listed more than once (diagnoses[%u] and diagnoses[%u])",
                        c->dx[i].dotted, j, i);
    }
}

int mc_edits_check(const mc_edits *ed, const mc_encounter *enc, mc_edit_report *rep,
                   mc_diag *diag)
{
    mc_date date = mc_encounter_code_date(enc);
    int fy = mc_date_fiscal_year(date);
    rep->n = rep->n_errors = rep->n_warnings = 0;
    rep->truncated = false;
    rep->valid = true;
    rep->fiscal_year = ed->year;
    if (fy != ed->year) {
        char s[11];
        mc_date_format(date, s);
        return mc_diag_set(diag, MC_ERANGE,
                           "the encounter's code date %s is in FY%d, the bundle is FY%d", s, fy,
                           ed->year);
    }
    if (enc->n_diagnoses > MC_ENC_MAX_DIAGNOSES || enc->n_procedures > MC_ENC_MAX_PROCEDURES)
        return mc_diag_set(diag, MC_ELIMIT, "encounter has too many codes");
    size_t n_dx = enc->n_diagnoses ? enc->n_diagnoses : 1;
    size_t dx_bytes = (n_dx * sizeof(dxinfo) + 15) & ~(size_t)15;
    size_t need = dx_bytes + (n_dx * n_dx + 7) / 8;
    if (need > rep->scratch_cap) {
        void *p = realloc(rep->scratch, need);
        if (!p)
            return mc_diag_set(diag, MC_ENOMEM, "out of memory");
        rep->scratch = p;
        rep->scratch_cap = need;
    }
    chk c = { .ed = ed,
              .enc = enc,
              .rep = rep,
              .date = (uint32_t)date,
              .date_of_codes = date,
              .inpatient = enc->setting == MC_SETTING_INPATIENT,
              .dx = rep->scratch,
              .pairs = (unsigned char *)rep->scratch + dx_bytes };
    memset(c.pairs, 0, (n_dx * n_dx + 7) / 8);
    resolve_dx(&c);
    duplicates(&c);
    mc__chk_tabular(&c);
    mc__chk_mce(&c);
    mc__chk_poa(&c);
    mc__chk_procedures(&c);
    if (c.rc)
        return mc_diag_set(diag, c.rc, "out of memory while checking");
    rep->valid = rep->n_errors == 0;
    return MC_OK;
}
