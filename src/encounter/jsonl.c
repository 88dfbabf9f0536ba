/*
 * JSON Lines reader: one encounter per line of a stream.
 *
 * Invariants: a line longer than MC_ENC_MAX_JSON is consumed to its end and
 * reported as that line's error (never buffered whole), so memory stays
 * bounded by the cap whatever the input; every call consumes exactly one
 * non-blank line, so the caller can keep going after a bad one.
 */
#include "medcode/encounter.h"

#include "base/base_int.h"

#include <stdlib.h>
#include <string.h>

struct mc_encounter_reader {
    FILE *f; /* borrowed */
    long line; /* lines consumed so far */
    char *buf; /* current line */
    size_t cap; /* bytes allocated in buf */
};

int mc_encounter_reader_new(FILE *f, mc_encounter_reader **out)
{
    *out = NULL;
    if (!f)
        return MC_EINVAL;
    mc_encounter_reader *r = calloc(1, sizeof *r);
    if (!r)
        return MC_ENOMEM;
    r->f = f;
    *out = r;
    return MC_OK;
}

void mc_encounter_reader_free(mc_encounter_reader *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r);
}

/* Read one line into r->buf (without the newline). MC_ENOTFOUND at EOF, MC_ELIMIT if too long. */
static int read_line(mc_encounter_reader *r, size_t *len)
{
    size_t n = 0;
    bool any = false, too_long = false;
    int c;
    while ((c = getc(r->f)) != EOF) {
        any = true;
        if (c == '\n')
            break;
        if (too_long)
            continue;
        if (n + 2 > r->cap) {
            size_t cap = r->cap ? r->cap * 2 : 4096;
            if (cap > (size_t)MC_ENC_MAX_JSON + 2)
                cap = (size_t)MC_ENC_MAX_JSON + 2;
            if (n + 2 > cap) {
                too_long = true;
                continue;
            }
            char *p = realloc(r->buf, cap);
            if (!p)
                return MC_ENOMEM;
            r->buf = p;
            r->cap = cap;
        }
        r->buf[n++] = (char)c;
    }
    if (ferror(r->f))
        return MC_EIO;
    if (!any)
        return MC_ENOTFOUND;
    r->line++;
    if (too_long)
        return MC_ELIMIT;
    if (n > 0 && r->buf[n - 1] == '\r')
        n--;
    if (r->buf)
        r->buf[n] = 0;
    *len = n;
    return MC_OK;
}

int mc_encounter_reader_next(mc_encounter_reader *r, mc_encounter **out, long *line,
                             mc_diag *diag)
{
    *out = NULL;
    for (;;) {
        size_t n = 0;
        int rc = read_line(r, &n);
        if (line)
            *line = r->line;
        if (rc == MC_ENOTFOUND)
            return rc;
        if (rc == MC_EIO)
            return mc_diag_set(diag, rc, "read error after line %ld", r->line);
        if (rc == MC_ENOMEM)
            return mc_diag_set(diag, rc, "out of memory");
        if (rc == MC_ELIMIT) {
            rc = mc_diag_set(diag, rc, "line %ld: longer than %d bytes", r->line,
                             MC_ENC_MAX_JSON);
            if (diag)
                diag->line = r->line, diag->column = 0;
            return rc;
        }
        const char *p = r->buf ? r->buf : "";
        size_t m = n;
        mc__trim(&p, &m);
        if (m == 0)
            continue;
        mc_diag d = { 0 };
        rc = mc_encounter_parse(r->buf, n, out, &d);
        if (rc) {
            /* Prefix the file line; a JSON syntax error already carries the column. */
            if (d.line)
                rc = mc_diag_set(diag, rc, "line %ld, column %ld: %s", r->line, d.column,
                                 strstr(d.msg, ": ") ? strstr(d.msg, ": ") + 2 : d.msg);
            else
                rc = mc_diag_set(diag, rc, "line %ld: %s", r->line, d.msg);
            if (diag)
                diag->line = r->line, diag->column = d.column;
        }
        return rc;
    }
}
