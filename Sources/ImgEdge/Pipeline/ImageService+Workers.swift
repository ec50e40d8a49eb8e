import Filters
import Vips

/// The spine's work on worker threads: feeding a transform, hashing and rendering, each in the
/// place its request holds and at its client's turn.
extension ImageService {
    /// Passes one chunk of an upload through its transform module, on a worker thread: a module
    /// call may take as long as its fuel allows, which must not block an event loop.
    func feed(_ chunk: [UInt8], to session: TransformSession, in place: ImageWorkers.Place) async throws(ImageServiceError) {
        try await workers.run(in: place) { () throws(ImageServiceError) in
            try ImageServiceError.reporting { () throws(FilterError) in try session.feed(chunk) }
        }
    }

    /// Runs short blocking work (hashing a source) on a worker thread.
    func run<Result: Sendable>(
        in place: ImageWorkers.Place, _ work: @escaping @Sendable () -> Result
    ) async throws(ImageServiceError) -> Result {
        try await workers.run(in: place) { () throws(ImageServiceError) in work() }
    }

    /// Renders a source as `request` asks, as the encode `pass` of its variant, on a thread of
    /// `workers` (the service's own unless given), in a worker process when isolation is on.
    /// `digest` is the source's SHA-256 when the caller hashed it already (for a version or an
    /// upload's key); otherwise it is hashed here, once.
    func render(
        _ input: JobInput, _ request: ImageRequest, place: ImageWorkers.Place, digest: [UInt8]? = nil,
        timings: StageTimings = StageTimings(), pass: RenderPass = .only, on workers: ImageWorkers? = nil
    ) async throws(ImageServiceError) -> RenderOutcome {
        let budget = EvaluationBudget()
        let parsed = request.parsed
        let workers = workers ?? self.workers
        let (encoding, processes) = (encoding, workers.processes)
        // A cancelled wait (every client of the job gone, or shutdown) stops the job too.
        let rendered = await withTaskCancellationHandler { () async -> Result<RenderOutcome, ImageServiceError> in
            let enqueued = ContinuousClock.now
            do throws(ImageServiceError) {
                return .success(
                    try await workers.run(in: place) { () throws(ImageServiceError) in
                        var timings = timings
                        timings.add(.now - enqueued, to: .queue)
                        let job = RenderJob(
                            input: input, options: parsed.options, filters: parsed.filters, negotiated: parsed.negotiated,
                            identity: parsed.identity, sourceDigest: digest ?? input.digest,
                            ifNoneMatch: parsed.ifNoneMatch,
                            limits: request.limits, encoding: encoding, timings: timings, budget: budget, pass: pass)
                        // A body is only read by a transform module in the server when jobs
                        // render there (`receive`): a worker process gets the body itself.
                        if let processes, case .encoded(let source) = input {
                            return try processes.render(
                                job, source: source.bytes, budget: budget, describedAs: request.sourceLabel)
                        }
                        return try job.run()
                    })
            } catch {
                return .failure(error)
            }
        } onCancel: {
            budget.cancel()
        }
        return try rendered.get()
    }
}
