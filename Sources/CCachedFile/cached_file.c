#define _GNU_SOURCE
#include "imgedge_cached_file.h"

#include <errno.h>
#include <fcntl.h>

#if defined(__linux__)
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

int imgedge_open_cached(const char *path) {
    struct open_how how = {
        .flags = O_RDONLY | O_CLOEXEC,
        .resolve = RESOLVE_CACHED,
    };
    return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
}

ssize_t imgedge_pread_cached(int descriptor, void *buffer, size_t count, off_t offset) {
    struct iovec vector = {.iov_base = buffer, .iov_len = count};
    return preadv2(descriptor, &vector, 1, offset, RWF_NOWAIT);
}

#else

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
