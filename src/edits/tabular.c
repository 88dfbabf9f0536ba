/*
 * Tabular conventions (ICD-10-CM Official Guidelines Section I.A and I.C.21):
 * Excludes1 pairs (I.A.12.a, with its "unrelated conditions" exception),
 * manifestation codes and "code first" sequencing (I.A.13), "use additional
 * code" partners, and Z codes that may only be principal (I.C.21.c.15).
 * Excludes2 (I.A.12.b) permits both codes, so it never produces an edit.
 *
 * Notes come from the code set with inheritance (a category's Excludes1
 * applies to every code under it, Section I.A.12); only valid codes are
 * examined.
 */
#include "edits/check_int.h"

#include "base/base_int.h"

#include <string.h>

enum { NOTE_CAP = 256 };

/* "E11", "E08-E13" or "Chapter 4": where a note is attached. */
static void note_owner(const mc_codeset *cs, const mc_cm_note *n, char *out, size_t cap)
{
    if (n->level == MC_LEVEL_CODE) {
        mc_cm_code c;
        if (mc_cm_get(cs, n->owner, &c) == MC_OK) {
            snprintf(out, cap, "%s", c.dotted);
            return;
        }
    } else if (n->level == MC_LEVEL_BLOCK) {
        mc_cm_block b;
        if (mc_cm_get_block(cs, n->owner, &b) == MC_OK) {
            snprintf(out, cap, "%.*s", (int)b.id.n, b.id.p);
            return;
        }
    } else if (n->level == MC_LEVEL_CHAPTER) {
        mc_cm_chapter ch;
        if (mc_cm_get_chapter(cs, n->owner, &ch) == MC_OK) {
            snprintf(out, cap, "Chapter %u", ch.number);
            return;
        }
    }
    snprintf(out, cap, "?");
}

/* Index of the first diagnosis (other than self) inside any range of the note, or -1. */
static long note_match(const chk *c, const mc_cm_note *n, uint32_t self, uint32_t from,
                       uint32_t to)
{
    const mc_codeset *cs = c->ed->cs;
    for (uint32_t j = from; j < to; j++) {
        if (j == self || !c->dx[j].valid)
            continue;
        for (uint32_t r = 0; r < n->n_refs; r++) {
            mc_code_range range;
            if (mc_cm_note_ref(cs, n, r, &range) == MC_OK &&
                mc_code_in_range(c->dx[j].code, &range))
                return (long)j;
        }
    }
    return -1;
}

static bool contains_ci(mc_str s, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= s.n; i++)
        if (!strncasecmp(s.p + i, needle, k))
            return true;
    return false;
}

/* A manifestation code: its title (or an ancestor's) says "in diseases classified elsewhere". */
static bool is_manifestation(const mc_codeset *cs, uint32_t id)
{
    for (int depth = 0; id != MC_NONE && depth < 8; depth++) {
        mc_cm_code c;
        if (mc_cm_get(cs, id, &c) != MC_OK)
            return false;
        if (contains_ci(c.long_title, "diseases classified elsewhere") ||
            contains_ci(c.long_title, "disorders classified elsewhere"))
            return true;
        id = c.parent;
    }
    return false;
}

static bool pair_reported(const chk *c, const char *a, const char *b)
{
    const mc_edit_report *rep = c->rep;
    for (uint32_t k = 0; k < rep->n; k++) {
        const mc_edit *e = &rep->items[k];
        if (strcmp(e->id, "EXCLUDES1") || e->n_codes < 2)
            continue;
        if ((!strcmp(e->codes[0], a) && !strcmp(e->codes[1], b)) ||
            (!strcmp(e->codes[0], b) && !strcmp(e->codes[1], a)))
            return true;
    }
    return false;
}

/*
 * "diabetes mellitus (E08-E13 with .42)": the note covers only the codes of the
 * range whose characters after the category are the given ones. Returns the
 * digits ("42") in out, or "" when the note has no such qualifier.
 */
static void with_suffix(const mc_cm_note *n, char out[8])
{
    out[0] = 0;
    for (uint32_t i = 0; i + 6 < n->text.n; i++)
        if (!strncmp(n->text.p + i, " with .", 7)) {
            uint32_t k = 0;
            while (k < 7 && i + 7 + k < n->text.n && n->text.p[i + 7 + k] >= '0' &&
                   n->text.p[i + 7 + k] <= '9') {
                out[k] = n->text.p[i + 7 + k];
                k++;
            }
            out[k] = 0;
            return;
        }
}

static void excludes1(chk *c, uint32_t i, const mc_cm_note *n, const char *owner)
{
    const mc_codeset *cs = c->ed->cs;
    char suffix[8];
    with_suffix(n, suffix);
    for (uint32_t j = 0; j < c->enc->n_diagnoses; j++) {
        if (j == i || !c->dx[j].valid || !strcmp(c->dx[j].code, c->dx[i].code))
            continue;
        bool hit = false;
        for (uint32_t r = 0; r < n->n_refs && !hit; r++) {
            mc_code_range range;
            hit = mc_cm_note_ref(cs, n, r, &range) == MC_OK &&
                  mc_code_in_range(c->dx[j].code, &range);
        }
        if (hit && suffix[0] && strncmp(c->dx[j].code + 3, suffix, strlen(suffix)))
            hit = false;
        if (!hit || pair_reported(c, c->dx[i].dotted, c->dx[j].dotted))
            continue;
        /* Section I.A.12.a exception: conditions in different tabular sections may be
         * unrelated to each other, and then both are reported; same-section pairs are
         * the mutually exclusive forms the note is about. */
        bool same_block = c->dx[i].block != MC_NONE && c->dx[i].block == c->dx[j].block;
        mc_edit *e = mc__chk_add(c, "EXCLUDES1", same_block ? MC_EDIT_ERROR : MC_EDIT_WARNING,
                                 "ICD-10-CM Tabular, %s Excludes1 (Section I.A.12.a)", owner);
        mc__chk_code(e, c->dx[i].dotted);
        mc__chk_code(e, c->dx[j].dotted);
        if (same_block)
            mc__chk_msg(e, "%s and %s are mutually exclusive (Excludes1 at %s: \"%.*s\"); "
                           "report only the one the documentation supports",
                        c->dx[i].dotted, c->dx[j].dotted, owner, (int)(n->text.n > 160 ? 160 : n->text.n),
                        n->text.p);
        else
            mc__chk_msg(e, "%s excludes %s (Excludes1 at %s: \"%.*s\"); both may be reported only "
                           "when the two conditions are unrelated (Section I.A.12.a exception)",
                        c->dx[i].dotted, c->dx[j].dotted, owner, (int)(n->text.n > 160 ? 160 : n->text.n),
                        n->text.p);
    }
}

static bool if_applicable(const mc_cm_note *n)
{
    return contains_ci(n->text, "if applicable") || contains_ci(n->text, "if known") ||
           contains_ci(n->text, "if desired") || contains_ci(n->text, "any associated") ||
           contains_ci(n->text, "if present");
}

static void code_first(chk *c, uint32_t i, const mc_cm_note *notes, uint32_t nn, bool manif)
{
    const mc_codeset *cs = c->ed->cs;
    uint32_t n_dx = c->enc->n_diagnoses;
    bool any_ref = false;
    for (uint32_t k = 0; k < nn; k++) {
        const mc_cm_note *n = &notes[k];
        if (n->kind != MC_NOTE_CODE_FIRST || !n->n_refs)
            continue;
        any_ref = true;
        if (note_match(c, n, i, 0, i) >= 0)
            return; /* etiology already sequenced before */
    }
    for (uint32_t k = 0; k < nn; k++) {
        const mc_cm_note *n = &notes[k];
        if (n->kind != MC_NOTE_CODE_FIRST || !n->n_refs)
            continue;
        long j = note_match(c, n, i, i + 1, n_dx);
        if (j >= 0) {
            char owner[32];
            note_owner(cs, n, owner, sizeof owner);
            mc_edit *e = mc__chk_add(c, "CODE_FIRST_SEQUENCE", MC_EDIT_WARNING,
                                     "ICD-10-CM Tabular, %s Code first (Section I.A.13)", owner);
            mc__chk_code(e, c->dx[j].dotted);
            mc__chk_code(e, c->dx[i].dotted);
            mc__chk_msg(e, "%s should be sequenced before %s (\"Code first\" at %s)",
                        c->dx[j].dotted, c->dx[i].dotted, owner);
            return;
        }
    }
    if (!manif || i == 0)
        return;
    /* A manifestation listed after other codes but none of its named etiologies:
     * the note's list may be examples ("such as"), hence a warning. */
    mc_edit *e = mc__chk_add(c, "MANIFESTATION_NO_ETIOLOGY", MC_EDIT_WARNING,
                             "ICD-10-CM Guidelines Section I.A.13 (etiology/manifestation)");
    mc__chk_code(e, c->dx[i].dotted);
    mc__chk_msg(e,
                "%s is a manifestation code; %s the underlying condition must be coded and "
                "sequenced before it",
                c->dx[i].dotted,
                any_ref ? "none of the conditions its \"Code first\" note names is reported;"
                        : "");
}

static void use_additional(chk *c, uint32_t i, const mc_cm_note *notes, uint32_t nn)
{
    const mc_codeset *cs = c->ed->cs;
    /* Only an instruction that names one specific partner is checked: a code-level
     * note that is the only "use additional code" note of its owner (E11.22: "code
     * to identify stage of chronic kidney disease (N18.1-N18.6)"). Several notes at
     * one owner are alternatives listing possible associated conditions or
     * treatments ("insulin (Z79.4)", "oral antidiabetic drugs (Z79.84)"), which
     * apply only when documented; chapter/block notes list optional details
     * ("to identify ... tobacco"); "if applicable"/"any associated" ones are
     * conditional by their own words. */
    for (uint32_t k = 0; k < nn; k++) {
        const mc_cm_note *n = &notes[k];
        if (n->kind != MC_NOTE_USE_ADDITIONAL || n->level != MC_LEVEL_CODE || !n->n_refs ||
            if_applicable(n))
            continue;
        uint32_t group = 0;
        for (uint32_t m = 0; m < nn; m++) {
            const mc_cm_note *o = &notes[m];
            group += o->kind == MC_NOTE_USE_ADDITIONAL && o->level == n->level &&
                     o->owner == n->owner;
        }
        if (group != 1 || note_match(c, n, i, 0, c->enc->n_diagnoses) >= 0)
            continue;
        char owner[32], list[300] = "";
        note_owner(cs, n, owner, sizeof owner);
        for (uint32_t m = k; m < nn; m++) {
            const mc_cm_note *o = &notes[m];
            if (o->kind == MC_NOTE_USE_ADDITIONAL && o->level == n->level &&
                o->owner == n->owner && o->n_refs && !if_applicable(o))
                mc__chk_append(list, sizeof list, "%s\"%.*s\"", list[0] ? " or " : "",
                               (int)(o->text.n > 120 ? 120 : o->text.n), o->text.p);
        }
        mc_edit *e = mc__chk_add(c, "USE_ADDITIONAL_MISSING", MC_EDIT_WARNING,
                                 "ICD-10-CM Tabular, %s Use additional code (Section I.A.13)",
                                 owner);
        mc__chk_code(e, c->dx[i].dotted);
        mc__chk_msg(e, "%s: use additional code %s; none is reported, add it when documented",
                    c->dx[i].dotted, list);
    }
}

/* Section I.C.21.c.15: principal-only Z codes (with their "Except:" carve-outs). */
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

void mc__chk_tabular(chk *c)
{
    const mc_codeset *cs = c->ed->cs;
    mc_cm_note notes[NOTE_CAP];
    for (uint32_t i = 0; i < c->enc->n_diagnoses && !c->rc; i++) {
        if (!c->dx[i].valid)
            continue;
        bool repeated = false; /* a repeated code is examined once */
        for (uint32_t j = 0; j < i && !repeated; j++)
            repeated = c->dx[j].valid && !strcmp(c->dx[j].code, c->dx[i].code);
        if (repeated)
            continue;
        uint32_t nn = mc_cm_notes(cs, c->dx[i].id, true, notes, NOTE_CAP);
        if (nn > NOTE_CAP)
            nn = NOTE_CAP;
        for (uint32_t k = 0; k < nn; k++)
            if (notes[k].kind == MC_NOTE_EXCLUDES1 && notes[k].n_refs) {
                char owner[32];
                note_owner(cs, &notes[k], owner, sizeof owner);
                excludes1(c, i, &notes[k], owner);
            }
        bool has_code_first = false;
        for (uint32_t k = 0; k < nn; k++)
            has_code_first |= notes[k].kind == MC_NOTE_CODE_FIRST;
        bool manif = has_code_first && is_manifestation(cs, c->dx[i].id);
        if (manif && i == 0 && !(c->inpatient && (c->dx[0].mce & EDT_F(MANIFESTATION)))) {
            mc_edit *e = mc__chk_add(c, "MANIFESTATION_PRINCIPAL", MC_EDIT_ERROR,
                                     "ICD-10-CM Guidelines Section I.A.13 (etiology/manifestation)");
            mc__chk_code(e, c->dx[0].dotted);
            mc__chk_msg(e, "%s is a manifestation code (\"in diseases classified elsewhere\"); "
                           "it is never the principal or first-listed diagnosis, code the "
                           "underlying condition first",
                        c->dx[0].dotted);
        }
        if (has_code_first)
            code_first(c, i, notes, nn, manif);
        use_additional(c, i, notes, nn);
        if (i > 0 && c->ed->pfx.n && principal_only(&c->ed->pfx, c->dx[i].code)) {
            mc_edit *e = mc__chk_add(
                c, "PRINCIPAL_ONLY_SECONDARY", c->inpatient ? MC_EDIT_ERROR : MC_EDIT_WARNING,
                "ICD-10-CM Guidelines Section I.C.21.c.15");
            mc__chk_code(e, c->dx[i].dotted);
            mc__chk_msg(e, "%s may only be reported as the principal/first-listed diagnosis%s",
                        c->dx[i].dotted,
                        c->inpatient ? ""
                                     : " (except when the records of several same-day "
                                       "encounters are combined)");
        }
    }
}
