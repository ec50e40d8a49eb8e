#define _GNU_SOURCE
#include "imgedge_cached_file.h"

#include <errno.h>
#include <fcntl.h>

#if defined(__linux__)
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static int open_resolving(const char *path, int flags, mode_t mode, unsigned long long resolve) {
    struct open_how how = {
        .flags = (unsigned long long)(flags | O_CLOEXEC | O_NOFOLLOW),
        // openat2 refuses a mode without O_CREAT.
        .mode = (flags & O_CREAT) ? mode : 0,
        .resolve = resolve,
    };
    return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
}

int imgedge_open_no_symlinks(const char *path, int flags, mode_t mode) {
    int descriptor = open_resolving(path, flags, mode, RESOLVE_NO_SYMLINKS);
    if (descriptor < 0 && errno == ENOSYS) {
        return open(path, flags | O_CLOEXEC | O_NOFOLLOW, mode);
    }
    return descriptor;
}

int imgedge_open_cached(const char *path) {
    return open_resolving(path, O_RDONLY, 0, RESOLVE_NO_SYMLINKS | RESOLVE_CACHED);
}

ssize_t imgedge_pread_cached(int descriptor, void *buffer, size_t count, off_t offset) {
    struct iovec vector = {.iov_base = buffer, .iov_len = count};
    return preadv2(descriptor, &vector, 1, offset, RWF_NOWAIT);
}

#else

#include <unistd.h>

int imgedge_open_no_symlinks(const char *path, int flags, mode_t mode) {
    return open(path, flags | O_CLOEXEC | O_NOFOLLOW, mode);
}

int imgedge_open_cached(const char *path) {
    (void)path;
    errno = ENOSYS;
    return -1;
}

ssize_t imgedge_pread_cached(int descriptor, void *buffer, size_t count, off_t offset) {
    (void)descriptor, (void)buffer, (void)count, (void)offset;
    errno = ENOSYS;
    return -1;
}

#endif
