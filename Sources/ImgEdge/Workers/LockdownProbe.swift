#if DEBUG
import Glibc

/// A system call a test has a locked-down worker make, to see whether its seccomp filter lets
/// it through: `imgedge worker --lockdown-probe NAME`, compiled into debug builds only.
public enum LockdownProbe: String, CaseIterable, Sendable {
    /// Opening a file: refused.
    case openat
    /// Opening a network socket: refused.
    case socket
    /// Running another program: refused.
    case execve
    /// Starting a process rather than a thread: refused.
    case fork
    /// Mapping executable memory: refused.
    case executableMemory = "executable-memory"
    /// Reading its own pid: allowed, so a worker survives it (the control).
    case getpid

    /// The exit code of a worker that survived its probe.
    public static let survived: Int32 = 75

    /// Makes the call; returns if the filter allowed it.
    func call() {
        switch self {
        case .openat: _ = open("/etc/hostname", O_RDONLY)
        case .socket: _ = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        case .execve: _ = execv("/bin/true", [strdup("true"), nil])
        case .fork: _ = Glibc.fork()
        case .executableMemory: _ = mmap(nil, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        case .getpid: _ = Glibc.getpid()
        }
    }
}
#endif
