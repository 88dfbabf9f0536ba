/* Unit tests: arena, buffer, JSON escaping, fiscal years, atomic writes. */
#include "harness.h"

#include "base/base_int.h"
#include "medcode/bundle.h"

#include <unistd.h>

TEST(arena_cap_and_alignment)
{
    mc__arena a;
    mc__arena_init(&a, 1024, 4096);
    void *p = mc__arena_alloc(&a, 3);
    void *q = mc__arena_alloc(&a, 5);
    CHECK(p && q);
    CHECK_INT((uintptr_t)q % 16, ==, 0);
    CHECK(mc__arena_alloc(&a, 8192) == NULL); /* over the cap */
    char *s = mc__arena_strndup(&a, "hello world", 5);
    CHECK_STR(s, "hello");
    mc__arena_reset(&a);
    CHECK_INT(a.used_total, ==, 0);
    CHECK(mc__arena_alloc(&a, 2000) != NULL); /* bigger than a block */
    mc__arena_free(&a);
}

TEST(buf_limit_is_sticky)
{
    mc__buf b;
    mc__buf_init(&b, 8);
    CHECK_INT(mc__buf_puts(&b, "1234"), ==, MC_OK);
    CHECK_INT(mc__buf_puts(&b, "56789"), ==, MC_ELIMIT);
    CHECK_INT(mc__buf_puts(&b, "x"), ==, MC_ELIMIT);
    CHECK_STR(b.p, "1234");
    mc__buf_free(&b);
}

TEST(buf_printf_long)
{
    mc__buf b;
    mc__buf_init(&b, 0);
    char big[600];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    CHECK_INT(mc__buf_printf(&b, "<%s>", big), ==, MC_OK);
    CHECK_INT(b.n, ==, 601);
    CHECK(b.p[0] == '<' && b.p[600] == '>');
    mc__buf_free(&b);
}

TEST(json_escaping)
{
    mc__buf b;
    mc__buf_init(&b, 0);
    const char s[] = "a\"b\\c\n\x01\xc3\xa9";
    mc__buf_json_str(&b, s, sizeof s - 1);
    CHECK_STR(b.p, "\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\"");
    mc__buf_free(&b);
}

TEST(fiscal_year)
{
    int y = 0;
    CHECK_INT(mc_fiscal_year_of_date("2025-10-01", &y), ==, MC_OK);
    CHECK_INT(y, ==, 2026);
    CHECK_INT(mc_fiscal_year_of_date("2025-09-30", &y), ==, MC_OK);
    CHECK_INT(y, ==, 2025);
    CHECK_INT(mc_fiscal_year_of_date("2024-02-29", &y), ==, MC_OK);
    CHECK_INT(mc_fiscal_year_of_date("2025-02-29", &y), ==, MC_ERANGE);
    CHECK_INT(mc_fiscal_year_of_date("2025-13-01", &y), ==, MC_ERANGE);
    CHECK_INT(mc_fiscal_year_of_date("2025-1-01", &y), ==, MC_EFORMAT);
    CHECK_INT(mc_fiscal_year_of_date("2025-01-01x", &y), ==, MC_EFORMAT);
    CHECK_INT(mc_fiscal_year_of_date(NULL, &y), ==, MC_EFORMAT);
}

TEST(atomic_write_and_read)
{
    char dir[] = "/tmp/mc_test_XXXXXX";
    CHECK(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/a/b/file.txt", dir);
    char sub[256];
    snprintf(sub, sizeof sub, "%s/a/b", dir);
    CHECK_INT(mc__mkdirs(sub, NULL), ==, MC_OK);
    CHECK_INT(mc__write_file_atomic(path, "xyz", 3, NULL), ==, MC_OK);
    char *data;
    size_t n;
    CHECK_INT(mc__read_file(path, 0, &data, &n, NULL), ==, MC_OK);
    CHECK_INT(n, ==, 3);
    CHECK_STR(data, "xyz");
    free(data);
    mc_diag d = { 0 };
    CHECK_INT(mc__read_file(path, 2, &data, &n, &d), ==, MC_ELIMIT);
    CHECK(strstr(d.msg, "larger than") != NULL);
    CHECK_INT(mc__read_file("/nonexistent/x", 0, &data, &n, NULL), ==, MC_ENOTFOUND);
    unlink(path);
    rmdir(sub);
    snprintf(sub, sizeof sub, "%s/a", dir);
    rmdir(sub);
    rmdir(dir);
}

TEST(errors_have_names)
{
    CHECK_STR(mc_errname(MC_ECORRUPT), "MC_ECORRUPT");
    CHECK_STR(mc_strerror(MC_ENOTFOUND), "not found");
    CHECK_STR(mc_strerror(12345), "unknown error");
}

int main(void)
{
    RUN(arena_cap_and_alignment);
    RUN(buf_limit_is_sticky);
    RUN(buf_printf_long);
    RUN(json_escaping);
    RUN(fiscal_year);
    RUN(atomic_write_and_read);
    RUN(errors_have_names);
    return harness_done();
}
