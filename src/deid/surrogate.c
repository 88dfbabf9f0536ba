/*
 * Output of a de-identified note: "[TYPE]" placeholders (redact) or
 * surrogates (surrogate mode).
 *
 * Surrogates are consistent inside a note: every replacement is a function of
 * (seed, original text of the identifier), so the same name, MRN or phone
 * number gets the same fake everywhere. Names are replaced word by word from
 * the name lists (the same surname keeps one fake in "John Smith" and
 * "Mr. Smith"). Dates move by one per-note day offset, which keeps intervals,
 * and keep their written format (order, separators, zero padding, month
 * names, weekday). Ages over 89 become "90+". ZIP codes keep their first
 * three digits, or 000 for the restricted prefixes (45 CFR 164.514(b)(2)(i)(B)).
 * Phone numbers use the 555-01xx range reserved for fiction; IP addresses
 * the documentation ranges; e-mail and URLs example.org.
 */
#include "deid/deid_int.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* ---- calendar ---- */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}
static void civil_from_days(long z, long *y, long *m, long *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}
static int month_days(long y, long m)
{
    static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : md[m - 1];
}

static const char *const month_full[] = { "January", "February", "March",     "April",
                                          "May",     "June",     "July",      "August",
                                          "September", "October", "November", "December" };
static const char *const dow_full[] = { "Thursday", "Friday",  "Saturday", "Sunday",
                                        "Monday",   "Tuesday", "Wednesday" }; /* day 0 = 1970-01-01 */

static int month_of(const char *s, size_t n)
{
    if (n < 3)
        return 0;
    for (int m = 0; m < 12; m++) {
        const char *f = month_full[m];
        size_t fl = strlen(f);
        if (n > fl)
            continue;
        size_t i = 0;
        while (i < n && mc__lower(s[i]) == mc__lower(f[i]))
            i++;
        if (i == n && (n == 3 || n == fl || (m == 8 && n == 4)))
            return m + 1;
    }
    return 0;
}
static int dow_of(const char *s, size_t n)
{
    if (n < 3)
        return -1;
    for (int k = 0; k < 7; k++) {
        const char *f = dow_full[k];
        size_t fl = strlen(f), i = 0;
        if (n > fl)
            continue;
        while (i < n && mc__lower(s[i]) == mc__lower(f[i]))
            i++;
        if (i == n)
            return k;
    }
    return -1;
}

/* Write word w in the style of the original (all caps, abbreviated to its length). */
/* Write name w in the style of the original: full or abbreviated, its capitals. */
static void put_styled(mc__buf *out, const char *w, const char *orig, size_t on, bool full)
{
    size_t wl = strlen(w), k = full ? wl : (on == 4 && !strcmp(w, "September") ? 4 : 3);
    bool upper = on >= 2 && orig[0] >= 'A' && orig[0] <= 'Z' && orig[1] >= 'A' && orig[1] <= 'Z';
    bool lower = orig[0] >= 'a' && orig[0] <= 'z';
    for (size_t i = 0; i < k; i++) {
        char c = w[i];
        if (upper)
            c = mc__upper(c);
        else if (lower)
            c = mc__lower(c);
        mc__buf_putc(out, c);
    }
}

typedef struct comp {
    size_t s, e; /* inside the span */
    char kind; /* 'n' number, 'm' month word, 'w' weekday, 'x' other */
    long val;
    bool suffix; /* ordinal suffix after the number (st, nd, rd, th) */
    bool apos; /* '24 */
} comp;

static const char *ordinal(long d)
{
    if (d % 100 >= 11 && d % 100 <= 13)
        return "th";
    return d % 10 == 1 ? "st" : d % 10 == 2 ? "nd" : d % 10 == 3 ? "rd" : "th";
}

int mc__deid_date_shift_text(const char *s, size_t n, int shift, int ref_year, mc__buf *out)
{
    comp c[12];
    int nc = 0;
    for (size_t i = 0; i < n && nc < 12;) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= '0' && ch <= '9') {
            comp k = { i, i, 'n', 0, false, i > 0 && s[i - 1] == '\'' };
            while (i < n && s[i] >= '0' && s[i] <= '9' && i - k.s < 9)
                k.val = k.val * 10 + (s[i++] - '0');
            k.e = i;
            if (i + 1 < n && ((s[i] | 32) == 's' || (s[i] | 32) == 'n' || (s[i] | 32) == 'r' ||
                              (s[i] | 32) == 't') &&
                ((s[i + 1] | 32) == 't' || (s[i + 1] | 32) == 'd' || (s[i + 1] | 32) == 'h')) {
                k.suffix = true;
                i += 2;
            }
            c[nc++] = k;
        } else if ((ch | 32) >= 'a' && (ch | 32) <= 'z') {
            comp k = { i, i, 'x', 0, false, false };
            while (i < n && (((unsigned char)s[i] | 32) >= 'a' && ((unsigned char)s[i] | 32) <= 'z'))
                i++;
            k.e = i;
            int m = month_of(s + k.s, k.e - k.s);
            int w = dow_of(s + k.s, k.e - k.s);
            if (m)
                k.kind = 'm', k.val = m;
            else if (w >= 0 && k.e - k.s >= 3)
                k.kind = 'w', k.val = w;
            c[nc++] = k;
        } else {
            i++;
        }
    }
    int iy = -1, im = -1, id = -1, imw = -1, iw = -1;
    int nums[4], nn = 0;
    for (int k = 0; k < nc; k++) {
        if (c[k].kind == 'n' && nn < 4)
            nums[nn++] = k;
        else if (c[k].kind == 'm')
            imw = k;
        else if (c[k].kind == 'w')
            iw = k;
    }
    if (imw >= 0) {
        for (int q = 0; q < nn; q++) {
            comp *k = &c[nums[q]];
            size_t w = k->e - k->s;
            if (w == 4 || k->apos || (iy < 0 && id >= 0 && w == 2 && !k->suffix) ||
                (w == 2 && k->val > 31))
                iy = nums[q];
            else if (id < 0)
                id = nums[q];
            else
                iy = nums[q];
        }
    } else if (nn == 3) {
        size_t w0 = c[nums[0]].e - c[nums[0]].s;
        if (w0 == 4)
            iy = nums[0], im = nums[1], id = nums[2];
        else if (c[nums[0]].val > 12)
            id = nums[0], im = nums[1], iy = nums[2];
        else
            im = nums[0], id = nums[1], iy = nums[2];
    } else if (nn == 2) {
        im = nums[0], id = nums[1];
    } else if (nn == 1 && c[nums[0]].e - c[nums[0]].s == 8) {
        /* YYYYMMDD */
        long v = c[nums[0]].val;
        long y = v / 10000, m = v / 100 % 100, d = v % 100;
        if (m < 1 || m > 12 || d < 1 || d > month_days(y, m))
            return -1;
        long z = days_from_civil(y, m, d) + shift;
        civil_from_days(z, &y, &m, &d);
        mc__buf_printf(out, "%04ld%02ld%02ld", y, m, d);
        return 0;
    } else if (nn == 1 && c[nums[0]].suffix) {
        id = nums[0]; /* "the 3rd" */
    }
    long month = imw >= 0 ? c[imw].val : im >= 0 ? c[im].val : 1;
    long day = id >= 0 ? c[id].val : 15;
    long year = ref_year;
    bool y2 = false;
    if (iy >= 0) {
        year = c[iy].val;
        if (c[iy].e - c[iy].s <= 2) {
            y2 = true;
            year += year < 50 ? 2000 : 1900;
        }
    }
    if (imw < 0 && im < 0 && id < 0)
        return -1;
    if (month < 1 || month > 12 || day < 1 || day > month_days(year, month))
        return -1;
    long z = days_from_civil(year, month, day) + shift, ny, nm, nd;
    civil_from_days(z, &ny, &nm, &nd);
    /* re-write in place: components replaced, everything between them kept */
    size_t at = 0;
    for (int k = 0; k < nc; k++) {
        mc__buf_append(out, s + at, c[k].s - at);
        at = c[k].e;
        size_t w = c[k].e - c[k].s;
        if (k == iy) {
            if (y2)
                mc__buf_printf(out, "%02ld", ny % 100);
            else
                mc__buf_printf(out, "%04ld", ny);
        } else if (k == im) {
            mc__buf_printf(out, w == 2 ? "%02ld" : "%ld", nm);
        } else if (k == id) {
            bool pad = w == 2 && (s[c[k].s] == '0' || imw < 0);
            mc__buf_printf(out, pad ? "%02ld" : "%ld", nd);
            if (c[k].suffix) {
                const char *o = ordinal(nd);
                bool up = s[c[k].e] >= 'A' && s[c[k].e] <= 'Z';
                mc__buf_putc(out, up ? mc__upper(o[0]) : o[0]);
                mc__buf_putc(out, up ? mc__upper(o[1]) : o[1]);
                at = c[k].e + 2;
            }
        } else if (k == imw) {
            put_styled(out, month_full[nm - 1], s + c[k].s, w,
                       w == strlen(month_full[c[k].val - 1]));
        } else if (k == iw) {
            long wd = ((z % 7) + 7) % 7;
            put_styled(out, dow_full[wd], s + c[k].s, w, w == strlen(dow_full[c[k].val]));
        } else {
            mc__buf_append(out, s + c[k].s, w);
        }
    }
    mc__buf_append(out, s + at, n - at);
    return 0;
}

/* ---- other surrogates ---- */
static uint64_t h64(const char *s, size_t n, uint64_t seed) { return XXH64(s, n, seed); }

/* Replace letters and digits by pseudo-random ones of the same class; keep the rest. */
static void scramble(mc__buf *out, const char *s, size_t n, uint64_t h, size_t keep_from)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (i >= keep_from) {
            mc__buf_putc(out, c);
            continue;
        }
        h = h * 6364136223846793005ull + 1442695040888963407ull;
        unsigned r = (unsigned)(h >> 33);
        if (c >= '0' && c <= '9')
            c = (char)('0' + r % 10);
        else if (c >= 'A' && c <= 'Z')
            c = (char)('A' + r % 26);
        else if (c >= 'a' && c <= 'z')
            c = (char)('a' + r % 26);
        mc__buf_putc(out, c);
    }
}

static void put_word_case(mc__buf *out, mc_str w, const char *orig, size_t on)
{
    bool upper = on >= 2 && orig[0] >= 'A' && orig[0] <= 'Z' && orig[1] >= 'A' && orig[1] <= 'Z';
    for (uint32_t i = 0; i < w.n; i++) {
        char c = w.p[i];
        if (upper || i == 0)
            c = mc__upper(c);
        /* "o'brien" -> "O'Brien", "mcdonald" stays "Mcdonald" */
        else if (i > 0 && (w.p[i - 1] == '\'' || w.p[i - 1] == '-' || w.p[i - 1] == ' '))
            c = mc__upper(c);
        mc__buf_putc(out, c);
    }
}

/*
 * Which list a name word takes its fake from (given names or surnames) is fixed
 * at the word's first mention in the note, so every later mention gets the
 * same fake: listed words follow their list; other words are given names when
 * they open a multi-word name ("Giulia Grabowski") or follow the comma of
 * "LAST, First", else surnames.
 */
typedef struct name_map {
    uint64_t *keys; /* hash of the lower-case word, 0 = empty */
    uint8_t *first; /* 1 = given-name list */
    size_t mask;
} name_map;

static uint64_t word_key(const char *s, size_t n, char *low, size_t *k)
{
    *k = 0;
    for (size_t q = 0; q < n && *k < 64; q++)
        low[(*k)++] = mc__lower(s[q]);
    uint64_t h = XXH64(low, *k, 0x6e616d65);
    return h ? h : 1;
}

/* The words of a name span: start, length, and whether a comma came before (at most cap). */
static size_t name_words(const char *s, size_t n, size_t *starts, size_t *lens, bool *comma, size_t cap)
{
    size_t k = 0;
    bool seen_comma = false;
    for (size_t i = 0; i < n && k < cap;) {
        unsigned char ch = (unsigned char)s[i];
        bool letter = (ch | 32) >= 'a' && (ch | 32) <= 'z';
        if (!letter && ch < 0x80) {
            seen_comma = seen_comma || ch == ',';
            i++;
            continue;
        }
        size_t a = i;
        while (i < n && ((((unsigned char)s[i] | 32) >= 'a' && ((unsigned char)s[i] | 32) <= 'z') ||
                         (unsigned char)s[i] >= 0x80 || s[i] == '\''))
            i++;
        starts[k] = a;
        lens[k] = i - a;
        comma[k] = seen_comma;
        k++;
    }
    return k;
}

static void learn_name(const mc_deid *d, name_map *m, const char *s, size_t n)
{
    size_t st[16], ln[16];
    bool cm[16];
    size_t k = name_words(s, n, st, ln, cm, 16);
    bool has_comma = false;
    for (size_t w = 0; w < k; w++)
        has_comma = has_comma || cm[w];
    for (size_t w = 0; w < k; w++) {
        if (ln[w] < 2)
            continue;
        char low[64];
        size_t kl;
        uint64_t key = word_key(s + st[w], ln[w], low, &kl);
        size_t p = key & m->mask;
        while (m->keys[p] && m->keys[p] != key)
            p = (p + 1) & m->mask;
        if (m->keys[p])
            continue; /* decided at an earlier mention */
        bool in_first = mc__wordset_has(&d->first, s + st[w], ln[w]);
        bool in_last = mc__wordset_has(&d->last, s + st[w], ln[w]);
        bool first;
        if (in_first != in_last)
            first = in_first;
        else if (has_comma)
            first = cm[w]; /* "LAST, First Middle" */
        else
            first = k >= 2 && w + 1 < k;
        m->keys[p] = key;
        m->first[p] = first;
    }
}

static void fake_name(const mc_deid *d, const name_map *m, mc__buf *out, const char *s, size_t n,
                      uint64_t seed)
{
    for (size_t i = 0; i < n;) {
        unsigned char ch = (unsigned char)s[i];
        bool letter = (ch | 32) >= 'a' && (ch | 32) <= 'z';
        if (!letter && ch < 0x80) {
            mc__buf_putc(out, (char)ch);
            i++;
            continue;
        }
        size_t a = i;
        while (i < n && ((((unsigned char)s[i] | 32) >= 'a' && ((unsigned char)s[i] | 32) <= 'z') ||
                         (unsigned char)s[i] >= 0x80 || s[i] == '\''))
            i++;
        char low[64];
        size_t k;
        uint64_t key = word_key(s + a, i - a, low, &k);
        uint64_t h = h64(low, k, seed);
        if (i - a == 1) {
            mc__buf_putc(out, (char)('A' + h % 26));
            continue;
        }
        bool first = false;
        if (m && m->keys) {
            size_t p = key & m->mask;
            while (m->keys[p] && m->keys[p] != key)
                p = (p + 1) & m->mask;
            first = m->keys[p] ? m->first[p] : false;
        }
        const mc__wordset *w = first ? &d->first : &d->last;
        mc_str f = mc__wordset_pick(w, h);
        if (f.n == i - a && strncasecmp(f.p, s + a, f.n) == 0)
            f = mc__wordset_pick(w, h + 1);
        put_word_case(out, f, s + a, i - a);
    }
}

static void fake_phone(mc__buf *out, const char *s, size_t n, uint64_t h)
{
    int digits = 0;
    for (size_t i = 0; i < n; i++)
        digits += s[i] >= '0' && s[i] <= '9';
    /* North American numbers: area code, 555, 01xx (reserved for fiction) */
    char fake[24];
    int nf = 0;
    if (digits == 10 || digits == 11) {
        if (digits == 11)
            fake[nf++] = '1';
        fake[nf++] = (char)('2' + h % 8);
        fake[nf++] = (char)('0' + (h >> 8) % 10);
        fake[nf++] = (char)('0' + (h >> 16) % 10);
        memcpy(fake + nf, "55501", 5);
        nf += 5;
        fake[nf++] = (char)('0' + (h >> 24) % 10);
        fake[nf++] = (char)('0' + (h >> 32) % 10);
    } else if (digits == 7) {
        memcpy(fake, "55501", 5);
        nf = 5;
        fake[nf++] = (char)('0' + (h >> 24) % 10);
        fake[nf++] = (char)('0' + (h >> 32) % 10);
    } else {
        scramble(out, s, n, h, n);
        return;
    }
    int k = 0;
    for (size_t i = 0; i < n; i++)
        mc__buf_putc(out, s[i] >= '0' && s[i] <= '9' && k < nf ? fake[k++] : s[i]);
}

static void fake_zip(const mc_deid *d, mc__buf *out, const char *s, size_t n, uint64_t h)
{
    bool restricted = n >= 3 && mc__wordset_has(&d->zip3, s, 3);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            if (i < 3)
                c = restricted ? '0' : c;
            else {
                c = (char)('0' + h % 10);
                h /= 10;
            }
        }
        mc__buf_putc(out, c);
    }
}

static void zip_prefix(const mc_deid *d, mc__buf *out, const char *s, size_t n)
{
    if (n >= 3 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' &&
        s[2] <= '9' && !mc__wordset_has(&d->zip3, s, 3))
        mc__buf_printf(out, "[ZIP:%.3s]", s);
    else
        mc__buf_puts(out, "[ZIP:000]");
}

static void fake_location(const mc_deid *d, mc__buf *out, const char *s, size_t n, uint64_t h)
{
    if (n && s[0] >= '0' && s[0] <= '9') {
        /* street: new number and street name, the suffix (St, Avenue) kept */
        static const char *const suffixes[] = { "street", "st", "avenue", "ave", "road", "rd",
                                                "boulevard", "blvd", "lane", "ln", "drive", "dr",
                                                "court", "ct", "way", "place", "pl", "terrace",
                                                "circle", "parkway", "highway", "hwy", "route",
                                                "square", "trail", "plaza", "box" };
        /* keep everything from the street suffix on ("Street, Apt 5B") */
        size_t keep = n;
        for (size_t i = 0; i < n && keep == n;) {
            while (i < n && !((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z'))
                i++;
            size_t a = i;
            while (i < n && ((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z'))
                i++;
            for (size_t q = 0; q < sizeof suffixes / sizeof suffixes[0] && a < i; q++)
                if (strlen(suffixes[q]) == i - a && strncasecmp(s + a, suffixes[q], i - a) == 0)
                    keep = a;
        }
        mc_str name = mc__wordset_pick(&d->last, h >> 7);
        mc__buf_printf(out, "%u ", (unsigned)(h % 9000 + 100));
        put_word_case(out, name, "Xx", 2);
        if (keep < n) {
            mc__buf_putc(out, ' ');
            mc__buf_append(out, s + keep, n - keep);
        }
        return;
    }
    mc_str city = mc__wordset_pick(&d->cities, h);
    put_word_case(out, city, s, n);
}

static int ref_year_of(const char *text, const mc_deid_span *sp, size_t ns)
{
    for (size_t i = 0; i < ns; i++) {
        if (sp[i].type != MC_DEID_DATE)
            continue;
        for (uint32_t p = sp[i].start; p + 4 <= sp[i].end; p++) {
            const char *q = text + p;
            if ((q[0] == '1' && q[1] == '9') || (q[0] == '2' && q[1] == '0')) {
                if (q[2] >= '0' && q[2] <= '9' && q[3] >= '0' && q[3] <= '9')
                    return (q[0] - '0') * 1000 + (q[1] - '0') * 100 + (q[2] - '0') * 10 + (q[3] - '0');
            }
        }
    }
    return 2000;
}

static void surrogate(const mc_deid *d, const name_map *names, mc__buf *out, const char *text,
                      const mc_deid_span *sp, uint64_t seed, int shift, int ref_year)
{
    const char *s = text + sp->start;
    size_t n = sp->end - sp->start;
    uint64_t h = h64(s, n, seed ^ (uint64_t)sp->type);
    switch (sp->type) {
    case MC_DEID_NAME:
        fake_name(d, names, out, s, n, seed);
        break;
    case MC_DEID_DATE: {
        int m = month_of(s, n); /* non-zero only when the whole span is a month name */
        if (m) {
            /* a bare month name: the month the shift lands in */
            long z = days_from_civil(ref_year, m, 15) + shift, y, mm, dd;
            civil_from_days(z, &y, &mm, &dd);
            put_styled(out, month_full[mm - 1], s, n, n == strlen(month_full[m - 1]));
        } else if (mc__deid_date_shift_text(s, n, shift, ref_year, out) != 0) {
            mc__buf_puts(out, "[DATE]");
        }
        break;
    }
    case MC_DEID_AGE:
        mc__buf_puts(out, "90+");
        break;
    case MC_DEID_PHONE:
    case MC_DEID_FAX:
        fake_phone(out, s, n, h);
        break;
    case MC_DEID_EMAIL: {
        mc_str f = mc__wordset_pick(&d->first, h), l = mc__wordset_pick(&d->last, h >> 17);
        mc__buf_printf(out, "%.*s.%.*s@example.org", (int)f.n, f.p, (int)l.n, l.p);
        break;
    }
    case MC_DEID_URL:
        mc__buf_printf(out, "%swww.example.org/%06x",
                       n > 4 && strncasecmp(s, "http", 4) == 0 ? "https://" : "",
                       (unsigned)(h & 0xffffff));
        break;
    case MC_DEID_IP:
        if (memchr(s, ':', n))
            mc__buf_printf(out, "2001:db8::%x", (unsigned)(h & 0xffff));
        else
            mc__buf_printf(out, "192.0.2.%u", (unsigned)(h % 254 + 1));
        break;
    case MC_DEID_ZIP:
        fake_zip(d, out, s, n, h);
        break;
    case MC_DEID_LOCATION:
        fake_location(d, out, s, n, h);
        break;
    case MC_DEID_PHOTO: {
        const char *dot = memrchr(s, '.', n);
        scramble(out, s, n, h, dot ? (size_t)(dot - s) : n);
        break;
    }
    default:
        scramble(out, s, n, h, n);
        break;
    }
}

int mc__deid_render(const mc_deid *d, const char *text, size_t n, mc_deid_span *spans,
                    size_t nspans, mc_deid_mode mode, uint64_t seed, mc__buf *out, int *date_shift)
{
    *date_shift = 0;
    uint64_t note_key = XXH64(text, n, seed);
    int shift = 0;
    if (mode == MC_DEID_SURROGATE) {
        /* one offset per note: 30..364 days, either direction */
        shift = (int)(30 + note_key % 335) * ((note_key >> 40) & 1 ? 1 : -1);
        *date_shift = shift;
    }
    int ref_year = ref_year_of(text, spans, nspans);
    name_map names = { NULL, NULL, 0 };
    if (mode == MC_DEID_SURROGATE) {
        size_t words = 16;
        for (size_t i = 0; i < nspans; i++)
            if (spans[i].type == MC_DEID_NAME)
                words += 16;
        size_t slots = 32;
        while (slots < words * 2)
            slots <<= 1;
        names.keys = calloc(slots, sizeof *names.keys);
        names.first = calloc(slots, 1);
        if (!names.keys || !names.first) {
            free(names.keys);
            free(names.first);
            return MC_ENOMEM;
        }
        names.mask = slots - 1;
        for (size_t i = 0; i < nspans; i++)
            if (spans[i].type == MC_DEID_NAME)
                learn_name(d, &names, text + spans[i].start, spans[i].end - spans[i].start);
    }
    size_t at = 0;
    for (size_t i = 0; i < nspans; i++) {
        mc_deid_span *sp = &spans[i];
        mc__buf_append(out, text + at, sp->start - at);
        sp->out_start = (uint32_t)out->n;
        if (mode == MC_DEID_TAG) {
            mc__buf_append(out, text + sp->start, sp->end - sp->start);
        } else if (mode == MC_DEID_REDACT) {
            if (sp->type == MC_DEID_ZIP)
                zip_prefix(d, out, text + sp->start, sp->end - sp->start);
            else
                mc__buf_printf(out, "[%s]", mc_deid_type_name(sp->type));
        } else {
            surrogate(d, &names, out, text, sp, seed, shift, ref_year);
        }
        sp->out_end = (uint32_t)out->n;
        at = sp->end;
    }
    mc__buf_append(out, text + at, n - at);
    if (!out->p)
        mc__buf_append(out, "", 0);
    free(names.keys);
    free(names.first);
    return out->err;
}
