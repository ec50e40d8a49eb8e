import Synchronization

/// Computes identical concurrent work once: the first caller for a key starts it, callers
/// arriving while it runs wait for the same result.
///
/// A thundering herd of misses for one new variant (a CDN's edges filling at once, a page
/// published) then costs one fetch and one libvips job. The work runs in its own task, so a
/// leader whose client disconnects does not cancel it for the others. Nothing is kept after the
/// work finishes: this is not a cache.
final class RequestCoalescer<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let inFlight = Mutex<[Key: Task<Value, any Error>]>([:])

    /// Runs `work` for `key`, or joins the run already under way for it.
    func run(_ key: Key, _ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let task = inFlight.withLock { tasks in
            if let running = tasks[key] { return running }
            let task = Task {
                defer { _ = inFlight.withLock { $0.removeValue(forKey: key) } }
                return try await work()
            }
            tasks[key] = task
            return task
        }
        return try await task.value
    }
}
