/*
 * Surface check for one-word phrases. Stems conflate words a coder keeps
 * apart ("person" and "Personality" both stem to "person", "Band-Aid" and
 * "AIDS" to "aid"), and some index main terms are ordinary English words
 * ("May (-Hegglin) anomaly", "Fit"). A phrase of one word is therefore
 * accepted only when the note's word is that word of the index path or title
 * itself, an inflection of it or a near derivation (at most three letters
 * apart after a shared stem), an acronym written in capitals when the path
 * writes it so, and not one of the common words below. Words reached
 * through an abbreviation or a synonym (one note word giving a phrase of
 * several) are trusted, unless the abbreviation is written in lower case and
 * is also an English word or title ("fat pad", "Ms.").
 */
#include "coder/coder_int.h"

#include <string.h>

/*
 * Words that name a condition in the Index but, standing alone in a note,
 * almost always mean something else: everyday English ("may need", "fit for
 * surgery", "cold saline"), anatomy ("sinus", "nerve"), the procedure
 * ("under general anesthesia", "exposure was obtained", "bleeders were
 * cauterized") or a test ("culture and sensitivity"). Longer phrases with
 * them ("sinus tachycardia", "anesthesia of skin") are not affected.
 */
static const char *const common_words[] = {
    "may",       "fit",      "will",        "can",       "must",     "might",   "cold",
    "plus",      "abnormal", "symptom",     "symptoms",  "exposure", "stress",  "sinus",
    "nerve",     "nerves",   "anesthesia",  "anesthetic", "bleeder", "bleeders", "sensitivity",
    "clot",      "clots",    "tubercle",    "sinuses",   "burning",
};
/* Abbreviations that are English words or titles when written in lower case ("fat pad", "Ms."). */
static const char *const lower_words[] = { "pad", "ms", "mr", "ace", "aid", "cat", "pet", "all" };

static size_t fold_word(const char *p, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++)
        out[k++] = mc__lower(p[i]);
    out[k] = 0;
    return k;
}

/*
 * Is note word t (folded) a form of path word w (folded)? The same word, a
 * plural, a sibling ending ("hypertensive" / "hypertension", "diabetic" /
 * "diabetes"), an adjective of the term ("asthmatic" of "Asthma", "anemic" of
 * "Anemia") or "obese" of "Obesity"; never a word the term is derived from
 * ("person" of "Personality", "alcohol" of "Alcoholism", "teeth" of "Teething").
 */
static bool compatible(const char *t, size_t tn, const char *w, size_t wn)
{
    if (tn == wn)
        return !memcmp(t, w, tn) || (tn >= 5 && !memcmp(t, w, tn - 2));
    const char *lg = tn > wn ? t : w, *sh = tn > wn ? w : t;
    size_t ln = tn > wn ? tn : wn, sn = tn > wn ? wn : tn;
    if (ln - sn <= 2 && (!strcmp(lg + sn, "s") || !strcmp(lg + sn, "es")) && !memcmp(lg, sh, sn))
        return true; /* plural */
    if (tn < wn) /* the note's word is shorter: only "obese" of "Obesity" */
        return tn >= 4 && t[tn - 1] == 'e' && wn == tn + 2 && !memcmp(w, t, tn - 1) &&
               !strcmp(w + tn - 1, "ity");
    size_t base = wn;
    while (base > 4 && base + 2 > wn && strchr("aeiouy", w[base - 1]))
        base--;
    return tn - wn <= 4 && base >= 4 && !memcmp(t, w, base);
}

bool mc__cac_surface_ok(run *r, const lex_entry *e, uint32_t q)
{
    if (e->src != LEX_INDEX && e->src != LEX_TITLE && e->src != LEX_NEOPLASM)
        return true;
    const mc_nlp_token *tk = &r->doc->tokens[q];
    if (e->ntok == 1)
        for (size_t i = 0; i < sizeof common_words / sizeof common_words[0]; i++)
            if (!strcmp(tk->norm, common_words[i]))
                return false;
    bool caps = tk->end - tk->start >= 2 && tk->end - tk->start <= 6;
    for (uint32_t i = tk->start; i < tk->end && caps; i++)
        caps = !(r->text[i] >= 'a' && r->text[i] <= 'z');
    bool synonym = !r->tok_own[q] || r->tok_ids[r->tok_ids_at[q]] != e->tk[0];
    if (e->ntok != 1 || (synonym && caps)) {
        /* reached through an abbreviation or synonym: lower-case English words are not */
        bool lower = false;
        for (uint32_t i = tk->start; i < tk->end && !lower; i++)
            lower = r->text[i] >= 'a' && r->text[i] <= 'z';
        for (size_t i = 0; lower && i < sizeof lower_words / sizeof lower_words[0]; i++)
            if (!strcmp(tk->norm, lower_words[i]))
                return false;
        return true;
    }
    /* "Pleural condition, unspecified" is no code for the word "pleural" alone */
    if (e->src == LEX_TITLE && memmem(e->path.p, e->path.n, " condition", 10))
        return false;
    /*
     * A substance "use" title ("Alcohol use, unspecified with ...") reached by
     * the drug's name alone: the name is not a documented use (Section I.C.5.b).
     */
    if (e->src == LEX_TITLE && e->path.n > 4 && memmem(e->path.p, e->path.n, " use", 4)) {
        bool use = false;
        const mc_nlp_doc *d = r->doc;
        for (uint32_t k = q > 2 ? q - 2 : 0; k <= q + 2 && k < d->n_tokens && !use; k++)
            use = d->tokens[k].sentence == tk->sentence &&
                  (!strcmp(d->tokens[k].norm, "use") || !strcmp(d->tokens[k].norm, "uses") ||
                   !strcmp(d->tokens[k].norm, "using") || !strcmp(d->tokens[k].norm, "user"));
        if (!use)
            return false;
    }
    const char *p = e->path.p, *end = e->path.p + e->path.n;
    /* the referring term only: "Prostatism (see hyperplasia, prostate)" */
    const char *see = memmem(p, e->path.n, " (see", 5);
    if (see)
        end = see;
    bool seen = false;
    while (p < end) {
        while (p < end && !((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
            p++;
        const char *w = p;
        while (p < end && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '\''))
            p++;
        size_t wn = (size_t)(p - w);
        if (!wn || wn >= 64)
            continue;
        char fw[64], st[64];
        fold_word(w, wn, fw, sizeof fw);
        /* the path writes the note's word itself ("Tuberculosis, tubercular, tuberculous") */
        if (synonym && compatible(tk->norm, tk->len, fw, wn))
            return true;
        size_t sk = mc__cac_stem(r->stemmer, fw, wn, st, sizeof st);
        if (!sk || mc__lex_stem_id(r->c->lex, st, sk) != e->tk[0])
            continue;
        seen = true;
        /* an acronym in capitals ("AIDS") is matched only by capitals */
        bool wcaps = wn >= 2;
        for (size_t i = 0; i < wn && wcaps; i++)
            wcaps = w[i] >= 'A' && w[i] <= 'Z';
        if (wcaps) {
            bool twcaps = true;
            for (uint32_t i = tk->start; i < tk->end && twcaps; i++)
                twcaps = !(r->text[i] >= 'a' && r->text[i] <= 'z');
            if (!twcaps)
                continue;
        }
        if (compatible(tk->norm, tk->len, fw, wn))
            return true;
        /*
         * Through a synonym, a different word ("piles" for "Hemorrhoids") is the
         * list's word; a near one ("cervix" for "Cervicitis", "appendix" for
         * "Appendicitis") is a stem collision.
         */
        if (synonym && (tk->len < 4 || wn < 4 || memcmp(tk->norm, fw, 4) != 0))
            return true;
    }
    return !seen; /* no word of the path carries the stem: nothing to compare */
}

/*
 * Phrases that are a field of an operative report rather than a condition:
 * "Estimated blood loss: 50 mL" is a measurement, not hemorrhage (R58).
 */
bool mc__cac_field_ok(const run *r, uint32_t lo)
{
    const mc_nlp_doc *d = r->doc;
    if (!lo || d->tokens[lo - 1].sentence != d->tokens[lo].sentence)
        return true;
    const char *prev = d->tokens[lo - 1].norm;
    return strcmp(prev, "estimated") != 0 && strcmp(prev, "ebl") != 0;
}

/* Stem id of path word w[0..n) (folded), or LEX_NONE. */
static uint32_t word_id(run *r, const char *w, size_t n)
{
    char fw[64], st[64];
    if (!n || n >= sizeof fw)
        return LEX_NONE;
    fold_word(w, n, fw, sizeof fw);
    size_t sk = mc__cac_stem(r->stemmer, fw, n, st, sizeof st);
    return sk ? mc__lex_stem_id(r->c->lex, st, sk) : LEX_NONE;
}

/*
 * A hyphenated compound of the path ("Fever, three-day", "Sixth disease -
 * see Exanthem, subitum") names one thing: its words must stand next to each
 * other, in order, in the note. "Three days of fever" is no three-day fever.
 */
bool mc__cac_compound_ok(run *r, const lex_entry *e, const uint32_t *pos)
{
    const char *p = e->path.p, *end = e->path.p + e->path.n;
    const char *see = memmem(p, e->path.n, " (see", 5);
    if (see)
        end = see;
    for (const char *h = p; h < end; h++) {
        if (*h != '-' || h == p || h + 1 >= end || !(h[-1] >= 'a' && h[-1] <= 'z') ||
            !(h[1] >= 'a' && h[1] <= 'z'))
            continue;
        const char *a = h;
        while (a > p && ((a[-1] >= 'a' && a[-1] <= 'z') || (a[-1] >= 'A' && a[-1] <= 'Z')))
            a--;
        const char *b = h + 1;
        while (b < end && ((*b >= 'a' && *b <= 'z') || (*b >= 'A' && *b <= 'Z')))
            b++;
        uint32_t ia = word_id(r, a, (size_t)(h - a)), ib = word_id(r, h + 1, (size_t)(b - h - 1));
        if (ia == ib)
            continue;
        if ((ia == LEX_NONE) != (ib == LEX_NONE)) {
            /* one side is no lexicon word ("day" of "three-day"): the note word next to
               the other side must be exactly it */
            uint32_t known = ia != LEX_NONE ? ia : ib, pk = POS_VIRTUAL;
            for (uint32_t j = 0; j < e->ntok && pk == POS_VIRTUAL; j++)
                if (e->tk[j] == known)
                    pk = pos[j];
            if (pk == POS_VIRTUAL)
                continue;
            const char *ow = ia == LEX_NONE ? a : h + 1;
            size_t on = ia == LEX_NONE ? (size_t)(h - a) : (size_t)(b - h - 1);
            uint32_t q = ia == LEX_NONE ? pk - 1 : pk + 1;
            if (ia == LEX_NONE && !pk)
                return false;
            if (q >= r->doc->n_tokens || r->doc->tokens[q].sentence != r->doc->tokens[pk].sentence)
                return false;
            char fw[64];
            if (on >= sizeof fw)
                continue;
            fold_word(ow, on, fw, sizeof fw);
            if (strcmp(r->doc->tokens[q].norm, fw) != 0)
                return false;
            continue;
        }
        if (ia == LEX_NONE)
            continue;
        uint32_t pa = POS_VIRTUAL, pb = POS_VIRTUAL;
        for (uint32_t j = 0; j < e->ntok; j++) {
            if (e->tk[j] == ia && pa == POS_VIRTUAL)
                pa = pos[j];
            if (e->tk[j] == ib && pb == POS_VIRTUAL)
                pb = pos[j];
        }
        if (pa == POS_VIRTUAL || pb == POS_VIRTUAL)
            continue;
        /* one note word may carry both ("three-day" is one token in some notes) */
        if (pa != pb && pb != pa + 1)
            return false;
    }
    return true;
}
