/*
 * data/releases.tsv: the hand-written list of official release files.
 * Columns (tab-separated, '#' starts a comment line):
 *   system  year  part  file  sha256  url  mirror  member
 * "-" marks an empty field. See docs/DATA.md.
 */
#include "build/build.h"

#include <stdlib.h>
#include <string.h>

static int field(const char **p, const char *end, char *out, size_t cap)
{
    const char *s = *p;
    const char *t = s;
    while (t < end && *t != '\t')
        t++;
    size_t n = (size_t)(t - s);
    if (n >= cap)
        return MC_ELIMIT;
    if (n == 1 && s[0] == '-')
        n = 0;
    memcpy(out, s, n);
    out[n] = 0;
    *p = t < end ? t + 1 : t;
    return MC_OK;
}

int mc__manifest_load(const char *path, mc__release **out, size_t *n_out, mc_diag *diag)
{
    char *text;
    size_t len;
    *out = NULL;
    *n_out = 0;
    int rc = mc__read_file(path, 1 << 20, &text, &len, diag);
    if (rc)
        return rc;
    size_t cap = 64, n = 0;
    mc__release *rows = malloc(cap * sizeof *rows);
    if (!rows) {
        free(text);
        return mc_diag_set(diag, MC_ENOMEM, "out of memory");
    }
    const char *p = text, *end = text + len;
    long line = 0;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        line++;
        const char *s = p;
        size_t sl = (size_t)(eol - p);
        p = eol + 1;
        if (sl && s[sl - 1] == '\r')
            sl--;
        if (!sl || s[0] == '#')
            continue;
        if (n == cap) {
            cap *= 2;
            mc__release *r2 = realloc(rows, cap * sizeof *rows);
            if (!r2) {
                rc = mc_diag_set(diag, MC_ENOMEM, "out of memory");
                goto out;
            }
            rows = r2;
        }
        mc__release *r = &rows[n];
        memset(r, 0, sizeof *r);
        char year[16];
        const char *q = s, *qe = s + sl;
        int tabs = 0;
        for (const char *t = s; t < qe; t++)
            tabs += *t == '\t';
        if (tabs != 7 || field(&q, qe, r->system, sizeof r->system) ||
            field(&q, qe, year, sizeof year) || field(&q, qe, r->part, sizeof r->part) ||
            field(&q, qe, r->file, sizeof r->file) || field(&q, qe, r->sha256, sizeof r->sha256) ||
            field(&q, qe, r->url, sizeof r->url) || field(&q, qe, r->mirror, sizeof r->mirror) ||
            field(&q, qe, r->member, sizeof r->member)) {
            rc = mc_diag_set(diag, MC_EFORMAT,
                             "%s:%ld: expected 8 tab-separated fields (system year part file "
                             "sha256 url mirror member)",
                             path, line);
            goto out;
        }
        char *ye;
        long y = strtol(year, &ye, 10);
        if (*ye || y < 2000 || y > 2100 || !r->system[0] || !r->part[0] || !r->file[0] ||
            strchr(r->file, '/') || (r->sha256[0] && strlen(r->sha256) != 64)) {
            rc = mc_diag_set(diag, MC_EFORMAT, "%s:%ld: bad year, file name or sha256", path,
                             line);
            goto out;
        }
        r->year = (int)y;
        n++;
    }
    *out = rows;
    *n_out = n;
    rows = NULL;
out:
    free(rows);
    free(text);
    return rc;
}
