/*
 * Supplementary codes the Official Guidelines add beside a diagnosis,
 * taken from the note's numbers and the code titles of the bundle (never a
 * code written here):
 * - Section I.B.14: BMI (Z68.-) only with an associated reportable
 *   diagnosis (obesity, overweight, underweight, malnutrition); the Z68 code
 *   whose title range holds the documented value ("[BMI] 32.0-32.9, adult").
 * - Section I.C.15.b.3 (weeks of gestation): Z3A.- beside pregnancy codes
 *   (O00-O9A, Z34), from "N weeks"; Z33.1 (pregnant state, incidental) is
 *   not reported with a chapter 15 code (Section I.C.15.a.1).
 * - Section I.C.1 (infectious agents): B95-B97 identify the organism of a
 *   condition coded elsewhere, so they need such a condition; the
 *   unspecified-site infection code of the same organism (A49.-) is dropped.
 * - Section I.C.21.c.3 (category Z79 note), I.C.4.a.3: long-term (current)
 *   drug therapy when the note states current use: a use word before the
 *   drug ("on insulin", "takes warfarin", "continues apixaban"), after it
 *   ("insulin-dependent", "insulin requiring") or a medication list. The
 *   drug reaches the Alphabetic Index path "Long-term (current) drug therapy,
 *   <class>" through its class word (data/coder/abbreviations.tsv: apixaban
 *   -> anticoagulants -> Z79.01). Not for a drug started, stopped, held,
 *   given once, by drip or sliding scale (Z79.4 "should not be assigned if
 *   insulin is given temporarily"), nor antibiotics (a course for an acute
 *   illness). Z79.4 is not added to type 1 diabetes (E10) alone; insulin
 *   with oral or injectable non-insulin drugs gives both codes.
 */
#include "coder/coder_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void undot(const char *code, char out[8])
{
    size_t k = 0;
    for (const char *p = code; *p && k < 7; p++)
        if (*p != '.')
            out[k++] = *p;
    out[k] = 0;
}

static bool any_dx(const run *r, bool (*pred)(const char *u))
{
    for (uint32_t i = 0; i < r->n_dx; i++) {
        char u[8];
        undot(r->dx[i].code, u);
        if (pred(u))
            return true;
    }
    return false;
}

static void drop_where(run *r, bool (*pred)(const char *u))
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < r->n_dx; i++) {
        char u[8];
        undot(r->dx[i].code, u);
        if (pred(u))
            continue;
        r->dx[k] = r->dx[i];
        r->meta[k++] = r->meta[i];
    }
    r->n_dx = r->n_meta = k;
}

static bool is_bmi(const char *u) { return !strncmp(u, "Z68", 3); }
static bool is_weeks(const char *u) { return !strncmp(u, "Z3A", 3); }
static bool is_z331(const char *u) { return !strcmp(u, "Z331"); }
static bool is_agent(const char *u)
{
    return u[0] == 'B' && u[1] == '9' && u[2] >= '5' && u[2] <= '7';
}
static bool is_a49(const char *u) { return !strncmp(u, "A49", 3); }
static bool is_weight_dx(const char *u)
{
    return !strncmp(u, "E66", 3) || !strncmp(u, "R636", 4) || !strncmp(u, "E43", 3) ||
           !strncmp(u, "E44", 3) || !strncmp(u, "E46", 3) || !strncmp(u, "R627", 4);
}
static bool is_pregnancy(const char *u) { return u[0] == 'O' || !strncmp(u, "Z34", 3); }
static bool not_agent(const char *u) { return !is_agent(u) && !is_a49(u); }

/* A number written right after token t (within 3 tokens): its value and token. */
static bool number_after(const run *r, uint32_t t, uint32_t end, double *v, uint32_t *at)
{
    for (uint32_t k = t + 1; k < end && k <= t + 3; k++) {
        const char *w = r->doc->tokens[k].norm;
        if (w[0] >= '0' && w[0] <= '9') {
            *v = atof(w);
            *at = k;
            return true;
        }
    }
    return false;
}

/* Parse a Z68 adult title: "[BMI] 32.0-32.9, adult", "19.9 or less, adult", "70 or greater, adult". */
static bool bmi_range(mc_str t, double *lo, double *hi)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%.*s", (int)t.n, t.p);
    if (!strstr(buf, "adult"))
        return false;
    char *b = strstr(buf, "] ");
    if (!b)
        return false;
    b += 2;
    double a = atof(b);
    if (strstr(b, "or less")) {
        *lo = 0;
        *hi = a + 0.05;
        return true;
    }
    if (strstr(b, "or greater")) {
        *lo = a;
        *hi = 1000;
        return true;
    }
    char *d = strchr(b, '-');
    if (!d)
        return false;
    *lo = a;
    *hi = atof(d + 1) + 0.05;
    return true;
}

static void bmi_rule(run *r)
{
    bool weight = any_dx(r, is_weight_dx);
    drop_where(r, is_bmi); /* only the documented value decides the Z68 code */
    if (!weight)
        return;
    const mc_nlp_doc *d = r->doc;
    for (uint32_t t = 0; t < d->n_tokens; t++) {
        const char *w = d->tokens[t].norm;
        bool bmi = !strcmp(w, "bmi") || (!strcmp(w, "index") && t >= 2 &&
                                          !strcmp(d->tokens[t - 1].norm, "mass") &&
                                          !strcmp(d->tokens[t - 2].norm, "body"));
        if (!bmi)
            continue;
        const mc_nlp_sentence *se = &d->sentences[d->tokens[t].sentence];
        double v;
        uint32_t at;
        if (!number_after(r, t, se->tok_first + se->tok_count, &v, &at) || v < 5 || v > 150)
            continue;
        uint32_t first, count;
        mc__lex_prefix(r->c->lex, "Z68", &first, &count);
        for (uint32_t i = first; i < first + count; i++) {
            const lex_code *c = &r->c->lex->codes[i];
            double lo, hi;
            if (c->billable && bmi_range(c->title, &lo, &hi) && v >= lo && v < hi) {
                mc_coder_span sp = { d->tokens[t].start, d->tokens[at].end };
                mc__cac_add_rule(r, c->code, sp,
                                 "Guidelines I.B.14: BMI reported with its associated diagnosis");
                return;
            }
        }
    }
}

static void gestation_rule(run *r)
{
    if (any_dx(r, is_pregnancy))
        drop_where(r, is_z331);
    else
        return;
    if (any_dx(r, is_weeks))
        return;
    const mc_nlp_doc *d = r->doc;
    for (uint32_t t = 1; t < d->n_tokens; t++) {
        const char *w = d->tokens[t].norm;
        if (strcmp(w, "weeks") && strcmp(w, "week") && strcmp(w, "wks") && strcmp(w, "wk"))
            continue;
        const char *num = d->tokens[t - 1].norm;
        if (!(num[0] >= '0' && num[0] <= '9'))
            continue;
        int weeks = atoi(num);
        if (weeks < 1 || weeks > 50)
            continue;
        uint32_t first, count;
        mc__lex_prefix(r->c->lex, "Z3A", &first, &count);
        const lex_code *pick = NULL;
        for (uint32_t i = first; i < first + count && !pick; i++) {
            const lex_code *c = &r->c->lex->codes[i];
            if (!c->billable)
                continue;
            char buf[96];
            snprintf(buf, sizeof buf, "%.*s", (int)c->title.n, c->title.p);
            int n = atoi(buf);
            if ((n == weeks && strstr(buf, " weeks gestation")) ||
                (!strncasecmp(buf, "Less than ", 10) && weeks < atoi(buf + 10)) ||
                (!strncasecmp(buf, "Greater than ", 13) && weeks > atoi(buf + 13)))
                pick = c;
        }
        if (pick) {
            mc_coder_span sp = { d->tokens[t - 1].start, d->tokens[t].end };
            mc__cac_add_rule(r, pick->code, sp,
                             "Guidelines I.C.15.b: weeks of gestation with the pregnancy codes");
            return;
        }
    }
}

static void agent_rule(run *r)
{
    if (!any_dx(r, is_agent))
        return;
    if (!any_dx(r, not_agent))
        drop_where(r, is_agent); /* no condition for the organism to be the cause of */
    else
        drop_where(r, is_a49);
}

/* ---- Section I.C.21.c.3 / I.C.4.a.3: long-term (current) drug therapy (Z79) ---- */

static bool word_in(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (w[0] == list[i][0] && !strcmp(w, list[i]))
            return true;
    return false;
}
#define WORD_IN(w, list) word_in((w), (list), sizeof(list) / sizeof((list)[0]))

/* Words before a drug that state current use: "on insulin", "takes warfarin". */
static const char *const use_before[] = {
    "on", "takes", "taking", "take", "uses", "using", "maintained", "continues", "continue",
    "continued", "remains", "chronic", "daily", "current", "currently", "home", "receives",
    "requires", "requiring", "needs", "managed",
};
/* Words after a drug that state it: "insulin-dependent", "insulin requiring". */
static const char *const use_after[] = { "dependent", "requiring", "treated", "controlled",
                                         "daily", "therapy" };
/* Words that make the use new, temporary, stopped or absent. */
static const char *const not_use[] = {
    "not",     "no",       "off",        "never",   "stopped", "stop",      "discontinued",
    "discontinue", "held", "hold",       "holding", "without", "denies",    "started",
    "start",   "initiated", "initiate",  "begin",   "placed",  "put",       "given",
    "consider", "recommend", "recommended", "allergic", "allergy", "allergies", "if",
    "drip",    "sliding",  "infusion",   "temporarily", "bolus", "avoid",   "intolerant",
    "non", /* "non-insulin-dependent" (NIDDM) says insulin is not used */
    "occasional", "occasionally", "prn",  "rarely",  "sometimes", "once",
    "taper",   "tapering", "tapered",   "course",  "burst",
};
/* Words that end the drug list after a use word. */
static const char *const list_end[] = { "for", "with", "since", "due", "because", "after",
                                        "but", "which", "who", "as" };

typedef struct z79_ctx {
    uint32_t id_long, id_term;
    uint32_t *cand; /* Z79 entries anchored at "long"/"term" */
    uint32_t n_cand;
} z79_ctx;

/* Does token t carry stem id? */
static bool tok_has(const run *r, uint32_t t, uint32_t id)
{
    for (uint32_t k = r->tok_ids_at[t]; k < r->tok_ids_at[t + 1]; k++)
        if (r->tok_ids[k] == id)
            return true;
    return false;
}

/*
 * The "Long-term (current) drug therapy" entry (Z79) whose drug words are
 * all carried by tokens [a, b] with one of them at t; the one with the most
 * drug words wins. Returns the entry or LEX_NONE.
 */
static uint32_t z79_entry_at(const run *r, const z79_ctx *z, uint32_t t, uint32_t a, uint32_t b)
{
    const mc__lex *lx = r->c->lex;
    uint32_t best = LEX_NONE, best_n = 0;
    for (uint32_t pass = 0; pass < 2; pass++) {
        /* entries anchored at the token's own words, then those anchored at "long"/"term" */
        uint32_t nids = pass == 0 ? r->tok_ids_at[t + 1] - r->tok_ids_at[t] : 1;
        for (uint32_t x = 0; x < nids; x++) {
            const uint32_t *list;
            uint32_t nl;
            if (pass == 0) {
                uint32_t id = r->tok_ids[r->tok_ids_at[t] + x];
                list = lx->anchor_list + lx->anchor_at[id];
                nl = lx->anchor_at[id + 1] - lx->anchor_at[id];
            } else {
                list = z->cand;
                nl = z->n_cand;
            }
            for (uint32_t q = 0; q < nl; q++) {
                const lex_entry *e = &lx->entries[list[q]];
                if (strncmp(e->code, "Z79", 3) != 0 || e->src != LEX_INDEX)
                    continue;
                uint32_t n = 0;
                bool ok = true, at_t = false, lt = false;
                for (uint32_t j = 0; j < e->ntok && ok; j++) {
                    uint32_t id = e->tk[j];
                    if (id == z->id_long || id == z->id_term) {
                        lt = true;
                        continue;
                    }
                    bool found = false;
                    for (uint32_t u = a; u <= b && !found; u++)
                        if (tok_has(r, u, id)) {
                            found = true;
                            at_t |= u == t;
                        }
                    ok = found;
                    n++;
                }
                if (ok && lt && at_t && n > best_n) {
                    best = list[q];
                    best_n = n;
                }
            }
        }
    }
    return best;
}

static bool z79_add(run *r, const z79_ctx *z, uint32_t t, uint32_t a, uint32_t b, uint32_t ev0)
{
    uint32_t ei = z79_entry_at(r, z, t, a, b);
    if (ei == LEX_NONE)
        return false;
    /* "aspirin was held", "warfarin discontinued", "insulin given" */
    const mc_nlp_doc *d = r->doc;
    for (uint32_t k = t + 1; k <= t + 3 && k < d->n_tokens && d->tokens[k].sentence ==
                                                                  d->tokens[t].sentence; k++)
        if (WORD_IN(d->tokens[k].norm, not_use))
            return true;
    const lex_entry *e = &r->c->lex->entries[ei];
    char u[8];
    undot(e->code, u);
    /* antibiotics are mostly a course for an acute illness; "other" says nothing */
    if (!strcmp(u, "Z792") || !strcmp(u, "Z79899"))
        return true;
    uint32_t s0 = r->doc->tokens[ev0 < t ? ev0 : t].start, s1 = r->doc->tokens[ev0 > t ? ev0 : t].end;
    mc_coder_span sp = { s0, s1 };
    mc__cac_add_rule(r, u, sp,
                     mc__cac_printf(r, "Alphabetic Index: %.*s; Guidelines I.C.21.c.3: current "
                                       "long-term use documented",
                                    (int)e->path.n, e->path.p));
    return true;
}

static bool type1_only(const char *u)
{
    return !strncmp(u, "E10", 3);
}
static bool other_diabetes(const char *u)
{
    return !strncmp(u, "E08", 3) || !strncmp(u, "E09", 3) || !strncmp(u, "E11", 3) ||
           !strncmp(u, "E13", 3) || !strncmp(u, "O24", 3);
}
static bool is_z794(const char *u) { return !strcmp(u, "Z794"); }

static void longterm_rule(run *r)
{
    const mc__lex *lx = r->c->lex;
    const mc_nlp_doc *d = r->doc;
    z79_ctx z;
    memset(&z, 0, sizeof z);
    z.id_long = mc__lex_stem_id(lx, "long", 4);
    z.id_term = mc__lex_stem_id(lx, "term", 4);
    if (z.id_long == LEX_NONE || z.id_term == LEX_NONE)
        return;
    uint32_t cap = 0;
    for (int k = 0; k < 2; k++) {
        uint32_t id = k ? z.id_term : z.id_long;
        for (uint32_t q = lx->anchor_at[id]; q < lx->anchor_at[id + 1]; q++)
            if (!strncmp(lx->entries[lx->anchor_list[q]].code, "Z79", 3)) {
                uint32_t *p = mc__cac_push(r, (void **)&z.cand, &z.n_cand, &cap, sizeof *p);
                if (!p)
                    return;
                *p = lx->anchor_list[q];
            }
    }
    /* each token's word classes, looked up once (the loops below ask up to 40 times) */
    enum { W_NOT_USE = 1, W_BEFORE = 2, W_AFTER = 4, W_LIST_END = 8 };
    uint8_t *cls = mc__arena_alloc(&r->arena, (size_t)d->n_tokens + 1);
    if (!cls) {
        r->err = MC_ELIMIT;
        return;
    }
    for (uint32_t t = 0; t < d->n_tokens; t++) {
        const char *w = d->tokens[t].norm;
        cls[t] = (uint8_t)((WORD_IN(w, not_use) ? W_NOT_USE : 0) |
                           (WORD_IN(w, use_before) ? W_BEFORE : 0) |
                           (WORD_IN(w, use_after) ? W_AFTER : 0) |
                           (WORD_IN(w, list_end) ? W_LIST_END : 0));
    }
    for (uint32_t s = 0; s < d->n_sentences; s++) {
        const mc_nlp_sentence *se = &d->sentences[s];
        uint32_t t0 = se->tok_first, t1 = se->tok_first + se->tok_count;
        const mc_nlp_section *sec = &d->sections[se->section];
        bool meds = sec->kind == MC_SEC_MEDS;
        if (meds) {
            /* "Allergies:" shares the medications kind: not a list of drugs taken */
            for (uint32_t p = sec->head_start; p + 6 <= sec->head_end && meds; p++)
                if (!strncasecmp(r->text + p, "allerg", 6))
                    meds = false;
        }
        bool stopped = false;
        for (uint32_t t = t0; t < t1 && !stopped; t++)
            stopped = cls[t] & W_NOT_USE;
        if (meds && !stopped) {
            for (uint32_t t = t0; t < t1; t++)
                z79_add(r, &z, t, t0, t1 - 1, t);
            continue;
        }
        for (uint32_t t = t0; t < t1; t++) {
            if (!(cls[t] & (W_BEFORE | W_AFTER)))
                continue;
            /* nothing that stops, starts or denies the use just before the use word */
            bool neg = false;
            for (uint32_t k = t > t0 + 3 ? t - 3 : t0; k < t && !neg; k++)
                neg = cls[k] & W_NOT_USE;
            if (neg)
                continue;
            if (cls[t] & W_BEFORE) {
                uint32_t end = t + 1;
                while (end < t1 && end <= t + 6 && !(d->tokens[end].flags & NLP_TOK_BREAK) &&
                       !(cls[end] & (W_LIST_END | W_NOT_USE)))
                    end++;
                /* the first drug within three words of the use word, then a list of them */
                bool any = false;
                for (uint32_t k = t + 1; k < end && (any || k <= t + 3); k++)
                    any |= z79_add(r, &z, k, t + 1, end - 1, t);
            } else if ((cls[t] & W_AFTER) && t > t0) {
                z79_add(r, &z, t - 1, t > t0 + 1 ? t - 2 : t - 1, t - 1, t);
            }
        }
    }
    /* Section I.C.4.a.3: Z79.4 goes with type 2 (and other) diabetes, not type 1 alone */
    if (any_dx(r, type1_only) && !any_dx(r, other_diabetes))
        drop_where(r, is_z794);
}

void mc__cac_zrules(run *r)
{
    bmi_rule(r);
    gestation_rule(r);
    agent_rule(r);
    longterm_rule(r);
    mc__cac_drugs(r);
}
