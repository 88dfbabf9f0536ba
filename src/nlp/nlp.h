/*
 * Clinical text analysis for the coder (internal to medcode; the public entry
 * point is include/medcode/coder.h): sections with their weights, sentence
 * and list splitting, word tokens with byte offsets, and ConText-style
 * assertion (negated, uncertain, historical, family, hypothetical).
 *
 * Invariants: every offset is a byte offset into the caller's text and every
 * span [start, end) lies inside it; all memory comes from the caller's arena
 * (capped), so analysing a note allocates nothing else and a failed
 * allocation returns MC_ENOMEM/MC_ELIMIT, never a partial document.
 */
#ifndef MC_NLP_H
#define MC_NLP_H

#include "base/base_int.h"

#include <stdbool.h>
#include <stdint.h>

/* Section kinds recognised from headers ("Assessment/Plan:", "PAST MEDICAL HISTORY"). */
typedef enum mc_sec_kind {
    MC_SEC_NONE = 0, /* text before any header */
    MC_SEC_OTHER, /* a header we do not know */
    MC_SEC_CC, /* chief complaint / reason for visit */
    MC_SEC_HPI, /* history of present illness, subjective */
    MC_SEC_PMH, /* past medical history */
    MC_SEC_PSH, /* past surgical history */
    MC_SEC_FAMILY, /* family history */
    MC_SEC_SOCIAL, /* social history */
    MC_SEC_ROS, /* review of systems */
    MC_SEC_EXAM, /* physical exam and its sub-headers, vitals */
    MC_SEC_MEDS, /* medications, allergies */
    MC_SEC_DATA, /* labs, imaging, studies */
    MC_SEC_COURSE, /* hospital / ED course */
    MC_SEC_ASSESSMENT, /* assessment, impression, assessment and plan */
    MC_SEC_PLAN, /* plan */
    MC_SEC_DIAGNOSES, /* diagnoses, discharge / final / secondary diagnoses */
    MC_SEC_PRINCIPAL, /* principal / primary diagnosis */
    MC_SEC_ADMIT_DX, /* admitting diagnosis */
    MC_SEC_PREOP_DX, /* preoperative diagnosis */
    MC_SEC_POSTOP_DX, /* postoperative diagnosis */
    MC_SEC_PROCEDURE, /* procedure(s) performed, operation, description */
    MC_SEC_FINDINGS, /* (operative) findings */
    MC_SEC_INDICATION, /* indications */
    MC_SEC_INSTRUCTIONS, /* discharge instructions, return precautions */
    MC_SEC_OPMETA, /* anesthesia, EBL, specimens, drains, complications */
    MC_SEC__COUNT
} mc_sec_kind;

typedef struct mc_sec_info {
    const char *name; /* "assessment" */
    float weight; /* how much a diagnosis stated here counts (0..1) */
    bool diagnostic; /* a diagnostic statement section (assessment, diagnoses) */
} mc_sec_info;

const mc_sec_info *mc__sec_info(mc_sec_kind k);

typedef struct mc_nlp_section {
    mc_sec_kind kind;
    uint32_t head_start, head_end; /* the header text (empty for MC_SEC_NONE) */
    uint32_t start, end; /* body */
} mc_nlp_section;

typedef struct mc_nlp_sentence {
    uint32_t start, end; /* bytes */
    uint32_t section; /* index into sections */
    uint32_t tok_first, tok_count; /* tokens of this sentence */
    uint32_t item; /* 0-based list item number in its section (numbered/bulleted) */
} mc_nlp_sentence;

/* Token flags. */
enum {
    NLP_TOK_UPPER = 1, /* written in capitals (an acronym when short) */
    NLP_TOK_DIGIT = 2, /* contains a digit */
    NLP_TOK_BREAK = 4, /* a ';' or ':' lies between the previous token and this one */
    NLP_TOK_COMMA = 8, /* a ',' lies between the previous token and this one */
    NLP_TOK_TERM = 16, /* ends an assertion scope ("but", "however", "presents") */
    NLP_TOK_TERM_VERB = 32, /* ends a negation/uncertainty scope ("is", "has") */
    NLP_TOK_TERM_FAM = 64, /* ends a family scope: the patient again ("patient", "he") */
};

typedef struct mc_nlp_token {
    uint32_t start, end; /* bytes in the note */
    const char *norm; /* folded lower-case form (NUL-terminated, arena) */
    uint16_t len; /* strlen(norm) */
    uint16_t flags; /* MC_TOK_* */
    uint32_t sentence;
} mc_nlp_token;

/* Assertion flags of a mention. */
enum {
    MC_ASSERT_NEGATED = 1,
    MC_ASSERT_UNCERTAIN = 2,
    MC_ASSERT_HISTORICAL = 4,
    MC_ASSERT_FAMILY = 8,
    MC_ASSERT_HYPOTHETICAL = 16,
};

/* One trigger found in a sentence. */
typedef struct mc_nlp_trigger {
    uint32_t tok; /* first token of the trigger */
    uint16_t ntok; /* tokens in the trigger */
    uint8_t category; /* MC_ASSERT_* bit */
    uint8_t dir; /* 1 forward, 2 backward, 3 both */
} mc_nlp_trigger;

typedef struct mc_nlp_doc {
    const char *text;
    uint32_t n;
    mc_nlp_section *sections;
    uint32_t n_sections;
    mc_nlp_sentence *sentences;
    uint32_t n_sentences;
    mc_nlp_token *tokens;
    uint32_t n_tokens;
    mc_nlp_trigger *triggers; /* sorted by token */
    uint32_t n_triggers;
    uint32_t *sent_trig; /* first trigger of each sentence (n_sentences + 1 entries) */
} mc_nlp_doc;

/*
 * Check that text is a note we can read: valid UTF-8, no NUL or other binary
 * control bytes. Returns MC_OK or MC_EFORMAT with a one-line reason in diag.
 */
int mc__nlp_check_text(const char *text, size_t n, mc_diag *diag);

/* Split text into sections, sentences and tokens and find assertion triggers. */
int mc__nlp_analyze(const char *text, size_t n, mc__arena *arena, mc_nlp_doc **out);

/* Fold one word (UTF-8) to lower case without accents into out (cap bytes); returns length. */
size_t mc__nlp_fold(const char *p, size_t n, char *out, size_t cap);

/* Tokenize a phrase (no offsets needed) calling fn for each folded word. */
void mc__nlp_words(const char *p, size_t n, void (*fn)(void *ctx, const char *w, size_t len),
                   void *ctx);

/*
 * Assertion of the mention covering tokens [first, last] of sentence s:
 * MC_ASSERT_* bits, section defaults included. *trigger gets the token of
 * the deciding trigger (or UINT32_MAX when a section default decided).
 */
unsigned mc__nlp_assert(const mc_nlp_doc *doc, uint32_t s, uint32_t first, uint32_t last,
                        uint32_t *trigger);

/* Internal pieces (split.c, section.c, context.c). */
int mc__nlp_sections(mc_nlp_doc *doc, mc__arena *arena);
int mc__nlp_split(mc_nlp_doc *doc, mc__arena *arena);
int mc__nlp_triggers(mc_nlp_doc *doc, mc__arena *arena);

#endif
