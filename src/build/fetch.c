/*
 * `medcode data fetch`: obtain every release file listed in the manifest for
 * a fiscal year, from a mirror folder or (when allowed) the official URL,
 * unpack zip members, verify SHA-256 and only then move the file into place.
 * A mismatch is refused and nothing is left behind.
 *
 * Downloading and unzipping use the curl and unzip programs through
 * posix_spawnp with argument vectors (no shell), which keeps medcode free of
 * a network library for a step that runs once per release.
 */
#include "build/build.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int mc__sha256_file(const char *path, char hex[65], mc_diag *diag)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return mc_diag_set(diag, MC_EIO, "cannot open %s: %s", path, strerror(errno));
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    unsigned char buf[1 << 16];
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            close(fd);
            return mc_diag_set(diag, MC_EIO, "cannot read %s: %s", path, strerror(errno));
        }
        if (r == 0)
            break;
        crypto_hash_sha256_update(&st, buf, (unsigned long long)r);
    }
    close(fd);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(hex, 65, h, sizeof h);
    return MC_OK;
}

/* Run argv with stdout sent to out_path (when non-NULL). Returns the exit status or -1. */
static int run(char *const argv[], const char *out_path)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (out_path)
        posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return -1;
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int copy_file(const char *from, const char *to, mc_diag *diag)
{
    char *data;
    size_t n;
    int rc = mc__read_file(from, (size_t)2 << 30, &data, &n, diag);
    if (rc)
        return rc;
    rc = mc__write_file_atomic(to, data, n, diag);
    free(data);
    return rc;
}

static const char *default_mirror(void)
{
    const char *m = getenv("MEDCODE_MIRROR");
    if (m && *m)
        return m;
    return mc__file_exists("../shared/data") ? "../shared/data" : NULL;
}

static bool is_zip(const char *p)
{
    size_t n = strlen(p);
    return n > 4 && strcmp(p + n - 4, ".zip") == 0;
}

/* Put the bytes of row r into tmp (from the mirror, or downloaded). */
static int obtain(const mc__fetch_opts *o, const char *mirror, const mc__release *r,
                  const char *tmp, const char *dir, mc_diag *diag)
{
    char src[1024], zip[1024];
    const char *archive = NULL;
    if (mirror && r->mirror[0]) {
        snprintf(src, sizeof src, "%s/%s", mirror, r->mirror);
        if (mc__file_exists(src)) {
            if (!is_zip(src) || !r->member[0])
                return copy_file(src, tmp, diag);
            archive = src;
        }
    }
    if (!archive) {
        if (!o->allow_download || !r->url[0])
            return mc_diag_set(diag, MC_ENOTFOUND,
                               "%s %d %s: not in the mirror%s%s; set MEDCODE_MIRROR to a folder "
                               "holding it, or run with --download on a machine with internet",
                               r->system, r->year, r->part, mirror ? " " : "",
                               mirror ? mirror : "");
        snprintf(zip, sizeof zip, "%s/.download.%ld", dir, (long)getpid());
        char *argv[] = { "curl", "-fsSL", "--retry", "2", "-o", zip, (char *)r->url, NULL };
        if (run(argv, NULL) != 0) {
            unlink(zip);
            return mc_diag_set(diag, MC_EIO, "download of %s failed (curl)", r->url);
        }
        if (!is_zip(r->url) || !r->member[0])
            return rename(zip, tmp) == 0 ? MC_OK
                                         : mc_diag_set(diag, MC_EIO, "cannot move download");
        archive = zip;
    }
    char *argv[] = { "unzip", "-p", (char *)archive, (char *)r->member, NULL };
    int st = run(argv, tmp);
    if (archive == zip)
        unlink(zip);
    if (st != 0)
        return mc_diag_set(diag, MC_EFORMAT, "cannot extract %s from %s (unzip exit %d)",
                           r->member, archive, st);
    return MC_OK;
}

int mc__fetch(const mc__fetch_opts *o, mc_diag *diag)
{
    if (sodium_init() < 0)
        return mc_diag_set(diag, MC_EIO, "libsodium failed to initialise");
    mc__release *rows;
    size_t n;
    int rc = mc__manifest_load(o->manifest, &rows, &n, diag);
    if (rc)
        return rc;
    const char *mirror = o->mirror ? o->mirror : default_mirror();
    mc__fetch_opts eff = *o;
    if (!mirror)
        eff.allow_download = true; /* no mirror anywhere: the official URLs are the source */
    o = &eff;
    size_t done = 0, skipped = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const mc__release *r = &rows[i];
        if (o->year && r->year != o->year)
            continue;
        if (!r->mirror[0] && !o->allow_download) {
            skipped++; /* download-only file (no copy in any mirror) */
            continue;
        }
        char dir[1024], dest[1280], tmp[1400], hex[65];
        snprintf(dir, sizeof dir, "%s/%s/%d", o->release_dir, r->system, r->year);
        snprintf(dest, sizeof dest, "%s/%s", dir, r->file);
        if (mc__file_exists(dest) && r->sha256[0] && mc__sha256_file(dest, hex, NULL) == MC_OK &&
            strcmp(hex, r->sha256) == 0) {
            done++;
            continue;
        }
        if ((rc = mc__mkdirs(dir, diag)))
            break;
        snprintf(tmp, sizeof tmp, "%s.part.%ld", dest, (long)getpid());
        rc = obtain(o, mirror, r, tmp, dir, diag);
        if (!rc)
            rc = mc__sha256_file(tmp, hex, diag);
        if (!rc && r->sha256[0] && strcmp(hex, r->sha256) != 0)
            rc = mc_diag_set(diag, MC_ECHECKSUM,
                             "%s %d %s: SHA-256 %s does not match the manifest's %s; refusing "
                             "the file (wrong release or damaged copy)",
                             r->system, r->year, r->file, hex, r->sha256);
        if (!rc && !r->sha256[0] && o->accept_unpinned && !o->quiet)
            fprintf(stderr, "warning: %s %d %s has no pinned SHA-256; accepted %s\n", r->system,
                    r->year, r->file, hex);
        if (!rc && !r->sha256[0] && !o->accept_unpinned)
            rc = mc_diag_set(diag, MC_ECHECKSUM,
                             "%s %d %s: no SHA-256 pinned in the manifest (got %s); verify "
                             "the file, add its checksum to data/releases.tsv (or pass "
                             "--accept-unpinned)",
                             r->system, r->year, r->file, hex);
        if (rc) {
            unlink(tmp);
            break;
        }
        if (rename(tmp, dest) != 0) {
            unlink(tmp);
            rc = mc_diag_set(diag, MC_EIO, "cannot move %s into place: %s", dest,
                             strerror(errno));
            break;
        }
        if (!o->quiet)
            fprintf(stderr, "fetched %s/%d/%s\n", r->system, r->year, r->file);
        done++;
    }
    if (!rc && !done)
        rc = mc_diag_set(diag, MC_ENOTFOUND, "the manifest lists no files for year %d", o->year);
    if (!rc && !o->quiet)
        fprintf(stderr, "%zu release files in place under %s%s\n", done, o->release_dir,
                skipped ? " (download-only files skipped; use --download)" : "");
    free(rows);
    return rc;
}
