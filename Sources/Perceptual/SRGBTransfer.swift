#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// sRGB's decoding curve (IEC 61966-2-1): an encoded level in 0...1 to linear light in 0...1, in the
/// piecewise form with the 0.04045 threshold that the reference package and libjxl's colour management use.
enum SRGBTransfer {
    static func linear(encoded: Double) -> Double {
        encoded <= 0.04045 ? encoded / 12.92 : pow((encoded + 0.055) / 1.055, 2.4)
    }

    /// Linear light of each 8-bit code, computed once in Double, so decoding an opaque pixel costs three loads.
    static let linearByCode: [Float] = (0..<256).map { Float(linear(encoded: Double($0) / 255)) }
}
