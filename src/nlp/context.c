/*
 * ConText-style assertion (Harkema et al. 2009): trigger phrases with a
 * category and a direction; a trigger's scope runs to the end of the sentence
 * (forward) or back to its start (backward), stopping at a termination word
 * ("but", "however", "presents" ...) or a ';'/':' break. Pseudo-triggers
 * ("no increase", "gram negative", "not only") block a shorter trigger at the
 * same place. Section defaults: family history -> family, past medical and
 * surgical history -> historical, discharge instructions -> hypothetical.
 *
 * The categories drive what the coder may code (Official Guidelines):
 * uncertain diagnoses are coded as established for inpatient admissions
 * (Section II.H, III.C) and never for outpatient encounters (Section IV.H);
 * historical mentions become personal history codes (Z85-Z87) where the
 * Alphabetic Index has them; family mentions become Z80-Z84.
 */
#include "nlp/nlp.h"

#include <pthread.h>
#include <string.h>

enum { FWD = 1, BWD = 2, BOTH = 3, PSEUDO = 0 };

typedef struct trig {
    const char *phrase; /* folded words separated by single spaces */
    uint8_t category; /* MC_ASSERT_* or 0 for a pseudo-trigger */
    uint8_t dir;
    uint8_t reach; /* forward reach in tokens, 0 = to the end of the scope */
} trig;

#define NEG MC_ASSERT_NEGATED
#define UNC MC_ASSERT_UNCERTAIN
#define HIS MC_ASSERT_HISTORICAL
#define FAM MC_ASSERT_FAMILY
#define HYP MC_ASSERT_HYPOTHETICAL

static const trig trigs[] = {
    /* pseudo-triggers: not negations */
    { "no increase", 0, PSEUDO, 0 },
    { "no change", 0, PSEUDO, 0 },
    { "no significant change", 0, PSEUDO, 0 },
    { "not only", 0, PSEUDO, 0 },
    { "not certain if", 0, PSEUDO, 0 },
    { "not necessarily", 0, PSEUDO, 0 },
    { "no further", 0, PSEUDO, 0 },
    { "without difficulty", 0, PSEUDO, 0 },
    { "gram negative", 0, PSEUDO, 0 },
    { "not ruled out", 0, PSEUDO, 0 },
    { "no longer", 0, PSEUDO, 0 },
    { "not been ruled out", 0, PSEUDO, 0 },
    { "no improvement", 0, PSEUDO, 0 },
    { "not improved", 0, PSEUDO, 0 },
    { "not well controlled", 0, PSEUDO, 0 },
    { "not controlled", 0, PSEUDO, 0 },
    { "not responding", 0, PSEUDO, 0 },
    { "history of present illness", 0, PSEUDO, 0 },
    { "family history of present", 0, PSEUDO, 0 },
    /* negation, forward */
    { "no", NEG, FWD, 8 },
    { "not", NEG, FWD, 6 },
    { "without", NEG, FWD, 8 },
    { "denies", NEG, FWD, 0 },
    { "denied", NEG, FWD, 0 },
    { "denying", NEG, FWD, 0 },
    { "deny", NEG, FWD, 0 },
    { "no evidence of", NEG, FWD, 0 },
    { "no evidence for", NEG, FWD, 0 },
    { "no signs of", NEG, FWD, 0 },
    { "no sign of", NEG, FWD, 0 },
    { "no symptoms of", NEG, FWD, 0 },
    { "no history of", NEG, FWD, 0 },
    { "no prior history of", NEG, FWD, 0 },
    { "no known", NEG, FWD, 0 },
    { "no complaints of", NEG, FWD, 0 },
    { "negative for", NEG, FWD, 0 },
    /* "was negative for X": forward, not the backward "was negative" */
    { "is negative for", NEG, FWD, 0 },
    { "was negative for", NEG, FWD, 0 },
    { "were negative for", NEG, FWD, 0 },
    { "are negative for", NEG, FWD, 0 },
    { "is negative for any", NEG, FWD, 0 },
    { "was negative for any", NEG, FWD, 0 },
    { "free of", NEG, FWD, 6 },
    { "absence of", NEG, FWD, 6 },
    { "absent", NEG, BOTH, 3 },
    { "ruled out", NEG, BOTH, 0 },
    { "was ruled out", NEG, BWD, 0 },
    { "were ruled out", NEG, BWD, 0 },
    { "has been ruled out", NEG, BWD, 0 },
    { "r o ed", NEG, BOTH, 0 },
    { "never had", NEG, FWD, 0 },
    { "never", NEG, FWD, 4 },
    { "did not have", NEG, FWD, 0 },
    { "does not have", NEG, FWD, 0 },
    { "do not have", NEG, FWD, 0 },
    { "fails to reveal", NEG, FWD, 0 },
    { "failed to reveal", NEG, FWD, 0 },
    { "not demonstrate", NEG, FWD, 0 },
    { "unremarkable for", NEG, FWD, 0 },
    { "resolved", NEG, BWD, 0 },
    { "is negative", NEG, BWD, 0 },
    { "was negative", NEG, BWD, 0 },
    { "were negative", NEG, BWD, 0 },
    { "are negative", NEG, BWD, 0 },
    { "negative", NEG, BWD, 0 },
    { "not seen", NEG, BWD, 0 },
    { "not present", NEG, BWD, 0 },
    { "excluded", NEG, BWD, 0 },
    { "unlikely", NEG, BOTH, 4 },
    { "nor", NEG, FWD, 4 },
    { "none", NEG, BWD, 0 },
    /* uncertainty (Section II.H, III.C, IV.H) */
    { "possible", UNC, FWD, 0 },
    { "possibly", UNC, FWD, 0 },
    { "probable", UNC, FWD, 0 },
    { "probably", UNC, FWD, 0 },
    { "likely", UNC, BOTH, 4 },
    { "most likely", UNC, FWD, 0 },
    { "suspected", UNC, BOTH, 4 },
    { "suspect", UNC, FWD, 0 },
    { "suspicion for", UNC, FWD, 0 },
    { "suspicion of", UNC, FWD, 0 },
    { "suspicious for", UNC, FWD, 0 },
    { "rule out", UNC, FWD, 0 },
    { "r o", UNC, FWD, 0 },
    { "to rule out", UNC, FWD, 0 },
    { "questionable", UNC, FWD, 0 },
    { "question of", UNC, FWD, 0 },
    { "concern for", UNC, FWD, 0 },
    { "concerning for", UNC, FWD, 0 },
    { "worrisome for", UNC, FWD, 0 },
    { "may be", UNC, FWD, 0 },
    { "may have", UNC, FWD, 0 },
    { "might be", UNC, FWD, 0 },
    { "could be", UNC, FWD, 0 },
    { "cannot exclude", UNC, FWD, 0 },
    { "cannot be excluded", UNC, BWD, 0 },
    { "cannot rule out", UNC, FWD, 0 },
    { "can not rule out", UNC, FWD, 0 },
    { "differential diagnosis", UNC, FWD, 0 },
    { "differential includes", UNC, FWD, 0 },
    { "versus", UNC, BOTH, 0 },
    { "vs", UNC, BOTH, 0 },
    { "consistent with", UNC, FWD, 0 },
    { "compatible with", UNC, FWD, 0 },
    { "suggestive of", UNC, FWD, 0 },
    { "suggests", UNC, FWD, 0 },
    { "indicative of", UNC, FWD, 0 },
    { "presumed", UNC, FWD, 0 },
    { "presumptive", UNC, FWD, 0 },
    { "apparent", UNC, FWD, 3 },
    { "is suspected", UNC, BWD, 0 },
    { "is possible", UNC, BWD, 0 },
    { "evaluate for", UNC, FWD, 0 },
    { "evaluation for", UNC, FWD, 0 },
    { "work up for", UNC, FWD, 0 },
    { "workup for", UNC, FWD, 0 },
    /* history */
    { "history of", HIS, FWD, 0 },
    { "hx of", HIS, FWD, 0 },
    { "h o", HIS, FWD, 0 },
    { "s p", HIS, FWD, 0 },
    { "status post", HIS, FWD, 0 },
    { "past history of", HIS, FWD, 0 },
    { "personal history of", HIS, FWD, 0 },
    { "previous", HIS, FWD, 4 },
    /* "former smoker", "ex-smoker", "smoker, quit in 2005" (Z87.891) */
    { "former", HIS, FWD, 2 },
    { "formerly", HIS, FWD, 3 },
    { "ex", HIS, FWD, 1 },
    { "quit", HIS, BOTH, 3 },
    { "quit smoking", HIS, BOTH, 3 },
    { "previously", HIS, FWD, 4 },
    { "prior", HIS, FWD, 4 },
    { "remote", HIS, FWD, 4 },
    { "in the past", HIS, BWD, 0 },
    { "years ago", HIS, BWD, 0 },
    { "in remission", HIS, BWD, 0 },
    /* family */
    { "family history of", FAM, FWD, 0 },
    { "family history", FAM, FWD, 0 },
    { "family hx", FAM, FWD, 0 },
    { "fh of", FAM, FWD, 0 },
    { "mother", FAM, BOTH, 0 },
    { "father", FAM, BOTH, 0 },
    { "brother", FAM, BOTH, 0 },
    { "sister", FAM, BOTH, 0 },
    { "sibling", FAM, BOTH, 0 },
    { "siblings", FAM, BOTH, 0 },
    { "parents", FAM, BOTH, 0 },
    { "grandmother", FAM, BOTH, 0 },
    { "grandfather", FAM, BOTH, 0 },
    { "aunt", FAM, BOTH, 0 },
    { "uncle", FAM, BOTH, 0 },
    { "cousin", FAM, BOTH, 0 },
    { "maternal", FAM, FWD, 0 },
    { "paternal", FAM, FWD, 0 },
    /* hypothetical / conditional */
    { "if", HYP, FWD, 0 },
    { "return if", HYP, FWD, 0 },
    { "call if", HYP, FWD, 0 },
    { "in case of", HYP, FWD, 0 },
    { "watch for", HYP, FWD, 0 },
    { "monitor for", HYP, FWD, 0 },
    { "should", HYP, FWD, 0 },
    { "risk of", HYP, FWD, 0 },
    { "risk for", HYP, FWD, 0 },
    /* consent discussions: "risks including bleeding, infection, DVT" */
    { "risks include", HYP, FWD, 0 },
    { "risks included", HYP, FWD, 0 },
    { "risks including", HYP, FWD, 0 },
    { "risks such as", HYP, FWD, 0 },
    { "risks and benefits", HYP, FWD, 0 },
    { "risks benefits", HYP, FWD, 0 },
    { "risks and complications", HYP, FWD, 0 },
    { "potential complications", HYP, FWD, 0 },
    { "complications including", HYP, FWD, 0 },
    { "complications include", HYP, FWD, 0 },
    { "complications such as", HYP, FWD, 0 },
    { "at risk", HYP, FWD, 0 },
    { "to prevent", HYP, FWD, 0 },
    { "prevention of", HYP, FWD, 0 },
    { "prophylaxis", HYP, BOTH, 3 },
    { "precautions", HYP, BWD, 0 },
    { "screening for", HYP, FWD, 0 },
    { "in order to", HYP, FWD, 0 },
    { "signs of", HYP, FWD, 0 },
};

/* Words that end a trigger's scope. */
static const char *const terminators[] = {
    "but",      "however",   "although",  "though",   "except",   "aside",    "apart",
    "which",    "whereas",   "yet",       "presents", "presented", "presenting", "reports",
    "reported", "complains", "complaining", "admits", "states",   "now",      "currently",
    "today",    "found",     "diagnosed", "secondary", "due",     "because",  "since",
    "while",    "who",
};
/* Verbs that end a negation's or an uncertainty's scope ("no fever, has cough"). */
static const char *const verb_terminators[] = { "is", "was", "has", "had", "are", "were", "shows", "showed", "revealed", "reveals" };
/* Extra terminators for family triggers: the patient is the subject again. */
static const char *const fam_terminators[] = { "patient", "pt", "he", "she", "her", "his" };

static bool word_in(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i][0] == w[0] && !strcmp(w, list[i]))
            return true;
    return false;
}

/* Length of each trigger's first word, computed once (the table is constant). */
static uint8_t first_len[sizeof trigs / sizeof trigs[0]];
static pthread_once_t first_len_once = PTHREAD_ONCE_INIT;
/* Triggers by first byte, in table order: by_first[c] .. by_first[c + 1] in by_index. */
static uint16_t by_first[257], by_index[sizeof trigs / sizeof trigs[0]];
static void init_first_len(void)
{
    size_t nt = sizeof trigs / sizeof trigs[0];
    for (size_t i = 0; i < nt; i++) {
        first_len[i] = (uint8_t)strcspn(trigs[i].phrase, " ");
        by_first[(unsigned char)trigs[i].phrase[0] + 1]++;
    }
    for (int c = 0; c < 256; c++)
        by_first[c + 1] = (uint16_t)(by_first[c + 1] + by_first[c]);
    uint16_t fill[256] = { 0 };
    for (size_t i = 0; i < nt; i++) {
        unsigned char c = (unsigned char)trigs[i].phrase[0];
        by_index[by_first[c] + fill[c]++] = (uint16_t)i;
    }
}

/* Number of tokens matched by phrase at token t (0 when no match). */
static uint16_t match_phrase(const mc_nlp_doc *doc, uint32_t t, uint32_t end, const char *ph)
{
    uint16_t k = 0;
    const char *w = ph;
    while (*w) {
        const char *sp = strchr(w, ' ');
        size_t wl = sp ? (size_t)(sp - w) : strlen(w);
        if (t + k >= end)
            return 0;
        const mc_nlp_token *tk = &doc->tokens[t + k];
        if (tk->len != wl || memcmp(tk->norm, w, wl) != 0)
            return 0;
        if (k > 0 && (tk->flags & NLP_TOK_BREAK))
            return 0;
        k++;
        w += wl;
        if (*w == ' ')
            w++;
    }
    return k;
}

int mc__nlp_triggers(mc_nlp_doc *doc, mc__arena *a)
{
    pthread_once(&first_len_once, init_first_len);
    /* scope terminators, marked once per token */
    for (uint32_t t = 0; t < doc->n_tokens; t++) {
        mc_nlp_token *tk = &doc->tokens[t];
        const char *w = tk->norm;
        if (tk->len > 11)
            continue;
        if (word_in(w, terminators, sizeof terminators / sizeof terminators[0]))
            tk->flags |= NLP_TOK_TERM;
        else if (word_in(w, verb_terminators, sizeof verb_terminators / sizeof verb_terminators[0]))
            tk->flags |= NLP_TOK_TERM_VERB;
        if (word_in(w, fam_terminators, sizeof fam_terminators / sizeof fam_terminators[0]))
            tk->flags |= NLP_TOK_TERM_FAM;
    }
    uint32_t cap = 64, n = 0;
    mc_nlp_trigger *tr = mc__arena_alloc(a, cap * sizeof *tr);
    uint32_t *st = mc__arena_alloc(a, ((size_t)doc->n_sentences + 1) * sizeof *st);
    if (!tr || !st)
        return MC_ELIMIT;
    for (uint32_t s = 0; s < doc->n_sentences; s++) {
        st[s] = n;
        const mc_nlp_sentence *se = &doc->sentences[s];
        uint32_t end = se->tok_first + se->tok_count;
        for (uint32_t t = se->tok_first; t < end; t++) {
            char c0 = doc->tokens[t].norm[0];
            uint16_t best = 0;
            const trig *bt = NULL;
            uint16_t tl = doc->tokens[t].len;
            for (uint16_t x = by_first[(unsigned char)c0]; x < by_first[(unsigned char)c0 + 1];
                 x++) {
                uint16_t i = by_index[x];
                if (first_len[i] != tl)
                    continue;
                uint16_t k = match_phrase(doc, t, end, trigs[i].phrase);
                if (k > best || (k == best && k && bt && bt->category && !trigs[i].category)) {
                    best = k;
                    bt = &trigs[i];
                }
            }
            if (!bt)
                continue;
            if (bt->category) {
                if (n == cap) {
                    mc_nlp_trigger *t2 = mc__arena_alloc(a, 2 * cap * sizeof *t2);
                    if (!t2)
                        return MC_ELIMIT;
                    memcpy(t2, tr, cap * sizeof *t2);
                    tr = t2;
                    cap *= 2;
                }
                tr[n++] = (mc_nlp_trigger){ t, best, bt->category, bt->dir };
                /* the trigger's reach is looked up again from the table when asserting */
            }
            t += best - 1u;
        }
    }
    st[doc->n_sentences] = n;
    doc->triggers = tr;
    doc->n_triggers = n;
    doc->sent_trig = st;
    return MC_OK;
}

static uint8_t reach_of(const mc_nlp_doc *doc, const mc_nlp_trigger *t)
{
    uint32_t end = t->tok + t->ntok;
    for (size_t i = 0; i < sizeof trigs / sizeof trigs[0]; i++)
        if (trigs[i].category == t->category && trigs[i].phrase[0] == doc->tokens[t->tok].norm[0] &&
            match_phrase(doc, t->tok, end, trigs[i].phrase) == t->ntok) {
            const char *p = trigs[i].phrase;
            uint16_t words = 1;
            for (; *p; p++)
                words = (uint16_t)(words + (*p == ' '));
            if (words == t->ntok)
                return trigs[i].reach;
        }
    return 0;
}

/* Does a terminator lie in tokens (a, b]? (a break flag on b itself counts too) */
static bool terminated(const mc_nlp_doc *doc, uint32_t a, uint32_t b, bool family)
{
    /* the relative stays the subject: "an uncle who died of", "mother was diagnosed with" */
    static const char *const fam_through[] = { "who", "which", "diagnosed", "found", "due",
                                               "secondary", "because", "since" };
    unsigned stop = NLP_TOK_TERM | (family ? NLP_TOK_TERM_FAM : NLP_TOK_TERM_VERB);
    for (uint32_t t = a + 1; t <= b; t++) {
        const mc_nlp_token *tk = &doc->tokens[t];
        if (tk->flags & NLP_TOK_BREAK)
            return true;
        if (t < b && (tk->flags & stop)) {
            if (family && !(tk->flags & NLP_TOK_TERM_FAM) &&
                word_in(tk->norm, fam_through, sizeof fam_through / sizeof fam_through[0]))
                continue;
            return true;
        }
    }
    return false;
}

unsigned mc__nlp_assert(const mc_nlp_doc *doc, uint32_t s, uint32_t first, uint32_t last,
                        uint32_t *trigger)
{
    unsigned flags = 0;
    *trigger = UINT32_MAX;
    if (s >= doc->n_sentences)
        return 0;
    for (uint32_t i = doc->sent_trig[s]; i < doc->sent_trig[s + 1]; i++) {
        const mc_nlp_trigger *t = &doc->triggers[i];
        uint32_t tend = t->tok + t->ntok - 1;
        bool fam = t->category == MC_ASSERT_FAMILY;
        bool hit = false;
        if ((t->dir & FWD) && tend < first) {
            uint8_t reach = reach_of(doc, t);
            if ((!reach || first - tend <= reach) && !terminated(doc, tend, first, fam))
                hit = true;
        }
        if (!hit && (t->dir & BWD) && t->tok > last && t->tok - last <= 6 &&
            !terminated(doc, last, t->tok, fam))
            hit = true;
        /* a family word inside the mention itself ("mother's breast cancer") */
        if (!hit && fam && t->tok >= first && t->tok <= last)
            hit = true;
        if (hit) {
            if (!(flags & t->category) && *trigger == UINT32_MAX)
                *trigger = t->tok;
            flags |= t->category;
        }
    }
    mc_sec_kind k = doc->sections[doc->sentences[s].section].kind;
    if (k == MC_SEC_FAMILY)
        flags |= MC_ASSERT_FAMILY;
    else if (k == MC_SEC_PMH || k == MC_SEC_PSH)
        flags |= MC_ASSERT_HISTORICAL;
    else if (k == MC_SEC_INSTRUCTIONS)
        flags |= MC_ASSERT_HYPOTHETICAL;
    return flags;
}
