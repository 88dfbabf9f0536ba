/*
 * Per-code edit profiles: what the tabular conventions ask of one ICD-10-CM
 * code, reduced to flags and flat code ranges so that checking an encounter
 * compares 8-byte keys instead of walking notes and their text.
 *
 * A profile is derived from the code's inherited notes (Section I.A.12: a
 * category's notes apply to every code under it): Excludes1 ranges (with a
 * "with .NN" qualifier kept as a suffix), "Code first" ranges, the single
 * specific "Use additional code" partner when there is one, whether the code
 * is a manifestation ("in diseases classified elsewhere" with a code-first
 * note, Section I.A.13) and whether it may only be principal (I.C.21.c.15).
 * The stage-2 build part "editsprof" compiles every code's profile into
 * EDTPROF/EDTRULE; mc__edt_profile reads them, or derives on the fly when a
 * bundle lacks them. Both paths run the same mc__edt_derive.
 */
#include "edits/check_int.h"

#include "base/base_int.h"
#include "build/build.h"

#include <stdlib.h>
#include <string.h>

static bool has_text(mc_str s, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= s.n; i++)
        if (!strncasecmp(s.p + i, needle, k))
            return true;
    return false;
}

/* "if applicable", "any associated": the instruction is conditional by its own words. */
static bool conditional(const mc_cm_note *n)
{
    return has_text(n->text, "if applicable") || has_text(n->text, "if known") ||
           has_text(n->text, "if desired") || has_text(n->text, "any associated") ||
           has_text(n->text, "if present");
}

/* "diabetes mellitus (E08-E13 with .42)": only codes whose characters after the category are 42. */
static void with_suffix(const mc_cm_note *n, char out[4], uint8_t *len)
{
    *len = 0;
    memset(out, 0, 4);
    for (uint32_t i = 0; i + 7 < n->text.n; i++)
        if (!strncmp(n->text.p + i, " with .", 7)) {
            while (*len < 4 && i + 7 + *len < n->text.n && n->text.p[i + 7 + *len] >= '0' &&
                   n->text.p[i + 7 + *len] <= '9') {
                out[*len] = n->text.p[i + 7 + *len];
                (*len)++;
            }
            return;
        }
}

static bool is_manifestation_title(const mc_codeset *cs, uint32_t id)
{
    for (int depth = 0; id != MC_NONE && depth < 8; depth++) {
        mc_cm_code c;
        if (mc_cm_get(cs, id, &c) != MC_OK)
            return false;
        if (has_text(c.long_title, "diseases classified elsewhere") ||
            has_text(c.long_title, "disorders classified elsewhere"))
            return true;
        id = c.parent;
    }
    return false;
}

static bool principal_only(const edt_table *t, const char *code)
{
    size_t best = 0;
    bool except = false;
    for (uint32_t k = 0; k < t->n; k++) {
        const unsigned char *r = t->p + (size_t)k * EDT_PFX_REC;
        size_t len = strnlen((const char *)r, 8);
        if (len && len > best && !strncmp(code, (const char *)r, len)) {
            best = len;
            except = mc__rd32(r + 8) != 0;
        }
    }
    return best && !except;
}

static void add_ranges(const mc_codeset *cs, const mc_cm_note *n, uint32_t k, uint8_t kind,
                       edt_profile *out)
{
    char suffix[4];
    uint8_t nsuf = 0;
    if (kind == EDT_RULE_EXCL1)
        with_suffix(n, suffix, &nsuf);
    for (uint32_t i = 0; i < n->n_refs && out->n < EDT_RULE_CAP; i++) {
        mc_code_range range;
        if (mc_cm_note_ref(cs, n, i, &range) != MC_OK)
            continue;
        edt_rule *r = &out->r[out->n];
        memset(r, 0, sizeof *r);
        r->kind = kind;
        r->note = (uint16_t)k;
        r->nl = (uint8_t)strnlen(range.lo, 7);
        r->nh = (uint8_t)strnlen(range.hi, 7);
        if (!r->nl || !r->nh)
            continue;
        memcpy(r->lo, range.lo, r->nl);
        memcpy(r->hi, range.hi, r->nh);
        if (nsuf) {
            memcpy(r->suffix, suffix, 4);
            r->nsuf = nsuf;
        }
        out->n++;
    }
}

void mc__edt_derive(const mc_codeset *cs, const edt_table *pfx, uint32_t id, edt_profile *out)
{
    mc_cm_note notes[EDT_NOTE_CAP];
    uint32_t nn = mc_cm_notes(cs, id, true, notes, EDT_NOTE_CAP);
    if (nn > EDT_NOTE_CAP)
        nn = EDT_NOTE_CAP;
    out->flags = 0;
    out->n = 0;
    for (uint32_t k = 0; k < nn; k++) {
        const mc_cm_note *n = &notes[k];
        if (n->kind == MC_NOTE_EXCLUDES1) {
            add_ranges(cs, n, k, EDT_RULE_EXCL1, out);
        } else if (n->kind == MC_NOTE_CODE_FIRST) {
            out->flags |= EDT_P_CODE_FIRST;
            add_ranges(cs, n, k, EDT_RULE_CODE_FIRST, out);
        } else if (n->kind == MC_NOTE_USE_ADDITIONAL && n->level == MC_LEVEL_CODE && n->n_refs &&
                   !conditional(n)) {
            /* Only an instruction naming one specific partner is checked: several
             * notes at one owner are alternatives listing possible associated
             * conditions or treatments ("insulin (Z79.4)", "oral antidiabetic drugs
             * (Z79.84)"), which apply only when documented; chapter/block notes list
             * optional details ("to identify ... tobacco"). */
            uint32_t group = 0;
            for (uint32_t m = 0; m < nn; m++)
                group += notes[m].kind == MC_NOTE_USE_ADDITIONAL && notes[m].level == n->level &&
                         notes[m].owner == n->owner;
            if (group == 1)
                add_ranges(cs, n, k, EDT_RULE_USE_ADD, out);
        }
    }
    if ((out->flags & EDT_P_CODE_FIRST) && is_manifestation_title(cs, id))
        out->flags |= EDT_P_MANIFESTATION;
    mc_cm_code c;
    if (pfx && pfx->n && mc_cm_get(cs, id, &c) == MC_OK && c.code[0] == 'Z' &&
        principal_only(pfx, c.code))
        out->flags |= EDT_P_PRINCIPAL_ONLY;
}

bool mc__edt_poa_exempt(const edt_table *t, const char code[8])
{
    uint32_t lo = 0, hi = t->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int d = memcmp(t->p + (size_t)mid * EDT_POAX_REC, code, 8);
        if (!d)
            return true;
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

void mc__edt_year_facts(const mc_edits *ed, const char code[8], edt_profile *out)
{
    if (ed->poax.n && mc__edt_poa_exempt(&ed->poax, code))
        out->flags |= EDT_P_POA_EXEMPT;
    uint32_t fy_start = (uint32_t)((ed->year - 1) * 10000 + 1001);
    uint32_t fy_end = (uint32_t)(ed->year * 10000 + 930);
    out->mce = 0;
    const edt_table *t = &ed->dx;
    uint32_t lo = 0, hi = t->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (memcmp(t->p + (size_t)mid * EDT_MASTER_REC, code, 8) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (uint32_t i = lo; i < t->n; i++) {
        const unsigned char *r = t->p + (size_t)i * EDT_MASTER_REC;
        if (memcmp(r, code, 8))
            break;
        if (mc__rd32(r + 12) < fy_start || mc__rd32(r + 8) > fy_end)
            continue; /* the shared masters keep every year's rows */
        if (mc__rd32(r + 8) > fy_start || mc__rd32(r + 12) < fy_end)
            out->flags |= EDT_P_MCE_VARIES;
        out->mce = mc__rd32(r + 16);
    }
    if (out->flags & EDT_P_MCE_VARIES)
        out->mce = 0;
}

int mc__edt_profile_head(const mc_edits *ed, uint32_t id, uint8_t *flags, uint32_t *mce)
{
    if (id >= ed->prof.n)
        return MC_ENOTFOUND;
    const unsigned char *p = ed->prof.p + (size_t)id * EDT_PROF_REC;
    *flags = p[6];
    *mce = mc__rd32(p + 8);
    return MC_OK;
}

int mc__edt_profile(const mc_edits *ed, uint32_t id, edt_profile *out)
{
    if (!ed->prof.n) {
        mc__edt_derive(ed->cs, &ed->pfx, id, out);
        mc_cm_code c;
        if (mc_cm_get(ed->cs, id, &c) == MC_OK) {
            char key[8] = { 0 };
            memcpy(key, c.code, strnlen(c.code, 7));
            mc__edt_year_facts(ed, key, out);
        }
        return MC_OK;
    }
    if (id >= ed->prof.n)
        return MC_ECORRUPT;
    const unsigned char *p = ed->prof.p + (size_t)id * EDT_PROF_REC;
    uint32_t first = mc__rd32(p), count = mc__rd16(p + 4);
    if (first > ed->rule.n || count > ed->rule.n - first || count > EDT_RULE_CAP)
        return MC_ECORRUPT;
    out->flags = p[6];
    out->mce = mc__rd32(p + 8);
    out->n = count;
    for (uint32_t i = 0; i < count; i++) {
        const unsigned char *r = ed->rule.p + (size_t)(first + i) * EDT_RULE_REC;
        edt_rule *x = &out->r[i];
        x->kind = r[0];
        x->nl = r[1] > 7 ? 7 : r[1];
        x->nh = r[2] > 7 ? 7 : r[2];
        x->nsuf = r[3] > 4 ? 4 : r[3];
        x->note = mc__rd16(r + 4);
        memcpy(x->suffix, r + 8, 4);
        memcpy(x->lo, r + 12, 8);
        memcpy(x->hi, r + 20, 8);
        x->lo[7] = x->hi[7] = 0;
    }
    return MC_OK;
}

static int put(mc__buf *b, const void *p, size_t n) { return mc__buf_append(b, p, n); }

MC_BUILD_PART(editsprof, 2)
{
    mc_edits *ed = NULL;
    mc_diag ignore = { 0 };
    if (mc_edits_open(ctx->view, &ed, &ignore))
        return MC_OK; /* no ICD-10-CM in this bundle: nothing to profile */
    const mc_codeset *cs = ed->cs;
    const edt_table pfx = ed->pfx;
    edt_profile *pr = malloc(sizeof *pr);
    mc__buf prof, rules;
    mc__buf_init(&prof, 0);
    mc__buf_init(&rules, 0);
    uint32_t n_codes = mc_cm_count(cs), n_rules = 0;
    mc__buf_u32(&prof, n_codes);
    mc__buf_u32(&prof, 0);
    mc__buf_u32(&rules, 0); /* patched below */
    mc__buf_u32(&rules, 0);
    int rc = pr ? MC_OK : MC_ENOMEM;
    for (uint32_t id = 0; id < n_codes && !rc; id++) {
        mc__edt_derive(cs, &pfx, id, pr);
        mc_cm_code code;
        if (mc_cm_get(cs, id, &code) == MC_OK) {
            char key[8] = { 0 };
            memcpy(key, code.code, strnlen(code.code, 7));
            mc__edt_year_facts(ed, key, pr);
        }
        unsigned char rec[EDT_PROF_REC] = { 0 };
        rec[0] = (unsigned char)n_rules, rec[1] = (unsigned char)(n_rules >> 8);
        rec[2] = (unsigned char)(n_rules >> 16), rec[3] = (unsigned char)(n_rules >> 24);
        rec[4] = (unsigned char)pr->n, rec[5] = (unsigned char)(pr->n >> 8);
        rec[6] = pr->flags;
        rec[8] = (unsigned char)pr->mce, rec[9] = (unsigned char)(pr->mce >> 8);
        rec[10] = (unsigned char)(pr->mce >> 16), rec[11] = (unsigned char)(pr->mce >> 24);
        put(&prof, rec, sizeof rec);
        for (uint32_t i = 0; i < pr->n; i++) {
            const edt_rule *x = &pr->r[i];
            unsigned char r[EDT_RULE_REC] = { 0 };
            r[0] = x->kind, r[1] = x->nl, r[2] = x->nh, r[3] = x->nsuf;
            r[4] = (unsigned char)x->note, r[5] = (unsigned char)(x->note >> 8);
            memcpy(r + 8, x->suffix, 4);
            memcpy(r + 12, x->lo, 8);
            memcpy(r + 20, x->hi, 8);
            put(&rules, r, sizeof r);
        }
        n_rules += pr->n;
        rc = prof.err ? prof.err : rules.err;
    }
    if (!rc) {
        rules.p[0] = (char)n_rules, rules.p[1] = (char)(n_rules >> 8);
        rules.p[2] = (char)(n_rules >> 16), rules.p[3] = (char)(n_rules >> 24);
        int year = mc_codeset_year(cs);
        rc = mc__bw_add(ctx->w, "EDTPROF", prof.p, prof.n, (uint32_t)year);
        if (!rc)
            rc = mc__bw_add(ctx->w, "EDTRULE", rules.p, rules.n, (uint32_t)year);
        char note[96];
        snprintf(note, sizeof note, "edit profiles of %u codes, %u note ranges", n_codes, n_rules);
        mc__build_provenance(ctx, "EDTPROF", year, "CMNOTE", note);
    }
    free(pr);
    mc__buf_free(&prof);
    mc__buf_free(&rules);
    mc_edits_close(ed);
    return rc;
}
