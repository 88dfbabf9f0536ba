/* medcode code: computer-assisted coding of a clinical note (docs/coder.md). */
#include "cli.h"

#include "base/base_int.h"
#include "medcode/coder.h"
#include "medcode/risk.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: medcode code [--setting inpatient|outpatient] [--year Y] [--hcc] "
               "[--hcc-model V28|V24] [--model FILE] [--annotate] [--json] [--jsonl] FILE|-\n"
               "Reads a UTF-8 clinical note and prints ICD-10-CM diagnosis and ICD-10-PCS\n"
               "procedure codes, each with the note text that supports it.\n"
               "  --setting S   inpatient (uncertain diagnoses coded as established) or\n"
               "                outpatient (the default: signs and symptoms instead)\n"
               "  --year Y      fiscal year of the code set (default: newest bundle)\n"
               "  --hcc         annotate diagnoses with their CMS-HCC (V28) and check the\n"
               "                note's MEAT support (monitored, evaluated, assessed, treated)\n"
               "  --hcc-model M V28 (default) or V24; implies --hcc\n"
               "  --model FILE  a model learned from coded notes (docs/coder.md): calibrated\n"
               "                confidences, learned phrases and its confidence threshold\n"
               "  --annotate    annotation mode: the code of every mention, whatever its\n"
               "                assertion and without guideline suppressions (for corpora\n"
               "                annotated by mention; never for a claim)\n"
               "  --json        one JSON document\n"
               "  --jsonl       input and output one JSON object per line: {\"id\":..,\"text\":..}\n");
}

static void print_hcc(const mc_coded_hcc *h, const char *text, const char *model)
{
    for (uint32_t k = 0; k < h->n_hcc; k++) {
        const mc_coded_hcc_ref *x = &h->hcc[k];
        printf("           HCC %s %u %.*s", model, x->hcc, (int)x->label.n, x->label.p);
        if (x->has_coefficient)
            printf(" (CNA %s%d.%03d)", x->coefficient_milli < 0 ? "-" : "",
                   abs(x->coefficient_milli) / 1000, abs(x->coefficient_milli) % 1000);
        if (x->dropped_by)
            printf("  [dropped by HCC %u]", x->dropped_by);
        printf("\n");
    }
    static const char L[4] = { 'M', 'E', 'A', 'T' };
    printf("           MEAT:");
    if (!h->meat)
        printf(" none%s", h->query ? " (query below)" : "");
    for (int k = 0; k < 4; k++)
        if (h->meat & (1u << k))
            printf(" %c", L[k]);
    printf("\n");
    for (uint32_t j = 0; j < h->n_evidence; j++) {
        const mc_meat_evidence *e = &h->evidence[j];
        int k = e->criterion == MC_MEAT_M ? 0 : e->criterion == MC_MEAT_E ? 1
                                            : e->criterion == MC_MEAT_A ? 2
                                                                        : 3;
        printf("             %c \"%.*s\" @%u: %s\n", L[k], (int)(e->span.end - e->span.start),
               text + e->span.start, e->span.start, e->why);
    }
}

/* The note's HCCs after hierarchies, then the ones dropped. */
static void print_hcc_summary(const mc_coder_result *r)
{
    const char *model = r->hcc == MC_CODER_HCC_V24 ? "V24" : "V28";
    bool any = false;
    for (int pass = 0; pass < 2; pass++)
        for (uint16_t hcc = 1; hcc < 1000; hcc++) {
            const mc_coded_hcc_ref *ref = NULL;
            bool supported = false;
            for (uint32_t i = 0; i < r->n_diagnoses; i++) {
                const mc_coded_hcc *h = r->diagnoses[i].hcc;
                for (uint32_t k = 0; h && k < h->n_hcc; k++)
                    if (h->hcc[k].hcc == hcc) {
                        ref = &h->hcc[k];
                        supported |= h->meat != 0;
                    }
            }
            if (!ref || (pass == 0) != (ref->dropped_by == 0))
                continue;
            if (!any)
                printf("\nCMS-HCC %s, payment year %d (after hierarchies):\n", model,
                       r->hcc_payment_year);
            any = true;
            if (pass)
                printf("  HCC %u dropped by HCC %u\n", hcc, ref->dropped_by);
            else
                printf("  HCC %-4u %.*s%s\n", hcc, (int)ref->label.n, ref->label.p,
                       supported ? "" : "  [no MEAT support]");
        }
}

static void print_human(const mc_coder_result *r, const char *text)
{
    printf("%s, FY%d\n", r->setting == MC_SETTING_INPATIENT ? "inpatient" : "outpatient", r->year);
    const struct {
        const char *name;
        const mc_coded *it;
        uint32_t n;
    } groups[] = { { "Diagnoses", r->diagnoses, r->n_diagnoses },
                   { "Procedures", r->procedures, r->n_procedures } };
    for (int g = 0; g < 2; g++) {
        if (!groups[g].n)
            continue;
        printf("\n%s:\n", groups[g].name);
        for (uint32_t i = 0; i < groups[g].n; i++) {
            const mc_coded *c = &groups[g].it[i];
            printf("  %-8s %.*s%s  (%.2f)\n", c->code, (int)c->title.n, c->title.p,
                   c->principal ? "  [principal]" : "", (double)c->confidence);
            for (uint32_t j = 0; j < c->n_evidence; j++)
                printf("           \"%.*s\" @%u\n", (int)(c->evidence[j].end - c->evidence[j].start),
                       text + c->evidence[j].start, c->evidence[j].start);
            printf("           %s\n", c->rationale);
            if (c->hcc)
                print_hcc(c->hcc, text, r->hcc == MC_CODER_HCC_V24 ? "V24" : "V28");
        }
    }
    if (r->hcc != MC_CODER_HCC_OFF)
        print_hcc_summary(r);
    if (r->n_queries) {
        printf("\nQueries:\n");
        for (uint32_t i = 0; i < r->n_queries; i++)
            printf("  - %s: %s\n", r->queries[i].about, r->queries[i].question);
    }
    if (r->n_not_coded) {
        printf("\nNot coded:\n");
        for (uint32_t i = 0; i < r->n_not_coded; i++) {
            const mc_not_coded *x = &r->not_coded[i];
            printf("  \"%.*s\": %s\n", (int)(x->span.end - x->span.start), text + x->span.start,
                   x->reason);
        }
    }
}

/* One JSONL record: {"id":..,"text":..} in, {"id":.., ...result} out. */
static int jsonl_line(const mc_coder *c, const mc_coder_opts *o, const char *line, size_t n,
                      long lineno)
{
    json_error_t err;
    json_t *in = json_loadb(line, n, 0, &err);
    json_t *id = in ? json_object_get(in, "id") : NULL;
    json_t *tx = in ? json_object_get(in, "text") : NULL;
    char *idtxt = id ? json_dumps(id, JSON_ENCODE_ANY | JSON_COMPACT) : strdup("null");
    int rc = CLI_OK;
    if (!in || !json_is_string(tx)) {
        printf("{\"id\":%s,\"error\":\"line %ld: expected {\\\"id\\\":..,\\\"text\\\":\\\"...\\\"}\"}\n",
               idtxt ? idtxt : "null", lineno);
        rc = CLI_NO;
    } else {
        const char *t = json_string_value(tx);
        size_t tn = json_string_length(tx);
        mc_coder_result *res = NULL;
        mc_diag diag = { 0 };
        int r = mc_coder_run(c, t, tn, o, &res, &diag);
        if (r) {
            mc__buf b;
            mc__buf_init(&b, 0);
            mc__buf_printf(&b, "{\"id\":%s,\"error\":", idtxt ? idtxt : "null");
            mc__buf_json_str(&b, diag.msg, strlen(diag.msg));
            mc__buf_putc(&b, '}');
            if (!b.err)
                cli_write(b.p, b.n);
            mc__buf_free(&b);
            rc = CLI_NO;
        } else {
            char *js;
            size_t jn;
            if (mc_coder_result_json(res, t, tn, &js, &jn) == MC_OK) {
                printf("{\"id\":%s,%s\n", idtxt ? idtxt : "null", js + 1);
                free(js);
            }
            mc_coder_result_free(res);
        }
    }
    free(idtxt);
    json_decref(in);
    return rc;
}

MC_COMMAND(code, "code a clinical note: ICD-10-CM and ICD-10-PCS codes with evidence")
{
    long year = 0;
    bool json = false, jsonl = false;
    const char *path = NULL, *model_path = NULL;
    mc_coder_opts o = { 0 };
    mc_coder_model *model = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--setting") && i + 1 < argc) {
            const char *v = argv[++i];
            if (!strcmp(v, "inpatient"))
                o.setting = MC_SETTING_INPATIENT;
            else if (!strcmp(v, "outpatient"))
                o.setting = MC_SETTING_OUTPATIENT;
            else
                return cli_fail("--setting: '%s' is neither inpatient nor outpatient", v);
        } else if (!strcmp(argv[i], "--year")) {
            if (!cli_parse_int("--year", i + 1 < argc ? argv[i + 1] : NULL, 2015, 2100, &year))
                return CLI_USAGE;
            i++;
        } else if (!strcmp(argv[i], "--hcc")) {
            if (o.hcc == MC_CODER_HCC_OFF)
                o.hcc = MC_CODER_HCC_V28;
        } else if (!strcmp(argv[i], "--hcc-model") && i + 1 < argc) {
            mc_hcc_model hm;
            if (mc_hcc_model_parse(argv[++i], &hm))
                return cli_fail("--hcc-model: '%s' is neither V28 nor V24", argv[i]);
            o.hcc = hm == MC_HCC_V24 ? MC_CODER_HCC_V24 : MC_CODER_HCC_V28;
        } else if (!strcmp(argv[i], "--model") && i + 1 < argc) {
            model_path = argv[++i];
        } else if (!strcmp(argv[i], "--annotate")) {
            o.all_mentions = true;
        } else if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (!strcmp(argv[i], "--jsonl")) {
            jsonl = true;
        } else if (!strcmp(argv[i], "--help")) {
            usage(stdout);
            return CLI_OK;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_fail("code: unknown option '%s' (see 'medcode code --help')", argv[i]);
        } else if (!path) {
            path = argv[i];
        } else {
            return cli_fail("code: one input only ('%s' is extra)", argv[i]);
        }
    }
    if (!path)
        return cli_fail("code: give a note file or '-' for standard input");
    /* read the note first: a bad input fails before the lexicon is loaded */
    char *text = NULL;
    size_t n = 0;
    if (!jsonl) {
        int r0 = cli_read_input(path, (size_t)16 << 20, &text, &n);
        if (r0)
            return r0;
    }
    mc_bundle *b;
    int rc = cli_open_bundle((int)year, NULL, &b);
    if (rc) {
        free(text);
        return rc;
    }
    mc_coder *c = NULL;
    mc_diag diag = { 0 };
    if (mc_coder_open(b, &c, &diag)) {
        mc_bundle_close(b);
        free(text);
        return cli_fail("%s", diag.msg);
    }
    if (model_path) {
        if (mc_coder_model_load(c, model_path, &model, &diag)) {
            mc_coder_close(c);
            mc_bundle_close(b);
            free(text);
            return cli_fail("--model: %s", diag.msg);
        }
        o.model = model;
    }
    mc_risk *risk = NULL;
    if (o.hcc != MC_CODER_HCC_OFF) {
        if (mc_risk_open(b, &risk, &diag)) {
            mc_coder_model_free(model);
            mc_coder_close(c);
            mc_bundle_close(b);
            free(text);
            return cli_fail("--hcc: %s", diag.msg);
        }
        o.risk = risk;
    }
    if (jsonl) {
        FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
        if (!f) {
            mc_risk_close(risk);
            mc_coder_model_free(model);
            mc_coder_close(c);
            mc_bundle_close(b);
            return cli_fail("cannot open %s", path);
        }
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        long lineno = 0;
        rc = CLI_OK;
        while ((len = getline(&line, &cap, f)) > 0) {
            lineno++;
            while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
                len--;
            if (!len)
                continue;
            if (jsonl_line(c, &o, line, (size_t)len, lineno))
                rc = CLI_NO;
        }
        free(line);
        if (f != stdin)
            fclose(f);
        fflush(stdout);
        mc_risk_close(risk);
        mc_coder_model_free(model);
        mc_coder_close(c);
        mc_bundle_close(b);
        return rc;
    }
    mc_coder_result *res = NULL;
    rc = mc_coder_run(c, text, n, &o, &res, &diag);
    if (rc) {
        free(text);
        mc_risk_close(risk);
        mc_coder_model_free(model);
        mc_coder_close(c);
        mc_bundle_close(b);
        return cli_fail("%s: %s", path, diag.msg);
    }
    if (json) {
        char *js;
        size_t jn;
        rc = mc_coder_result_json(res, text, n, &js, &jn);
        if (!rc) {
            rc = cli_write(js, jn);
            free(js);
        } else {
            rc = cli_fail("cannot format the result: %s", mc_strerror(rc));
        }
    } else {
        print_human(res, text);
        rc = CLI_OK;
    }
    mc_coder_result_free(res);
    free(text);
    mc_risk_close(risk);
    mc_coder_model_free(model);
    mc_coder_close(c);
    mc_bundle_close(b);
    return rc;
}
