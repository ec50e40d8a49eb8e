import Foundation
import Logging
import NIOCore
import Synchronization
import Vips

/// The worker processes that render jobs when isolation is on: started ahead, each running
/// one job at a time for the worker thread that took it, and replaced when it dies, misbehaves,
/// has run `maxJobs` jobs, holds more than `maxResidentBytes` after a job, or holds filter
/// modules that have changed since it started. A source whose job killed its worker is refused
/// for a while (`CrashMemory`).
///
/// `render` blocks its thread (one of `ImageWorkers`') from sending the job to reading the
/// answer, as the job itself did in process. Everything a worker answers is checked
/// (`WorkerAnswer.checked`): the server, not the worker, says what a variant's tag is.
final class WorkerPool: Sendable {
    /// How to start a worker: the executable, its arguments (its own name first) and its
    /// environment (`NAME=value`).
    struct Launch: Sendable {
        var executable: String
        var arguments: [String]
        var environment: [String]

        /// A worker process started this way.
        func start() throws(WorkerStartError) -> WorkerProcess {
            try WorkerProcess(executable: executable, arguments: arguments, environment: environment)
        }
    }

    /// How long a worker has to answer once its job's deadline has passed (libvips stops at its
    /// next tile and the worker answers `stopped`; an encoder may not stop); then it is killed.
    static let grace = Duration.seconds(1)

    private let launch: Launch
    private let size: Int
    private let maxJobs: Int
    private let maxResidentBytes: Int
    private let idle = Mutex<[WorkerProcess]>([])
    /// When the filter modules last changed: a worker started before then has the old ones.
    private let modulesChanged = Mutex<ContinuousClock.Instant?>(nil)
    /// Sources whose job killed its worker, refused for a while.
    private let crashes = CrashMemory()
    private let logger: Logger
    /// Told the CPU time each job's worker spent on it, as the kernel counted it.
    private let spentCPU: @Sendable (Duration) -> Void

    /// A pool of `size` workers, none started yet (`start`); `spentCPU` is told the CPU time each
    /// job's worker spent on it.
    init(
        launch: Launch, size: Int, maxJobs: Int, maxResidentBytes: Int, logger: Logger,
        spentCPU: @escaping @Sendable (Duration) -> Void = { _ in }
    ) {
        self.launch = launch
        self.size = size
        self.maxJobs = maxJobs
        self.maxResidentBytes = maxResidentBytes
        self.logger = logger
        self.spentCPU = spentCPU
    }

    /// Starts the pool's workers from the calling thread, which they inherit their nice value
    /// from and die with, so it must live as long as the server; each one's start-up runs in
    /// its own process, so this returns at once.
    func start() {
        let started = (0..<size).compactMap { _ in try? launch.start() }
        idle.withLock { $0 += started }
    }

    /// Renders `job` in a worker process, blocking the calling thread until it answers, dies, or
    /// is killed: at the job's deadline plus `grace`, or once `budget` is cancelled (every
    /// client gone, or shutdown).
    func render(
        _ job: RenderJob, source: SourceBytes, budget: EvaluationBudget, describedAs label: @autoclosure () -> String
    ) throws(ImageServiceError) -> RenderOutcome {
        guard !crashes.crashedRecently(job.sourceDigest) else { throw .worker(.crashedRecently) }
        let process = try checkOut()
        var reusable = false
        defer { checkIn(process, reusable: reusable) }
        let cpuBefore = process.cpuTime
        defer {
            // Also for a worker killed during the job: until it is collected, /proc has its total.
            if let cpuBefore, let cpuAfter = process.cpuTime, cpuAfter >= cpuBefore { spentCPU(cpuAfter - cpuBefore) }
        }
        let exchanged: (answer: WorkerAnswer.Checked, body: [UInt8])
        do throws(WorkerSocketError) {
            exchanged = try exchange(job, source: source, with: process, budget: budget)
        } catch {
            throw failure(error, of: process, during: job, describedAs: label())
        }
        reusable = true
        switch exchanged.answer {
        case .failed(let failure):
            throw failure
        case .notModified(let header):
            return .notModified(header)
        case .rendered(let header, _, let timings):
            var allTimings = job.timings
            allTimings.add(timings)
            return .image(RenderedImage(body: ByteBuffer(bytes: exchanged.body), header: header, timings: allTimings))
        }
    }

    /// Sends `job` to `process` and reads its answer, checked, and the body that follows it.
    private func exchange(
        _ job: RenderJob, source: SourceBytes, with process: WorkerProcess, budget: EvaluationBudget
    ) throws(WorkerSocketError) -> (answer: WorkerAnswer.Checked, body: [UInt8]) {
        let longest = job.limits.maxProcessingTime + Self.grace
        let deadline = ContinuousClock.now + longest
        try send(job, source: source, to: process)
        let (answer, _) = try process.socket.receive(
            maxLength: [.answer: WorkerAnswer.maxEncodedLength], until: deadline, stoppingWhen: { budget.isSpent })
        let checked: WorkerAnswer.Checked
        do throws(WorkerProtocolError) {
            checked = try WorkerAnswer.checked(answer.payload, for: job, within: longest)
        } catch {
            throw .protocolError(error)
        }
        guard case .rendered(_, let bodyLength, _) = checked else { return (checked, []) }
        let (body, _) = try process.socket.receive(
            maxLength: [.body: bodyLength], until: deadline, stoppingWhen: { budget.isSpent })
        guard body.payload.count == bodyLength else { throw .protocolError(.truncated) }
        return (checked, body.payload)
    }

    /// Sends the job's frame with the source's bytes beside it, in a sealed memfd.
    private func send(_ job: RenderJob, source: SourceBytes, to process: WorkerProcess) throws(WorkerSocketError) {
        let payload: [UInt8]
        do {
            payload = Array(try JSONEncoder().encode(WorkerJob(job, sourceLength: source.count)))
        } catch {
            throw .protocolError(.malformed("the job does not encode: \(error)"))
        }
        let memfd = try SealedMemfd(source)
        try process.socket.send(WorkerFrame(kind: .job, payload: payload), passing: memfd.descriptor)
    }

    /// The service's error for a job whose worker ended as `error` says. A worker that failed
    /// otherwise than by its job's own error is killed (`checkIn` then drops it), and its end
    /// logged with `label`; the source of a job whose worker died is remembered.
    private func failure(
        _ error: WorkerSocketError, of process: WorkerProcess, during job: RenderJob, describedAs label: String
    ) -> ImageServiceError {
        process.kill()
        switch error {
        case .timedOut, .stopped:
            return .vips(.stopped)
        case .closed:
            let exit = process.reap() ?? WorkerExit(status: 0)
            crashes.remember(job.sourceDigest)
            logger.error("worker \(process.pid) died during a job (\(label)), whose source is now refused for a while: \(exit)")
            return .worker(.died(exit))
        case .protocolError(let violation):
            logger.error("worker \(process.pid) broke the protocol during a job (\(label)) and was killed: \(violation)")
            return .worker(.misbehaved("\(violation)"))
        }
    }

    /// The longest a worker may take from its start to saying it is ready: about 0.15 s of CPU,
    /// which a loaded machine may stretch.
    static let startTimeout = Duration.seconds(10)

    /// An idle worker that is ready and still runs, or a new one when there is none. A worker
    /// that never became ready is logged and dropped; its job has not been sent, so its source
    /// is not to blame.
    private func checkOut() throws(ImageServiceError) -> WorkerProcess {
        while let process = idle.withLock({ $0.popLast() }) {
            if process.hasEnded {
                logger.error("worker \(process.pid) ended while idle")
            } else if (try? ready(process)) != nil {
                return process
            }
        }
        let process: WorkerProcess
        do throws(WorkerStartError) {
            process = try launch.start()
        } catch {
            logger.error("no worker could start: \(error)")
            throw .worker(.couldNotStart(error))
        }
        do throws(WorkerStartError) {
            try ready(process)
        } catch {
            throw .worker(.couldNotStart(error))
        }
        return process
    }

    /// Waits until `process` is ready (`WorkerProcess.awaitReady`); logs why when it is not.
    private func ready(_ process: WorkerProcess) throws(WorkerStartError) {
        do throws(WorkerStartError) {
            try process.awaitReady(until: .now + Self.startTimeout)
        } catch {
            logger.error("worker \(process.pid) could not start: \(error)")
            throw error
        }
    }

    /// Keeps a worker for the next job, or ends it (dead, killed, done `maxJobs` jobs, grown past
    /// `maxResidentBytes`, or holding old modules) and starts its replacement. The replacement
    /// starts on this thread, which lives as long as the server (a worker dies with the thread
    /// that started it); the end is collected on a thread of its own, since the kernel frees a
    /// large worker's memory before its exit can be seen.
    private func checkIn(_ process: WorkerProcess, reusable: Bool) {
        let jobs = process.jobsDone.add(1, ordering: .relaxed).newValue
        if reusable, jobs < maxJobs, (process.residentBytes ?? .max) <= maxResidentBytes, !hasOldModules(process) {
            idle.withLock { $0.append(process) }
            return
        }
        end(process)
        if let replacement = try? launch.start() {
            idle.withLock { $0.append(replacement) }
        }
    }

    /// Kills `process` and collects its end on a thread of its own.
    private func end(_ process: WorkerProcess) {
        process.kill()
        Thread.detachNewThread { process.reap() }
    }

    /// Ends the workers, which load the filter modules once, before they lock down: the idle
    /// ones now, those running a job when it ends. Their replacements start on the threads of
    /// the jobs that need them (`checkOut`), which live as long as the server, not on the caller's.
    func modulesDidChange() {
        modulesChanged.withLock { $0 = .now }
        let old = idle.withLock { idle in
            var old: [WorkerProcess] = []
            idle.removeAll { process in
                guard hasOldModules(process) else { return false }
                old.append(process)
                return true
            }
            return old
        }
        for process in old { end(process) }
    }

    private func hasOldModules(_ process: WorkerProcess) -> Bool {
        modulesChanged.withLock { changed in changed.map { process.started < $0 } ?? false }
    }

    /// Kills every idle worker; a worker still running a job ends with it.
    func shutdown() {
        let processes = idle.withLock { idle in
            defer { idle = [] }
            return idle
        }
        for process in processes { process.reap() }
    }
}
