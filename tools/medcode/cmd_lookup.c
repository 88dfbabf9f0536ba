/*
 * medcode lookup / children / info: the code-set look-ups a coder does by
 * hand. lookup prints the title, billable status (and why not), the path up
 * the hierarchy, every instructional note that applies including those
 * inherited from the category, block and chapter (Section I.A), and the
 * 7th-character table with the placeholder-X rule (Section I.A.5, I.B.3).
 */
#include "cli.h"

#include "base/base_int.h"
#include "lookup_other.h"
#include "medcode/codeset.h"

#include <stdlib.h>
#include <string.h>

typedef struct opts {
    int year;
    const char *date;
    bool json;
    const char *code;
    const char *system; /* NULL = try each; icd10cm, icd10pcs or hcpcs */
    bool verify; /* info: verify every section's checksum */
} opts;

static int parse(int argc, char **argv, opts *o, bool needs_code, const char *usage)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
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
        } else if (!strcmp(argv[i], "--verify")) {
            o->verify = true;
        } else if (!strcmp(argv[i], "--system")) {
            if (i + 1 >= argc)
                return cli_fail("--system needs icd10cm, icd10pcs or hcpcs");
            o->system = argv[++i];
            if (strcmp(o->system, "icd10cm") && strcmp(o->system, "icd10pcs") &&
                strcmp(o->system, "hcpcs"))
                return cli_fail("--system '%s': expected icd10cm, icd10pcs or hcpcs", o->system);
        } else if (!strcmp(argv[i], "--help")) {
            printf("%s", usage);
            return -1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_fail("unknown option '%s'", argv[i]);
        } else if (!o->code) {
            o->code = argv[i];
        } else {
            return cli_fail("one code at a time ('%s' is extra)", argv[i]);
        }
    }
    if (needs_code && !o->code)
        return cli_fail("missing CODE (see --help)");
    if (o->year && o->date)
        return cli_fail("give --year or --date, not both");
    return CLI_OK;
}

static int open_cs(const opts *o, mc_bundle **b, mc_codeset **cs)
{
    *cs = NULL;
    int rc = cli_open_bundle(o->year, o->date, b);
    if (rc)
        return rc;
    mc_diag diag = { 0 };
    if (mc_codeset_open(*b, cs, &diag)) {
        mc_bundle_close(*b);
        *b = NULL;
        return cli_fail("%s", diag.msg);
    }
    return CLI_OK;
}

static void jkey(mc__buf *out, const char *k) { mc__buf_printf(out, "\"%s\":", k); }
static void jstr(mc__buf *out, mc_str s) { mc__buf_json_str(out, s.p, s.n); }
static void jcstr(mc__buf *out, const char *s) { mc__buf_json_str(out, s, strlen(s)); }

static const char *level_owner(const mc_codeset *cs, const mc_cm_note *n, char *buf, size_t cap)
{
    if (n->level == MC_LEVEL_CODE) {
        mc_cm_code c;
        mc_cm_get(cs, n->owner, &c);
        snprintf(buf, cap, "%s", c.dotted);
    } else if (n->level == MC_LEVEL_BLOCK) {
        mc_cm_block b;
        mc_cm_get_block(cs, n->owner, &b);
        snprintf(buf, cap, "block %.*s", (int)b.id.n, b.id.p);
    } else {
        mc_cm_chapter c;
        mc_cm_get_chapter(cs, n->owner, &c);
        snprintf(buf, cap, "chapter %u", c.number);
    }
    return buf;
}

/* The hierarchy from the chapter down to the code. */
static uint32_t ancestry(const mc_codeset *cs, uint32_t id, uint32_t *path, uint32_t cap)
{
    uint32_t n = 0;
    for (uint32_t cur = id; cur != MC_NONE && n < cap;) {
        path[n++] = cur;
        mc_cm_code c;
        mc_cm_get(cs, cur, &c);
        cur = c.parent;
    }
    for (uint32_t i = 0; i < n / 2; i++) {
        uint32_t t = path[i];
        path[i] = path[n - 1 - i];
        path[n - 1 - i] = t;
    }
    return n;
}

static void print_cm_text(const mc_codeset *cs, const mc_cm_code *c, int status,
                          const char *reason)
{
    printf("%s  %.*s\n", c->dotted, (int)c->long_title.n, c->long_title.p);
    printf("  system:    ICD-10-CM FY%d\n", mc_codeset_year(cs));
    printf("  billable:  %s%s%s\n", c->billable ? "yes" : "no", status ? " — " : "",
           status ? reason : "");
    if (c->short_title.n != c->long_title.n ||
        memcmp(c->short_title.p, c->long_title.p, c->long_title.n))
        printf("  short:     %.*s\n", (int)c->short_title.n, c->short_title.p);
    mc_cm_chapter ch;
    mc_cm_block bl;
    printf("  hierarchy:\n");
    if (c->chapter != MC_NONE && mc_cm_get_chapter(cs, c->chapter, &ch) == MC_OK)
        printf("    chapter %u  %.*s\n", ch.number, (int)ch.title.n, ch.title.p);
    if (c->block != MC_NONE && mc_cm_get_block(cs, c->block, &bl) == MC_OK)
        printf("    block %.*s  %.*s\n", (int)bl.id.n, bl.id.p, (int)bl.title.n, bl.title.p);
    uint32_t path[8];
    uint32_t np = ancestry(cs, c->id, path, 8);
    for (uint32_t i = 0; i < np; i++) {
        mc_cm_code a;
        mc_cm_get(cs, path[i], &a);
        printf("    %*s%s  %.*s\n", (int)(2 * i), "", a.dotted, (int)a.long_title.n,
               a.long_title.p);
    }
    mc_cm_note notes[256];
    uint32_t nn = mc_cm_notes(cs, c->id, true, notes, 256);
    if (nn) {
        printf("  notes (own and inherited%s):\n",
               c->in_tabular ? "" : "; this code is newer than the tabular, notes are its ancestors'");
        for (uint32_t i = 0; i < nn && i < 256; i++) {
            char own[64];
            printf("    %-22s [%s] %.*s\n", mc_note_kind_name(notes[i].kind),
                   level_owner(cs, &notes[i], own, sizeof own), (int)notes[i].text.n,
                   notes[i].text.p);
        }
    }
    mc_cm_seventh sev[32];
    uint32_t owner;
    uint32_t ns = mc_cm_seventh_chars(cs, c->id, sev, 32, &owner);
    if (ns) {
        mc_cm_code o;
        mc_cm_get(cs, owner, &o);
        printf("  7th character (defined at %s; codes shorter than 6 characters take the "
               "placeholder X before it):\n",
               o.dotted);
        for (uint32_t i = 0; i < ns && i < 32; i++)
            printf("    %c  %.*s\n", sev[i].ch, (int)sev[i].meaning.n, sev[i].meaning.p);
    }
}

static void json_cm(mc__buf *out, const mc_codeset *cs, const mc_cm_code *c, int status,
                    const char *reason)
{
    mc__buf_puts(out, "{\"system\":\"icd10cm\",");
    mc__buf_printf(out, "\"year\":%d,", mc_codeset_year(cs));
    jkey(out, "code");
    jcstr(out, c->dotted);
    mc__buf_puts(out, ",");
    jkey(out, "title");
    jstr(out, c->long_title);
    mc__buf_puts(out, ",");
    jkey(out, "short_title");
    jstr(out, c->short_title);
    mc__buf_printf(out, ",\"billable\":%s,\"valid\":%s,", c->billable ? "true" : "false",
                   status == MC_OK ? "true" : "false");
    jkey(out, "reason");
    jcstr(out, reason);
    mc__buf_printf(out, ",\"in_tabular\":%s", c->in_tabular ? "true" : "false");
    mc_cm_chapter ch;
    mc_cm_block bl;
    if (c->chapter != MC_NONE && mc_cm_get_chapter(cs, c->chapter, &ch) == MC_OK) {
        mc__buf_printf(out, ",\"chapter\":{\"number\":%u,\"title\":", ch.number);
        jstr(out, ch.title);
        mc__buf_puts(out, "}");
    }
    if (c->block != MC_NONE && mc_cm_get_block(cs, c->block, &bl) == MC_OK) {
        mc__buf_puts(out, ",\"block\":{\"id\":");
        jstr(out, bl.id);
        mc__buf_puts(out, ",\"title\":");
        jstr(out, bl.title);
        mc__buf_puts(out, "}");
    }
    mc__buf_puts(out, ",\"hierarchy\":[");
    uint32_t path[8];
    uint32_t np = ancestry(cs, c->id, path, 8);
    for (uint32_t i = 0; i < np; i++) {
        mc_cm_code a;
        mc_cm_get(cs, path[i], &a);
        mc__buf_printf(out, "%s{\"code\":\"%s\",\"title\":", i ? "," : "", a.dotted);
        jstr(out, a.long_title);
        mc__buf_puts(out, "}");
    }
    mc__buf_puts(out, "],\"notes\":[");
    mc_cm_note notes[256];
    uint32_t nn = mc_cm_notes(cs, c->id, true, notes, 256);
    for (uint32_t i = 0; i < nn && i < 256; i++) {
        char own[64];
        mc__buf_printf(out, "%s{\"kind\":\"%s\",\"from\":", i ? "," : "",
                       mc_note_kind_name(notes[i].kind));
        jcstr(out, level_owner(cs, &notes[i], own, sizeof own));
        mc__buf_puts(out, ",\"text\":");
        jstr(out, notes[i].text);
        mc__buf_puts(out, ",\"codes\":[");
        for (uint32_t k = 0; k < notes[i].n_refs; k++) {
            mc_code_range r;
            if (mc_cm_note_ref(cs, &notes[i], k, &r))
                break;
            char lo[9], hi[9];
            mc_cm_dotted(r.lo, lo);
            mc_cm_dotted(r.hi, hi);
            if (strcmp(lo, hi))
                mc__buf_printf(out, "%s\"%s-%s\"", k ? "," : "", lo, hi);
            else
                mc__buf_printf(out, "%s\"%s\"", k ? "," : "", lo);
        }
        mc__buf_puts(out, "]}");
    }
    mc__buf_puts(out, "]");
    mc_cm_seventh sev[32];
    uint32_t owner;
    uint32_t ns = mc_cm_seventh_chars(cs, c->id, sev, 32, &owner);
    if (ns) {
        mc_cm_code o;
        mc_cm_get(cs, owner, &o);
        mc__buf_printf(out, ",\"seventh\":{\"defined_at\":\"%s\",\"characters\":[", o.dotted);
        for (uint32_t i = 0; i < ns && i < 32; i++) {
            mc__buf_printf(out, "%s{\"char\":\"%c\",\"meaning\":", i ? "," : "", sev[i].ch);
            jstr(out, sev[i].meaning);
            mc__buf_puts(out, "}");
        }
        mc__buf_puts(out, "]}");
    }
    mc__buf_puts(out, "}");
}

/* Answer text as an ICD-10-CM code. Returns -1 when it cannot be one
 * (nothing printed), CLI_NO with *reason set and nothing printed when it is
 * not in this year's code set, else prints and returns CLI_OK / CLI_NO. */
static int lookup_cm(const mc_codeset *cs, const char *text, bool json, char *reason,
                     size_t cap, bool *printed)
{
    *printed = false;
    int status = mc_cm_validate(cs, text, strlen(text), reason, cap);
    if (status == MC_EFORMAT)
        return -1;
    mc_cm_code c;
    if (mc_cm_lookup(cs, text, strlen(text), &c) != MC_OK)
        return CLI_NO;
    *printed = true;
    if (json) {
        mc__buf out;
        mc__buf_init(&out, 0);
        json_cm(&out, cs, &c, status, reason);
        int rc = out.err ? cli_fail("out of memory") : cli_write(out.p, out.n);
        mc__buf_free(&out);
        if (rc)
            return rc;
    } else {
        print_cm_text(cs, &c, status, reason);
    }
    return status == MC_OK ? CLI_OK : CLI_NO;
}

static void print_not_found(const char *text, const char *reason, int year, bool json)
{
    if (!json) {
        printf("%s\n", reason);
        return;
    }
    mc__buf out;
    mc__buf_init(&out, 0);
    mc__buf_printf(&out, "{\"system\":\"icd10cm\",\"year\":%d,\"valid\":false,", year);
    jkey(&out, "query");
    jcstr(&out, text);
    mc__buf_puts(&out, ",\"reason\":");
    jcstr(&out, reason);
    mc__buf_puts(&out, "}");
    cli_write(out.p, out.n);
    mc__buf_free(&out);
}

MC_COMMAND(lookup, "look up an ICD-10-CM, ICD-10-PCS or HCPCS code: title, notes, 7th characters")
{
    opts o;
    int rc = parse(argc, argv, &o, true,
                   "usage: medcode lookup CODE [--year Y | --date YYYY-MM-DD] [--system S] [--json]\n"
                   "S: icd10cm, icd10pcs or hcpcs (default: try each, ICD-10-CM first).\n"
                   "CODE with or without the dot, any case. Exit 0 for a valid billable code, 1 "
                   "for a non-billable, invalid or unknown one.\n");
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    mc_bundle *b;
    mc_codeset *cs;
    if ((rc = open_cs(&o, &b, &cs)))
        return rc;
    /* ICD-10-CM first, then ICD-10-PCS, then HCPCS: a dotted code is always
     * ICD-10-CM; an undotted one may belong to two systems (A0225 is both a
     * Salmonella code and an ambulance service), so the others are named */
    char reason[2048] = "";
    bool any = !o.system;
    int cm = -1;
    rc = -1;
    bool cm_printed = false;
    if (any || !strcmp(o.system, "icd10cm"))
        rc = cm = lookup_cm(cs, o.code, o.json, reason, sizeof reason, &cm_printed);
    bool cm_only = strchr(o.code, '.') != NULL;
    if (!cm_printed && !cm_only && (any || !strcmp(o.system, "icd10pcs"))) {
        int r = cli_lookup_pcs(b, o.code, o.json);
        if (r == CLI_OK) {
            /* printed: exit 0 only for a complete, valid code */
            mc_pcs *p;
            mc_pcs_check chk;
            rc = CLI_NO;
            if (mc_pcs_open(b, &p, NULL) == MC_OK) {
                if (mc_pcs_validate(p, o.code, strlen(o.code), &chk) == MC_OK && chk.valid)
                    rc = CLI_OK;
                mc_pcs_close(p);
            }
        } else if (r != CLI_NO) {
            rc = r;
        }
        cm_printed = r != CLI_NO;
    }
    if (!cm_only && (any || !strcmp(o.system, "hcpcs"))) {
        mc_hcpcs *h;
        mc_hcpcs_code hc;
        if (!cm_printed) {
            int r = cli_lookup_hcpcs(b, o.code, o.json);
            if (r != CLI_NO)
                rc = r;
            cm_printed = r != CLI_NO;
        } else if (!o.json && mc_hcpcs_open(b, &h, NULL) == MC_OK) {
            if (mc_hcpcs_lookup(h, o.code, strlen(o.code), &hc) == MC_OK)
                printf("  note:      %s is also an HCPCS code: %.*s "
                       "(medcode lookup %s --system hcpcs)\n",
                       o.code, (int)hc.long_desc.n, hc.long_desc.p, o.code);
            mc_hcpcs_close(h);
        }
    }
    if (!cm_printed) {
        if (cm == CLI_NO) {
            print_not_found(o.code, reason, mc_codeset_year(cs), o.json);
            rc = CLI_NO;
        } else if (rc < 0 || rc == CLI_NO) {
            rc = cli_fail("'%s' is not an ICD-10-CM, ICD-10-PCS or HCPCS code%s", o.code,
                          o.system ? " of the system asked for" : "");
        }
    }
    mc_codeset_close(cs);
    mc_bundle_close(b);
    return rc;
}

MC_COMMAND(children, "list the codes one level below a code (or the chapters with no code)")
{
    opts o;
    int rc = parse(argc, argv, &o, false,
                   "usage: medcode children [CODE] [--year Y | --date YYYY-MM-DD] [--json]\n"
                   "Without CODE, lists the chapters and their blocks.\n");
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    mc_bundle *b;
    mc_codeset *cs;
    if ((rc = open_cs(&o, &b, &cs)))
        return rc;
    mc__buf out;
    mc__buf_init(&out, 0);
    if (!o.code) {
        mc__buf_puts(&out, o.json ? "{\"chapters\":[" : "");
        for (uint32_t i = 0; i < mc_cm_chapter_count(cs); i++) {
            mc_cm_chapter ch;
            mc_cm_get_chapter(cs, i, &ch);
            if (o.json) {
                mc__buf_printf(&out, "%s{\"number\":%u,\"title\":", i ? "," : "", ch.number);
                jstr(&out, ch.title);
                mc__buf_puts(&out, "}");
            } else {
                mc__buf_printf(&out, "%2u  %.*s\n", ch.number, (int)ch.title.n, ch.title.p);
            }
        }
        mc__buf_puts(&out, o.json ? "]}" : "");
        goto done;
    }
    mc_cm_code c;
    if (mc_cm_lookup(cs, o.code, strlen(o.code), &c) != MC_OK) {
        char reason[2048];
        mc_cm_validate(cs, o.code, strlen(o.code), reason, sizeof reason);
        rc = mc_cm_normalize(o.code, strlen(o.code), (char[8]){ 0 }) ? cli_fail("%s", reason)
                                                                     : CLI_NO;
        if (rc == CLI_NO)
            printf("%s\n", reason);
        goto out;
    }
    uint32_t n = mc_cm_children(cs, c.id, NULL, 0);
    uint32_t *ids = malloc((n ? n : 1) * sizeof *ids);
    if (!ids) {
        rc = cli_fail("out of memory");
        goto out;
    }
    mc_cm_children(cs, c.id, ids, n);
    if (o.json)
        mc__buf_printf(&out, "{\"code\":\"%s\",\"children\":[", c.dotted);
    for (uint32_t i = 0; i < n; i++) {
        mc_cm_code k;
        mc_cm_get(cs, ids[i], &k);
        if (o.json) {
            mc__buf_printf(&out, "%s{\"code\":\"%s\",\"billable\":%s,\"title\":", i ? "," : "",
                           k.dotted, k.billable ? "true" : "false");
            jstr(&out, k.long_title);
            mc__buf_puts(&out, "}");
        } else {
            mc__buf_printf(&out, "%-9s %s %.*s\n", k.dotted, k.billable ? "*" : " ",
                           (int)k.long_title.n, k.long_title.p);
        }
    }
    if (o.json)
        mc__buf_puts(&out, "]}");
    else if (!n)
        mc__buf_printf(&out, "%s has no children (it is a billable leaf)\n", c.dotted);
    free(ids);
done:
    if (out.err)
        rc = cli_fail("out of memory");
    else if (out.n)
        rc = o.json ? cli_write(out.p, out.n) : (fwrite(out.p, 1, out.n, stdout), CLI_OK);
out:
    mc__buf_free(&out);
    mc_codeset_close(cs);
    mc_bundle_close(b);
    return rc;
}

MC_COMMAND(info, "show the bundle: fiscal year, counts, and the source year of every part")
{
    opts o;
    int rc = parse(argc, argv, &o, false, "usage: medcode info [--year Y | --date YYYY-MM-DD] [--verify] [--json]\n"
                   "--verify checks every section's checksum (otherwise each is checked when "
                   "first read).\n");
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (o.code)
        return cli_fail("info takes no argument ('%s')", o.code);
    mc_bundle *b;
    mc_codeset *cs;
    if ((rc = open_cs(&o, &b, &cs)))
        return rc;
    int year = mc_bundle_year(b);
    if (o.verify) {
        mc_diag diag = { 0 };
        if (mc_bundle_verify(b, &diag)) {
            mc_codeset_close(cs);
            mc_bundle_close(b);
            return cli_fail("%s", diag.msg);
        }
    }
    const void *src;
    size_t src_n = 0;
    mc_bundle_section(b, "SOURCES", &src, &src_n);
    mc__buf out;
    mc__buf_init(&out, 0);
    if (o.json) {
        mc__buf_printf(&out,
                       "{\"year\":%d,\"bytes\":%zu,\"icd10cm\":{\"codes\":%u,\"billable\":%u,"
                       "\"chapters\":%u,\"blocks\":%u},\"sections\":[",
                       year, mc_bundle_size(b), mc_cm_count(cs), mc_cm_billable_count(cs),
                       mc_cm_chapter_count(cs), mc_cm_block_count(cs));
        for (uint32_t i = 0; i < mc_bundle_section_count(b); i++) {
            mc_bundle_section_info si;
            mc_bundle_section_at(b, i, &si);
            mc__buf_printf(&out, "%s{\"tag\":\"%s\",\"bytes\":%llu,\"source_year\":%u}",
                           i ? "," : "", si.tag, (unsigned long long)si.size, si.source_year);
        }
        mc__buf_puts(&out, "],\"sources\":[");
    } else {
        mc__buf_printf(&out, "medcode bundle FY%d (dates of service %d-10-01 to %d-09-30), %zu "
                             "bytes\n",
                       year, year - 1, year, mc_bundle_size(b));
        mc__buf_printf(&out, "ICD-10-CM: %u codes, %u billable, %u chapters, %u blocks\n",
                       mc_cm_count(cs), mc_cm_billable_count(cs), mc_cm_chapter_count(cs),
                       mc_cm_block_count(cs));
        mc__buf_puts(&out, "\nsections:\n");
        for (uint32_t i = 0; i < mc_bundle_section_count(b); i++) {
            mc_bundle_section_info si;
            mc_bundle_section_at(b, i, &si);
            mc__buf_printf(&out, "  %-8s %10llu bytes  from FY%u%s\n", si.tag,
                           (unsigned long long)si.size, si.source_year,
                           si.source_year != (uint32_t)year ? "  (another year's release)" : "");
        }
        mc__buf_puts(&out, "\nsources (section, year, file, content):\n");
    }
    /* SOURCES lines: section \t year \t file \t note */
    const char *p = src, *end = (const char *)src + src_n;
    bool first = true;
    while (p && p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        const char *f[4];
        size_t fl[4];
        const char *q = p;
        int k = 0;
        for (; k < 4 && q <= eol; k++) {
            const char *t = memchr(q, '\t', (size_t)(eol - q));
            if (!t || k == 3)
                t = eol;
            f[k] = q;
            fl[k] = (size_t)(t - q);
            q = t + 1;
        }
        if (k == 4) {
            if (o.json) {
                mc__buf_puts(&out, first ? "{\"section\":" : ",{\"section\":");
                mc__buf_json_str(&out, f[0], fl[0]);
                mc__buf_printf(&out, ",\"year\":%.*s,\"file\":", (int)fl[1], f[1]);
                mc__buf_json_str(&out, f[2], fl[2]);
                mc__buf_puts(&out, ",\"content\":");
                mc__buf_json_str(&out, f[3], fl[3]);
                mc__buf_puts(&out, "}");
            } else {
                bool other = fl[1] != 4 || strtol(f[1], NULL, 10) != year;
                mc__buf_printf(&out, "  %-8.*s FY%.*s  %.*s: %.*s%s\n", (int)fl[0], f[0],
                               (int)fl[1], f[1], (int)fl[2], f[2], (int)fl[3], f[3],
                               other ? "  [WARNING: not this year's release]" : "");
            }
            first = false;
        }
        p = eol + 1;
    }
    if (o.json)
        mc__buf_puts(&out, "]}");
    rc = out.err ? cli_fail("out of memory")
                 : o.json ? cli_write(out.p, out.n)
                          : (fwrite(out.p, 1, out.n, stdout), CLI_OK);
    mc__buf_free(&out);
    mc_codeset_close(cs);
    mc_bundle_close(b);
    return rc;
}
