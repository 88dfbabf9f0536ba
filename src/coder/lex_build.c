/*
 * Build part "coder_lex" (stage 1): compiles the coder's lexicon section
 * CACLEX (format in lexicon.h) from release files: the ICD-10-CM Alphabetic
 * Index and Neoplasm Table (XML, read with expat), the ICD-10-CM and
 * ICD-10-PCS order files (titles), and data/coder/abbreviations.tsv.
 *
 * Only codes printed in those official files are written; the runtime checks
 * every code again against the year's code set before reporting it.
 */
#include "build/build.h"
#include "coder/lexicon.h"
#include "nlp/nlp.h"

#include <expat.h>
#include <xxhash.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const stopwords[] = {
    "a",     "an",        "the",       "of",       "and",      "or",       "in",
    "on",    "to",        "by",        "for",      "with",     "as",       "at",
    "from",  "be",        "is",        "its",      "it",       "than",     "into",
    "that",  "which",     "nos",       "nec",      "unspecified", "other", "specified",
    "elsewhere", "classified", "site",  "encounter", "initial", "subsequent", "sequela",
    "approach", "not",     "use",       "code",     "additional", "see",   "also",
    "condition", "due",    "without",   "following", "involving", "this",  "these",
    "those", "has",       "have",      "was",      "were",     "are",      "been",
    "any",   "all",       "part",      "parts",    "unsp",     "w",
    "year",  "years",     "yo",        "through",  "day",      "days",     "month",
    "months", "drug",     "drugs",     "medicament", "medicaments", "his",    "her",
};

bool mc__cac_stopword(const char *w, size_t n)
{
    if (!n || n > 12)
        return false;
    for (size_t i = 0; i < sizeof stopwords / sizeof stopwords[0]; i++)
        if (stopwords[i][0] == w[0] && strlen(stopwords[i]) == n && !memcmp(stopwords[i], w, n))
            return true;
    return false;
}

size_t mc__cac_stem(struct sb_stemmer *st, const char *w, size_t n, char *out, size_t cap)
{
    static const struct {
        const char *roman, *arabic;
    } romans[] = { { "i", "1" },     { "ii", "2" },     { "iii", "3" },   { "iv", "4" },
                   { "iiia", "3a" }, { "iiib", "3b" }, { "v", "5" } };
    if (!cap)
        return 0;
    for (size_t i = 0; i < sizeof romans / sizeof romans[0]; i++)
        if (strlen(romans[i].roman) == n && !memcmp(romans[i].roman, w, n))
            return mc__strlcpy(out, romans[i].arabic, cap);
    bool digit = false;
    for (size_t i = 0; i < n; i++)
        if (w[i] >= '0' && w[i] <= '9')
            digit = true;
    /* "-itis" words keep their ending: "cervicitis" must not meet "cervical" */
    bool itis = n > 5 && !memcmp(w + n - 4, "itis", 4);
    /* organism names in the Latin genitive: "Streptococcus pneumoniae" is not pneumonia,
       "Haemophilus influenzae" not influenza */
    bool latin = (n == 10 && !memcmp(w, "pneumoniae", 10)) ||
                 (n == 10 && !memcmp(w, "influenzae", 10));
    if (digit || n <= 3 || !st || itis || latin) {
        size_t k = n < cap - 1 ? n : cap - 1;
        memcpy(out, w, k);
        out[k] = 0;
        return k;
    }
    const sb_symbol *s = sb_stemmer_stem(st, (const sb_symbol *)w, (int)n);
    int len = sb_stemmer_length(st);
    if (!s || len <= 0) {
        size_t k = n < cap - 1 ? n : cap - 1;
        memcpy(out, w, k);
        out[k] = 0;
        return k;
    }
    size_t k = (size_t)len < cap - 1 ? (size_t)len : cap - 1;
    memcpy(out, s, k);
    out[k] = 0;
    return k;
}

/* ---- phrase -> stems ---- */
typedef struct stems {
    char buf[1024];
    size_t n; /* bytes used in buf ("a b c") */
    int count;
    struct sb_stemmer *st;
    bool keep_stop; /* abbreviation expansions keep every word */
} stems;

static void add_word(void *ctx, const char *w, size_t len)
{
    stems *s = ctx;
    if (!s->keep_stop && mc__cac_stopword(w, len))
        return;
    char out[128];
    size_t k = mc__cac_stem(s->st, w, len, out, sizeof out);
    if (!k)
        return;
    /* skip duplicates */
    const char *p = s->buf, *end = s->buf + s->n;
    while (p < end) {
        const char *sp = memchr(p, ' ', (size_t)(end - p));
        size_t wl = sp ? (size_t)(sp - p) : (size_t)(end - p);
        if (wl == k && !memcmp(p, out, k))
            return;
        p += wl + 1;
    }
    if (s->n + k + 2 >= sizeof s->buf)
        return;
    if (s->n)
        s->buf[s->n++] = ' ';
    memcpy(s->buf + s->n, out, k);
    s->n += k;
    s->buf[s->n] = 0;
    s->count++;
}

static void stems_add(stems *s, const char *p, size_t n)
{
    /* "stage 1 through stage 4": a range of stages, any of which the note may name */
    char tmp[512];
    const char *r = n < sizeof tmp ? memmem(p, n, " through stage ", 15) : NULL;
    if (r && r - p >= 7) {
        size_t k = (size_t)(r - p) - 2; /* drop the digit before " through" */
        memcpy(tmp, p, k);
        const char *after = r + 15;
        while (after < p + n && *after != ' ')
            after++; /* drop the digit after "stage" */
        size_t rest = (size_t)(p + n - after);
        memcpy(tmp + k, after, rest);
        mc__nlp_words(tmp, k + rest, add_word, s);
        return;
    }
    mc__nlp_words(p, n, add_word, s);
}

typedef struct lexw {
    mc__buf out; /* section text */
    struct sb_stemmer *st;
    size_t n_entries;
} lexw;

static void put_entry(lexw *w, const char *code, char src, int with_split, const stems *s,
                      const char *path, size_t path_n)
{
    if (!s->count)
        return;
    mc__buf_printf(&w->out, "E\t%s\t%c\t%d\t%s\t", code, src, with_split, s->buf);
    for (size_t i = 0; i < path_n; i++) {
        char c = path[i];
        mc__buf_putc(&w->out, c == '\t' || c == '\n' || c == '\r' ? ' ' : c);
    }
    mc__buf_putc(&w->out, '\n');
    w->n_entries++;
}

/* ---- Alphabetic Index / Neoplasm Table (expat) ---- */
enum { MAXDEPTH = 12, ALT_SLOTS = 1 << 16 };

typedef struct ilevel {
    char title[256]; /* title without nonessential modifiers */
    bool connective; /* "with", "in", "due to", ... */
} ilevel;

typedef struct see_ref {
    char *from_stems; /* stems of the referring path */
    char *from_path;
    char *target; /* lower-case target path "pain, abdominal" */
    char *from_key; /* path key of the referring term ("see also" only) */
    bool also; /* "see also" of a main term: used only when the term has no code */
} see_ref;

typedef struct iparse {
    lexw *w;
    char src; /* LEX_INDEX or LEX_NEOPLASM */
    int depth; /* current term level (0 = main term) */
    ilevel lv[MAXDEPTH];
    mc__buf text; /* character data of the current element */
    bool in_title, in_nemod;
    int code_col; /* neoplasm: column counter inside a term */
    /* path key -> code, for resolving "see" */
    char **keys;
    char **codes;
    size_t n_keys, cap_keys;
    see_ref *sees;
    size_t n_sees, cap_sees;
    uint64_t *alt_seen; /* hashes of alternative words already written */
    size_t n_alt;
    mc__buf alts; /* S lines for alternatives */
} iparse;

static const char *const connectives[] = { "with", "in", "due to", "without", "following",
                                           "complicating", "associated with", "and", "of",
                                           "by", "from", "after", "complicated by",
                                           "as cause of disease classified elsewhere" };

static bool is_connective(const char *t)
{
    for (size_t i = 0; i < sizeof connectives / sizeof connectives[0]; i++)
        if (!strcmp(t, connectives[i]))
            return true;
    return false;
}

static void path_text(const iparse *ip, mc__buf *b)
{
    for (int i = 0; i <= ip->depth && i < MAXDEPTH; i++) {
        if (i)
            mc__buf_puts(b, " > ");
        mc__buf_puts(b, ip->lv[i].title);
    }
}

static void path_key(const iparse *ip, char *out, size_t cap)
{
    size_t k = 0;
    out[0] = 0;
    for (int i = 0; i <= ip->depth && i < MAXDEPTH; i++) {
        const char *t = ip->lv[i].title;
        /* "Calculus, calculi, calculous" is referred to as "Calculus" */
        char first[256];
        if (i == 0) {
            size_t fl = strcspn(t, ",(");
            while (fl && t[fl - 1] == ' ')
                fl--;
            snprintf(first, sizeof first, "%.*s", (int)fl, t);
            t = first;
        }
        if (i && k + 2 < cap) {
            out[k++] = ',';
            out[k++] = ' ';
        }
        for (; *t && k + 1 < cap; t++)
            out[k++] = mc__lower(*t);
    }
    out[k] = 0;
}

/*
 * "Myocardium, myocardial", "Tuberculosis, tubercular, tuberculous": a title
 * whose further parts are single words sharing the first word's start names
 * alternatives. The first is matched; the others become synonyms (S lines)
 * so that any of the words in a note works. Returns the length of the first
 * part (the whole title when none) and the alternatives in alt/altn.
 */
#define MAX_ALTS 4
static size_t alt_split(const char *t, const char *alt[MAX_ALTS], size_t altn[MAX_ALTS], int *nalt)
{
    *nalt = 0;
    const char *c = strstr(t, ", ");
    if (!c)
        return strlen(t);
    for (const char *p = c + 2;;) {
        const char *e = strstr(p, ", ");
        size_t n = e ? (size_t)(e - p) : strlen(p);
        /* an inflammation and its organ are no alternatives: "cervicitis, cervix" */
        size_t fl0 = (size_t)(c - t);
        bool itis_a = fl0 > 4 && !strncasecmp(t + fl0 - 4, "itis", 4);
        bool itis_b = n > 4 && !strncasecmp(p + n - 4, "itis", 4);
        bool organ = false; /* the other word does not carry the "-it-" of the inflammation */
        if (itis_a != itis_b) {
            size_t need = (itis_a ? fl0 : n) - 2;
            organ = (itis_a ? n : fl0) < need || strncasecmp(t, p, need) != 0;
        }
        if (*nalt == MAX_ALTS || n < 4 || memchr(p, ' ', n) || memchr(p, ',', n) ||
            strncasecmp(t, p, 3) || organ) {
            *nalt = 0;
            return strlen(t);
        }
        alt[*nalt] = p;
        altn[(*nalt)++] = n;
        if (!e)
            break;
        p = e + 2;
    }
    return (size_t)(c - t);
}

static void add_alt_synonym(iparse *ip, const char *first, size_t fn, const char *alt,
                            size_t altn)
{
    char surface[64];
    size_t k = mc__nlp_fold(alt, altn, surface, sizeof surface);
    stems s;
    memset(&s, 0, sizeof s);
    s.st = ip->w->st;
    stems_add(&s, first, fn);
    if (!k || s.count != 1)
        return;
    char out[64];
    size_t sk = mc__cac_stem(ip->w->st, surface, k, out, sizeof out);
    if (sk == s.n && !memcmp(out, s.buf, sk))
        return; /* same stem: nothing to add */
    uint64_t h = XXH3_64bits(surface, k);
    for (size_t i = h & (ALT_SLOTS - 1);; i = (i + 1) & (ALT_SLOTS - 1)) {
        if (ip->alt_seen[i] == h)
            return;
        if (!ip->alt_seen[i]) {
            ip->alt_seen[i] = h;
            if (++ip->n_alt > ALT_SLOTS / 2)
                return;
            break;
        }
    }
    mc__buf_printf(&ip->alts, "S\t%s\t%s\n", surface, s.buf);
}

/* Stems of the path; *with_split gets the stems before the first connective. */
static void path_stems(iparse *ip, stems *s, int *with_split, int alt)
{
    (void)alt;
    memset(s, 0, sizeof *s);
    s->st = ip->w->st;
    *with_split = 0;
    /* an infectious agent "as cause of disease classified elsewhere" (B95-B97) is named by the organism alone */
    bool agent = false;
    for (int i = 0; i <= ip->depth && i < MAXDEPTH; i++)
        agent |= strstr(ip->lv[i].title, "as cause of") != NULL;
    for (int i = 0; i <= ip->depth && i < MAXDEPTH; i++) {
        const char *t = ip->lv[i].title;
        if (agent && i == 0 && !strncmp(t, "Infection", 9))
            continue;
        if (ip->lv[i].connective) {
            if (!*with_split && i > 0 && strcmp(t, "without") != 0)
                *with_split = s->count;
            continue;
        }
        if (i > 0 && !strncmp(t, "without ", 8)) {
            /* an absent condition: matched only when the note negates it (see match.c) */
            if (!*with_split && s->count) {
                *with_split = -s->count;
                stems_add(s, t + 8, strlen(t + 8));
            }
            continue;
        }
        if (i > 0 && (!strncmp(t, "with ", 5) || !strncmp(t, "in ", 3) ||
                      !strncmp(t, "due to ", 7)) && !*with_split)
            *with_split = s->count;
        /* "History, personal (of)": "personal" is the default reading of "history of" */
        if (i == 1 && !strcmp(ip->lv[0].title, "History") && !strncmp(t, "personal", 8))
            continue;
        /* "X, as cause of disease classified elsewhere": the agent alone (B95-B97) */
        const char *cause = strstr(t, ", as cause of");
        size_t tl = cause ? (size_t)(cause - t) : strlen(t);
        /*
         * "stroke without residual deficits", "bone involvement without evidence
         * of necrosis": the absence is the default reading of the subterm, so a
         * note need not say it ("history of stroke" -> Z86.73)
         */
        const char *wo = i > 0 ? strstr(t, " without ") : NULL;
        if (wo && (size_t)(wo - t) < tl && strncmp(t, "with or", 7) != 0)
            tl = (size_t)(wo - t);
        const char *altw[MAX_ALTS];
        size_t altn[MAX_ALTS];
        int nalt;
        size_t fl = alt_split(t, altw, altn, &nalt);
        if (nalt && fl < tl) {
            for (int a = 0; a < nalt; a++)
                add_alt_synonym(ip, t, fl, altw[a], altn[a]);
            tl = fl;
        }
        stems_add(s, t, tl);
    }
}


static void record_key(iparse *ip, const char *code)
{
    if (ip->n_keys == ip->cap_keys) {
        size_t nc = ip->cap_keys ? ip->cap_keys * 2 : 4096;
        char **k = realloc(ip->keys, nc * sizeof *k), **c;
        if (!k)
            return;
        ip->keys = k;
        c = realloc(ip->codes, nc * sizeof *c);
        if (!c)
            return;
        ip->codes = c;
        ip->cap_keys = nc;
    }
    char key[1024];
    path_key(ip, key, sizeof key);
    ip->keys[ip->n_keys] = strdup(key);
    ip->codes[ip->n_keys] = strdup(code);
    if (ip->keys[ip->n_keys] && ip->codes[ip->n_keys])
        ip->n_keys++;
}

/*
 * Main terms that name a reason for an encounter or an activity rather than
 * a condition ("Examination", "Observation", "Test"): ordinary words in any
 * note, so their index paths would fire everywhere. The coder reaches those
 * Z codes through its rules, not through word matches.
 */
static const char *const encounter_terms[] = {
    "Admission",  "Encounter",  "Examination", "Investigation", "Observation", "Test",
    "Consultation", "Counseling", "Advice",    "Aftercare",     "Appearance",  "Behavior",
    "Checking",   "Evaluation", "Follow-up",   "Problem",       "Care",        "Attention",
    "Procedure",  "Visit",      "Treatment",   "Medicine",      "Observation", "Review",
    "Request",    "Service",    "Result",        "Findings",    "Person",
    "Use",        "Concern",    "Counsel",       "Counselling", "Long",
};

/*
 * Main terms whose bare entry names no condition in ordinary note words:
 * "insulin-dependent", "stress test", "visual field defect", "sick" would
 * otherwise give F19.20, F43.9, Q89.9, R69. Their subterm paths stay.
 */
static const char *const bare_skipped[] = { "Dependence", "Defect", "Abnormity", "Illness",
                                            "Sick",       "Stress", "Drug",      "Old",
                                            "May",        "Frozen", "Freezing",  "Burning",
                                            "Anesthesia", "Sinus",  "Nerves",    "Plus",
                                            "PIN",        "Exposure", "Symptoms", "Screening",
                                            "Clot",       "Reflex", "Abnormal",  "Allergy",
                                            "Hematoma",   "Infection", "Bleeding",  "Alcohol" };

/* Is the main term one of bare_skipped? */
static bool bare_main(const iparse *ip)
{
    char main[64];
    size_t k = 0;
    const char *t = ip->lv[0].title;
    while (t[k] && t[k] != ',' && t[k] != ' ' && t[k] != '(' && k + 1 < sizeof main) {
        main[k] = t[k];
        k++;
    }
    main[k] = 0;
    for (size_t i = 0; i < sizeof bare_skipped / sizeof bare_skipped[0]; i++)
        if (!strcasecmp(main, bare_skipped[i]))
            return true;
    return false;
}

static bool skip_path(const iparse *ip)
{
    char main[64];
    size_t k = 0;
    const char *t = ip->lv[0].title;
    while (t[k] && t[k] != ',' && t[k] != ' ' && t[k] != '(' && k + 1 < sizeof main) {
        main[k] = t[k];
        k++;
    }
    main[k] = 0;
    for (size_t i = 0; i < sizeof encounter_terms / sizeof encounter_terms[0]; i++)
        if (!strcasecmp(main, encounter_terms[i]))
            return true;
    if (ip->depth == 0 && bare_main(ip))
        return true;
    /*
     * A last subterm without a content word ("specified NEC", "unspecified
     * site", "drug"): a residual default, not what a bare mention of the
     * term means; skipped so that the term alone does not reach it.
     */
    const char *last = ip->lv[ip->depth < MAXDEPTH ? ip->depth : MAXDEPTH - 1].title;
    if (ip->depth > 0 && !ip->lv[ip->depth < MAXDEPTH ? ip->depth : MAXDEPTH - 1].connective &&
        strncmp(last, "with", 4) != 0) {
        stems s;
        memset(&s, 0, sizeof s);
        s.st = ip->w->st;
        stems_add(&s, last, strlen(last));
        if (!s.count)
            return true;
    }
    return false;
}

/*
 * "History, personal/family, respiratory condition NEC", "..., urinary": a
 * history path whose only word besides history/family is an adjective
 * ("respiratory rate", "urinary retention" would reach it).
 */
static bool adjective_history(const iparse *ip, const stems *s)
{
    if (strcmp(ip->lv[0].title, "History") != 0)
        return false;
    const char *p = s->buf, *end = s->buf + s->n, *only = NULL;
    size_t only_n = 0;
    int real = 0;
    while (p < end) {
        const char *sp = memchr(p, ' ', (size_t)(end - p));
        size_t wl = sp ? (size_t)(sp - p) : (size_t)(end - p);
        if (!(wl == 7 && !memcmp(p, "histori", 7)) && !(wl == 6 && !memcmp(p, "famili", 6))) {
            real++;
            only = p;
            only_n = wl;
        }
        p += wl + 1;
    }
    if (real != 1)
        return false;
    return (only_n > 3 && (!memcmp(only + only_n - 3, "ari", 3) ||
                           !memcmp(only + only_n - 3, "ori", 3))) ||
           (only_n == 7 && !memcmp(only, "certain", 7));
}

static void emit_code(iparse *ip, const char *code)
{
    if (ip->src == LEX_INDEX && skip_path(ip))
        return;
    mc__buf path;
    mc__buf_init(&path, 4096);
    path_text(ip, &path);
    stems s;
    int ws;
    path_stems(ip, &s, &ws, 0);
    if (ip->src == LEX_INDEX && adjective_history(ip, &s)) {
        mc__buf_free(&path);
        return;
    }
    put_entry(ip->w, code, ip->src, ws, &s, path.p ? path.p : "", path.n);
    mc__buf_free(&path);
    if (ip->src == LEX_INDEX)
        record_key(ip, code);
}

static void add_see(iparse *ip, const char *target, bool also)
{
    if (ip->depth == 0 && bare_main(ip))
        return; /* "Plus (see deformity ...)", "Sinus (see also fistula)" */
    if (ip->n_sees == ip->cap_sees) {
        size_t nc = ip->cap_sees ? ip->cap_sees * 2 : 1024;
        see_ref *r = realloc(ip->sees, nc * sizeof *r);
        if (!r)
            return;
        ip->sees = r;
        ip->cap_sees = nc;
    }
    stems s;
    int ws;
    path_stems(ip, &s, &ws, 0);
    mc__buf path;
    mc__buf_init(&path, 4096);
    path_text(ip, &path);
    char low[512];
    size_t k = 0;
    for (; *target && k + 1 < sizeof low; target++)
        low[k++] = mc__lower(*target);
    low[k] = 0;
    see_ref *r = &ip->sees[ip->n_sees];
    r->from_stems = strdup(s.buf);
    r->from_path = strdup(path.p ? path.p : "");
    r->target = strdup(low);
    r->also = also;
    char key[1024];
    path_key(ip, key, sizeof key);
    r->from_key = strdup(key);
    mc__buf_free(&path);
    if (r->from_stems && r->from_path && r->target && r->from_key && s.count)
        ip->n_sees++;
    else {
        free(r->from_stems);
        free(r->from_path);
        free(r->target);
        free(r->from_key);
    }
}

static void trim_copy(char *dst, size_t cap, const char *p, size_t n)
{
    mc__trim(&p, &n);
    size_t k = 0;
    bool sp = false;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        char c = p[i];
        if (c == ' ' || c == '\n' || c == '\t') {
            sp = true;
            continue;
        }
        if (sp && k)
            dst[k++] = ' ';
        sp = false;
        if (k + 1 < cap)
            dst[k++] = c;
    }
    dst[k] = 0;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    iparse *ip = ud;
    if (!strcmp(name, "mainTerm")) {
        ip->depth = 0;
        ip->lv[0].title[0] = 0;
        ip->lv[0].connective = false;
        ip->code_col = 0;
    } else if (!strcmp(name, "term")) {
        int level = 1;
        for (int i = 0; atts[i]; i += 2)
            if (!strcmp(atts[i], "level"))
                level = atoi(atts[i + 1]);
        if (level < 1)
            level = 1;
        if (level >= MAXDEPTH)
            level = MAXDEPTH - 1;
        ip->depth = level;
        ip->lv[level].title[0] = 0;
        ip->lv[level].connective = false;
        ip->code_col = 0;
    } else if (!strcmp(name, "title")) {
        ip->in_title = true;
        ip->text.n = 0;
        if (ip->text.p)
            ip->text.p[0] = 0;
    } else if (!strcmp(name, "nemod")) {
        ip->in_nemod = true;
    } else if (!strcmp(name, "code") || !strcmp(name, "see") || !strcmp(name, "cell") ||
               !strcmp(name, "manif") || !strcmp(name, "seeAlso")) {
        ip->text.n = 0;
    }
    if (!strcmp(name, "cell")) {
        ip->code_col = 0;
        for (int i = 0; atts[i]; i += 2)
            if (!strcmp(atts[i], "col"))
                ip->code_col = atoi(atts[i + 1]) - 1;
    }
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    iparse *ip = ud;
    if (ip->in_nemod)
        return;
    mc__buf_append(&ip->text, s, (size_t)len);
}

/* Neoplasm table columns: malignant primary, secondary, ca in situ, benign, uncertain, unspecified. */
static const char *const neo_cols[] = { "", "malignant", "secondary malignant",
                                        "in situ", "benign", "uncertain behavior",
                                        "unspecified behavior" };

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    iparse *ip = ud;
    int d = ip->depth < MAXDEPTH ? ip->depth : MAXDEPTH - 1;
    if (!strcmp(name, "nemod")) {
        ip->in_nemod = false;
    } else if (!strcmp(name, "title") && ip->in_title) {
        ip->in_title = false;
        trim_copy(ip->lv[d].title, sizeof ip->lv[d].title, ip->text.p ? ip->text.p : "",
                  ip->text.n);
        ip->lv[d].connective = d > 0 && is_connective(ip->lv[d].title);
    } else if (!strcmp(name, "code") || !strcmp(name, "manif")) {
        char code[32];
        trim_copy(code, sizeof code, ip->text.p ? ip->text.p : "", ip->text.n);
        if (code[0])
            emit_code(ip, code);
    } else if (!strcmp(name, "cell") && ip->src == LEX_NEOPLASM) {
        char code[32];
        trim_copy(code, sizeof code, ip->text.p ? ip->text.p : "", ip->text.n);
        if (code[0] && code[0] != '-' && ip->code_col >= 1 && ip->code_col <= 6) {
            /* the column is a virtual last subterm: "Neoplasm > breast > malignant primary" */
            int save = ip->depth;
            if (save + 1 < MAXDEPTH) {
                ip->depth = save + 1;
                mc__strlcpy(ip->lv[save + 1].title, neo_cols[ip->code_col],
                            sizeof ip->lv[save + 1].title);
                ip->lv[save + 1].connective = false;
                emit_code(ip, code);
                ip->depth = save;
            }
        }
    } else if (!strcmp(name, "see") && ip->src == LEX_INDEX) {
        char target[256];
        trim_copy(target, sizeof target, ip->text.p ? ip->text.p : "", ip->text.n);
        if (target[0])
            add_see(ip, target, false);
    } else if (!strcmp(name, "seeAlso") && ip->src == LEX_INDEX && ip->depth == 0) {
        /*
         * "Trauma, traumatism - see also Injury", "Necrosis - see also
         * Gangrene": a main term without a code of its own sends the coder
         * to the other main term, whose code the bare word then takes
         * (Section I.A.12.b; resolved below only when the term has no code).
         */
        char target[256];
        trim_copy(target, sizeof target, ip->text.p ? ip->text.p : "", ip->text.n);
        if (target[0] && !strchr(target, ','))
            add_see(ip, target, true);
    }
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool connective_path(const char *sub)
{
    static const char *const lead[] = { "with", "without", "in ", "due to", "and ", "as " };
    for (size_t i = 0; i < sizeof lead / sizeof lead[0]; i++) {
        size_t n = strlen(lead[i]);
        char mid[16];
        snprintf(mid, sizeof mid, ", %s", lead[i]);
        if (!strncmp(sub, lead[i], n) || strstr(sub, mid))
            return true;
    }
    return false;
}

/*
 * A term that refers to another ("Lithiasis - see Calculus", "Thromboembolism
 * - see Embolism", "Ulcer, heel - see Ulcer, lower limb") takes the other
 * term's subterms too: "renal lithiasis" is Calculus, kidney (N20.0),
 * "pulmonary thromboembolism" Embolism, pulmonary (I26.99), "ulcer of the
 * right heel" Ulcer, lower limb, heel, right (L97.41-). At most cap paths
 * a reference. Subterm paths with connectives ("with", "due to" ...) are left
 * to the target's own entries. sorted holds "key\0code" strings sorted by key.
 */
static void see_subterms(lexw *w, char src, const see_ref *r, char **sorted, size_t m,
                         size_t cap)
{
    char prefix[300];
    int pl = snprintf(prefix, sizeof prefix, "%s, ", r->target);
    if (pl <= 0 || (size_t)pl >= sizeof prefix)
        return;
    size_t lo = 0, hi = m;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(sorted[mid], prefix) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    int from_words = 1;
    for (const char *q = r->from_stems; *q; q++)
        from_words += *q == ' ';
    size_t added = 0;
    for (size_t i = lo; i < m && added < cap && !strncmp(sorted[i], prefix, (size_t)pl); i++) {
        const char *sub = sorted[i] + pl;
        if (connective_path(sub))
            continue;
        stems st;
        memset(&st, 0, sizeof st);
        st.st = w->st;
        mc__strlcpy(st.buf, r->from_stems, sizeof st.buf);
        st.n = strlen(st.buf);
        st.count = from_words;
        stems_add(&st, sub, strlen(sub));
        if (st.count <= from_words)
            continue;
        char via[1024];
        snprintf(via, sizeof via, "%s (see%s %s, %s)", r->from_path, r->also ? " also" : "",
                 r->target, sub);
        put_entry(w, sorted[i] + strlen(sorted[i]) + 1, src, 0, &st, via, strlen(via));
        added++;
    }
}

static int parse_index(mc__build_ctx *ctx, lexw *w, const char *path, char src)
{
    char *data;
    size_t n;
    int rc = mc__read_file(path, 0, &data, &n, ctx->diag);
    if (rc)
        return rc;
    iparse ip;
    memset(&ip, 0, sizeof ip);
    ip.w = w;
    ip.src = src;
    mc__buf_init(&ip.text, 1 << 20);
    mc__buf_init(&ip.alts, 1 << 26);
    ip.alt_seen = calloc(ALT_SLOTS, sizeof *ip.alt_seen);
    if (!ip.alt_seen) {
        free(data);
        return MC_ENOMEM;
    }
    XML_Parser xp = XML_ParserCreate("UTF-8");
    if (!xp) {
        free(data);
        return MC_ENOMEM;
    }
    XML_SetUserData(xp, &ip);
    XML_SetElementHandler(xp, on_start, on_end);
    XML_SetCharacterDataHandler(xp, on_text);
    if (XML_Parse(xp, data, (int)n, 1) == XML_STATUS_ERROR)
        rc = mc_diag_set(ctx->diag, MC_EFORMAT, "%s:%lu: %s", path,
                         (unsigned long)XML_GetCurrentLineNumber(xp),
                         XML_ErrorString(XML_GetErrorCode(xp)));
    XML_ParserFree(xp);
    free(data);
    /* resolve "see" references whose target path has a code of its own */
    if (!rc && ip.n_keys) {
        size_t *order = malloc(ip.n_keys * sizeof *order);
        char **sorted = malloc(ip.n_keys * sizeof *sorted);
        if (order && sorted) {
            /* sort "key\0code" pairs by key: pack them into one string each */
            for (size_t i = 0; i < ip.n_keys; i++) {
                size_t kl = strlen(ip.keys[i]), cl = strlen(ip.codes[i]);
                sorted[i] = malloc(kl + cl + 2);
                if (sorted[i]) {
                    memcpy(sorted[i], ip.keys[i], kl + 1);
                    memcpy(sorted[i] + kl + 1, ip.codes[i], cl + 1);
                }
            }
            size_t m = 0;
            for (size_t i = 0; i < ip.n_keys; i++)
                if (sorted[i])
                    sorted[m++] = sorted[i];
            qsort(sorted, m, sizeof *sorted, cmp_key);
            for (size_t i = 0; i < ip.n_sees; i++) {
                see_ref *r = &ip.sees[i];
                const char *key = r->target;
                char **hit = bsearch(&key, sorted, m, sizeof *sorted, cmp_key);
                const char *own = r->from_key;
                bool has_own = r->also && bsearch(&own, sorted, m, sizeof *sorted, cmp_key);
                if (has_own)
                    hit = NULL; /* the term has its own code: "see also" adds nothing */
                /* "see also" may change the sense (Sinus: see also Fistula): bare word only */
                if (!r->also)
                    see_subterms(w, src, r, sorted, m,
                                 strchr(r->target, ',') || strchr(r->from_key, ',') ? 60 : 1500);
                if (hit) {
                    stems s;
                    memset(&s, 0, sizeof s);
                    mc__strlcpy(s.buf, r->from_stems, sizeof s.buf);
                    s.n = strlen(s.buf);
                    s.count = 1;
                    char via[1024];
                    snprintf(via, sizeof via, "%s (see%s %s)", r->from_path,
                             r->also ? " also" : "", r->target);
                    put_entry(w, *hit + strlen(*hit) + 1, src, 0, &s, via, strlen(via));
                }
            }
            for (size_t i = 0; i < m; i++)
                free(sorted[i]);
        }
        free(order);
        free(sorted);
    }
    for (size_t i = 0; i < ip.n_keys; i++) {
        free(ip.keys[i]);
        free(ip.codes[i]);
    }
    free(ip.keys);
    free(ip.codes);
    for (size_t i = 0; i < ip.n_sees; i++) {
        free(ip.sees[i].from_stems);
        free(ip.sees[i].from_path);
        free(ip.sees[i].target);
        free(ip.sees[i].from_key);
    }
    free(ip.sees);
    mc__buf_free(&ip.text);
    if (ip.alts.n)
        mc__buf_append(&w->out, ip.alts.p, ip.alts.n);
    mc__buf_free(&ip.alts);
    free(ip.alt_seen);
    return rc;
}

/* ---- order files (titles) ---- */
static void title_entry(lexw *w, const char *code, char src, const char *title, size_t tn)
{
    /* external causes (V00-Y99): their titles describe circumstances, not words of a finding */
    if (src != LEX_PCS && (code[0] == 'V' || code[0] == 'W' || code[0] == 'X' || code[0] == 'Y'))
        return;
    /* "Other specified X": a residual category, never the code of a bare "X" */
    if (src != LEX_PCS && tn > 6 && (!strncmp(title, "Other ", 6) || memmem(title, tn, " other ", 7)))
        return;
    /* parenthesised words are nonessential: "Acute on chronic diastolic (congestive) heart failure" */
    char clean[1024];
    size_t cn = 0;
    int depth = 0;
    for (size_t i = 0; i < tn && cn + 1 < sizeof clean; i++) {
        if (title[i] == '(')
            depth++;
        else if (title[i] == ')' && depth)
            depth--;
        else if (!depth)
            clean[cn++] = title[i];
    }
    const char *orig = title;
    size_t orig_n = tn;
    title = clean;
    tn = cn;
    stems s;
    memset(&s, 0, sizeof s);
    s.st = w->st;
    /* "A with B": head before " with " is the split point (Section I.A.15) */
    int ws = 0;
    const char *p = title, *end = title + tn;
    while (p < end) {
        const char *with = NULL;
        for (const char *q = p; q + 6 <= end; q++)
            if (!memcmp(q, " with ", 6) || !memcmp(q, " w/o ", 5) || !memcmp(q, " without ", 9)) {
                with = q;
                break;
            }
        if (!with) {
            stems_add(&s, p, (size_t)(end - p));
            break;
        }
        stems_add(&s, p, (size_t)(with - p));
        if (!memcmp(with, " without ", 9)) {
            /* drop the "without ..." clause up to the next comma */
            const char *c = memchr(with + 1, ',', (size_t)(end - with - 1));
            p = c ? c + 1 : end;
            continue;
        }
        if (!ws && src != LEX_PCS)
            ws = s.count;
        p = with + 6;
    }
    /* "Stress, not elsewhere classified", "Allergy, unspecified", "Alcohol use, unspecified":
       a one-word title of a main term whose bare index entry is skipped */
    if (src != LEX_PCS && s.count == 1) {
        size_t k = 0;
        while (k < tn && title[k] != ' ' && title[k] != ',')
            k++;
        for (size_t i = 0; i < sizeof bare_skipped / sizeof bare_skipped[0]; i++)
            if (strlen(bare_skipped[i]) == k && !strncasecmp(title, bare_skipped[i], k))
                return;
    }
    put_entry(w, code, src, ws, &s, orig, orig_n);
}

static int parse_order(mc__build_ctx *ctx, lexw *w, const char *path, char src)
{
    char *data;
    size_t n;
    int rc = mc__read_file(path, 0, &data, &n, ctx->diag);
    if (rc)
        return rc;
    char *line = data, *end = data + n;
    while (line < end) {
        char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t len = nl ? (size_t)(nl - line) : (size_t)(end - line);
        while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
            len--;
        /* fixed columns: order(5) ' ' code(7) ' ' billable(1) ' ' short(60) ' ' long */
        if (len > 77) {
            char code[9];
            size_t cl = 0;
            for (size_t i = 6; i < 13 && line[i] != ' '; i++)
                code[cl++] = line[i];
            code[cl] = 0;
            bool billable = line[14] == '1';
            const char *title = line + 77;
            size_t tn = len - 77;
            if (src == LEX_PCS) {
                if (billable && cl == 7)
                    title_entry(w, code, src, title, tn);
            } else if (cl >= 3) {
                /* the code table: every order-file row (the runtime validates against it) */
                mc__buf_printf(&w->out, "C\t%s\t%c\t%.*s\n", code, billable ? '1' : '0',
                               (int)tn, title);
                /* 7th-character codes: the title of their 6-character parent is used */
                bool seventh = cl == 7 && (memmem(title, tn, "encounter", 9) ||
                                           memmem(title, tn, "sequela", 7));
                if (!seventh) {
                    char dotted[10];
                    size_t k = 0;
                    for (size_t i = 0; i < cl; i++) {
                        if (i == 3)
                            dotted[k++] = '.';
                        dotted[k++] = code[i];
                    }
                    dotted[k] = 0;
                    title_entry(w, dotted, src, title, tn);
                }
            }
        }
        line = nl ? nl + 1 : end;
    }
    free(data);
    return MC_OK;
}

/* ---- abbreviations ---- */
static int parse_abbrev(mc__build_ctx *ctx, lexw *w, const char *path)
{
    char *data;
    size_t n;
    int rc = mc__read_file(path, 0, &data, &n, ctx->diag);
    if (rc)
        return rc;
    char *line = data, *end = data + n;
    int lineno = 0;
    while (line < end) {
        char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t len = nl ? (size_t)(nl - line) : (size_t)(end - line);
        lineno++;
        if (len && line[0] != '#') {
            char *tab = memchr(line, '\t', len);
            if (!tab) {
                free(data);
                return mc_diag_set(ctx->diag, MC_EFORMAT, "%s:%d: expected 'word<TAB>expansion'",
                                   path, lineno);
            }
            char surface[128];
            size_t sk = mc__nlp_fold(line, (size_t)(tab - line), surface, sizeof surface);
            stems s;
            memset(&s, 0, sizeof s);
            s.st = w->st;
            s.keep_stop = false;
            stems_add(&s, tab + 1, (size_t)(line + len - tab - 1));
            if (sk && s.count && !memchr(surface, ' ', sk))
                mc__buf_printf(&w->out, "S\t%s\t%s\n", surface, s.buf);
        }
        line = nl ? nl + 1 : end;
    }
    free(data);
    return MC_OK;
}

MC_BUILD_PART(coder_lex, 1)
{
    lexw w;
    memset(&w, 0, sizeof w);
    mc__buf_init(&w.out, (size_t)1 << 30);
    w.st = sb_stemmer_new("english", NULL);
    if (!w.st)
        return mc_diag_set(ctx->diag, MC_ENOMEM, "cannot create the English stemmer");
    int rc = MC_OK, year = 0;
    char *path = NULL;
    /* abbreviations live next to the manifest: data/coder/abbreviations.tsv */
    char apath[1024];
    const char *slash = strrchr(ctx->manifest, '/');
    snprintf(apath, sizeof apath, "%.*s/coder/abbreviations.tsv",
             slash ? (int)(slash - ctx->manifest) : 1, slash ? ctx->manifest : ".");
    if (mc__file_exists(apath)) {
        rc = parse_abbrev(ctx, &w, apath);
        if (rc)
            goto out;
        mc__build_provenance(ctx, MC__CAC_LEX_TAG, ctx->year, apath, "coder abbreviations");
    }
    static const struct {
        const char *system, *part;
        char src;
    } parts[] = { { "icd10cm", "index", LEX_INDEX },
                  { "icd10cm", "neoplasm", LEX_NEOPLASM },
                  { "icd10cm", "order", LEX_TITLE },
                  { "icd10pcs", "order", LEX_PCS } };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        rc = mc__build_source(ctx, parts[i].system, parts[i].part, &path, &year);
        if (rc == MC_ENOTFOUND) {
            mc__build_warn(ctx, "coder lexicon: no %s %s file; coding will miss its terms",
                           parts[i].system, parts[i].part);
            rc = MC_OK;
            continue;
        }
        if (rc)
            goto out;
        size_t before = w.n_entries;
        rc = parts[i].src == LEX_INDEX || parts[i].src == LEX_NEOPLASM
                 ? parse_index(ctx, &w, path, parts[i].src)
                 : parse_order(ctx, &w, path, parts[i].src);
        if (rc)
            goto out;
        char note[96];
        snprintf(note, sizeof note, "coder lexicon: %zu phrases", w.n_entries - before);
        mc__build_provenance(ctx, MC__CAC_LEX_TAG, year, path, note);
        free(path);
        path = NULL;
    }
    if (w.out.err) {
        rc = w.out.err;
        goto out;
    }
    mc__build_progress(ctx, "coder lexicon: %zu phrases", w.n_entries);
    rc = mc__bw_add(ctx->w, MC__CAC_LEX_TAG, w.out.p ? w.out.p : "", w.out.n, (uint32_t)ctx->year);
out:
    free(path);
    sb_stemmer_delete(w.st);
    mc__buf_free(&w.out);
    return rc;
}
