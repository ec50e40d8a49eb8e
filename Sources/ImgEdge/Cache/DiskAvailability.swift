/// Whether the disk tier's directory takes writes, so an unusable one (missing, a file, read-only,
/// full) costs one warning and a retry now and then, not a failed write per request.
///
/// After a failure, writes are refused until `retryInterval` has passed; the first write after
/// that tries again. Only the failure that ends a usable stretch is to be warned about, and
/// only the success that ends an unusable one is to be told.
struct DiskAvailability {
    let retryInterval: Duration
    private var refusedUntil: ContinuousClock.Instant?
    private var isUsable = true

    init(retryInterval: Duration) {
        self.retryInterval = retryInterval
    }

    /// Whether a write should be tried at `now`.
    func acceptsWrites(at now: ContinuousClock.Instant) -> Bool {
        refusedUntil.map { now >= $0 } ?? true
    }

    /// Records a failed write or directory creation; true when it is the first since the directory was usable.
    mutating func failed(at now: ContinuousClock.Instant) -> Bool {
        refusedUntil = now + retryInterval
        defer { isUsable = false }
        return isUsable
    }

    /// Records a successful write; true when the directory had been unusable.
    mutating func succeeded() -> Bool {
        refusedUntil = nil
        defer { isUsable = true }
        return !isUsable
    }
}
