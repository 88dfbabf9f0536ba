/*
 * Risk-adjustment annotation of a coder run (meat.c): the CMS-HCCs of each
 * suggested diagnosis, the note's hierarchies, and the MEAT documentation
 * check with its queries. Runs on the finished diagnosis list of a run.
 */
#ifndef MC_CODER_MEAT_H
#define MC_CODER_MEAT_H

#include "coder/coder_int.h"

/* Word classes of a token (meat_words.c). */
enum {
    C_M = 1, /* monitoring word */
    C_E = 2, /* test, result or finding */
    C_A = 4, /* status or discussion */
    C_T = 8, /* treatment */
    C_NEG = 16, /* negation ("no", "not") */
    C_UNIT = 32, /* dose unit after a number ("mg") */
    C_FREQ = 64, /* dosing frequency ("bid") */
    C_STOP = 128, /* function word ("to", "of") */
    C_TIME = 256, /* time unit ("months") */
    C_DONE = 0x8000, /* computed (the cache marker) */
};
unsigned mc__meat_classify(const mc_nlp_token *tk);

/* meat_json.c: ,"hcc":{...} of one diagnosis; ,"hcc_summary":{...} of the note. */
void mc__cac_json_hcc(mc__buf *b, const mc_coded_hcc *h, const char *text, size_t tn);
void mc__cac_json_hcc_summary(mc__buf *b, const mc_coder_result *r);

/* Annotate r->dx in place (opts->hcc and opts->risk set); errors go to r->err. */
void mc__cac_hcc(run *r);

#endif
