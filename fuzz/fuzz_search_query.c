/*
 * Fuzz target: the search query path (parser, abbreviation expansion, typo
 * and prefix candidates, typeahead, scoring) on arbitrary query bytes and
 * options. The index is compiled once, in process, from the hand-written
 * ICD-10-CM fixture (tests/fixtures/release) and data/abbreviations.tsv by
 * the real build parts, so the target needs no official data.
 */
#include "build/build.h"
#include "medcode/search.h"

#include <stdlib.h>
#include <string.h>

MC_BUILD_PART(icd10cm, 1);
MC_BUILD_PART(text_abbrev, 1);
MC_BUILD_PART(search, 2);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mc_search_ctx *ctx;

static int setup(void)
{
    static mc__buf img1, img2;
    mc__build_ctx c;
    memset(&c, 0, sizeof c);
    c.year = 2030;
    c.release_dir = "tests/fixtures/release";
    c.manifest = "data/releases.tsv"; /* abbreviations.tsv is found next to it */
    c.quiet = true;
    mc_diag d = { 0 };
    c.diag = &d;
    mc__buf_init(&c.sources, 0);
    static mc_bundle *view, *b;
    static mc_search *s;
    const char *fixture = "tests/fixtures/release/manifest.tsv";
    int rc = mc__bw_new(2030, &c.w);
    c.manifest = fixture;
    rc = rc ? rc : mc__part_icd10cm(&c);
    c.manifest = "data/releases.tsv";
    rc = rc ? rc : mc__part_text_abbrev(&c);
    rc = rc ? rc : mc__bw_image(c.w, &img1);
    rc = rc ? rc : mc_bundle_open_mem(img1.p, img1.n, &view, &d);
    c.view = view;
    rc = rc ? rc : mc__part_search(&c);
    rc = rc ? rc : mc__bw_image(c.w, &img2);
    rc = rc ? rc : mc_bundle_open_mem(img2.p, img2.n, &b, &d);
    rc = rc ? rc : mc_search_open(b, &s, &d);
    rc = rc ? rc : mc_search_ctx_new(s, &ctx);
    mc__bw_free(c.w);
    mc__buf_free(&c.sources);
    if (rc) {
        fprintf(stderr, "fuzz_search_query: cannot build the fixture index: %s\n", d.msg);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ctx)
        setup();
    mc_search_opts o = { 0 };
    if (size > 0) {
        /* the first byte picks the options, the rest is the query */
        o.systems = data[0] & 7u;
        o.billable_only = (data[0] >> 3) & 1u;
        o.chapter = (data[0] >> 4) & 1u ? 4 : 0;
        o.limit = (data[0] >> 5) * 3u;
        data++;
        size--;
    }
    mc_search_result r;
    mc_diag d;
    if (mc_search_query(ctx, (const char *)data, size, &o, &r, &d) == MC_OK) {
        for (uint32_t i = 0; i < r.n; i++) {
            const mc_search_hit *h = &r.hits[i];
            if (strlen(h->code) > 8 || (h->title.n && !h->title.p) ||
                (h->matched.n && !h->matched.p))
                abort();
        }
        for (uint32_t i = 0; i < r.n_notes; i++)
            if (r.notes[i].n && !r.notes[i].p)
                abort();
    }
    return 0;
}
