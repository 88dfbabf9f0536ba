/*
 * Personal and family history (Official Guidelines Section I.C.21.c.4,
 * I.C.2.d), at mention level, after assertion and before the coding decision:
 *
 * - A personal-history index path ("History, personal, thrombosis" reached
 *   through "history of DVT" or a past-history section) said of a relative
 *   ("Family history: father had a stroke") is not the patient's: the path
 *   is dropped and the condition it had replaced comes back, as a family
 *   mention.
 * - A family mention that no "History, family" index path covers ("Father
 *   with colon cancer", "Mother had an MI") becomes the family-history code
 *   (Z80-Z84) whose tabular inclusion term "Conditions classifiable to ..."
 *   holds the condition's code: colon cancer C18.9 -> Z80.0 (C15-C26),
 *   myocardial infarction I21.9 -> Z82.49 (I00-I52, I65-I99), stroke I63.9
 *   -> Z82.3 (I60-I64), diabetes E11.9 -> Z83.3 (E08-E13). The most specific
 *   inclusion wins (a code's own note before one inherited from its category;
 *   among codes sharing one, the one whose title shares a word with the
 *   condition, else the residual "other" code, last in code order).
 * - An allergy list gives allergy status (History, personal, allergy,
 *   penicillin: Z88.0), not the reaction it names.
 * - A personal history of a malignant or benign neoplasm (Z85, Z86.0) is
 *   not reported when the note states the same neoplasm as current
 *   elsewhere (Section I.C.2.d: the history code is for a malignancy
 *   excised or eradicated, with no further treatment and no evidence of it).
 *
 * Chronic conditions listed under past medical history (diabetes,
 * hypertension, COPD, CKD) have no "History, personal" path, so they stay
 * coded as current conditions.
 *
 * Annotation mode (opts.all_mentions) keeps every mention's own code.
 */
#include "coder/coder_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool path_starts(const lex_entry *e, const char *w)
{
    size_t n = strlen(w);
    return e->path.n >= n && !memcmp(e->path.p, w, n);
}

static bool path_has(const lex_entry *e, const char *w)
{
    size_t n = strlen(w);
    for (size_t i = 0; i + n <= e->path.n; i++)
        if (!memcmp(e->path.p + i, w, n))
            return true;
    return false;
}

/* A "History > personal ..." path (or one reached through "History" of a condition). */
static bool personal_path(const lex_entry *e)
{
    return e->src == LEX_INDEX && (e->code[0] == 'Z' || !strncmp(e->code, "I25.2", 5)) &&
           path_starts(e, "History") && !path_has(e, "family");
}

static bool family_code(const char *code)
{
    return code[0] == 'Z' && code[1] == '8' && code[2] >= '0' && code[2] <= '4';
}

/* Undotted code of an entry (without '-'). */
static void entry_code(const lex_entry *e, char out[9])
{
    size_t k = 0;
    for (const char *p = e->code; *p && k < 7; p++)
        if (*p != '.' && *p != '-')
            out[k++] = *p;
    out[k] = 0;
}

/* Does title t share a content word (8+ letters, its first n-2 inside u) with u? */
static bool titles_share(mc_str t, mc_str u)
{
    static const char *const skip[] = { "family", "history", "other", "disease", "diseases",
                                        "disorder", "disorders", "personal", "malignant",
                                        "neoplasm", "conditions", "unspecified" };
    size_t i = 0;
    while (i < t.n) {
        while (i < t.n && !((t.p[i] | 32) >= 'a' && (t.p[i] | 32) <= 'z'))
            i++;
        size_t s = i;
        while (i < t.n && ((t.p[i] | 32) >= 'a' && (t.p[i] | 32) <= 'z'))
            i++;
        size_t n = i - s;
        if (n < 5)
            continue;
        bool skipped = false;
        for (size_t k = 0; k < sizeof skip / sizeof skip[0] && !skipped; k++)
            skipped = strlen(skip[k]) == n && !strncasecmp(t.p + s, skip[k], n);
        if (skipped)
            continue;
        /* compare the word without its last two letters (plural, adjective endings) */
        size_t stem = n - 2;
        if (stem < 6)
            continue;
        for (size_t j = 0; j + stem <= u.n; j++)
            if (!strncasecmp(u.p + j, t.p + s, stem))
                return true;
    }
    return false;
}

/* Undotted code in p[0..n) into out (at most 7 characters); returns its length. */
static size_t code_token(const char *p, size_t n, char out[8])
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < 7; i++) {
        char c = p[i];
        if (c == '.')
            continue;
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            break;
        out[k++] = c;
    }
    out[k] = 0;
    return k;
}

/*
 * Does "Conditions classifiable to I00-I52, I65-I99" (or "C50.-", "C18")
 * hold undotted code cond? *width gets 0 for a single category, 1 for a range.
 */
static bool classifiable_text(mc_str t, const char *cond, int *width)
{
    const char *p = t.p + 26, *end = t.p + t.n;
    while (p < end) {
        while (p < end && (*p == ' ' || *p == ',' || *p == 't' || *p == 'o'))
            p++; /* the "to" and separators */
        const char *item = p;
        while (p < end && *p != ',')
            p++;
        size_t n = (size_t)(p - item);
        char lo[8], hi[8];
        const char *dash = NULL;
        for (size_t i = 1; i + 1 < n; i++)
            if (item[i] == '-' && item[i + 1] != ' ' && item[i - 1] != '.')
                dash = item + i;
        size_t ll = code_token(item, dash ? (size_t)(dash - item) : n, lo);
        if (ll < 3)
            continue;
        size_t hl = dash ? code_token(dash + 1, (size_t)(end - dash - 1), hi) : 0;
        if (!dash)
            memcpy(hi, lo, sizeof hi);
        else if (hl != ll)
            continue;
        if (strlen(cond) < ll)
            continue;
        if (strncmp(cond, lo, ll) >= 0 && strncmp(cond, hi, ll) <= 0) {
            *width = dash ? 1 : 0;
            return true;
        }
    }
    return false;
}

/*
 * The history code among prefixes [lo, hi] (e.g. "Z80".."Z84") whose
 * inclusion term "Conditions classifiable to ..." holds code cond. Returns
 * true and fills out (undotted).
 */
static bool classifiable(const run *r, const char *cond, const char *lo, const char *hi,
                         char out[8])
{
    mc_codeset *cs = r->c->cs;
    if (!cs)
        return false;
    mc_cm_code cc;
    if (mc_cm_lookup(cs, cond, strlen(cond), &cc) != MC_OK)
        return false;
    uint32_t first, count;
    if (mc_cm_prefix_range(cs, "Z8", 2, &first, &count) != MC_OK)
        return false;
    int best_score = -1;
    bool best_share = false;
    mc_cm_note notes[24];
    for (uint32_t id = first; id < first + count; id++) {
        mc_cm_code zc;
        if (mc_cm_get(cs, id, &zc) != MC_OK || !zc.billable)
            continue;
        if (strncmp(zc.code, lo, 3) < 0 || strncmp(zc.code, hi, 3) > 0)
            continue;
        uint32_t nn = mc_cm_notes(cs, id, true, notes, 24);
        if (nn > 24)
            nn = 24;
        for (uint32_t k = 0; k < nn; k++) {
            const mc_cm_note *no = &notes[k];
            if (no->kind != MC_NOTE_INCLUSION || no->level != MC_LEVEL_CODE ||
                no->text.n < 26 || strncasecmp(no->text.p, "Conditions classifiable to", 26))
                continue;
            int width = 0;
            bool in = classifiable_text(no->text, cond, &width);
            if (!in)
                continue;
            mc_cm_code owner;
            int depth = mc_cm_get(cs, no->owner, &owner) == MC_OK ? owner.length : 3;
            int score = depth * 4 + (1 - width) * 2;
            bool share = titles_share(zc.long_title, cc.long_title);
            /* later codes of equal score win unless an earlier one shares a word */
            if (score > best_score || (score == best_score && (share || !best_share))) {
                best_score = score;
                best_share = share;
                mc__strlcpy(out, zc.code, 8);
            }
            break;
        }
    }
    return best_score >= 0;
}

/* Does title t hold word w (case-insensitive, at a word start)? */
static bool title_word(mc_str t, const char *w)
{
    size_t n = strlen(w);
    for (size_t i = 0; i + n <= t.n; i++)
        if ((i == 0 || t.p[i - 1] == ' ' || t.p[i - 1] == '(') && !strncasecmp(t.p + i, w, n))
            return true;
    return false;
}

/* The first billable code under prefix whose title holds words (undotted into out), or "". */
static void z_with_title(const run *r, const char *prefix, const char *words, char out[8])
{
    uint32_t first, count;
    out[0] = 0;
    mc__lex_prefix(r->c->lex, prefix, &first, &count);
    for (uint32_t i = first; i < first + count; i++) {
        const lex_code *c = &r->c->lex->codes[i];
        if (c->billable && title_word(c->title, words)) {
            mc__strlcpy(out, c->code, 8);
            return;
        }
    }
}

static void restore_replaced(run *r, uint32_t h)
{
    for (uint32_t i = 0; i < r->n_m; i++) {
        mention *c = &r->m[i];
        if (!c->dropped || c->dropped_by != h)
            continue;
        c->dropped = false;
        c->dropped_by = UINT32_MAX;
        c->assert = mc__nlp_assert(r->doc, c->sentence, c->first, c->last, &c->trigger);
    }
}

/*
 * Is the family mention a relative's condition as stated: in the family
 * history section, or right after the relative's word in the same clause
 * ("Mother had breast cancer", "one uncle who died of lung cancer"), not a
 * mention that merely shares a sentence with one ("discussed with the
 * mother, to include infections, bleeding")?
 */
static bool related(const run *r, const mention *m)
{
    const mc_nlp_doc *d = r->doc;
    if (d->sections[d->sentences[m->sentence].section].kind == MC_SEC_FAMILY)
        return true;
    uint32_t t = m->trigger;
    if (t == UINT32_MAX || t >= d->n_tokens)
        return false;
    if (t > m->last)
        return true; /* "colon cancer in her mother" */
    if (m->first - t > 6)
        return false;
    for (uint32_t k = t + 1; k <= m->first; k++)
        if (d->tokens[k].flags & (NLP_TOK_COMMA | NLP_TOK_BREAK))
            return false;
    return true;
}

/* Does mention m take its "history" (or "family") word from the context rather than the note? */
static bool virtual_word(const run *r, const mention *m, uint32_t id)
{
    const lex_entry *e = mc__cac_entry(r, m->entry);
    for (uint32_t j = 0; j < m->npos && j < e->ntok; j++)
        if (e->tk[j] == id && m->pos[j] == POS_VIRTUAL)
            return true;
    return false;
}

void mc__cac_history(run *r)
{
    if (r->opts->all_mentions)
        return;
    /*
     * A history path reached through the context's "history"/"family" word
     * holds only inside that context's scope: "... prior stent. Risks including
     * bleeding, infection, deep venous thrombosis" is not a history of DVT.
     */
    uint32_t id_hist = mc__lex_stem_id(r->c->lex, "histori", 7);
    uint32_t id_fam = mc__lex_stem_id(r->c->lex, "famili", 6);
    for (uint32_t i = 0; i < r->n_m; i++) {
        mention *h = &r->m[i];
        if (h->dropped || h->procedure || mc__cac_entry(r, h->entry)->src != LEX_INDEX)
            continue;
        if (mc__cac_allergy_section(r, h->sentence))
            continue; /* an allergy list is the patient's history */
        bool vh = id_hist != LEX_NONE && virtual_word(r, h, id_hist);
        bool vf = id_fam != LEX_NONE && virtual_word(r, h, id_fam);
        if ((vh && !(h->assert & (MC_ASSERT_HISTORICAL | MC_ASSERT_FAMILY))) ||
            (vf && !(h->assert & MC_ASSERT_FAMILY))) {
            h->dropped = true;
            restore_replaced(r, i);
        }
    }
    /* a personal history path said of a relative is not the patient's */
    for (uint32_t i = 0; i < r->n_m; i++) {
        mention *h = &r->m[i];
        if (h->dropped || h->procedure || !(h->assert & MC_ASSERT_FAMILY))
            continue;
        if (!personal_path(mc__cac_entry(r, h->entry)))
            continue;
        h->dropped = true;
        restore_replaced(r, i);
    }
    /*
     * An allergy list documents allergy status (Z88.-, Z91.0-), not a current
     * reaction: "Penicillin (hives)" gives Z88.0, not urticaria.
     */
    for (uint32_t i = 0; i < r->n_m; i++) {
        mention *m = &r->m[i];
        if (!m->dropped && !m->procedure && mc__cac_entry(r, m->entry)->code[0] != 'Z' &&
            mc__cac_allergy_section(r, m->sentence))
            m->dropped = true;
    }
    /* family mentions without a "History, family" path: Z80-Z84 by classification */
    for (uint32_t i = 0; i < r->n_m && !r->err; i++) {
        mention *m = &r->m[i];
        if (m->dropped || m->procedure || !(m->assert & MC_ASSERT_FAMILY) ||
            (m->assert & (MC_ASSERT_NEGATED | MC_ASSERT_HYPOTHETICAL)))
            continue;
        const lex_entry *e = mc__cac_entry(r, m->entry);
        /* diseases only: not symptoms, injuries, poisonings, pregnancy or Z codes */
        char c0 = e->code[0];
        if (e->src == LEX_LEARNED || c0 == 'Z' || c0 == 'R' || c0 == 'S' || c0 == 'T' ||
            c0 == 'O' || c0 == 'P' || (c0 >= 'V' && c0 <= 'Y'))
            continue;
        if (!related(r, m))
            continue;
        bool covered = false;
        for (uint32_t j = 0; j < r->n_m && !covered; j++) {
            const mention *f = &r->m[j];
            covered = j != i && !f->dropped && !f->procedure && f->sentence == m->sentence &&
                      f->first <= m->first && f->last >= m->last &&
                      family_code(mc__cac_entry(r, f->entry)->code);
        }
        if (covered)
            continue;
        uint32_t nq = r->n_q;
        mc__cac_resolve(r, m);
        r->n_q = nq; /* the relative's condition raises no query */
        char z[8];
        if (!m->code[0] || !classifiable(r, m->code, "Z80", "Z84", z) ||
            !strncmp(z, "Z848", 4)) {
            m->code[0] = 0; /* none, or only "other specified conditions" (Z84.8-) */
            continue;
        }
        char dotted[9];
        mc_cm_dotted(m->code, dotted);
        m->rule = mc__cac_printf(r, "Guidelines I.C.21.c.4: family history; %.3s.%s includes "
                                    "conditions classifiable to %s",
                                 z, z + 3, dotted);
        mc__strlcpy(m->code, z, sizeof m->code);
        m->assert &= ~(unsigned)MC_ASSERT_FAMILY;
    }
    /*
     * "History of appendicitis", "history of acute pancreatitis", "history of
     * hip fracture": an acute or injury condition stated as history, with no
     * "History, personal" path, is no current condition (I.C.21.c.4): it gets
     * the personal history code whose inclusion term holds it (Z87.19 for
     * K00-K93, Z87.448 for N00-N99, Z87.828 for injuries; a fracture the
     * "traumatic fracture" history code), else it is not coded. Only for an
     * explicit history trigger: a past-history list also holds chronic
     * conditions that persist.
     */
    for (uint32_t i = 0; i < r->n_m && !r->err; i++) {
        mention *m = &r->m[i];
        if (m->dropped || m->procedure || !(m->assert & MC_ASSERT_HISTORICAL) ||
            m->trigger == UINT32_MAX ||
            (m->assert & (MC_ASSERT_NEGATED | MC_ASSERT_HYPOTHETICAL | MC_ASSERT_FAMILY)))
            continue;
        const lex_entry *e = mc__cac_entry(r, m->entry);
        if (e->src == LEX_LEARNED || e->code[0] == 'Z' || e->code[0] == 'R' || personal_path(e))
            continue;
        uint32_t nq = r->n_q;
        mc__cac_resolve(r, m);
        r->n_q = nq;
        if (!m->code[0])
            continue;
        const lex_code *lc = mc__cac_code(r, m->code);
        bool fracture = lc && title_word(lc->title, "fracture");
        bool episodic = lc && ((title_word(lc->title, "acute") && !title_word(lc->title, "chronic")) ||
                               m->code[0] == 'S' ||
                               (m->code[0] == 'K' && m->code[1] == '3' && m->code[2] >= '5' &&
                                m->code[2] <= '7'));
        if (!episodic) {
            m->code[0] = 0; /* a condition that persists: coded as documented */
            continue;
        }
        char z[8] = "";
        if (fracture && !title_word(lc->title, "pathological"))
            z_with_title(r, "Z87", "traumatic fracture", z);
        if (!z[0] && !classifiable(r, m->code, "Z85", "Z87", z))
            z[0] = 0;
        if (!z[0]) {
            mc_coder_span sp = mc__cac_span(r, m);
            mc__cac_not_coded(r, sp.start, sp.end, "history of a resolved condition");
            m->dropped = true;
            continue;
        }
        m->rule = mc__cac_printf(r, "Guidelines I.C.21.c.4: personal history of a condition that "
                                    "no longer exists (%.3s.%s)",
                                 z, z + 3);
        mc__strlcpy(m->code, z, sizeof m->code);
    }
    /* Section I.C.2.d: no history of a neoplasm the note states as current */
    for (uint32_t i = 0; i < r->n_m; i++) {
        mention *h = &r->m[i];
        if (h->dropped || h->procedure)
            continue;
        const lex_entry *eh = mc__cac_entry(r, h->entry);
        if (!personal_path(eh) || !(!strncmp(eh->code, "Z85", 3) || !strncmp(eh->code, "Z86.0", 5)))
            continue;
        bool current = false;
        for (uint32_t k = 0; k < r->n_m && !current; k++) {
            const mention *c = &r->m[k];
            if (!c->dropped || c->dropped_by != i)
                continue;
            char cc[9];
            entry_code(mc__cac_entry(r, c->entry), cc);
            for (uint32_t j = 0; j < r->n_m && !current; j++) {
                const mention *d = &r->m[j];
                if (j == k || d->dropped || d->procedure || d->sentence == h->sentence ||
                    (d->assert & (MC_ASSERT_NEGATED | MC_ASSERT_FAMILY | MC_ASSERT_HYPOTHETICAL |
                                  MC_ASSERT_HISTORICAL)))
                    continue;
                char dc[9];
                entry_code(mc__cac_entry(r, d->entry), dc);
                current = strlen(cc) >= 3 && !strncmp(cc, dc, 3);
            }
        }
        if (current)
            h->dropped = true;
    }
}
