// Opening a disk cache file without following symlinks, and reading one only as far as the
// kernel's caches already hold it.
//
// The cache directory is hostile until proven otherwise: a symlink planted in it (as a shard
// directory, a temporary file or an entry) must never send a read or a write elsewhere. Every
// open here refuses a symlink in any component of its path (openat2's RESOLVE_NO_SYMLINKS,
// Linux 5.6), so the disk tier resolves its own directory's path once, at start, and opens
// everything under it through these calls. A kernel without openat2 gets O_NOFOLLOW, which
// checks the last component only.
//
// An event loop must not wait for a disk. imgedge_open_cached and imgedge_pread_cached never do:
// where the path's lookup or the file's bytes would need the disk, they fail at once with
// EAGAIN, and the caller takes the slow way (a thread pool). On Linux they are openat2 with
// RESOLVE_CACHED (5.12) and preadv2 with RWF_NOWAIT; a kernel or a system without them fails
// every call with ENOSYS, EINVAL or EOPNOTSUPP, which the caller treats as EAGAIN.

#ifndef IMGEDGE_CACHED_FILE_H
#define IMGEDGE_CACHED_FILE_H

#include <stddef.h>
#include <sys/types.h>

/// Opens `path` with `flags` (plus O_CLOEXEC and O_NOFOLLOW) and, when `flags` has O_CREAT,
/// `mode`, if no component of it is a symlink; -1 with `errno` set otherwise (ELOOP for a
/// symlink). The caller owns the descriptor and closes it.
int imgedge_open_no_symlinks(const char *path, int flags, mode_t mode);

/// Opens `path` read-only and close-on-exec if no component of it is a symlink and every
/// component resolves from the kernel's lookup cache; -1 with `errno` set otherwise (EAGAIN
/// when the lookup would need I/O, ELOOP for a symlink). The caller owns the descriptor and
/// closes it.
int imgedge_open_cached(const char *path);

/// Reads up to `count` bytes at `offset` of `descriptor` into `buffer` from the page cache alone;
/// -1 with `errno` set (EAGAIN when none of them are cached). Fewer bytes than asked when only
/// the first ones are cached, or the file ends first.
ssize_t imgedge_pread_cached(int descriptor, void *buffer, size_t count, off_t offset);

#endif
