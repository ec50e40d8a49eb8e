// A worker's seccomp filter and what must happen before it goes on.
//
// The allow-list is what a job needs once libvips, its modules and the filter modules are
// loaded (measured with strace on jobs of every format, filters, placeholders and failures):
// the worker talks to its server over descriptors it already holds, maps memory, starts threads
// and waits on them, and nothing else. Any other call kills the whole worker
// (SECCOMP_RET_KILL_PROCESS), which its server sees as a death by SIGSYS.

#define _GNU_SOURCE
#include "imgedge_worker_process.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

/// System calls allowed whatever their arguments, and why.
static const int imgedge_allowed_calls[] = {
    // The job's frames on the server's socket, the sealed memfd holding the source (read,
    // checked for its seals and size), and closing it after the job.
    SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(read), SCMP_SYS(pread64), SCMP_SYS(lseek),
    SCMP_SYS(fstat), SCMP_SYS(fcntl), SCMP_SYS(close), SCMP_SYS(poll),
    // libvips' and the codecs' warnings, and a runtime's last words before an abort, on stderr.
    SCMP_SYS(write), SCMP_SYS(writev),
    // The allocator: the heap, mapped blocks, arenas growing and shrinking (mmap and mprotect
    // are below, without PROT_EXEC).
    SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
    // Threads: libvips' pipeline, libaom's, dav1d's and libjxl's encoder and decoder threads
    // (clone is below, for threads only), their locks and their ends.
    SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(sched_yield),
    SCMP_SYS(sched_getaffinity), SCMP_SYS(sysinfo), SCMP_SYS(gettid), SCMP_SYS(getpid),
    SCMP_SYS(exit), SCMP_SYS(exit_group),
    // Signal masks around thread starts and glibc's own handlers; returning from a handler.
    SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack),
    SCMP_SYS(restart_syscall),
    // Time for the stage timings and the deadline, when the vDSO cannot answer; short sleeps.
    SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(nanosleep), SCMP_SYS(clock_nanosleep),
    // Hashing seeds and the WebAssembly modules' random_get.
    SCMP_SYS(getrandom),
};

/// The rules with conditions: what the allowed calls may not do.
static int imgedge_add_conditional_rules(scmp_filter_ctx filter) {
    // Memory, never executable: no new code can be mapped once the libraries are loaded (liborc's
    // code regions, where libvips' loops are compiled, are mapped before the filter goes on).
    struct scmp_arg_cmp not_executable = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
    // Threads, never processes: clone only with CLONE_THREAD.
    struct scmp_arg_cmp thread = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD);
    // Naming its threads ("libvips worker", "aom enc worker"), nothing else of prctl.
    struct scmp_arg_cmp set_name = SCMP_A0(SCMP_CMP_EQ, PR_SET_NAME);
    // fstatat on a descriptor it holds (glibc's fstat), never on a path.
    struct scmp_arg_cmp empty_path = SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH);
    // abort() and crash handlers re-raising their signal: to itself, no other process.
    struct scmp_arg_cmp itself = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid());
    const struct {
        int call;
        struct scmp_arg_cmp condition;
    } rules[] = {
        {SCMP_SYS(mmap), not_executable}, {SCMP_SYS(mprotect), not_executable},
        {SCMP_SYS(clone), thread},        {SCMP_SYS(prctl), set_name},
        {SCMP_SYS(newfstatat), empty_path}, {SCMP_SYS(tgkill), itself},
        {SCMP_SYS(kill), itself},
    };
    for (size_t index = 0; index < sizeof(rules) / sizeof(rules[0]); index++) {
        int result = seccomp_rule_add_array(filter, SCMP_ACT_ALLOW, rules[index].call, 1, &rules[index].condition);
        if (result != 0) return result;
    }
    // clone3's flags sit in memory the filter cannot read: it fails as if the kernel were older,
    // and glibc starts the thread with clone, checked above.
    return seccomp_rule_add_array(filter, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0, NULL);
}

int imgedge_install_syscall_filter(void) {
    scmp_filter_ctx filter = seccomp_init(SCMP_ACT_KILL_PROCESS);
    if (filter == NULL) {
        errno = ENOMEM;
        return -1;
    }
    // Every thread of the worker, not only the caller, and not only the threads started later.
    int result = seccomp_attr_set(filter, SCMP_FLTATR_CTL_TSYNC, 1);
    size_t count = sizeof(imgedge_allowed_calls) / sizeof(imgedge_allowed_calls[0]);
    for (size_t index = 0; result == 0 && index < count; index++) {
        result = seccomp_rule_add_array(filter, SCMP_ACT_ALLOW, imgedge_allowed_calls[index], 0, NULL);
    }
    if (result == 0) result = imgedge_add_conditional_rules(filter);
    if (result == 0) result = seccomp_load(filter);
    seccomp_release(filter);
    if (result != 0) {
        errno = result < 0 ? -result : EINVAL;
        return -1;
    }
    return 0;
}

/// Mallocs and frees enough small blocks in a thread's own arena that glibc shrinks its heap,
/// the first time of which reads /proc/sys/vm/overcommit_memory.
static void *imgedge_shrink_a_thread_heap(void *unused) {
    (void)unused;
    enum { blocks = 1024, block_size = 64 * 1024 };  // 64 MiB, past any trim threshold
    static void *held[blocks];
    for (int index = 0; index < blocks; index++) held[index] = malloc(block_size);
    for (int index = blocks - 1; index >= 0; index--) free(held[index]);
    return NULL;
}

int imgedge_prepare_for_syscall_filter(void) {
    // localtime's zone is read once, from the file TZ names or /etc/localtime.
    tzset();
    pthread_t thread;
    int result = pthread_create(&thread, NULL, imgedge_shrink_a_thread_heap, NULL);
    if (result != 0) {
        errno = result;
        return -1;
    }
    return pthread_join(thread, NULL) == 0 ? 0 : -1;
}
