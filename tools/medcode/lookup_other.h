/*
 * Look-up answers for ICD-10-PCS and HCPCS Level II, shared by `medcode
 * lookup` (which tries each code system in turn), `medcode pcs` and
 * `medcode hcpcs`.
 */
#ifndef MC_LOOKUP_OTHER_H
#define MC_LOOKUP_OTHER_H

#include "cli.h"

#include "base/base_int.h"
#include "medcode/hcpcs.h"
#include "medcode/pcs.h"

/*
 * Print the full answer for text as an ICD-10-PCS code: title and the
 * meaning of each of the 7 characters; for an invalid code, which character
 * is wrong and the values allowed there. A 3..6 character text is answered
 * when it begins some valid code (the characters so far and the choices for
 * the next one). Returns CLI_OK after printing (valid or not: the answer
 * says, "valid" in JSON), or CLI_NO without printing when the text is not
 * an ICD-10-PCS code, so that the caller can try another code system.
 * With json, one JSON object.
 */
int cli_lookup_pcs(const mc_bundle *b, const char *text, bool json);

/*
 * Print the HCPCS Level II record of text (a code or a modifier): long and
 * short description, dates, action, coverage, BETOS. Returns CLI_OK after
 * printing, CLI_NO without printing when the file has no such code.
 */
int cli_lookup_hcpcs(const mc_bundle *b, const char *text, bool json);

/* ---- shared with cmd_pcs.c / cmd_hcpcs.c ---- */
/* Open the PCS tables of b, printing the reason on failure (returns CLI_USAGE). */
int cli_pcs_open(const mc_bundle *b, mc_pcs **out);
/* One-line reason a check failed ("character 4 'X' (Body Part) is not allowed after 0DT ..."). */
void cli_pcs_reason(const mc_pcs *p, const mc_pcs_check *chk, char *buf, size_t cap);
/* The full answer for a 7-character code (explain), as text or one JSON object, into out. */
void cli_pcs_answer(const mc_pcs *p, const mc_pcs_check *chk, bool json, mc__buf *out);
/* The values allowed after a valid prefix of 0..6 characters, as text or JSON, into out. */
void cli_pcs_choices(const mc_pcs *p, const char *prefix, bool json, mc__buf *out);
/* The record of an HCPCS code; date (YYYYMMDD) 0 = no validity check. */
void cli_hcpcs_answer(const mc_hcpcs *h, const mc_hcpcs_code *c, uint32_t date, bool json,
                      mc__buf *out);
/* Write out (text as is; JSON followed by a newline); CLI_USAGE when it cannot. */
int cli_flush_buf(mc__buf *out, bool json);

#endif
