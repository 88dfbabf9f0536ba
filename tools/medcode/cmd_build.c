/* medcode build / medcode data fetch: obtain release files and compile bundles. */
#include "cli.h"

#include "build/build.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

/* Years that have an ICD-10-CM order file in the manifest: the years a bundle is built for. */
static int manifest_years(const char *manifest, int *years, int cap)
{
    mc__release *rows;
    size_t n;
    mc_diag diag = { 0 };
    if (mc__manifest_load(manifest, &rows, &n, &diag)) {
        cli_fail("%s", diag.msg);
        return -1;
    }
    int k = 0;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(rows[i].system, "icd10cm") && !strcmp(rows[i].part, "order") && k < cap)
            years[k++] = rows[i].year;
    free(rows);
    return k;
}

static time_t mtime(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? st.st_mtime : 0;
}

/* Newest modification time of the files under dir (the project's own data files). */
static time_t newest_in(const char *dir, int depth)
{
    time_t best = 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(p, &st))
            continue;
        time_t t = S_ISDIR(st.st_mode) ? (depth > 0 ? newest_in(p, depth - 1) : 0) : st.st_mtime;
        if (t > best)
            best = t;
    }
    closedir(d);
    return best;
}

MC_COMMAND(build, "compile the fetched release files into one bundle per fiscal year")
{
    mc__build_opts o = { 0 };
    o.release_dir = env_or("MEDCODE_RELEASES", "build/release");
    o.manifest = env_or("MEDCODE_MANIFEST", "data/releases.tsv");
    bool if_stale = false;
    long year = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--year")) {
            if (!cli_parse_int("--year", i + 1 < argc ? argv[i + 1] : NULL, 2015, 2100, &year))
                return CLI_USAGE;
            i++;
        } else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
            o.out_path = argv[++i];
        } else if (!strcmp(argv[i], "--if-stale")) {
            if_stale = true;
        } else if (!strcmp(argv[i], "--quiet")) {
            o.quiet = true;
        } else if (!strcmp(argv[i], "--help")) {
            printf("usage: medcode build [--year Y] [--out FILE] [--if-stale] [--quiet]\n"
                   "Compiles build/release (see 'medcode data fetch') into "
                   "$MEDCODE_BUNDLES/medcode-fyY.mcb.\nWithout --year, builds every year with "
                   "an ICD-10-CM order file in the manifest.\n");
            return CLI_OK;
        } else {
            return cli_fail("build: unknown option '%s' (see --help)", argv[i]);
        }
    }
    int years[16];
    int n = 0;
    if (year)
        years[n++] = (int)year;
    else if ((n = manifest_years(o.manifest, years, 16)) < 0)
        return CLI_USAGE;
    if (!n)
        return cli_fail("build: the manifest %s lists no ICD-10-CM order file", o.manifest);
    if (o.out_path && n > 1)
        return cli_fail("build: --out needs --year");
    for (int i = 0; i < n; i++) {
        o.year = years[i];
        if (if_stale && !o.out_path) {
            char path[1024];
            mc_bundle_path(mc_bundle_dir(), o.year, path, sizeof path);
            time_t t = mtime(path);
            /* fresh when newer than the medcode binary, the manifest and data/ (word lists) */
            if (t && t >= mtime("build/medcode") && t >= mtime(o.manifest) &&
                t >= newest_in("data", 2))
                continue;
        }
        mc_diag diag = { 0 };
        int rc = mc__build_bundle(&o, &diag);
        if (rc)
            return cli_fail("build FY%d: %s", o.year, diag.msg[0] ? diag.msg : mc_strerror(rc));
    }
    return CLI_OK;
}

MC_COMMAND(data, "obtain official release files: medcode data fetch [--year Y]")
{
    if (argc < 2 || strcmp(argv[1], "fetch") != 0) {
        if (argc >= 2 && !strcmp(argv[1], "--help")) {
            printf("usage: medcode data fetch [--year Y] [--mirror DIR] [--download] [--accept-unpinned]\n"
                   "Copies the files of data/releases.tsv from the mirror ($MEDCODE_MIRROR, "
                   "default ../shared/data)\nor downloads them (--download), verifies SHA-256 "
                   "and unpacks them into build/release.\n");
            return CLI_OK;
        }
        return cli_fail("data: expected 'fetch' (see 'medcode data --help')");
    }
    mc__fetch_opts o = { 0 };
    o.manifest = env_or("MEDCODE_MANIFEST", "data/releases.tsv");
    o.release_dir = env_or("MEDCODE_RELEASES", "build/release");
    for (int i = 2; i < argc; i++) {
        long y;
        if (!strcmp(argv[i], "--year")) {
            if (!cli_parse_int("--year", i + 1 < argc ? argv[i + 1] : NULL, 2015, 2100, &y))
                return CLI_USAGE;
            o.year = (int)y;
            i++;
        } else if (!strcmp(argv[i], "--mirror") && i + 1 < argc) {
            o.mirror = argv[++i];
        } else if (!strcmp(argv[i], "--accept-unpinned")) {
            o.accept_unpinned = true;
        } else if (!strcmp(argv[i], "--download")) {
            o.allow_download = true;
        } else if (!strcmp(argv[i], "--quiet")) {
            o.quiet = true;
        } else {
            return cli_fail("data fetch: unknown option '%s'", argv[i]);
        }
    }
    if (o.mirror && !mc__file_exists(o.mirror))
        return cli_fail("data fetch: mirror folder %s does not exist", o.mirror);
    mc_diag diag = { 0 };
    int rc = mc__fetch(&o, &diag);
    if (rc)
        return cli_fail("data fetch: %s", diag.msg);
    return CLI_OK;
}
