/*
 * HCC annotation and the MEAT documentation check (`medcode code --hcc`).
 *
 * Every suggested diagnosis that maps to a CMS-HCC of the chosen model gets
 * its HCCs (label, community non-dual aged factor) and, after the model's
 * hierarchies over all the note's codes, which HCC supersedes which. Then the
 * note is searched for MEAT support of the condition -- Monitored, Evaluated,
 * Assessed/Addressed, Treated -- the documentation framework risk-adjustment
 * coders and RADV reviewers apply: a diagnosis submitted for risk adjustment
 * must have been addressed at the encounter, at least one element suffices,
 * and a condition only listed in the past history or a bare problem list is
 * not supported (industry references: hccbuddy.com/meat-criteria,
 * hccbuddy.com/blog/meat-criteria-deep-dive, jivica.ai/blog/meat-criteria-
 * medical-coding-explained; MEAT is not in the Official Guidelines, whose
 * Section IV.J -- "code all documented conditions that coexist at the time of
 * the encounter/visit and that require or affect patient care, treatment or
 * management" -- and Section III -- clinical evaluation, therapeutic
 * treatment, diagnostic procedures, monitoring -- state the same idea).
 *
 * Linkage (what words count for a condition), decided from the note's
 * structure only:
 *   - the clause of the sentence that states the condition (cut at ';');
 *   - the rest of its list item when it is a bulleted/numbered item;
 *   - otherwise, in assessment/plan/diagnosis sections, the lines that follow
 *     it up to the next item or the next line stating another diagnosis;
 *   - the section itself: stated in the physical exam or results (E), named
 *     in the medication list (T), the pre/postoperative diagnosis or
 *     indication of a procedure report (the procedure: T, or E when
 *     diagnostic);
 *   - a result in the labs section of the test that follows the condition
 *     (A1c for diabetes ...).
 * Statements in the past medical/surgical, family or social history and the
 * review of systems support nothing, nor does a condition named as a risk in
 * a consent discussion. Trigger words in a hypothetical or family context,
 * negated tests and treatments, and words naming another problem do not count
 * (details in docs/risk.md).
 *
 * Invariants: everything is allocated from the run's arena; evidence spans
 * are token spans of the note, so note[start, end) is always in range.
 */
#include "coder/meat.h"

#include "medcode/risk.h"

#include <stdio.h>
#include <string.h>

enum { MAX_EV = 16, MAX_FOLLOW = 6, MAX_ITEM = 8 };


/* Sentence holding byte pos (sentences are in text order); n_sentences when none. */
static uint32_t sentence_at(const mc_nlp_doc *d, uint32_t pos)
{
    uint32_t lo = 0, hi = d->n_sentences;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (d->sentences[mid].end <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < d->n_sentences && d->sentences[lo].start <= pos)
        return lo;
    return d->n_sentences;
}

/* Does the sentence open a list item ("1.", "2)", "-", "*", "#", bullet)? */
static bool item_start(const mc_nlp_doc *d, uint32_t s)
{
    const char *p = d->text;
    uint32_t i = d->sentences[s].start, e = d->sentences[s].end;
    if (i >= e)
        return false;
    if (p[i] == '-' || p[i] == '*' || p[i] == '#' || p[i] == '+')
        return true;
    if (e - i >= 3 && (unsigned char)p[i] == 0xE2 && (unsigned char)p[i + 1] == 0x80 &&
        (unsigned char)p[i + 2] == 0xA2)
        return true;
    uint32_t j = i;
    while (j < e && j - i < 3 && p[j] >= '0' && p[j] <= '9')
        j++;
    return j > i && j < e && (p[j] == '.' || p[j] == ')');
}

static bool silent_section(mc_sec_kind k)
{
    return k == MC_SEC_PMH || k == MC_SEC_PSH || k == MC_SEC_FAMILY || k == MC_SEC_SOCIAL ||
           k == MC_SEC_ROS || k == MC_SEC_INSTRUCTIONS;
}

static mc_sec_kind sec_kind(const mc_nlp_doc *d, uint32_t s)
{
    return d->sections[d->sentences[s].section].kind;
}

/*
 * Is this code a problem of its own? Status and encounter codes (Z),
 * symptoms and findings (R) and infectious agents (B95-B97, Section I.C.1)
 * describe the presentation or the care of a problem; a Z code with an HCC
 * (amputation, dialysis status) is one.
 */
static bool another_problem(const mc_coded *c)
{
    bool agent = c->code[0] == 'B' && c->code[1] == '9' && c->code[2] >= '5' && c->code[2] <= '7';
    return !((c->code[0] == 'Z' || c->code[0] == 'R' || agent) && !c->hcc);
}

/* Does sentence s state a diagnosis other than dx[self]? */
static bool other_dx_in(const run *r, uint32_t self, uint32_t s)
{
    const mc_nlp_sentence *se = &r->doc->sentences[s];
    for (uint32_t i = 0; i < r->n_dx; i++) {
        const mc_coded *c = &r->dx[i];
        if (i == self || !another_problem(c))
            continue;
        for (uint32_t j = 0; j < c->n_evidence; j++)
            if (c->evidence[j].start >= se->start && c->evidence[j].start < se->end)
                return true;
    }
    return false;
}

typedef struct ev_acc {
    run *r;
    uint32_t self; /* the diagnosis being checked */
    uint16_t *cls; /* per token: classify() result, 0 = not yet */
    mc_meat_evidence ev[MAX_EV];
    uint32_t n;
    unsigned met;
} ev_acc;

/* Only spaces or a comma between two spans of the same line. */
static bool adjacent(const char *text, uint32_t a, uint32_t b)
{
    for (uint32_t i = a; i < b; i++)
        if (text[i] != ' ' && text[i] != ',')
            return false;
    return true;
}

static void add_ev(ev_acc *a, unsigned crit, uint32_t start, uint32_t end, const char *what,
                   const char *where)
{
    a->met |= crit;
    for (uint32_t i = 0; i < a->n; i++) {
        mc_meat_evidence *x = &a->ev[i];
        if (x->criterion != crit)
            continue;
        if (start >= x->span.start && end <= x->span.end)
            return; /* already covered */
        /* "Monofilament exam shows": neighbouring words of one criterion are one span */
        if (start >= x->span.start && start <= x->span.end + 2 && end > x->span.end &&
            adjacent(a->r->text, x->span.end, start)) {
            x->span.end = end;
            return;
        }
    }
    if (a->n == MAX_EV)
        return;
    mc_meat_evidence *e = &a->ev[a->n++];
    e->criterion = (uint8_t)crit;
    e->span.start = start;
    e->span.end = end;
    e->why = where ? mc__cac_printf(a->r, "%s %s", what, where) : what;
}

static unsigned cls(ev_acc *a, uint32_t t)
{
    if (!a->cls[t])
        a->cls[t] = (uint16_t)mc__meat_classify(&a->r->doc->tokens[t]);
    return a->cls[t];
}

static bool negated_before(ev_acc *a, uint32_t t, uint32_t t0)
{
    for (uint32_t k = t > t0 + 2 ? t - 2 : t0; k < t; k++)
        if (cls(a, k) & C_NEG)
            return true;
    return false;
}

/*
 * Does the trigger at token t stand in a context that makes it not count?
 * ConText (src/nlp/context.c) on the trigger word itself: hypothetical or
 * family words ("return if worse", "mother was treated") always, negation
 * ("has not been using insulin") for tests and treatments (a negated status,
 * "not controlled", is still a status). A word that is part of another
 * diagnosis's statement ("laryngeal edema", "asthma exacerbation") names that
 * condition, not this one's care.
 */
static bool discounted(ev_acc *a, uint32_t t, unsigned crit)
{
    const run *r = a->r;
    const mc_nlp_doc *d = r->doc;
    uint32_t trig;
    unsigned as = mc__nlp_assert(d, d->tokens[t].sentence, t, t, &trig);
    if (as & (MC_ASSERT_HYPOTHETICAL | MC_ASSERT_FAMILY))
        return true;
    if ((as & MC_ASSERT_NEGATED) && (crit == MC_MEAT_T || crit == MC_MEAT_E))
        return true;
    uint32_t b = d->tokens[t].start, e = d->tokens[t].end;
    for (uint32_t i = 0; i < r->n_dx; i++) {
        const mc_coded *c = &r->dx[i];
        if (i == a->self || !another_problem(c) || !strncmp(c->code, r->dx[a->self].code, 3))
            continue;
        for (uint32_t j = 0; j < c->n_evidence; j++)
            if (c->evidence[j].start <= b && c->evidence[j].end >= e)
                return true;
    }
    return false;
}

/* Codes of the note that are treatment (Z79 long-term drug therapy) or procedures, in [b, e). */
static void treatment_codes(ev_acc *a, uint32_t b, uint32_t e, const char *where)
{
    const run *r = a->r;
    for (uint32_t i = 0; i < r->n_dx; i++) {
        if (strncmp(r->dx[i].code, "Z79", 3) != 0)
            continue;
        for (uint32_t j = 0; j < r->dx[i].n_evidence; j++) {
            mc_coder_span s = r->dx[i].evidence[j];
            if (s.start >= b && s.end <= e)
                add_ev(a, MC_MEAT_T, s.start, s.end, "long-term drug therapy", where);
        }
    }
    /* ICD-10-PCS sections B (imaging), C (nuclear medicine) and 4 (measurement and
     * monitoring) are evaluations; the others (medical and surgical, administration,
     * extracorporeal therapies, radiation therapy, rehabilitation ...) treat */
    for (uint32_t i = 0; i < r->n_px; i++) {
        char sec = r->px[i].code[0];
        bool eval = sec == 'B' || sec == 'C' || sec == '4';
        for (uint32_t j = 0; j < r->px[i].n_evidence; j++) {
            mc_coder_span s = r->px[i].evidence[j];
            if (s.start >= b && s.end <= e)
                add_ev(a, eval ? MC_MEAT_E : MC_MEAT_T, s.start, s.end,
                       eval ? "diagnostic procedure" : "procedure", where);
        }
    }
}

/* Look for MEAT words in tokens [t0, t1). */
static void scan(ev_acc *a, uint32_t t0, uint32_t t1, const char *where)
{
    const mc_nlp_doc *d = a->r->doc;
    for (uint32_t t = t0; t < t1; t++) {
        const mc_nlp_token *tk = &d->tokens[t];
        const mc_nlp_token *nx = t + 1 < t1 ? &d->tokens[t + 1] : NULL;
        unsigned c = cls(a, t);
        /* a header inside the sentence ("...,MEDICATIONS:, ...") is not a statement */
        if ((tk->flags & NLP_TOK_UPPER) && tk->len > 3 && tk->end < d->n &&
            d->text[tk->end] == ':')
            continue;
        if ((tk->flags & NLP_TOK_DIGIT) && nx && (cls(a, t + 1) & (C_UNIT | C_FREQ))) {
            /* "metformin 500 mg": the drug word before the dose belongs to the evidence */
            uint32_t s = t > t0 && !(d->tokens[t - 1].flags & NLP_TOK_DIGIT) &&
                                 !(cls(a, t - 1) & C_STOP)
                             ? t - 1
                             : t;
            if (!negated_before(a, s, t0) && !discounted(a, t, MC_MEAT_T))
                add_ev(a, MC_MEAT_T, d->tokens[s].start, nx->end, "medication dose", where);
            continue;
        }
        if ((c & C_FREQ) && strcmp(tk->norm, "daily")) {
            if (!negated_before(a, t, t0))
                add_ev(a, MC_MEAT_T, tk->start, tk->end, "medication frequency", where);
            continue;
        }
        if (!(c & (C_M | C_E | C_A | C_T)) && tk->norm[0] != 'f' && tk->norm[0] != 'x')
            continue;
        if (!strcmp(tk->norm, "follow") && nx && !strcmp(nx->norm, "up")) {
            if (!discounted(a, t, MC_MEAT_M))
                add_ev(a, MC_MEAT_M, tk->start, nx->end, "follow-up", where);
            t++;
            continue;
        }
        if (!strcmp(tk->norm, "x") && nx && !strcmp(nx->norm, "ray")) {
            if (!negated_before(a, t, t0) && !discounted(a, t, MC_MEAT_E))
                add_ev(a, MC_MEAT_E, tk->start, nx->end, "test or finding", where);
            t++;
            continue;
        }
        unsigned crit = (c & C_M) ? MC_MEAT_M : (c & C_A) ? MC_MEAT_A : (c & C_E) ? MC_MEAT_E
                                                                                    : MC_MEAT_T;
        if (discounted(a, t, crit))
            continue;
        if (c & C_M) {
            add_ev(a, MC_MEAT_M, tk->start, tk->end, "monitoring word", where);
        } else if (c & C_A) {
            add_ev(a, MC_MEAT_A, tk->start, tk->end, "status or discussion", where);
        } else if (c & C_E) {
            if (negated_before(a, t, t0))
                continue;
            /* a value right after the test name belongs to the evidence ("A1c 7.8",
             * "A1c of 7.8", "ejection fraction 35"), not a time ("creatinine in 3 months") */
            uint32_t e = tk->end;
            if (t + 1 < t1 && (d->tokens[t + 1].flags & NLP_TOK_DIGIT))
                e = d->tokens[t + 1].end;
            else if (t + 2 < t1 && (d->tokens[t + 2].flags & NLP_TOK_DIGIT) &&
                     !(t + 3 < t1 && (cls(a, t + 3) & C_TIME)) && !(cls(a, t + 1) & C_E))
                e = d->tokens[t + 2].end;
            add_ev(a, MC_MEAT_E, tk->start, e, "test or finding", where);
        } else if (c & C_T) {
            if (!negated_before(a, t, t0))
                add_ev(a, MC_MEAT_T, tk->start, tk->end, "treatment", where);
        }
    }
    if (t1 > t0)
        treatment_codes(a, d->tokens[t0].start, d->tokens[t1 - 1].end, where);
}

/* Tokens of the ';'-delimited clause of sentence s around byte range [b, e). */
static void clause(const mc_nlp_doc *d, uint32_t s, uint32_t b, uint32_t e, uint32_t *t0,
                   uint32_t *t1)
{
    const mc_nlp_sentence *se = &d->sentences[s];
    uint32_t f = se->tok_first, l = se->tok_first + se->tok_count;
    *t0 = f;
    *t1 = l;
    for (uint32_t t = f + 1; t < l; t++) {
        uint32_t gap0 = d->tokens[t - 1].end, gap1 = d->tokens[t].start;
        if (!memchr(d->text + gap0, ';', gap1 - gap0))
            continue;
        if (gap1 <= b)
            *t0 = t;
        else if (gap0 >= e && *t1 == l)
            *t1 = t;
    }
}

/*
 * An operative or procedure report: the pre/postoperative diagnosis or the
 * indication is the condition the reported procedure was done for. The
 * procedure treats it (T), or evaluates it (E) when the procedure section
 * names a diagnostic procedure (biopsy, endoscopy, catheterization ...).
 */
static void operation(ev_acc *a)
{
    const mc_nlp_doc *d = a->r->doc;
    for (uint32_t s = 0; s < d->n_sentences; s++) {
        if (sec_kind(d, s) != MC_SEC_PROCEDURE || !d->sentences[s].tok_count)
            continue;
        uint32_t f = d->sentences[s].tok_first, l = f + d->sentences[s].tok_count;
        if (l - f > 12)
            l = f + 12;
        bool diagnostic = false;
        for (uint32_t t = f; t < l && !diagnostic; t++)
            diagnostic = (cls(a, t) & C_E) != 0;
        add_ev(a, diagnostic ? MC_MEAT_E : MC_MEAT_T, d->tokens[f].start, d->tokens[l - 1].end,
               diagnostic ? "the diagnostic procedure this note reports"
                          : "the procedure this note reports",
               NULL);
        return;
    }
}

/* MEAT support of one statement of the condition (an evidence span of code `self`). */
static void meat_span(ev_acc *a, uint32_t self, mc_coder_span sp)
{
    const run *r = a->r;
    const mc_nlp_doc *d = r->doc;
    uint32_t s = sentence_at(d, sp.start);
    if (s >= d->n_sentences)
        return;
    mc_sec_kind k = sec_kind(d, s);
    if (silent_section(k))
        return;
    if (k == MC_SEC_EXAM || k == MC_SEC_DATA || k == MC_SEC_FINDINGS)
        add_ev(a, MC_MEAT_E, sp.start, sp.end,
               k == MC_SEC_EXAM ? "stated as a physical exam finding" : "stated in the results",
               NULL);
    if (k == MC_SEC_MEDS)
        add_ev(a, MC_MEAT_T, sp.start, sp.end, "named in the medication list", NULL);
    uint32_t t0, t1;
    clause(d, s, sp.start, sp.end, &t0, &t1);
    /* named as a possible complication in a consent discussion ("risks of bleeding,
     * infection, MI, DVT ... were discussed"): not a condition of the patient */
    for (uint32_t t = t0; t < t1 && d->tokens[t].end <= sp.start; t++)
        if (!strcmp(d->tokens[t].norm, "risk") || !strcmp(d->tokens[t].norm, "risks") ||
            !strcmp(d->tokens[t].norm, "complications"))
            return;
    if (k == MC_SEC_PREOP_DX || k == MC_SEC_POSTOP_DX || k == MC_SEC_INDICATION)
        operation(a);
    scan(a, t0, t1, "in the same sentence");
    /* the list item it opens or belongs to */
    /* (an item is at most MAX_ITEM sentences: a bullet long before is not this item's) */
    uint32_t sec = d->sentences[s].section, first = s;
    while (first > 0 && s - first < MAX_ITEM && d->sentences[first - 1].section == sec &&
           !item_start(d, first))
        first--;
    if (item_start(d, first)) {
        uint32_t last = s + 1;
        while (last < d->n_sentences && last - first < MAX_ITEM &&
               d->sentences[last].section == sec && !item_start(d, last))
            last++;
        for (uint32_t q = first; q < last; q++)
            if (q != s)
                scan(a, d->sentences[q].tok_first,
                     d->sentences[q].tok_first + d->sentences[q].tok_count,
                     "in the same list item");
        return;
    }
    /* prose assessment/plan: the lines that follow, up to the next diagnosis or item */
    if (k != MC_SEC_ASSESSMENT && k != MC_SEC_PLAN && k != MC_SEC_DIAGNOSES && k != MC_SEC_COURSE)
        return;
    for (uint32_t q = s + 1, n = 0; q < d->n_sentences && n < MAX_FOLLOW; q++, n++) {
        if (d->sentences[q].section != sec || item_start(d, q) || other_dx_in(r, self, q))
            break;
        /* a blank line ends the paragraph */
        uint32_t g0 = d->sentences[q - 1].end, g1 = d->sentences[q].start;
        const char *nl = memchr(d->text + g0, '\n', g1 - g0);
        if (nl && memchr(nl + 1, '\n', (size_t)(d->text + g1 - (nl + 1))))
            break;
        scan(a, d->sentences[q].tok_first, d->sentences[q].tok_first + d->sentences[q].tok_count,
             "in the lines that follow");
    }
}

/*
 * Is this statement of dx[self] part of a longer statement of another code of
 * the same category ("Type 2 diabetes mellitus" inside "Type 2 diabetes
 * mellitus with diabetic polyneuropathy")? Then its context is about that
 * code, not this one.
 */
static bool inside_other(const run *r, uint32_t self, mc_coder_span sp)
{
    for (uint32_t i = 0; i < r->n_dx; i++) {
        const mc_coded *c = &r->dx[i];
        if (i == self || strncmp(c->code, r->dx[self].code, 3) != 0)
            continue;
        for (uint32_t j = 0; j < c->n_evidence; j++) {
            mc_coder_span o = c->evidence[j];
            if (o.start <= sp.start && o.end >= sp.end && o.end - o.start > sp.end - sp.start)
                return true;
        }
    }
    return false;
}

/*
 * Results tied to a condition by what they measure: a test whose only use is
 * following that condition (A1c for diabetes, eGFR for chronic kidney disease,
 * BNP or ejection fraction for heart failure, FEV1 for chronic lung disease,
 * CD4 or viral load for HIV, PSA for prostate cancer), reported with a value
 * in the labs/results section, evaluates the condition even when the
 * assessment does not repeat it. Prefixes are dotted ICD-10-CM code starts.
 */
static const struct {
    const char *test[4];
    const char *codes[10];
} RESULTS[] = {
    { { "a1c", "hba1c", "hgba1c" }, { "E08", "E09", "E10", "E11", "E13" } },
    { { "egfr", "gfr", "creatinine" },
      { "N18", "I12", "I13", "E08.2", "E09.2", "E10.2", "E11.2", "E13.2" } },
    { { "bnp", "probnp", "ejection" }, { "I50", "I11.0", "I13.0", "I13.2", "I42" } },
    { { "fev1", "spirometry" }, { "J41", "J42", "J43", "J44", "J45", "J84" } },
    { { "cd4", "viral" }, { "B20" } },
    { { "psa" }, { "C61" } },
};

static void related_results(ev_acc *a, const mc_coded *c)
{
    const mc_nlp_doc *d = a->r->doc;
    for (size_t k = 0; k < sizeof RESULTS / sizeof RESULTS[0]; k++) {
        bool fits = false;
        for (int q = 0; q < 10 && RESULTS[k].codes[q] && !fits; q++)
            fits = !strncmp(c->code, RESULTS[k].codes[q], strlen(RESULTS[k].codes[q]));
        if (!fits)
            continue;
        for (uint32_t s = 0; s < d->n_sentences; s++) {
            if (sec_kind(d, s) != MC_SEC_DATA)
                continue;
            uint32_t f = d->sentences[s].tok_first, l = f + d->sentences[s].tok_count;
            for (uint32_t t = f; t < l; t++) {
                bool is = false;
                for (int q = 0; q < 4 && RESULTS[k].test[q] && !is; q++)
                    is = !strcmp(d->tokens[t].norm, RESULTS[k].test[q]);
                if (!is || discounted(a, t, MC_MEAT_E))
                    continue;
                for (uint32_t v = t + 1; v < l && v <= t + 3; v++)
                    if (d->tokens[v].flags & NLP_TOK_DIGIT) {
                        add_ev(a, MC_MEAT_E, d->tokens[t].start, d->tokens[v].end,
                               "related result in the results section", NULL);
                        break;
                    }
            }
        }
    }
}

/* Where the condition was stated, for the query: "the past medical history, the problem list". */
static const char *where_stated(run *r, const mc_coded *c)
{
    const char *names[MC_SEC__COUNT];
    uint32_t nn = 0;
    unsigned seen = 0;
    for (uint32_t j = 0; j < c->n_evidence; j++) {
        uint32_t s = sentence_at(r->doc, c->evidence[j].start);
        if (s >= r->doc->n_sentences)
            continue;
        mc_sec_kind k = sec_kind(r->doc, s);
        if (seen & (1u << k))
            continue;
        seen |= 1u << k;
        names[nn++] = k == MC_SEC_NONE        ? "the note text"
                      : k == MC_SEC_DIAGNOSES ? "a diagnosis or problem list"
                                              : mc__sec_info(k)->name;
    }
    if (!nn)
        return "the note";
    /* "the past medical history", "the past medical history and the assessment" */
    char buf[512];
    size_t n = 0;
    for (uint32_t i = 0; i < nn; i++) {
        const char *sep = i == 0 ? "" : i + 1 == nn ? " and " : ", ";
        const char *art = names[i][0] == 'a' && names[i][1] == ' ' ? "" : "the ";
        if (!strncmp(names[i], "the ", 4))
            art = "";
        int w = snprintf(buf + n, sizeof buf - n, "%s%s%s", sep, art, names[i]);
        if (w < 0 || (size_t)w >= sizeof buf - n)
            break;
        n += (size_t)w;
    }
    return mc__cac_printf(r, "%s", buf);
}

void mc__cac_hcc(run *r)
{
    const mc_risk *risk = r->opts->risk;
    mc_hcc_model m = r->opts->hcc == MC_CODER_HCC_V24 ? MC_HCC_V24 : MC_HCC_V28;
    uint32_t n_all = 0;
    uint16_t *all = mc__arena_alloc(&r->arena, (size_t)(2 * r->n_dx + 1) * sizeof *all);
    uint16_t *by = mc__arena_alloc(&r->arena, (size_t)(2 * r->n_dx + 1) * sizeof *by);
    mc_coded_hcc **ann = mc__arena_alloc(&r->arena, (size_t)(r->n_dx + 1) * sizeof *ann);
    if (!all || !by || !ann) {
        r->err = MC_ELIMIT;
        return;
    }
    for (uint32_t i = 0; i < r->n_dx; i++) {
        mc_coded *c = &r->dx[i];
        ann[i] = NULL;
        c->hcc = NULL;
        mc_hcc_ref refs[2];
        uint32_t n = 0;
        if (mc_risk_code_hccs(risk, m, c->code, strlen(c->code), refs, &n) != MC_OK || !n)
            continue;
        mc_coded_hcc *h = mc__arena_alloc(&r->arena, sizeof *h);
        if (!h) {
            r->err = MC_ELIMIT;
            return;
        }
        memset(h, 0, sizeof *h);
        h->n_hcc = n > 2 ? 2 : n;
        for (uint32_t k = 0; k < h->n_hcc; k++) {
            h->hcc[k].hcc = refs[k].hcc;
            h->hcc[k].label = refs[k].label;
            h->hcc[k].has_coefficient = mc_risk_hcc_coefficient(risk, m, MC_SEG_CNA, refs[k].hcc,
                                                                &h->hcc[k].coefficient_milli) ==
                                        MC_OK;
            all[n_all++] = refs[k].hcc;
        }
        ann[i] = h;
        c->hcc = h;
    }
    /* hierarchies over the note's HCCs */
    if (mc_risk_hcc_hierarchy(risk, m, all, n_all, by) != MC_OK) {
        r->err = MC_EINVAL;
        return;
    }
    uint32_t at = 0;
    for (uint32_t i = 0; i < r->n_dx; i++) {
        if (!ann[i])
            continue;
        for (uint32_t k = 0; k < ann[i]->n_hcc; k++) {
            ann[i]->hcc[k].dropped_by = by[at++];
            if (!ann[i]->hcc[k].dropped_by)
                ann[i]->moves_score = true;
        }
    }
    /* MEAT */
    uint16_t *cls_cache = mc__arena_alloc(&r->arena, (size_t)(r->doc->n_tokens + 1) * sizeof *cls_cache);
    if (!cls_cache) {
        r->err = MC_ELIMIT;
        return;
    }
    memset(cls_cache, 0, (size_t)(r->doc->n_tokens + 1) * sizeof *cls_cache);
    for (uint32_t i = 0; i < r->n_dx && !r->err; i++) {
        mc_coded_hcc *h = ann[i];
        if (!h)
            continue;
        const mc_coded *c = &r->dx[i];
        ev_acc a;
        a.r = r;
        a.self = i;
        a.cls = cls_cache;
        a.n = 0;
        a.met = 0;
        for (uint32_t j = 0; j < c->n_evidence; j++)
            if (!inside_other(r, i, c->evidence[j]))
                meat_span(&a, i, c->evidence[j]);
        related_results(&a, c);
        h->meat = a.met;
        if (a.n) {
            mc_meat_evidence *ev = mc__arena_alloc(&r->arena, a.n * sizeof *ev);
            if (!ev) {
                r->err = MC_ELIMIT;
                return;
            }
            memcpy(ev, a.ev, a.n * sizeof *ev);
            h->evidence = ev;
            h->n_evidence = a.n;
        }
        if (!h->meat && h->moves_score) {
            h->query = true;
            const char *about = mc__cac_printf(r, "%s %.*s (HCC %u %.*s)", c->code, (int)c->title.n,
                                               c->title.p, h->hcc[0].hcc, (int)h->hcc[0].label.n,
                                               h->hcc[0].label.p);
            const char *q = mc__cac_printf(
                r,
                "\"%.*s\" is documented only in %s, with no sign that it was monitored, "
                "evaluated, assessed or treated at this encounter. Is it a current condition "
                "that was addressed at this visit? If so, please document its status and "
                "management (e.g. stable or controlled, results reviewed, medication "
                "continued); if it is resolved or historical, please document that.",
                (int)(c->evidence[0].end - c->evidence[0].start), r->text + c->evidence[0].start,
                where_stated(r, c));
            mc__cac_query(r, about, q);
        }
    }
}
