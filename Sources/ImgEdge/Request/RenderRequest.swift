import Filters
import HTTPTypes

/// What an image request asks for: rendered how, in which format for this client.
///
/// Built by a pure initialiser from the query and the deciding headers, before any I/O: every option is
/// parsed and checked, the client hints applied, every filter resolved to its loaded module and
/// the format negotiated, so a bad request fails here, fast, with the parameter it got wrong.
struct RenderRequest: Sendable {
    private(set) var options: ProcessingOptions
    private(set) var filters: RequestFilters
    private(set) var negotiated: NegotiatedFormat
    /// The request headers the answer depends on, for `Vary`: those negotiation consulted and
    /// the client hints this URL leaves its size or quality to.
    private(set) var vary: [String]
    /// The client's `If-None-Match`, answered with a 304 when it names the variant's tag.
    var ifNoneMatch: String?
    /// Everything above that decides the answer's bytes, for the variant key and the ETag.
    let identity: VariantIdentity

    /// - Parameters:
    ///   - forUpload: whether the source is the request's body, which alone may name a `transform`.
    ///   - query: the query's parameters in order, percent-decoded; a `preset` stands for its own.
    ///   - headers: the headers that decide the answer, all the request depends on besides the query.
    ///   - ifNoneMatch: the client's `If-None-Match`.
    ///   - registry: the filter modules current when the request started.
    /// - Throws: `.options` for a malformed, unknown or out-of-range parameter or preset, `.unknownModule`
    ///   for a filter or transform no loaded module of the right kind answers to.
    init(
        forUpload: Bool, query: [(name: String, value: String)], headers: DecidingHeaders, ifNoneMatch: String? = nil,
        settings: RequestSettings, registry: FilterRegistry
    ) throws(RequestError) {
        let chain: FilterChain
        let expanded: [(name: String, value: String)]
        do {
            expanded = try settings.presets.expanding(query)
            options = try ProcessingOptions(
                query: expanded, maxOutputDimension: settings.limits.maxOutputDimension,
                passthroughNames: forUpload ? ["filter", "transform", "sig"] : ["filter", "sig"])
            chain = try options.passthrough["filter"].map(FilterChain.init(parsing:)) ?? FilterChain()
        } catch {
            throw .options(error)
        }
        let hints = ClientHints(query: expanded, headers: headers, settings: settings.clientHints)
        options.apply(hints, maxOutputDimension: settings.limits.maxOutputDimension)
        var steps: [ResolvedFilter] = []
        for step in chain.steps {
            let module = try Self.module(named: step.name, in: registry, parameter: "filter") { $0.isPixelFilter }
            steps.append(ResolvedFilter(module: module, arguments: step.arguments))
        }
        let transform = try options.passthrough["transform"].map { (name) throws(RequestError) in
            try Self.module(named: name, in: registry, parameter: "transform") { $0 == .transform }
        }
        // An answer about the source reads it as it is: its filters are checked, never run.
        filters = RequestFilters(registry: registry, transform: transform, steps: options.answer.describesSource ? [] : steps)
        let accepted = settings.negotiator.negotiate(
            explicit: options.format, accept: headers.accept, userAgent: headers.userAgent)
        negotiated =
            switch options.answer {
            case .image: accepted
            case .placeholder: accepted.forPlaceholder
            case .metadata, .thumbHash: NegotiatedFormat(candidates: [], isExplicit: false, consultedHeaders: [])
            }
        vary = negotiated.consultedHeaders + hints.consultedHeaders
        identity = VariantIdentity(options: options, filters: filters, negotiated: negotiated)
        self.ifNoneMatch = ifNoneMatch
    }

    /// The loaded module called `name` whose kind suits `parameter`.
    private static func module(
        named name: String, in registry: FilterRegistry, parameter: String, suits: (FilterKind) -> Bool
    ) throws(RequestError) -> FilterModule {
        if let module = registry.modules[name], suits(module.kind) {
            return module
        }
        let available = registry.modules.values.filter { suits($0.kind) }.map(\.name).sorted()
        throw .unknownModule(parameter: parameter, name: name, available: available)
    }
}

/// Why a request could not be turned into a `RenderRequest`.
enum RequestError: Error, Sendable {
    case options(OptionsError)
    /// `filter=` or `transform=` names no loaded module of its kind; `available` are those that are.
    case unknownModule(parameter: String, name: String, available: [String])
}
