/// Cube roots of eight positive normal floats, to about float precision (relative error under 1e-6).
///
/// libm's `cbrtf` would cost more than the rest of the colour conversion, which takes three cube roots per
/// pixel at every scale. Instead a first guess comes from dividing the float's bit pattern by three (thirding
/// the exponent; the constant restores the exponent bias, as in Kahan's cube-root note), within about 4 %,
/// and two Halley steps, `r ← r (r³ + 2v) / (2r³ + v)`, which triple the correct digits each, finish.
@inline(__always)
func cubeRoot(_ value: FloatVector) -> FloatVector {
    let bits = unsafeBitCast(value, to: SIMD8<UInt32>.self)
    var root = unsafeBitCast(bits / 3 &+ 0x2A51_37A0, to: FloatVector.self)
    for _ in 0..<2 {
        let cube = root * root * root
        root = root * (cube + 2 * value) / (2 * cube + value)
    }
    return root
}
