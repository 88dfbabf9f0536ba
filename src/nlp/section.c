/*
 * Section detection. A header is a known section name followed by ':' at the
 * start of a line ("Assessment/Plan:", "Past medical history:"), an upper-case
 * name followed by ':' anywhere after a sentence end (transcribed notes run
 * headers inline: "... well.  PAST MEDICAL HISTORY:,  Hypertension"), or an
 * upper-case known name alone on its line. Each section has a weight (how much
 * a diagnosis stated there counts) and a diagnostic flag (a statement of
 * diagnoses, as Section II and III of the Official Guidelines read them).
 *
 * Invariant: sections are in text order, cover [0, n) without overlap, and
 * there is always at least one (MC_SEC_NONE for text before any header).
 */
#include "nlp/nlp.h"

#include <string.h>

static const mc_sec_info infos[MC_SEC__COUNT] = {
    [MC_SEC_NONE] = { "none", 0.85f, false },
    [MC_SEC_OTHER] = { "other", 0.75f, false },
    [MC_SEC_CC] = { "chief complaint", 0.7f, false },
    [MC_SEC_HPI] = { "history of present illness", 0.8f, false },
    [MC_SEC_PMH] = { "past medical history", 0.7f, false },
    [MC_SEC_PSH] = { "past surgical history", 0.5f, false },
    [MC_SEC_FAMILY] = { "family history", 0.6f, false },
    [MC_SEC_SOCIAL] = { "social history", 0.6f, false },
    [MC_SEC_ROS] = { "review of systems", 0.4f, false },
    [MC_SEC_EXAM] = { "physical exam", 0.5f, false },
    [MC_SEC_MEDS] = { "medications", 0.3f, false },
    [MC_SEC_DATA] = { "data", 0.6f, false },
    [MC_SEC_COURSE] = { "hospital course", 0.85f, false },
    [MC_SEC_ASSESSMENT] = { "assessment", 1.0f, true },
    [MC_SEC_PLAN] = { "plan", 0.8f, false },
    [MC_SEC_DIAGNOSES] = { "diagnoses", 1.0f, true },
    [MC_SEC_PRINCIPAL] = { "principal diagnosis", 1.0f, true },
    [MC_SEC_ADMIT_DX] = { "admitting diagnosis", 0.8f, true },
    [MC_SEC_PREOP_DX] = { "preoperative diagnosis", 0.7f, true },
    [MC_SEC_POSTOP_DX] = { "postoperative diagnosis", 1.0f, true },
    [MC_SEC_PROCEDURE] = { "procedure", 0.7f, false },
    [MC_SEC_FINDINGS] = { "findings", 0.8f, false },
    [MC_SEC_INDICATION] = { "indications", 0.8f, false },
    [MC_SEC_INSTRUCTIONS] = { "instructions", 0.2f, false },
    [MC_SEC_OPMETA] = { "procedure details", 0.5f, false },
};

const mc_sec_info *mc__sec_info(mc_sec_kind k)
{
    return (unsigned)k < MC_SEC__COUNT ? &infos[k] : &infos[MC_SEC_OTHER];
}

/* Header names, normalised: lower case, runs of non-letters become one space. */
static const struct {
    const char *name;
    mc_sec_kind kind;
} names[] = {
    { "chief complaint", MC_SEC_CC },
    { "cc", MC_SEC_CC },
    { "reason for visit", MC_SEC_CC },
    { "reason for consultation", MC_SEC_CC },
    { "reason for consult", MC_SEC_CC },
    { "reason for admission", MC_SEC_CC },
    { "reason for referral", MC_SEC_CC },
    { "history of present illness", MC_SEC_HPI },
    { "hpi", MC_SEC_HPI },
    { "present illness", MC_SEC_HPI },
    { "history", MC_SEC_HPI },
    { "subjective", MC_SEC_HPI },
    { "interval history", MC_SEC_HPI },
    { "clinical history", MC_SEC_HPI },
    { "history of the present illness", MC_SEC_HPI },
    { "past medical history", MC_SEC_PMH },
    { "pmh", MC_SEC_PMH },
    { "pmhx", MC_SEC_PMH },
    { "medical history", MC_SEC_PMH },
    { "past history", MC_SEC_PMH },
    { "past medical and surgical history", MC_SEC_PMH },
    { "past medical surgical history", MC_SEC_PMH },
    { "problem list", MC_SEC_DIAGNOSES },
    { "active problems", MC_SEC_DIAGNOSES },
    { "past surgical history", MC_SEC_PSH },
    { "psh", MC_SEC_PSH },
    { "pshx", MC_SEC_PSH },
    { "surgical history", MC_SEC_PSH },
    { "past operations", MC_SEC_PSH },
    { "family history", MC_SEC_FAMILY },
    { "fh", MC_SEC_FAMILY },
    { "fhx", MC_SEC_FAMILY },
    { "family hx", MC_SEC_FAMILY },
    { "social history", MC_SEC_SOCIAL },
    { "sh", MC_SEC_SOCIAL },
    { "shx", MC_SEC_SOCIAL },
    { "social hx", MC_SEC_SOCIAL },
    { "review of systems", MC_SEC_ROS },
    { "ros", MC_SEC_ROS },
    { "systems review", MC_SEC_ROS },
    { "physical exam", MC_SEC_EXAM },
    { "physical examination", MC_SEC_EXAM },
    { "exam", MC_SEC_EXAM },
    { "examination", MC_SEC_EXAM },
    { "pe", MC_SEC_EXAM },
    { "objective", MC_SEC_EXAM },
    { "vital signs", MC_SEC_EXAM },
    { "vitals", MC_SEC_EXAM },
    { "general", MC_SEC_EXAM },
    { "heent", MC_SEC_EXAM },
    { "neck", MC_SEC_EXAM },
    { "lungs", MC_SEC_EXAM },
    { "chest", MC_SEC_EXAM },
    { "heart", MC_SEC_EXAM },
    { "cardiovascular", MC_SEC_EXAM },
    { "cv", MC_SEC_EXAM },
    { "abdomen", MC_SEC_EXAM },
    { "extremities", MC_SEC_EXAM },
    { "neuro", MC_SEC_EXAM },
    { "neurologic", MC_SEC_EXAM },
    { "neurological", MC_SEC_EXAM },
    { "skin", MC_SEC_EXAM },
    { "psych", MC_SEC_EXAM },
    { "musculoskeletal", MC_SEC_EXAM },
    { "medications", MC_SEC_MEDS },
    { "meds", MC_SEC_MEDS },
    { "current medications", MC_SEC_MEDS },
    { "home medications", MC_SEC_MEDS },
    { "discharge medications", MC_SEC_MEDS },
    { "medications on admission", MC_SEC_MEDS },
    { "allergies", MC_SEC_MEDS },
    { "labs", MC_SEC_DATA },
    { "laboratory", MC_SEC_DATA },
    { "laboratory data", MC_SEC_DATA },
    { "lab data", MC_SEC_DATA },
    { "diagnostic data", MC_SEC_DATA },
    { "imaging", MC_SEC_DATA },
    { "radiology", MC_SEC_DATA },
    { "studies", MC_SEC_DATA },
    { "results", MC_SEC_DATA },
    { "ekg", MC_SEC_DATA },
    { "ecg", MC_SEC_DATA },
    { "hospital course", MC_SEC_COURSE },
    { "brief hospital course", MC_SEC_COURSE },
    { "course", MC_SEC_COURSE },
    { "ed course", MC_SEC_COURSE },
    { "clinical course", MC_SEC_COURSE },
    { "assessment", MC_SEC_ASSESSMENT },
    { "impression", MC_SEC_ASSESSMENT },
    { "assessment and plan", MC_SEC_ASSESSMENT },
    { "assessment plan", MC_SEC_ASSESSMENT },
    { "a p", MC_SEC_ASSESSMENT },
    { "impression and plan", MC_SEC_ASSESSMENT },
    { "impression plan", MC_SEC_ASSESSMENT },
    { "clinical impression", MC_SEC_ASSESSMENT },
    { "plan", MC_SEC_PLAN },
    { "recommendations", MC_SEC_PLAN },
    { "diagnosis", MC_SEC_DIAGNOSES },
    { "diagnoses", MC_SEC_DIAGNOSES },
    { "discharge diagnosis", MC_SEC_DIAGNOSES },
    { "discharge diagnoses", MC_SEC_DIAGNOSES },
    { "final diagnosis", MC_SEC_DIAGNOSES },
    { "final diagnoses", MC_SEC_DIAGNOSES },
    { "secondary diagnosis", MC_SEC_DIAGNOSES },
    { "secondary diagnoses", MC_SEC_DIAGNOSES },
    { "other diagnoses", MC_SEC_DIAGNOSES },
    { "principal diagnosis", MC_SEC_PRINCIPAL },
    { "primary diagnosis", MC_SEC_PRINCIPAL },
    { "admitting diagnosis", MC_SEC_ADMIT_DX },
    { "admission diagnosis", MC_SEC_ADMIT_DX },
    { "admitting diagnoses", MC_SEC_ADMIT_DX },
    { "preoperative diagnosis", MC_SEC_PREOP_DX },
    { "pre operative diagnosis", MC_SEC_PREOP_DX },
    { "preoperative diagnoses", MC_SEC_PREOP_DX },
    { "preprocedure diagnosis", MC_SEC_PREOP_DX },
    { "postoperative diagnosis", MC_SEC_POSTOP_DX },
    { "post operative diagnosis", MC_SEC_POSTOP_DX },
    { "postoperative diagnoses", MC_SEC_POSTOP_DX },
    { "postprocedure diagnosis", MC_SEC_POSTOP_DX },
    { "procedure", MC_SEC_PROCEDURE },
    { "procedures", MC_SEC_PROCEDURE },
    { "procedure performed", MC_SEC_PROCEDURE },
    { "procedures performed", MC_SEC_PROCEDURE },
    { "operation", MC_SEC_PROCEDURE },
    { "operations", MC_SEC_PROCEDURE },
    { "operation performed", MC_SEC_PROCEDURE },
    { "operative procedure", MC_SEC_PROCEDURE },
    { "name of procedure", MC_SEC_PROCEDURE },
    { "title of procedure", MC_SEC_PROCEDURE },
    { "title of operation", MC_SEC_PROCEDURE },
    { "description of procedure", MC_SEC_PROCEDURE },
    { "description of operation", MC_SEC_PROCEDURE },
    { "procedure in detail", MC_SEC_PROCEDURE },
    { "details of procedure", MC_SEC_PROCEDURE },
    { "procedure details", MC_SEC_PROCEDURE },
    { "technique", MC_SEC_PROCEDURE },
    { "findings", MC_SEC_FINDINGS },
    { "operative findings", MC_SEC_FINDINGS },
    { "intraoperative findings", MC_SEC_FINDINGS },
    { "indications", MC_SEC_INDICATION },
    { "indication", MC_SEC_INDICATION },
    { "indications for procedure", MC_SEC_INDICATION },
    { "indications for operation", MC_SEC_INDICATION },
    { "discharge instructions", MC_SEC_INSTRUCTIONS },
    { "instructions", MC_SEC_INSTRUCTIONS },
    { "patient instructions", MC_SEC_INSTRUCTIONS },
    { "return precautions", MC_SEC_INSTRUCTIONS },
    { "disposition", MC_SEC_INSTRUCTIONS },
    { "follow up", MC_SEC_INSTRUCTIONS },
    { "anesthesia", MC_SEC_OPMETA },
    { "estimated blood loss", MC_SEC_OPMETA },
    { "ebl", MC_SEC_OPMETA },
    { "specimens", MC_SEC_OPMETA },
    { "specimen", MC_SEC_OPMETA },
    { "drains", MC_SEC_OPMETA },
    { "complications", MC_SEC_OPMETA },
    { "fluids", MC_SEC_OPMETA },
    { "condition", MC_SEC_OPMETA },
};

/* Normalise candidate header text; returns false when it cannot be a header. */
static bool norm_header(const char *p, size_t n, char *out, size_t cap, bool *upper)
{
    size_t k = 0;
    bool space = false, any_lower = false;
    int letters = 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            if (c >= 'a')
                any_lower = true;
            if (space && k)
                out[k++] = ' ';
            space = false;
            if (k + 2 >= cap)
                return false;
            out[k++] = mc__lower(c);
            letters++;
        } else if (c == ' ' || c == '/' || c == '&' || c == '-' || c == '(' || c == ')' ||
                   c == '\t') {
            space = true;
        } else {
            return false;
        }
    }
    out[k] = 0;
    *upper = !any_lower;
    return letters >= 2;
}

static mc_sec_kind lookup(const char *h)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(names[i].name, h))
            return names[i].kind;
    return MC_SEC_NONE;
}

typedef struct hdr {
    uint32_t head_start, head_end, body;
    mc_sec_kind kind;
} hdr;

/*
 * Try a header starting at p[i]: returns true and fills h when one is found.
 * line_start says whether i begins a line (mixed-case headers only count there).
 */
static bool try_header(const char *p, uint32_t n, uint32_t i, bool line_start, hdr *h)
{
    uint32_t j = i, lim = i + 60 < n ? i + 60 : n;
    while (j < lim && p[j] != ':' && p[j] != '\n' && p[j] != '.' && p[j] != ',')
        j++;
    char buf[80];
    bool upper;
    if (j < lim && p[j] == ':') {
        if (!norm_header(p + i, j - i, buf, sizeof buf, &upper))
            return false;
        mc_sec_kind k = lookup(buf);
        if (k == MC_SEC_NONE) {
            /* An unknown upper-case header of a few words still starts a section. */
            if (!upper || j - i < 4 || !line_start)
                return false;
            k = MC_SEC_OTHER;
        } else if (!upper && !line_start) {
            return false;
        }
        h->head_start = i;
        h->head_end = j;
        h->kind = k;
        uint32_t b = j + 1;
        while (b < n && (p[b] == ',' || p[b] == ' ' || p[b] == '\t'))
            b++;
        h->body = b;
        return true;
    }
    if (line_start && j < n && p[j] == '\n' && j > i) {
        /* A known name alone on its line, in capitals ("ASSESSMENT AND PLAN"). */
        if (!norm_header(p + i, j - i, buf, sizeof buf, &upper) || !upper)
            return false;
        mc_sec_kind k = lookup(buf);
        if (k == MC_SEC_NONE)
            return false;
        h->head_start = i;
        h->head_end = j;
        h->kind = k;
        h->body = j + 1;
        return true;
    }
    return false;
}

int mc__nlp_sections(mc_nlp_doc *doc, mc__arena *arena)
{
    const char *p = doc->text;
    uint32_t n = doc->n, cap = 16, cnt = 0;
    mc_nlp_section *s = mc__arena_alloc(arena, cap * sizeof *s);
    if (!s)
        return MC_ELIMIT;
    s[0] = (mc_nlp_section){ MC_SEC_NONE, 0, 0, 0, n };
    cnt = 1;
    for (uint32_t i = 0; i < n; i++) {
        bool line_start = i == 0 || p[i - 1] == '\n';
        if (!line_start) {
            /*
             * Inline headers follow a sentence end and two spaces, ". " + capitals,
             * or ".," (transcribed notes: "... melena.,PHYSICAL EXAMINATION:,").
             */
            if (!(p[i] >= 'A' && p[i] <= 'Z'))
                continue;
            bool after_dot_comma = i >= 2 && p[i - 1] == ',' && p[i - 2] == '.';
            if (!(i >= 2 && p[i - 1] == ' ' && (p[i - 2] == ' ' || p[i - 2] == '.')) &&
                !after_dot_comma)
                continue;
        } else {
            while (i < n && (p[i] == ' ' || p[i] == '\t'))
                i++;
            if (i >= n)
                break;
        }
        hdr h;
        if (!try_header(p, n, i, line_start, &h))
            continue;
        if (cnt == cap) {
            mc_nlp_section *t = mc__arena_alloc(arena, 2 * cap * sizeof *t);
            if (!t)
                return MC_ELIMIT;
            memcpy(t, s, cap * sizeof *t);
            s = t;
            cap *= 2;
        }
        s[cnt - 1].end = h.head_start;
        s[cnt++] = (mc_nlp_section){ h.kind, h.head_start, h.head_end, h.body, n };
        i = h.body > i ? h.body - 1 : i;
    }
    doc->sections = s;
    doc->n_sections = cnt;
    return MC_OK;
}
