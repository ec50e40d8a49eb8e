import ServiceLifecycle

/// Releases a resource (threads, connections) when the application shuts down gracefully.
///
/// Hummingbird stops its services in reverse order, so placing this before the server means the
/// server stops accepting requests before the resource goes away.
struct ResourceService: Service {
    let release: @Sendable () async throws -> Void

    func run() async throws {
        try? await gracefulShutdown()
        try await release()
    }
}
