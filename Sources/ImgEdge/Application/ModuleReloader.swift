import Filters
import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the filter modules on SIGHUP, and whenever a `.wasm` file in their directory changes
/// (checked every `interval`), without a restart.
struct ModuleReloader: Service {
    let catalog: ModuleCatalog
    let interval: Duration
    let logger: Logger

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in hangups {
                    report(catalog.reload(), reason: "SIGHUP")
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: interval)
                    if let registry = catalog.reloadIfChanged() {
                        report(registry, reason: "a module file changed")
                    }
                }
            }
            try await gracefulShutdown()
            group.cancelAll()
        }
    }

    private func report(_ registry: FilterRegistry, reason: String) {
        logger.info("filter modules reloaded (\(reason)): \(registry.modules.keys.sorted().joined(separator: ", "))")
        for (name, failure) in registry.failures.sorted(by: { $0.key < $1.key }) {
            logger.error("filter module \(name) not loaded: \(failure)")
        }
    }
}
