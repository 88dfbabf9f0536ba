/*
 * From the code an index path or title names to a reportable code.
 *
 * - A code ending in '-' or a header code (category/subcategory) is
 *   completed one level at a time (Section I.A.4-5, I.B.2): the child whose
 *   title words the sentence supports (laterality, site, type) wins;
 *   without support the "unspecified" child is taken and a physician query
 *   is added saying what is missing (Section I.B.18 on unspecified codes).
 * - A code that needs a 7th character (Section I.B.3, I.C.19.a) gets it
 *   from the encounter context: initial (active treatment), subsequent
 *   (healing, follow-up) or sequela; placeholder X comes from the code set
 *   rows themselves (the order file lists "S01.01XA").
 * - A code absent from this year's code set is never reported.
 */
#include "coder/coder_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const lex_code *mc__cac_code(const run *r, const char *undotted)
{
    uint32_t i = mc__lex_code(r->c->lex, undotted);
    return i == LEX_NONE ? NULL : &r->c->lex->codes[i];
}

static bool title_has(mc_str t, const char *w)
{
    size_t n = strlen(w);
    for (uint32_t i = 0; i + n <= t.n; i++)
        if (!strncasecmp(t.p + i, w, n))
            return true;
    return false;
}

/* Manifestation codes (Section I.A.13): "in diseases classified elsewhere". */
bool mc__cac_manifestation(const run *r, const char *undotted)
{
    const lex_code *c = mc__cac_code(r, undotted);
    return c && title_has(c->title, "classified elsewhere");
}

/* Does the note mention word w (folded) anywhere? */
static bool note_has(const run *r, const char *w)
{
    size_t n = strlen(w);
    for (uint32_t i = 0; i < r->doc->n_tokens; i++)
        if (r->doc->tokens[i].len == n && !memcmp(r->doc->tokens[i].norm, w, n))
            return true;
    return false;
}

/* Is stem id present at some token of sentence s (own stem or synonym)? */
static bool sentence_has(const run *r, uint32_t s, uint32_t id)
{
    const mc_nlp_sentence *se = &r->doc->sentences[s];
    for (uint32_t k = r->tok_ids_at[se->tok_first];
         k < r->tok_ids_at[se->tok_first + se->tok_count]; k++)
        if (r->tok_ids[k] == id)
            return true;
    return false;
}

typedef struct sup_ctx {
    const run *r;
    uint32_t s;
    uint32_t parent[32], np;
    bool collect; /* collecting the parent's stems */
    bool skip_parent; /* ignore words of the parent title */
    int matched, unmatched;
} sup_ctx;

static void sup_word(void *ctx, const char *w, size_t n)
{
    sup_ctx *c = ctx;
    if (mc__cac_stopword(w, n))
        return;
    char st[64];
    size_t k = mc__cac_stem(c->r->stemmer, w, n, st, sizeof st);
    uint32_t id = k ? mc__lex_stem_id(c->r->c->lex, st, k) : LEX_NONE;
    if (id == LEX_NONE)
        return;
    if (c->collect) {
        if (c->np < 32)
            c->parent[c->np++] = id;
        return;
    }
    /* words already in the parent title say nothing about the choice */
    if (c->skip_parent)
        for (uint32_t i = 0; i < c->np; i++)
            if (c->parent[i] == id)
                return;
    if (sentence_has(c->r, c->s, id))
        c->matched++;
    else
        c->unmatched++;
}

static bool has_word(mc_str t, const char *w)
{
    size_t n = strlen(w);
    for (uint32_t i = 0; i + n <= t.n; i++)
        if (!strncasecmp(t.p + i, w, n) && (i == 0 || !((t.p[i - 1] | 32) >= 'a' && (t.p[i - 1] | 32) <= 'z')) &&
            (i + n == t.n || !((t.p[i + n] | 32) >= 'a' && (t.p[i + n] | 32) <= 'z')))
            return true;
    return false;
}

/* Does sentence s carry a negation ("without", "no", "not", "denies")? */
static bool sentence_negates(const run *r, uint32_t s)
{
    const mc_nlp_sentence *se = &r->doc->sentences[s];
    for (uint32_t t = se->tok_first; t < se->tok_first + se->tok_count; t++) {
        const char *w = r->doc->tokens[t].norm;
        if (!strcmp(w, "without") || !strcmp(w, "no") || !strcmp(w, "not") ||
            !strcmp(w, "denies") || !strcmp(w, "negative"))
            return true;
    }
    return false;
}

/*
 * How well sentence s supports choosing a child title over its siblings.
 * The child's own words (its title minus the parent's) are split at
 * "without": words of the positive part count +1 when the note has them and
 * -1/2 when not; the "without" part is the default when the note does not
 * name it (+1/2), right when the note negates it (+size), wrong when the note
 * names it plainly (-size). "Uncomplicated" is the default among siblings.
 */
static float support(const run *r, uint32_t s, mc_str title, mc_str parent)
{
    sup_ctx c;
    memset(&c, 0, sizeof c);
    c.r = r;
    c.s = s;
    /* the child's own text: what follows the parent's title, else all of it minus parent words */
    mc_str own = title;
    if (parent.n && title.n >= parent.n && !strncasecmp(title.p, parent.p, parent.n)) {
        own = mc__str(title.p + parent.n, title.n - parent.n);
        /* a parent word said again ("Alcohol use ... with other alcohol-induced
           disorder") is no support of its own: the parent already matched it */
        c.collect = true;
        mc__nlp_words(parent.p, parent.n, sup_word, &c);
        c.collect = false;
        c.skip_parent = true;
    } else {
        c.collect = true;
        mc__nlp_words(parent.p, parent.n, sup_word, &c);
        c.collect = false;
        c.skip_parent = true;
    }
    /* split at " without " */
    mc_str pos = own, wo = mc__str("", 0);
    for (uint32_t i = 0; i + 9 <= own.n; i++)
        if (!strncasecmp(own.p + i, " without ", 9) || (i == 0 && !strncasecmp(own.p, "without ", 8))) {
            pos = mc__str(own.p, i);
            uint32_t ws = i == 0 && own.p[0] != ' ' ? 8 : i + 9;
            uint32_t we = ws;
            while (we < own.n && own.p[we] != ',')
                we++;
            wo = mc__str(own.p + ws, we - ws);
            if (we < own.n) {
                /* text after the without-clause belongs to the positive part; approximate by ignoring it */
            }
            break;
        }
    mc__nlp_words(pos.p, pos.n, sup_word, &c);
    float score = (float)c.matched - 0.5f * (float)c.unmatched;
    if (wo.n) {
        c.matched = c.unmatched = 0;
        mc__nlp_words(wo.p, wo.n, sup_word, &c);
        int total = c.matched + c.unmatched;
        if (!c.matched)
            score += 0.5f;
        else if (sentence_negates(r, s))
            score += (float)total + 0.5f;
        else
            score -= (float)total;
    }
    if (has_word(own, "uncomplicated"))
        score += 0.25f;
    return score;
}

/*
 * Is an open fracture documented: "open" in a sentence naming a fracture, not the
 * approach of a procedure ("open reduction", "open repair") nor an open wound?
 */
static bool open_fracture(const run *r)
{
    static const char *const not_fx[] = { "reduction", "repair", "approach", "procedure",
                                          "surgery", "fixation", "treatment", "technique",
                                          "incision", "biopsy", "wound", "wounds", "laceration" };
    const mc_nlp_doc *d = r->doc;
    for (uint32_t i = 0; i < d->n_tokens; i++) {
        if (strcmp(d->tokens[i].norm, "open") != 0)
            continue;
        if (i + 1 < d->n_tokens && d->tokens[i + 1].sentence == d->tokens[i].sentence) {
            bool proc = false;
            for (size_t k = 0; k < sizeof not_fx / sizeof not_fx[0] && !proc; k++)
                proc = !strcmp(d->tokens[i + 1].norm, not_fx[k]);
            if (proc)
                continue;
        }
        const mc_nlp_sentence *se = &d->sentences[d->tokens[i].sentence];
        for (uint32_t t = se->tok_first; t < se->tok_first + se->tok_count; t++)
            if (!strcmp(d->tokens[t].norm, "fracture") || !strcmp(d->tokens[t].norm, "fx"))
                return true;
    }
    return false;
}

/* Choose the 7th character among children [first, first+count) that all have 7 chars. */
static uint32_t pick_seventh(const run *r, uint32_t first, uint32_t count)
{
    const mc__lex *lx = r->c->lex;
    bool open = open_fracture(r);
    bool delayed = note_has(r, "delayed"), nonunion = note_has(r, "nonunion"),
         malunion = note_has(r, "malunion");
    const char *want = r->seventh_ctx == 'D' ? "subsequent" : r->seventh_ctx == 'S' ? "sequela"
                                                                                 : "initial";
    uint32_t best = first;
    int bs = -1000;
    for (uint32_t i = first; i < first + count; i++) {
        mc_str t = lx->codes[i].title;
        int s = 0;
        if (title_has(t, want))
            s += 20;
        if (title_has(t, "open fracture"))
            s += open ? 4 : -4;
        if (title_has(t, "delayed"))
            s += delayed ? 4 : -4;
        if (title_has(t, "nonunion"))
            s += nonunion ? 4 : -4;
        if (title_has(t, "malunion"))
            s += malunion ? 4 : -4;
        if (s > bs) {
            bs = s;
            best = i;
        }
    }
    return best;
}

/*
 * Section I.C.15.a.3: the trimester of a pregnancy encounter, stated
 * ("second trimester", "2nd trimester") or counted from the weeks of
 * gestation (first: less than 14 weeks 0 days; second: 14 weeks 0 days to
 * less than 28 weeks 0 days; third: 28 weeks 0 days until delivery).
 * Returns the title word to look for ("first trimester" …) or NULL.
 */
static const char *note_trimester(const run *r)
{
    static const char *const names[] = { "first trimester", "second trimester",
                                         "third trimester" };
    const mc_nlp_doc *d = r->doc;
    int weeks = -1;
    for (uint32_t t = 0; t + 1 < d->n_tokens; t++) {
        const char *w = d->tokens[t].norm, *nx = d->tokens[t + 1].norm;
        if (!strcmp(nx, "trimester")) {
            if (!strcmp(w, "first") || !strcmp(w, "1st"))
                return names[0];
            if (!strcmp(w, "second") || !strcmp(w, "2nd"))
                return names[1];
            if (!strcmp(w, "third") || !strcmp(w, "3rd"))
                return names[2];
        }
        if (weeks < 0 && (d->tokens[t].flags & NLP_TOK_DIGIT) &&
            (!strcmp(nx, "weeks") || !strcmp(nx, "week") || !strcmp(nx, "wks") ||
             !strcmp(nx, "wk"))) {
            int v = atoi(w);
            if (v > 0 && v <= 42)
                weeks = v;
        }
    }
    if (weeks < 0)
        return NULL;
    return names[weeks < 14 ? 0 : weeks < 28 ? 1 : 2];
}

void mc__cac_resolve(run *r, mention *m)
{
    const mc__lex *lx = r->c->lex;
    const lex_entry *e = mc__cac_entry(r, m->entry);
    m->code[0] = 0;
    if (m->procedure) {
        mc__strlcpy(m->code, e->code, sizeof m->code);
        return;
    }
    char cur[9];
    size_t k = 0;
    for (const char *p = e->code; *p && k < 7; p++)
        if (*p != '.' && *p != '-')
            cur[k++] = mc__upper(*p);
    cur[k] = 0;
    if (k < 3)
        return;
    /*
     * The index may be of a later edition than this bundle's code set: a code
     * subdivided after this year (E87.20 of FY2023 for E87.2 of FY2021) is
     * reported as its ancestor when that ancestor is billable this year.
     */
    uint32_t pf, pc;
    mc__lex_prefix(lx, cur, &pf, &pc);
    for (size_t kk = k; !pc && kk > 3;) {
        cur[--kk] = 0;
        uint32_t ai = mc__lex_code(lx, cur);
        if (ai != LEX_NONE) {
            if (lx->codes[ai].billable) {
                memcpy(m->code, cur, sizeof cur);
                m->rule = mc__cac_printf(r,
                                         "%s is of a later edition: reported as %.3s%s%s, "
                                         "billable in FY%d",
                                         e->code, cur, cur[3] ? "." : "", cur + 3, r->c->year);
            }
            return;
        }
    }
    bool unspecified = false;
    char missing[160] = "";
    for (int depth = 0; depth < 6; depth++) {
        uint32_t ci = mc__lex_code(lx, cur);
        const lex_code *c = ci == LEX_NONE ? NULL : &lx->codes[ci];
        if (c && c->billable) {
            memcpy(m->code, cur, sizeof cur);
            /* a title match "…, unspecified trimester" when the note dates the pregnancy */
            const char *tri = title_has(c->title, "unspecified trimester") ? note_trimester(r)
                                                                            : NULL;
            if (tri && strlen(cur) > 3) {
                char par[9];
                mc__strlcpy(par, cur, sizeof par);
                par[strlen(par) - 1] = 0;
                uint32_t f2, n2;
                mc__lex_prefix(lx, par, &f2, &n2);
                for (uint32_t i = f2; i < f2 + n2; i++)
                    if (strlen(lx->codes[i].code) == strlen(cur) && lx->codes[i].billable &&
                        title_has(lx->codes[i].title, tri)) {
                        mc__strlcpy(m->code, lx->codes[i].code, sizeof m->code);
                        break;
                    }
            }
            break;
        }
        /* children: descendants of the smallest length above ours */
        uint32_t first, count;
        mc__lex_prefix(lx, cur, &first, &count);
        size_t len = strlen(cur), minlen = 8;
        for (uint32_t i = first; i < first + count; i++) {
            size_t l = strlen(lx->codes[i].code);
            if (l > len && l < minlen)
                minlen = l;
        }
        if (minlen == 8)
            return; /* unknown code: never report it */
        uint32_t kids[64], nk = 0;
        for (uint32_t i = first; i < first + count && nk < 64; i++)
            if (strlen(lx->codes[i].code) == minlen)
                kids[nk++] = i;
        if (!nk)
            return;
        bool seventh = minlen == 7 && (title_has(lx->codes[kids[0]].title, "encounter") ||
                                       title_has(lx->codes[kids[0]].title, "sequela"));
        uint32_t pick = kids[0];
        const char *tri = NULL;
        for (uint32_t i = 0; i < nk && !tri; i++)
            if (title_has(lx->codes[kids[i]].title, "trimester"))
                tri = note_trimester(r);
        uint32_t tri_kid = UINT32_MAX;
        for (uint32_t i = 0; tri && i < nk && tri_kid == UINT32_MAX; i++)
            if (title_has(lx->codes[kids[i]].title, tri))
                tri_kid = kids[i];
        if (seventh) {
            pick = pick_seventh(r, kids[0], nk);
        } else if (tri_kid != UINT32_MAX) {
            pick = tri_kid; /* Section I.C.15.a.3: the trimester of the encounter */
        } else {
            mc_str parent = c ? c->title : mc__str("", 0);
            float best = -1e9f;
            for (uint32_t i = 0; i < nk; i++) {
                float sc = support(r, m->sentence, lx->codes[kids[i]].title, parent);
                if (sc > best) {
                    best = sc;
                    pick = kids[i];
                }
            }
            mc_str pt = lx->codes[pick].title;
            if (best <= 0.5f && has_word(pt, "unspecified") && !unspecified) {
                unspecified = true;
                snprintf(missing, sizeof missing, "%.*s", (int)(c ? c->title.n : 0),
                         c ? c->title.p : "");
            }
        }
        mc__strlcpy(cur, lx->codes[pick].code, sizeof cur);
    }
    if (m->code[0] && unspecified) {
        /* Section I.B.18 / III.A: query the provider rather than guess */
        mc_coder_span sp = mc__cac_span(r, m);
        char *about = mc__cac_printf(r, "%.*s", (int)(sp.end - sp.start), r->text + sp.start);
        char *q = mc__cac_printf(
            r, "The documentation supports \"%s\" but not which kind; please document the "
               "specific type, site, laterality or acuity so a more specific code than %.3s.%s "
               "can be assigned.",
            missing, m->code, m->code + 3);
        mc__cac_query(r, about, q);
    }
}
