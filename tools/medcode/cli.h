/*
 * medcode CLI: shared declarations. Each subcommand lives in its own file and
 * is declared with MC_COMMAND(name, "one-line summary"); the Makefile collects
 * the declarations into build/gen/commands.inc for the dispatcher in main.c.
 *
 * Exit status: 0 success, 1 a clean "not found / invalid" answer, 2 bad usage
 * or bad input (the message names the problem on one line of stderr).
 */
#ifndef MC_CLI_H
#define MC_CLI_H

#include "medcode/base.h"
#include "medcode/bundle.h"

#include <stdbool.h>
#include <stdio.h>

#define MC_COMMAND(name, summary)                  \
    int mc_cmd_##name(int argc, char **argv);      \
    int mc_cmd_##name(int argc, char **argv)

enum { CLI_OK = 0, CLI_NO = 1, CLI_USAGE = 2 };

/* Print "medcode: <message>" on stderr; returns CLI_USAGE. */
int cli_fail(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/*
 * Choose and open the bundle: year (0 = unset) or date ("YYYY-MM-DD", NULL =
 * unset), else the newest bundle in mc_bundle_dir(). On failure prints the
 * reason and returns CLI_USAGE; *out stays NULL.
 */
int cli_open_bundle(int year, const char *date, mc_bundle **out);

/* Parse "--year N" style integer values with range checks; returns false and prints on error. */
bool cli_parse_int(const char *opt, const char *val, long lo, long hi, long *out);

/* Read a whole file or "-" (stdin) with a size limit; prints on error. */
int cli_read_input(const char *path, size_t max, char **out, size_t *n);

/*
 * Next non-blank line of [*p, end) for JSON Lines input: *l and *ln get the
 * trimmed line, *line its 1-based number; false at the end of the text.
 */
bool cli_next_line(const char **p, const char *end, const char **l, size_t *ln, long *line);

/* Write s to stdout followed by a newline; fails loudly when stdout is broken. */
int cli_write(const char *s, size_t n);

#endif
