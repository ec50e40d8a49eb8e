/// Why a pair of images cannot be scored.
package enum SSIMULACRA2Error: Error, Hashable, Sendable {
    /// The layout has neither 3 (RGB) nor 4 (RGBA) bands.
    case unsupportedBands(Int)
    /// The image is narrower or shorter than 8 pixels.
    case tooSmall(width: Int, height: Int)
    /// The distorted image's width or height differs from the reference's.
    case sizeMismatch(reference: PixelLayout, distorted: PixelLayout)
    /// The buffer holds fewer bytes than its layout describes.
    case bufferTooShort(expected: Int, actual: Int)

    /// A one-line reason, fit for a log line or an error response.
    package var reason: String {
        switch self {
        case .unsupportedBands(let bands):
            "SSIMULACRA2 needs 3 (RGB) or 4 (RGBA) bands, not \(bands)"
        case .tooSmall(let width, let height):
            "SSIMULACRA2 needs at least 8x8 pixels, not \(width)x\(height)"
        case .sizeMismatch(let reference, let distorted):
            "the distorted image is \(distorted.width)x\(distorted.height), the reference \(reference.width)x\(reference.height)"
        case .bufferTooShort(let expected, let actual):
            "the pixel buffer holds \(actual) bytes where its layout needs \(expected)"
        }
    }
}
