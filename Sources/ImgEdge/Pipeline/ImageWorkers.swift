import NIOCore
import NIOPosix
import Synchronization

/// Runs blocking libvips jobs off the event loop: `workers` at once, at most `queueLimit`
/// waiting, and the rest refused at once.
///
/// A libvips job blocks its thread for tens of milliseconds and holds decoded pixels, so it
/// runs on a dedicated `NIOThreadPool` of `workers` threads (one per core) and never on an
/// event loop. The pool's own queue is unbounded; the admission count here bounds it, so that
/// a burst past the queue gets a fast 503 instead of piling up memory.
public final class ImageWorkers: Sendable {
    /// Thread count and queue bound.
    public struct Settings: Sendable {
        /// Jobs that run at once; default: the number of cores.
        public var workers = System.coreCount
        /// Jobs that may wait for a worker.
        public var queueLimit = 64

        public init() {}

        /// The settings of this concern, under `workers.` in a config file.
        static let configurationKeys: [ConfigurationKey<Self>] = [
            .integer(
                "workers.count", flag: "workers", \.workers, in: 1...256, defaultDescription: "the number of cores",
                help: "libvips jobs run at once."),
            .integer("workers.queue", \.queueLimit, in: 0...100_000, help: "Jobs that may wait for a worker before 503."),
        ]

        /// Throws the first value out of range.
        public func validate() throws(ConfigurationError) {
            try Self.configurationKeys.validate(self)
        }
    }

    /// Thrown when every worker is busy and the queue is full.
    public struct QueueFull: Error {}

    public let settings: Settings
    private let pool: NIOThreadPool
    /// Jobs running or waiting.
    private let admitted = Atomic<Int>(0)

    /// Starts the worker threads; call `shutdown()` when done.
    public init(settings: Settings) {
        self.settings = settings
        pool = NIOThreadPool(numberOfThreads: settings.workers)
        pool.start()
    }

    /// Runs `job` on a worker thread.
    /// - Throws: `QueueFull` when the job cannot even wait; otherwise what `job` throws.
    public func run<Result: Sendable>(_ job: @escaping @Sendable () throws -> Result) async throws -> Result {
        let capacity = settings.workers + settings.queueLimit
        var current = admitted.load(ordering: .relaxed)
        while true {
            guard current < capacity else { throw QueueFull() }
            let (exchanged, original) = admitted.compareExchange(
                expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged { break }
            current = original
        }
        defer { admitted.subtract(1, ordering: .acquiringAndReleasing) }
        return try await pool.runIfActive(job)
    }

    /// Lets running jobs finish and stops the threads.
    public func shutdown() async throws {
        try await pool.shutdownGracefully()
    }
}
