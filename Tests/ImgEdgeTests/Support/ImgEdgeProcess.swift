import Foundation
import Synchronization
import Testing

/// The `imgedge` executable this test run was built with, run as a child process.
struct ImgEdgeProcess {
    /// `imgedge`, next to the test bundle in the build directory (`swift build --build-tests`
    /// builds it with the tests).
    static let executable: URL = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.pathComponents.count > 1,
            !FileManager.default.fileExists(atPath: directory.appendingPathComponent("imgedge").path)
        {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("imgedge")
    }()

    /// What a finished run printed and its exit status.
    struct Result {
        /// The exit code, or the signal that ended the process when `reason` says so.
        let status: Int32
        let reason: Process.TerminationReason
        let output: String
        let errors: String
    }

    /// Runs `imgedge arguments…` to completion with exactly `environment`, waiting on a Dispatch
    /// thread (see `Server`).
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        try await offCooperativePool { try runBlocking(executable, arguments, environment: environment) }
    }

    /// Runs `program arguments…` to completion, with `environment` (nil: this process's), and
    /// collects what it printed.
    static func runBlocking(_ program: URL, _ arguments: [String], environment: [String: String]?) throws -> Result {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complained = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, reason: process.terminationReason,
            output: String(decoding: printed, as: UTF8.self),
            errors: String(decoding: complained, as: UTF8.self))
    }

    /// A running `imgedge serve`, and the port it listens on once it says so in its log.
    ///
    /// Starting and stopping block on the process, so they run on a Dispatch thread: blocking one
    /// of Swift concurrency's few cooperative threads would stall the in-process servers of the
    /// tests running beside this one.
    final class Server: @unchecked Sendable {
        let process = Process()
        let port: Int
        private let logged = LogText()

        /// Starts `imgedge serve arguments…` and waits up to 60 s for its main listener's
        /// "listening on" log line.
        static func start(_ arguments: [String], environment: [String: String] = [:]) async throws -> Server {
            try await offCooperativePool { try Server(arguments, environment: environment) }
        }

        /// Starts a server of `TestImages/` with the built filter modules on `port` (0: a free
        /// one), with the further `arguments`.
        static func servingTestImages(port: Int = 0, _ arguments: [String] = []) async throws -> Server {
            try await start(
                ["--port", String(port), "--origin", testImagesDirectory, "--modules", builtModulesDirectory] + arguments)
        }

        private init(_ arguments: [String], environment: [String: String]) throws {
            process.executableURL = ImgEdgeProcess.executable
            // Workers at the default priority: at nice 10 they would be starved by the test
            // process's own work while the suite loads every core, and miss their deadlines. No
            // optimiser unless the test asks for one (see `testConfiguration`).
            let optimiser = arguments.contains("--optimize-after-seconds") ? [] : ["--optimize-after-seconds", "0"]
            process.arguments = ["serve", "--worker-nice", "0"] + optimiser + arguments
            process.environment = environment
            let log = Pipe()
            process.standardOutput = log
            process.standardError = log
            try process.run()
            // "… listening on 127.0.0.1:PORT", at the end of a text line or inside a JSON one; the
            // metrics listener's line says `listener=metrics` (or `"listener":"metrics"`).
            func mainListenerLine(_ log: String) -> Substring? {
                log.split(separator: "\n").first { $0.contains("listening on") && !$0.contains("metrics") }
            }
            var seen = ""
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, mainListenerLine(seen) == nil {
                let chunk = log.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                seen += String(decoding: chunk, as: UTF8.self)
            }
            guard let line = mainListenerLine(seen),
                let address = line.split(separator: "listening on ").last,
                let port = address.split(separator: ":").dropFirst().first.flatMap({ Int($0.prefix(while: \.isNumber)) })
            else {
                process.terminate()
                throw ServerDidNotStart(log: seen)
            }
            self.port = port
            logged.append(seen)
            // Keeps reading the log, so that a server that logs much never blocks on a full pipe.
            log.fileHandleForReading.readabilityHandler = { [logged] handle in
                logged.append(String(decoding: handle.availableData, as: UTF8.self))
            }
            if !zip(arguments, arguments.dropFirst()).contains(where: { $0 == ("--isolation", "none") }) {
                awaitWorkersLockedDown()
            }
        }

        /// Waits up to 30 s until the server has worker processes and each has installed its
        /// seccomp filter, which it does just before it says it is ready: tests then measure the
        /// server, not the start-up of its workers, which takes a loaded machine seconds.
        private func awaitWorkersLockedDown() {
            func lockedDown(_ pid: Int32) -> Bool {
                let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
                return status?.contains("Seccomp:\t2") ?? false
            }
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                let workers = children()
                if !workers.isEmpty, workers.allSatisfy(lockedDown) { return }
                Thread.sleep(forTimeInterval: 0.02)
            }
        }

        /// Everything the server has logged so far.
        var log: String {
            logged.text.withLock { $0 }
        }

        /// The server's log as it arrives, appended to by the pipe's reader.
        private final class LogText: Sendable {
            let text = Mutex("")

            func append(_ chunk: String) {
                text.withLock { $0 += chunk }
            }
        }

        struct ServerDidNotStart: Error {
            let log: String
        }

        /// The pids of the server's live child processes.
        func children() -> [Int32] {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return entries.compactMap(Int32.init).filter { pid in
                guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                    let afterName = stat.split(separator: ")").last
                else { return false }
                let fields = afterName.split(separator: " ")
                return fields.count > 2 && fields[0] != "Z" && Int32(fields[1]) == process.processIdentifier
            }.sorted()
        }

        /// Sends `signal` to the server.
        func send(_ signal: Int32) {
            kill(process.processIdentifier, signal)
        }

        /// Stops the server with SIGTERM and returns its exit status.
        func stop() async -> Int32 {
            send(SIGTERM)
            return await exitStatus()
        }

        /// Waits for the server to exit and returns its exit status.
        func exitStatus() async -> Int32 {
            await offCooperativePool {
                self.process.waitUntilExit()
                return self.process.terminationStatus
            }
        }
    }
}
