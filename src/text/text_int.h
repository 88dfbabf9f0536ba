/*
 * Text analysis internals shared by the files in src/text and by modules that build
 * on them (search, nlp). Nothing here is public API.
 */
#ifndef MC_TEXT_INT_H
#define MC_TEXT_INT_H

#include "base/base_int.h"
#include "medcode/text.h"

/* Letters, digits and combining marks (Unicode categories L*, N*, M*). */
bool mc__text_is_word_cp(int32_t cp);
bool mc__text_is_digit_cp(int32_t cp);
/* +1 upper case letter, -1 lower case letter, 0 anything else. */
int mc__text_cp_case(int32_t cp);

/* Longest folded key the abbreviation list accepts, in bytes. */
enum { MC__ABBR_MAX_KEY = 160 };

/*
 * Compile abbreviation TSV text into a TXTABBR section image (out).
 * Errors name the line in diag (file is used for messages only).
 */
int mc__abbrev_compile(const char *tsv, size_t n, const char *file, mc__buf *out, mc_diag *diag);
/* Open a TXTABBR image (borrowed unless owned is non-NULL, which the handle then frees). */
int mc__abbrev_open_data(const void *data, size_t n, void *owned, mc_abbrev **out, mc_diag *diag);

#endif
