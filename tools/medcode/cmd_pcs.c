/*
 * medcode pcs explain|validate|build and medcode hcpcs: ICD-10-PCS codes
 * character by character from the fiscal year's tables, and HCPCS Level II
 * records.
 *
 * Exit status: 0 valid / found; 1 a clean "invalid" or "not found" answer
 * (the answer names the wrong character and the allowed values); 2 bad
 * usage or malformed input (wrong length, a character PCS never uses),
 * with one "medcode: ..." line naming the position.
 */
#include "lookup_other.h"

#include <stdlib.h>
#include <string.h>

typedef struct opts {
    int year;
    const char *date;
    bool json;
    const char *arg;
    bool has_arg;
} opts;

/* Returns CLI_OK, CLI_USAGE, or -1 after printing help. */
static int parse(int argc, char **argv, int first, opts *o, const char *usage)
{
    memset(o, 0, sizeof *o);
    for (int i = first; i < argc; i++) {
        long v;
        if (!strcmp(argv[i], "--year")) {
            if (!cli_parse_int("--year", i + 1 < argc ? argv[i + 1] : NULL, 2015, 2100, &v))
                return CLI_USAGE;
            o->year = (int)v;
            i++;
        } else if (!strcmp(argv[i], "--date")) {
            if (i + 1 >= argc)
                return cli_fail("--date needs a value (YYYY-MM-DD)");
            o->date = argv[++i];
        } else if (!strcmp(argv[i], "--json")) {
            o->json = true;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("%s", usage);
            return -1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_fail("unknown option '%s' (see --help)", argv[i]);
        } else if (!o->has_arg) {
            o->arg = argv[i];
            o->has_arg = true;
        } else {
            return cli_fail("one code at a time ('%s' is extra)", argv[i]);
        }
    }
    if (o->year && o->date)
        return cli_fail("give --year or --date, not both");
    return CLI_OK;
}

static const char pcs_usage[] =
    "usage: medcode pcs explain CODE   [--year Y | --date YYYY-MM-DD] [--json]\n"
    "       medcode pcs validate CODE  [--year Y | --date YYYY-MM-DD] [--json]\n"
    "       medcode pcs build [PREFIX] [--year Y | --date YYYY-MM-DD] [--json]\n"
    "explain: the meaning of each of the 7 characters (with official definitions).\n"
    "validate: valid in the fiscal year's tables or not, and which character is wrong.\n"
    "build: the values allowed for the next character after PREFIX (0..6 characters).\n"
    "Exit 0 valid, 1 invalid (the answer says why), 2 malformed input or bad usage.\n";

/* The user's text for a message: at most 40 bytes, marked when cut. */
static const char *shown(const char *text, char buf[64])
{
    size_t n = strlen(text);
    snprintf(buf, 64, "%.40s%s", text, n > 40 ? "..." : "");
    return buf;
}

/* Malformed input (length, characters PCS never uses): one line naming the problem, exit 2. */
static int malformed(const mc_pcs *p, const mc_pcs_check *chk, const char *text)
{
    char reason[512], buf[64];
    cli_pcs_reason(p, chk, reason, sizeof reason);
    bool partial = chk->status == MC_PCS_BAD_LENGTH && chk->length >= 1 && chk->length <= 6;
    return cli_fail("'%s' is not an ICD-10-PCS code: %s%s%s%s", shown(text, buf), reason,
                    partial ? " (for the choices after it: medcode pcs build " : "",
                    partial ? chk->code : "", partial ? ")" : "");
}

static int pcs_code(const mc_pcs *p, const opts *o, bool explain)
{
    mc_pcs_check chk;
    mc_pcs_validate(p, o->arg, strlen(o->arg), &chk);
    if (chk.status == MC_PCS_BAD_LENGTH || chk.status == MC_PCS_BAD_CHAR)
        return malformed(p, &chk, o->arg);
    mc__buf out;
    mc__buf_init(&out, 0);
    if (explain) {
        cli_pcs_answer(p, &chk, o->json, &out);
    } else if (o->json) {
        char reason[512];
        cli_pcs_reason(p, &chk, reason, sizeof reason);
        mc__buf_printf(&out, "{\"system\":\"icd10pcs\",\"year\":%d,\"code\":\"%s\",\"valid\":%s,"
                             "\"reason\":",
                       mc_pcs_year(p), chk.code, chk.valid ? "true" : "false");
        mc__buf_json_str(&out, reason, strlen(reason));
        if (chk.position) {
            mc__buf_printf(&out, ",\"position\":%u,\"value\":\"%c\",\"axis\":", chk.position,
                           chk.value);
            mc__buf_json_str(&out, chk.axis.p, chk.axis.n);
            mc__buf_puts(&out, ",\"allowed\":[");
            for (unsigned i = 0; i < chk.n_allowed; i++)
                mc__buf_printf(&out, "%s\"%c\"", i ? "," : "", chk.allowed[i]);
            mc__buf_puts(&out, "]");
        }
        mc_pcs_code t;
        if (mc_pcs_lookup(p, chk.code, 7, &t) == MC_OK) {
            mc__buf_puts(&out, ",\"title\":");
            mc__buf_json_str(&out, t.long_title.p, t.long_title.n);
        }
        mc__buf_puts(&out, "}");
    } else {
        char reason[512];
        cli_pcs_reason(p, &chk, reason, sizeof reason);
        mc_pcs_code t;
        if (chk.valid && mc_pcs_lookup(p, chk.code, 7, &t) == MC_OK)
            mc__buf_printf(&out, "%s: %s: %.*s\n", chk.code, reason, (int)t.long_title.n,
                           t.long_title.p);
        else
            mc__buf_printf(&out, "%s: not valid in FY%d: %s\n", chk.code, mc_pcs_year(p), reason);
    }
    int rc = cli_flush_buf(&out, o->json);
    mc__buf_free(&out);
    return rc ? rc : (chk.valid ? CLI_OK : CLI_NO);
}

static int pcs_build(const mc_pcs *p, const opts *o)
{
    const char *text = o->has_arg ? o->arg : "";
    size_t n = strlen(text);
    const char *t = text;
    mc__trim(&t, &n);
    char prefix[8] = { 0 };
    size_t len = 0;
    char buf[64];
    if (n) {
        mc_pcs_check chk;
        mc_pcs_validate(p, t, n, &chk);
        if (chk.status == MC_PCS_BAD_CHAR)
            return malformed(p, &chk, text);
    }
    if (n > 6)
        return cli_fail("'%s': a prefix has at most 6 characters (the 7th is the last one to "
                        "choose); use 'medcode pcs explain' for a whole code",
                        shown(text, buf));
    if (n && mc_pcs_normalize(t, n, prefix, &len) != MC_OK)
        return cli_fail("'%s' is not an ICD-10-PCS prefix", shown(text, buf));
    mc_pcs_value v[34];
    uint32_t count;
    mc_str axis;
    mc_pcs_check chk;
    int r = mc_pcs_next_values(p, prefix, len, v, &count, &axis, &chk);
    mc__buf out;
    mc__buf_init(&out, 0);
    if (r == MC_ENOTFOUND) {
        char reason[512];
        cli_pcs_reason(p, &chk, reason, sizeof reason);
        if (o->json) {
            mc__buf_printf(&out, "{\"system\":\"icd10pcs\",\"year\":%d,\"prefix\":\"%s\","
                                 "\"valid\":false,\"position\":%u,\"reason\":",
                           mc_pcs_year(p), prefix, chk.position);
            mc__buf_json_str(&out, reason, strlen(reason));
            mc__buf_puts(&out, "}");
        } else {
            mc__buf_printf(&out, "%s: no valid code starts with it: %s\n", prefix, reason);
        }
        int rc = cli_flush_buf(&out, o->json);
        mc__buf_free(&out);
        return rc ? rc : CLI_NO;
    }
    if (r != MC_OK) {
        mc__buf_free(&out);
        return cli_fail("'%s' is not an ICD-10-PCS prefix", shown(text, buf));
    }
    cli_pcs_choices(p, prefix, o->json, &out);
    int rc = cli_flush_buf(&out, o->json);
    mc__buf_free(&out);
    return rc;
}

MC_COMMAND(pcs, "ICD-10-PCS: explain, validate or build a procedure code axis by axis")
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        printf("%s", pcs_usage);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    const char *sub = argv[1];
    bool is_explain = !strcmp(sub, "explain"), is_validate = !strcmp(sub, "validate"),
         is_build = !strcmp(sub, "build");
    if (!is_explain && !is_validate && !is_build)
        return cli_fail("pcs: unknown subcommand '%s' (explain, validate or build)", sub);
    opts o;
    int rc = parse(argc, argv, 2, &o, pcs_usage);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (!is_build && !o.has_arg)
        return cli_fail("pcs %s: missing CODE (see --help)", sub);
    mc_bundle *b;
    if ((rc = cli_open_bundle(o.year, o.date, &b)))
        return rc;
    mc_pcs *p;
    if ((rc = cli_pcs_open(b, &p))) {
        mc_bundle_close(b);
        return rc;
    }
    rc = is_build ? pcs_build(p, &o) : pcs_code(p, &o, is_explain);
    mc_pcs_close(p);
    mc_bundle_close(b);
    return rc;
}

static const char hcpcs_usage[] =
    "usage: medcode hcpcs CODE [--year Y | --date YYYY-MM-DD] [--json]\n"
    "The HCPCS Level II record of a code or modifier: descriptions, dates, action, coverage,\n"
    "BETOS. With --date, whether the code is valid on that date of service (TERM DT is the\n"
    "last valid day). Exit 0 found (and valid on --date), 1 not found or not valid then.\n";

MC_COMMAND(hcpcs, "HCPCS Level II: a code's descriptions, dates and validity on a date")
{
    opts o;
    int rc = parse(argc, argv, 1, &o, hcpcs_usage);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (!o.has_arg)
        return cli_fail("hcpcs: missing CODE (see --help)");
    uint32_t date = 0;
    if (o.date && mc_hcpcs_parse_date(o.date, &date))
        return cli_fail("--date '%s' is not a valid date (expected YYYY-MM-DD)", o.date);
    mc_bundle *b;
    if ((rc = cli_open_bundle(o.year, o.date, &b)))
        return rc;
    mc_hcpcs *h;
    mc_diag diag = { 0 };
    if (mc_hcpcs_open(b, &h, &diag)) {
        mc_bundle_close(b);
        return cli_fail("%s", diag.msg);
    }
    mc_hcpcs_code c;
    int r = mc_hcpcs_lookup(h, o.arg, strlen(o.arg), &c);
    if (r == MC_EFORMAT) {
        char buf[64];
        rc = cli_fail("'%s' is not an HCPCS code (a letter and 4 digits, or a 2-character "
                      "modifier)",
                      shown(o.arg, buf));
    } else if (r != MC_OK) {
        if (o.json) {
            mc__buf out;
            mc__buf_init(&out, 0);
            mc__buf_puts(&out, "{\"system\":\"hcpcs\",\"query\":");
            mc__buf_json_str(&out, o.arg, strlen(o.arg));
            mc__buf_puts(&out, ",\"found\":false}");
            cli_flush_buf(&out, true);
            mc__buf_free(&out);
        } else {
            printf("%s: not in the HCPCS Level II file (FY%d)\n", o.arg,
                   mc_hcpcs_source_year(h)); /* o.arg is 2..5 letters and digits here */
        }
        rc = CLI_NO;
    } else {
        mc__buf out;
        mc__buf_init(&out, 0);
        cli_hcpcs_answer(h, &c, date, o.json, &out);
        rc = cli_flush_buf(&out, o.json);
        mc__buf_free(&out);
        if (!rc && date && !mc_hcpcs_valid_on(&c, date))
            rc = CLI_NO;
    }
    mc_hcpcs_close(h);
    mc_bundle_close(b);
    return rc;
}
