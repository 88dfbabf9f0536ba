/*
 * The MEAT vocabulary (meat_words.c): trigger words of each criterion and the
 * small word classes the linking rules need (negations, dose units,
 * frequencies, stop words, time units). Each list is general clinical usage,
 * never a particular note's wording (docs/risk.md lists the words).
 */
#include "coder/meat.h"

#include <string.h>

typedef struct word {
    const char *w;
    uint8_t prefix; /* 1: matches words starting with w */
} word;

/* M: the condition is followed over time. */
static const word W_MONITOR[] = {
    { "stable", 0 },      { "stably", 0 },       { "stabilized", 0 },  { "unchanged", 0 },
    { "monitor", 1 },     { "follow", 0 },       { "followed", 0 },    { "follows", 0 },
    { "followup", 0 },    { "surveillance", 0 }, { "track", 1 },       { "trend", 1 },
    { "recheck", 1 },     { "progression", 0 },  { "progressing", 0 }, { "progressive", 0 },
    { "progressed", 0 },  { "asymptomatic", 0 }, { "symptomatic", 0 }, { "repeat", 0 },
    { "rising", 0 },      { "trending", 0 },
};
/* E: tests, results and findings. */
static const word W_EVAL[] = {
    { "a1c", 0 },        { "hba1c", 0 },        { "hgba1c", 0 },      { "glucose", 1 },
    { "sugars", 0 },     { "egfr", 0 },         { "gfr", 0 },         { "creatinine", 0 },
    { "bun", 0 },        { "bnp", 0 },          { "probnp", 0 },      { "troponin", 1 },
    { "ef", 0 },         { "ejection", 0 },     { "echo", 0 },        { "echocardiogram", 1 },
    { "ekg", 0 },        { "ecg", 0 },          { "ct", 0 },          { "cta", 0 },
    { "mri", 0 },        { "xray", 0 },         { "radiograph", 1 },  { "ultrasound", 0 },
    { "doppler", 0 },    { "biopsy", 0 },       { "pathology", 0 },   { "spirometry", 0 },
    { "pft", 0 },        { "pfts", 0 },         { "fev1", 0 },        { "inr", 0 },
    { "tsh", 0 },        { "ldl", 0 },          { "lipid", 1 },       { "hemoglobin", 0 },
    { "hgb", 0 },        { "hematocrit", 0 },   { "ferritin", 0 },    { "psa", 0 },
    { "cd4", 0 },        { "culture", 1 },      { "urinalysis", 0 },  { "microalbumin", 1 },
    { "albuminuria", 0 }, { "uacr", 0 },        { "platelet", 1 },    { "wbc", 0 },
    { "labs", 0 },       { "lab", 0 },          { "results", 0 },     { "resulted", 0 },
    { "imaging", 0 },    { "scan", 0 },         { "angiogra", 1 },   { "catheterization", 0 },
    { "colonoscopy", 0 }, { "endoscopy", 0 },   { "eeg", 0 },         { "emg", 0 },
    { "mammogram", 0 },  { "oximetry", 0 },     { "saturation", 0 },  { "spo2", 0 },
    { "level", 0 },      { "levels", 0 },       { "exam", 0 },        { "examination", 0 },
    { "reviewed", 0 },   { "shows", 0 },        { "showed", 0 },      { "revealed", 0 },
    { "reveals", 0 },    { "demonstrated", 0 }, { "demonstrates", 0 }, { "findings", 0 },
    { "monofilament", 0 }, { "edema", 0 },      { "crackles", 0 },    { "rales", 0 },
    { "wheezing", 0 },   { "wheezes", 0 },      { "jvd", 0 },         { "murmur", 0 },
    { "viral", 0 },
};
/* A: the provider's statement of the condition's status, or a discussion of it. */
static const word W_ASSESS[] = {
    { "controlled", 0 },  { "uncontrolled", 0 }, { "poorly", 0 },      { "worsening", 0 },
    { "worse", 0 },       { "worsened", 0 },     { "improved", 0 },    { "improving", 0 },
    { "improvement", 0 }, { "better", 0 },       { "resolving", 0 },   { "compensated", 0 },
    { "decompensated", 0 }, { "exacerbation", 0 }, { "exacerbated", 0 }, { "flare", 0 },
    { "remission", 0 },   { "discussed", 0 },    { "counseled", 0 },   { "counselled", 0 },
    { "counseling", 0 },  { "educated", 0 },     { "assessed", 0 },    { "addressed", 0 },
    { "goal", 0 },        { "suboptimal", 0 },   { "optimal", 0 },     { "adequately", 0 },
    { "inadequately", 0 }, { "persistent", 0 },  { "uncompensated", 0 }, { "unstable", 0 },
};
/* T: treatment. */
static const word W_TREAT[] = {
    { "continue", 0 },     { "continued", 0 },    { "continues", 0 },    { "continuing", 0 },
    { "start", 0 },        { "started", 0 },      { "starting", 0 },     { "initiate", 1 },
    { "increase", 0 },     { "decrease", 0 },     { "intravenous", 0 },  { "iv", 0 },
    { "titrate", 1 },      { "adjust", 0 },       { "adjusted", 0 },     { "reduce", 0 },
    { "discontinue", 1 },  { "stop", 0 },         { "stopped", 0 },      { "switch", 0 },
    { "switched", 0 },     { "resume", 0 },       { "resumed", 0 },      { "refer", 0 },
    { "referred", 0 },     { "referral", 0 },     { "consult", 0 },      { "consulted", 0 },
    { "prescribe", 1 },    { "rx", 0 },           { "medication", 0 },   { "medications", 0 },
    { "meds", 0 },         { "therapy", 0 },      { "insulin", 0 },      { "dialysis", 0 },
    { "hemodialysis", 0 }, { "chemotherapy", 0 }, { "chemo", 0 },        { "radiation", 0 },
    { "transfusion", 0 },  { "surgery", 0 },      { "oxygen", 0 },       { "inhaler", 1 },
    { "injection", 1 },    { "infusion", 0 },     { "dieting", 0 },      { "dose", 0 },
    { "dosage", 0 },       { "treated", 0 },      { "treating", 0 },     { "treatment", 0 },
    { "managed", 0 },      { "management", 0 },  { "regimen", 0 },      { "cpap", 0 },
    { "bipap", 0 },        { "tablet", 1 },       { "antibiotics", 0 },  { "anticoagulation", 0 },
};
/* Dose units and frequencies after a number ("500 mg", "20 units") mean a medication. */
static const char *const DOSE_UNITS[] = { "mg", "mcg", "g", "ml", "units", "unit", "iu", "meq",
                                          "puffs", "puff", "tab", "tabs", "tablet", "tablets",
                                          "cap", "caps", "capsule", "capsules", "l", "lpm" };
static const char *const FREQ[] = { "bid", "tid", "qid", "qd", "qhs", "qam", "qpm", "prn", "q12h",
                                    "q8h", "q6h", "q4h", "daily" };
static const char *const STOP[] = { "to", "of", "at", "by", "the", "and", "with", "on", "in",
                                    "for", "a", "from", "then", "or" };
static const char *const TIME_UNITS[] = { "day", "days", "week", "weeks", "month", "months",
                                          "year", "years", "hours", "minutes" };
static const char *const NEG[] = { "no", "not", "without", "denies", "never", "none", "declines",
                                   "declined", "off" };

static bool in_list(const char *w, const char *const *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (w[0] == l[i][0] && !strcmp(w, l[i]))
            return true;
    return false;
}

static bool in_words(const char *w, size_t len, const word *l, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (w[0] != l[i].w[0])
            continue;
        size_t k = strlen(l[i].w);
        if (l[i].prefix ? len >= k && !memcmp(w, l[i].w, k) : len == k && !memcmp(w, l[i].w, k))
            return true;
    }
    return false;
}
#define IN_WORDS(t, arr) in_words((t)->norm, (t)->len, arr, sizeof arr / sizeof arr[0])
#define IN_LIST(w, arr) in_list((w), arr, sizeof arr / sizeof arr[0])

unsigned mc__meat_classify(const mc_nlp_token *tk)
{
    unsigned c = C_DONE;
    if (!tk->len)
        return c;
    c |= IN_WORDS(tk, W_MONITOR) ? C_M : 0;
    c |= IN_WORDS(tk, W_EVAL) ? C_E : 0;
    c |= IN_WORDS(tk, W_ASSESS) ? C_A : 0;
    c |= IN_WORDS(tk, W_TREAT) ? C_T : 0;
    c |= IN_LIST(tk->norm, NEG) ? C_NEG : 0;
    c |= IN_LIST(tk->norm, DOSE_UNITS) ? C_UNIT : 0;
    c |= IN_LIST(tk->norm, FREQ) ? C_FREQ : 0;
    c |= IN_LIST(tk->norm, STOP) ? C_STOP : 0;
    c |= IN_LIST(tk->norm, TIME_UNITS) ? C_TIME : 0;
    return c;
}
