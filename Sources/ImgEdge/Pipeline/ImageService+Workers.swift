import Filters
import Vips

/// The spine's work on worker threads: holding a place, feeding a transform, hashing and
/// rendering; a pool that has shut down, or a wait cancelled before its turn, answers
/// `.refused(.shuttingDown)`.
extension ImageService {
    /// Runs `body` holding a worker place for `client`: from receiving an upload to the end of
    /// its job.
    /// - Throws: `.overloaded` at once when every place is taken.
    func withPlace<Result>(
        for client: ClientAddress?, _ body: (ImageWorkers.Place) async throws(ImageServiceError) -> Result
    ) async throws(ImageServiceError) -> Result {
        try await workers.withPlace(for: client, orElse: .overloaded, body)
    }

    /// Passes one chunk of an upload through its transform module, on a worker thread: a module
    /// call may take as long as its fuel allows, which must not block an event loop.
    func feed(_ chunk: [UInt8], to session: TransformSession, in place: ImageWorkers.Place) async throws(ImageServiceError) {
        try await workers.run(in: place, orElse: ImageServiceError.refused(.shuttingDown)) { () throws(ImageServiceError) in
            try ImageServiceError.reporting { () throws(FilterError) in try session.feed(chunk) }
        }
    }

    /// Runs short blocking work (hashing a source) on a worker thread.
    func run<Result: Sendable>(
        in place: ImageWorkers.Place, _ work: @escaping @Sendable () -> Result
    ) async throws(ImageServiceError) -> Result {
        try await workers.run(in: place, orElse: ImageServiceError.refused(.shuttingDown)) { () throws(ImageServiceError) in work() }
    }

    /// Renders a source on a worker thread.
    func render(
        _ input: JobInput, _ request: RenderRequest, limits: SourceLimits, place: ImageWorkers.Place,
        timings: StageTimings = StageTimings()
    ) async throws(ImageServiceError) -> RenderOutcome {
        let budget = EvaluationBudget()
        let job = RenderJob(
            input: input, options: request.options, filters: request.filters, negotiated: request.negotiated,
            ifNoneMatch: request.ifNoneMatch, limits: limits, encoding: encoding, timings: timings, budget: budget
        )
        // A cancelled wait (every client of the job gone, or shutdown) stops the job too.
        let rendered = await withTaskCancellationHandler { () async -> Result<RenderOutcome, ImageServiceError> in
            let enqueued = ContinuousClock.now
            do throws(ImageServiceError) {
                return .success(
                    try await workers.run(in: place, orElse: ImageServiceError.refused(.shuttingDown)) { () throws(ImageServiceError) in
                        var job = job
                        job.timings.add(.now - enqueued, to: .queue)
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
