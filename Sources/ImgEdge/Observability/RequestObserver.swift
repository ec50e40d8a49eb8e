import HTTPTypes

/// Counts and logs each finished request: by route and status class with its duration, a
/// refusal by its `ErrorKind`, and one access-log line. The router's `ObservingMiddleware` and
/// the cache-hit path both end here, so a request is observed alike whichever way it went.
struct RequestObserver: Sendable {
    let metrics: ServiceMetrics
    let accessLog: AccessLog

    func observe(
        _ method: HTTPRequest.Method, _ target: String, route: ServiceMetrics.Route, status: HTTPResponse.Status,
        headers: HTTPFields = [:], kind: ErrorKind? = nil, duration: Duration
    ) {
        metrics.countRequest(route, status: status, duration: duration)
        kind.map(metrics.countRejection)
        accessLog.record(method, target, status: status, headers: headers, kind: kind, duration: duration)
    }
}
