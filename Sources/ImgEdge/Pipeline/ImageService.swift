public import Filters
import Vips

/// The pipeline's spine: source → (worker) sniff, header, limits, format, tag, decode and
/// resize, encode → outcome.
///
/// Options are parsed and the format negotiated by the caller, before any I/O; this type
/// fetches or receives the source and hands the blocking libvips work to `ImageWorkers`.
/// Identical concurrent requests for an origin path are fetched and rendered once.
public struct ImageService: Sendable {
    let origin: any Origin
    let workers: ImageWorkers
    let encoding: EncodingSettings
    /// The filter modules, reloadable while serving.
    public let modules: ModuleCatalog
    private let coalescer = RequestCoalescer<CoalescingKey, RenderOutcome>()

    /// What makes two origin requests identical: same source, same output, same validator.
    private struct CoalescingKey: Hashable, Sendable {
        var path: SourcePath
        var options: String
        var filters: String
        var negotiated: String
        var ifNoneMatch: String?
    }

    public init(origin: any Origin, workers: ImageWorkers, encoding: EncodingSettings, modules: ModuleCatalog) {
        self.origin = origin
        self.workers = workers
        self.encoding = encoding
        self.modules = modules
    }

    /// Fetches the original at `path` and renders it, or joins an identical request under way.
    public func render(
        path: SourcePath, options: ProcessingOptions, filters: RequestFilters, negotiated: NegotiatedFormat, ifNoneMatch: String?,
        limits: SourceLimits
    ) async throws(ImageServiceError) -> RenderOutcome {
        let key = CoalescingKey(
            path: path, options: options.cacheKey, filters: filters.cacheKey,
            negotiated: negotiated.cacheKey, ifNoneMatch: ifNoneMatch
        )
        do {
            return try await coalescer.run(key) {
                try await withPlace { place throws(ImageServiceError) in
                    try await fetchAndRender(
                        path: path, options: options, filters: filters, negotiated: negotiated, ifNoneMatch: ifNoneMatch,
                        limits: limits, place: place)
                }
            }
        } catch let error as ImageServiceError {
            throw error
        } catch {
            throw .overloaded  // only cancellation reaches here: the server is shutting down
        }
    }

    private func fetchAndRender(
        path: SourcePath, options: ProcessingOptions, filters: RequestFilters, negotiated: NegotiatedFormat, ifNoneMatch: String?,
        limits: SourceLimits, place: ImageWorkers.Place
    ) async throws(ImageServiceError) -> RenderOutcome {
        var timings = StageTimings()
        let clock = ContinuousClock()
        let start = clock.now
        let source: SourceImage
        do {
            source = try await origin.fetch(path, limit: limits.maxSourceBytes)
        } catch {
            throw .origin(error)
        }
        timings.add(clock.now - start, to: .fetch)
        return try await render(
            .encoded(source), options: options, filters: filters, negotiated: negotiated, ifNoneMatch: ifNoneMatch, limits: limits,
            place: place, timings: timings)
    }

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

    /// Renders a source the caller already has: an upload, perhaps read by a transform module.
    func render(
        _ input: JobInput, options: ProcessingOptions, filters: RequestFilters, negotiated: NegotiatedFormat,
        ifNoneMatch: String?, limits: SourceLimits, place: ImageWorkers.Place, timings: StageTimings = StageTimings()
    ) async throws(ImageServiceError) -> RenderOutcome {
        let budget = EvaluationBudget()
        let job = RenderJob(
            input: input, options: options, filters: filters, negotiated: negotiated,
            ifNoneMatch: ifNoneMatch,
            limits: limits, encoding: encoding, timings: timings, budget: budget
        )
        do {
            // A cancelled wait (every client of the job gone, or shutdown) stops the job too.
            return try await withTaskCancellationHandler {
                try await workers.run(in: place) { try job.run() }
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
