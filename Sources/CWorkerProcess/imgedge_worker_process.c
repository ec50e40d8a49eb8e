#define _GNU_SOURCE
#include "imgedge_worker_process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

int imgedge_spawn_worker(const char *path, char *const argv[], char *const envp[], int socket) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    if (posix_spawn_file_actions_init(&actions) != 0) return -1;
    if (posix_spawnattr_init(&attributes) != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return -1;
    }
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    int failure = posix_spawn_file_actions_adddup2(&actions, socket, 3);
    if (failure == 0) failure = posix_spawn_file_actions_addclosefrom_np(&actions, 4);
    if (failure == 0) failure = posix_spawnattr_setpgroup(&attributes, 0);
    if (failure == 0) failure = posix_spawnattr_setsigmask(&attributes, &none);
    if (failure == 0) failure = posix_spawnattr_setsigdefault(&attributes, &all);
    if (failure == 0) {
        failure = posix_spawnattr_setflags(
            &attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    }
    pid_t pid = -1;
    if (failure == 0) failure = posix_spawn(&pid, path, &actions, &attributes, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (failure != 0) {
        errno = failure;
        return -1;
    }
    return pid;
}

long imgedge_send_with_fd(int socket, const void *bytes, size_t length, int fd) {
    struct iovec vector = {.iov_base = (void *)bytes, .iov_len = length};
    struct msghdr message = {.msg_iov = &vector, .msg_iovlen = 1};
    union {
        char buffer[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    if (fd >= 0) {
        memset(&control, 0, sizeof(control));
        message.msg_control = control.buffer;
        message.msg_controllen = sizeof(control.buffer);
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(header), &fd, sizeof(int));
    }
    ssize_t sent;
    do {
        sent = sendmsg(socket, &message, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    return sent;
}

long imgedge_receive_with_fd(int socket, void *bytes, size_t length, int *fd) {
    *fd = -1;
    struct iovec vector = {.iov_base = bytes, .iov_len = length};
    union {
        char buffer[CMSG_SPACE(sizeof(int) * 4)];
        struct cmsghdr align;
    } control;
    struct msghdr message = {
        .msg_iov = &vector, .msg_iovlen = 1, .msg_control = control.buffer, .msg_controllen = sizeof(control.buffer)};
    ssize_t received;
    do {
        received = recvmsg(socket, &message, MSG_CMSG_CLOEXEC);
    } while (received < 0 && errno == EINTR);
    if (received < 0) return -1;
    int found = 0;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header != NULL; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
        size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t index = 0; index < count; index++) {
            int received_fd;
            memcpy(&received_fd, CMSG_DATA(header) + index * sizeof(int), sizeof(int));
            if (found == 0) {
                *fd = received_fd;
            } else {
                close(received_fd);
            }
            found++;
        }
    }
    if (found > 1 || (message.msg_flags & MSG_CTRUNC) != 0) {
        if (*fd >= 0) close(*fd);
        *fd = -1;
        errno = EBADMSG;
        return -1;
    }
    return received;
}

int imgedge_sealed_memfd(const void *bytes, size_t length) {
    int fd = memfd_create("imgedge-source", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) return -1;
    size_t written = 0;
    while (written < length) {
        ssize_t count = write(fd, (const char *)bytes + written, length - written);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) {
            int saved = errno;
            close(fd);
            errno = count == 0 ? EIO : saved;
            return -1;
        }
        written += (size_t)count;
    }
    if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int imgedge_is_sealed_memfd(int fd) {
    int seals = fcntl(fd, F_GET_SEALS);
    if (seals < 0) return 0;
    int needed = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
    return (seals & needed) == needed;
}

int imgedge_die_with_parent(int parent) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return -1;
    if (getppid() != parent) {
        errno = ESRCH;
        return -1;
    }
    return 0;
}

int imgedge_no_new_privileges(void) {
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

int imgedge_limit_resources(size_t max_address_space, int max_files) {
    struct rlimit address_space = {.rlim_cur = max_address_space, .rlim_max = max_address_space};
    struct rlimit files = {.rlim_cur = (rlim_t)max_files, .rlim_max = (rlim_t)max_files};
    struct rlimit core = {.rlim_cur = 0, .rlim_max = 0};
    if (setrlimit(RLIMIT_AS, &address_space) != 0) return -1;
    if (setrlimit(RLIMIT_NOFILE, &files) != 0) return -1;
    if (setrlimit(RLIMIT_CORE, &core) != 0) return -1;
    return 0;
}
