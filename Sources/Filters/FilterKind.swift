/// What a module does, decided by which of the ABI's export groups it has (Modules/README.md).
public enum FilterKind: Sendable, Equatable, CustomStringConvertible {
    /// A recipe: a per-channel lookup table, computed once, applied natively.
    case lookupTable
    /// A recipe: a 3×3 colour matrix, computed once, applied natively.
    case colourMatrix
    /// A recipe: a convolution kernel, computed once, applied natively.
    case kernel
    /// A pixel filter run over strips of rows in the module's memory.
    case strips(hasHalo: Bool, hasFinalize: Bool)
    /// A byte-stream transform of a request body, before decoding.
    case transform

    public var description: String {
        switch self {
        case .lookupTable: "lut"
        case .colourMatrix: "matrix"
        case .kernel: "kernel"
        case .strips: "strips"
        case .transform: "transform"
        }
    }

    /// Whether this kind filters decoded pixels (every kind but `transform`).
    public var isPixelFilter: Bool {
        self != .transform
    }
}
