/*
 * ICD-10-CM code text: normalising what a person types, the dotted form,
 * code references inside note text, and the validity explanation a coder
 * needs (header codes, 7th characters, placeholder X: Section I.A.4-5,
 * I.B.3 of the Official Guidelines).
 */
#include "codeset/cm_int.h"

#include <stdio.h>
#include <string.h>

int mc__cm_find(const mc_codeset *cs, const char *code, uint32_t *id);

static bool alnum_up(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

int mc_cm_normalize(const char *text, size_t n, char out[8])
{
    memset(out, 0, 8);
    const char *s = text;
    size_t len = n;
    mc__trim(&s, &len);
    size_t k = 0;
    bool dot = false;
    for (size_t i = 0; i < len; i++) {
        char c = mc__upper(s[i]);
        if (c == '.') {
            if (dot || k != 3)
                return MC_EFORMAT;
            dot = true;
            continue;
        }
        if (!alnum_up(c) || k >= 7)
            return MC_EFORMAT;
        out[k++] = c;
    }
    /* letter, then alphanumerics with a digit in the 2nd or 3rd place (QA0 is FY2026) */
    bool digit = (out[1] >= '0' && out[1] <= '9') || (out[2] >= '0' && out[2] <= '9');
    if (k < 3 || out[0] < 'A' || out[0] > 'Z' || !digit) {
        memset(out, 0, 8);
        return MC_EFORMAT;
    }
    return MC_OK;
}

void mc_cm_dotted(const char *code, char out[9])
{
    size_t n = strnlen(code, 7);
    memcpy(out, code, n < 3 ? n : 3);
    if (n <= 3) {
        out[n] = 0;
        return;
    }
    out[3] = '.';
    memcpy(out + 4, code + 3, n - 3);
    out[n + 1] = 0;
}

/* Scan a code token at s[i..]: letter, digit, alnum, optional ".xxxx". */
static size_t code_token(const char *s, size_t n, size_t i, char key[8])
{
    memset(key, 0, 8);
    if (i + 3 > n || s[i] < 'A' || s[i] > 'Z' || !alnum_up(s[i + 1]) || !alnum_up(s[i + 2]) ||
        !((s[i + 1] >= '0' && s[i + 1] <= '9') || (s[i + 2] >= '0' && s[i + 2] <= '9')))
        return 0;
    if (i > 0 && (alnum_up(s[i - 1]) || (s[i - 1] >= 'a' && s[i - 1] <= 'z')))
        return 0;
    size_t k = 3, j = i + 3;
    memcpy(key, s + i, 3);
    if (j + 1 < n && s[j] == '.' && alnum_up(s[j + 1])) {
        j++;
        while (j < n && alnum_up(s[j]) && k < 7)
            key[k++] = s[j++];
    }
    if (j < n && ((s[j] >= 'a' && s[j] <= 'z') || alnum_up(s[j])))
        return 0;
    return j - i;
}

uint32_t mc__cm_parse_refs(const char *s, size_t n, mc_code_range *out, uint32_t cap)
{
    uint32_t count = 0;
    int paren = 0;
    for (size_t i = 0; i < n && count < cap;) {
        if (s[i] == '(') {
            paren++;
            i++;
            continue;
        }
        if (s[i] == ')') {
            if (paren)
                paren--;
            i++;
            continue;
        }
        char lo[8], hi[8];
        size_t t = paren ? code_token(s, n, i, lo) : 0;
        if (!t) {
            i++;
            continue;
        }
        i += t;
        memcpy(hi, lo, 8);
        /* "E10.-" / "E11.3-": a prefix; "E08-E13" / "N18.1-N18.6": a range */
        if (i + 1 < n && s[i] == '.' && s[i + 1] == '-') {
            i += 2;
        } else if (i < n && s[i] == '-') {
            char hi2[8];
            size_t t2 = code_token(s, n, i + 1, hi2);
            if (t2) {
                memcpy(hi, hi2, 8);
                i += 1 + t2;
                if (i + 1 < n && s[i] == '.' && s[i + 1] == '-')
                    i += 2;
            } else {
                i++;
            }
        }
        memcpy(out[count].lo, lo, 8);
        memcpy(out[count].hi, hi, 8);
        count++;
    }
    return count;
}

/* Append "A (meaning), D (meaning)" of a code's 7th-character table. */
static void list_sevenths(const mc_codeset *cs, uint32_t id, char *buf, size_t cap, bool meanings)
{
    mc_cm_seventh sev[32];
    uint32_t n = mc_cm_seventh_chars(cs, id, sev, 32, NULL);
    size_t len = strlen(buf);
    for (uint32_t i = 0; i < n && i < 32 && len + 8 < cap; i++) {
        int w = meanings ? snprintf(buf + len, cap - len, "%s%c (%.*s)", i ? ", " : "", sev[i].ch,
                                    (int)sev[i].meaning.n, sev[i].meaning.p)
                         : snprintf(buf + len, cap - len, "%s%c", i ? ", " : "", sev[i].ch);
        if (w < 0)
            break;
        len += (size_t)w;
        if (len >= cap)
            len = cap - 1;
    }
}

static void list_children(const mc_codeset *cs, uint32_t id, char *buf, size_t cap)
{
    uint32_t kids[64];
    uint32_t n = mc_cm_children(cs, id, kids, 64);
    size_t len = strlen(buf);
    for (uint32_t i = 0; i < n && i < 64 && len + 12 < cap; i++) {
        mc_cm_code c;
        mc_cm_get(cs, kids[i], &c);
        int w = snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", c.dotted);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    if (n > 64 && len + 8 < cap)
        snprintf(buf + len, cap - len, ", ...");
}

/* The code needs a 7th character when a table applies and the code is six
 * characters or fewer. Try placeholder X insertion for codes typed without it. */
static bool try_placeholder(const mc_codeset *cs, const char *key, char fixed[8])
{
    size_t n = strnlen(key, 7);
    if (n < 4 || n >= 7)
        return false;
    char last = key[n - 1];
    size_t stem = n - 1, need = 6 - stem;
    /* insert `need` X characters at one position after the category */
    for (size_t pos = 3; pos <= stem; pos++) {
        char c[8] = { 0 };
        memcpy(c, key, pos);
        memset(c + pos, 'X', need);
        memcpy(c + pos + need, key + pos, stem - pos);
        c[6] = last;
        uint32_t id;
        if (mc__cm_find(cs, c, &id) == MC_OK) {
            memcpy(fixed, c, 8);
            return true;
        }
    }
    return false;
}

int mc_cm_validate(const mc_codeset *cs, const char *text, size_t n, char *reason, size_t cap)
{
    char key[8], dotted[9];
    if (cap)
        reason[0] = 0;
    if (mc_cm_normalize(text, n, key) != MC_OK) {
        snprintf(reason, cap,
                 "'%.*s' is not an ICD-10-CM code: expected a letter, a digit, a letter or "
                 "digit, then up to 4 more (e.g. E11.22)",
                 (int)(n > 40 ? 40 : n), text);
        return MC_EFORMAT;
    }
    mc_cm_dotted(key, dotted);
    uint32_t id;
    if (mc__cm_find(cs, key, &id) == MC_OK) {
        mc_cm_code c;
        mc_cm_get(cs, id, &c);
        if (c.billable) {
            snprintf(reason, cap, "%s is a billable FY%d code", dotted, cs->year);
            return MC_OK;
        }
        mc_cm_seventh sev[1];
        uint32_t kids[1];
        if (mc_cm_seventh_chars(cs, id, sev, 1, NULL) && c.length == 6 &&
            mc_cm_children(cs, id, kids, 1)) {
            snprintf(reason, cap, "%s requires a 7th character: ", dotted);
            list_sevenths(cs, id, reason, cap, true);
        } else {
            snprintf(reason, cap, "%s is a header, it needs more characters: choose one of ",
                     dotted);
            list_children(cs, id, reason, cap);
        }
        return MC_EINVAL;
    }
    size_t len = strnlen(key, 7);
    /* an invalid 7th character on a code that takes one */
    if (len == 7) {
        char base[8] = { 0 };
        memcpy(base, key, 6);
        uint32_t bid;
        mc_cm_seventh sev[1];
        if (mc__cm_find(cs, base, &bid) == MC_OK && mc_cm_seventh_chars(cs, bid, sev, 1, NULL)) {
            char bd[9];
            mc_cm_dotted(base, bd);
            snprintf(reason, cap, "%s: '%c' is not a valid 7th character for %s; valid: ", dotted,
                     key[6], bd);
            list_sevenths(cs, bid, reason, cap, false);
            return MC_EINVAL;
        }
    }
    char fixed[8];
    if (try_placeholder(cs, key, fixed)) {
        char fd[9];
        mc_cm_dotted(fixed, fd);
        snprintf(reason, cap,
                 "%s: placeholder X missing (Section I.A.5): the 7th character must be in the "
                 "7th position, use %s",
                 dotted, fd);
        return MC_EINVAL;
    }
    /* a 6-character code whose 7th character was forgotten is found above as a
     * header; a shorter code with a 7th-character table needs X and the 7th */
    for (size_t k = len - 1; k >= 3; k--) {
        char pre[8] = { 0 };
        memcpy(pre, key, k);
        uint32_t pid;
        if (mc__cm_find(cs, pre, &pid) == MC_OK) {
            char pd[9];
            mc_cm_dotted(pre, pd);
            if (mc_cm_children(cs, pid, NULL, 0)) {
                snprintf(reason, cap, "%s is not in the FY%d code set; under %s choose one of ",
                         dotted, cs->year, pd);
                list_children(cs, pid, reason, cap);
            } else {
                snprintf(reason, cap,
                         "%s is not in the FY%d code set; %s is the complete code there",
                         dotted, cs->year, pd);
            }
            return MC_ENOTFOUND;
        }
    }
    snprintf(reason, cap, "%s is not in the FY%d ICD-10-CM code set", dotted, cs->year);
    return MC_ENOTFOUND;
}
