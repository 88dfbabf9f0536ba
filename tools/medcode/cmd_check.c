/*
 * medcode check: verify an encounter (or a JSON Lines batch of them) against
 * the code set of its date, the tabular conventions, the Medicare Code
 * Editor and the POA rules. The bundle is chosen per encounter by the fiscal
 * year of its code date; each year's bundle is opened once.
 */
#include "cli.h"

#include "base/base_int.h"
#include "medcode/edits.h"
#include "medcode/encounter.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_YEARS = 8 };

typedef struct years {
    int year[MAX_YEARS];
    mc_bundle *bundle[MAX_YEARS];
    mc_edits *edits[MAX_YEARS];
    int n;
} years;

/* The edits of a fiscal year, opened on first use. On failure msg says why. */
static mc_edits *edits_for(years *y, int fy, char *msg, size_t cap)
{
    for (int i = 0; i < y->n; i++)
        if (y->year[i] == fy)
            return y->edits[i];
    if (y->n == MAX_YEARS) {
        snprintf(msg, cap, "too many fiscal years in one run");
        return NULL;
    }
    char path[1024];
    const char *dir = mc_bundle_dir();
    if (mc_bundle_path(dir, fy, path, sizeof path) || !mc__file_exists(path)) {
        snprintf(msg, cap,
                 "no bundle for fiscal year %d (the encounter's code date) in %s: build it with "
                 "'medcode build --year %d'",
                 fy, dir, fy);
        return NULL;
    }
    mc_diag diag = { 0 };
    mc_bundle *b = NULL;
    mc_edits *ed = NULL;
    if (mc_bundle_open(path, &b, &diag) || mc_edits_open(b, &ed, &diag)) {
        snprintf(msg, cap, "%s", diag.msg);
        mc_bundle_close(b);
        return NULL;
    }
    y->year[y->n] = fy;
    y->bundle[y->n] = b;
    y->edits[y->n] = ed;
    y->n++;
    return ed;
}

static void years_close(years *y)
{
    for (int i = 0; i < y->n; i++) {
        mc_edits_close(y->edits[i]);
        mc_bundle_close(y->bundle[i]);
    }
}

static void print_text(const mc_edit_report *rep, const mc_encounter *enc)
{
    printf("%s%s%s%s encounter, FY%d: %s (%u error%s, %u warning%s)\n", enc->id[0] ? "[" : "",
           enc->id, enc->id[0] ? "] " : "", mc_setting_name(enc->setting), rep->fiscal_year,
           rep->valid ? "valid" : "INVALID", rep->n_errors, rep->n_errors == 1 ? "" : "s",
           rep->n_warnings, rep->n_warnings == 1 ? "" : "s");
    for (uint32_t i = 0; i < rep->n; i++) {
        const mc_edit *e = &rep->items[i];
        printf("  %-7s %s", mc_edit_severity_name(e->severity), e->id);
        for (uint32_t k = 0; k < e->n_codes; k++)
            printf("%s%s", k ? ", " : " [", e->codes[k]);
        printf("%s\n          %s\n          source: %s\n", e->n_codes ? "]" : "", e->message,
               e->source);
    }
    if (rep->truncated)
        printf("  (more edits were found than the report holds)\n");
}

static int check_one(years *y, const mc_encounter *enc, mc_edit_report *rep, char *msg,
                     size_t cap)
{
    int fy = mc_date_fiscal_year(mc_encounter_code_date(enc));
    mc_edits *ed = edits_for(y, fy, msg, cap);
    if (!ed)
        return MC_ENOTFOUND;
    mc_diag diag = { 0 };
    int rc = mc_edits_check(ed, enc, rep, &diag);
    if (rc)
        snprintf(msg, cap, "%s", diag.msg);
    return rc;
}

static int run_jsonl(const char *path, years *y)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f)
        return cli_fail("cannot open %s", path);
    mc_encounter_reader *r;
    if (mc_encounter_reader_new(f, &r)) {
        if (f != stdin)
            fclose(f);
        return cli_fail("out of memory");
    }
    mc_edit_report rep;
    mc_edit_report_init(&rep);
    int status = CLI_OK;
    long line;
    mc_encounter *enc;
    mc_diag diag = { 0 };
    mc__buf out;
    mc__buf_init(&out, 0);
    for (;;) {
        int rc = mc_encounter_reader_next(r, &enc, &line, &diag);
        if (rc == MC_ENOTFOUND)
            break;
        if (rc == MC_EIO || rc == MC_ENOMEM) {
            status = cli_fail("%s: %s", path, diag.msg);
            break;
        }
        out.n = 0;
        if (rc) {
            mc__buf_printf(&out, "{\"line\":%ld,\"error\":", line);
            mc__buf_json_str(&out, diag.msg, strlen(diag.msg));
            mc__buf_putc(&out, '}');
            status = CLI_USAGE;
        } else {
            char msg[600];
            rc = check_one(y, enc, &rep, msg, sizeof msg);
            if (rc) {
                mc__buf_printf(&out, "{\"line\":%ld,", line);
                if (enc->id[0]) {
                    mc__buf_puts(&out, "\"id\":");
                    mc__buf_json_str(&out, enc->id, strlen(enc->id));
                    mc__buf_putc(&out, ',');
                }
                mc__buf_puts(&out, "\"error\":");
                mc__buf_json_str(&out, msg, strlen(msg));
                mc__buf_putc(&out, '}');
                status = CLI_USAGE;
            } else {
                char *js;
                size_t n;
                if (mc_edit_report_json(&rep, enc, &js, &n) == MC_OK) {
                    mc__buf_printf(&out, "{\"line\":%ld,", line);
                    mc__buf_append(&out, js + 1, n - 1);
                    free(js);
                }
                if (!rep.valid && status == CLI_OK)
                    status = CLI_NO;
            }
            mc_encounter_free(enc);
        }
        if (out.err || cli_write(out.p, out.n)) {
            status = cli_fail("cannot write the output");
            break;
        }
    }
    mc__buf_free(&out);
    mc_edit_report_free(&rep);
    mc_encounter_reader_free(r);
    if (f != stdin)
        fclose(f);
    return status;
}

static void usage(void)
{
    printf("usage: medcode check ENCOUNTER.json [--json]\n"
           "       medcode check --jsonl ENCOUNTERS.jsonl   (one encounter per line; '-' = stdin)\n\n"
           "Verifies an encounter's codes: validity for the date of service, tabular\n"
           "conventions (Excludes1, manifestation/code first, use additional, principal-only\n"
           "Z codes), Medicare Code Editor v43.1 and POA. The bundle is chosen by the fiscal\n"
           "year of the discharge date (inpatient) or date of service.\n"
           "--list-edits prints every edit id.\n"
           "Exit: 0 valid, 1 edits of severity error, 2 bad input. Edit ids: docs/edits.md.\n");
}

MC_COMMAND(check, "verify an encounter's codes (edits, MCE, POA)")
{
    const char *path = NULL;
    bool json = false, jsonl = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = true;
        else if (!strcmp(argv[i], "--jsonl"))
            jsonl = true;
        else if (!strcmp(argv[i], "--list-edits")) {
            for (const char *const *id = mc_edit_ids(); *id; id++)
                printf("%s\n", *id);
            return CLI_OK;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage();
            return CLI_OK;
        } else if (argv[i][0] == '-' && argv[i][1])
            return cli_fail("check: unknown option '%s' (see medcode check --help)", argv[i]);
        else if (!path)
            path = argv[i];
        else
            return cli_fail("check: one input file only");
    }
    if (!path)
        return cli_fail("check: missing ENCOUNTER.json (see medcode check --help)");
    years y = { .n = 0 };
    int status;
    if (jsonl) {
        status = run_jsonl(path, &y);
        years_close(&y);
        return status;
    }
    char *text;
    size_t n;
    if (cli_read_input(path, MC_ENC_MAX_JSON + 1, &text, &n))
        return CLI_USAGE;
    mc_encounter *enc;
    mc_diag diag = { 0 };
    int rc = mc_encounter_parse(text, n, &enc, &diag);
    free(text);
    if (rc)
        return cli_fail("%s: %s", path, diag.msg);
    mc_edit_report rep;
    mc_edit_report_init(&rep);
    char msg[600];
    if (check_one(&y, enc, &rep, msg, sizeof msg)) {
        status = cli_fail("%s", msg);
    } else if (json) {
        char *js = NULL;
        size_t jn = 0;
        status = mc_edit_report_json(&rep, enc, &js, &jn) ? cli_fail("out of memory")
                 : cli_write(js, jn)                      ? CLI_USAGE
                 : rep.valid                               ? CLI_OK
                                                           : CLI_NO;
        if (js)
            free(js);
    } else {
        print_text(&rep, enc);
        status = rep.valid ? CLI_OK : CLI_NO;
    }
    mc_edit_report_free(&rep);
    mc_encounter_free(enc);
    years_close(&y);
    return status;
}
