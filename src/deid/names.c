/*
 * Names and places found from words: context (titles, credentials, header
 * labels, relations, signatures), the name lists (data/deid/first_names.txt,
 * last_names.txt) and the place list (cities.txt), then propagation of every
 * name found to its other capitalised mentions in the note.
 *
 * Clinical eponyms (Parkinson disease, Murphy's sign), drug names and the
 * stop list (common words, clinical vocabulary) never become names from the
 * lists alone; a title or header label still marks them, except when a
 * clinical head word follows ("Wilson disease").
 *
 * Invariant: token offsets are increasing and inside the note.
 */
#include "deid/deid_int.h"

#include <stdlib.h>
#include <string.h>

enum {
    F_CAP = 1u << 0, /* first letter upper case */
    F_ALLCAPS = 1u << 1, /* two or more letters, all upper case */
    F_INIT = 1u << 2, /* a single upper-case letter */
    F_FIRST = 1u << 3,
    F_LAST = 1u << 4,
    F_STOP = 1u << 5,
    F_EPON = 1u << 6,
    F_DRUG = 1u << 7,
    F_TITLE = 1u << 8, /* Dr, Mr, Mrs, ... */
    F_HEAD = 1u << 9, /* clinical head word: disease, syndrome, sign, ... */
    F_DOT = 1u << 10, /* directly followed by '.' */
    F_REL = 1u << 11, /* relation or role word before a name: "daughter", "nurse" */
    F_BY = 1u << 12, /* verb before "by"/"with": "seen", "discussed" */
    F_CLOSE = 1u << 13, /* letter closing: "Sincerely" */
    F_PLACE1 = 1u << 14, /* first word of a place phrase: "lives (in)", "visiting" */
    F_CITY = 1u << 15, /* a listed city */
    F_CITY1 = 1u << 16, /* first word of a listed multi-word city */
};

typedef struct tok {
    uint32_t s, e;
    uint32_t f;
} tok;

enum { G_SPACE, G_COMMA, G_POSS, G_NL, G_OTHER };

typedef struct ctx {
    mc__deid_note *nt;
    const char *t;
    tok *tk;
    size_t n;
    uint8_t *named; /* per token: 1 when inside a name span already */
} ctx;

static const char *const titles[] = { "dr", "mr", "mrs", "ms", "miss", "mx", "prof", "doctor",
                                      "dra", "sr", "sra", "srta", "mister", "professor", NULL
};
static const char *const heads[] = {
    "disease", "diseases", "syndrome", "sign", "signs", "test", "testing", "fracture", "palsy",
    "clamp", "drain", "catheter", "criteria", "score", "maneuver", "manoeuvre", "procedure",
    "operation", "lymphoma", "sarcoma", "tumor", "tumour", "esophagus", "ulcer", "phenomenon",
    "reflex", "node", "nodes", "law", "classification", "stage", "scale", "position", "incision",
    "forceps", "scissors", "retractor", "cyst", "neuroma", "contracture", "disorder", "ataxia",
    "dystrophy", "anomaly", "malformation", "triad", "repair", "fundoplication", "pouch", "tube",
    "needle", "stain", "reaction", "effect", "line", "body", "bodies", "cell", "cells", "nodes",
    "type", "grade", "grading", "index", "rule", "method", "technique", "approach", "ring",
    "space", "duct", "gland", "canal", "membrane", "triangle", "sheath", "plexus", "class",
    "respiration", "breathing", "murmur", "view", "shunt", "pump", "splint", "cast", "collar",
    "frame", "block", "encephalopathy", "dementia", "thyroiditis", "hernia", "deformity",
    "neuralgia", "phenomenon", "lesion", "spots", "nodules", "pearls", "capsule", "diverticulum",
    "esophagus", "tear", "angina", "arteritis", "vasculitis", "purpura", "sclerosis", "chorea",
    "tremor", "formula", "equation", "curve", "gallop", "pulse", "loupes", "dressing", "bandage",
    "tubes", "drains", "retractors", "scan", "disease's", "syndromes", "test's", "exam",
    "examination", "hold", "valve", "bur", "sarcoidosis", "hypothesis", "vaccine", "unit",
    "ligament", "ligaments", "fascia", "tubercle", "muscle", "nerve", "artery", "vein", "bursa",
    "tract", "area", "band", "layer", "sinus", "ampulla", "ganglion", "fossa", "foramen", "pouch",
    "blade", "retractor", "needle", "catheter", "clamps", "forceps", "stitch", "suture", "knot",
    "incision", "cannula", "probe", "balloon", "sheath", "stent", "graft", "flap", "closure", NULL
};
static const char *const rel_triggers[] = {
    "husband", "wife", "son", "daughter", "mother", "father", "brother", "sister", "friend",
    "neighbor", "neighbour", "partner", "fiance", "fiancee", "boyfriend", "girlfriend", "grandson",
    "granddaughter", "grandmother", "grandfather", "niece", "nephew", "aunt", "uncle", "cousin",
    "named", "dear", "caregiver", "guardian", "roommate", "spouse", "colleague", "per", "cc",
    "stepson", "stepdaughter", "mom", "dad", "sibling", "grandchild", "patient", "pt",
    "nurse", "caller", "contacted", "paged", "notified", "informed", "messaged", "texted",
    "emailed", "visitor", "surgeon", "physician", "doctor", "therapist", "attending",
    "called", "phoned", "told", "asked", "thanked", "met", NULL
};
static const char *const by_triggers[] = { "seen", "evaluated", "examined", "accompanied",
                                           "signed", "dictated", "reviewed", "discussed",
                                           "spoke", "attended", "referred", "brought",
                                           "treated", "followed", "managed", "transcribed",
                                           "authored", "performed", "read", "interpreted",
                                           "verified", "approved", "cosigned", "assisted", NULL
};
static const char *const closings[] = { "sincerely", "regards", "respectfully", "cordially",
                                        "thanks", "best", "signed", "signature", "atentamente", NULL
};
static const char *const labels[] = {
    "patient", "patient name", "name", "pt name", "pt", "attending", "attending physician",
    "physician", "pcp", "primary care physician", "primary care provider", "provider",
    "surgeon", "assistant", "assistant surgeon", "assistants", "anesthesiologist", "anesthesia",
    "resident", "fellow", "intern", "dictated by", "signed by", "electronically signed by",
    "cosigned by", "authenticated by", "reviewed by", "verified by", "transcribed by",
    "transcriptionist", "author", "seen by", "referring physician", "referring provider",
    "referring", "referred by", "cc", "copy to", "consultant", "consulting physician", "nurse",
    "rn", "primary nurse", "case manager", "social worker", "therapist", "emergency contact",
    "contact", "next of kin", "nok", "spouse", "guardian", "mother", "father", "parent",
    "caregiver", "interpreter", "witness", "employer", "to", "from", "attn", "attention", "re",
    "radiologist", "pathologist", "ordering physician", "ordering provider", "admitting physician",
    "discharging physician", "admitting", "discharging", "family physician", "doctor",
    "paciente", "nombre", "m\xc3\xa9" "dico", "medico", "enfermera", "cardiologist",
    "oncologist", "neurologist", "dentist", "pharmacist", "midwife", "proxy", "poa",
    "health care proxy", "healthcare proxy", "son", "daughter", "wife", "husband", "brother",
    "sister", "informant", "source", "requested by", "ordered by", "performed by", "scribe",
    "caller", "called by", "routed to", "forwarded to", "reported by", "consultant name", NULL
};
static const char *const place_triggers[] = { "lives in", "living in", "resides in",
                                              "residing in", "moved to", "moved from",
                                              "born in", "native of", "resident of",
                                              "grew up in", "traveled to", "travelled to",
                                              "visiting", "relocated to", "returned from",
                                              "home in", "works in", "vive en", "reside en",
                                              "residente en", "natural de", "trip to", NULL
};
static const char *const states[] = {
    "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut",
    "delaware", "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas",
    "kentucky", "louisiana", "maine", "maryland", "massachusetts", "michigan", "minnesota",
    "mississippi", "missouri", "montana", "nebraska", "nevada", "ohio", "oklahoma", "oregon",
    "pennsylvania", "tennessee", "texas", "utah", "vermont", "virginia", "wisconsin", "wyoming",
    "america", "mexico", "canada", "spain", "usa", "us", NULL
};

static bool word_is(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w);
    if (k != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (mc__lower(s[i]) != w[i])
            return false;
    return true;
}

#define IN(s, n, set) mc__wordset_has(&c->nt->d->set, (s), (n))

static bool is_letter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}
static bool is_upper_at(const char *s, size_t i, size_t n)
{
    unsigned char c = (unsigned char)s[i];
    if (c >= 'A' && c <= 'Z')
        return true;
    /* Latin-1 supplement capitals (U+00C0..U+00DE) */
    return c == 0xC3 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
           (unsigned char)s[i + 1] <= 0x9E;
}

static void classify(const mc_deid *d, const char *t, size_t n, tok *k)
{
    const char *w = t + k->s;
    size_t len = k->e - k->s;
    uint32_t f = 0;
    if (is_upper_at(t, k->s, n))
        f |= F_CAP;
    bool all = len >= 2;
    for (size_t i = 0; i < len && all; i++)
        if (w[i] >= 'a' && w[i] <= 'z')
            all = false;
    if (all && (f & F_CAP))
        f |= F_ALLCAPS;
    if (len == 1 && (f & F_CAP))
        f |= F_INIT;
    if (k->e < n && t[k->e] == '.')
        f |= F_DOT;
    char buf[64];
    size_t fk;
    uint32_t h = mc__wordset_fold(w, len, buf, &fk);
    if (!fk) {
        k->f = f;
        return;
    }
    uint32_t lf = 0;
    for (uint32_t q = h & d->lex_mask; d->lex[q].key; q = (q + 1) & d->lex_mask)
        if (d->lex[q].len == fk && d->lex[q].key[0] == buf[0] && !memcmp(d->lex[q].key, buf, fk)) {
            lf = d->lex[q].flags;
            break;
        }
    f |= lf & (F_TITLE | F_HEAD | F_REL | F_BY | F_CLOSE | F_PLACE1);
    if (f & F_CAP) {
        /* name and place look-ups matter for capitalised words only */
        f |= lf & (F_FIRST | F_LAST | F_EPON | F_DRUG | F_CITY | F_CITY1);
        if ((lf & F_STOP) && !(len == 1 && (f & F_DOT)))
            f |= F_STOP; /* "A." is an initial, not the article */
        /* hyphenated names: a part in a list counts ("Smith-Jones", "Guillain-Barre") */
        const char *hy = memchr(w, '-', len);
        if (hy && !(f & (F_FIRST | F_LAST))) {
            size_t a = (size_t)(hy - w), b = len - a - 1;
            if (mc__wordset_has(&d->epon, w, a) || mc__wordset_has(&d->epon, hy + 1, b))
                f |= F_EPON;
            else if (mc__wordset_has(&d->last, w, a) || mc__wordset_has(&d->last, hy + 1, b) ||
                     mc__wordset_has(&d->first, w, a))
                f |= F_LAST;
        }
    }
    k->f = f;
}

/* Split the note into word tokens (letters, inner apostrophes and hyphens). */
static int tokenize(ctx *c)
{
    const char *t = c->t;
    size_t n = c->nt->n, cap = 1024, k = 0;
    tok *v = malloc(cap * sizeof *v);
    if (!v)
        return MC_ENOMEM;
    for (size_t i = 0; i < n;) {
        if (!is_letter((unsigned char)t[i])) {
            i++;
            continue;
        }
        size_t s = i;
        while (i < n) {
            unsigned char ch = (unsigned char)t[i];
            if (is_letter(ch)) {
                i++;
            } else if ((ch == '\'' || ch == '-') && i + 1 < n && is_letter((unsigned char)t[i + 1])) {
                /* possessive 's ends the word */
                if (ch == '\'' && (t[i + 1] == 's' || t[i + 1] == 'S') &&
                    (i + 2 >= n || !is_letter((unsigned char)t[i + 2])))
                    break;
                i++;
            } else {
                break;
            }
        }
        if (s > 0 && ((t[s - 1] >= '0' && t[s - 1] <= '9') || t[s - 1] == '@' || t[s - 1] == '/' ||
                      t[s - 1] == '_'))
            continue; /* part of an identifier or unit, not a word */
        if (i < n && (t[i] == '@' || t[i] == '_' || (t[i] >= '0' && t[i] <= '9')))
            continue;
        if (k == cap) {
            cap *= 2;
            tok *nv = realloc(v, cap * sizeof *nv);
            if (!nv) {
                free(v);
                return MC_ENOMEM;
            }
            v = nv;
        }
        v[k].s = (uint32_t)s;
        v[k].e = (uint32_t)i;
        classify(c->nt->d, t, n, &v[k]);
        k++;
        if (i + 1 < n && t[i] == '\'' && (t[i + 1] == 's' || t[i + 1] == 'S'))
            i += 2; /* the possessive is not a word of its own */
    }
    c->tk = v;
    c->n = k;
    return MC_OK;
}

/* What lies between token i and token i + 1. */
static int gap(const ctx *c, size_t i)
{
    if (i + 1 >= c->n)
        return G_OTHER;
    const char *t = c->t;
    size_t a = c->tk[i].e, b = c->tk[i + 1].s;
    if (a == b)
        return G_OTHER;
    size_t p = a;
    if (t[p] == '.' && (c->tk[i].f & (F_INIT | F_TITLE)))
        p++;
    else if (t[p] == '\'' && p + 1 < b && (t[p + 1] == 's' || t[p + 1] == 'S')) {
        p += 2;
        bool sp = true;
        for (size_t q = p; q < b; q++)
            if (t[q] != ' ')
                sp = false;
        return sp && p < b ? G_POSS : G_OTHER;
    }
    bool comma = false, nl = false;
    for (; p < b; p++) {
        char ch = t[p];
        if (ch == ' ' || ch == '\t')
            continue;
        if (ch == ',' && !comma)
            comma = true;
        else if (ch == '\n' || ch == '\r')
            nl = true;
        else
            return G_OTHER;
    }
    if (nl)
        return G_NL;
    return comma ? G_COMMA : G_SPACE;
}

static bool capital(const tok *k) { return (k->f & (F_CAP | F_ALLCAPS)) != 0; }
static bool stop_only(const tok *k)
{
    return (k->f & (F_STOP | F_DRUG)) && !(k->f & (F_FIRST | F_LAST));
}

/* Does a clinical head word follow token j ("Parkinson disease", "Murphy's sign")? */
static bool head_follows(const ctx *c, size_t j)
{
    if (j + 1 >= c->n)
        return false;
    int g = gap(c, j);
    return (g == G_SPACE || g == G_POSS) && (c->tk[j + 1].f & F_HEAD);
}

enum { M_WEAK, M_STRONG, M_LABEL };

static bool colon_after(const ctx *c, size_t j);

/* Two or more blanks or a tab between tokens i and i + 1: a column break. */
static bool wide_gap(const ctx *c, size_t i)
{
    size_t a = c->tk[i].e, b = c->tk[i + 1].s;
    for (size_t p = a; p < b; p++)
        if (c->t[p] == '\t' || (c->t[p] == ' ' && p + 1 < b && c->t[p + 1] == ' '))
            return true;
    return false;
}

/*
 * Take a name starting at token i; returns one past its last token (i when
 * nothing qualifies). Strong contexts accept unknown capitalised words; a
 * label also accepts "LAST, FIRST" and all-capital lines.
 */
static size_t name_run(const ctx *c, size_t i, int mode)
{
    size_t j = i, taken = 0;
    bool comma_used = false;
    while (j < c->n && taken < 4) {
        const tok *k = &c->tk[j];
        if (!capital(k) || (k->f & (F_HEAD | F_TITLE)))
            break;
        if (taken == 0) {
            if (colon_after(c, j))
                break; /* "Patient Name:" is a label, not a name */
            if (mode == M_WEAK && stop_only(k))
                break;
            if (mode != M_LABEL && (k->f & F_ALLCAPS) && !(k->f & (F_FIRST | F_LAST)) &&
                mode == M_WEAK)
                break;
        } else {
            int g = gap(c, j - 1);
            const tok *p = &c->tk[j - 1];
            if (wide_gap(c, j - 1) || colon_after(c, j))
                break;
            if (g == G_COMMA && mode == M_LABEL && taken == 1 && !comma_used &&
                !stop_only(k)) {
                comma_used = true;
            } else if (g != G_SPACE) {
                break;
            } else {
                bool ok = (k->f & (F_FIRST | F_LAST | F_INIT)) || (p->f & F_INIT);
                if (!ok && (p->f & F_FIRST) && !stop_only(k))
                    ok = true;
                if (!ok && mode != M_WEAK && !stop_only(k))
                    ok = true;
                if (!ok)
                    break;
                if (stop_only(k) && !(k->f & F_INIT))
                    break;
            }
        }
        taken++;
        j++;
    }
    /* a run that ends in a clinical head word is an eponym, not a person */
    if (j > i && head_follows(c, j - 1) && (mode == M_WEAK || (c->tk[j - 1].f & F_EPON)))
        return i;
    return j;
}

static int mark(ctx *c, size_t i, size_t j, float conf, bool strong)
{
    if (j <= i)
        return MC_OK;
    /* initials alone are not worth a span; trailing initial dots are included */
    size_t e = c->tk[j - 1].e;
    if ((c->tk[j - 1].f & F_INIT) && e < c->nt->n && c->t[e] == '.')
        e++;
    for (size_t k = i; k < j; k++)
        c->named[k] = 1;
    return mc__deid_add(c->nt, c->tk[i].s, e, MC_DEID_NAME, conf, strong);
}

/* Lower-case phrase of tokens [a, b] (space separated) equals one of list? */
static bool phrase_in(const ctx *c, size_t a, size_t b, const mc__wordset *set)
{
    char buf[64];
    size_t k = 0;
    for (size_t i = a; i <= b; i++) {
        if (i > a) {
            if (gap(c, i - 1) != G_SPACE)
                return false;
            if (k + 1 >= sizeof buf)
                return false;
            buf[k++] = ' ';
        }
        size_t len = c->tk[i].e - c->tk[i].s;
        if (k + len >= sizeof buf)
            return false;
        for (size_t q = 0; q < len; q++)
            buf[k++] = mc__lower(c->t[c->tk[i].s + q]);
    }
    return mc__wordset_has(set, buf, k);
}
#define PHRASE(c, a, b, set) phrase_in((c), (a), (b), &(c)->nt->d->set)

/* Is token j followed (after spaces) by a colon? */
static bool colon_after(const ctx *c, size_t j)
{
    size_t p = c->tk[j].e, lim = j + 1 < c->n ? c->tk[j + 1].s : c->nt->n;
    while (p < lim && (c->t[p] == ' ' || c->t[p] == '.' || c->t[p] == '#'))
        p++;
    return p < lim && c->t[p] == ':';
}

/* A credential right after the name: ", MD", " M.D.", ", RN", ", PA-C", ... */
static bool credential_after(const ctx *c, size_t j)
{
    static const char *const creds[] = {
        "M.D.", "MD", "D.O.", "DO", "RN", "R.N.", "NP", "N.P.", "PA-C", "PA", "P.A.", "PhD",
        "Ph.D.", "DDS", "DMD", "LPN", "CNP", "FNP", "FNP-BC", "CRNA", "MSW", "LCSW", "PharmD",
        "FACS", "FACP", "FACC", "MBBS", "APRN", "DNP", "DPM", "PsyD", "BSN", "MSN", "LMFT", "CNM",
        "OD", "RD", "DPT", "OTR", "MPH", "ANP", "ACNP", "CNS", "RPh", "CMA", "NP-C",
    };
    size_t p = c->tk[j].e, n = c->nt->n;
    if (p < n && c->t[p] == ',')
        p++;
    while (p < n && c->t[p] == ' ')
        p++;
    if (p >= n || !(c->t[p] >= 'A' && c->t[p] <= 'Z'))
        return false;
    for (size_t i = 0; i < sizeof creds / sizeof creds[0]; i++) {
        if (creds[i][0] != c->t[p])
            continue;
        size_t k = strlen(creds[i]);
        if (p + k <= n && memcmp(c->t + p, creds[i], k) == 0 &&
            (p + k == n || !is_letter((unsigned char)c->t[p + k]))) {
            /* "Scranton, PA 18503" and "Baltimore, MD" are places */
            size_t q = p + k;
            while (q < n && c->t[q] == ' ')
                q++;
            if (q + 5 <= n && c->t[q] >= '0' && c->t[q] <= '9' && c->t[q + 4] >= '0' &&
                c->t[q + 4] <= '9')
                return false;
            if (mc__wordset_has(&c->nt->d->cities, c->t + c->tk[j].s, c->tk[j].e - c->tk[j].s))
                return false;
            return p > c->tk[j].e; /* "SmithMD" is not a credential */
        }
    }
    return false;
}

/* Only blanks (and the colon) between token i and token i + 1, on one line. */
static bool blank_after_colon(const ctx *c, size_t i)
{
    for (size_t p = c->tk[i].e; p < c->tk[i + 1].s; p++)
        if (c->t[p] != ' ' && c->t[p] != '\t' && c->t[p] != ':' && c->t[p] != '.' && c->t[p] != '#')
            return false;
    return true;
}

/* After token j: a column break, '|', '(' or the end of the line (note headers). */
static bool header_end(const ctx *c, size_t j)
{
    size_t p = c->tk[j].e, n = c->nt->n;
    if (p < n && c->t[p] == '.')
        p++;
    if (p >= n || c->t[p] == '\n' || c->t[p] == '\r' || c->t[p] == '|' || c->t[p] == '\t')
        return true;
    if (c->t[p] == ' ' && p + 1 < n && (c->t[p + 1] == ' ' || c->t[p + 1] == '|' || c->t[p + 1] == '('))
        return true;
    return false;
}

/* "Aiko Kuznetsov, 41-year-old" / "Aiko Kuznetsov is a 41 ...": a person described by age. */
static bool age_follows(const ctx *c, size_t j)
{
    size_t p = c->tk[j].e, n = c->nt->n;
    if (p + 2 < n && c->t[p] == ',' && c->t[p + 1] == ' ' && c->t[p + 2] >= '0' && c->t[p + 2] <= '9')
        return true;
    if (p + 7 < n && !strncmp(c->t + p, " is a ", 6) && c->t[p + 6] >= '0' && c->t[p + 6] <= '9')
        return true;
    return false;
}

/* Note structure: a header line that starts with a name, and a person described by age. */
static int structure_names(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        if (c->named[i] || !capital(&c->tk[i]) || stop_only(&c->tk[i]))
            continue;
        size_t b = c->tk[i].s;
        while (b > 0 && (c->t[b - 1] == ' ' || c->t[b - 1] == '\t'))
            b--;
        bool line_start = b == 0 || c->t[b - 1] == '\n' || c->t[b - 1] == '\r';
        size_t j = name_run(c, i, line_start ? M_LABEL : M_STRONG);
        if (j < i + 2)
            continue;
        bool listed = false, stop = false, comma = false;
        for (size_t q = i; q < j; q++) {
            listed = listed || (c->tk[q].f & (F_FIRST | F_LAST));
            stop = stop || (stop_only(&c->tk[q]) && !(c->tk[q].f & F_INIT));
            comma = comma || (q + 1 < j && gap(c, q) == G_COMMA);
        }
        if (stop)
            continue;
        bool ok = (line_start && header_end(c, j - 1) && (listed || comma)) || age_follows(c, j - 1);
        if (!ok)
            continue;
        int rc = mark(c, i, j, 0.8f, true);
        if (rc)
            return rc;
        i = j - 1;
    }
    return MC_OK;
}

static int context_names(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        tok *k = &c->tk[i];
        int rc = MC_OK;
        /* title: Dr. Smith, Mrs. Garcia-Lopez */
        if ((k->f & F_TITLE) && (k->f & F_CAP) && i + 1 < c->n && gap(c, i) == G_SPACE) {
            size_t j = name_run(c, i + 1, M_STRONG);
            rc = mark(c, i + 1, j, 0.95f, true);
        }
        /* header label: "Patient: SMITH, JOHN", "Attending: Jane Doe" */
        else if (colon_after(c, i) && i + 1 < c->n && blank_after_colon(c, i)) {
            bool lab = PHRASE(c, i, i, w_labels) || (i >= 1 && PHRASE(c, i - 1, i, w_labels)) ||
                       (i >= 2 && PHRASE(c, i - 2, i, w_labels)) ||
                       (i >= 3 && PHRASE(c, i - 3, i, w_labels));
            if (lab) {
                size_t s = i + 1;
                if ((c->tk[s].f & F_TITLE) && gap(c, s) == G_SPACE)
                    s++;
                size_t j = name_run(c, s, M_LABEL);
                rc = mark(c, s, j, 0.9f, true);
            }
        }
        /* relation or "by" phrase: "her daughter Maria", "seen by Kowalski" */
        else if (i + 1 < c->n && gap(c, i) == G_SPACE && !(c->tk[i + 1].f & F_ALLCAPS) &&
                 capital(&c->tk[i + 1]) &&
                 ((k->f & F_REL) ||
                  (i >= 1 && (c->tk[i - 1].f & F_BY) && word_is(c->t + k->s, k->e - k->s, "by")) ||
                  /* "discussed with Maria", "spoke to Okafor Chen": a listed name must follow */
                  (i >= 1 && (c->tk[i - 1].f & F_BY) && (c->tk[i + 1].f & (F_FIRST | F_LAST)) &&
                   (word_is(c->t + k->s, k->e - k->s, "with") ||
                    word_is(c->t + k->s, k->e - k->s, "to"))) ||
                  /* "my name is Rubija", "his name is ..." */
                  (i >= 1 && word_is(c->t + k->s, k->e - k->s, "is") &&
                   word_is(c->t + c->tk[i - 1].s, c->tk[i - 1].e - c->tk[i - 1].s, "name")))) {
            size_t j = name_run(c, i + 1, M_STRONG);
            if (j > i + 1 && (j > i + 2 || !stop_only(&c->tk[i + 1])))
                rc = mark(c, i + 1, j, 0.85f, true);
        }
        /* signature after a closing: "Sincerely,\n\nJane Doe, MD" */
        else if ((k->f & F_CLOSE) && i + 1 < c->n &&
                 (gap(c, i) == G_NL || gap(c, i) == G_COMMA)) {
            size_t j = name_run(c, i + 1, M_LABEL);
            rc = mark(c, i + 1, j, 0.85f, true);
        }
        if (rc)
            return rc;
    }
    /* credentials after a name: "John A. Smith, MD" (look back up to 4 tokens) */
    for (size_t j = 0; j < c->n; j++) {
        if (!capital(&c->tk[j]) || !credential_after(c, j) || c->named[j])
            continue;
        size_t i = j;
        while (i > 0 && j - i < 3 && gap(c, i - 1) == G_SPACE && capital(&c->tk[i - 1]) &&
               !(c->tk[i - 1].f & (F_TITLE | F_HEAD)) && !stop_only(&c->tk[i - 1]))
            i--;
        if (stop_only(&c->tk[i]) && i == j)
            continue;
        int rc = mark(c, i, j + 1, 0.9f, true);
        if (rc)
            return rc;
    }
    return MC_OK;
}

/* Names from the lists alone: "Maria Lopez", "J. Smith", "Okafor" after "Maria". */
static int list_names(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        if (c->named[i])
            continue;
        const tok *k = &c->tk[i];
        if (!capital(k) || (k->f & (F_EPON | F_DRUG | F_TITLE | F_HEAD)))
            continue;
        const tok *nx = i + 1 < c->n && gap(c, i) == G_SPACE ? &c->tk[i + 1] : NULL;
        bool nx_last = nx && capital(nx) && (nx->f & F_LAST) && !stop_only(nx) &&
                       !(nx->f & (F_EPON | F_DRUG));
        bool start = false;
        float conf = 0.6f;
        if ((k->f & F_FIRST) && !stop_only(k) && !(k->f & F_STOP))
            start = true, conf = 0.75f;
        else if ((k->f & (F_FIRST | F_INIT)) && nx_last)
            start = true, conf = 0.8f;
        else if ((k->f & F_LAST) && !(k->f & (F_STOP | F_ALLCAPS)))
            start = true, conf = 0.5f;
        if (!start)
            continue;
        if ((k->f & F_ALLCAPS) && !(nx && (nx->f & (F_FIRST | F_LAST))))
            continue; /* all-capital headings need two listed words */
        size_t j = name_run(c, i, M_WEAK);
        if (j > i + 1)
            conf += 0.1f;
        int rc = mark(c, i, j, conf, false);
        if (rc)
            return rc;
        if (j > i)
            i = j - 1;
    }
    return MC_OK;
}

/* Every capitalised mention of a word already found in a name is a name too. */
static int propagate(ctx *c)
{
    size_t cap = 64;
    while (cap < c->n * 2 + 64)
        cap <<= 1;
    uint32_t *slot = calloc(cap, sizeof *slot); /* token index + 1 of a name word, 0 = empty */
    if (!slot)
        return MC_ENOMEM;
    size_t mask = cap - 1;
    bool any = false;
    for (size_t i = 0; i < c->n; i++) {
        const tok *k = &c->tk[i];
        if (!c->named[i] || (k->f & (F_INIT | F_STOP | F_TITLE)) || k->e - k->s < 2)
            continue;
        uint32_t h = 2166136261u;
        for (uint32_t q = k->s; q < k->e; q++)
            h = (h ^ (unsigned char)mc__lower(c->t[q])) * 16777619u;
        size_t p = h & mask;
        while (slot[p])
            p = (p + 1) & mask;
        slot[p] = (uint32_t)i + 1;
        any = true;
    }
    int rc = MC_OK;
    for (size_t i = 0; any && i < c->n && rc == MC_OK; i++) {
        const tok *k = &c->tk[i];
        if (c->named[i] || !capital(k) || (k->f & (F_TITLE | F_HEAD)))
            continue;
        uint32_t h = 2166136261u;
        for (uint32_t q = k->s; q < k->e; q++)
            h = (h ^ (unsigned char)mc__lower(c->t[q])) * 16777619u;
        for (size_t p = h & mask; slot[p]; p = (p + 1) & mask) {
            const tok *o = &c->tk[slot[p] - 1];
            if (o->e - o->s == k->e - k->s &&
                strncasecmp(c->t + o->s, c->t + k->s, k->e - k->s) == 0) {
                if (!head_follows(c, i))
                    rc = mc__deid_add(c->nt, k->s, k->e, MC_DEID_NAME, 0.7f, false);
                break;
            }
        }
    }
    free(slot);
    return rc;
}

/* Places: listed cities, and capitalised words after "lives in", "born in", ... */
static int places(ctx *c)
{
    const mc_deid *d = c->nt->d;
    for (size_t i = 0; i < c->n; i++) {
        const tok *k = &c->tk[i];
        int rc = MC_OK;
        /* "lives in Springfield" */
        bool trig = (i >= 1 && (c->tk[i - 1].f & F_PLACE1) && PHRASE(c, i - 1, i, w_places)) ||
                    ((k->f & F_PLACE1) && PHRASE(c, i, i, w_places));
        if (trig && i + 1 < c->n && gap(c, i) == G_SPACE) {
            size_t j = i + 1;
            while (j < c->n && j - i <= 3 && capital(&c->tk[j]) && !stop_only(&c->tk[j]) &&
                   !IN(c->t + c->tk[j].s, c->tk[j].e - c->tk[j].s, w_states) &&
                   (j == i + 1 || gap(c, j - 1) == G_SPACE))
                j++;
            if (j > i + 1) {
                rc = mc__deid_add(c->nt, c->tk[i + 1].s, c->tk[j - 1].e, MC_DEID_LOCATION, 0.7f,
                                  true);
                if (rc)
                    return rc;
                i = j - 1;
                continue;
            }
        }
        if (!capital(k) || !(k->f & (F_CITY | F_CITY1)))
            continue;
        for (size_t w = 3; w >= 1; w--) {
            if (i + w > c->n || (w > 1 && !(k->f & F_CITY1)) || (w == 1 && !(k->f & F_CITY)))
                continue;
            bool ok = true;
            for (size_t q = i; q + 1 < i + w; q++) {
                int g = gap(c, q);
                if (g != G_SPACE && !(g == G_OTHER && c->t[c->tk[q].e] == '.' &&
                                      c->tk[q + 1].s == c->tk[q].e + 2))
                    ok = false;
            }
            size_t s = k->s, e = c->tk[i + w - 1].e;
            if (!ok || !mc__wordset_has(&d->cities, c->t + s, e - s))
                continue;
            if (w == 1 && (k->f & (F_FIRST | F_LAST | F_STOP | F_EPON | F_DRUG))) {
                /* an ambiguous single word needs a preposition before it */
                bool prep = i >= 1 && gap(c, i - 1) == G_SPACE &&
                            (word_is(c->t + c->tk[i - 1].s, c->tk[i - 1].e - c->tk[i - 1].s, "in") ||
                             word_is(c->t + c->tk[i - 1].s, c->tk[i - 1].e - c->tk[i - 1].s, "from") ||
                             word_is(c->t + c->tk[i - 1].s, c->tk[i - 1].e - c->tk[i - 1].s, "near"));
                if (!prep)
                    continue;
            }
            rc = mc__deid_add(c->nt, s, e, MC_DEID_LOCATION, w > 1 ? 0.75f : 0.65f, false);
            if (rc)
                return rc;
            i += w - 1;
            break;
        }
    }
    return MC_OK;
}

int mc__deid_names_run(mc__deid_note *nt)
{
    ctx c = { 0 };
    c.nt = nt;
    c.t = nt->text;
    int rc = tokenize(&c);
    if (rc)
        return rc;
    c.named = calloc(c.n + 1, 1);
    if (!c.named) {
        free(c.tk);
        return MC_ENOMEM;
    }
    rc = context_names(&c);
    if (!rc)
        rc = structure_names(&c);
    if (!rc)
        rc = list_names(&c);
    if (!rc)
        rc = propagate(&c);
    if (!rc)
        rc = places(&c);
    free(c.named);
    free(c.tk);
    return rc;
}

/* A set of the first words of the multi-word entries of list (keys kept in d->first_words). */
static int first_words(mc_deid *d, mc__wordset *w, const char *const *list, size_t count)
{
    size_t n = 0;
    const char **tmp = calloc(count + 1, sizeof *tmp);
    char **keep = realloc(d->first_words, (d->n_first_words + count) * sizeof *keep);
    if (!tmp || !keep) {
        free(tmp);
        if (keep)
            d->first_words = keep;
        return MC_ENOMEM;
    }
    d->first_words = keep;
    for (size_t i = 0; i < count && list[i]; i++) {
        const char *sp = strchr(list[i], ' ');
        if (!sp)
            continue;
        char *k = strndup(list[i], (size_t)(sp - list[i]));
        if (!k) {
            free(tmp);
            return MC_ENOMEM;
        }
        d->first_words[d->n_first_words++] = k;
        tmp[n++] = k;
    }
    tmp[n] = NULL;
    int rc = mc__wordset_build(w, tmp);
    free(tmp);
    return rc;
}

int mc__deid_names_init(mc_deid *d)
{
    struct {
        mc__wordset *w;
        const char *const *list;
    } all[] = { { &d->w_titles, titles },    { &d->w_heads, heads },   { &d->w_rel, rel_triggers },
                { &d->w_by, by_triggers },   { &d->w_close, closings }, { &d->w_labels, labels },
                { &d->w_places, place_triggers }, { &d->w_states, states } };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (mc__wordset_build(all[i].w, all[i].list))
            return MC_ENOMEM;
    /* one-word place phrases ("visiting") are their own first word */
    size_t np = sizeof place_triggers / sizeof place_triggers[0];
    const char **pl = calloc(np * 2, sizeof *pl);
    if (!pl)
        return MC_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; place_triggers[i]; i++)
        pl[k++] = place_triggers[i];
    pl[k] = NULL;
    int rc = first_words(d, &d->w_place1, pl, k);
    free(pl);
    if (rc)
        return rc;
    /* w_place1: first words of the multi-word phrases and the one-word phrases */
    mc__wordset_free(&d->w_place1);
    size_t m = 0;
    const char **all1 = calloc(np + d->n_first_words + 1, sizeof *all1);
    if (!all1)
        return MC_ENOMEM;
    for (size_t i = 0; place_triggers[i]; i++)
        if (!strchr(place_triggers[i], ' '))
            all1[m++] = place_triggers[i];
    for (size_t i = 0; i < d->n_first_words; i++)
        all1[m++] = d->first_words[i];
    all1[m] = NULL;
    rc = mc__wordset_build(&d->w_place1, all1);
    free(all1);
    if (rc)
        return rc;
    /* first words of multi-word cities ("san" of "san antonio") */
    const char **cities = calloc(d->cities.count + 1, sizeof *cities);
    if (!cities)
        return MC_ENOMEM;
    size_t nc = 0;
    for (uint32_t i = 0; i <= d->cities.mask && nc < d->cities.count; i++)
        if (d->cities.keys[i])
            cities[nc++] = d->cities.keys[i];
    rc = first_words(d, &d->w_city1, cities, nc);
    free(cities);
    if (rc)
        return rc;
    /* one table for every set: word -> flags */
    struct {
        const mc__wordset *w;
        uint32_t flag;
    } sets[] = { { &d->first, F_FIRST },    { &d->last, F_LAST },       { &d->stop, F_STOP },
                 { &d->epon, F_EPON },      { &d->drugs, F_DRUG },      { &d->cities, F_CITY },
                 { &d->w_city1, F_CITY1 },  { &d->w_titles, F_TITLE },  { &d->w_heads, F_HEAD },
                 { &d->w_rel, F_REL },      { &d->w_by, F_BY },         { &d->w_close, F_CLOSE },
                 { &d->w_place1, F_PLACE1 } };
    size_t total = 0;
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
        total += sets[i].w->count;
    uint32_t slots = 64;
    while (slots < total * 2)
        slots <<= 1;
    d->lex = calloc(slots, sizeof *d->lex);
    if (!d->lex)
        return MC_ENOMEM;
    d->lex_mask = slots - 1;
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        const mc__wordset *w = sets[i].w;
        for (uint32_t q = 0; q <= w->mask && w->keys; q++) {
            if (!w->keys[q])
                continue;
            char buf[64];
            size_t kl;
            uint32_t h = mc__wordset_fold(w->keys[q], w->lens[q], buf, &kl);
            if (!kl || kl != w->lens[q])
                continue;
            uint32_t p = h & d->lex_mask;
            while (d->lex[p].key &&
                   !(d->lex[p].len == kl && !memcmp(d->lex[p].key, buf, kl)))
                p = (p + 1) & d->lex_mask;
            if (!d->lex[p].key) {
                /* keys are stored folded already (the lists are lower case) */
                d->lex[p].key = w->keys[q];
                d->lex[p].len = (uint32_t)kl;
            }
            d->lex[p].flags |= sets[i].flag;
        }
    }
    return MC_OK;
}


void mc__deid_names_free(mc_deid *d)
{
    mc__wordset_free(&d->w_titles);
    mc__wordset_free(&d->w_heads);
    mc__wordset_free(&d->w_rel);
    mc__wordset_free(&d->w_by);
    mc__wordset_free(&d->w_close);
    mc__wordset_free(&d->w_labels);
    mc__wordset_free(&d->w_places);
    mc__wordset_free(&d->w_states);
    mc__wordset_free(&d->w_place1);
    mc__wordset_free(&d->w_city1);
    for (size_t i = 0; i < d->n_first_words; i++)
        free(d->first_words[i]);
    free(d->first_words);
    d->first_words = NULL;
    free(d->lex);
    d->lex = NULL;
    d->n_first_words = 0;
}
