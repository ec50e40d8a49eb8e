import Foundation
import HTTPTypes
import Filters
import Hummingbird
import Logging
import NIOCore
import Vips

/// The HTTP face of the service: `GET /<path>`, `POST /resize`, `GET /modules` and `GET /healthz`.
///
/// Each handler turns the request into the pipeline's inputs (path or body, options, the
/// negotiated format, `If-None-Match`), calls `ImageService` and shapes the answer. HEAD is
/// served by the router from GET.
struct ImageRoutes: Sendable {
    let service: ImageService
    /// The reloadable settings, read once at the start of each request.
    let live: LiveConfiguration

    func register(on router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in health() }
        router.get("/modules") { _, _ in try modules() }
        router.post("/resize") { request, context in try await resize(request, logger: context.logger) }
        router.get("**") { request, context in try await fetchAndResize(request, logger: context.logger) }
    }

    /// `GET /<path>?…`: the original comes from the origin.
    private func fetchAndResize(_ request: Request, logger: Logger) async throws -> Response {
        guard let path = SourcePath(urlPath: request.uri.path) else {
            throw ErrorResponse(status: .badRequest, reason: "invalid image path", kind: "invalid-path")
        }
        let settings = live.current
        try checkSignature(of: request, settings: settings)
        let prepared = try prepare(request, acceptsTransform: false, settings: settings)
        return try await respond(prepared, settings: settings, logger: logger) { () async throws(ImageServiceError) in
            try await service.render(
                path: path, options: prepared.options, filters: prepared.filters, negotiated: prepared.negotiated,
                ifNoneMatch: request.headers[.ifNoneMatch], limits: settings.limits)
        }
    }

    /// `POST /resize?…`: the original is the request body, read as it arrives.
    private func resize(_ request: Request, logger: Logger) async throws -> Response {
        let settings = live.current
        try checkSignature(of: request, settings: settings)
        if let length = request.headers[.contentLength].flatMap(Int.init), length > settings.limits.maxSourceBytes {
            throw ErrorResponse(.source(.tooLarge(limit: settings.limits.maxSourceBytes)))
        }
        let prepared = try prepare(request, acceptsTransform: true, settings: settings)
        return try await respond(prepared, settings: settings, logger: logger) { () async throws(ImageServiceError) in
            // The place is taken before the body is read: uploads in memory are bounded as jobs are.
            try await service.withPlace { place throws(ImageServiceError) in
                let upload = Upload(body: request.body, limit: settings.limits.maxSourceBytes, timeLimit: settings.uploadTimeout)
                let input =
                    if let transform = prepared.filters.transform {
                        try await upload.passThrough(transform, registry: prepared.filters.registry, service: service, place: place)
                    } else {
                        JobInput.encoded(try await upload.collect())
                    }
                return try await service.render(
                    input, options: prepared.options, filters: prepared.filters, negotiated: prepared.negotiated,
                    ifNoneMatch: request.headers[.ifNoneMatch], limits: settings.limits, place: place)
            }
        }
    }

    /// With signing on, refuses a request whose `sig` is missing or does not sign its URL (403).
    private func checkSignature(of request: Request, settings: RequestSettings) throws {
        guard let signer = settings.signer, !signer.isValid(path: request.uri.path, query: request.uri.query) else { return }
        throw ErrorResponse(status: .forbidden, reason: "missing or invalid signature (sig)", kind: "bad-signature")
    }

    /// A request's pipeline inputs, parsed and checked before any I/O.
    private struct PreparedRequest {
        var options: ProcessingOptions
        var filters: RequestFilters
        var negotiated: NegotiatedFormat
    }

    /// Parses the options, filters and transform and negotiates the format: all fail fast,
    /// before any I/O.
    private func prepare(_ request: Request, acceptsTransform: Bool, settings: RequestSettings) throws -> PreparedRequest {
        let query = request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
        let options: ProcessingOptions
        let chain: FilterChain
        do {
            options = try ProcessingOptions(
                query: query, maxOutputDimension: settings.limits.maxOutputDimension,
                passthroughNames: acceptsTransform ? ["filter", "transform", "sig"] : ["filter", "sig"])
            chain = try options.passthrough["filter"].map(FilterChain.init(parsing:)) ?? FilterChain()
        } catch {
            throw ErrorResponse(error)
        }
        let registry = service.modules.registry
        let steps = try chain.steps.map { step in
            ResolvedFilter(
                module: try module(named: step.name, in: registry, parameter: "filter") { $0.isPixelFilter }, arguments: step.arguments)
        }
        let transform = try options.passthrough["transform"].map { name in
            try module(named: name, in: registry, parameter: "transform") { $0 == .transform }
        }
        let negotiated = settings.negotiator.negotiate(
            explicit: options.format,
            accept: request.headers[.accept],
            userAgent: request.headers[.userAgent]
        )
        return PreparedRequest(
            options: options, filters: RequestFilters(registry: registry, transform: transform, steps: steps), negotiated: negotiated)
    }

    /// The loaded module called `name` whose kind suits `parameter`, or a 400 listing those that do.
    private func module(
        named name: String, in registry: FilterRegistry, parameter: String, suits: (FilterKind) -> Bool
    ) throws -> FilterModule {
        if let module = registry.modules[name], suits(module.kind) {
            return module
        }
        let available = registry.modules.values.filter { suits($0.kind) }.map(\.name).sorted()
        throw ErrorResponse(
            status: .badRequest,
            reason: "unknown \(parameter) \(OptionsError.quoted(name)); available: \(available.joined(separator: ", "))",
            kind: "unknown-\(parameter)")
    }

    /// `/healthz`: 200 while serving; names the filter modules that failed to load.
    private func health() -> String {
        let failures = service.modules.registry.failures.sorted { $0.key < $1.key }.map { "module \($0.key) not loaded: \($0.value)\n" }
        return "ok\n" + failures.joined()
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
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// Renders and shapes the response; failures become `ErrorResponse`s, and those that are
    /// the server's fault are logged with libvips' or the origin's own text. The render is
    /// cancelled if the client goes away before its answer.
    private func respond(
        _ prepared: PreparedRequest,
        settings: RequestSettings,
        logger: Logger,
        _ render: @escaping @Sendable () async throws(ImageServiceError) -> RenderOutcome
    ) async throws -> Response {
        do {
            let outcome =
                if let connection = ClientConnection.current {
                    try await connection.cancellingWhenGone { try await render() }
                } else {
                    try await render()
                }
            return settings.responses.response(for: outcome, negotiated: prepared.negotiated)
        } catch let error as ImageServiceError {
            let response = ErrorResponse(error)
            let level: Logger.Level = response.status.code >= 500 ? .error : .debug
            logger.log(level: level, "\(response.kind): \(error)")
            throw response
        } catch is ClientConnection.Gone {
            logger.debug("client-gone: the client left before its answer; its job was stopped")
            throw ErrorResponse(status: .serviceUnavailable, reason: "client gone", kind: "client-gone")
        }
    }
}
