/*
 * Phrase matching: every lexicon phrase whose stems all occur close together
 * in one sentence becomes a mention. Words may come in any order (index
 * paths invert clinical word order) but must fit a window of 2n + 4 tokens
 * for an n-word phrase. A phrase is looked up only through its rarest stem
 * (its anchor), so each note word visits few candidates.
 *
 * Section context adds virtual words: a family-history section or a family
 * trigger adds "family" and "history", a past-history section or a history
 * trigger adds "history", so "Mother: breast cancer" reaches the index path
 * "History, family, malignant neoplasm, breast" (Z80.3).
 *
 * Then, per sentence, a mention whose matched words are a subset of a longer
 * mention's is dropped: the most specific index path wins (Section I.B.1-2:
 * the Index leads to the most specific code the words support).
 */
#include "coder/coder_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Is sentence s in an allergy list ("ALLERGIES:", which shares the medications kind)? */
bool mc__cac_allergy_section(const run *r, uint32_t s)
{
    const mc_nlp_section *sec = &r->doc->sections[r->doc->sentences[s].section];
    if (sec->kind != MC_SEC_MEDS)
        return false;
    for (uint32_t p = sec->head_start; p + 6 <= sec->head_end; p++)
        if (!strncasecmp(r->text + p, "allerg", 6))
            return true;
    return false;
}

/* "old" of an age ("72-year-old", "3 months old") says nothing of a condition ("old MI"). */
static bool age_word(const mc_nlp_doc *doc, uint32_t i)
{
    const mc_nlp_token *t = &doc->tokens[i];
    if (t->len != 3 || memcmp(t->norm, "old", 3) != 0)
        return false;
    if (i == 0 || doc->tokens[i - 1].sentence != t->sentence)
        return false;
    const char *p = doc->tokens[i - 1].norm;
    static const char *const units[] = { "year", "years", "yr", "yrs", "month", "months",
                                         "week", "weeks", "wk", "wks", "day", "days", "y", "mo" };
    for (size_t k = 0; k < sizeof units / sizeof units[0]; k++)
        if (!strcmp(p, units[k]))
            return true;
    return false;
}

/*
 * Abbreviations that are also English words or lab names stand for a
 * condition only when written in capitals ("MS", "CA", "PAD", "AIDS").
 */
static bool caps_only(const mc_nlp_token *t)
{
    static const char *const words[] = { "ms",  "cap", "cp",   "ha",  "pad", "ca",  "loc",
                                         "aids", "als", "gad", "cat", "lap", "ra",  "oa",
                                         "ams", "pin", "mets", "ocd", "af",  "echo" };
    if (t->flags & NLP_TOK_UPPER)
        return false;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == t->len && !memcmp(words[i], t->norm, t->len))
            return true;
    return false;
}

int mc__cac_tokens(run *r)
{
    const mc__lex *lx = r->c->lex;
    const mc_nlp_doc *doc = r->doc;
    uint32_t nt = doc->n_tokens;
    r->tok_ids_at = mc__arena_alloc(&r->arena, ((size_t)nt + 1) * sizeof(uint32_t));
    uint32_t cap = nt * 2 + 16, n = 0;
    r->tok_ids = mc__arena_alloc(&r->arena, (size_t)cap * sizeof(uint32_t));
    r->tok_own = mc__arena_alloc(&r->arena, (size_t)nt + 1);
    if (!r->tok_ids_at || !r->tok_ids || !r->tok_own)
        return MC_ELIMIT;
    struct sb_stemmer *st = r->stemmer;
    char buf[128];
    for (uint32_t i = 0; i < nt; i++) {
        const mc_nlp_token *t = &doc->tokens[i];
        r->tok_ids_at[i] = n;
        const uint32_t *syn;
        uint32_t ns = mc__lex_synonyms(lx, t->norm, t->len, &syn);
        if (ns && caps_only(t))
            ns = 0; /* "Ms. Smith", "Ca 9.5", "hearing aids": not MS, cancer, AIDS */
        uint32_t need = n + 1 + ns;
        if (need > cap) {
            uint32_t nc = need * 2;
            uint32_t *p = mc__arena_alloc(&r->arena, (size_t)nc * sizeof(uint32_t));
            if (!p)
                return MC_ELIMIT;
            memcpy(p, r->tok_ids, (size_t)n * sizeof(uint32_t));
            r->tok_ids = p;
            cap = nc;
        }
        size_t k = mc__cac_stem(st, t->norm, t->len, buf, sizeof buf);
        uint32_t id = k && !mc__cac_stopword(t->norm, t->len) && !age_word(doc, i)
                          ? mc__lex_stem_id(lx, buf, k)
                          : LEX_NONE;
        r->tok_own[i] = id != LEX_NONE;
        if (id != LEX_NONE)
            r->tok_ids[n++] = id;
        for (uint32_t j = 0; j < ns; j++)
            if (syn[j] != id)
                r->tok_ids[n++] = syn[j];
    }
    r->tok_ids_at[nt] = n;
    return MC_OK;
}

/* Does token q's first id come from its own stem (not only from a synonym)? */
static bool tok_own(const run *r, uint32_t q) { return r->tok_own[q]; }

typedef struct sent_index {
    uint32_t *stamp; /* per stem: sentence number + 1 when present */
    uint32_t *head; /* per stem: first occurrence (index into occ) */
    uint32_t *occ_pos, *occ_next;
    uint32_t n_occ;
    uint32_t *entry_stamp; /* per entry: sentence number + 1 when already tried */
    uint32_t id_hist, id_fam; /* stems "histori", "famili" */
} sent_index;

static void add_occ(sent_index *si, uint32_t stamp, uint32_t id, uint32_t pos)
{
    if (si->stamp[id] != stamp) {
        si->stamp[id] = stamp;
        si->head[id] = UINT32_MAX;
    }
    si->occ_pos[si->n_occ] = pos;
    si->occ_next[si->n_occ] = si->head[id];
    si->head[id] = si->n_occ++;
}

/*
 * A one-word index term is named by its own word, not by another word of the
 * same stem: "alcohol" is not "Alcoholism", "person" not "Personality",
 * "sterile" not "Encounter for sterilization",
 * "teeth" not "Teething", "infected" not "Infection". The note word must
 * share all but two letters of the term's word (the last component of the
 * path) and be at most two letters shorter; a synonym ("HTN") always fits.
 */
static bool surface_fits(const run *r, const lex_entry *e, uint32_t q)
{
    if (!tok_own(r, q) || r->tok_ids[r->tok_ids_at[q]] != e->tk[0])
        return true; /* reached through a synonym */
    const mc_nlp_token *t = &r->doc->tokens[q];
    if (t->len < 3)
        return true;
    const char *p = e->path.p, *end = e->path.p + e->path.n;
    for (const char *x = p; x + 3 <= end; x++)
        if (x[0] == ' ' && x[1] == '>' && x[2] == ' ')
            p = x + 3;
    /* the term's word: the first of the last component starting like the note word */
    while (p < end) {
        while (p < end && !((*p | 32) >= 'a' && (*p | 32) <= 'z'))
            p++;
        size_t wl = 0;
        while (p + wl < end && ((p[wl] | 32) >= 'a' && (p[wl] | 32) <= 'z'))
            wl++;
        if (wl >= 3 && (p[0] | 32) == t->norm[0] && (p[1] | 32) == t->norm[1] &&
            (p[2] | 32) == t->norm[2]) {
            /* an acronym of the Index ("AIDS", "PIN") is written in capitals in the note too */
            bool caps = true;
            for (size_t k = 0; k < wl && caps; k++)
                caps = p[k] >= 'A' && p[k] <= 'Z';
            if (caps && !(t->flags & NLP_TOK_UPPER))
                return false;
            if (wl < 5)
                return true;
            if ((size_t)t->len + 2 < wl)
                return false;
            size_t common = 0;
            while (common < wl && common < t->len && (p[common] | 32) == t->norm[common])
                common++;
            return common + 2 >= wl;
        }
        p += wl;
    }
    return true;
}

/* Try entry e anchored at token p of sentence s; append a mention when it fits. */
static void try_entry(run *r, sent_index *si, uint32_t stamp, uint32_t s, uint32_t ei, uint32_t p)
{
    const lex_entry *e = mc__cac_entry(r, ei);
    uint32_t pos[32], lo = UINT32_MAX, hi = 0, real = 0;
    for (uint32_t j = 0; j < e->ntok; j++)
        if (si->stamp[e->tk[j]] != stamp)
            return; /* fast rejection before any position work */
    for (uint32_t j = 0; j < e->ntok; j++) {
        uint32_t id = e->tk[j];
        /* nearest occurrence to the anchor */
        uint32_t best = UINT32_MAX, bd = UINT32_MAX;
        /* the context's "history"/"family" is taken before a written one more than 2 words away */
        bool ctx_word = id == si->id_hist || id == si->id_fam;
        for (uint32_t o = si->head[id]; o != UINT32_MAX; o = si->occ_next[o]) {
            uint32_t q = si->occ_pos[o];
            uint32_t d = q == POS_VIRTUAL ? (ctx_word ? 3 : UINT32_MAX - 1) : (q > p ? q - p : p - q);
            if (d < bd) {
                bd = d;
                best = q;
            }
        }
        pos[j] = best;
        if (best != POS_VIRTUAL) {
            real++;
            if (best < lo)
                lo = best;
            if (best > hi)
                hi = best;
        }
    }
    if (!real || hi - lo + 1 > 2 * real + 4)
        return;
    /*
     * An abbreviation's expansion is used whole or not at all: "CKD" may give
     * "chronic kidney disease" but not lend "chronic" to "Pain, chronic".
     * A number must sit next to another word of the phrase ("stage 3").
     */
    for (uint32_t j = 0; j < e->ntok; j++) {
        uint32_t q = pos[j];
        if (q == POS_VIRTUAL)
            continue;
        uint32_t nids = r->tok_ids_at[q + 1] - r->tok_ids_at[q];
        if (nids >= 3 || (nids == 2 && !tok_own(r, q))) {
            uint32_t used = 0;
            for (uint32_t k = 0; k < e->ntok; k++)
                used += pos[k] == q;
            bool own_used = false;
            for (uint32_t k = 0; k < e->ntok && tok_own(r, q); k++)
                own_used |= pos[k] == q && e->tk[k] == r->tok_ids[r->tok_ids_at[q]];
            /* a phrase made of the abbreviation alone and section words ("History of DVT") */
            bool alone = true;
            for (uint32_t k = 0; k < e->ntok && alone; k++)
                alone = pos[k] == q || pos[k] == POS_VIRTUAL || e->tk[k] == si->id_hist ||
                        e->tk[k] == si->id_fam;
            if (!own_used && used < 2 && !(alone && e->ntok > 1))
                return;
        }
        bool letter = r->doc->tokens[q].len == 1 && !(r->doc->tokens[q].flags & NLP_TOK_DIGIT);
        if (letter) {
            /* a single letter ("hepatitis B") must touch another word of the phrase */
            bool touch = false;
            for (uint32_t k = 0; k < e->ntok && !touch; k++)
                touch = k != j && pos[k] != POS_VIRTUAL && (pos[k] + 1 == q || q + 1 == pos[k]);
            if (!touch)
                return;
        }
        if (r->doc->tokens[q].flags & NLP_TOK_DIGIT) {
            uint32_t near = UINT32_MAX;
            for (uint32_t k = 0; k < e->ntok; k++)
                if (k != j && pos[k] != POS_VIRTUAL && pos[k] != q) {
                    uint32_t d = pos[k] > q ? pos[k] - q : q - pos[k];
                    if (d < near)
                        near = d;
                }
            if (near != UINT32_MAX && near > 2)
                return;
        }
    }
    /*
     * A negation inside the phrase ("heart disease without heart failure") breaks
     * it, except for a "without" path, which needs one before its last words
     * ("Concussion > without loss of consciousness").
     */
    const mc_nlp_doc *doc = r->doc;
    uint32_t tail = UINT32_MAX;
    for (uint32_t j = e->without_split; e->without_split && j < e->ntok; j++)
        if (pos[j] != POS_VIRTUAL && pos[j] < tail)
            tail = pos[j];
    bool negated_tail = false;
    for (uint32_t i = doc->sent_trig[s]; i < doc->sent_trig[s + 1]; i++) {
        const mc_nlp_trigger *tg = &doc->triggers[i];
        if (tg->category != MC_ASSERT_NEGATED || tg->tok <= lo || tg->tok >= hi)
            continue;
        if (!e->without_split)
            return;
        if (tg->tok < tail)
            negated_tail = true;
    }
    if (e->without_split && !negated_tail)
        return;
    if (e->ntok == 1 && real == 1 && (e->src == LEX_INDEX || e->src == LEX_TITLE) &&
        !surface_fits(r, e, lo))
        return;
    if (lo == hi && !mc__cac_surface_ok(r, e, lo))
        return;
    if (e->src != LEX_PCS && !mc__cac_field_ok(r, lo))
        return;
    if (e->src == LEX_INDEX && lo != hi && !mc__cac_compound_ok(r, e, pos))
        return;
    mention *m = mc__cac_push(r, (void **)&r->m, &r->n_m, &r->cap_m, sizeof *m);
    if (!m)
        return;
    memset(m, 0, sizeof *m);
    m->entry = ei;
    m->sentence = s;
    m->first = lo;
    m->last = hi;
    m->npos = e->ntok;
    m->pos = mc__arena_alloc(&r->arena, e->ntok * sizeof(uint32_t));
    if (!m->pos) {
        r->n_m--;
        r->err = MC_ELIMIT;
        return;
    }
    memcpy(m->pos, pos, e->ntok * sizeof(uint32_t));
    m->dropped_by = UINT32_MAX;
    m->procedure = e->src == LEX_PCS || (e->src == LEX_LEARNED && mc__cac_is_pcs(e->code));
    m->trigger = UINT32_MAX;
}

static int src_rank(char src)
{
    switch (src) {
    case LEX_INDEX: return 0;
    case LEX_NEOPLASM: return 1;
    case LEX_TITLE: return 2;
    default: return 3;
    }
}

/* Is every real position of a among b's? */
static bool subset_ctx(const run *r, const mention *a, const mention *b)
{
    const lex_entry *ea = mc__cac_entry(r, a->entry);
    for (uint32_t i = 0; i < a->npos; i++) {
        if (a->pos[i] == POS_VIRTUAL || ea->tk[i] == r->id_hist || ea->tk[i] == r->id_fam)
            continue; /* "history"/"family" count the same written or from the context */
        bool found = false;
        for (uint32_t j = 0; j < b->npos && !found; j++)
            found = b->pos[j] == a->pos[i];
        if (!found)
            return false;
    }
    return true;
}

/* Is e's code a billable ICD-10-CM code as written (not a header or "-" category)? */
static bool billable_entry(const run *r, const lex_entry *e)
{
    if (e->src == LEX_PCS)
        return true;
    char u[8];
    size_t k = 0;
    for (const char *p = e->code; *p && k < 7; p++) {
        if (*p == '-')
            return false;
        if (*p != '.')
            u[k++] = *p;
    }
    u[k] = 0;
    const lex_code *c = mc__cac_code(r, u);
    return c && c->billable;
}

/* Does the entry carry the virtual "history" word (a personal/family history path)? */
static bool history_entry(const run *r, const lex_entry *e)
{
    return e->src == LEX_INDEX && e->code[0] == 'Z' && e->ntok &&
           !strncmp(e->path.p, "History", e->path.n < 7 ? e->path.n : 7) && r;
}

/* Drop mentions subsumed by a more specific one in the same sentence [from, to). */
static void select_sentence(run *r, uint32_t from, uint32_t to)
{
    for (uint32_t i = from; i < to; i++) {
        mention *a = &r->m[i];
        const lex_entry *ea = mc__cac_entry(r, a->entry);
        for (uint32_t j = from; j < to && !a->dropped; j++) {
            if (i == j)
                continue;
            mention *b = &r->m[j];
            if (b->dropped || b->procedure != a->procedure)
                continue;
            const lex_entry *eb = mc__cac_entry(r, b->entry);
            /* learned phrases stand beside the lexicon's: neither subsumes the other */
            if (ea->src == LEX_LEARNED || eb->src == LEX_LEARNED)
                continue;
            /*
             * A history path naming the condition by its main term replaces the
             * more detailed condition: "Past medical history: deep vein
             * thrombosis" -> History > personal > thrombosis (Z86.718). A path
             * sharing only a modifier ("History > personal > respiratory") does not.
             */
            if (ea->src == LEX_INDEX && history_entry(r, eb) && !history_entry(r, ea) &&
                subset_ctx(r, b, a) && ea->ntok) {
                bool main_named = false;
                for (uint32_t k = 0; k < eb->ntok && !main_named; k++)
                    main_named = eb->tk[k] == ea->tk[0];
                if (main_named) {
                    a->dropped = true;
                    a->dropped_by = j;
                    continue;
                }
            }
            if (!subset_ctx(r, a, b))
                continue;
            /*
             * The index completes a tabular header: "Type 1 diabetes mellitus with
             * diabetic retinopathy" (title of header E10.31) says no more than the
             * index path that leads to E10.319, so the billable index code stays.
             */
            if (ea->src == LEX_INDEX && eb->src == LEX_TITLE && billable_entry(r, ea) &&
                !billable_entry(r, eb)) {
                char ub[9];
                size_t k = 0;
                for (const char *q = eb->code; *q && k < 8; q++)
                    if (*q != '.' && *q != '-')
                        ub[k++] = *q;
                ub[k] = 0;
                char ua[9];
                k = 0;
                for (const char *q = ea->code; *q && k < 8; q++)
                    if (*q != '.')
                        ua[k++] = *q;
                ua[k] = 0;
                if (!strncmp(ua, ub, strlen(ub))) {
                    b->dropped = true;
                    continue;
                }
            }
            /* a personal or family history path replaces the condition it names (Z80-Z87) */
            if (history_entry(r, eb) && !history_entry(r, ea)) {
                a->dropped = true;
                a->dropped_by = j;
            } else if (history_entry(r, ea) && !history_entry(r, eb)) {
                continue; /* nor is it dropped for that condition ("former smoker") */
            } else if (eb->ntok > ea->ntok) {
                a->dropped = true;
                a->dropped_by = j;
            } else if (eb->ntok == ea->ntok && subset_ctx(r, b, a)) {
                int ra = src_rank(ea->src), rb = src_rank(eb->src);
                bool ba = billable_entry(r, ea), bb = billable_entry(r, eb);
                /* equal words: keep the better source, then a reportable code, then the earlier */
                if (rb < ra || (rb == ra && bb && !ba) ||
                    (rb == ra && bb == ba && b->entry < a->entry))
                    a->dropped = true;
            }
        }
    }
}

/*
 * Words that join two separate statements or conditions: a clause or list
 * boundary inside a sentence ("CKD stage 3 admitted with acute heart
 * failure", "hypertension, COPD"). Connectives of index paths ("due to",
 * "secondary to", "in", "of", "on" of "acute on chronic") are not among them.
 */
static bool boundary_word(const char *w, size_t n)
{
    static const char *const words[] = {
        "and",       "or",         "with",      "w",        "admitted",  "admit",
        "presents",  "presented",  "presenting", "who",     "was",       "were",
        "is",        "are",        "has",       "had",      "have",      "developed",
        "develops",  "underwent",  "received",  "started",  "treated",   "found",
        "noted",     "now",        "but",       "then",     "also",      "plus",
        "versus",    "vs",         "after",     "since",    "while",     "which",
        "complains", "reports",    "denies",    "became",   "becomes",   "requiring",
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && !memcmp(words[i], w, n))
            return true;
    return false;
}

/* Are all of n's (position, stem) pairs among m's? */
static bool pairs_subset(const run *r, const mention *n, const mention *m)
{
    const lex_entry *en = mc__cac_entry(r, n->entry), *em = mc__cac_entry(r, m->entry);
    for (uint32_t i = 0; i < n->npos; i++) {
        if (n->pos[i] == POS_VIRTUAL)
            continue;
        bool found = false;
        for (uint32_t j = 0; j < m->npos && !found; j++)
            found = m->pos[j] == n->pos[i] && em->tk[j] == en->tk[i];
        if (!found)
            return false;
    }
    return true;
}

/* Real (position, stem) pairs of m in region g. */
static uint32_t region_pairs(const mention *m, const uint32_t *seg, uint32_t t0, uint32_t g)
{
    uint32_t k = 0;
    for (uint32_t j = 0; j < m->npos; j++)
        k += m->pos[j] != POS_VIRTUAL && seg[m->pos[j] - t0] == g;
    return k;
}

/*
 * Phrase words stay within one clause or noun-phrase region. The sentence is
 * cut into regions at commas, ';'/':' and boundary words. A phrase spanning
 * regions is kept when it elaborates what its regions say ("Kidney disease,
 * chronic, stage 3", "Anemia, iron deficiency", "first pregnancy, 12 weeks
 * gestation"), and dropped when it takes some words of a condition stated
 * within one region without all of them while another region also holds a
 * condition of its own: "stage 3 chronic kidney disease admitted with acute
 * on chronic systolic heart failure" gives neither "Failure, renal, acute"
 * (kidney + acute + failure) nor "Disease, heart"; "hypertension, COPD" does
 * not give "Disease, pulmonary, hypertensive". A region counts as holding a
 * condition of its own when another phrase there is exactly the words the
 * spanning phrase takes from it, or when it steals from one. "with" paths
 * (Section I.A.15 presumes the link across regions), "without" paths and
 * learned phrases are not checked.
 */
static void clause_filter(run *r, uint32_t s, uint32_t from, uint32_t to, uint32_t *seg)
{
    const mc_nlp_doc *doc = r->doc;
    const mc_nlp_sentence *se = &doc->sentences[s];
    uint32_t t0 = se->tok_first, nt = se->tok_count, g = 0;
    if (to - from < 2)
        return;
    for (uint32_t k = 0; k < nt; k++) {
        const mc_nlp_token *t = &doc->tokens[t0 + k];
        if (k && (t->flags & (NLP_TOK_COMMA | NLP_TOK_BREAK)))
            g++;
        if (boundary_word(t->norm, t->len)) {
            seg[k] = ++g;
            g++;
        } else {
            seg[k] = g;
        }
    }
    for (uint32_t i = from; i < to; i++) {
        mention *m = &r->m[i];
        const lex_entry *em = mc__cac_entry(r, m->entry);
        if (m->procedure || em->src == LEX_LEARNED || em->with_split || em->without_split)
            continue;
        /* the regions m touches (at most 8 looked at) */
        uint32_t regs[8], nr = 0;
        for (uint32_t j = 0; j < m->npos; j++) {
            if (m->pos[j] == POS_VIRTUAL)
                continue;
            uint32_t gj = seg[m->pos[j] - t0];
            bool seen = false;
            for (uint32_t q = 0; q < nr && !seen; q++)
                seen = regs[q] == gj;
            if (!seen && nr < 8)
                regs[nr++] = gj;
        }
        if (nr < 2)
            continue;
        /*
         * A clause word between the phrase's words ("on chronic anticoagulation
         * with Coumadin for atrial fibrillation", "was", "admitted") separates
         * statements: the phrase does not take a word across it.
         */
        bool hard = false;
        for (uint32_t k = m->first + 1; k < m->last && !hard; k++) {
            const mc_nlp_token *bt = &doc->tokens[k];
            hard = boundary_word(bt->norm, bt->len) && strcmp(bt->norm, "and") != 0 &&
                   strcmp(bt->norm, "or") != 0 && strcmp(bt->norm, "plus") != 0 &&
                   strcmp(bt->norm, "versus") != 0 && strcmp(bt->norm, "vs") != 0;
        }
        if (hard) {
            m->dropped = true;
            continue;
        }
        uint32_t own = 0, stolen = 0;
        for (uint32_t q = 0; q < nr; q++) {
            uint32_t want = region_pairs(m, seg, t0, regs[q]);
            bool is_own = false, is_stolen = false;
            for (uint32_t k = from; k < to && !(is_own && is_stolen); k++) {
                const mention *n = &r->m[k];
                if (k == i || n->procedure || mc__cac_entry(r, n->entry)->src == LEX_LEARNED)
                    continue;
                /* n lies within region regs[q] and shares a word with m */
                uint32_t real = 0;
                bool inside = true, shares = false;
                for (uint32_t j = 0; j < n->npos && inside; j++) {
                    if (n->pos[j] == POS_VIRTUAL)
                        continue;
                    real++;
                    inside = seg[n->pos[j] - t0] == regs[q];
                    for (uint32_t x = 0; x < m->npos && !shares; x++)
                        shares = m->pos[x] == n->pos[j];
                }
                if (!inside || !shares)
                    continue;
                if (!pairs_subset(r, n, m))
                    is_stolen = true;
                else if (real == want)
                    is_own = true;
            }
            own += is_own || is_stolen;
            stolen += is_stolen;
        }
        if (stolen && own >= 2)
            m->dropped = true;
    }
}

int mc__cac_match(run *r)
{
    const mc__lex *lx = r->c->lex;
    const mc_nlp_doc *doc = r->doc;
    sent_index si;
    memset(&si, 0, sizeof si);
    si.stamp = mc__arena_zalloc(&r->arena, ((size_t)lx->n_stems + 1) * sizeof(uint32_t));
    si.head = mc__arena_alloc(&r->arena, ((size_t)lx->n_stems + 1) * sizeof(uint32_t));
    const mc_coder_model *md = r->opts->model;
    size_t n_all = (size_t)lx->n_entries + (md ? md->n_entries : 0);
    si.entry_stamp = mc__arena_zalloc(&r->arena, (n_all + 1) * sizeof(uint32_t));
    if (!si.stamp || !si.head || !si.entry_stamp)
        return MC_ELIMIT;
    uint32_t max_occ = 16, max_tok = 1;
    for (uint32_t s = 0; s < doc->n_sentences; s++) {
        const mc_nlp_sentence *se = &doc->sentences[s];
        if (se->tok_count > max_tok)
            max_tok = se->tok_count;
        uint32_t k = r->tok_ids_at[se->tok_first + se->tok_count] - r->tok_ids_at[se->tok_first];
        if (k + 8 > max_occ)
            max_occ = k + 8;
    }
    si.occ_pos = mc__arena_alloc(&r->arena, (size_t)max_occ * sizeof(uint32_t));
    si.occ_next = mc__arena_alloc(&r->arena, (size_t)max_occ * sizeof(uint32_t));
    uint32_t *seg = mc__arena_alloc(&r->arena, (size_t)max_tok * sizeof(uint32_t));
    if (!si.occ_pos || !si.occ_next || !seg)
        return MC_ELIMIT;
    uint32_t id_hist = mc__lex_stem_id(lx, "histori", 7);
    uint32_t id_fam = mc__lex_stem_id(lx, "famili", 6);
    uint32_t id_allergy = mc__lex_stem_id(lx, "allergi", 7);
    si.id_hist = id_hist;
    r->id_hist = id_hist;
    r->id_fam = id_fam;
    si.id_fam = id_fam;
    for (uint32_t s = 0; s < doc->n_sentences; s++) {
        const mc_nlp_sentence *se = &doc->sentences[s];
        uint32_t stamp = s + 1;
        si.n_occ = 0;
        uint32_t t0 = se->tok_first, t1 = se->tok_first + se->tok_count;
        for (uint32_t t = t0; t < t1; t++)
            for (uint32_t k = r->tok_ids_at[t]; k < r->tok_ids_at[t + 1]; k++)
                add_occ(&si, stamp, r->tok_ids[k], t);
        /* virtual words from the section and the sentence's triggers */
        mc_sec_kind kind = doc->sections[se->section].kind;
        bool allergy = mc__cac_allergy_section(r, s);
        bool fam = kind == MC_SEC_FAMILY, hist = kind == MC_SEC_PMH || kind == MC_SEC_PSH || allergy;
        for (uint32_t i = doc->sent_trig[s]; i < doc->sent_trig[s + 1]; i++) {
            fam |= doc->triggers[i].category == MC_ASSERT_FAMILY;
            hist |= doc->triggers[i].category == MC_ASSERT_HISTORICAL;
        }
        if ((fam || hist) && id_hist != LEX_NONE)
            add_occ(&si, stamp, id_hist, POS_VIRTUAL);
        if (fam && id_fam != LEX_NONE)
            add_occ(&si, stamp, id_fam, POS_VIRTUAL);
        /* "ALLERGIES: Penicillin" -> History, personal, allergy, penicillin (Z88.0) */
        if (allergy && id_allergy != LEX_NONE)
            add_occ(&si, stamp, id_allergy, POS_VIRTUAL);
        uint32_t first_m = r->n_m;
        for (uint32_t t = t0; t < t1; t++)
            for (uint32_t k = r->tok_ids_at[t]; k < r->tok_ids_at[t + 1]; k++) {
                uint32_t id = r->tok_ids[k];
                for (uint32_t a = lx->anchor_at[id]; a < lx->anchor_at[id + 1]; a++) {
                    uint32_t ei = lx->anchor_list[a];
                    if (si.entry_stamp[ei] == stamp)
                        continue;
                    si.entry_stamp[ei] = stamp;
                    try_entry(r, &si, stamp, s, ei, t);
                    if (r->err)
                        return r->err;
                }
                if (md && id < md->n_stems)
                    for (uint32_t a = md->anchor_at[id]; a < md->anchor_at[id + 1]; a++) {
                        uint32_t ei = md->base + md->anchor_list[a];
                        if (si.entry_stamp[ei] == stamp)
                            continue;
                        si.entry_stamp[ei] = stamp;
                        try_entry(r, &si, stamp, s, ei, t);
                        if (r->err)
                            return r->err;
                    }
            }
        /* phrases anchored at a virtual word ("History, family, ...") */
        uint32_t virt[2] = { (fam || hist) ? id_hist : LEX_NONE, fam ? id_fam : LEX_NONE };
        for (int v = 0; v < 2 && t1 > t0; v++) {
            if (virt[v] == LEX_NONE)
                continue;
            for (uint32_t a = lx->anchor_at[virt[v]]; a < lx->anchor_at[virt[v] + 1]; a++) {
                uint32_t ei = lx->anchor_list[a];
                if (si.entry_stamp[ei] == stamp)
                    continue;
                si.entry_stamp[ei] = stamp;
                try_entry(r, &si, stamp, s, ei, t0);
                if (r->err)
                    return r->err;
            }
        }
        clause_filter(r, s, first_m, r->n_m, seg);
        select_sentence(r, first_m, r->n_m);
    }
    return MC_OK;
}
