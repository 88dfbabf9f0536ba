/*
 * Guideline rules over the whole note.
 *
 * Mention level (before the coding decision), mc__cac_rules:
 * - Section I.A.15 "with": the classification presumes a causal link between
 *   conditions joined by "with" in the Alphabetic Index, even when the note
 *   states them apart ("Type 2 DM." ... "CKD stage 3."). A mention of the
 *   head of a "with" path (Diabetes, type 2) combines with a positive
 *   mention elsewhere that names the tail (chronic kidney disease) into the
 *   combination code (E11.22); the tail's own code stays when it adds
 *   information (N18.3x, the stage) as the "use additional" note asks.
 *   The same pairing gives the hypertension combinations of Section
 *   I.C.9.a (hypertension with heart disease I11, with CKD I12, both I13).
 *
 * Code level (after it), mc__cac_sequence:
 * - Section I.B.4-5: signs and symptoms that are routinely part of a
 *   definitive diagnosis are not coded: a symptom code (R00-R99) stated in
 *   the same sentence as a definitive diagnosis, or only outside the
 *   diagnostic statement when the diagnostic statement has a definitive
 *   diagnosis, is dropped.
 * - Section II (inpatient): the principal diagnosis, "the condition
 *   established after study to be chiefly responsible", is taken from the
 *   principal/discharge diagnosis statement first, then the assessment, and
 *   is never a manifestation code (Section I.A.13) nor a Z/external-cause
 *   code when another candidate exists. Section IV.A (outpatient): the
 *   first-listed code is chosen the same way but not flagged principal.
 */
#include "coder/coder_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

/* Sign and symptom codes: chapter 18 and the pain codes of chapter 13 (joint, back, limb). */
static bool is_symptom(const char *code)
{
    return code[0] == 'R' || !strncmp(code, "M54", 3) || !strncmp(code, "M25.5", 5) ||
           !strncmp(code, "M79.6", 5);
}
static bool is_definitive(const char *code)
{
    return code[0] != 'R' && code[0] != 'Z' && !(code[0] >= 'V' && code[0] <= 'Y');
}

/* Stems of an entry's head (before "with") as a sorted key list; returns count. */
static uint32_t head_ids(const lex_entry *e, uint32_t n, uint32_t *out)
{
    for (uint32_t i = 0; i < n; i++)
        out[i] = e->tk[i];
    for (uint32_t i = 1; i < n; i++)
        for (uint32_t j = i; j > 0 && out[j - 1] > out[j]; j--) {
            uint32_t t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return n;
}

/* Does mention b name (at least) the stems ids[0..n)? */
static bool mention_has(const run *r, const mention *b, const uint32_t *ids, uint32_t n)
{
    const lex_entry *eb = mc__cac_entry(r, b->entry);
    for (uint32_t i = 0; i < n; i++) {
        bool f = false;
        for (uint32_t j = 0; j < eb->ntok && !f; j++)
            f = eb->tk[j] == ids[i];
        if (!f)
            return false;
    }
    return true;
}

static bool positive(const mention *m)
{
    return !(m->assert & (MC_ASSERT_NEGATED | MC_ASSERT_FAMILY | MC_ASSERT_HYPOTHETICAL));
}

/*
 * Section I.A.15: for each positive mention A whose words are the head of
 * some "with" entry E (all of them, or all but one), and a positive mention
 * B in another sentence naming E's tail, A takes E's code (the longest head,
 * then the same source, then the longest entry wins). Candidate entries are
 * those anchored at a word of some positive mention: E is anchored at one of
 * A's or B's words.
 */
/*
 * Is e's link one the classification presumes (Section I.A.15: "with", "in")?
 * "due to", "secondary to", "following" need the provider's statement of the
 * link, so they are not paired across sentences.
 */
static bool with_link(const lex_entry *e)
{
    const char *p = e->path.p, *end = e->path.p + e->path.n;
    bool with = false;
    for (const char *q = p; q + 4 <= end; q++) {
        if ((q + 6 <= end && !memcmp(q, "due to", 6)) ||
            (q + 9 <= end && !memcmp(q, "secondary", 9)))
            return false;
        if (q + 20 <= end && !memcmp(q, "classified elsewhere", 20))
            return false; /* a manifestation's "in diseases classified elsewhere" */
        bool word_end = q + 4 == end || q[4] == ' ';
        if ((q == p || q[-1] == ' ') && word_end && !memcmp(q, "with", 4))
            with = true;
        /* the subterm "in" alone ("Anemia > in > chronic kidney disease"), not "in situ" */
        if (!memcmp(q, "> in", 4) && (q + 4 == end || (q + 6 <= end && !memcmp(q + 4, " >", 2))))
            with = true;
    }
    return with;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void with_convention(run *r)
{
    const mc__lex *lx = r->c->lex;
    /* candidate "with" entries, found once through the words of every positive mention */
    uint32_t *cand = NULL;
    uint32_t nc = 0, cc = 0;
    for (uint32_t j = 0; j < r->n_m; j++) {
        mention *b = &r->m[j];
        if (b->dropped || b->procedure || !positive(b))
            continue;
        const lex_entry *eb = mc__cac_entry(r, b->entry);
        if (eb->src == LEX_LEARNED)
            continue;
        for (uint32_t t = 0; t < eb->ntok; t++) {
            uint32_t id = eb->tk[t];
            for (uint32_t q = lx->anchor_at[id]; q < lx->anchor_at[id + 1]; q++) {
                uint32_t ei = lx->anchor_list[q];
                if (!lx->entries[ei].with_split || lx->entries[ei].ntok > 16)
                    continue;
                uint32_t *w = mc__cac_push(r, (void **)&cand, &nc, &cc, sizeof *w);
                if (!w)
                    return;
                *w = ei;
            }
        }
    }
    if (!nc)
        return;
    qsort(cand, nc, sizeof *cand, cmp_u32);
    /* unique candidates whose path links by "with" (decided once per entry, not per mention) */
    uint32_t u = 0;
    for (uint32_t k = 0; k < nc; k++)
        if ((!u || cand[u - 1] != cand[k]) && with_link(&lx->entries[cand[k]]))
            cand[u++] = cand[k];
    nc = u;
    for (uint32_t i = 0; i < r->n_m; i++) {
        mention *a = &r->m[i];
        if (a->dropped || a->procedure || !positive(a))
            continue;
        const lex_entry *ea = mc__cac_entry(r, a->entry);
        if (ea->with_split || ea->ntok > 8 || ea->src == LEX_LEARNED)
            continue;
        uint32_t aw[8];
        uint32_t na = head_ids(ea, ea->ntok, aw);
        uint32_t best_e = LEX_NONE, best_b = UINT32_MAX;
        for (uint32_t k = 0; k < nc; k++) {
            const lex_entry *e = &lx->entries[cand[k]];
            /*
             * e's head is a's words, or all but one of them: the title mention
             * "Type 2 diabetes mellitus" heads the index path "Diabetes, type 2,
             * with ..." as well as the title of E11.22
             */
            if (e->with_split > na || (uint32_t)e->with_split + 1u < na)
                continue;
            uint32_t hw[16];
            head_ids(e, e->with_split, hw);
            bool in_a = true;
            for (uint32_t x = 0, y = 0; x < e->with_split && in_a; x++) {
                while (y < na && aw[y] < hw[x])
                    y++;
                in_a = y < na && aw[y] == hw[x];
            }
            if (!in_a)
                continue;
            const lex_entry *be = best_e == LEX_NONE ? NULL : &lx->entries[best_e];
            if (be && !(e->with_split > be->with_split ||
                         (e->with_split == be->with_split &&
                          ((e->src == ea->src) > (be->src == ea->src) ||
                           ((e->src == ea->src) == (be->src == ea->src) && e->ntok > be->ntok)))))
                continue;
            /* the tail must be named by a positive mention b in another sentence */
            for (uint32_t j = 0; j < r->n_m; j++) {
                const mention *b = &r->m[j];
                if (j == i || b->dropped || b->procedure || !positive(b) ||
                    b->sentence == a->sentence || mc__cac_entry(r, b->entry)->src == LEX_LEARNED)
                    continue;
                if (!mention_has(r, b, e->tk + e->with_split, e->ntok - e->with_split))
                    continue;
                /* b is not another mention of a's own condition */
                if (mention_has(r, b, hw, e->with_split))
                    continue;
                best_e = cand[k];
                best_b = j;
                break;
            }
        }
        if (best_e == LEX_NONE)
            continue;
        a->entry = best_e;
        a->rule = mc__cac_printf(r, "Guidelines I.A.15 (\"with\"): linked to \"%.*s\" stated "
                                    "elsewhere in the note",
                                 (int)(r->doc->tokens[r->m[best_b].last].end -
                                       r->doc->tokens[r->m[best_b].first].start),
                                 r->text + r->doc->tokens[r->m[best_b].first].start);
    }
}

void mc__cac_rules(run *r)
{
    if (!r->opts->all_mentions)
        with_convention(r);
    mc__cac_history(r);
}

static void drop_dx(run *r, uint32_t i, const char *reason)
{
    mc_coded *c = &r->dx[i];
    if (reason && c->n_evidence)
        mc__cac_not_coded(r, c->evidence[0].start, c->evidence[0].end, reason);
    memmove(&r->dx[i], &r->dx[i + 1], (r->n_dx - i - 1) * sizeof *r->dx);
    memmove(&r->meta[i], &r->meta[i + 1], (r->n_meta - i - 1) * sizeof *r->meta);
    r->n_dx--;
    r->n_meta--;
}

static int cmp_seq(const void *a, const void *b, void *ctx)
{
    const run *r = ctx;
    const coded_meta *x = &r->meta[*(const uint32_t *)a];
    const coded_meta *y = &r->meta[*(const uint32_t *)b];
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void undot(const char *code, char out[8])
{
    size_t k = 0;
    for (const char *p = code; *p && k < 7; p++)
        if (*p != '.')
            out[k++] = *p;
    out[k] = 0;
}

static int find_prefix(const run *r, const char *prefix)
{
    size_t n = strlen(prefix);
    for (uint32_t i = 0; i < r->n_dx; i++) {
        char u[8];
        undot(r->dx[i].code, u);
        if (!strncmp(u, prefix, n))
            return (int)i;
    }
    return -1;
}

/* Replace diagnosis i by code (undotted) when the code set has it. */
static bool replace_dx(run *r, uint32_t i, const char *code, const char *why)
{
    const lex_code *lc = mc__cac_code(r, code);
    if (!lc || !lc->billable)
        return false;
    mc_coded *c = &r->dx[i];
    snprintf(c->code, sizeof c->code, "%.3s.%s", code, code + 3);
    c->title = lc->title;
    c->rationale = mc__cac_printf(r, "%s; %s", c->rationale, why);
    return true;
}

/*
 * Section I.C.9.a: hypertension with heart disease (I11), with chronic kidney
 * disease (I12), or both (I13) are presumed linked; the heart failure (I50)
 * and CKD stage (N18) codes stay as the "use additional code" notes ask.
 */
static bool is_htn_code(const char *c)
{
    return !strcmp(c, "I10") || !strncmp(c, "I11", 3) || !strncmp(c, "I12", 3) ||
           !strncmp(c, "I13", 3);
}

static void hypertension_rule(run *r)
{
    int h = -1;
    bool heart = false, ckd = find_prefix(r, "N18") >= 0, hf = find_prefix(r, "I50") >= 0;
    bool esrd = find_prefix(r, "N185") >= 0 || find_prefix(r, "N186") >= 0;
    for (uint32_t i = 0; i < r->n_dx; i++) {
        const char *c = r->dx[i].code;
        if (!is_htn_code(c))
            continue;
        /* what a combination code already says (the "with" path of the Index) */
        heart |= !strncmp(c, "I11", 3) || !strncmp(c, "I13", 3);
        ckd |= !strncmp(c, "I12", 3) || !strncmp(c, "I13", 3);
        hf |= !strcmp(c, "I11.0") || !strcmp(c, "I13.0") || !strcmp(c, "I13.2");
        esrd |= !strcmp(c, "I12.0") || !strcmp(c, "I13.11") || !strcmp(c, "I13.2");
        if (h < 0)
            h = (int)i;
    }
    if (h < 0)
        return;
    /* one hypertension code: the others merge into the first */
    for (uint32_t i = (uint32_t)h + 1; i < r->n_dx;) {
        if (is_htn_code(r->dx[i].code)) {
            memmove(&r->dx[i], &r->dx[i + 1], (r->n_dx - i - 1) * sizeof *r->dx);
            memmove(&r->meta[i], &r->meta[i + 1], (r->n_meta - i - 1) * sizeof *r->meta);
            r->n_dx--;
            r->n_meta--;
        } else {
            i++;
        }
    }
    heart |= hf;
    if (!ckd && !heart)
        return;
    const char *code = heart && ckd ? (hf ? (esrd ? "I132" : "I130") : (esrd ? "I1311" : "I1310"))
                       : heart      ? (hf ? "I110" : "I119")
                                    : (esrd ? "I120" : "I129");
    /* the combination code is sequenced where the heart failure or CKD was (I.C.9.a) */
    int partner = hf ? find_prefix(r, "I50") : find_prefix(r, "N18");
    if (partner >= 0) {
        coded_meta *hm = &r->meta[h], *pm = &r->meta[partner];
        if (pm->prio > hm->prio)
            hm->prio = pm->prio + 0.01f;
        if (pm->pos < hm->pos)
            hm->pos = pm->pos;
        hm->diagnostic |= pm->diagnostic;
    }
    char cur[8];
    undot(r->dx[h].code, cur);
    if (strcmp(cur, code) != 0)
        replace_dx(r, (uint32_t)h, code,
                   heart && ckd ? "Guidelines I.C.9.a.3: hypertension with heart disease and "
                                  "chronic kidney disease"
                   : heart      ? "Guidelines I.C.9.a.1: hypertension with heart disease presumed "
                                  "linked"
                                : "Guidelines I.C.9.a.2: hypertension with chronic kidney disease "
                                  "presumed linked");
}

/*
 * Section I.B.2 / I.A.9: an unspecified code is not reported beside a more
 * specific code of the same subcategory ("heart failure" and "acute on
 * chronic systolic heart failure" -> I50.23 only; E11.9 "without
 * complications" beside E11.22).
 */
static void drop_unspecified_siblings(run *r)
{
    for (uint32_t i = 0; i < r->n_dx;) {
        char a[8];
        undot(r->dx[i].code, a);
        mc_str t = r->dx[i].title;
        bool unsp = false;
        for (uint32_t k = 0; k + 11 <= t.n && !unsp; k++)
            unsp = !strncasecmp(t.p + k, "unspecified", 11) ||
                   (k + 20 <= t.n && !strncasecmp(t.p + k, "without complication", 20));
        bool drop = false;
        size_t al = strlen(a);
        if (unsp && al > 3) {
            for (uint32_t j = 0; j < r->n_dx && !drop; j++) {
                char b[8];
                undot(r->dx[j].code, b);
                drop = j != i && strlen(b) >= al && !strncmp(a, b, al - 1) && strcmp(a, b) != 0;
            }
        }
        if (drop) {
            memmove(&r->dx[i], &r->dx[i + 1], (r->n_dx - i - 1) * sizeof *r->dx);
            memmove(&r->meta[i], &r->meta[i + 1], (r->n_meta - i - 1) * sizeof *r->meta);
            r->n_dx--;
            r->n_meta--;
        } else {
            i++;
        }
    }
}

/*
 * Section II: the principal diagnosis is the condition "chiefly responsible
 * for occasioning the admission". A condition the note says the patient was
 * admitted with or for ("admitted with acute on chronic systolic heart
 * failure", "admitted to the hospital for pneumonia") ranks above the
 * discharge diagnosis list order (not above a stated principal diagnosis).
 */
static void admitted_for(run *r)
{
    const mc_nlp_doc *d = r->doc;
    for (uint32_t i = 0; i < r->n_dx; i++) {
        bool hit = false;
        for (uint32_t v = 0; v < r->dx[i].n_evidence && !hit; v++) {
            uint32_t start = r->dx[i].evidence[v].start, k = UINT32_MAX;
            for (uint32_t t = 0; t < d->n_tokens; t++)
                if (d->tokens[t].start == start) {
                    k = t;
                    break;
                }
            if (k == UINT32_MAX)
                continue;
            bool link = false;
            for (uint32_t b = k; b > 0 && k - b < 7 && !hit; b--) {
                const mc_nlp_token *t = &d->tokens[b - 1];
                if (t->sentence != d->tokens[k].sentence || (d->tokens[b].flags & NLP_TOK_BREAK))
                    break;
                if (!strcmp(t->norm, "with") || !strcmp(t->norm, "for") || !strcmp(t->norm, "due"))
                    link = true;
                else if (link && (!strcmp(t->norm, "admitted") || !strcmp(t->norm, "admission") ||
                                  !strcmp(t->norm, "hospitalized") || !strcmp(t->norm, "readmitted")))
                    hit = true;
            }
        }
        if (hit && r->meta[i].prio < 3.5f && !is_symptom(r->dx[i].code))
            r->meta[i].prio = 3.5f;
    }
}

void mc__cac_sequence(run *r)
{
    if (r->n_meta != r->n_dx)
        return;
    if (!r->opts->all_mentions)
        drop_unspecified_siblings(r);
    if (!r->opts->all_mentions)
        hypertension_rule(r);
    mc__cac_zrules(r);
    /* Section I.B.4-5: integral signs and symptoms */
    bool diag_definitive = false;
    for (uint32_t i = 0; i < r->n_dx; i++)
        if (r->meta[i].diagnostic && is_definitive(r->dx[i].code))
            diag_definitive = true;
    for (uint32_t i = 0; i < r->n_dx;) {
        bool drop = false;
        if (is_symptom(r->dx[i].code) && !r->opts->all_mentions) {
            for (uint32_t j = 0; j < r->n_dx && !drop; j++)
                drop = j != i && is_definitive(r->dx[j].code) &&
                       (r->meta[i].sentences_mask & r->meta[j].sentences_mask);
            if (!drop && diag_definitive && !r->meta[i].diagnostic)
                drop = true;
            /*
             * Inpatient: the symptom that brought the patient in ("Admission
             * diagnosis: shortness of breath") is not coded once the stay
             * established a definitive diagnosis (Section II; I.B.4-5).
             */
            if (!drop && diag_definitive && r->opts->setting == MC_SETTING_INPATIENT) {
                const mention *fm = &r->m[r->meta[i].first_mention];
                mc_sec_kind k = r->doc->sections[r->doc->sentences[fm->sentence].section].kind;
                drop = k == MC_SEC_ADMIT_DX || k == MC_SEC_CC;
            }
        }
        if (drop)
            drop_dx(r, i, "symptom integral to a definitive diagnosis (Guidelines I.B.4-5)");
        else
            i++;
    }
    if (!r->n_dx)
        return;
    if (r->opts->setting == MC_SETTING_INPATIENT)
        admitted_for(r);
    /* principal / first-listed */
    uint32_t best = UINT32_MAX;
    for (int pass = 0; pass < 2 && best == UINT32_MAX; pass++)
        for (uint32_t i = 0; i < r->n_dx; i++) {
            char und[8];
            size_t k = 0;
            for (const char *p = r->dx[i].code; *p && k < 7; p++)
                if (*p != '.')
                    und[k++] = *p;
            und[k] = 0;
            if (mc__cac_manifestation(r, und))
                continue; /* Section I.A.13: never first */
            if (pass == 0 && !is_definitive(und) && !is_symptom(und))
                continue;
            if (best == UINT32_MAX || r->meta[i].prio > r->meta[best].prio ||
                (r->meta[i].prio == r->meta[best].prio && r->meta[i].pos < r->meta[best].pos))
                best = i;
        }
    /* order: the principal, then the others as documented */
    uint32_t *ord = mc__arena_alloc(&r->arena, r->n_dx * sizeof *ord);
    mc_coded *dx = mc__arena_alloc(&r->arena, r->n_dx * sizeof *dx);
    coded_meta *meta = mc__arena_alloc(&r->arena, r->n_dx * sizeof *meta);
    if (!ord || !dx || !meta) {
        r->err = MC_ELIMIT;
        return;
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < r->n_dx; i++)
        if (i != best)
            ord[n++] = i;
    qsort_r(ord, n, sizeof *ord, cmp_seq, r);
    uint32_t k = 0;
    if (best != UINT32_MAX) {
        dx[k] = r->dx[best];
        meta[k++] = r->meta[best];
    }
    for (uint32_t i = 0; i < n; i++) {
        dx[k] = r->dx[ord[i]];
        meta[k++] = r->meta[ord[i]];
    }
    if (best != UINT32_MAX && r->opts->setting == MC_SETTING_INPATIENT)
        dx[0].principal = true;
    r->dx = dx;
    r->meta = meta;
    r->cap_dx = r->n_meta = r->cap_meta = r->n_dx;
}
