import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The repository's `deploy/` directory: the Varnish and nginx configurations the tests run.
let deployDirectory: String = URL(fileURLWithPath: testImagesDirectory).deletingLastPathComponent()
    .appendingPathComponent("deploy").path

/// A server from Debian's packages (`varnishd`, `nginx`) run in the foreground as a child
/// process, with a temporary directory of its own for its configuration and state; stopped by
/// its PID, and its directory removed, by `stop()`.
///
/// Spawned with `posix_spawn`, an empty signal mask and none of the test process's descriptors
/// rather than with Foundation's `Process`, which passes on the mask of the Dispatch thread it
/// runs on: with SIGTERM blocked, varnishd and nginx would never stop. Waiting blocks, so it runs on a Dispatch thread (see
/// `ImgEdgeProcess.Server`).
final class Daemon: @unchecked Sendable {
    let pid: pid_t
    /// Where the test writes the daemon's configuration and the daemon keeps its state.
    let directory: URL
    /// What the daemon writes to its standard output and error.
    private let output: URL
    /// Whether the daemon has been reaped, after which its PID may be another process's.
    private var reaped = false

    /// A new, empty directory for a daemon's files, which `stop()` removes.
    static func makeDirectory(for name: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("imgedge-\(name)-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Runs `executable arguments…` with its files in `directory` and waits up to 30 s until
    /// `port` accepts connections on loopback.
    static func start(
        _ executable: String, _ arguments: [String], in directory: URL, listeningOn port: Int
    ) async throws -> Daemon {
        let daemon = try Daemon(executable, arguments, in: directory)
        let deadline = ContinuousClock.now + .seconds(30)
        while (try? RawConnection(port: port)) == nil {
            guard ContinuousClock.now < deadline, await !daemon.hasExited() else {
                let log = await daemon.stop()
                throw DidNotStart(executable: executable, log: log)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return daemon
    }

    private init(_ executable: String, _ arguments: [String], in directory: URL) throws {
        self.directory = directory
        output = directory.appendingPathComponent("output.log")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of the test process, so that a socket a test closes does close.
        for descriptor in Self.openDescriptors() where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid = pid_t()
        let failure = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard failure == 0 else { throw POSIXError(POSIXErrorCode(rawValue: failure) ?? .ENOENT) }
        self.pid = pid
    }

    /// The file descriptors open in this process now.
    private static func openDescriptors() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
    }

    struct DidNotStart: Error {
        let executable: String
        let log: String
    }

    /// Whether the daemon has exited (it is reaped if so).
    private func hasExited() async -> Bool {
        await offCooperativePool { self.reap(waiting: false) }
    }

    /// Reaps the daemon if it has exited, or once it does when `waiting`; true when it is gone.
    private func reap(waiting: Bool) -> Bool {
        guard !reaped else { return true }
        var status: Int32 = 0
        let result = waitpid(pid, &status, waiting ? 0 : WNOHANG)
        reaped = result == pid || (result == -1 && errno == ECHILD)
        return reaped
    }

    /// Stops the daemon with SIGTERM (SIGKILL after 10 s), waits for it to exit, removes its
    /// directory and returns what it printed.
    @discardableResult
    func stop() async -> String {
        await offCooperativePool {
            if !self.reaped {
                kill(self.pid, SIGTERM)
            }
            let deadline = Date().addingTimeInterval(10)
            while !self.reap(waiting: false) {
                if Date() > deadline {
                    kill(self.pid, SIGKILL)
                    _ = self.reap(waiting: true)
                    break
                }
                usleep(20_000)
            }
            let printed = (try? String(contentsOf: self.output, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: self.directory)
            return printed
        }
    }
}

/// A TCP port on loopback that nothing listens on now, for a server that must be told its port
/// before it starts. Taken below Linux's ephemeral range (32768–60999), where the ports of
/// servers asked to pick their own (`--port 0`) and of outgoing connections come from, so that
/// none of those takes it between this check and the server's start, or while a replica is down.
func freeLoopbackPort() throws -> Int {
    for _ in 0..<100 {
        let port = Int.random(in: 20_000..<32_000)
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        if bound { return port }
    }
    throw POSIXError(.EADDRINUSE)
}
