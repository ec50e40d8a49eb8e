import DequeModule
import NIOCore

/// One piece of the disk tier's background work.
enum DiskJob: Sendable {
    /// Create the directory, empty its `tmp/` and index the entries already there.
    case prepare
    /// Write `variant` as `key`'s entry and index it.
    case write(CachedVariant, for: VariantKey)
    /// Remove the entry file named `storageName`, unless the index holds `key` again by then.
    case discard(VariantKey, storageName: String)
}

/// The disk tier's background work as a state machine: jobs run one at a time, in the order
/// queued, by one drainer that exists only while there is work; `settle` waiters are handed
/// back when the queue runs dry.
///
/// Running jobs one at a time makes a write, the eviction it causes and a later write of the
/// same key happen in order, without locks around files. Writes waiting are bounded by
/// `maxPendingWrites` and their bodies by `maxPendingBodyBytes` (the one being written not
/// counted): past either, a write is refused, so a slow disk, or a flood of tiny variants,
/// costs cache entries, never memory.
struct DiskJobQueue<Waiter> {
    enum Enqueued: Equatable {
        /// Queued behind a running drainer.
        case queued
        /// Queued, and nobody drains: the caller must start a drainer.
        case startDraining
        /// Refused: too many writes or bytes already wait.
        case dropped
    }

    enum Next {
        case run(DiskJob)
        /// Nothing left: the drainer stops and resumes these waiters.
        case idle([Waiter])
    }

    let maxPendingBodyBytes: Int
    let maxPendingWrites: Int
    /// The bytes of the bodies queued for writing.
    private(set) var pendingBodyBytes = 0
    /// The writes queued.
    private(set) var pendingWrites = 0
    private var jobs: Deque<DiskJob> = []
    private var isDraining = false
    private var waiters: [Waiter] = []

    init(maxPendingBodyBytes: Int, maxPendingWrites: Int) {
        self.maxPendingBodyBytes = maxPendingBodyBytes
        self.maxPendingWrites = maxPendingWrites
    }

    mutating func enqueue(_ job: DiskJob) -> Enqueued {
        if case .write(let variant, _) = job {
            guard pendingWrites < maxPendingWrites, pendingBodyBytes + variant.body.readableBytes <= maxPendingBodyBytes
            else { return .dropped }
            pendingBodyBytes += variant.body.readableBytes
            pendingWrites += 1
        }
        jobs.append(job)
        if isDraining { return .queued }
        isDraining = true
        return .startDraining
    }

    /// The drainer's next job, or the waiters to resume when there is none.
    mutating func next() -> Next {
        guard let job = jobs.popFirst() else {
            isDraining = false
            defer { waiters = [] }
            return .idle(waiters)
        }
        if case .write(let variant, _) = job {
            pendingBodyBytes -= variant.body.readableBytes
            pendingWrites -= 1
        }
        return .run(job)
    }

    /// Registers `waiter` for the end of the queued work; false when there is none, and the
    /// waiter is not kept.
    mutating func wait(_ waiter: Waiter) -> Bool {
        guard isDraining else { return false }
        waiters.append(waiter)
        return true
    }
}
