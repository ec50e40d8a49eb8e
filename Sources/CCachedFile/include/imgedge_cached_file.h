// Opening and reading a file only as far as the kernel's caches already hold it.
//
// An event loop must not wait for a disk. These calls never do: where the path's lookup or the
// file's bytes would need the disk, they fail at once with EAGAIN, and the caller takes the
// slow way (a thread pool). On Linux they are openat2 with RESOLVE_CACHED (5.12) and preadv2
// with RWF_NOWAIT; a kernel or a system without them fails every call with ENOSYS, EINVAL or
// EOPNOTSUPP, which the caller treats as EAGAIN.

#ifndef IMGEDGE_CACHED_FILE_H
#define IMGEDGE_CACHED_FILE_H

#include <stddef.h>
#include <sys/types.h>

/// Opens `path` read-only and close-on-exec if every component of it resolves from the kernel's
/// lookup cache; -1 with `errno` set otherwise (EAGAIN when the lookup would need I/O).
/// The caller owns the descriptor and closes it.
int imgedge_open_cached(const char *path);

/// Reads up to `count` bytes at `offset` of `descriptor` into `buffer` from the page cache alone;
/// -1 with `errno` set (EAGAIN when none of them are cached). Fewer bytes than asked when only
/// the first ones are cached, or the file ends first.
ssize_t imgedge_pread_cached(int descriptor, void *buffer, size_t count, off_t offset);

#endif
