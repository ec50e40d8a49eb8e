import CWorkerProcess
import Foundation
import Glibc
import Synchronization

/// One worker process: a fresh exec of this binary in worker mode, in a process group of its
/// own, connected to the server by a socket pair and no other descriptor, and killed by the
/// kernel if the server dies (`WorkerLoop` asks for that before anything else). The kernel
/// sends that signal when the *thread* that started the worker ends, so start workers only on
/// threads that live as long as the server: the worker threads.
///
/// A worker runs one job at a time for the thread that took it from `WorkerPool`; `kill()` may
/// come from any thread (a deadline, a client gone), and ends the job under way: its socket
/// then reads the end of the stream.
final class WorkerProcess: Sendable {
    let pid: pid_t
    let socket: WorkerSocket
    /// When it was started, before it read anything.
    let started = ContinuousClock.now
    /// Jobs this process has finished, for recycling.
    let jobsDone = Atomic<Int>(0)
    /// Whether it has said it is ready (`awaitReady`).
    private let isReady = Atomic<Bool>(false)
    private let reaped = Mutex(false)

    /// Starts `executable` with `arguments` (its own name first) and `environment` (`NAME=value`).
    /// - Throws: the `errno` of the failed call.
    init(executable: String, arguments: [String], environment: [String]) throws(WorkerStartError) {
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            throw .callFailed("socketpair", errno: errno)
        }
        let child = ends[1]
        defer { close(child) }
        let spawned = Self.spawn(executable, arguments, environment, socket: child)
        guard spawned > 0 else {
            let failure = errno
            close(ends[0])
            throw .callFailed("posix_spawn", errno: failure)
        }
        pid = spawned
        socket = WorkerSocket(descriptor: ends[0])
    }

    private static func spawn(_ executable: String, _ arguments: [String], _ environment: [String], socket: Int32) -> pid_t {
        var argv = arguments.map { strdup($0) } + [nil]
        var envp = environment.map { strdup($0) } + [nil]
        defer {
            for string in argv + envp { free(string) }
        }
        return argv.withUnsafeMutableBufferPointer { argv in
            envp.withUnsafeMutableBufferPointer { envp in
                imgedge_spawn_worker(executable, argv.baseAddress, envp.baseAddress, socket)
            }
        }
    }

    /// Returns once the process has said it is ready (locked down, waiting for jobs): at once
    /// after the first time. A process that ends, says something else, or is not ready by
    /// `deadline` is killed and collected.
    func awaitReady(until deadline: ContinuousClock.Instant) throws(WorkerStartError) {
        guard !isReady.load(ordering: .acquiring) else { return }
        do throws(WorkerSocketError) {
            let (_, fd) = try socket.receive(maxLength: [.ready: 0], until: deadline)
            if let fd {
                close(fd)
                throw .protocolError(.notAFrame)
            }
        } catch {
            let exit = reap()
            switch error {
            case .closed: throw .endedBeforeReady(exit ?? WorkerExit(status: 0))
            case .protocolError(let violation): throw .misbehaved("\(violation)")
            case .timedOut, .stopped: throw .notReadyInTime
            }
        }
        isReady.store(true, ordering: .releasing)
    }

    /// Kills the process with SIGKILL; what it was doing ends at once.
    func kill() {
        _ = Glibc.kill(pid, SIGKILL)
    }

    /// The memory the process holds now (its resident set), from /proc; nil once it has gone.
    var residentBytes: Int? {
        guard let statm = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .ascii),
            let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// The CPU time the process has used, all its threads, user and system, from /proc (in the
    /// kernel's clock ticks, usually 10 ms); nil once it has gone.
    var cpuTime: Duration? {
        // After the last ")": the command name before it is the process's to choose.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .ascii),
            let nameEnd = stat.lastIndex(of: ")")
        else { return nil }
        // Fields from the third (state) on: utime is the 14th, stime the 15th.
        let fields = stat[stat.index(after: nameEnd)...].split(separator: " ")
        guard fields.count > 12, let user = Int64(fields[11]), let system = Int64(fields[12]) else { return nil }
        let ticksPerSecond = Int64(sysconf(Int32(_SC_CLK_TCK)))
        return .nanoseconds((user + system) * (1_000_000_000 / ticksPerSecond))
    }

    /// Whether the process has ended (it is then collected); false while it runs.
    var hasEnded: Bool {
        reaped.withLock { reaped in
            if reaped { return true }
            var status: Int32 = 0
            reaped = waitpid(pid, &status, WNOHANG) == pid
            return reaped
        }
    }

    /// Kills the process if it still runs and collects its exit status: how it ended, once.
    @discardableResult
    func reap() -> WorkerExit? {
        reaped.withLock { reaped -> WorkerExit? in
            guard !reaped else { return nil }
            reaped = true
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == 0 {
                kill()
                while waitpid(pid, &status, 0) < 0, errno == EINTR {}
            }
            return WorkerExit(status: status)
        }
    }

    deinit {
        reap()
    }
}

/// How a worker process ended.
struct WorkerExit: Equatable, Sendable, CustomStringConvertible {
    /// The signal that ended it, if one did.
    var signal: Int32?
    /// Its exit code, if it exited.
    var code: Int32?

    init(status: Int32) {
        let signal = status & 0x7f
        if signal == 0 {
            self.signal = nil
            code = (status >> 8) & 0xff
        } else {
            self.signal = signal
            code = nil
        }
    }

    var description: String {
        if let signal { return "killed by signal \(signal)" + (strsignal(signal).map { " (\(String(cString: $0)))" } ?? "") }
        return "exited with code \(code ?? 0)"
    }
}

/// A worker process could not be started, or did not become ready.
enum WorkerStartError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A call that starts it failed, with this `errno`.
    case callFailed(String, errno: Int32)
    /// It ended before it said it was ready: its lockdown failed, say.
    case endedBeforeReady(WorkerExit)
    /// It sent something else than its ready frame.
    case misbehaved(String)
    /// It did not say it was ready in time; it has been killed.
    case notReadyInTime

    var description: String {
        switch self {
        case .callFailed(let call, let errno): "\(call) failed: \(String(cString: strerror(errno)))"
        case .endedBeforeReady(let exit): "it ended before it was ready: \(exit)"
        case .misbehaved(let violation): "it broke the protocol before its first job: \(violation)"
        case .notReadyInTime: "it was not ready in time"
        }
    }
}
