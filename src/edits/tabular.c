/*
 * Tabular conventions (ICD-10-CM Official Guidelines Section I.A and I.C.21):
 * Excludes1 pairs (I.A.12.a, with its "unrelated conditions" exception),
 * manifestation codes and "code first" sequencing (I.A.13), "use additional
 * code" partners, and Z codes that may only be principal (I.C.21.c.15).
 * Excludes2 (I.A.12.b) permits both codes, so it never produces an edit.
 *
 * Each valid diagnosis is examined through its profile (profile.c): flat
 * code ranges compared as 8-byte keys with every other diagnosis. The notes'
 * text is fetched only to word an edit that fires. A code repeated in the
 * encounter is examined once.
 */
#include "edits/check_int.h"

#include "base/base_int.h"

#include <string.h>

/* Same as mc_code_in_range for an 8-byte NUL-padded code. */
static inline bool in_rule(const char code[8], const edt_rule *r)
{
    return code[0] >= r->lo[0] && code[0] <= r->hi[0] && memcmp(code, r->lo, r->nl) >= 0 &&
           memcmp(code, r->hi, r->nh) <= 0 &&
           (!r->nsuf || !memcmp(code + 3, r->suffix, r->nsuf));
}

/* The note a rule came from, with "E11" / "E08-E13" / "Chapter 4" as its owner. */
static bool rule_note(const chk *c, uint32_t i, const edt_rule *r, mc_cm_note *note, char *owner,
                      size_t cap)
{
    static _Thread_local mc_cm_note notes[EDT_NOTE_CAP];
    const mc_codeset *cs = c->ed->cs;
    uint32_t nn = mc_cm_notes(cs, c->dx[i].id, true, notes, EDT_NOTE_CAP);
    snprintf(owner, cap, "?");
    if (r->note >= nn || r->note >= EDT_NOTE_CAP) {
        memset(note, 0, sizeof *note);
        return false;
    }
    *note = notes[r->note];
    if (note->level == MC_LEVEL_CODE) {
        mc_cm_code code;
        if (mc_cm_get(cs, note->owner, &code) == MC_OK)
            snprintf(owner, cap, "%s", code.dotted);
    } else if (note->level == MC_LEVEL_BLOCK) {
        mc_cm_block b;
        if (mc_cm_get_block(cs, note->owner, &b) == MC_OK)
            snprintf(owner, cap, "%.*s", (int)b.id.n, b.id.p);
    } else if (note->level == MC_LEVEL_CHAPTER) {
        mc_cm_chapter ch;
        if (mc_cm_get_chapter(cs, note->owner, &ch) == MC_OK)
            snprintf(owner, cap, "Chapter %u", ch.number);
    }
    return true;
}

static int text_len(const mc_cm_note *n, uint32_t max) { return (int)(n->text.n > max ? max : n->text.n); }

/* First diagnosis in [from, to), other than self, inside a rule of note `note` of kind. */
static long match(const chk *c, const edt_profile *p, uint8_t kind, int note, uint32_t self,
                  uint32_t from, uint32_t to, const edt_rule **which)
{
    for (uint32_t j = from; j < to; j++) {
        if (j == self || !c->dx[j].valid)
            continue;
        for (uint32_t q = 0; q < p->n; q++) {
            const edt_rule *r = &p->r[q];
            if (r->kind == kind && (note < 0 || r->note == note) && in_rule(c->dx[j].code, r)) {
                if (which)
                    *which = r;
                return (long)j;
            }
        }
    }
    return -1;
}

/* Report each Excludes1 pair once, whichever of the two codes carries the note. */
static bool pair_seen(chk *c, uint32_t i, uint32_t j)
{
    size_t n = c->enc->n_diagnoses;
    size_t a = (size_t)(i < j ? i : j) * n + (i < j ? j : i);
    bool seen = (c->pairs[a / 8] >> (a % 8)) & 1;
    c->pairs[a / 8] |= (unsigned char)(1u << (a % 8));
    return seen;
}

/* The encounter's valid diagnoses sorted by code: a range is found by binary search. */
typedef struct sorted {
    uint32_t n;
    uint32_t *idx; /* diagnosis indexes in code order */
} sorted;

static void excludes1(chk *c, uint32_t i, const edt_profile *p, const sorted *s)
{
    for (uint32_t q = 0; q < p->n; q++) {
        const edt_rule *r = &p->r[q];
        if (r->kind != EDT_RULE_EXCL1)
            continue;
        /* first diagnosis whose code is >= lo (codes below lo are outside the range) */
        uint32_t lo = 0, hi = s->n;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (memcmp(c->dx[s->idx[mid]].code, r->lo, r->nl) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (uint32_t k = lo; k < s->n; k++) {
            uint32_t j = s->idx[k];
            if (memcmp(c->dx[j].code, r->hi, r->nh) > 0)
                break;
            if (j == i || !memcmp(c->dx[j].code, c->dx[i].code, 8) ||
                !in_rule(c->dx[j].code, r) || pair_seen(c, i, j))
                continue;
            if (c->rep->truncated)
                return;
            mc_cm_note n;
            char owner[32];
            rule_note(c, i, r, &n, owner, sizeof owner);
            /* Section I.A.12.a exception: conditions in different tabular sections may
             * be unrelated to each other, and then both are reported; same-section pairs
             * are the mutually exclusive forms the note is about. */
            bool same_block = c->dx[i].block != MC_NONE && c->dx[i].block == c->dx[j].block;
            mc_edit *e = mc__chk_add(c, "EXCLUDES1", same_block ? MC_EDIT_ERROR : MC_EDIT_WARNING,
                                     "ICD-10-CM Tabular, %s Excludes1 (Section I.A.12.a)", owner);
            mc__chk_code(e, c->dx[i].dotted);
            mc__chk_code(e, c->dx[j].dotted);
            if (same_block)
                mc__chk_msg(e, "%s and %s are mutually exclusive (Excludes1 at %s: \"%.*s\"); "
                               "report only the one the documentation supports",
                            c->dx[i].dotted, c->dx[j].dotted, owner, text_len(&n, 160), n.text.p);
            else
                mc__chk_msg(e, "%s excludes %s (Excludes1 at %s: \"%.*s\"); both may be reported "
                               "only when the two conditions are unrelated (Section I.A.12.a "
                               "exception)",
                            c->dx[i].dotted, c->dx[j].dotted, owner, text_len(&n, 160), n.text.p);
        }
    }
}

static void code_first(chk *c, uint32_t i, const edt_profile *p)
{
    uint32_t n_dx = c->enc->n_diagnoses;
    bool any_ref = false;
    for (uint32_t q = 0; q < p->n; q++)
        any_ref |= p->r[q].kind == EDT_RULE_CODE_FIRST;
    if (any_ref && match(c, p, EDT_RULE_CODE_FIRST, -1, i, 0, i, NULL) >= 0)
        return; /* the etiology is already sequenced before */
    const edt_rule *r = NULL;
    long j = any_ref ? match(c, p, EDT_RULE_CODE_FIRST, -1, i, i + 1, n_dx, &r) : -1;
    if (j >= 0) {
        mc_cm_note n;
        char owner[32];
        rule_note(c, i, r, &n, owner, sizeof owner);
        mc_edit *e = mc__chk_add(c, "CODE_FIRST_SEQUENCE", MC_EDIT_WARNING,
                                 "ICD-10-CM Tabular, %s Code first (Section I.A.13)", owner);
        mc__chk_code(e, c->dx[j].dotted);
        mc__chk_code(e, c->dx[i].dotted);
        mc__chk_msg(e, "%s should be sequenced before %s (\"Code first\" at %s)", c->dx[j].dotted,
                    c->dx[i].dotted, owner);
        return;
    }
    if (!(p->flags & EDT_P_MANIFESTATION) || i == 0)
        return;
    /* A manifestation listed after other codes but none of its named etiologies:
     * the note's list may be examples ("such as"), hence a warning. */
    mc_edit *e = mc__chk_add(c, "MANIFESTATION_NO_ETIOLOGY", MC_EDIT_WARNING,
                             "ICD-10-CM Guidelines Section I.A.13 (etiology/manifestation)");
    mc__chk_code(e, c->dx[i].dotted);
    mc__chk_msg(e, "%s is a manifestation code; %sthe underlying condition must be coded and "
                   "sequenced before it",
                c->dx[i].dotted,
                any_ref ? "none of the conditions its \"Code first\" note names is reported; " : "");
}

static void use_additional(chk *c, uint32_t i, const edt_profile *p)
{
    for (uint32_t q = 0; q < p->n; q++) {
        const edt_rule *r = &p->r[q];
        if (r->kind != EDT_RULE_USE_ADD || (q > 0 && p->r[q - 1].kind == EDT_RULE_USE_ADD &&
                                            p->r[q - 1].note == r->note))
            continue; /* one check per note, at its first range */
        if (match(c, p, EDT_RULE_USE_ADD, r->note, i, 0, c->enc->n_diagnoses, NULL) >= 0)
            continue;
        mc_cm_note n;
        char owner[32];
        rule_note(c, i, r, &n, owner, sizeof owner);
        mc_edit *e = mc__chk_add(c, "USE_ADDITIONAL_MISSING", MC_EDIT_WARNING,
                                 "ICD-10-CM Tabular, %s Use additional code (Section I.A.13)",
                                 owner);
        mc__chk_code(e, c->dx[i].dotted);
        mc__chk_msg(e, "%s: use additional \"%.*s\"; none is reported, add it when documented",
                    c->dx[i].dotted, text_len(&n, 200), n.text.p);
    }
}

void mc__chk_tabular(chk *c)
{
    static _Thread_local edt_profile prof; /* 18 KB: off the stack, one per thread */
    static _Thread_local uint32_t order[MC_ENC_MAX_DIAGNOSES];
    sorted s = { 0, order };
    for (uint32_t i = 0; i < c->enc->n_diagnoses; i++)
        if (c->dx[i].valid)
            order[s.n++] = i;
    /* insertion sort: encounters hold a handful of codes */
    for (uint32_t a = 1; a < s.n; a++) {
        uint32_t v = order[a], b = a;
        while (b > 0 && memcmp(c->dx[order[b - 1]].code, c->dx[v].code, 8) > 0) {
            order[b] = order[b - 1];
            b--;
        }
        order[b] = v;
    }
    for (uint32_t i = 0; i < c->enc->n_diagnoses && !c->rc && !c->rep->truncated; i++) {
        if (!c->dx[i].valid)
            continue;
        bool repeated = false;
        for (uint32_t j = 0; j < i && !repeated; j++)
            repeated = c->dx[j].valid && !memcmp(c->dx[j].code, c->dx[i].code, 8);
        if (repeated || mc__edt_profile(c->ed, c->dx[i].id, &prof) != MC_OK)
            continue;
        excludes1(c, i, &prof, &s);
        bool manif = (prof.flags & EDT_P_MANIFESTATION) != 0;
        if (manif && i == 0 && !(c->inpatient && (c->dx[0].mce & EDT_F(MANIFESTATION)))) {
            mc_edit *e = mc__chk_add(c, "MANIFESTATION_PRINCIPAL", MC_EDIT_ERROR,
                                     "ICD-10-CM Guidelines Section I.A.13 (etiology/manifestation)");
            mc__chk_code(e, c->dx[0].dotted);
            mc__chk_msg(e, "%s is a manifestation code (\"in diseases classified elsewhere\"); "
                           "it is never the principal or first-listed diagnosis, code the "
                           "underlying condition first",
                        c->dx[0].dotted);
        }
        if (prof.flags & EDT_P_CODE_FIRST)
            code_first(c, i, &prof);
        use_additional(c, i, &prof);
        if (i > 0 && (prof.flags & EDT_P_PRINCIPAL_ONLY)) {
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
