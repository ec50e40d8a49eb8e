import DequeModule
import Logging
import Synchronization
import Vips

/// Where variants served at their fast stage wait for their optimised encode (`VariantStage`),
/// which runs one at a time, on a worker of the optimiser's own at the lowest priority.
///
/// A miss pays for the fast encode only; the optimised one, several trial encodes and a slow
/// final one, is paid once in the background. It must never delay a miss or a hit: its one
/// worker thread (and worker process) runs at nice 19, below the misses' workers and the event
/// loops, so it runs one job at a time, about a core (libvips and the encoders add a thread or
/// two), and takes only what they leave; and the queue is bounded in
/// jobs and in the bytes of source they hold, so under load new work is dropped, not kept: a
/// dropped variant stays at its fast stage until a request finds it so and queues it again. A
/// variant already waiting or being encoded is not queued twice.
final class Optimiser: Sendable {
    /// One variant to optimise: its key, its work, and the bytes of source it holds while it waits.
    struct Job: Sendable {
        var key: VariantKey
        var sourceBytes: Int
        var work: @Sendable (_ workers: ImageWorkers) async -> Outcome
    }

    /// How a job ended; the fast bytes stay, as lasting, unless they were replaced.
    enum Outcome: Sendable {
        /// The optimised encode replaced the fast bytes.
        case replaced(Sizes)
        /// The optimised encode was no smaller.
        case notSmaller(Sizes)
        /// The optimised encode failed (its deadline passed, say).
        case failed(String)
        /// Nothing to do when its turn came: the variant was no longer at its fast stage, or
        /// its source had changed.
        case stale
    }

    /// The bytes of one variant's original, fast encode and optimised encode.
    struct Sizes: Sendable {
        /// The optimised encode's format, which may differ from the fast one's.
        var format: ImageFormat
        var original: Int
        var fast: Int
        var optimised: Int
    }

    /// Told how each job ended and how long it took, and of each job dropped: for metrics.
    struct Observer: Sendable {
        var ended: @Sendable (Outcome, Duration) -> Void = { _, _ in }
        var dropped: @Sendable () -> Void = {}
    }

    private struct Queue {
        var jobs = Deque<Job>()
        var sourceBytes = 0
        /// The keys of the jobs waiting and of the one running.
        var keys = Set<VariantKey>()
        /// The task running the jobs, while there are any.
        var drainer: Task<Void, Never>?
        var isShutDown = false
    }

    /// The most jobs waiting.
    let maxJobs: Int
    /// The most bytes of source the waiting jobs hold.
    let maxSourceBytes: Int
    /// The optimiser's one worker thread, and worker process when isolation is on.
    let workers: ImageWorkers
    private let queue = Mutex(Queue())
    private let logger: Logger
    private let observer: Observer

    init(
        workers: ImageWorkers, logger: Logger, observer: Observer = Observer(), maxJobs: Int = 64,
        maxSourceBytes: Int = 256 << 20
    ) {
        self.workers = workers
        self.logger = logger
        self.observer = observer
        self.maxJobs = maxJobs
        self.maxSourceBytes = maxSourceBytes
    }

    /// Queues `job`, or drops it when the queue is full or the optimiser has shut down; true
    /// when queued, or when its variant is queued or being encoded already.
    @discardableResult
    func enqueue(_ job: Job) -> Bool {
        let queued = queue.withLock { queue in
            if queue.keys.contains(job.key) { return true }
            guard !queue.isShutDown, queue.jobs.count < maxJobs, queue.sourceBytes + job.sourceBytes <= maxSourceBytes
            else { return false }
            queue.keys.insert(job.key)
            queue.jobs.append(job)
            queue.sourceBytes += job.sourceBytes
            if queue.drainer == nil {
                queue.drainer = Task(priority: .background) { await self.drain() }
            }
            return true
        }
        if !queued { observer.dropped() }
        return queued
    }

    /// Jobs waiting now.
    var waiting: Int {
        queue.withLock { $0.jobs.count }
    }

    /// Runs the queued jobs one after another until none is left.
    private func drain() async {
        var finished: VariantKey?
        while let job = next(finished: finished) {
            let start = ContinuousClock.now
            let outcome = await job.work(workers)
            observer.ended(outcome, .now - start)
            log(outcome, of: job.key)
            finished = job.key
        }
    }

    private func log(_ outcome: Outcome, of key: VariantKey) {
        let source: Logger.MetadataValue = "\(key.source)"
        switch outcome {
        case .replaced(let sizes):
            logger.debug("variant optimised", metadata: Self.metadata(sizes, source: source))
        case .notSmaller(let sizes):
            logger.debug("optimised encode no smaller; fast bytes kept", metadata: Self.metadata(sizes, source: source))
        case .failed(let reason):
            logger.notice("optimised encode failed; fast bytes kept", metadata: ["source": source, "reason": "\(reason)"])
        case .stale:
            logger.debug("variant no longer waiting for its optimised encode", metadata: ["source": source])
        }
    }

    private static func metadata(_ sizes: Sizes, source: Logger.MetadataValue) -> Logger.Metadata {
        ["source": source, "format": "\(sizes.format.rawValue)", "bytes": "\(sizes.fast)", "optimised": "\(sizes.optimised)"]
    }

    /// The next job, once the one that ran, `finished`, is off the books.
    private func next(finished: VariantKey?) -> Job? {
        queue.withLock { queue in
            if let finished { queue.keys.remove(finished) }
            guard let job = queue.jobs.popFirst() else {
                queue.drainer = nil
                return nil
            }
            queue.sourceBytes -= job.sourceBytes
            return job
        }
    }

    /// Drops the jobs waiting, cancels the one running, whose variant keeps its fast bytes and
    /// stage (so a later run resumes it), and stops the worker thread and process.
    func shutdown() async throws {
        let drainer = queue.withLock { queue in
            queue.isShutDown = true
            queue.jobs.removeAll()
            queue.sourceBytes = 0
            return queue.drainer
        }
        drainer?.cancel()
        await drainer?.value
        try await workers.shutdown()
    }
}
