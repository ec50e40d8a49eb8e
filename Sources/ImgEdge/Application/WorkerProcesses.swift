import Foundation
import Glibc
import Logging

extension WorkerPool.Launch {
    /// How this server starts its workers: its own executable in worker mode, told the server's
    /// pid, the filter settings and the memory bound, with an environment that holds none of the server's
    /// settings or secrets (only the locale, the temporary directory and libvips' and the
    /// allocator's own variables).
    init(for configuration: ImgEdgeConfiguration) {
        executable = "/proc/self/exe"
        let settings = ImgEdgeConfiguration.keys.filter { $0.name.hasPrefix("filters.") || $0.name == "workers.max_memory" }
        arguments =
            ["imgedge", "worker", "--parent", String(getpid())]
            + settings.map { "--\($0.flag)=\($0.value(in: configuration))" }
        environment = ProcessInfo.processInfo.environment.filter { name, _ in
            ["LANG", "TMPDIR"].contains(name) || ["LC_", "VIPS_", "MALLOC_"].contains { name.hasPrefix($0) }
        }.map { "\($0.key)=\($0.value)" }.sorted()
    }
}

/// Runs this process as a worker of the server `parent`, with the filter modules and limits and
/// the memory bound of `configuration`, until the server closes the socket: `imgedge worker`.
/// - Returns: the exit code.
public func runWorker(parent: Int32, configuration: ImgEdgeConfiguration) -> Int32 {
    WorkerLoop.run(
        parent: parent, modulesDirectory: configuration.modulesDirectory, filterLimits: configuration.filterLimits,
        maxMemory: configuration.workers.maxProcessMemory
    ).rawValue
}
