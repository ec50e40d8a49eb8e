/// A grey that translucent pixels are composited over before scoring, as libjxl's `ssimulacra2` tool does:
/// when the reference has alpha, the pair is scored over a dark and over a light grey and the worse score
/// is kept, so an error that one background hides shows on the other; a distorted image with alpha whose
/// reference has none is composited over mid grey. Blending happens on sRGB-encoded levels, before the
/// conversion to linear light, as libjxl's `AlphaBlend` does.
enum Backdrop: Sendable {
    case dark
    case neutral
    case light

    /// The backdrops a pair is scored over, from whether the reference has alpha (libjxl `ssimulacra2_main.cc`).
    static func scoring(referenceHasAlpha: Bool) -> [Backdrop] {
        referenceHasAlpha ? [.dark, .light] : [.neutral]
    }

    /// The grey's sRGB-encoded level: 0.1, 0.5 and 0.9 in libjxl.
    var level: Double {
        switch self {
        case .dark: 0.1
        case .neutral: 0.5
        case .light: 0.9
        }
    }

    /// Linear light of an 8-bit code with an 8-bit alpha composited over this grey, at index
    /// `alpha << 8 | code`: 65,536 floats built once per backdrop on first use, so decoding a translucent
    /// pixel costs three loads instead of three `pow` calls.
    var linearByAlphaAndCode: [Float] {
        switch self {
        case .dark: Self.darkTable
        case .neutral: Self.neutralTable
        case .light: Self.lightTable
        }
    }

    private static let darkTable = compositeTable(level: Backdrop.dark.level)
    private static let neutralTable = compositeTable(level: Backdrop.neutral.level)
    private static let lightTable = compositeTable(level: Backdrop.light.level)

    private static func compositeTable(level: Double) -> [Float] {
        (0..<65_536).map { index in
            let alpha = Double(index >> 8) / 255
            let encoded = Double(index & 0xFF) / 255
            return Float(SRGBTransfer.linear(encoded: alpha * encoded + (1 - alpha) * level))
        }
    }
}
