/*
 * Whole-file reads with a size limit and atomic writes (temporary file in the
 * same directory, fsync, rename), so a crash never leaves a half-written file.
 */
#include "base/base_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int mc__read_file(const char *path, size_t max, char **out, size_t *n, mc_diag *diag)
{
    *out = NULL;
    *n = 0;
    if (!max)
        max = (size_t)1 << 30;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return mc_diag_set(diag, errno == ENOENT ? MC_ENOTFOUND : MC_EIO, "cannot open %s: %s",
                           path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return mc_diag_set(diag, MC_EIO, "%s is not a regular file", path);
    }
    if ((uint64_t)st.st_size > max) {
        close(fd);
        return mc_diag_set(diag, MC_ELIMIT, "%s is larger than %zu bytes", path, max);
    }
    size_t size = (size_t)st.st_size;
    char *p = malloc(size + 1);
    if (!p) {
        close(fd);
        return mc_diag_set(diag, MC_ENOMEM, "out of memory reading %s", path);
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, p + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            free(p);
            close(fd);
            return mc_diag_set(diag, MC_EIO, "cannot read %s: %s", path,
                               r < 0 ? strerror(errno) : "file shrank while reading");
        }
        got += (size_t)r;
    }
    close(fd);
    p[size] = 0;
    *out = p;
    *n = size;
    return MC_OK;
}

int mc__write_file_atomic(const char *path, const void *data, size_t n, mc_diag *diag)
{
    size_t len = strlen(path);
    char *tmp = malloc(len + 32);
    if (!tmp)
        return mc_diag_set(diag, MC_ENOMEM, "out of memory");
    snprintf(tmp, len + 32, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        int rc = mc_diag_set(diag, MC_EIO, "cannot create %s: %s", tmp, strerror(errno));
        free(tmp);
        return rc;
    }
    const char *p = data;
    size_t left = n;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int rc = mc_diag_set(diag, MC_EIO, "cannot write %s: %s", tmp, strerror(errno));
            close(fd);
            unlink(tmp);
            free(tmp);
            return rc;
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        int rc = mc_diag_set(diag, MC_EIO, "cannot flush %s: %s", tmp, strerror(errno));
        unlink(tmp);
        free(tmp);
        return rc;
    }
    if (rename(tmp, path) != 0) {
        int rc = mc_diag_set(diag, MC_EIO, "cannot rename %s to %s: %s", tmp, path,
                             strerror(errno));
        unlink(tmp);
        free(tmp);
        return rc;
    }
    free(tmp);
    return MC_OK;
}

int mc__mkdirs(const char *path, mc_diag *diag)
{
    char buf[4096];
    size_t n = mc__strlcpy(buf, path, sizeof buf);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == 0) {
            char save = buf[i];
            buf[i] = 0;
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return mc_diag_set(diag, MC_EIO, "cannot create directory %s: %s", buf,
                                   strerror(errno));
            buf[i] = save;
        }
    }
    return MC_OK;
}

bool mc__file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

void mc__trim(const char **p, size_t *n)
{
    const char *s = *p;
    size_t len = *n;
    while (len && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
                   s[len - 1] == '\n'))
        len--;
    *p = s;
    *n = len;
}

size_t mc__strlcpy(char *dst, const char *src, size_t cap)
{
    size_t n = strlen(src);
    if (!cap)
        return 0;
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
    return n;
}

uint64_t mc__now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
