/// A filter's effect described instead of computed: the host asks the module once per request
/// and applies the result natively (libvips' maplut, recomb, conv), at native speed.
public enum Recipe: Sendable, Equatable {
    /// 768 bytes: entry `c * 256 + v` is channel c's (red, green, blue) output for input v.
    case lookupTable([UInt8])
    /// A row-major 3×3 matrix applied to (red, green, blue).
    case colourMatrix([Double])
    /// A square convolution kernel of odd `size`, weights row-major; out = Σ(w·p) / scale.
    case kernel(size: Int, scale: Double, weights: [Double])
}

extension FilterInstance {
    /// The largest kernel side the ABI allows.
    static let maxKernelSize = 31

    /// Asks a recipe module for its recipe with these arguments.
    func recipe(kind: FilterKind, arguments: [Float]) throws(FilterError) -> Recipe {
        let fuel = limits.baseFuel
        try call("imgedge_reset", fuel: fuel)
        let (argumentsOffset, count) = try writeArguments(arguments)
        switch kind {
        case .lookupTable:
            let table = try allocate(768)
            try callChecked("imgedge_lut", [argumentsOffset, count, table], fuel: fuel)
            return .lookupTable(try read(count: 768, at: table))
        case .colourMatrix:
            let matrix = try allocate(36)
            try callChecked("imgedge_matrix", [argumentsOffset, count, matrix], fuel: fuel)
            return .colourMatrix(try floats(count: 9, at: matrix))
        case .kernel:
            let capacity = 8 + Self.maxKernelSize * Self.maxKernelSize * 4
            let kernel = try allocate(capacity)
            try callChecked("imgedge_kernel", [argumentsOffset, count, kernel, UInt32(capacity)], fuel: fuel)
            let header = try read(count: 8, at: kernel)
            let size = Int(UInt32(littleEndianBytes: header[0..<4]))
            let scale = Double(Float(bitPattern: UInt32(littleEndianBytes: header[4..<8])))
            guard size % 2 == 1, size <= Self.maxKernelSize, scale.isFinite, scale > 0 else {
                throw .failed(
                    name: name, kind: .processingFailed, detail: "kernel of size \(size) and scale \(scale) is not valid")
            }
            let weights = try floats(count: size * size, at: kernel + 8)
            return .kernel(size: size, scale: scale, weights: weights)
        case .strips, .transform:
            preconditionFailure("\(kind) modules have no recipe")
        }
    }

    /// Reads `count` little-endian f32 values; each must be finite.
    private func floats(count: Int, at offset: UInt32) throws(FilterError) -> [Double] {
        let bytes = try read(count: count * 4, at: offset)
        let values = stride(from: 0, to: bytes.count, by: 4).map {
            Double(Float(bitPattern: UInt32(littleEndianBytes: bytes[$0..<$0 + 4])))
        }
        guard values.allSatisfy(\.isFinite) else {
            throw .failed(name: name, kind: .processingFailed, detail: "returned a value that is not a finite number")
        }
        return values
    }
}

extension UInt32 {
    /// The value of four little-endian bytes.
    init(littleEndianBytes bytes: ArraySlice<UInt8>) {
        self = bytes.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }
}
