import CoreMetrics
import Filters
import HTTPTypes
import NIOCore
import Prometheus
import Vips

/// The service's metrics, served by `GET /metrics` in Prometheus' text format.
///
/// Counted through swift-metrics into a Prometheus registry of their own, so that every
/// application counts alone (the tests run many in one process) and nothing depends on the
/// process-wide `MetricsSystem`. Every label takes its values from a closed set, and every
/// series but the per-module failures is made up front, so a scrape lists them from the start
/// and counting is one atomic add.
final class ServiceMetrics: Sendable {
    /// Which handler answered a request: the `route` label.
    enum Route: String, CaseIterable, Sendable {
        case image, resize, modules, healthz, readyz, metrics, playground, other

        /// The route of the router's endpoint `path` (Hummingbird's `endpointPath`, set once a
        /// request is matched), so that the router alone decides which path and method reach
        /// which handler; `other` for what it matched to no handler.
        init(endpointPath path: String?) {
            switch path {
            case "/**": self = .image
            case "/resize": self = .resize
            case "/_playground": self = .playground
            case let path?: self = Self(rawValue: String(path.dropFirst())) ?? .other
            case nil: self = .other
            }
        }
    }

    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    /// `imgedge_http_requests_total{route, status_class}`, by route and then status class 1…5.
    private let requests: [Route: [CoreMetrics.Counter]]
    /// `imgedge_cache_results_total{result}`: where each image answer came from.
    private let cacheResults: [CacheStatus: CoreMetrics.Counter]
    /// `imgedge_output_images_total{format}` and `imgedge_output_bytes_total{format}`.
    private let outputImages: [VariantFormat: CoreMetrics.Counter]
    private let outputBytes: [VariantFormat: CoreMetrics.Counter]
    /// `imgedge_rejections_total{kind}`: refused or failed requests by what went wrong.
    private let rejections: [ErrorKind: CoreMetrics.Counter]
    /// `imgedge_request_duration_seconds{route}`: from the request's head to its response.
    private let requestDurations: [Route: CoreMetrics.Timer]
    /// `imgedge_stage_duration_seconds{stage}`: each pipeline stage of a render.
    private let stageDurations: [StageTimings.Stage: CoreMetrics.Timer]
    /// `imgedge_jobs_running` and `imgedge_jobs_queued`: the workers' load, read at each scrape.
    private let jobsRunning: CoreMetrics.Gauge
    private let jobsQueued: CoreMetrics.Gauge
    /// `imgedge_access_log_dropped_lines_total`: lines the access log could not write in time.
    private let droppedAccessLines: CoreMetrics.Counter
    /// `imgedge_optimiser_jobs_total{outcome}`: how each variant queued for its optimised encode
    /// ended, and those dropped from a full queue.
    private let optimiserJobs: [OptimiserOutcome: CoreMetrics.Counter]
    /// `imgedge_optimiser_bytes_total{format, bytes}`: over the variants whose optimised encode
    /// replaced their fast one, by the optimised encode's format, the bytes of the originals, of
    /// the fast encodes and of the optimised ones; their differences are the bytes saved on each
    /// later hit.
    private let optimiserBytes: [ImageFormat: [OptimiserBytes: CoreMetrics.Counter]]
    /// `imgedge_optimiser_duration_seconds`: each optimised encode, queue wait excluded.
    private let optimiserDurations: CoreMetrics.Timer
    /// `imgedge_optimiser_queued`: variants waiting for their optimised encode, read at each scrape.
    private let optimiserQueued: CoreMetrics.Gauge
    /// `imgedge_worker_cpu_seconds_total{pool}`: the CPU time worker processes spent on their
    /// jobs (`--isolation process`), by pool.
    private let workerCPU: [WorkerPoolName: CoreMetrics.FloatingPointCounter]

    /// The `pool` label of `imgedge_worker_cpu_seconds_total`.
    enum WorkerPoolName: String, CaseIterable, Sendable {
        /// The workers of misses and uploads.
        case requests
        /// The optimiser's worker.
        case optimiser
    }

    /// The `outcome` label of `imgedge_optimiser_jobs_total`.
    enum OptimiserOutcome: String, CaseIterable, Sendable {
        case replaced
        case notSmaller = "not_smaller"
        case failed, stale, dropped
    }

    /// The `bytes` label of `imgedge_optimiser_bytes_total`.
    enum OptimiserBytes: String, CaseIterable, Sendable {
        case original, fast, optimised
    }

    /// Histogram buckets for image work: a memory hit takes tens of microseconds, a 20 MP
    /// render about a tenth of a second, the slowest allowed ones tens of seconds.
    static let durationBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
    ]

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        self.factory = factory
        func counter(_ name: String, _ label: String, _ value: String) -> CoreMetrics.Counter {
            CoreMetrics.Counter(label: name, dimensions: [(label, value)], factory: factory)
        }
        requests = Dictionary(
            uniqueKeysWithValues: Route.allCases.map { route in
                let classes = (1...5).map { statusClass in
                    CoreMetrics.Counter(
                        label: "imgedge_http_requests_total",
                        dimensions: [("route", route.rawValue), ("status_class", "\(statusClass)xx")], factory: factory)
                }
                return (route, classes)
            })
        cacheResults = Dictionary(
            uniqueKeysWithValues: CacheStatus.allCases.map {
                ($0, counter("imgedge_cache_results_total", "result", $0.rawValue.lowercased().replacing("-", with: "_")))
            })
        outputImages = Dictionary(
            uniqueKeysWithValues: VariantFormat.allCases.map {
                ($0, counter("imgedge_output_images_total", "format", $0.rawValue))
            })
        outputBytes = Dictionary(
            uniqueKeysWithValues: VariantFormat.allCases.map {
                ($0, counter("imgedge_output_bytes_total", "format", $0.rawValue))
            })
        rejections = Dictionary(
            uniqueKeysWithValues: ErrorKind.allCases.map { ($0, counter("imgedge_rejections_total", "kind", $0.rawValue)) })
        requestDurations = Dictionary(
            uniqueKeysWithValues: Route.allCases.map {
                (
                    $0,
                    CoreMetrics.Timer(
                        label: "imgedge_request_duration_seconds", dimensions: [("route", $0.rawValue)], factory: factory)
                )
            })
        stageDurations = Dictionary(
            uniqueKeysWithValues: StageTimings.Stage.allCases.map {
                (
                    $0,
                    CoreMetrics.Timer(
                        label: "imgedge_stage_duration_seconds", dimensions: [("stage", $0.rawValue)], factory: factory)
                )
            })
        jobsRunning = CoreMetrics.Gauge(label: "imgedge_jobs_running", factory: factory)
        jobsQueued = CoreMetrics.Gauge(label: "imgedge_jobs_queued", factory: factory)
        droppedAccessLines = CoreMetrics.Counter(label: "imgedge_access_log_dropped_lines_total", factory: factory)
        optimiserJobs = Dictionary(
            uniqueKeysWithValues: OptimiserOutcome.allCases.map {
                ($0, counter("imgedge_optimiser_jobs_total", "outcome", $0.rawValue))
            })
        optimiserBytes = Dictionary(
            uniqueKeysWithValues: EncodingSettings().optimisedEffort.keys.map { format in
                let counters = OptimiserBytes.allCases.map { bytes in
                    let dimensions = [("format", format.rawValue), ("bytes", bytes.rawValue)]
                    return (
                        bytes,
                        CoreMetrics.Counter(label: "imgedge_optimiser_bytes_total", dimensions: dimensions, factory: factory)
                    )
                }
                return (format, Dictionary(uniqueKeysWithValues: counters))
            })
        optimiserDurations = CoreMetrics.Timer(label: "imgedge_optimiser_duration_seconds", factory: factory)
        optimiserQueued = CoreMetrics.Gauge(label: "imgedge_optimiser_queued", factory: factory)
        workerCPU = Dictionary(
            uniqueKeysWithValues: WorkerPoolName.allCases.map {
                (
                    $0,
                    CoreMetrics.FloatingPointCounter(
                        label: "imgedge_worker_cpu_seconds_total", dimensions: [("pool", $0.rawValue)], factory: factory)
                )
            })
    }

    /// Counts a request answered by `route` with `status`, `duration` after its head arrived.
    func countRequest(_ route: Route, status: HTTPResponse.Status, duration: Duration) {
        let statusClass = min(max(status.code / 100, 1), 5)
        requests[route]?[statusClass - 1].increment()
        requestDurations[route]?.recordNanoseconds(Self.nanoseconds(duration))
    }

    /// Counts an image answer: where it came from, for a 200 its format and size, and for a
    /// render the time of each stage.
    func countAnswer(_ answer: ServedAnswer) {
        cacheResults[answer.cacheStatus]?.increment()
        guard case .image(let image) = answer.outcome else { return }
        outputImages[image.format]?.increment()
        outputBytes[image.format]?.increment(by: Int64(image.body.readableBytes))
        if answer.cacheStatus == .miss {
            for (stage, timer) in stageDurations {
                if let duration = image.timings.duration(of: stage) {
                    timer.recordNanoseconds(Self.nanoseconds(duration))
                }
            }
        }
    }

    /// Counts a call into a filter or transform module that failed, as
    /// `imgedge_module_failures_total{module, kind}` (kind: invalid-format, out-of-memory,
    /// processing-failed for a trap or spent fuel, stopped). Made on the first failure: the
    /// module names are the loaded modules' (the operator's files), never a request's words.
    func countModuleFailure(_ failure: FilterError) {
        let (module, kind): (String, String)
        switch failure {
        case .invalidModule:
            return  // not a call: a module that failed to load, which /healthz names
        case .failed(let name, let failureKind, _):
            (module, kind) = (name, failureKind.rawValue)
        case .stopped(let name):
            (module, kind) = (name, "stopped")
        }
        CoreMetrics.Counter(
            label: "imgedge_module_failures_total", dimensions: [("module", module), ("kind", kind)], factory: factory
        )
        .increment()
    }

    /// Counts `lines` access-log lines dropped because standard error did not take them in time.
    func countDroppedAccessLines(_ lines: Int) {
        droppedAccessLines.increment(by: Int64(lines))
    }

    /// Counts how one optimised encode ended, and that it took `duration`.
    func countOptimisation(_ outcome: Optimiser.Outcome, _ duration: Duration) {
        switch outcome {
        case .replaced(let sizes):
            optimiserJobs[.replaced]?.increment()
            if let counters = optimiserBytes[sizes.format] {
                counters[.original]?.increment(by: Int64(sizes.original))
                counters[.fast]?.increment(by: Int64(sizes.fast))
                counters[.optimised]?.increment(by: Int64(sizes.optimised))
            }
        case .notSmaller: optimiserJobs[.notSmaller]?.increment()
        case .failed: optimiserJobs[.failed]?.increment()
        case .stale: optimiserJobs[.stale]?.increment()
        }
        optimiserDurations.recordNanoseconds(Self.nanoseconds(duration))
    }

    /// Counts `duration` of CPU time spent by a worker process of `pool` on one job.
    func countWorkerCPU(_ duration: Duration, pool: WorkerPoolName) {
        workerCPU[pool]?.increment(by: Double(Self.nanoseconds(duration)) / 1e9)
    }

    /// Counts a variant dropped from the optimiser's full queue.
    func countOptimisationDropped() {
        optimiserJobs[.dropped]?.increment()
    }

    /// Counts a request refused or failed for `kind`.
    func countRejection(_ kind: ErrorKind) {
        rejections[kind]?.increment()
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Every series, in Prometheus' text exposition format (version 0.0.4), with the jobs
    /// gauges set to `load`, the workers' load now, and the optimiser's to `optimiserQueued`.
    func exposition(load: (running: Int, queued: Int), optimiserQueued queued: Int = 0) -> [UInt8] {
        jobsRunning.record(load.running)
        jobsQueued.record(load.queued)
        optimiserQueued.record(queued)
        return registry.emitToBuffer()
    }
}
