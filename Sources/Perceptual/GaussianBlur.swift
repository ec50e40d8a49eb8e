#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Gaussian blur (σ = 1.5) that SSIMULACRA2 takes local means with, as the reference package computes it:
/// scipy's `gaussian_filter(sigma=1.5, truncate=3.33)`, an 11-tap kernel (radius `int(3.33 × 1.5 + 0.5)` = 5)
/// normalized to sum 1, with zeros beyond the left and right edges and the image mirrored above and below
/// (scipy's `reflect`, `c b a | a b c`). The package means zeros above and below and mirroring at the sides,
/// but its XYB arrays are transposed (`linear.T` reverses every axis), so its padding lands on the other axis.
/// libjxl runs a recursive approximation of the same Gaussian instead, with zeros beyond every edge.
///
/// The blur is separable, and its passes are separate steps so that callers can stream it: `blurRow` is the
/// horizontal pass of one row, and `weightedSum` with a row's step the vertical pass of eight outputs over the
/// rows a `RowWindow` keeps.
struct GaussianBlur: Sendable {
    static let radius = 5

    /// The weights of the centre tap and of the taps 1 to 5 away from it, on both sides, as broadcast vectors.
    private let centre: FloatVector
    private let taps: (FloatVector, FloatVector, FloatVector, FloatVector, FloatVector)

    init() {
        let sigma = 1.5
        let unnormalized = (0...Self.radius).map { exp(-0.5 * Double($0 * $0) / (sigma * sigma)) }
        let total = unnormalized[0] + 2 * unnormalized.dropFirst().reduce(0, +)
        let weights = unnormalized.map { FloatVector(repeating: Float($0 / total)) }
        centre = weights[0]
        taps = (weights[1], weights[2], weights[3], weights[4], weights[5])
    }

    /// The number of floats `blurRow` needs as scratch for rows `width` long.
    static func rowScratchCount(width: Int) -> Int {
        width + 2 * radius
    }

    /// The horizontal pass: blurs a row of `values`, or of `values` multiplied value by value with `factors`.
    ///
    /// - Parameters:
    ///   - values: `width >= 8` values.
    ///   - factors: `nil`, or `width` values to multiply `values` by before blurring.
    ///   - scratch: `rowScratchCount(width:)` floats whose first and last `radius` are zero, the values beyond
    ///     the row's ends; only the others are written, so the zeros stay.
    ///   - output, copy: `width` floats each, both written with the blurred row.
    func blurRow(
        _ values: UnsafePointer<Float>,
        times factors: UnsafePointer<Float>?,
        width: Int,
        scratch: UnsafeMutablePointer<Float>,
        into output: UnsafeMutablePointer<Float>,
        copy: UnsafeMutablePointer<Float>
    ) {
        let row = scratch + Self.radius
        if let factors {
            forEachVector(count: width) { x, _ in row.storeVector(values.vector(at: x) * factors.vector(at: x), at: x) }
        } else {
            row.update(from: values, count: width)
        }
        forEachVector(count: width) { x, _ in
            let blurred = weightedSum(around: UnsafePointer(row + x), step: 1)
            output.storeVector(blurred, at: x)
            copy.storeVector(blurred, at: x)
        }
    }

    /// The kernel applied to the eight values at `centre` and to their neighbours `step` floats apart on
    /// either side: the vertical pass when the step is a row, the horizontal pass when it is 1.
    @inline(__always)
    func weightedSum(around centre: UnsafePointer<Float>, step: Int) -> FloatVector {
        var sum = centre.vector(at: 0) * self.centre
        sum += (centre.vector(at: -step) + centre.vector(at: step)) * taps.0
        sum += (centre.vector(at: -2 * step) + centre.vector(at: 2 * step)) * taps.1
        sum += (centre.vector(at: -3 * step) + centre.vector(at: 3 * step)) * taps.2
        sum += (centre.vector(at: -4 * step) + centre.vector(at: 4 * step)) * taps.3
        sum += (centre.vector(at: -5 * step) + centre.vector(at: 5 * step)) * taps.4
        return sum
    }
}
