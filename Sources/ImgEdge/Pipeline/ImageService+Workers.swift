import Filters
import Vips

/// The spine's work on worker threads: holding a place, feeding a transform, hashing and
/// rendering, each failure of the pool itself answered as `.overloaded`.
extension ImageService {
    /// Runs `body` holding a worker place: from receiving an upload to the end of its job.
    /// - Throws: `.overloaded` at once when every place is taken.
    func withPlace<Result>(
        _ body: (ImageWorkers.Place) async throws(ImageServiceError) -> Result
    ) async throws(ImageServiceError) -> Result {
        try await workers.withPlace(orElse: .overloaded, body)
    }

    /// Passes one chunk of an upload through its transform module, on a worker thread: a module
    /// call may take as long as its fuel allows, which must not block an event loop.
    func feed(_ chunk: [UInt8], to session: TransformSession, in place: ImageWorkers.Place) async throws(ImageServiceError) {
        do {
            try await workers.run(in: place) { try session.feed(chunk) }
        } catch let error as FilterError {
            throw .filter(error)
        } catch {
            throw .overloaded
        }
    }

    /// Runs short blocking work (hashing a source) on a worker thread.
    func run<Result: Sendable>(
        in place: ImageWorkers.Place, _ work: @escaping @Sendable () -> Result
    ) async throws(ImageServiceError) -> Result {
        do {
            return try await workers.run(in: place, work)
        } catch {
            throw .overloaded  // the pool has shut down
        }
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
        do {
            // A cancelled wait (every client of the job gone, or shutdown) stops the job too.
            return try await withTaskCancellationHandler {
                let enqueued = ContinuousClock.now
                return try await workers.run(in: place) {
                    var job = job
                    job.timings.add(.now - enqueued, to: .queue)
                    return try job.run()
                }
            } onCancel: {
                budget.cancel()
            }
        } catch let error as ImageServiceError {
            throw error
        } catch {
            // The pool fails once it has shut down.
            throw .overloaded
        }
    }
}
