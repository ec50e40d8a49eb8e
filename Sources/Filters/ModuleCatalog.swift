import Foundation
import Synchronization

/// The filter modules of one directory, reloadable while serving.
///
/// A reload loads and validates the whole directory again into a new `FilterRegistry` and swaps
/// it in: requests that start afterwards use the new modules, requests already running keep the
/// registry they started with (they hold a reference to it), so nothing is torn down under them.
public final class ModuleCatalog: Sendable {
    public let directory: String
    public let limits: FilterLimits
    private let state: Mutex<(registry: FilterRegistry, fingerprint: [String: Date])>

    /// Loads `directory` now.
    public init(directory: String, limits: FilterLimits) {
        self.directory = directory
        self.limits = limits
        let fingerprint = Self.fingerprint(of: directory)
        state = Mutex((FilterRegistry(directory: directory, limits: limits), fingerprint))
    }

    /// The modules to use for a request that starts now.
    public var registry: FilterRegistry {
        state.withLock { $0.registry }
    }

    /// Loads the directory again and swaps the result in; returns it.
    @discardableResult
    public func reload() -> FilterRegistry {
        let fingerprint = Self.fingerprint(of: directory)
        let registry = FilterRegistry(directory: directory, limits: limits)
        state.withLock { $0 = (registry, fingerprint) }
        return registry
    }

    /// Reloads if a `.wasm` file was added, removed or modified since the last load; returns the
    /// new registry, or nil when nothing changed.
    public func reloadIfChanged() -> FilterRegistry? {
        let unchanged = state.withLock { $0.fingerprint == Self.fingerprint(of: directory) }
        return unchanged ? nil : reload()
    }

    /// Modification dates of the directory's `.wasm` files, by name.
    private static func fingerprint(of directory: String) -> [String: Date] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var dates: [String: Date] = [:]
        for file in files where file.hasSuffix(".wasm") {
            let attributes = try? FileManager.default.attributesOfItem(atPath: "\(directory)/\(file)")
            dates[file] = attributes?[.modificationDate] as? Date ?? .distantPast
        }
        return dates
    }
}
