/*
 * Minimal test harness: typed asserts that print both operands, one
 * process per test file, non-zero exit on the first failed check of a test
 * (the remaining tests still run).
 *
 *   TEST(name) { CHECK_INT(a, ==, b); CHECK_STR(s, "x"); }
 *   int main(void) { RUN(name); return harness_done(); }
 */
#ifndef MC_HARNESS_H
#define MC_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int harness_failed, harness_run, harness_cur_failed;

#define TEST(name) static void test_##name(void)
#define RUN(name)                                                                  \
    do {                                                                           \
        harness_cur_failed = 0;                                                    \
        harness_run++;                                                             \
        test_##name();                                                             \
        if (harness_cur_failed)                                                    \
            harness_failed++;                                                      \
        fprintf(stderr, "%s %s\n", harness_cur_failed ? "FAIL" : "ok  ", #name);   \
    } while (0)

#define FAILF(...)                                                                 \
    do {                                                                           \
        fprintf(stderr, "  %s:%d: ", __FILE__, __LINE__);                          \
        fprintf(stderr, __VA_ARGS__);                                              \
        fputc('\n', stderr);                                                       \
        harness_cur_failed = 1;                                                    \
    } while (0)

#define CHECK(cond)                                                                \
    do {                                                                           \
        if (!(cond)) {                                                             \
            FAILF("CHECK(%s) failed", #cond);                                      \
            return;                                                                \
        }                                                                          \
    } while (0)

#define CHECK_INT(a, op, b)                                                        \
    do {                                                                           \
        long long va_ = (long long)(a), vb_ = (long long)(b);                      \
        if (!(va_ op vb_)) {                                                       \
            FAILF("%s %s %s: %lld vs %lld", #a, #op, #b, va_, vb_);                \
            return;                                                                \
        }                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                            \
    do {                                                                           \
        const char *sa_ = (a), *sb_ = (b);                                         \
        if (!sa_ || !sb_ || strcmp(sa_, sb_) != 0) {                               \
            FAILF("%s == %s: \"%s\" vs \"%s\"", #a, #b, sa_ ? sa_ : "(null)",      \
                  sb_ ? sb_ : "(null)");                                           \
            return;                                                                \
        }                                                                          \
    } while (0)

/* Compare a (pointer, length) slice with a C string. */
#define CHECK_SLICE(p, n, b)                                                       \
    do {                                                                           \
        const char *sb_ = (b);                                                     \
        size_t nb_ = strlen(sb_), na_ = (size_t)(n);                               \
        if (na_ != nb_ || memcmp((p), sb_, nb_) != 0) {                            \
            FAILF("%s == %s: \"%.*s\" vs \"%s\"", #p, #b, (int)na_, (p), sb_);     \
            return;                                                                \
        }                                                                          \
    } while (0)

static inline int harness_done(void)
{
    fprintf(stderr, "%d/%d tests passed\n", harness_run - harness_failed, harness_run);
    return harness_failed ? 1 : 0;
}

/* Path of a full-data bundle for tests, or NULL (the test then reports a skip). */
static inline const char *harness_bundle(int year)
{
    static char path[1024];
    const char *dir = getenv("MEDCODE_BUNDLES");
    snprintf(path, sizeof path, "%s/medcode-fy%d.mcb", dir && *dir ? dir : "build/bundles", year);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fclose(f);
    return path;
}



/*
 * In a test that needs the full data: yields the bundle path, or returns from
 * the test, as a skip when no mirror is present and as a failure when
 * MEDCODE_REQUIRE_DATA is set (make test sets it when ../shared/data exists).
 */
#define NEED_BUNDLE(var, year)                                                     \
    const char *var = harness_bundle(year);                                        \
    do {                                                                           \
        if (!var) {                                                                \
            if (getenv("MEDCODE_REQUIRE_DATA")) {                                  \
                FAILF("bundle FY%d missing but the mirror exists", (year));        \
            } else {                                                               \
                fprintf(stderr, "  skip: no FY%d bundle\n", (year));               \
            }                                                                      \
            return;                                                                \
        }                                                                          \
    } while (0)
#endif
