import Synchronization

/// Sources that killed a worker process lately, by content hash: one is refused at once for
/// `period` instead of being handed to the next worker, so a hostile file sent again and again
/// costs one worker, not one per request.
///
/// It holds at most `capacity` sources, the least recently seen evicted first; a source seen
/// again after `period` is forgotten and gets a worker again.
final class CrashMemory: Sendable {
    let period: Duration
    private let crashes: Mutex<ClockTable<[UInt8], ContinuousClock.Instant>>

    init(capacity: Int = 4096, period: Duration = .seconds(600)) {
        self.period = period
        crashes = Mutex(ClockTable(capacity: capacity))
    }

    /// Remembers that the source whose SHA-256 is `digest` was being rendered when its worker died.
    func remember(_ digest: [UInt8]) {
        crashes.withLock { _ = $0.insert(.now, for: digest, weight: 1) }
    }

    /// Whether the source whose SHA-256 is `digest` killed a worker within `period`.
    func crashedRecently(_ digest: [UInt8]) -> Bool {
        crashes.withLock { crashes in
            guard let crashed = crashes.value(for: digest) else { return false }
            if ContinuousClock.now - crashed < period { return true }
            _ = crashes.remove(digest)
            return false
        }
    }
}
