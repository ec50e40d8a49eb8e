import Filters

/// A `filter=` step resolved to its loaded module.
struct ResolvedFilter: Sendable {
    let module: FilterModule
    let arguments: [Float]

    init(module: FilterModule, arguments: [Float]) {
        self.module = module
        self.arguments = arguments
    }
}

/// The modules one request uses, resolved against the registry current when it started, which
/// also runs them: a reload while the request runs does not change its modules.
struct RequestFilters: Sendable {
    let registry: FilterRegistry
    /// The byte-stream module the body passes through before decoding (uploads only).
    let transform: FilterModule?
    /// Pixel filters, in order.
    let steps: [ResolvedFilter]

    init(registry: FilterRegistry, transform: FilterModule? = nil, steps: [ResolvedFilter] = []) {
        self.registry = registry
        self.transform = transform
        self.steps = steps
    }

    /// The names of the modules the request runs: its transform's and its steps'.
    var moduleNames: Set<String> {
        Set(steps.map(\.module.name) + (transform.map { [$0.name] } ?? []))
    }

    /// A canonical string of the transform and the steps, each module named with its code's
    /// fingerprint, for cache keys and ETags.
    var cacheKey: String {
        func identity(_ module: FilterModule) -> String { "\(module.name)@\(String(module.fingerprint, radix: 16))" }
        return (transform.map { "transform:\(identity($0))|" } ?? "")
            + steps.map { "\(identity($0.module))\($0.arguments)" }.joined(separator: ";")
    }
}
