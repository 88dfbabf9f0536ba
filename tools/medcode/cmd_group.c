/*
 * medcode group: MS-DRG (v40.0-v43.1) of an inpatient encounter, with the
 * MCE edits of the claim and the what-if view (DRG with one more CC / MCC,
 * each coded secondary as principal, candidate codes added).
 *
 *   medcode group ENCOUNTER.json [--version 431] [--json] [--add CODE]...
 *   medcode group BATCH.jsonl --jsonl [--whatif]   one encounter per line
 *
 * The grouper version follows the discharge date unless --version is given.
 * When no diagnosis carries a POA indicator the claim is treated as POA-exempt
 * (HAC logic not applied) and the output says so.
 */
#include "cli.h"

#include "base/base_int.h"
#include "medcode/drg.h"

#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: medcode group ENCOUNTER.json|- [--version 431|430|421|420|411|410|401|400|codes]\n"
    "                     [--json | --jsonl] [--whatif] [--add CODE]... [--poa-exempt]\n"
    "Group an inpatient stay into its MS-DRG and run the Medicare Code Editor.\n"
    "ENCOUNTER.json is a medcode encounter (setting \"inpatient\", discharge_date,\n"
    "discharge_status, patient {age, sex}, diagnoses [{code, poa}], procedures).\n"
    "--version codes picks the version whose tables know the most of the claim's codes.\n"
    "--jsonl reads one encounter per line and writes one JSON result per line\n"
    "(a bad line gives {\"line\": N, \"error\": ...} and the batch goes on).\n";

typedef struct opts {
    const char *path;
    int version, year;
    bool version_codes; /* --version codes: the version whose tables know most of the codes */
    bool json, jsonl, whatif, poa_exempt;
    const char *add[16];
    int n_add;
} opts;

static void dotted(const char *code, bool dx, char out[12])
{
    size_t n = strnlen(code, 8), k = 0;
    for (size_t i = 0; i < n; i++) {
        if (dx && i == 3)
            out[k++] = '.';
        out[k++] = code[i];
    }
    out[k] = 0;
}

static const char *sev(int s) { return s == 2 ? "MCC" : s == 1 ? "CC" : "none"; }

static void print_text(const mc_drg *g, const mc_drg_result *r, const mc_drg_whatif *w, bool exempt_auto)
{
    printf("MS-DRG v%d.%d (FY%d)\n", r->version / 10, r->version % 10, r->fy);
    printf("DRG %03d  %.*s\n", r->drg, (int)r->title.n, r->title.p ? r->title.p : "");
    if (r->rc)
        printf("  error: %s (%s)\n", mc_drg_rc_text(r->rc), mc_drg_rc_name(r->rc));
    if (r->mdc)
        printf("MDC %02d  %.*s%s\n", r->mdc, (int)r->mdc_title.n, r->mdc_title.p ? r->mdc_title.p : "",
               r->pre_mdc ? "  (assigned in the Pre-MDC)" : "");
    if (!r->rc)
        printf("Type    %s%s\n", r->surgical ? "surgical" : "medical",
               r->rerouted ? (r->formula_mdc == 29 ? " (unrelated O.R. procedure)" : " (rerouted)") : "");
    printf("Weight  %.4f  GMLOS %.1f  AMLOS %.1f%s\n", r->weight, r->gmlos, r->amlos,
           r->weight_before_cap ? "  (Table 5 weight before the 10% cap)" : "");
    char c[12];
    dotted(r->pdx.code, true, c);
    printf("Principal %s  MDC %02d  category %.*s\n", c, r->pdx_mdc, (int)r->pdx_category.n,
           r->pdx_category.p ? r->pdx_category.p : "-");
    printf("Severity %s", sev(r->severity));
    if (r->initial_drg != r->drg)
        printf("  (DRG %03d before HAC/POA, severity %s)", r->initial_drg, sev(r->initial_severity));
    printf("\n");
    if (r->formula.p)
        printf("Formula  MDC table %d rank %d: %.*s\n", r->formula_mdc, r->formula_rank,
               (int)r->formula.n, r->formula.p);
    for (int i = 0; i < r->n_dx; i++) {
        const mc_drg_dxout *d = &r->dx[i];
        dotted(d->code, true, c);
        printf("  dx %-8s poa %c  %-4s", c, d->poa && d->poa != ' ' ? d->poa : '-', sev(d->severity));
        if (!(d->flags & MC_DRGDX_VALID))
            printf("  not valid in this version");
        if (d->flags & MC_DRGDX_COUNTED)
            printf("  counted");
        if (d->flags & MC_DRGDX_EXCLUDED)
            printf("  excluded by the principal's CC-exclusion list");
        if (d->flags & MC_DRGDX_DEATH_EXCL)
            printf("  MCC only if discharged alive");
        if (d->flags & MC_DRGDX_SUPPRESSED)
            printf("  not counted by this DRG's logic");
        if (d->flags & MC_DRGDX_HAC)
            printf("  HAC %02d not present on admission: does not count", d->hac);
        printf("\n");
    }
    for (int i = 0; i < r->n_pr; i++) {
        const mc_drg_prout *p = &r->pr[i];
        printf("  pr %-8.8s %s%s%s%s\n", p->code,
               !(p->flags & MC_DRGPR_VALID) ? " not valid in this version"
               : p->flags & MC_DRGPR_EXTENSIVE ? " O.R. (extensive)"
               : p->flags & MC_DRGPR_OR        ? " O.R. (non-extensive)"
                                               : " non-O.R.",
               p->flags & MC_DRGPR_AFFECTS ? "  affects DRG" : "",
               p->flags & MC_DRGPR_CLUSTER ? "  in a procedure cluster" : "", "");
    }
    if (exempt_auto)
        printf("No POA indicators given: HAC/POA logic not applied.\n");
    printf("MCE: %d edit%s%s\n", r->n_edits, r->n_edits == 1 ? "" : "s",
           r->mce_prepayment ? " (prepayment: claim would be returned)" : "");
    for (int i = 0; i < r->n_edits; i++) {
        const mc_mce_edit *e = &r->edits[i];
        dotted(e->code, e->where != 'R', c);
        printf("  %-32s %s %-8s %s%s%s\n", mc_mce_edit_name(e->kind),
               e->where == 'P' ? "principal" : e->where == 'S' ? "secondary" : e->where == 'R' ? "procedure" : "claim",
               c, mc_mce_edit_text(e->kind), e->detail[0] ? ": " : "", e->detail);
    }
    if (w) {
        mc_drg_info a, b;
        mc_drg_info_get(g, r->version, w->drg_with_cc, &a);
        mc_drg_info_get(g, r->version, w->drg_with_mcc, &b);
        printf("What-if: with one more CC  -> DRG %03d (%.4f)  %.*s\n", w->drg_with_cc,
               w->weight_with_cc, (int)a.title.n, a.title.p ? a.title.p : "");
        printf("         with one more MCC -> DRG %03d (%.4f)  %.*s\n", w->drg_with_mcc,
               w->weight_with_mcc, (int)b.title.n, b.title.p ? b.title.p : "");
        printf("         %d CC and %d MCC codes are not excluded by this principal\n",
               w->n_cc_candidates, w->n_mcc_candidates);
        for (int i = 0; i < w->n_alt; i++) {
            dotted(w->alt[i].code, true, c);
            printf("         %s as principal -> DRG %03d (%.4f)\n", c, w->alt[i].drg, w->alt[i].weight);
        }
        for (int i = 0; i < w->n_upgrades; i++) {
            char c2[12];
            dotted(w->upgrades[i].coded, true, c);
            dotted(w->upgrades[i].instead, true, c2);
            printf("         %s documented as %s (%s) -> DRG %03d (%.4f)\n", c, c2,
                   sev(w->upgrades[i].severity), w->upgrades[i].drg, w->upgrades[i].weight);
        }
        for (int i = 0; i < w->n_added; i++) {
            dotted(w->added[i].code, true, c);
            printf("         adding %s -> DRG %03d (%.4f)%s\n", c, w->added[i].drg, w->added[i].weight,
                   w->added[i].drg != r->drg ? "  changes the DRG" : "");
        }
    }
}

/* Group one encounter document; out gets the JSON line in --jsonl/--json mode. */
static int one(const mc_drg *g, const opts *o, const char *doc, size_t n, mc_drg_result *r,
               mc__buf *out, bool want_whatif)
{
    mc_drg_claim_buf *cb = malloc(sizeof *cb);
    if (!cb)
        return cli_fail("out of memory");
    mc_diag diag = { 0 };
    int rc = mc_drg_claim_parse(doc, n, cb, &diag);
    if (rc) {
        free(cb);
        if (o->jsonl) {
            mc__buf_puts(out, "{\"error\":");
            mc__buf_json_str(out, diag.msg, strlen(diag.msg));
            mc__buf_puts(out, "}");
            return -1;
        }
        return cli_fail("%s", diag.msg);
    }
    bool exempt_auto = cb->claim.poa_exempt;
    if (o->poa_exempt)
        cb->claim.poa_exempt = true;
    if (o->version)
        cb->claim.version = o->version;
    if (o->version_codes) {
        const char *dx[MC_DRG_MAX_DX];
        dx[0] = cb->claim.pdx;
        for (int i = 0; i < cb->claim.n_sdx; i++)
            dx[i + 1] = cb->claim.sdx[i];
        mc_drg_version_for_codes(g, dx, cb->claim.n_sdx + 1, cb->claim.proc, cb->claim.n_proc,
                                 &cb->claim.version);
    }
    rc = mc_drg_group(g, &cb->claim, r, &diag);
    if (rc) {
        free(cb);
        if (o->jsonl) {
            mc__buf_puts(out, "{\"error\":");
            mc__buf_json_str(out, diag.msg, strlen(diag.msg));
            mc__buf_puts(out, "}");
            return -1;
        }
        return cli_fail("%s", diag.msg);
    }
    mc_drg_whatif *w = NULL;
    if (want_whatif) {
        w = malloc(sizeof *w);
        if (!w || mc_drg_whatif_run(g, &cb->claim, r, o->add, o->n_add, w, &diag)) {
            free(w);
            free(cb);
            return cli_fail("what-if: %s", diag.msg[0] ? diag.msg : "failed");
        }
    }
    int ret = CLI_OK;
    if (o->json || o->jsonl) {
        char *js = NULL;
        size_t jn = 0;
        if (mc_drg_result_json(g, &cb->claim, r, w, &js, &jn))
            ret = cli_fail("out of memory");
        else {
            mc__buf_append(out, js, jn);
            free(js);
        }
    } else {
        print_text(g, r, w, exempt_auto);
    }
    free(w);
    free(cb);
    return ret;
}

MC_COMMAND(group, "MS-DRG of an inpatient stay (v40-v43.1) with the MCE edits and what-if")
{
    opts o;
    memset(&o, 0, sizeof o);
    for (int i = 1; i < argc; i++) {
        long v;
        if (!strcmp(argv[i], "--version") && i + 1 < argc && !strcmp(argv[i + 1], "codes")) {
            o.version_codes = true;
            i++;
        } else if (!strcmp(argv[i], "--version")) {
            if (!cli_parse_int("--version", i + 1 < argc ? argv[i + 1] : NULL, 400, 431, &v))
                return CLI_USAGE;
            static const int ok[] = { 400, 401, 410, 411, 420, 421, 430, 431 };
            bool found = false;
            for (size_t k = 0; k < 8; k++)
                found |= ok[k] == v;
            if (!found)
                return cli_fail("--version %ld: not a grouper version (400 401 410 411 420 421 430 431)", v);
            o.version = (int)v;
            i++;
        } else if (!strcmp(argv[i], "--year")) {
            if (!cli_parse_int("--year", i + 1 < argc ? argv[i + 1] : NULL, 2015, 2100, &v))
                return CLI_USAGE;
            o.year = (int)v;
            i++;
        } else if (!strcmp(argv[i], "--json")) {
            o.json = true;
        } else if (!strcmp(argv[i], "--jsonl")) {
            o.jsonl = true;
        } else if (!strcmp(argv[i], "--poa-exempt")) {
            o.poa_exempt = true;
        } else if (!strcmp(argv[i], "--whatif")) {
            o.whatif = true;
        } else if (!strcmp(argv[i], "--add")) {
            if (i + 1 >= argc)
                return cli_fail("--add needs a diagnosis code");
            if (o.n_add >= 16)
                return cli_fail("--add: at most 16 candidate codes");
            o.add[o.n_add++] = argv[++i];
        } else if (!strcmp(argv[i], "--help")) {
            printf("%s", usage_text);
            return CLI_OK;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_fail("unknown option '%s' (see medcode group --help)", argv[i]);
        } else if (!o.path) {
            o.path = argv[i];
        } else {
            return cli_fail("more than one input file");
        }
    }
    if (!o.path)
        return cli_fail("missing ENCOUNTER.json (see medcode group --help)");
    char *doc = NULL;
    size_t n = 0;
    int rc = cli_read_input(o.path, (size_t)256 << 20, &doc, &n);
    if (rc)
        return rc;
    mc_bundle *b = NULL;
    if ((rc = cli_open_bundle(o.year, NULL, &b))) {
        free(doc);
        return rc;
    }
    mc_drg *g = NULL;
    mc_diag diag = { 0 };
    mc_drg_result *r = malloc(sizeof *r);
    if (!r || mc_drg_open(b, &g, &diag) || mc_drg_result_init(g, r)) {
        rc = cli_fail("%s", diag.msg[0] ? diag.msg : "out of memory");
        free(r);
        r = NULL;
        goto out;
    }
    mc__buf js;
    mc__buf_init(&js, 0);
    long bad_lines = 0;
    if (o.jsonl) {
        long line = 0;
        for (char *p = doc, *end = doc + n; p < end;) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
            line++;
            size_t k = 0;
            while (k < len && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
                k++;
            if (k < len) {
                js.n = 0;
                int r1 = one(g, &o, p, len, r, &js, o.whatif);
                if (r1 < 0) {
                    /* bad encounter: report it on its line and go on */
                    char pre[48];
                    snprintf(pre, sizeof pre, "{\"line\":%ld,", line);
                    mc__buf tmp;
                    mc__buf_init(&tmp, 0);
                    mc__buf_puts(&tmp, pre);
                    mc__buf_append(&tmp, js.p + 1, js.n - 1);
                    int w1 = cli_write(tmp.p, tmp.n);
                    mc__buf_free(&tmp);
                    bad_lines++;
                    if (w1) {
                        rc = CLI_USAGE;
                        break;
                    }
                    p += len + (nl ? 1 : 0);
                    continue;
                }
                if (r1) {
                    rc = r1;
                    break;
                }
                if (cli_write(js.p, js.n)) {
                    rc = CLI_USAGE;
                    break;
                }
            }
            p += len + (nl ? 1 : 0);
        }
        if (!rc && bad_lines)
            rc = cli_fail("%ld of the encounters could not be grouped (see their \"error\" lines)", bad_lines);
    } else {
        rc = one(g, &o, doc, n, r, &js, true);
        if (!rc && o.json && cli_write(js.p, js.n))
            rc = CLI_USAGE;
        if (!rc && (r->rc || r->drg == 998 || r->drg == 999))
            rc = CLI_NO;
    }
    mc__buf_free(&js);
out:
    if (r)
        mc_drg_result_fini(r);
    free(r);
    mc_drg_close(g);
    mc_bundle_close(b);
    free(doc);
    return rc;
}
