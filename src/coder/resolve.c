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

/* Sentence support for a title: how many of its words occur in sentence s. */
static int support(const run *r, uint32_t s, mc_str title, mc_str parent)
{
    const mc_nlp_sentence *se = &r->doc->sentences[s];
    int score = 0;
    size_t i = 0;
    char w[64];
    while (i < title.n) {
        while (i < title.n && !((title.p[i] | 32) >= 'a' && (title.p[i] | 32) <= 'z') &&
               !(title.p[i] >= '0' && title.p[i] <= '9'))
            i++;
        size_t b = i;
        while (i < title.n && (((title.p[i] | 32) >= 'a' && (title.p[i] | 32) <= 'z') ||
                               (title.p[i] >= '0' && title.p[i] <= '9')))
            i++;
        size_t n = i - b;
        if (!n || n >= sizeof w)
            continue;
        for (size_t k = 0; k < n; k++)
            w[k] = mc__lower(title.p[b + k]);
        w[n] = 0;
        if (mc__cac_stopword(w, n) || n < 3)
            continue;
        /* words already in the parent title say nothing about the choice */
        bool in_parent = false;
        for (size_t k = 0; k + n <= parent.n && !in_parent; k++)
            in_parent = !strncasecmp(parent.p + k, w, n) &&
                        (k + n == parent.n || !((parent.p[k + n] | 32) >= 'a' &&
                                                (parent.p[k + n] | 32) <= 'z'));
        if (in_parent)
            continue;
        /* prefix match of 5 letters tolerates inflection ("femoral"/"femur" excepted) */
        size_t cmp = n > 5 ? 5 : n;
        for (uint32_t t = se->tok_first; t < se->tok_first + se->tok_count; t++) {
            const mc_nlp_token *tk = &r->doc->tokens[t];
            if (tk->len >= cmp && !memcmp(tk->norm, w, cmp) &&
                (n <= 5 ? tk->len == n : true)) {
                score++;
                break;
            }
        }
    }
    return score;
}

/* Choose the 7th character among children [first, first+count) that all have 7 chars. */
static uint32_t pick_seventh(const run *r, uint32_t first, uint32_t count)
{
    const mc__lex *lx = r->c->lex;
    bool open = note_has(r, "open") && note_has(r, "fracture");
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

void mc__cac_resolve(run *r, mention *m)
{
    const mc__lex *lx = r->c->lex;
    const lex_entry *e = &lx->entries[m->entry];
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
    bool unspecified = false;
    char missing[160] = "";
    for (int depth = 0; depth < 6; depth++) {
        uint32_t ci = mc__lex_code(lx, cur);
        const lex_code *c = ci == LEX_NONE ? NULL : &lx->codes[ci];
        if (c && c->billable) {
            memcpy(m->code, cur, sizeof cur);
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
        if (seventh) {
            pick = pick_seventh(r, kids[0], nk);
        } else {
            mc_str parent = c ? c->title : mc__str("", 0);
            int best = 0;
            uint32_t unsp = UINT32_MAX;
            for (uint32_t i = 0; i < nk; i++) {
                mc_str t = lx->codes[kids[i]].title;
                if (unsp == UINT32_MAX && (title_has(t, "unspecified") ||
                                           title_has(t, "without complication")))
                    unsp = kids[i];
                int s = support(r, m->sentence, t, parent);
                if (s > best) {
                    best = s;
                    pick = kids[i];
                }
            }
            if (!best) {
                if (unsp == UINT32_MAX) {
                    /* no unspecified child: the ".9"/"8" style residual, else give up */
                    for (uint32_t i = 0; i < nk && unsp == UINT32_MAX; i++) {
                        char last = lx->codes[kids[i]].code[minlen - 1];
                        if (last == '9')
                            unsp = kids[i];
                    }
                }
                if (unsp == UINT32_MAX)
                    return;
                pick = unsp;
                if (!unspecified) {
                    unspecified = true;
                    snprintf(missing, sizeof missing, "%.*s", (int)(c ? c->title.n : 0),
                             c ? c->title.p : "");
                }
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
