import Filters
import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads without a restart: the filter modules and the config file's reloadable keys on
/// SIGHUP, and the modules also whenever a `.wasm` file in their directory changes (checked
/// every `interval`).
struct Reloader: Service {
    let catalog: ModuleCatalog
    /// The worker processes, which load the modules when they start; nil without isolation.
    let processes: WorkerPool?
    let interval: Duration
    /// Reads the configuration anew from its sources; nil when there is nothing to re-read.
    let readConfiguration: (@Sendable () throws(ConfigurationError) -> ImgEdgeConfiguration)?
    let live: LiveConfiguration
    let logger: Logger

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in hangups {
                    reloadConfiguration()
                    modulesReloaded(catalog.reload(), reason: "SIGHUP")
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: interval)
                    if let registry = catalog.reloadIfChanged() {
                        modulesReloaded(registry, reason: "a module file changed")
                    }
                }
            }
            try await gracefulShutdown()
            group.cancelAll()
        }
    }

    /// Applies the reloadable keys of the configuration as read now; an invalid one is logged
    /// and the running configuration kept.
    private func reloadConfiguration() {
        guard let readConfiguration else { return }
        do {
            let (applied, needRestart) = live.apply(try readConfiguration())
            logger.info(
                "configuration reloaded (SIGHUP); changed: \(applied.isEmpty ? "nothing" : applied.joined(separator: ", "))")
            for key in needRestart {
                logger.warning("configuration key \(key) changed; it takes effect only after a restart")
            }
        } catch {
            logger.error("configuration not reloaded, the running one is kept: \(error)")
        }
    }

    /// Logs the modules now loaded and those that failed, and has the workers load them too.
    private func modulesReloaded(_ registry: FilterRegistry, reason: String) {
        logger.info("filter modules reloaded (\(reason)): \(registry.modules.keys.sorted().joined(separator: ", "))")
        processes?.modulesDidChange()
        for (name, failure) in registry.failures.sorted(by: { $0.key < $1.key }) {
            logger.error("filter module \(name) not loaded: \(failure)")
        }
    }
}
