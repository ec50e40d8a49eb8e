import WasmKit

/// A filter module parsed and validated once, shared by every thread.
///
/// Validation happens at load, so a request never meets a malformed module: no imports at all,
/// an exported memory with a declared maximum within the cap, the common exports and exactly
/// one kind's exports with the ABI's signatures, and `imgedge_abi_version()` returning 1.
/// A WasmKit `Module` is immutable and `Sendable`; its instances (`FilterInstance`) are pooled by
/// `FilterRegistry` and used by one job at a time.
public struct FilterModule: Sendable {
    /// The filter's name: its file name without `.wasm`.
    public let name: String
    public let kind: FilterKind
    /// Identifies the module's code: FNV-1a (64-bit) of its bytes, the same in every process
    /// (unlike Swift's seeded `Hasher`). Part of cache keys and ETags, so a reloaded or redeployed
    /// module that renders differently also tags differently.
    public let fingerprint: UInt64
    /// The module's own one-line description of its arguments (`imgedge_describe`), if it has one.
    public private(set) var arguments: String?
    let module: Module
    let engine: Engine
    let limits: FilterLimits

    /// Parses and validates `bytes`.
    /// - Throws: `FilterError.invalidModule` with the reason.
    public init(name: String, bytes: [UInt8], limits: FilterLimits) throws(FilterError) {
        func invalid(_ reason: String) -> FilterError { .invalidModule(name: name, reason: reason) }
        let module: Module
        do {
            module = try parseWasm(bytes: bytes)
        } catch {
            throw invalid("not valid WebAssembly (\(error))")
        }
        guard module.imports.isEmpty else {
            let first = module.imports[0]
            throw invalid("imports \(first.module).\(first.name); modules may import nothing")
        }
        let exported = Set(module.exports.map(\.name))
        let groups = FilterABI.kinds.filter { group in group.exports.keys.contains(where: exported.contains) }
        guard groups.count == 1, let group = groups.first else {
            throw invalid(
                groups.isEmpty ? "exports no filter or transform entry point" : "exports entry points of more than one kind")
        }
        self.name = name
        self.fingerprint = bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        self.kind = group.kind(Array(exported))
        self.module = module
        self.engine = Engine(configuration: EngineConfiguration(fuelMetering: true))
        self.limits = limits
        self.arguments = nil

        // Instantiating once checks what only an instance can tell: signatures, memory, version.
        let instance = try FilterInstance(module: self)
        var expected = FilterABI.common.merging(group.exports) { first, _ in first }
        for (name, type) in FilterABI.optional where exported.contains(name) {
            expected[name] = type
        }
        for (export, type) in expected {
            guard let function = instance.instance.exports[function: export] else {
                throw invalid("does not export \(export)")
            }
            guard function.type == type else {
                throw invalid(
                    "\(export) has signature \(function.type.parameters) -> \(function.type.results), expected \(type.parameters) -> \(type.results)"
                )
            }
        }
        guard let memory = instance.instance.exports[memory: "memory"] else {
            throw invalid("does not export its memory")
        }
        guard let maximumPages = memory.type.max else {
            throw invalid("memory declares no maximum")
        }
        guard maximumPages * 65_536 <= UInt64(limits.maxMemoryBytes) else {
            throw invalid("memory maximum \(maximumPages * 64) KiB is over the cap of \(limits.maxMemoryBytes / 1024) KiB")
        }
        let version = try instance.call("imgedge_abi_version", fuel: limits.baseFuel)
        guard version == FilterABI.version else {
            throw invalid("ABI version \(version), expected \(FilterABI.version)")
        }
        if exported.contains("imgedge_describe") && exported.contains("imgedge_describe_length") {
            arguments = try instance.description()
        }
    }
}
