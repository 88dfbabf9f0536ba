/*
 * The coding pipeline: check the note, analyse it (nlp), find phrases
 * (match.c), decide from each mention's assertion whether it may be coded
 * (the setting's rules), resolve reportable codes (resolve.c), apply the
 * guideline rules (rules.c), gather codes with their evidence, sequence them
 * and hand out the result. Everything per note lives in one capped arena.
 */
#include "coder/coder_int.h"
#include "coder/meat.h"
#include "coder/pcs_axis.h"
#include "medcode/risk.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct result_priv {
    mc_coder_result pub; /* first member: the public view */
    mc__arena arena;
};

int mc_coder_open(const mc_bundle *b, mc_coder **out, mc_diag *diag)
{
    *out = NULL;
    const void *data;
    size_t n;
    if (mc_bundle_section(b, MC__CAC_LEX_TAG, &data, &n) != MC_OK)
        return mc_diag_set(diag, MC_ENOTFOUND,
                           "bundle has no coder lexicon (section %s): rebuild it with 'medcode "
                           "build'",
                           MC__CAC_LEX_TAG);
    mc_coder *c = calloc(1, sizeof *c);
    if (!c)
        return MC_ENOMEM;
    c->bundle = b;
    c->year = mc_bundle_year(b);
    int rc = mc__lex_load(data, n, &c->lex, diag);
    if (rc) {
        free(c);
        return rc;
    }
    /* ICD-10-PCS titles and validity for learned procedure codes (optional) */
    if (mc_pcs_open(b, &c->pcs, NULL) != MC_OK)
        c->pcs = NULL;
    if (mc_codeset_open(b, &c->cs, NULL) != MC_OK)
        c->cs = NULL;
    c->pax = mc__pax_open(b, c->lex, c->pcs);
    *out = c;
    return MC_OK;
}

void mc_coder_close(mc_coder *c)
{
    if (!c)
        return;
    mc__lex_free(c->lex);
    mc_pcs_close(c->pcs);
    mc_codeset_close(c->cs);
    mc__pax_free(c->pax);
    free(c->with_heads);
    free(c->with_keys);
    free(c);
}

void *mc__cac_push(run *r, void **arr, uint32_t *n, uint32_t *cap, size_t elem)
{
    if (*n == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 16;
        void *p = mc__arena_alloc(&r->arena, (size_t)nc * elem);
        if (!p) {
            r->err = MC_ELIMIT;
            return NULL;
        }
        if (*n)
            memcpy(p, *arr, (size_t)*n * elem);
        *arr = p;
        *cap = nc;
    }
    return (char *)*arr + (size_t)(*n)++ * elem;
}

char *mc__cac_printf(run *r, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (k < 0)
        k = 0;
    if ((size_t)k >= sizeof buf)
        k = sizeof buf - 1;
    char *p = mc__arena_strndup(&r->arena, buf, (size_t)k);
    if (!p)
        r->err = MC_ELIMIT;
    return p ? p : (char *)"";
}

void mc__cac_query(run *r, const char *about, const char *question)
{
    for (uint32_t i = 0; i < r->n_q; i++)
        if (!strcmp(r->q[i].question, question))
            return;
    mc_coder_query *q = mc__cac_push(r, (void **)&r->q, &r->n_q, &r->cap_q, sizeof *q);
    if (q) {
        q->about = about;
        q->question = question;
    }
}

void mc__cac_not_coded(run *r, uint32_t start, uint32_t end, const char *reason)
{
    for (uint32_t i = 0; i < r->n_nc; i++)
        if (r->nc[i].span.start == start && r->nc[i].span.end == end)
            return;
    mc_not_coded *x = mc__cac_push(r, (void **)&r->nc, &r->n_nc, &r->cap_nc, sizeof *x);
    if (x) {
        x->span.start = start;
        x->span.end = end;
        x->reason = reason;
    }
}

mc_coder_span mc__cac_span(const run *r, const mention *m)
{
    mc_coder_span s = { r->doc->tokens[m->first].start, r->doc->tokens[m->last].end };
    return s;
}

/* Encounter context for 7th characters (Section I.C.19.a). */
static char encounter_context(const run *r)
{
    const mc_nlp_doc *d = r->doc;
    for (uint32_t i = 0; i < d->n_tokens; i++) {
        const char *w = d->tokens[i].norm;
        const char *nx = i + 1 < d->n_tokens ? d->tokens[i + 1].norm : "";
        if (!strcmp(w, "sequela") || !strcmp(w, "sequelae") ||
            (!strcmp(w, "late") && !strcmp(nx, "effect")))
            return 'S';
    }
    for (uint32_t i = 0; i < d->n_tokens; i++) {
        const char *w = d->tokens[i].norm;
        const char *nx = i + 1 < d->n_tokens ? d->tokens[i + 1].norm : "";
        if ((!strcmp(w, "subsequent") && !strcmp(nx, "encounter")) ||
            (!strcmp(w, "routine") && !strcmp(nx, "healing")) ||
            (!strcmp(w, "follow") && !strcmp(nx, "up")) || !strcmp(w, "followup") ||
            (!strcmp(w, "cast") && !strcmp(nx, "check")) ||
            (!strcmp(w, "suture") && !strcmp(nx, "removal")))
            return 'D';
    }
    return 'A';
}

/*
 * Is this English? Clinical English uses function words ("the", "and",
 * "with", "of", "patient") in a few percent of its words at least; a long
 * note without them (Spanish, German, random bytes in letters) is not coded
 * rather than coded from accidental look-alike words.
 */
static bool looks_english(const mc_nlp_doc *d)
{
    static const char *const fw[] = { "the", "and", "of", "with", "was", "is", "to", "in",
                                      "for", "patient", "on", "has", "he", "she", "an", "this", "were",
                                      "not", "without", "history", "denies", "at", "or" };
    if (d->n_tokens < 20)
        return true;
    uint32_t hits = 0;
    for (uint32_t i = 0; i < d->n_tokens; i++)
        for (size_t k = 0; k < sizeof fw / sizeof fw[0]; k++)
            if (d->tokens[i].norm[0] == fw[k][0] && !strcmp(d->tokens[i].norm, fw[k])) {
                hits++;
                break;
            }
    return hits * 100 >= 6 * d->n_tokens;
}

/*
 * May this mention be coded? Returns NULL when yes, else the reason.
 * Negated and hypothetical mentions are never coded; family mentions only
 * through a family-history code (Z80-Z84); uncertain diagnoses are coded as
 * established for inpatients (Section II.H, III.C) and not for outpatients
 * (Section IV.H: code the signs and symptoms instead).
 */
static const char *policy(const run *r, const mention *m)
{
    const lex_entry *e = mc__cac_entry(r, m->entry);
    unsigned a = m->assert;
    if (r->opts->all_mentions)
        return NULL; /* annotation mode: every mention, whatever its assertion */
    if (a & MC_ASSERT_NEGATED)
        return "negated";
    if (a & MC_ASSERT_HYPOTHETICAL)
        return "hypothetical";
    if (a & MC_ASSERT_FAMILY) {
        if (!(e->code[0] == 'Z' && e->code[1] == '8' && e->code[2] >= '0' && e->code[2] <= '4'))
            return "family history";
    }
    if ((a & MC_ASSERT_UNCERTAIN) && r->opts->setting == MC_SETTING_OUTPATIENT)
        return "uncertain (outpatient)";
    if (m->procedure) {
        mc_sec_kind k = r->doc->sections[r->doc->sentences[m->sentence].section].kind;
        if (k == MC_SEC_PLAN || k == MC_SEC_INSTRUCTIONS || k == MC_SEC_PSH ||
            (a & MC_ASSERT_HISTORICAL))
            return "procedure not performed in this encounter";
    }
    return NULL;
}

static float src_weight(char src)
{
    switch (src) {
    case LEX_INDEX: return 0.9f;
    case LEX_NEOPLASM: return 0.85f;
    case LEX_TITLE: return 0.75f;
    default: return 0.8f;
    }
}

/* Remember where a diagnosis was stated, for sequencing (rules.c). */
static void note_meta(run *r, uint32_t i, const mention *m)
{
    if (i >= r->n_meta)
        return;
    coded_meta *cm = &r->meta[i];
    const mc_nlp_sentence *se = &r->doc->sentences[m->sentence];
    mc_sec_kind k = r->doc->sections[se->section].kind;
    float prio = k == MC_SEC_PRINCIPAL                                  ? 4.0f
                 : (k == MC_SEC_DIAGNOSES || k == MC_SEC_POSTOP_DX)     ? 3.0f - 0.1f * (float)(se->item > 5 ? 5 : se->item)
                 : k == MC_SEC_ASSESSMENT                               ? 2.5f - 0.1f * (float)(se->item > 5 ? 5 : se->item)
                 : k == MC_SEC_ADMIT_DX                                 ? 2.0f
                 : (k == MC_SEC_CC || k == MC_SEC_HPI || k == MC_SEC_NONE) ? 1.0f
                                                                        : 0.5f;
    if (prio > cm->prio)
        cm->prio = prio;
    uint32_t pos = r->doc->tokens[m->first].start;
    if (pos < cm->pos)
        cm->pos = pos;
    if (mc__sec_info(k)->diagnostic)
        cm->diagnostic = true;
    cm->sentences_mask |= 1ull << (m->sentence & 63);
}

void mc__cac_add_rule(run *r, const char *undotted, mc_coder_span ev, const char *why)
{
    const lex_code *lc = mc__cac_code(r, undotted);
    if (!lc || !lc->billable)
        return;
    char dotted[9];
    snprintf(dotted, sizeof dotted, "%.3s.%s", undotted, undotted + 3);
    for (uint32_t i = 0; i < r->n_dx; i++)
        if (!strcmp(r->dx[i].code, dotted))
            return;
    mc_coded *c = mc__cac_push(r, (void **)&r->dx, &r->n_dx, &r->cap_dx, sizeof *c);
    coded_meta *cm = mc__cac_push(r, (void **)&r->meta, &r->n_meta, &r->cap_meta, sizeof *cm);
    mc_coder_span *sp = mc__arena_alloc(&r->arena, sizeof *sp);
    if (!c || !cm || !sp) {
        r->err = MC_ELIMIT;
        return;
    }
    memset(c, 0, sizeof *c);
    memset(cm, 0, sizeof *cm);
    mc__strlcpy(c->code, dotted, sizeof c->code);
    c->title = lc->title;
    c->confidence = 0.8f;
    *sp = ev;
    c->evidence = sp;
    c->n_evidence = 1;
    c->rationale = why;
    cm->pos = ev.start;
    cm->prio = 0.1f;
}

static void add_coded(run *r, mention *m);

/*
 * "Use additional code" / "code also" (Section I.A.12): a mention absorbed
 * into a longer one (N18.6 "end stage renal disease" inside the index path of
 * I12.0) is coded too when the tabular notes of the code it went into ask for
 * a code in its range.
 */
static void use_additional(run *r)
{
    if (!r->c->cs)
        return;
    mc_cm_note notes[64];
    for (uint32_t i = 0; i < r->n_m && !r->err; i++) {
        mention *m = &r->m[i];
        if (!m->dropped || m->dropped_by >= r->n_m || m->procedure)
            continue;
        const mention *d = &r->m[m->dropped_by];
        if (d->dropped || !d->code[0] || d->procedure || policy(r, d) || policy(r, m))
            continue;
        /* the notes are checked on the phrase's own code first, resolving only a wanted one */
        const lex_entry *me = mc__cac_entry(r, m->entry);
        char raw[9];
        size_t rk = 0;
        for (const char *q = me->code; *q && rk < 7; q++)
            if (*q != '.' && *q != '-')
                raw[rk++] = *q;
        raw[rk] = 0;
        if (rk < 3 || !strncmp(raw, d->code, 3))
            continue;
        bool have = false;
        for (uint32_t k = 0; k < r->n_dx && !have; k++)
            have = !strncmp(r->dx[k].code, raw, 3);
        if (have)
            continue; /* a code of that category is already there (N18.32 from its own phrase) */
        mc_cm_code dc;
        if (mc_cm_lookup(r->c->cs, d->code, strlen(d->code), &dc) != MC_OK)
            continue;
        uint32_t nn = mc_cm_notes(r->c->cs, dc.id, true, notes, 64);
        if (nn > 64)
            nn = 64;
        bool wanted = false;
        for (uint32_t k = 0; k < nn && !wanted; k++) {
            if (notes[k].kind != MC_NOTE_USE_ADDITIONAL && notes[k].kind != MC_NOTE_CODE_ALSO)
                continue;
            for (uint32_t q = 0; q < notes[k].n_refs && !wanted; q++) {
                mc_code_range rg;
                if (mc_cm_note_ref(r->c->cs, &notes[k], q, &rg) == MC_OK)
                    wanted = mc_code_in_range(raw, &rg) ||
                             (strlen(raw) < strlen(rg.lo) && !strncmp(raw, rg.lo, strlen(raw)));
            }
        }
        if (!wanted)
            continue;
        uint32_t nq = r->n_q;
        mc__cac_resolve(r, m);
        r->n_q = nq; /* a partner code raises no query of its own */
        if (!m->code[0])
            continue;
        m->rule = mc__cac_printf(r, "Guidelines I.A.12: \"use additional code\" note of %.3s.%s",
                                 d->code, d->code + 3);
        add_coded(r, m);
    }
}

/* Add (or extend) the coded item for mention m. */
static void add_coded(run *r, mention *m)
{
    const lex_entry *e = mc__cac_entry(r, m->entry);
    mc_coded **arr = m->procedure ? &r->px : &r->dx;
    uint32_t *n = m->procedure ? &r->n_px : &r->n_dx, *cap = m->procedure ? &r->cap_px : &r->cap_dx;
    char dotted[9];
    if (m->procedure || strlen(m->code) <= 3)
        mc__strlcpy(dotted, m->code, sizeof dotted);
    else
        snprintf(dotted, sizeof dotted, "%.3s.%s", m->code, m->code + 3);
    /*
     * A learned model may say that coders of its training notes reported this
     * code's sibling for the same words (same category, e.g. R59.9 where the
     * index gives R59.1): the code is replaced, the evidence stays.
     */
    float rw_prec = -1;
    if (!m->procedure && r->opts->model && !m->rule) {
        const char *to = mc__cac_model_rewrite(r->opts->model, dotted, &rw_prec);
        if (to) {
            m->rule = mc__cac_printf(r, "learned from coded training notes: reported as %s, not %s",
                                     to, dotted);
            mc__strlcpy(dotted, to, sizeof dotted);
            size_t k = 0;
            for (const char *q = to; *q && k < 8; q++)
                if (*q != '.')
                    m->code[k++] = *q;
            m->code[k] = 0;
        }
    }
    mc_coder_span sp = mc__cac_span(r, m);
    const mc_sec_info *si = mc__sec_info(r->doc->sections[r->doc->sentences[m->sentence].section].kind);
    float conf = src_weight(e->src) * (0.6f + 0.4f * si->weight);
    if (m->assert & MC_ASSERT_UNCERTAIN)
        conf *= 0.85f;
    /*
     * A learned phrase carries its own training precision; a lexicon code is
     * calibrated with the precision the code had in training.
     */
    float prec = rw_prec >= 0          ? rw_prec
                 : e->src == LEX_LEARNED ? -1
                                         : mc__cac_model_precision(r->opts->model, dotted);
    if (e->src == LEX_LEARNED && rw_prec < 0)
        conf = e->prior;
    else if (prec >= 0)
        conf = 0.3f * conf + 0.7f * prec;
    for (uint32_t i = 0; i < *n; i++) {
        mc_coded *c = &(*arr)[i];
        if (strcmp(c->code, dotted) != 0)
            continue;
        /* another mention of the same code: one more evidence span */
        for (uint32_t j = 0; j < c->n_evidence; j++)
            if (c->evidence[j].start == sp.start && c->evidence[j].end == sp.end)
                return;
        mc_coder_span *ev = mc__arena_alloc(&r->arena, (c->n_evidence + 1) * sizeof *ev);
        if (!ev) {
            r->err = MC_ELIMIT;
            return;
        }
        memcpy(ev, c->evidence, c->n_evidence * sizeof *ev);
        ev[c->n_evidence++] = sp;
        c->evidence = ev;
        float boosted = (c->confidence > conf ? c->confidence : conf) + 0.03f;
        c->confidence = boosted > 0.99f ? 0.99f : boosted;
        if (!m->procedure)
            note_meta(r, i, m);
        return;
    }
    mc_coded *c = mc__cac_push(r, (void **)arr, n, cap, sizeof *c);
    if (!c)
        return;
    memset(c, 0, sizeof *c);
    mc__strlcpy(c->code, dotted, sizeof c->code);
    mc_pcs_code pc;
    if (m->procedure && r->c->pcs && mc_pcs_lookup(r->c->pcs, m->code, strlen(m->code), &pc) == MC_OK) {
        c->title = pc.long_title;
    } else if (m->procedure) {
        c->title = e->path;
    } else {
        const lex_code *lc = mc__cac_code(r, m->code);
        c->title = lc ? lc->title : mc__str("", 0);
    }
    c->confidence = conf > 0.99f ? 0.99f : conf;
    mc_coder_span *ev = mc__arena_alloc(&r->arena, sizeof *ev);
    if (!ev) {
        r->err = MC_ELIMIT;
        return;
    }
    *ev = sp;
    c->evidence = ev;
    c->n_evidence = 1;
    if (!m->procedure) {
        coded_meta *cm = mc__cac_push(r, (void **)&r->meta, &r->n_meta, &r->cap_meta, sizeof *cm);
        if (!cm)
            return;
        memset(cm, 0, sizeof *cm);
        cm->pos = UINT32_MAX;
        cm->first_mention = (uint32_t)(m - r->m);
        note_meta(r, *n - 1, m);
    }
    const char *kind = e->src == LEX_INDEX      ? "Alphabetic Index"
                       : e->src == LEX_LEARNED  ? "Learned from coded training notes, phrase"
                       : e->src == LEX_NEOPLASM ? "Neoplasm Table"
                       : e->src == LEX_PCS      ? "ICD-10-PCS table"
                                                : "Tabular title";
    c->rationale = m->rule ? mc__cac_printf(r, "%s: %.*s; %s", kind, (int)e->path.n, e->path.p,
                                            m->rule)
                           : mc__cac_printf(r, "%s: %.*s", kind, (int)e->path.n, e->path.p);
}

int mc_coder_run(const mc_coder *c, const char *text, size_t n, const mc_coder_opts *opts,
                 mc_coder_result **out, mc_diag *diag)
{
    *out = NULL;
    mc_coder_opts dflt = { 0 };
    if (!opts)
        opts = &dflt;
    if (opts->hcc != MC_CODER_HCC_OFF &&
        (!opts->risk || (opts->hcc != MC_CODER_HCC_V28 && opts->hcc != MC_CODER_HCC_V24)))
        return mc_diag_set(diag, MC_EINVAL,
                           "HCC annotation needs the risk tables (opts.risk) and a known model");
    size_t max = opts->max_note_bytes ? opts->max_note_bytes : (size_t)16 << 20;
    if (n > max)
        return mc_diag_set(diag, MC_ELIMIT, "note is %zu bytes, over the %zu-byte limit", n, max);
    int rc = mc__nlp_check_text(text, n, diag);
    if (rc)
        return rc;
    struct result_priv *res = calloc(1, sizeof *res);
    if (!res)
        return MC_ENOMEM;
    size_t cap = opts->arena_cap ? opts->arena_cap : ((size_t)64 << 20) + 24 * n;
    run r;
    memset(&r, 0, sizeof r);
    r.c = c;
    r.opts = opts;
    r.text = text;
    mc__arena_init(&r.arena, 256 * 1024, cap);
    r.stemmer = sb_stemmer_new("english", NULL);
    rc = r.stemmer ? mc__nlp_analyze(text, n, &r.arena, &r.doc) : MC_ENOMEM;
    bool english = rc || looks_english(r.doc);
    if (!rc && !english) {
        mc__cac_not_coded(&r, 0, (uint32_t)n, "not coded: the note does not appear to be English");
        r.n_m = 0;
    } else if (!rc)
        rc = mc__cac_tokens(&r);
    if (!rc && english)
        rc = mc__cac_match(&r);
    if (!rc && english) {
        r.seventh_ctx = encounter_context(&r);
        for (uint32_t i = 0; i < r.n_m && !r.err; i++) {
            mention *m = &r.m[i];
            if (m->dropped)
                continue;
            m->assert = mc__nlp_assert(r.doc, m->sentence, m->first, m->last, &m->trigger);
        }
        if (!opts->all_mentions)
            mc__cac_rules(&r); /* annotation mode: each mention keeps its own code */
        if (getenv("MEDCODE_CODER_DEBUG"))
            for (uint32_t i = 0; i < r.n_m; i++) {
                const lex_entry *e = mc__cac_entry(&r, r.m[i].entry);
                fprintf(stderr, "mention s%u [%u,%u] %s %c drop=%d assert=%u %.*s\n",
                        r.m[i].sentence, r.m[i].first, r.m[i].last, e->code, e->src,
                        r.m[i].dropped, r.m[i].assert, (int)e->path.n, e->path.p);
            }
        for (uint32_t i = 0; i < r.n_m && !r.err; i++) {
            mention *m = &r.m[i];
            if (m->dropped)
                continue;
            const char *why = policy(&r, m);
            if (why) {
                mc_coder_span sp = mc__cac_span(&r, m);
                mc__cac_not_coded(&r, sp.start, sp.end, why);
                continue;
            }
            if (!m->code[0])
                mc__cac_resolve(&r, m);
            if (m->code[0])
                add_coded(&r, m);
        }
        if (!r.err)
            mc__cac_pcs_axis(&r); /* ICD-10-PCS axis by axis (pcs_axis_run.c) */
        if (!r.err)
            use_additional(&r);
        if (!r.err)
            mc__cac_sequence(&r);
        /*
         * confidence threshold: the caller's, else the one the model was tuned
         * with. A claim keeps its principal diagnosis whatever its confidence;
         * annotation mode has no claim, and its threshold was chosen over all
         * candidates alike.
         */
        float th = opts->min_confidence > 0 ? opts->min_confidence
                   : opts->model            ? opts->model->threshold
                                            : 0;
        if (th > 0) {
            uint32_t k = 0;
            for (uint32_t i = 0; i < r.n_dx; i++)
                if (r.dx[i].confidence >= th || (r.dx[i].principal && !opts->all_mentions))
                    r.dx[k++] = r.dx[i];
            r.n_dx = k;
        }
        if (!r.err && opts->hcc != MC_CODER_HCC_OFF)
            mc__cac_hcc(&r);
        rc = r.err;
    }
    sb_stemmer_delete(r.stemmer);
    if (rc) {
        mc__arena_free(&r.arena);
        free(res);
        if (rc == MC_ELIMIT)
            return mc_diag_set(diag, rc, "note needs more than the %zu-byte memory cap", cap);
        return mc_diag_set(diag, rc, "coding failed: %s", mc_strerror(rc));
    }
    mc_coder_result *p = &res->pub;
    p->year = c->year;
    p->setting = opts->setting;
    p->diagnoses = r.dx;
    p->n_diagnoses = r.n_dx;
    p->procedures = r.px;
    p->n_procedures = r.n_px;
    p->queries = r.q;
    p->n_queries = r.n_q;
    p->not_coded = r.nc;
    p->n_not_coded = r.n_nc;
    p->hcc = opts->hcc;
    p->hcc_payment_year = opts->hcc != MC_CODER_HCC_OFF ? mc_risk_payment_year(opts->risk) : 0;
    res->arena = r.arena;
    *out = p;
    return MC_OK;
}

void mc_coder_result_free(mc_coder_result *r)
{
    if (!r)
        return;
    struct result_priv *p = (struct result_priv *)r;
    mc__arena_free(&p->arena);
    free(p);
}

static void json_items(mc__buf *b, const mc_coded *it, uint32_t n, const char *text, size_t tn)
{
    mc__buf_putc(b, '[');
    for (uint32_t i = 0; i < n; i++) {
        const mc_coded *c = &it[i];
        if (i)
            mc__buf_putc(b, ',');
        mc__buf_puts(b, "{\"code\":");
        mc__buf_json_str(b, c->code, strlen(c->code));
        mc__buf_puts(b, ",\"title\":");
        mc__buf_json_str(b, c->title.p ? c->title.p : "", c->title.n);
        mc__buf_printf(b, ",\"principal\":%s,\"confidence\":%.2f,\"evidence\":[",
                       c->principal ? "true" : "false", (double)c->confidence);
        for (uint32_t j = 0; j < c->n_evidence; j++) {
            const mc_coder_span *s = &c->evidence[j];
            if (s->end > tn || s->start > s->end)
                continue;
            mc__buf_printf(b, "%s{\"start\":%u,\"end\":%u,\"text\":", j ? "," : "", s->start,
                           s->end);
            mc__buf_json_str(b, text + s->start, s->end - s->start);
            mc__buf_putc(b, '}');
        }
        mc__buf_puts(b, "],\"rationale\":");
        mc__buf_json_str(b, c->rationale, strlen(c->rationale));
        if (c->hcc)
            mc__cac_json_hcc(b, c->hcc, text, tn);
        mc__buf_putc(b, '}');
    }
    mc__buf_putc(b, ']');
}

int mc_coder_result_json(const mc_coder_result *r, const char *text, size_t n, char **json,
                         size_t *json_n)
{
    *json = NULL;
    mc__buf b;
    mc__buf_init(&b, 0);
    mc__buf_printf(&b, "{\"setting\":\"%s\",\"year\":%d,",
                   r->setting == MC_SETTING_INPATIENT ? "inpatient" : "outpatient", r->year);
    if (r->hcc != MC_CODER_HCC_OFF)
        mc__buf_printf(&b, "\"hcc_model\":\"%s\",\"hcc_payment_year\":%d,\"diagnoses\":",
                       r->hcc == MC_CODER_HCC_V24 ? "V24" : "V28", r->hcc_payment_year);
    else
        mc__buf_puts(&b, "\"diagnoses\":");
    json_items(&b, r->diagnoses, r->n_diagnoses, text, n);
    if (r->hcc != MC_CODER_HCC_OFF)
        mc__cac_json_hcc_summary(&b, r);
    mc__buf_puts(&b, ",\"procedures\":");
    json_items(&b, r->procedures, r->n_procedures, text, n);
    mc__buf_puts(&b, ",\"queries\":[");
    for (uint32_t i = 0; i < r->n_queries; i++) {
        mc__buf_puts(&b, i ? ",{\"about\":" : "{\"about\":");
        mc__buf_json_str(&b, r->queries[i].about, strlen(r->queries[i].about));
        mc__buf_puts(&b, ",\"question\":");
        mc__buf_json_str(&b, r->queries[i].question, strlen(r->queries[i].question));
        mc__buf_putc(&b, '}');
    }
    mc__buf_puts(&b, "],\"not_coded\":[");
    for (uint32_t i = 0; i < r->n_not_coded; i++) {
        const mc_not_coded *x = &r->not_coded[i];
        if (x->span.end > n || x->span.start > x->span.end)
            continue;
        mc__buf_printf(&b, "%s{\"start\":%u,\"end\":%u,\"text\":", i ? "," : "", x->span.start,
                       x->span.end);
        mc__buf_json_str(&b, text + x->span.start, x->span.end - x->span.start);
        mc__buf_puts(&b, ",\"reason\":");
        mc__buf_json_str(&b, x->reason, strlen(x->reason));
        mc__buf_putc(&b, '}');
    }
    mc__buf_puts(&b, "]}");
    if (b.err) {
        int rc = b.err;
        mc__buf_free(&b);
        return rc;
    }
    *json = b.p;
    *json_n = b.n;
    return MC_OK;
}
