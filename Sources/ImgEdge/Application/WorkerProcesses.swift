import Filters
import Foundation
import Glibc
import Logging

extension WorkerPool.Launch {
    /// How this server starts its workers: its own executable in worker mode, told the server's
    /// pid, the filter settings, the memory bound and the nice value, with an environment that
    /// holds none of the server's settings or secrets (only the locale, the temporary directory
    /// and libvips' and the allocator's own variables, and no backtracer).
    init(for configuration: ImgEdgeConfiguration) {
        executable = configuration.workers.workerExecutable
        let settings = ImgEdgeConfiguration.keys.filter {
            $0.name.hasPrefix("filters.") || ["workers.max_memory", "workers.nice"].contains($0.name)
        }
        arguments =
            ["imgedge", "worker", "--parent", String(getpid())]
            + settings.map { "--\($0.flag)=\($0.value(in: configuration))" }
        environment =
            ProcessInfo.processInfo.environment.filter { name, _ in
                ["LANG", "TMPDIR"].contains(name) || ["LC_", "VIPS_", "MALLOC_"].contains { name.hasPrefix($0) }
            }.map { "\($0.key)=\($0.value)" }.sorted()
            // A crash ends the worker by its own signal: Swift's backtracer would start a process
            // to print a backtrace, which the seccomp filter answers with SIGSYS.
            + ["SWIFT_BACKTRACE=enable=no"]
    }
}

/// Runs this process as a worker of the server `parent`, with the filter modules and limits, the
/// memory bound and the nice value of `configuration`, until the server closes the socket:
/// `imgedge worker`.
/// - Returns: the exit code.
public func runWorker(parent: Int32, configuration: ImgEdgeConfiguration) -> Int32 {
    do throws(WorkerLoop.Exit) {
        return WorkerLoop.serve(registry: try WorkerLoop.lockDown(for: configuration, parent: parent)).rawValue
    } catch {
        return error.rawValue
    }
}

#if DEBUG
/// Locks this process down as a worker of `parent` would be, then makes the system call
/// `probe` names instead of serving jobs: `imgedge worker --lockdown-probe`, in debug builds
/// only, for the tests of the seccomp filter.
/// - Returns: `LockdownProbe.survived` when the call came back, else the lockdown's failure
///   (a refused call kills the process with SIGSYS before it returns).
public func probeWorkerLockdown(_ probe: LockdownProbe, parent: Int32, configuration: ImgEdgeConfiguration) -> Int32 {
    do throws(WorkerLoop.Exit) {
        _ = try WorkerLoop.lockDown(for: configuration, parent: parent)
    } catch {
        return error.rawValue
    }
    probe.call()
    return LockdownProbe.survived
}
#endif

extension WorkerLoop {
    /// `lockDown` with the filter settings, memory bound and nice value of `configuration`.
    fileprivate static func lockDown(for configuration: ImgEdgeConfiguration, parent: Int32) throws(Exit) -> FilterRegistry {
        try lockDown(
            parent: parent, modulesDirectory: configuration.modulesDirectory, filterLimits: configuration.filterLimits,
            maxMemory: configuration.workers.maxProcessMemory, niceness: configuration.workers.niceness)
    }
}
