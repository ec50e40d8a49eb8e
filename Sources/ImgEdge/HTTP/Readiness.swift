public import ServiceLifecycle
import Synchronization

/// Whether the server wants new requests: `GET /readyz` answers 200 until shutdown begins and
/// 503 from then on, while `/healthz` stays 200, so a load balancer stops sending requests
/// before the server stops accepting them.
public final class Readiness: Sendable {
    private let draining = Atomic(false)

    public init() {}

    var isReady: Bool {
        !draining.load(ordering: .relaxed)
    }

    /// Runs until graceful shutdown begins, then turns `/readyz` to 503 and waits `delay` (the
    /// server meanwhile serves as before) before it returns.
    ///
    /// Run it after the application in one `ServiceGroup`: the group shuts its services down
    /// last to first, each after the one before has returned, so the server stops accepting
    /// only once this has returned.
    public struct Drain: Service {
        let readiness: Readiness
        let delay: Duration

        public init(_ readiness: Readiness, delay: Duration) {
            self.readiness = readiness
            self.delay = delay
        }

        public func run() async throws {
            try? await gracefulShutdown()
            readiness.draining.store(true, ordering: .relaxed)
            try? await Task.sleep(for: delay)
        }
    }
}
