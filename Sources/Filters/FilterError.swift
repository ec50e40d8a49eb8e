/// A filter module failure: the module is named, and the kind is one of the ABI's three.
///
/// A module can fail at load (`invalidModule`) or while running a request (`failed`); either way
/// only that module or that request is affected.
public enum FilterError: Error, Sendable, Equatable, Codable {
    /// The ABI's error kinds, as the WIT interface names them.
    public enum Kind: String, Sendable, Codable {
        /// The module rejected its arguments or its input.
        case invalidFormat = "invalid-format"
        /// The module ran out of linear memory.
        case outOfMemory = "out-of-memory"
        /// The module trapped, ran out of fuel, or reported a failure.
        case processingFailed = "processing-failed"
    }

    /// The module cannot be used: not valid WebAssembly, or not the ABI.
    case invalidModule(name: String, reason: String)
    /// A call into the module failed.
    case failed(name: String, kind: Kind, detail: String)
    /// The host stopped the filter between strips: the job ran out of time or was called off.
    case stopped(name: String)

    /// The module's name.
    public var moduleName: String {
        switch self {
        case .invalidModule(let name, _), .failed(let name, _, _), .stopped(let name): name
        }
    }

    /// A one-line reason naming the module and what went wrong.
    public var reason: String {
        switch self {
        case .invalidModule(let name, let reason):
            "module \(name) is invalid: \(reason)"
        case .failed(let name, let kind, let detail):
            "module \(name) failed (\(kind.rawValue)): \(detail)"
        case .stopped(let name):
            "module \(name) was stopped: the job ran out of time"
        }
    }
}
