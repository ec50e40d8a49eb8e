import Glibc
import NIOCore
import NIOPosix
import Synchronization

/// Runs blocking libvips jobs off the event loop: `workers` at once, at most `queueLimit`
/// more admitted, each client at most its share of them, and the rest refused at once; clients
/// take turns at the threads.
///
/// A libvips job blocks its thread for tens of milliseconds and holds decoded pixels, so it
/// runs on a dedicated `NIOThreadPool` of `workers` threads (one per core) and never on an
/// event loop. The count of places bounds the jobs admitted: a request takes its place before
/// its source is fetched or uploaded, so that a burst past the queue gets a fast 503 instead of
/// piling up sources in memory. Jobs waiting for a thread wait here, not in the pool's queue,
/// and `FairTurns` says whose job runs next, so one client's burst does not hold every thread.
final class ImageWorkers: Sendable {
    /// Thread count and queue bound.
    struct Settings: Sendable {
        /// Jobs that run at once; default: the number of cores.
        var workers = System.coreCount
        /// Jobs admitted beyond those running: fetching or receiving their source, or waiting.
        var queueLimit = 64
        /// The worker threads' nice value. A job uses a core for milliseconds, a cache hit on an
        /// event loop for microseconds: with the workers below the event loops, the kernel runs
        /// the event loops first when every core renders, and hits stay fast.
        var niceness: Int32 = 10
        /// Where jobs decode and encode: in this process, or in worker processes (`WorkerPool`).
        var isolation = Isolation.process
        /// The executable a worker process runs, in worker mode: this process's own, unless this
        /// process is not `imgedge` (the tests' runner names the binary built beside it).
        var workerExecutable = "/proc/self/exe"
        /// Jobs a worker process runs before it is replaced.
        var maxJobsPerProcess = 1000
        /// The address space a worker process may map, in bytes: a decode past it fails (or
        /// kills the worker), not the server.
        var maxProcessMemory = 1 << 30
        /// The memory a worker process may still hold after a job, in bytes, before it is
        /// replaced: what its allocator keeps of a large job's buffers goes with it.
        var maxProcessResidentBytes = 512 << 20

        init() {}

        /// The settings of this concern, under `workers.` in a config file.
        static let configurationKeys: [ConfigurationKey<Self>] = [
            .integer(
                "workers.count", flag: "workers", \.workers, in: 1...256, defaultDescription: "the number of cores",
                help: "libvips jobs run at once."),
            .integer(
                "workers.queue", \.queueLimit, in: 0...100_000,
                help: "Jobs admitted beyond those running (fetching, uploading or waiting) before 503."),
            .integer(
                "workers.nice", flag: "worker-nice", \.niceness, in: 0...19,
                help: "The worker threads' nice value, so event loops answer hits first when every core renders."),
            .choice(
                "workers.isolation", flag: "isolation", \.isolation,
                help: "Where images are decoded and encoded: none, in the server; process, in worker processes."),
            .integer(
                "workers.max_jobs", flag: "worker-max-jobs", \.maxJobsPerProcess, in: 1...1_000_000,
                help: "Jobs a worker process runs before it is replaced (with --isolation process)."),
            .integer(
                "workers.max_memory", flag: "worker-max-memory", \.maxProcessMemory, in: (256 << 20)...Int.max,
                help: "Address space, in bytes, a worker process may map (with --isolation process)."),
            .integer(
                "workers.max_rss", flag: "worker-max-rss", \.maxProcessResidentBytes, in: (32 << 20)...Int.max,
                help:
                    "Resident memory, in bytes, past which a worker process is replaced after its job (with --isolation process)."
            ),
        ]

        /// Throws the first value out of range.
        func validate() throws(ConfigurationError) {
            try Self.configurationKeys.validate(self)
        }
    }

    /// Where jobs decode and encode.
    enum Isolation: String, CaseIterable, Sendable {
        /// On the worker threads, in the server's own process.
        case none
        /// In worker processes, one per worker thread, which the server kills at a job's deadline.
        case process
    }

    /// Proof that its holder has one of the places, asked for by `run`, and the client it
    /// works for, whose turn at the threads its jobs take.
    struct Place: Sendable {
        /// Nil for work no client asked for through a socket (in-process callers).
        let client: ClientAddress?

        fileprivate init(client: ClientAddress?) {
            self.client = client
        }
    }

    let settings: Settings
    /// The worker processes jobs run in, when isolation is on.
    let processes: WorkerPool?
    /// The places each client holds.
    private let shares: ClientShares
    private let pool: NIOThreadPool
    /// Places taken: requests fetching or receiving their source, waiting, or running.
    private let taken = Atomic<Int>(0)
    /// Jobs on a worker thread, and those waiting for one by client.
    private let turns: Mutex<FairTurns<ClientAddress?, CheckedContinuation<Bool, Never>>>
    /// The last ticket a waiting job took.
    private let tickets = Atomic<Int>(0)

    /// Starts the worker threads; call `shutdown()` when done.
    /// - Parameters:
    ///   - placesPerClient: the most places one client holds at once.
    ///   - processes: the worker processes jobs run in, when `settings.isolation` is `.process`.
    init(settings: Settings, placesPerClient: Int, processes: WorkerPool? = nil) {
        self.settings = settings
        self.processes = processes
        shares = ClientShares(limit: placesPerClient)
        pool = NIOThreadPool(numberOfThreads: settings.workers)
        pool.start()
        turns = Mutex(FairTurns(threads: settings.workers))
    }

    /// Starts the worker processes, if any, from a worker thread: they start at its nice value,
    /// so their start-up (about 0.12 s of CPU each, a third of it dynamic linking) yields to the
    /// server's, and die with the thread, which lives as long as the server. Called once the
    /// server listens, so that they do not delay its first answer; a job that comes before
    /// they are ready starts one of its own.
    func startProcesses() {
        guard let processes else { return }
        pool.submit { [niceness = settings.niceness] _ in
            Self.lowerPriority(to: niceness)
            processes.start()
        }
    }

    /// Runs `body` holding one of the `workers + queueLimit` places for `client`, from fetching
    /// or receiving its source to the end of its job, so that sources in memory are bounded as
    /// jobs are.
    /// - Throws: at once, `.refused(.clientOverShare)` when `client` holds its share of places,
    ///   `.overloaded` when every place is taken; otherwise what `body` throws.
    func withPlace<Result>(
        for client: ClientAddress?, _ body: (Place) async throws(ImageServiceError) -> Result
    ) async throws(ImageServiceError) -> Result {
        if let client {
            guard shares.take(client) else { throw .refused(.clientOverShare) }
        }
        defer { if let client { shares.release(client) } }
        let capacity = settings.workers + settings.queueLimit
        var current = taken.load(ordering: .relaxed)
        while true {
            guard current < capacity else { throw .overloaded }
            let (exchanged, original) = taken.compareExchange(
                expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged { break }
            current = original
        }
        defer { taken.subtract(1, ordering: .acquiringAndReleasing) }
        return try await body(Place(client: client))
    }

    /// Runs `job` on a worker thread when its client's turn comes, for the holder of a place.
    /// - Throws: what `job` throws, or `.refused(.shuttingDown)` when the task is cancelled
    ///   before its turn (the client gone or the server stopping) or the pool has shut down.
    func run<Result: Sendable>(
        in place: Place, _ job: @escaping @Sendable () throws(ImageServiceError) -> Result
    ) async throws(ImageServiceError) -> Result {
        guard await takeTurn(for: place.client) else { throw .refused(.shuttingDown) }
        defer { giveBackTurn(of: place.client) }
        do {
            return try await pool.runIfActive { [niceness = settings.niceness] in
                Self.lowerPriority(to: niceness)
                return try job()
            }
        } catch let failure as ImageServiceError {
            throw failure
        } catch {
            throw .refused(.shuttingDown)  // the pool's own error: it has shut down
        }
    }

    /// Waits until a thread is this job's: true then, false when the task is cancelled first.
    private func takeTurn(for client: ClientAddress?) async -> Bool {
        let ticket = tickets.add(1, ordering: .relaxed).newValue
        return await withTaskCancellationHandler {
            await withCheckedContinuation { waiter in
                // Checked under the lock, so a cancellation either finds the waiter queued or is seen here.
                let answer: Bool? = turns.withLock { turns in
                    if Task.isCancelled { return false }
                    return turns.arrive(client, ticket: ticket, waiter) ? true : nil
                }
                if let answer { waiter.resume(returning: answer) }
            }
        } onCancel: {
            turns.withLock { $0.cancel(ticket: ticket, of: client) }?.resume(returning: false)
        }
    }

    /// Gives a job's thread back, to the job whose turn it is now.
    private func giveBackTurn(of client: ClientAddress?) {
        turns.withLock { $0.finish(client) }?.resume(returning: true)
    }

    /// Sets the calling worker thread's nice value (a system call of about a microsecond, once
    /// per job). On Linux a nice value is a thread's own and `who` 0 names the calling thread;
    /// the threads libvips starts for a job inherit it.
    private static func lowerPriority(to niceness: Int32) {
        guard niceness > 0 else { return }
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
    }

    /// Jobs on a worker thread now, and the other places taken: requests fetching or receiving
    /// their source, or waiting for a thread.
    var load: (running: Int, queued: Int) {
        let running = turns.withLock { $0.running }
        return (running, max(0, taken.load(ordering: .relaxed) - running))
    }

    /// Lets running jobs finish and stops the threads and the worker processes.
    func shutdown() async throws {
        try await pool.shutdownGracefully()
        processes?.shutdown()
    }
}
