/// The shape of a caller's pixels: 8-bit sRGB, interleaved, row after row with no padding, so pixel
/// `(x, y)` starts at byte `(y * width + x) * bands`. Three bands are RGB; four are RGBA with straight
/// (not premultiplied) alpha last.
package struct PixelLayout: Hashable, Sendable {
    package var width: Int
    package var height: Int
    package var bands: Int

    package init(width: Int, height: Int, bands: Int) {
        self.width = width
        self.height = height
        self.bands = bands
    }

    /// The number of bytes the layout describes.
    var byteCount: Int { width * height * bands }

    var hasAlpha: Bool { bands == 4 }

    /// Checks what the metric accepts: 3 or 4 bands, at least 8×8 pixels (the smallest scale libjxl's
    /// tool scores), and a buffer holding every pixel.
    func validate(bufferCount: Int) throws(SSIMULACRA2Error) {
        guard bands == 3 || bands == 4 else { throw .unsupportedBands(bands) }
        guard width >= 8, height >= 8 else { throw .tooSmall(width: width, height: height) }
        guard bufferCount >= byteCount else { throw .bufferTooShort(expected: byteCount, actual: bufferCount) }
    }
}
