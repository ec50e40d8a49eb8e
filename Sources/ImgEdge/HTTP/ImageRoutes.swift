import Filters
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Vips

/// The HTTP face of the service: `GET /<path>`, `POST /resize`, `GET /modules`, `GET /metrics`,
/// `GET /healthz` and `GET /readyz` (the last three also on a listener of their own), and the
/// playground page, `GET /_playground`.
///
/// Transport only: each handler checks the signature, parses the request into a
/// `RenderRequest`, hands it (and an upload's body) to `ImageService` and shapes the answer.
/// HEAD is served by the router from GET. `cacheHit(for:date:on:)` does the same for
/// `CacheHitHandler`, on the event loop, for what the cache tiers hold.
struct ImageRoutes: Sendable {
    let service: ImageService
    /// The reloadable settings, read once at the start of each request.
    let live: LiveConfiguration
    /// The `Server` header's value.
    let serverName: String
    /// Counts and logs each request, whichever way it is answered.
    let observer: RequestObserver
    var metrics: ServiceMetrics { observer.metrics }
    let readiness: Readiness
    /// Whether `/_playground` is served.
    let servesPlayground: Bool
    /// Whose `X-Forwarded-For` names the client.
    let trustedProxies: TrustedProxies

    /// The decoded paths of the routes besides images, which the cache-hit path never answers:
    /// `/%72eadyz` names the origin's `readyz` for the router, but a hit under it must not answer
    /// `/readyz`.
    static let routePaths: Set<String> = ["healthz", "readyz", "metrics", "modules", "_playground", "resize"]

    /// Registers every route on `router`, or, given a `metricsRouter` (the metrics port's),
    /// `/metrics` there instead, beside the probes.
    func register(on router: Router<BasicRequestContext>, metricsRouter: Router<BasicRequestContext>? = nil) {
        registerProbes(on: router)
        if let metricsRouter {
            registerProbes(on: metricsRouter)
            metricsRouter.get("/metrics") { _, _ in exposition() }
        } else {
            router.get("/metrics") { _, _ in exposition() }
        }
        router.get("/modules") { _, _ in try modules() }
        if servesPlayground {
            router.get("/_playground") { _, _ in playground() }
        }
        router.post("/resize") { request, context in try await resize(request, logger: context.logger) }
        router.get("**") { request, context in try await fetchAndResize(request, logger: context.logger) }
    }

    /// The observing middleware (for the routes registered after it) and the probes.
    private func registerProbes(on router: Router<BasicRequestContext>) {
        router.add(middleware: ObservingMiddleware(observer: observer))
        router.get("/healthz") { _, _ in health() }
        router.get("/readyz") { _, _ in ready() }
    }

    /// `GET /<path>?…`: the original comes from the origin.
    private func fetchAndResize(_ request: Request, logger: Logger) async throws -> Response {
        let settings = live.current
        let (path, parsed) = try responding { () throws(ImageServiceError) in
            try parseImage(
                request.uri, headers: DecidingHeaders(request.headers), ifNoneMatch: request.headers[.ifNoneMatch],
                settings: settings, registry: service.modules.registry)
        }
        return try await serve(
            ImageRequest(parsed: parsed, source: .origin(path), limits: settings.limits, client: client(of: request)),
            settings: settings, logger: logger)
    }

    /// `POST /resize?…`: the original is the request body, read as it arrives.
    private func resize(_ request: Request, logger: Logger) async throws -> Response {
        let settings = live.current
        let parsed = try responding { () throws(ImageServiceError) in
            try checkSignature(of: request.uri, settings: settings)
            if let length = request.headers[.contentLength].flatMap(Int.init), length > settings.limits.maxSourceBytes {
                throw .source(.tooLarge(limit: settings.limits.maxSourceBytes))
            }
            return try parse(
                request.uri, forUpload: true, headers: DecidingHeaders(request.headers), ifNoneMatch: nil, settings: settings,
                registry: service.modules.registry)
        }
        // The connection's deadline fails a body that has not ended `uploadTimeout` after its head.
        let upload = Upload(chunks: request.body) { [timeLimit = settings.uploadTimeout] error in
            error is ConnectionDeadlines.BodyTimedOut ? .uploadTooSlow(limit: timeLimit) : .uploadCutOff
        }
        return try await serve(
            ImageRequest(parsed: parsed, source: .upload(upload), limits: settings.limits, client: client(of: request)),
            settings: settings, logger: logger)
    }

    /// The answer `service` serves for `request`, as a response. The request is stopped if its
    /// client goes away before its answer; failures become `ErrorResponse`s. Those that are the
    /// server's or the origin's fault (500, 502, 504) are logged as errors with libvips' or the
    /// origin's own text; the rest, 503s included (busy, a job past its deadline, shutting
    /// down), at debug: the metrics count them by kind, and a client cannot flood the log.
    private func serve(_ request: ImageRequest, settings: RequestSettings, logger: Logger) async throws -> Response {
        let answer: ServedAnswer
        do {
            if let connection = ClientConnection.current {
                answer = try await connection.cancellingWhenGone { try await service.serve(request) }
            } else {
                answer = try await service.serve(request)
            }
        } catch let error as ImageServiceError {
            if case .filter(let failure) = error {
                metrics.countModuleFailure(failure)
            }
            let response = ErrorResponse(error)
            let level: Logger.Level = response.status.code >= 500 && response.status != .serviceUnavailable ? .error : .debug
            logger.log(level: level, "\(response.kind.rawValue): \(error)")
            throw response
        } catch is ClientConnection.Gone {
            logger.debug("client-gone: the client left before its answer; its job was stopped")
            throw ErrorResponse(.refused(.clientGone))
        }
        metrics.countAnswer(answer)
        return ImageResponse(cacheControl: settings.cacheControl, optimizeAfterSeconds: service.encoding.optimizeAfterSeconds)
            .response(for: answer, vary: request.parsed.vary)
    }

    /// The client `request` comes from (see `TrustedProxies`); nil when it came through no socket.
    private func client(of request: Request) -> ClientAddress? {
        guard let peer = ClientConnection.current?.peer else { return nil }
        let forwardedFor = request.headers[values: .xForwardedFor].map { $0[...] }
        return ClientAddress(trustedProxies.client(peer: peer, forwardedFor: forwardedFor))
    }

    /// `body`'s result, its failure as the response it makes.
    private func responding<Value>(_ body: () throws(ImageServiceError) -> Value) throws(ErrorResponse) -> Value {
        do {
            return try body()
        } catch {
            throw ErrorResponse(error)
        }
    }

    /// The source path and the pipeline's request of a `GET` (or `HEAD`) of an image, checked and
    /// parsed before any I/O. The routes and the cache-hit path both start here.
    /// - Throws: `.refused(.invalidPath)`, `.refused(.badSignature)`, or the parser's `.request`.
    private func parseImage(
        _ uri: URI, headers: DecidingHeaders, ifNoneMatch: String?, settings: RequestSettings, registry: FilterRegistry
    ) throws(ImageServiceError) -> (path: SourcePath, request: RenderRequest) {
        guard let path = SourcePath(urlPath: uri.path) else { throw .refused(.invalidPath) }
        try checkSignature(of: uri, settings: settings)
        let request = try parse(
            uri, forUpload: false, headers: headers, ifNoneMatch: ifNoneMatch, settings: settings, registry: registry)
        return (path, request)
    }

    /// With signing on, refuses a URL whose `sig` is missing or does not sign it.
    private func checkSignature(of uri: URI, settings: RequestSettings) throws(ImageServiceError) {
        guard let signer = settings.signer, !signer.isValid(path: uri.path, query: uri.query) else { return }
        throw .refused(.badSignature)
    }

    /// The pipeline's request, parsed and negotiated from the query and headers before any I/O.
    private func parse(
        _ uri: URI, forUpload: Bool, headers: DecidingHeaders, ifNoneMatch: String?, settings: RequestSettings,
        registry: FilterRegistry
    ) throws(ImageServiceError) -> RenderRequest {
        let query = uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
        return try ImageServiceError.reporting { () throws(RequestError) in
            try RenderRequest(
                forUpload: forUpload, query: query, headers: headers, ifNoneMatch: ifNoneMatch, settings: settings,
                registry: registry)
        }
    }

    /// The response to a `GET` or `HEAD` that a cache tier answers under a version learnt
    /// lately (see `CacheHitHandler`): at once from memory or the disk index, later from a disk
    /// read; nil for anything else, which then takes the routes' way. `Date` and `Server` are set
    /// as Hummingbird sets them.
    func cacheHit(
        for head: HTTPRequestHead, date: CurrentHTTPDate, on eventLoop: any EventLoop
    ) -> EventLoopHit<CacheHitHandler.Response>? {
        // A connection to close (`Connection: close`, HTTP/1.0) is Hummingbird's to close;
        // browsers send keep-alive.
        let method: HTTPRequest.Method
        switch head.method {
        case .GET: method = .get
        case .HEAD: method = .head
        default: return nil
        }
        guard head.version == .http1_1, head.isKeepAlive else { return nil }
        let target = head.uri
        let start = ContinuousClock.now
        let settings = live.current
        let registry = service.modules.registry
        let fingerprint = ParsedRequestMemo.Fingerprint(target: target, headers: DecidingHeaders(head.headers))
        let parsed = settings.parsedRequests.parsed(fingerprint, registry: registry) { headers in
            guard
                let (path, request) = try? parseImage(
                    URI(target), headers: headers, ifNoneMatch: nil, settings: settings, registry: registry),
                !Self.routePaths.contains(path.description)
            else { return nil }
            return ParsedRequestMemo.Parsed(path: path, request: request, rendering: service.rendering(of: request))
        }
        guard let parsed,
            let hit = service.cachedHit(
                parsed.request, path: parsed.path, rendering: parsed.rendering,
                ifNoneMatch: head.headers.combinedValue(of: .ifNoneMatch), limits: settings.limits, on: eventLoop)
        else { return nil }
        return hit.map { [serverName, observer, vary = parsed.request.vary] answer in
            var (response, body) = ImageResponse(
                cacheControl: settings.cacheControl, optimizeAfterSeconds: service.encoding.optimizeAfterSeconds
            ).parts(for: answer, vary: vary)
            response.headerFields.append(HTTPField(name: .date, value: date.value))
            response.headerFields.append(HTTPField(name: .server, value: serverName))
            observer.metrics.countAnswer(answer)
            observer.observe(
                method, target, route: .image, status: response.status, headers: response.headerFields,
                duration: ContinuousClock.now - start)
            return (HTTPResponseHead(response), method == .head ? nil : body)
        }
    }

    /// `/healthz`: 200 while serving; names the filter modules that failed to load.
    private func health() -> String {
        let failures = service.modules.registry.failures.sorted { $0.key < $1.key }.map {
            "module \($0.key) not loaded: \($0.value)\n"
        }
        return "ok\n" + failures.joined()
    }

    /// `/metrics`: every metric, in Prometheus' text format.
    private func exposition() -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(
                byteBuffer: ByteBuffer(
                    bytes: metrics.exposition(load: service.workers.load, optimiserQueued: service.optimiser?.waiting ?? 0))))
    }

    /// `/readyz`: 200 while the server wants requests, 503 once it is shutting down.
    private func ready() -> Response {
        let (status, text) = readiness.isReady ? (HTTPResponse.Status.ok, "ready\n") : (.serviceUnavailable, "draining\n")
        return Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `/_playground`: one static page, compiled into the binary, for trying the URL API. It asks
    /// for client hints as a site's own pages would (docs/negotiation-and-encoding.md, "Client hints").
    private func playground() -> Response {
        let headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-cache",
            .acceptCH: "Sec-CH-Width, Sec-CH-DPR, Width, DPR",
        ]
        return Response(
            status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.playground_html)))
    }

    /// `/modules`: the loaded filter modules with their kinds and arguments, as JSON.
    private func modules() throws -> Response {
        struct Listing: Encodable {
            struct Module: Encodable {
                let name: String
                let kind: String
                let arguments: String?
            }
            let modules: [Module]
        }
        let modules = service.modules.registry.modules.values.sorted { $0.name < $1.name }.map { module in
            Listing.Module(name: module.name, kind: module.kind.description, arguments: module.arguments)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = try encoder.encode(Listing(modules: modules))
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
