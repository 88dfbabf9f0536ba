/* medcode command-line entry point: dispatch to the subcommand. */
#include "cli.h"

#include "base/base_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define X(name, summary) MC_COMMAND(name, summary);
#include "commands.inc"
#undef X

typedef struct command {
    const char *name;
    const char *summary;
    int (*fn)(int, char **);
} command;

static const command commands[] = {
#define X(name, summary) { #name, summary, mc_cmd_##name },
#include "commands.inc"
#undef X
    { NULL, NULL, NULL }
};

static void usage(FILE *f)
{
    fprintf(f, "usage: medcode <command> [options]\n\ncommands:\n");
    for (const command *c = commands; c->name; c++)
        fprintf(f, "  %-12s %s\n", c->name, c->summary);
    fprintf(f, "\n'medcode <command> --help' describes a command's options.\n"
               "Bundles are read from $MEDCODE_BUNDLES (default build/bundles).\n");
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("medcode: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return CLI_USAGE;
}

bool cli_parse_int(const char *opt, const char *val, long lo, long hi, long *out)
{
    if (!val) {
        cli_fail("%s needs a value", opt);
        return false;
    }
    char *end;
    errno = 0;
    long v = strtol(val, &end, 10);
    if (errno || end == val || *end || v < lo || v > hi) {
        cli_fail("%s: '%s' is not a number between %ld and %ld", opt, val, lo, hi);
        return false;
    }
    *out = v;
    return true;
}

int cli_open_bundle(int year, const char *date, mc_bundle **out)
{
    *out = NULL;
    const char *dir = mc_bundle_dir();
    if (date) {
        int rc = mc_fiscal_year_of_date(date, &year);
        if (rc)
            return cli_fail("--date '%s' is not a valid date (expected YYYY-MM-DD)", date);
    }
    if (!year && mc_bundle_latest_year(dir, &year) != MC_OK)
        return cli_fail("no bundle in %s: run 'make bundles' (or 'medcode data fetch && "
                        "medcode build')",
                        dir);
    char path[1024];
    if (mc_bundle_path(dir, year, path, sizeof path))
        return cli_fail("bundle directory path too long");
    if (!mc__file_exists(path))
        return cli_fail("no bundle for fiscal year %d in %s: build it with 'medcode build "
                        "--year %d'",
                        year, dir, year);
    mc_diag diag = { 0 };
    int rc = mc_bundle_open(path, out, &diag);
    if (rc)
        return cli_fail("%s", diag.msg);
    return CLI_OK;
}

int cli_read_input(const char *path, size_t max, char **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (strcmp(path, "-") != 0) {
        mc_diag diag = { 0 };
        int rc = mc__read_file(path, max, out, n, &diag);
        return rc ? cli_fail("%s", diag.msg) : CLI_OK;
    }
    mc__buf b;
    mc__buf_init(&b, max);
    char chunk[65536];
    size_t r;
    while ((r = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        if (mc__buf_append(&b, chunk, r))
            break;
    if (b.err || ferror(stdin)) {
        mc__buf_free(&b);
        return cli_fail("standard input: %s", b.err == MC_ELIMIT ? "larger than the size limit"
                                                                 : "read error");
    }
    if (!b.p)
        mc__buf_append(&b, "", 0);
    *out = b.p;
    *n = b.n;
    return CLI_OK;
}

bool cli_next_line(const char **p, const char *end, const char **l, size_t *ln, long *line)
{
    while (*p < end) {
        const char *eol = memchr(*p, '\n', (size_t)(end - *p));
        if (!eol)
            eol = end;
        *l = *p;
        *ln = (size_t)(eol - *p);
        *p = eol + 1;
        ++*line;
        mc__trim(l, ln);
        if (*ln)
            return true;
    }
    return false;
}

int cli_write(const char *s, size_t n)
{
    if (fwrite(s, 1, n, stdout) != n || fputc('\n', stdout) == EOF)
        return CLI_USAGE;
    return CLI_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return CLI_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("medcode %s\n", mc_version());
        return CLI_OK;
    }
    for (const command *c = commands; c->name; c++)
        if (!strcmp(c->name, argv[1])) {
            int rc = c->fn(argc - 1, argv + 1);
            if (fflush(stdout) != 0)
                return cli_fail("cannot write output: %s", strerror(errno));
            return rc;
        }
    cli_fail("unknown command '%s'", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}
