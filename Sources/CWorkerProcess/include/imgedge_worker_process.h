#ifndef IMGEDGE_WORKER_PROCESS_H
#define IMGEDGE_WORKER_PROCESS_H

#include <stddef.h>


/// The system calls a worker process and its server need that Swift cannot make directly:
/// ancillary data (CMSG_* are macros), posix_spawn with closefrom, memfd sealing, prctl and
/// seccomp.
/// Every function returns -1 with errno set on failure, unless it says otherwise.

/// Starts `path` with `argv` and `envp` (each NULL-terminated), in a new process group of its
/// own, with default signal handling and no signal blocked, with `socket` as its descriptor 3
/// and every other descriptor but 0, 1 and 2 closed. Returns the child's pid.
int imgedge_spawn_worker(const char *path, char *const argv[], char *const envp[], int socket);

/// Sends `length` bytes of `bytes` on `socket`, with descriptor `fd` attached to the first byte
/// when `fd` >= 0. Returns the bytes sent, which may be fewer than `length`.
long imgedge_send_with_fd(int socket, const void *bytes, size_t length, int fd);

/// Receives up to `length` bytes into `bytes` from `socket`; a descriptor sent with them is
/// stored in `*fd` (close-on-exec), else `*fd` is -1. More than one descriptor, or a truncated
/// control message, closes them all and fails with EBADMSG. Returns the bytes received, 0 at
/// the end of the stream.
long imgedge_receive_with_fd(int socket, void *bytes, size_t length, int *fd);

/// A memfd holding `length` bytes of `bytes`, sealed against every change of size or content,
/// close-on-exec.
int imgedge_sealed_memfd(const void *bytes, size_t length);

/// Whether `fd` is a memfd sealed against writing, growing and shrinking: 1 or 0.
int imgedge_is_sealed_memfd(int fd);

/// Asks the kernel to send SIGKILL to the calling process when its parent thread exits, then
/// checks the parent is still `parent` (it may have gone before the request).
int imgedge_die_with_parent(int parent);

/// Makes the calling thread, and every thread it starts from now on, unable to gain privileges
/// (PR_SET_NO_NEW_PRIVS): call it first, on the main thread.
int imgedge_no_new_privileges(void);

/// Limits the calling process to `max_address_space` bytes of address space and `max_files`
/// descriptors, without core dumps.
int imgedge_limit_resources(size_t max_address_space, int max_files);

/// Makes what a worker would otherwise do once, lazily, after its syscall filter is on happen
/// now: reading the time zone, and glibc's first check of the kernel's overcommit policy.
int imgedge_prepare_for_syscall_filter(void);

/// Installs the worker's seccomp filter on every thread of the process: from now on any system
/// call outside the allow-list in imgedge_syscall_filter.c kills the process with SIGSYS.
/// Call it last, after imgedge_no_new_privileges and imgedge_limit_resources.
int imgedge_install_syscall_filter(void);

#endif
