/// An image in SSIMULACRA2's XYB: JPEG XL's opsin colour space, rescaled so each channel lies roughly in
/// 0...1 (libjxl `MakePositiveXYB`), which the SSIM formula needs for its constants to mean anything. The planes
/// are X, Y and B−Y, in that order.
struct XYBImage: Sendable {
    var planes: PlanarImage

    /// Converts linear RGB in place: opsin absorbance (a 3×3 mix plus a bias), a cube root with the bias's cube
    /// root taken off, X and Y as half the difference and half the sum of the first two, then the rescaling.
    ///
    /// libjxl clamps the mix at zero before the cube root; linear light is never negative here, so the mix is
    /// at least the bias and the clamp never acts.
    init(converting linear: consuming LinearRGBImage) {
        var planes = (consume linear).planes
        let planeSize = planes.planeSize
        let conversion = OpsinConversion()
        planes.samples.withUnsafeMutableBufferPointer { samples in
            let (first, second, third) = (
                samples.baseAddress!, samples.baseAddress! + planeSize, samples.baseAddress! + 2 * planeSize
            )
            // The last eight pixels, kept unconverted: a plane that is not a multiple of eight long ends with a
            // step overlapping the one before, which must start again from linear values.
            let lastStart = planeSize - 8
            let lastPixels = (first.vector(at: lastStart), second.vector(at: lastStart), third.vector(at: lastStart))
            var start = 0
            while start + 8 <= planeSize {
                let (x, y, b) = conversion.xyb(
                    red: first.vector(at: start), green: second.vector(at: start), blue: third.vector(at: start))
                first.storeVector(x, at: start)
                second.storeVector(y, at: start)
                third.storeVector(b, at: start)
                start += 8
            }
            if start < planeSize {
                let (x, y, b) = conversion.xyb(red: lastPixels.0, green: lastPixels.1, blue: lastPixels.2)
                first.storeVector(x, at: lastStart)
                second.storeVector(y, at: lastStart)
                third.storeVector(b, at: lastStart)
            }
        }
        self.planes = planes
    }
}

/// The conversion of eight linear RGB pixels to SSIMULACRA2's XYB, with its constants as broadcast vectors.
private struct OpsinConversion {
    private let long = Opsin.long
    private let medium = Opsin.medium
    private let short = Opsin.short
    private let bias = FloatVector(repeating: Float(Opsin.bias))
    private let biasCubeRoot = FloatVector(repeating: Float(Opsin.biasCubeRoot))

    @inline(__always)
    func xyb(red: FloatVector, green: FloatVector, blue: FloatVector) -> (x: FloatVector, y: FloatVector, b: FloatVector) {
        let l = cubeRoot(long.response(red: red, green: green, blue: blue, bias: bias)) - biasCubeRoot
        let m = cubeRoot(medium.response(red: red, green: green, blue: blue, bias: bias)) - biasCubeRoot
        let s = cubeRoot(short.response(red: red, green: green, blue: blue, bias: bias)) - biasCubeRoot
        let x = 0.5 * (l - m)
        let y = 0.5 * (l + m)
        return (x * 14 + 0.42, y + 0.01, (s - y) + 0.55)
    }
}

/// JPEG XL's opsin absorbance model (libjxl `opsin_params.h`), from Double constants as the reference package has them.
private enum Opsin {
    /// The mixes of linear R, G, B into the long, medium and short cone responses.
    static let long = ConeMix(0.30, 1 - 0.078 - 0.30, 0.078)
    static let medium = ConeMix(0.23, 1 - 0.078 - 0.23, 0.078)
    static let short = ConeMix(0.24342268924547819, 0.20476744424496821, 1 - 0.24342268924547819 - 0.20476744424496821)

    /// Added to each cone response before the cube root, keeping its slope finite near black.
    static let bias = 0.0037930732552754493

    /// ∛bias, subtracted after the cube root so that black maps to zero.
    static let biasCubeRoot = 0.15595420054924863
}

/// One row of the opsin absorbance matrix, as broadcast vectors.
private struct ConeMix {
    let red: FloatVector
    let green: FloatVector
    let blue: FloatVector

    init(_ red: Double, _ green: Double, _ blue: Double) {
        self.red = FloatVector(repeating: Float(red))
        self.green = FloatVector(repeating: Float(green))
        self.blue = FloatVector(repeating: Float(blue))
    }

    /// The response to eight pixels, bias included.
    @inline(__always)
    func response(red: FloatVector, green: FloatVector, blue: FloatVector, bias: FloatVector) -> FloatVector {
        self.red * red + self.green * green + self.blue * blue + bias
    }
}
