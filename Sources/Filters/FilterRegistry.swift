import Foundation
import Synchronization

/// The filter modules of a directory, loaded and validated once at start-up, each with a pool
/// of instances reused across requests.
///
/// A module that fails to load is reported by name in `failures` and left out; the others
/// load. Instances are created on demand, handed to one job at a time, and dropped after a
/// failure (a trap may leave memory half-written), so one bad request cannot affect the next.
/// The idle pool is bounded: at most `FilterLimits.maxIdleInstances` per module, none whose
/// memory grew more than `FilterLimits.maxPooledGrowthBytes`, so a burst of large jobs leaves
/// no grown memory behind.
public final class FilterRegistry: Sendable {
    /// Loaded modules by filter name.
    public let modules: [String: FilterModule]
    /// Modules that failed to load, by name, with the reason.
    public let failures: [String: String]
    private let idle = Mutex<[String: [FilterInstance]]>([:])

    /// Registers already-validated modules.
    public init(modules: [FilterModule], failures: [String: String] = [:]) {
        self.modules = Dictionary(modules.map { ($0.name, $0) }) { first, _ in first }
        self.failures = failures
    }

    /// Loads every `*.wasm` file in `directory`; a missing directory means no filters. A file
    /// that is not a regular file (a FIFO, a link to a device) or is larger than
    /// `limits.maxModuleBytes` is refused unread.
    public convenience init(directory: String, limits: FilterLimits) {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var modules: [FilterModule] = []
        var failures: [String: String] = [:]
        for file in files.sorted() where file.hasSuffix(".wasm") {
            let name = String(file.dropLast(5))
            do throws(FilterError) {
                let bytes = try ModuleFile.read("\(directory)/\(file)", limit: limits.maxModuleBytes, name: name)
                modules.append(try FilterModule(name: name, bytes: bytes, limits: limits))
            } catch {
                failures[name] = error.reason
            }
        }
        self.init(modules: modules, failures: failures)
    }

    /// The recipe of a recipe module with these arguments.
    public func recipe(_ module: FilterModule, arguments: [Float]) throws(FilterError) -> Recipe {
        try withInstance(of: module) { (instance) throws(FilterError) in
            try instance.recipe(kind: module.kind, arguments: arguments)
        }
    }

    /// Runs a strip filter over one frame, in place.
    ///
    /// `shouldStop` is asked before each strip; once it answers true the call fails with
    /// `FilterError.stopped`, so a host deadline bounds a filter more tightly than fuel does.
    public func filterStrips(
        _ module: FilterModule, frame: PixelFrame, arguments: [Float], shouldStop: () -> Bool = { false }
    ) throws(FilterError) {
        guard case .strips(let hasHalo, let hasFinalize) = module.kind else {
            preconditionFailure("\(module.name) is not a strip filter")
        }
        try withInstance(of: module) { (instance) throws(FilterError) in
            try instance.filterStrips(
                frame, arguments: arguments, hasHalo: hasHalo, hasFinalize: hasFinalize, shouldStop: shouldStop)
        }
    }

    /// Starts passing a body through a transform module; feed it the chunks as they arrive.
    public func startTransform(_ module: FilterModule) throws(FilterError) -> TransformSession {
        precondition(module.kind == .transform, "\(module.name) is not a transform")
        return try TransformSession(module: module, registry: self, instance: try checkOut(module))
    }

    /// Runs `body` with an idle instance of `module`, or a new one; keeps it for reuse only
    /// when `body` succeeds.
    private func withInstance<Result>(
        of module: FilterModule, _ body: (FilterInstance) throws(FilterError) -> Result
    ) throws(FilterError) -> Result {
        let instance = try checkOut(module)
        let result = try body(instance)
        giveBack(instance)
        return result
    }

    /// An idle instance of `module`, or a new one.
    private func checkOut(_ module: FilterModule) throws(FilterError) -> FilterInstance {
        if let reused = idle.withLock({ $0[module.name]?.popLast() }) {
            return reused
        }
        return try FilterInstance(module: module)
    }

    /// Keeps an instance that finished its work cleanly for the next request, unless its memory
    /// grew past the pooling bound or the module's pool is full; such an instance is dropped here,
    /// and its memory released with it.
    func giveBack(_ instance: FilterInstance) {
        guard instance.memoryGrowth <= instance.limits.maxPooledGrowthBytes else { return }
        idle.withLock { pool in
            guard pool[instance.name, default: []].count < instance.limits.maxIdleInstances else { return }
            pool[instance.name, default: []].append(instance)
        }
    }

    /// How many instances of the module named `name` are idle in the pool.
    func idleCount(of name: String) -> Int {
        idle.withLock { $0[name]?.count ?? 0 }
    }
}
