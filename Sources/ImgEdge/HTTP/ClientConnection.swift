import Synchronization

/// One client connection, as far as its requests need to know: the address it comes from, and
/// whether the client has gone.
///
/// `ClientDisconnectHandler` marks it gone when the connection closes or the client shuts its
/// sending side (what a client that gives up does), and the request being served on it is
/// cancelled, so that work nobody will read stops. A client that half-closes and still waits
/// for its answer is treated as gone too; browsers and CDNs do not do that.
final class ClientConnection: Sendable {
    /// The connection of the request the current task serves, set for every connection's task.
    @TaskLocal static var current: ClientConnection?

    /// Thrown in place of the answer when the client went away before it.
    struct Gone: Error {}

    private struct State {
        var isGone = false
        /// Called when the client goes: cancels the request under way.
        var onGone: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())
    /// The address the connection comes from (a proxy's, behind one); nil for a Unix socket.
    let peer: IPAddress?

    init(peer: IPAddress?) {
        self.peer = peer
    }

    /// Called by the channel handler: the client will read nothing more.
    func markGone() {
        let onGone = state.withLock { state in
            state.isGone = true
            return state.onGone.take()
        }
        onGone?()
    }

    /// Runs `operation`, cancelled as soon as the client goes.
    /// - Throws: `Gone` if the client went first; otherwise what `operation` throws.
    func cancellingWhenGone<Value: Sendable>(_ operation: @escaping @Sendable () async throws -> Value) async throws -> Value {
        try await withThrowingTaskGroup(of: Value?.self) { group in
            let (gone, signal) = AsyncStream<Never>.makeStream()
            let wasGone = state.withLock { state in
                state.onGone = { signal.finish() }
                return state.isGone
            }
            defer { state.withLock { $0.onGone = nil } }
            guard !wasGone else { throw Gone() }
            // Ends when the client goes, or when the operation finished and cancels it.
            group.addTask {
                for await _ in gone {}
                return nil
            }
            group.addTask { try await operation() }
            let first = try await group.next()!
            group.cancelAll()
            guard let value = first else { throw Gone() }
            return value
        }
    }
}
