/*
 * De-identification benchmark: throughput on MTSamples (MB/s, one core,
 * median of runs) beside a baseline measured in the same run (the PCRE2
 * patterns alone, without the word-level name/place rules, merging or
 * output), and outside accuracy checks on presidio-research synthetic PII
 * (English, not clinical) and MEDDOCAN (Spanish clinical), recall and
 * precision per mapped type (gold offsets are characters, converted to bytes).
 * Spans found on MTSamples are counted per type (no gold standard there).
 * MEDCODE_DEID_ACCURACY_ONLY=1 skips the throughput part; MEDCODE_DEID_MISSES=1
 * prints missed and spurious spans of the outside checks on stderr.
 *
 * Data: $MEDCODE_BENCH_DIR (default ../shared/bench). Usage: bench_deid OUT.md
 */
#include "deid/deid_int.h"
#include "medcode/deid.h"

#include <ctype.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 5
static bool accuracy_only;

typedef struct note {
    char *p;
    size_t n;
} note;

static const char *bench_dir(void)
{
    const char *d = getenv("MEDCODE_BENCH_DIR");
    return d && *d ? d : "../shared/bench";
}

/* CPU time of this process: the machines are shared, so wall time would count other jobs. */
static uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static note *load_mtsamples(size_t *count, size_t *bytes)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "gzip -dc '%s/mtsamples/mtsamples.jsonl.gz'", bench_dir());
    FILE *f = popen(cmd, "r");
    if (!f)
        return NULL;
    size_t cap = 8192, k = 0;
    note *v = malloc(cap * sizeof *v);
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    *bytes = 0;
    while (v && (len = getline(&line, &lcap, f)) > 0) {
        json_t *o = json_loadb(line, (size_t)len, 0, NULL);
        json_t *t = o ? json_object_get(o, "transcription") : NULL;
        if (json_is_string(t) && json_string_length(t) > 0 && k < cap) {
            v[k].n = json_string_length(t);
            v[k].p = malloc(v[k].n + 1);
            memcpy(v[k].p, json_string_value(t), v[k].n + 1);
            *bytes += v[k].n;
            k++;
        }
        json_decref(o);
    }
    free(line);
    pclose(f);
    *count = k;
    return v;
}

/* ---- accuracy against an outside gold standard ---- */
typedef struct gspan {
    uint32_t s, e;
    int type; /* mc_deid_type, or -1 when the label is not a Safe Harbor type we map */
} gspan;

typedef struct score {
    long gold[MC_DEID_NTYPES], hit[MC_DEID_NTYPES], overlap[MC_DEID_NTYPES];
    long pred[MC_DEID_NTYPES], tp[MC_DEID_NTYPES], neutral[MC_DEID_NTYPES];
} score;

/* Gold offsets count characters; convert them to byte offsets of the UTF-8 text. */
static void chars_to_bytes(const char *text, size_t n, gspan *g, int ng)
{
    for (int i = 0; i < ng; i++) {
        uint32_t *v[2] = { &g[i].s, &g[i].e };
        for (int k = 0; k < 2; k++) {
            size_t chars = 0, b = 0;
            while (b < n && chars < *v[k]) {
                b++;
                while (b < n && ((unsigned char)text[b] & 0xC0) == 0x80)
                    b++;
                chars++;
            }
            *v[k] = (uint32_t)b;
        }
    }
}

static void score_doc(const mc_deid *d, const char *text, size_t n, gspan *g, int ng, score *sc)
{
    chars_to_bytes(text, n, g, ng);
    bool verbose = getenv("MEDCODE_DEID_MISSES") != NULL;
    mc_deid_opts o = { MC_DEID_TAG, true, 1, 0 };
    mc_deid_result *r = NULL;
    if (mc_deid_run(d, text, n, &o, &r, NULL))
        return;
    const mc_deid_span *sp = mc_deid_result_spans(r);
    size_t ns = mc_deid_result_count(r);
    for (int i = 0; i < ng; i++) {
        if (g[i].type < 0)
            continue;
        bool all = true, any = false;
        for (uint32_t q = g[i].s; q < g[i].e && q < n; q++) {
            if (!isalnum((unsigned char)text[q]))
                continue;
            bool in = false;
            for (size_t j = 0; j < ns && !in; j++)
                in = sp[j].start <= q && q < sp[j].end;
            all = all && in;
            any = any || in;
        }
        sc->gold[g[i].type]++;
        if (!all && verbose)
            fprintf(stderr, "miss %s: '%.*s'\n", mc_deid_type_name((mc_deid_type)g[i].type),
                    (int)(g[i].e - g[i].s), text + g[i].s);
        sc->hit[g[i].type] += all;
        sc->overlap[g[i].type] += any;
    }
    for (size_t j = 0; j < ns; j++) {
        bool tp = false, unmapped = false;
        for (int i = 0; i < ng; i++)
            if (sp[j].start < g[i].e && g[i].s < sp[j].end) {
                if (g[i].type >= 0)
                    tp = true;
                else
                    unmapped = true;
            }
        if (!tp && unmapped) {
            sc->neutral[sp[j].type]++;
            continue;
        }
        sc->pred[sp[j].type]++;
        sc->tp[sp[j].type] += tp;
        if (!tp && verbose)
            fprintf(stderr, "spurious %s: '%.*s'\n", mc_deid_type_name(sp[j].type),
                    (int)(sp[j].end - sp[j].start), text + sp[j].start);
    }
    mc_deid_result_free(r);
}

static void print_scores(FILE *out, const score *sc)
{
    fprintf(out, "| type | gold spans | recall (fully covered) | recall (any overlap) | found | precision |\n"
                 "|---|---:|---:|---:|---:|---:|\n");
    long g = 0, h = 0, ov = 0, p = 0, tp = 0;
    for (int t = 0; t < MC_DEID_NTYPES; t++) {
        if (!sc->gold[t] && !sc->pred[t])
            continue;
        g += sc->gold[t], h += sc->hit[t], ov += sc->overlap[t], p += sc->pred[t], tp += sc->tp[t];
        char r1[16] = "-", r2[16] = "-", pr[16] = "-";
        if (sc->gold[t]) {
            snprintf(r1, sizeof r1, "%.3f", (double)sc->hit[t] / (double)sc->gold[t]);
            snprintf(r2, sizeof r2, "%.3f", (double)sc->overlap[t] / (double)sc->gold[t]);
        }
        if (sc->pred[t])
            snprintf(pr, sizeof pr, "%.3f", (double)sc->tp[t] / (double)sc->pred[t]);
        fprintf(out, "| %s | %ld | %s | %s | %ld | %s |\n", mc_deid_type_name((mc_deid_type)t),
                sc->gold[t], r1, r2, sc->pred[t], pr);
    }
    fprintf(out, "| **all mapped** | %ld | %.3f | %.3f | %ld | %.3f |\n\n", g,
            g ? (double)h / (double)g : 0, g ? (double)ov / (double)g : 0, p,
            p ? (double)tp / (double)p : 0);
}

static int map_presidio(const char *t, const char *value)
{
    static const struct {
        const char *name;
        int type;
    } m[] = { { "PERSON", MC_DEID_NAME },          { "STREET_ADDRESS", MC_DEID_LOCATION },
              { "DATE_TIME", MC_DEID_DATE },       { "PHONE_NUMBER", MC_DEID_PHONE },
              { "EMAIL_ADDRESS", MC_DEID_EMAIL },  { "US_SSN", MC_DEID_SSN },
              { "IP_ADDRESS", MC_DEID_IP },        { "CREDIT_CARD", MC_DEID_ACCOUNT },
              { "IBAN_CODE", MC_DEID_ACCOUNT },    { "US_DRIVER_LICENSE", MC_DEID_LICENSE },
              { "DOMAIN_NAME", MC_DEID_URL },      { "ZIP_CODE", MC_DEID_ZIP },
              { "AGE", MC_DEID_AGE } };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (!strcmp(t, m[i].name)) {
            /* only ages over 89 are Safe Harbor identifiers */
            if (m[i].type == MC_DEID_AGE && atoi(value) < 90)
                return -1;
            return m[i].type;
        }
    return -1; /* ORGANIZATION, GPE (countries, states, cities mixed), TITLE, NRP */
}

static bool presidio(const mc_deid *d, FILE *out)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/presidio-synth/synth_dataset_v2.json", bench_dir());
    json_t *root = json_load_file(path, 0, NULL);
    if (!json_is_array(root)) {
        fprintf(out, "presidio-synth not found at %s: skipped.\n\n", path);
        json_decref(root);
        return false;
    }
    score sc;
    memset(&sc, 0, sizeof sc);
    size_t i;
    json_t *rec;
    json_array_foreach(root, i, rec)
    {
        const char *text = json_string_value(json_object_get(rec, "full_text"));
        json_t *spans = json_object_get(rec, "spans");
        if (!text || !json_is_array(spans))
            continue;
        gspan g[64];
        int ng = 0;
        size_t k;
        json_t *s;
        json_array_foreach(spans, k, s)
        {
            if (ng == 64)
                break;
            const char *t = json_string_value(json_object_get(s, "entity_type"));
            const char *v = json_string_value(json_object_get(s, "entity_value"));
            /* positions are characters; the text is ASCII except for a few records */
            g[ng].s = (uint32_t)json_integer_value(json_object_get(s, "start_position"));
            g[ng].e = (uint32_t)json_integer_value(json_object_get(s, "end_position"));
            g[ng].type = t ? map_presidio(t, v ? v : "") : -1;
            ng++;
        }
        score_doc(d, text, strlen(text), g, ng, &sc);
    }
    size_t nrec = json_array_size(root);
    json_decref(root);
    fprintf(out, "### presidio-research synthetic PII (English, not clinical; %zu records)\n\n"
                 "Mapped: PERSON→NAME, STREET_ADDRESS→LOCATION, DATE_TIME→DATE, PHONE_NUMBER→PHONE, "
                 "EMAIL_ADDRESS→EMAIL, US_SSN→SSN, IP_ADDRESS→IP, CREDIT_CARD and IBAN_CODE→ACCOUNT, "
                 "US_DRIVER_LICENSE→LICENSE, DOMAIN_NAME→URL, ZIP_CODE→ZIP, AGE over 89→AGE. "
                 "ORGANIZATION, GPE, TITLE, NRP and ages under 90 are not Safe Harbor types: spans "
                 "found only on them are neither counted right nor wrong. DATE_TIME includes years, "
                 "decades and times, which Safe Harbor keeps. A gold span is *fully covered* when "
                 "all its letters and digits lie inside found spans (of any type).\n\n",
            nrec);
    print_scores(out, &sc);
    return true;
}

static int map_meddocan(const char *t, const char *value)
{
    static const struct {
        const char *name;
        int type;
    } m[] = { { "FECHAS", MC_DEID_DATE },
              { "NUMERO_TELEFONO", MC_DEID_PHONE },
              { "NUMERO_FAX", MC_DEID_FAX },
              { "CORREO_ELECTRONICO", MC_DEID_EMAIL },
              { "ID_SUJETO_ASISTENCIA", MC_DEID_MRN },
              { "ID_ASEGURAMIENTO", MC_DEID_HEALTHPLAN },
              { "ID_CONTACTO_ASISTENCIAL", MC_DEID_ACCOUNT },
              { "ID_TITULACION_PERSONAL_SANITARIO", MC_DEID_LICENSE },
              { "ID_EMPLEO_PERSONAL_SANITARIO", MC_DEID_ID },
              { "OTROS_SUJETO_ASISTENCIA", MC_DEID_ID },
              { "CALLE", MC_DEID_LOCATION },
              { "TERRITORIO", MC_DEID_LOCATION },
              { "NOMBRE_SUJETO_ASISTENCIA", MC_DEID_NAME },
              { "NOMBRE_PERSONAL_SANITARIO", MC_DEID_NAME },
              { "EDAD_SUJETO_ASISTENCIA", MC_DEID_AGE },
              { "URL_WEB", MC_DEID_URL },
              { "DIREC_PROT_INTERNET", MC_DEID_IP },
              { "IDENTIF_VEHICULOS_NRSERIE_PLACAS", MC_DEID_VEHICLE },
              { "IDENTIF_DISPOSITIVOS_NRSERIE", MC_DEID_DEVICE },
              { "IDENTIF_BIOMETRICOS", MC_DEID_BIOMETRIC } };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (!strcmp(t, m[i].name)) {
            if (m[i].type == MC_DEID_AGE && atoi(value) < 90)
                return -1;
            return m[i].type;
        }
    return -1; /* PAIS, HOSPITAL, INSTITUCION, SEXO, PROFESION, FAMILIARES, CENTRO_SALUD */
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)len + 1);
    *n = fread(p, 1, (size_t)len, f);
    p[*n] = 0;
    fclose(f);
    return p;
}

static bool meddocan(const mc_deid *d, FILE *out)
{
    const char *splits[] = { "dev", "test" };
    score sc;
    memset(&sc, 0, sizeof sc);
    int docs = 0;
    for (int s = 0; s < 2; s++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/meddocan/corpus/%s/brat", bench_dir(), splits[s]);
        DIR *dp = opendir(dir);
        if (!dp)
            continue;
        struct dirent *de;
        while ((de = readdir(dp))) {
            size_t l = strlen(de->d_name);
            if (l < 5 || strcmp(de->d_name + l - 4, ".txt"))
                continue;
            char tp[1400], ap[1400];
            snprintf(tp, sizeof tp, "%s/%s", dir, de->d_name);
            snprintf(ap, sizeof ap, "%s/%.*s.ann", dir, (int)(l - 4), de->d_name);
            size_t tn = 0, an = 0;
            char *text = slurp(tp, &tn), *ann = slurp(ap, &an);
            if (text && ann) {
                gspan g[512];
                int ng = 0;
                for (char *line = strtok(ann, "\n"); line && ng < 512; line = strtok(NULL, "\n")) {
                    char label[64], value[256] = "";
                    unsigned a, b;
                    if (line[0] != 'T' || sscanf(line, "%*s %63s %u %u", label, &a, &b) != 3)
                        continue;
                    const char *tab = strrchr(line, '\t');
                    if (tab)
                        snprintf(value, sizeof value, "%s", tab + 1);
                    g[ng].s = a, g[ng].e = b, g[ng].type = map_meddocan(label, value);
                    ng++;
                }
                score_doc(d, text, tn, g, ng, &sc);
                docs++;
            }
            free(text);
            free(ann);
        }
        closedir(dp);
    }
    if (!docs) {
        fprintf(out, "MEDDOCAN not found under %s/meddocan: skipped.\n\n", bench_dir());
        return false;
    }
    fprintf(out, "### MEDDOCAN (Spanish clinical cases, dev + test splits, %d documents)\n\n"
                 "Mapped: FECHAS→DATE, NUMERO_TELEFONO→PHONE, NUMERO_FAX→FAX, CORREO_ELECTRONICO→EMAIL, "
                 "ID_SUJETO_ASISTENCIA→MRN, ID_ASEGURAMIENTO→HEALTHPLAN, ID_CONTACTO_ASISTENCIAL→ACCOUNT, "
                 "ID_TITULACION_PERSONAL_SANITARIO→LICENSE, ID_EMPLEO_PERSONAL_SANITARIO and "
                 "OTROS_SUJETO_ASISTENCIA→ID, CALLE and TERRITORIO→LOCATION (TERRITORIO mixes cities, "
                 "provinces and postal codes), names of patients and staff→NAME, ages over 89→AGE, "
                 "URL_WEB→URL. Countries, hospitals, institutions, sex, professions, relatives and "
                 "ages under 90 are unmapped (neutral). medcode's name lists and context words are "
                 "English, so Spanish names are expected to be weak.\n\n",
            docs);
    print_scores(out, &sc);
    return true;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_deid OUTPUT.md\n");
        return 2;
    }
    mc_deid *d;
    if (mc_deid_new(&d, NULL)) {
        fprintf(stderr, "bench_deid: cannot build the engine\n");
        return 1;
    }
    FILE *out = fopen(argv[1], "w");
    if (!out)
        return 1;
    fprintf(out, "## De-identification (medcode deid)\n\n");
    size_t count = 0, bytes = 0;
    accuracy_only = getenv("MEDCODE_DEID_ACCURACY_ONLY") != NULL;
    note *notes = accuracy_only ? NULL : load_mtsamples(&count, &bytes);
    if (!notes || !count) {
        fprintf(out, "MTSamples not found under %s: throughput skipped.\n\n", bench_dir());
    } else {
        double full[RUNS], base[RUNS], naive[RUNS];
        long spans_by_type[MC_DEID_NTYPES] = { 0 };
        for (int r = 0; r < RUNS; r++) {
            uint64_t t0 = cpu_ns();
            for (size_t i = 0; i < count; i++) {
                mc_deid_opts o = { MC_DEID_REDACT, true, 1, 0 };
                mc_deid_result *res = NULL;
                if (mc_deid_run(d, notes[i].p, notes[i].n, &o, &res, NULL) == 0 && r == 0) {
                    const mc_deid_span *sp = mc_deid_result_spans(res);
                    for (size_t j = 0; j < mc_deid_result_count(res); j++)
                        spans_by_type[sp[j].type]++;
                }
                mc_deid_result_free(res);
            }
            uint64_t t1 = cpu_ns();
            for (size_t i = 0; i < count; i++) {
                size_t ns;
                mc__deid_bench_regex_only(d, notes[i].p, notes[i].n, false, &ns);
            }
            uint64_t t2 = cpu_ns();
            for (size_t i = 0; i < count; i++) {
                size_t ns;
                mc__deid_bench_regex_only(d, notes[i].p, notes[i].n, true, &ns);
            }
            uint64_t t3 = cpu_ns();
            naive[r] = (double)bytes / 1e6 / ((double)(t3 - t2) / 1e9);
            full[r] = (double)bytes / 1e6 / ((double)(t1 - t0) / 1e9);
            base[r] = (double)bytes / 1e6 / ((double)(t2 - t1) / 1e9);
        }
        double mf = median(full, RUNS), mb = median(base, RUNS), mn = median(naive, RUNS);
        fprintf(out,
                "### Throughput on MTSamples (%zu notes, %.1f MB, one core, CPU time, median of %d runs)\n\n"
                "| pipeline | MB/s |\n|---|---:|\n"
                "| medcode deid, redact mode (patterns + names/places + merge + output) | %.1f |\n"
                "| the PCRE2 patterns alone, run at their trigger words and numbers | %.1f |\n"
                "| baseline: the same PCRE2 patterns (JIT), each scanning the whole note | %.1f |\n\n"
                "Target: at least 20 MB/s per core. The full pipeline runs %.1fx as fast as the "
                "naive pattern baseline.\n\n",
                count, (double)bytes / 1e6, RUNS, mf, mb, mn, mf / mn);
        fprintf(out, "Spans found on MTSamples, per MB of text. Its names were blanked (\"Dr. XYZ\"), "
                     "but dates and some places were left in, and the blanks themselves are found "
                     "as names after titles; so these counts mix true finds with false positives "
                     "(no gold standard):\n\n"
                     "| type | spans | per MB |\n|---|---:|---:|\n");
        for (int t = 0; t < MC_DEID_NTYPES; t++)
            if (spans_by_type[t])
                fprintf(out, "| %s | %ld | %.1f |\n", mc_deid_type_name((mc_deid_type)t),
                        spans_by_type[t], (double)spans_by_type[t] / ((double)bytes / 1e6));
        fprintf(out, "\n");
        printf("deid: %.1f MB/s (patterns at triggers %.1f MB/s, naive patterns %.1f MB/s)\n", mf, mb, mn);
    }
    presidio(d, out);
    meddocan(d, out);
    fclose(out);
    for (size_t i = 0; i < count; i++)
        free(notes[i].p);
    free(notes);
    mc_deid_free(d);
    return 0;
}
