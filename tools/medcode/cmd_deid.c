/* medcode deid: remove the HIPAA Safe Harbor identifiers from a note (redact, tag, surrogate). */
#include "cli.h"

#include "base/base_int.h"
#include "medcode/deid.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: medcode deid [--mode redact|tag|surrogate] [--seed N] [--json | --jsonl]\n"
            "                    [--max-bytes N] FILE|-\n"
            "Finds the 18 HIPAA Safe Harbor identifiers in a clinical note (UTF-8 text).\n"
            "  redact     replace each with [TYPE] (ZIP codes keep their first three digits)\n"
            "  tag        list the spans (byte offsets, type, confidence); text unchanged\n"
            "  surrogate  consistent realistic fakes; dates move by one offset per note\n"
            "--seed N makes surrogates reproducible. --jsonl reads one note per line (a JSON\n"
            "string or an object with \"text\" and optional \"id\") and writes one JSON object a line.\n");
}

/* One JSON object for a result (without the closing brace when more fields follow). */
static void json_result(mc__buf *b, const char *text, const mc_deid_result *r, mc_deid_mode mode)
{
    static const char *const modes[] = { "redact", "tag", "surrogate" };
    size_t n;
    const char *out = mc_deid_result_text(r, &n);
    mc__buf_printf(b, "\"mode\":\"%s\"", modes[mode]);
    if (mode != MC_DEID_TAG) {
        mc__buf_puts(b, ",\"text\":");
        mc__buf_json_str(b, out, n);
    }
    if (mode == MC_DEID_SURROGATE)
        mc__buf_printf(b, ",\"date_shift_days\":%d", mc_deid_result_date_shift(r));
    size_t ns = mc_deid_result_count(r);
    const mc_deid_span *sp = mc_deid_result_spans(r);
    size_t counts[MC_DEID_NTYPES] = { 0 };
    mc__buf_puts(b, ",\"spans\":[");
    for (size_t i = 0; i < ns; i++) {
        counts[sp[i].type]++;
        mc__buf_printf(b,
                       "%s{\"start\":%u,\"end\":%u,\"type\":\"%s\",\"confidence\":%.2f",
                       i ? "," : "", sp[i].start, sp[i].end, mc_deid_type_name(sp[i].type),
                       (double)sp[i].confidence);
        if (mode == MC_DEID_TAG) {
            mc__buf_puts(b, ",\"text\":");
            mc__buf_json_str(b, text + sp[i].start, sp[i].end - sp[i].start);
        } else {
            mc__buf_printf(b, ",\"out_start\":%u,\"out_end\":%u", sp[i].out_start, sp[i].out_end);
        }
        mc__buf_putc(b, '}');
    }
    mc__buf_puts(b, "],\"counts\":{");
    bool first = true;
    for (int t = 0; t < MC_DEID_NTYPES; t++)
        if (counts[t]) {
            mc__buf_printf(b, "%s\"%s\":%zu", first ? "" : ",", mc_deid_type_name((mc_deid_type)t),
                           counts[t]);
            first = false;
        }
    mc__buf_putc(b, '}');
}

static int write_all(const char *p, size_t n)
{
    if (n && fwrite(p, 1, n, stdout) != n)
        return cli_fail("cannot write the output: %s", strerror(errno));
    if (fflush(stdout) != 0)
        return cli_fail("cannot write the output: %s", strerror(errno));
    return CLI_OK;
}

static int run_jsonl(const mc_deid *d, FILE *in, const mc_deid_opts *o)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long lineno = 0;
    int status = CLI_OK;
    size_t limit = o->max_bytes * 6 + 1024; /* JSON escaping can grow text up to 6x */
    while ((len = getline(&line, &cap, in)) >= 0) {
        lineno++;
        if (len == 0 || (len == 1 && line[0] == '\n'))
            continue;
        mc__buf b;
        mc__buf_init(&b, 0);
        mc__buf_putc(&b, '{');
        json_t *root = NULL, *id = NULL;
        const char *text = NULL;
        size_t tn = 0;
        json_error_t jerr;
        if ((size_t)len > limit) {
            mc__buf_printf(&b, "\"line\":%ld,\"error\":\"line longer than the size limit\"}", lineno);
            status = CLI_NO;
        } else if (!(root = json_loadb(line, (size_t)len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr))) {
            mc__buf_printf(&b, "\"line\":%ld,\"error\":\"not JSON (column %d)\"}", lineno, jerr.column);
            status = CLI_NO;
        } else {
            json_t *t = json_is_object(root) ? json_object_get(root, "text") : root;
            id = json_is_object(root) ? json_object_get(root, "id") : NULL;
            if (id) {
                char *ids = json_dumps(id, JSON_ENCODE_ANY | JSON_COMPACT);
                mc__buf_printf(&b, "\"id\":%s,", ids ? ids : "null");
                free(ids);
            }
            if (!json_is_string(t)) {
                mc__buf_printf(&b, "\"line\":%ld,\"error\":\"no \\\"text\\\" string\"}", lineno);
                status = CLI_NO;
            } else {
                text = json_string_value(t);
                tn = json_string_length(t);
                mc_deid_result *r = NULL;
                mc_diag diag = { 0 };
                int rc = mc_deid_run(d, text, tn, o, &r, &diag);
                if (rc) {
                    mc__buf_printf(&b, "\"line\":%ld,\"error\":", lineno);
                    mc__buf_json_str(&b, diag.msg, strlen(diag.msg));
                    mc__buf_putc(&b, '}');
                    status = CLI_NO;
                } else {
                    json_result(&b, text, r, o->mode);
                    mc__buf_putc(&b, '}');
                }
                mc_deid_result_free(r);
            }
        }
        mc__buf_putc(&b, '\n');
        json_decref(root);
        int w = b.err ? cli_fail("out of memory writing line %ld", lineno) : write_all(b.p, b.n);
        mc__buf_free(&b);
        if (w) {
            free(line);
            return w;
        }
    }
    free(line);
    if (ferror(in))
        return cli_fail("read error on the input");
    return status;
}

MC_COMMAND(deid, "de-identify a clinical note (HIPAA Safe Harbor): redact, tag or surrogate")
{
    mc_deid_opts o = { 0 };
    o.max_bytes = (size_t)16 << 20;
    bool json = false, jsonl = false;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--mode")) {
            const char *v = i + 1 < argc ? argv[++i] : "";
            if (!strcmp(v, "redact"))
                o.mode = MC_DEID_REDACT;
            else if (!strcmp(v, "tag"))
                o.mode = MC_DEID_TAG;
            else if (!strcmp(v, "surrogate"))
                o.mode = MC_DEID_SURROGATE;
            else
                return cli_fail("deid: --mode must be redact, tag or surrogate");
        } else if (!strcmp(a, "--seed")) {
            long v;
            if (!cli_parse_int("--seed", i + 1 < argc ? argv[i + 1] : NULL, 0, 0x7fffffffL, &v))
                return CLI_USAGE;
            i++;
            o.has_seed = true;
            o.seed = (uint64_t)v;
        } else if (!strcmp(a, "--max-bytes")) {
            long v;
            if (!cli_parse_int("--max-bytes", i + 1 < argc ? argv[i + 1] : NULL, 1, 256L << 20, &v))
                return CLI_USAGE;
            i++;
            o.max_bytes = (size_t)v;
        } else if (!strcmp(a, "--json")) {
            json = true;
        } else if (!strcmp(a, "--jsonl")) {
            jsonl = true;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return CLI_OK;
        } else if (a[0] == '-' && a[1]) {
            return cli_fail("deid: unknown option '%s' (see --help)", a);
        } else if (path) {
            return cli_fail("deid: one input only (got a second one)");
        } else {
            path = a;
        }
    }
    if (!path)
        return cli_fail("deid: give a file or - for standard input (see --help)");
    if (json && jsonl)
        return cli_fail("deid: --json and --jsonl exclude each other");
    mc_deid *d = NULL;
    mc_diag diag = { 0 };
    if (mc_deid_new(&d, &diag))
        return cli_fail("%s", diag.msg);
    int status;
    if (jsonl) {
        FILE *in = strcmp(path, "-") ? fopen(path, "rb") : stdin;
        if (!in) {
            mc_deid_free(d);
            return cli_fail("cannot open %s: %s", path, strerror(errno));
        }
        status = run_jsonl(d, in, &o);
        if (in != stdin)
            fclose(in);
        mc_deid_free(d);
        return status;
    }
    char *text;
    size_t n;
    if (cli_read_input(path, o.max_bytes, &text, &n)) {
        mc_deid_free(d);
        return CLI_USAGE;
    }
    mc_deid_result *r = NULL;
    int rc = mc_deid_run(d, text, n, &o, &r, &diag);
    if (rc) {
        free(text);
        mc_deid_free(d);
        return cli_fail("deid: %s", diag.msg);
    }
    /* the whole answer is built first, so a failure never leaves half an output */
    mc__buf b;
    mc__buf_init(&b, 0);
    if (json) {
        mc__buf_putc(&b, '{');
        json_result(&b, text, r, o.mode);
        mc__buf_puts(&b, "}\n");
    } else if (o.mode == MC_DEID_TAG) {
        size_t ns = mc_deid_result_count(r);
        const mc_deid_span *sp = mc_deid_result_spans(r);
        for (size_t i = 0; i < ns; i++) {
            mc__buf_printf(&b, "%u\t%u\t%s\t%.2f\t", sp[i].start, sp[i].end,
                           mc_deid_type_name(sp[i].type), (double)sp[i].confidence);
            for (uint32_t q = sp[i].start; q < sp[i].end; q++)
                mc__buf_putc(&b, text[q] == '\n' || text[q] == '\t' ? ' ' : text[q]);
            mc__buf_putc(&b, '\n');
        }
    } else {
        size_t on;
        const char *out = mc_deid_result_text(r, &on);
        mc__buf_append(&b, out, on);
    }
    status = b.err ? cli_fail("deid: out of memory building the output") : write_all(b.p, b.n);
    mc__buf_free(&b);
    mc_deid_result_free(r);
    free(text);
    mc_deid_free(d);
    return status;
}
