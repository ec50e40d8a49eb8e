/// A configuration value out of range, with a one-line reason naming the flag.
public enum ConfigurationError: Error, Sendable, Equatable {
    case invalid(String)

    /// The one-line reason.
    public var reason: String {
        switch self {
        case .invalid(let reason): reason
        }
    }
}
