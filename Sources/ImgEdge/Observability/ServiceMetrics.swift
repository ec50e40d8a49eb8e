import CoreMetrics
import HTTPTypes
import NIOCore
import Prometheus
import Vips

/// The service's metrics, served by `GET /metrics` in Prometheus' text format.
///
/// Counted through swift-metrics into a Prometheus registry of their own, so that every
/// application counts alone (the tests run many in one process) and nothing depends on the
/// process-wide `MetricsSystem`. Every label takes its values from a closed set, and every
/// series is made up front, so a scrape lists all of them from the start and counting is one
/// atomic add.
final class ServiceMetrics: Sendable {
    /// Which handler answered a request: the `route` label.
    enum Route: String, CaseIterable, Sendable {
        case image, resize, modules, healthz, readyz, metrics, other

        /// The route `method` and `path` reach.
        init(method: HTTPRequest.Method, path: String) {
            switch (method, path) {
            case (.get, "/healthz"), (.head, "/healthz"): self = .healthz
            case (.get, "/readyz"), (.head, "/readyz"): self = .readyz
            case (.get, "/modules"), (.head, "/modules"): self = .modules
            case (.get, "/metrics"), (.head, "/metrics"): self = .metrics
            case (.post, "/resize"): self = .resize
            case (.get, _), (.head, _): self = .image
            default: self = .other
            }
        }
    }

    private let registry = PrometheusCollectorRegistry()
    /// `imgedge_http_requests_total{route, status_class}`, by route and then status class 1…5.
    private let requests: [Route: [CoreMetrics.Counter]]
    /// `imgedge_cache_results_total{result}`: where each image answer came from.
    private let cacheResults: [CacheStatus: CoreMetrics.Counter]
    /// `imgedge_output_images_total{format}` and `imgedge_output_bytes_total{format}`.
    private let outputImages: [ImageFormat: CoreMetrics.Counter]
    private let outputBytes: [ImageFormat: CoreMetrics.Counter]
    /// `imgedge_rejections_total{kind}`: refused or failed requests by what went wrong.
    private let rejections: [ErrorKind: CoreMetrics.Counter]

    init() {
        let factory = PrometheusMetricsFactory(registry: registry)
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
            uniqueKeysWithValues: ImageFormat.allCases.map { ($0, counter("imgedge_output_images_total", "format", $0.rawValue)) })
        outputBytes = Dictionary(
            uniqueKeysWithValues: ImageFormat.allCases.map { ($0, counter("imgedge_output_bytes_total", "format", $0.rawValue)) })
        rejections = Dictionary(
            uniqueKeysWithValues: ErrorKind.allCases.map { ($0, counter("imgedge_rejections_total", "kind", $0.rawValue)) })
    }

    /// Counts a request answered by `route` with `status`.
    func countRequest(_ route: Route, status: HTTPResponse.Status) {
        let statusClass = min(max(status.code / 100, 1), 5)
        requests[route]?[statusClass - 1].increment()
    }

    /// Counts an image answer: where it came from and, for a 200, its format and size.
    func countAnswer(_ answer: ServedAnswer) {
        cacheResults[answer.cacheStatus]?.increment()
        if case .image(let image) = answer.outcome {
            outputImages[image.format]?.increment()
            outputBytes[image.format]?.increment(by: Int64(image.body.readableBytes))
        }
    }

    /// Counts a request refused or failed for `kind`.
    func countRejection(_ kind: ErrorKind) {
        rejections[kind]?.increment()
    }

    /// Every series, in Prometheus' text exposition format (version 0.0.4).
    func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
