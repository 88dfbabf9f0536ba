/*
 * Poisonings and adverse effects from the Table of Drugs and Chemicals
 * (Official Guidelines Section I.C.19.e), at code level:
 *
 * - Poisoning (I.C.19.e.5.b): "overdose of X", "X overdose", "poisoning by
 *   X", "X poisoning", "ingestion of X", "ingested N tablets of X". The
 *   intent comes from the sentence: intentional self-harm ("intentional",
 *   "suicide attempt", "self-harm"), assault, undetermined (only when the
 *   note says the intent cannot be determined), else accidental ("If the
 *   intent of the poisoning is unknown or unspecified, code the intent as
 *   accidental"). The poisoning code is sequenced first; the manifestations
 *   found in the note follow.
 * - Adverse effect (I.C.19.e.5.a): "adverse reaction to X", "adverse effect
 *   of X", "side effect of X", "X-induced Y", "due to X taken as
 *   prescribed": the T36-T50 code with 5th/6th character 5 beside the code
 *   of the nature of the effect, which is sequenced first.
 *
 * The substance is looked up in the Table's substance column (mc_index_drug):
 * exact matches of up to three words only, each of a list ("overdose of
 * acetaminophen and oxycodone") coded (I.C.19.e.4); generic words ("pills",
 * "medications") give the unspecified drug row. The 7th character is the
 * encounter's (initial, subsequent, sequela). A negated or hypothetical
 * statement gives nothing; an uncertain one only for inpatients.
 */
#include "coder/coder_int.h"
#include "medcode/index.h"

#include <stdio.h>
#include <string.h>

enum { K_NONE = 0, K_POISON, K_ADVERSE };

static bool is(const mc_nlp_token *t, const char *w) { return !strcmp(t->norm, w); }

static bool in_list(const char *w, const char *const *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(w, l[i]))
            return true;
    return false;
}
#define IN(w, l) in_list((w), (l), sizeof(l) / sizeof((l)[0]))

/* Words between a trigger and the substance ("overdose of approximately 30 tablets of ..."). */
static const char *const filler[] = {
    "of",     "on",      "with",   "by",       "from",     "to",      "the",     "his",
    "her",    "their",   "a",      "an",       "approximately", "about", "several", "multiple",
    "unknown", "amount", "quantity", "number", "dose",     "doses",   "mg",      "g",
    "x",      "home",    "prescribed", "own",  "large",    "high",    "intentional",
    "accidental", "intentionally", "accidentally", "deliberate",
};
/* Generic words that name no particular drug. */
static const char *const generic[] = { "pills",  "pill",      "tablets",   "tablet", "medication",
                                       "medications", "medicine", "medicines", "drugs",  "drug",
                                       "capsules" };

typedef struct drug_ctx {
    run *r;
    mc_index *ix;
    bool tried_open;
} drug_ctx;

/* Look query q up in the Table; fills code (undotted) and the row's title. */
static bool table_lookup(drug_ctx *dc, const char *q, size_t n, mc_drug_intent intent,
                         char code[9], char *row, size_t row_cap)
{
    run *r = dc->r;
    if (!dc->tried_open) {
        dc->tried_open = true;
        if (mc_index_open(r->c->bundle, &dc->ix, NULL) != MC_OK)
            dc->ix = NULL;
    }
    if (!dc->ix || !r->c->cs || !n)
        return false;
    char seventh = r->seventh_ctx ? r->seventh_ctx : 'A';
    mc_index_table_result res;
    if (mc_index_drug(dc->ix, r->c->cs, q, n, intent, seventh, &res) != MC_OK)
        return false;
    if (res.code_status != MC_OK || res.walk.status != MC_WALK_CODE || res.walk.by_search ||
        !res.walk.n_steps)
        return false;
    for (uint32_t k = 0; k < res.walk.n_steps; k++)
        if (res.walk.steps[k].how != MC_STEP_EXACT && res.walk.steps[k].how != MC_STEP_NEMOD)
            return false;
    size_t k = 0;
    for (const char *p = res.code; *p && k < 8; p++)
        if (*p != '.')
            code[k++] = *p;
    code[k] = 0;
    snprintf(row, row_cap, "%.*s", (int)res.walk.steps[res.walk.n_steps - 1].title.n,
             res.walk.steps[res.walk.n_steps - 1].title.p);
    return k >= 7;
}

/* The words [a, b) of the note as a Table query (no joining or filler words inside). */
static bool table_code(drug_ctx *dc, uint32_t a, uint32_t b, mc_drug_intent intent, char code[9],
                       char *row, size_t row_cap)
{
    static const char *const joins[] = { "and", "or", "in", "at", "for", "after", "then", "but" };
    char q[128];
    size_t n = 0;
    for (uint32_t t = a; t < b; t++) {
        const mc_nlp_token *tk = &dc->r->doc->tokens[t];
        if (b - a > 1 && (IN(tk->norm, joins) || IN(tk->norm, filler) || IN(tk->norm, generic)))
            return false;
        if (n + tk->len + 2 >= sizeof q)
            return false;
        if (n)
            q[n++] = ' ';
        memcpy(q + n, tk->norm, tk->len);
        n += tk->len;
    }
    q[n] = 0;
    return table_lookup(dc, q, n, intent, code, row, row_cap);
}

/* Does a comma, ';'/':' or a boundary word lie at token t (so a substance cannot run on)? */
static bool stops(const mc_nlp_token *t)
{
    return (t->flags & (NLP_TOK_COMMA | NLP_TOK_BREAK)) != 0;
}

static void add_code(drug_ctx *dc, const char *code, const char *row, int kind,
                     mc_drug_intent intent, uint32_t t0, uint32_t t1)
{
    run *r = dc->r;
    static const char *const col[] = { "poisoning, accidental", "poisoning, intentional self-harm",
                                       "poisoning, assault", "poisoning, undetermined",
                                       "adverse effect", "underdosing" };
    mc_coder_span sp = { r->doc->tokens[t0].start, r->doc->tokens[t1].end };
    uint32_t before = r->n_dx;
    mc__cac_add_rule(r, code, sp,
                     mc__cac_printf(r, "Table of Drugs and Chemicals: %s > %s; Guidelines %s",
                                    row, col[intent],
                                    kind == K_POISON
                                        ? "I.C.19.e.5.b: poisoning sequenced first, then its "
                                          "manifestations"
                                        : "I.C.19.e.5.a: the nature of the adverse effect first, "
                                          "then the drug"));
    /* I.C.19.e.5.b: the poisoning code comes first */
    if (kind == K_POISON && r->n_dx > before && r->n_meta == r->n_dx)
        r->meta[r->n_dx - 1].prio = 5.0f;
    /* a self-harm poisoning says the suicide attempt: T14.91 (attempt, injury unspecified) goes */
    if (intent == MC_DRUG_INTENTIONAL)
        for (uint32_t i = 0; i < r->n_dx && r->n_meta == r->n_dx; i++)
            if (!strncmp(r->dx[i].code, "T14.91", 6)) {
                memmove(&r->dx[i], &r->dx[i + 1], (r->n_dx - i - 1) * sizeof *r->dx);
                memmove(&r->meta[i], &r->meta[i + 1], (r->n_meta - i - 1) * sizeof *r->meta);
                r->n_dx--;
                r->n_meta--;
                break;
            }
}

/*
 * The substances named from token a on (forward) within the sentence end e:
 * fillers skipped, then words looked up three, two, one at a time; a list
 * joined by "and", "," or "with" continues. Returns how many were coded.
 */
static int forward(drug_ctx *dc, uint32_t trig, uint32_t a, uint32_t e, int kind,
                   mc_drug_intent intent)
{
    const mc_nlp_doc *d = dc->r->doc;
    int found = 0;
    bool gen = false;
    uint32_t t = a, gen_at = a;
    for (int item = 0; item < 4 && t < e; item++) {
        uint32_t skipped = 0;
        while (t < e && skipped < 6 &&
               (IN(d->tokens[t].norm, filler) || IN(d->tokens[t].norm, generic) ||
                (d->tokens[t].flags & NLP_TOK_DIGIT))) {
            if (IN(d->tokens[t].norm, generic)) {
                gen = true;
                gen_at = t;
            }
            t++;
            skipped++;
        }
        bool hit = false;
        for (uint32_t n = 3; n >= 1 && !hit; n--) {
            if (t + n > e)
                continue;
            bool broken = false;
            for (uint32_t k = t + 1; k < t + n; k++)
                broken |= stops(&d->tokens[k]);
            if (broken)
                continue;
            char code[9], row[96];
            if (table_code(dc, t, t + n, intent, code, row, sizeof row)) {
                add_code(dc, code, row, kind, intent, trig < t ? trig : t, t + n - 1);
                found++;
                hit = true;
                t += n;
            }
        }
        if (!hit)
            break;
        /* a list: "acetaminophen and oxycodone", "aspirin, ibuprofen" */
        if (t < e && (is(&d->tokens[t], "and") || is(&d->tokens[t], "with") ||
                      is(&d->tokens[t], "plus")))
            t++;
        else if (!(t < e && (d->tokens[t].flags & NLP_TOK_COMMA)))
            break;
    }
    if (!found && gen) {
        /* "overdose of unknown pills": the Table's unspecified drug row */
        char code[9], row[96];
        if (table_lookup(dc, "drug", 4, intent, code, row, sizeof row)) {
            add_code(dc, code, row, kind, intent, trig < gen_at ? trig : gen_at,
                     trig < gen_at ? gen_at : trig);
            found++;
        }
    }
    return found;
}

/* A substance of one to three words ending just before token b ("acetaminophen overdose"). */
static int backward(drug_ctx *dc, uint32_t b, uint32_t s0, int kind, mc_drug_intent intent)
{
    const mc_nlp_doc *d = dc->r->doc;
    for (uint32_t n = 3; n >= 1; n--) {
        if (b < s0 + n)
            continue;
        uint32_t a = b - n;
        bool broken = false;
        for (uint32_t k = a + 1; k <= b; k++)
            broken |= k < b ? stops(&d->tokens[k]) : (stops(&d->tokens[k]) && k != b);
        if (broken || IN(d->tokens[a].norm, filler))
            continue;
        char code[9], row[96];
        if (table_code(dc, a, b, intent, code, row, sizeof row)) {
            add_code(dc, code, row, kind, intent, a, b);
            return 1;
        }
    }
    return 0;
}

/* Intent of a poisoning stated in sentence s (I.C.19.e.5.b). */
static mc_drug_intent intent_of(const run *r, uint32_t s)
{
    const mc_nlp_doc *d = r->doc;
    const mc_nlp_sentence *se = &d->sentences[s];
    mc_drug_intent in = MC_DRUG_ACCIDENTAL;
    for (uint32_t t = se->tok_first; t < se->tok_first + se->tok_count; t++) {
        const char *w = d->tokens[t].norm;
        uint32_t trig;
        if (mc__nlp_assert(d, s, t, t, &trig) & (MC_ASSERT_NEGATED | MC_ASSERT_HYPOTHETICAL))
            continue; /* "denies suicidal ideation" */
        if (!strcmp(w, "intentional") || !strcmp(w, "intentionally") || !strcmp(w, "suicide") ||
            !strcmp(w, "suicidal") || !strcmp(w, "deliberate") || !strcmp(w, "deliberately") ||
            (!strcmp(w, "self") && t + 1 < d->n_tokens &&
             (!strcmp(d->tokens[t + 1].norm, "harm") || !strcmp(d->tokens[t + 1].norm, "inflicted"))))
            return MC_DRUG_INTENTIONAL;
        if (!strcmp(w, "assault") || !strcmp(w, "assaulted"))
            in = MC_DRUG_ASSAULT;
        if (!strcmp(w, "undetermined") && in == MC_DRUG_ACCIDENTAL)
            in = MC_DRUG_UNDETERMINED;
    }
    return in;
}

/* Is the statement at tokens [a, b] of sentence s one that may be coded? */
static bool codable(const run *r, uint32_t s, uint32_t a, uint32_t b)
{
    uint32_t trig;
    unsigned as = mc__nlp_assert(r->doc, s, a, b, &trig);
    if (as & (MC_ASSERT_NEGATED | MC_ASSERT_HYPOTHETICAL | MC_ASSERT_FAMILY))
        return false;
    if ((as & MC_ASSERT_UNCERTAIN) && r->opts->setting == MC_SETTING_OUTPATIENT)
        return false;
    return true;
}

/* Does sentence s say the drug was taken as prescribed? */
static bool as_prescribed(const run *r, uint32_t s)
{
    const mc_nlp_doc *d = r->doc;
    const mc_nlp_sentence *se = &d->sentences[s];
    for (uint32_t t = se->tok_first; t + 1 < se->tok_first + se->tok_count; t++)
        if ((is(&d->tokens[t], "as") && is(&d->tokens[t + 1], "prescribed")) ||
            (is(&d->tokens[t], "correctly") && is(&d->tokens[t + 1], "prescribed")) ||
            (is(&d->tokens[t], "therapeutic") && is(&d->tokens[t + 1], "dose")) ||
            (is(&d->tokens[t], "properly") && is(&d->tokens[t + 1], "administered")))
            return true;
    return false;
}

void mc__cac_drugs(run *r)
{
    if (r->opts->all_mentions)
        return;
    const mc_nlp_doc *d = r->doc;
    drug_ctx dc = { r, NULL, false };
    for (uint32_t s = 0; s < d->n_sentences && !r->err; s++) {
        const mc_nlp_sentence *se = &d->sentences[s];
        uint32_t s0 = se->tok_first, e = se->tok_first + se->tok_count;
        bool prescribed = as_prescribed(r, s);
        for (uint32_t t = s0; t < e; t++) {
            const mc_nlp_token *tk = &d->tokens[t];
            const char *nx = t + 1 < e ? d->tokens[t + 1].norm : "";
            int kind = K_NONE;
            bool fwd = false, bwd = false;
            uint32_t from = t + 1;
            if (is(tk, "overdose") || is(tk, "overdosed") || is(tk, "poisoning") ||
                is(tk, "poisoned") || is(tk, "ingestion") || is(tk, "ingested")) {
                kind = K_POISON;
                fwd = true;
                bwd = is(tk, "overdose") || is(tk, "poisoning") || is(tk, "ingestion");
            } else if (is(tk, "adverse") && (!strcmp(nx, "reaction") || !strcmp(nx, "effect") ||
                                             !strcmp(nx, "effects") || !strcmp(nx, "drug"))) {
                kind = K_ADVERSE;
                fwd = true;
                from = t + 2;
                if (!strcmp(nx, "drug") && t + 2 < e)
                    from = t + 3;
            } else if (is(tk, "side") && (!strcmp(nx, "effect") || !strcmp(nx, "effects"))) {
                kind = K_ADVERSE;
                fwd = true;
                from = t + 2;
            } else if ((is(tk, "induced") || (prescribed && is(tk, "toxicity"))) && t > s0) {
                kind = K_ADVERSE; /* "steroid-induced hyperglycemia" */
                bwd = true;
            } else if (prescribed && (is(tk, "due") || is(tk, "secondary")) && !strcmp(nx, "to")) {
                kind = K_ADVERSE; /* "hypokalemia due to furosemide taken as prescribed" */
                fwd = true;
                from = t + 2;
            }
            if (kind == K_NONE || !codable(r, s, t, t))
                continue;
            /* an overdose of a prescribed drug is still a poisoning; "as prescribed" makes "X toxicity" adverse */
            mc_drug_intent intent = kind == K_POISON ? intent_of(r, s) : MC_DRUG_ADVERSE;
            int n = 0;
            if (fwd && from < e)
                n = forward(&dc, t, from, e, kind, intent);
            if (!n && bwd)
                n = backward(&dc, t, s0, kind, intent);
        }
    }
    mc_index_close(dc.ix);
}
