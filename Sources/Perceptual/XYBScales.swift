/// An image's XYB scales, 1:1 first, made one at a time: each scale halves the previous one in linear light,
/// then converts in place. Iterating keeps only the current scale and the next one's linear image alive.
struct XYBScales: Sequence, IteratorProtocol {
    private var linear: LinearRGBImage?
    private var remaining: Int
    /// Memory to reuse for the scales after the first, last scale first (see `PlanarImage`).
    private var recycled: [PlanarImage]

    /// The first `count` scales of 8-bit sRGB pixels composited over `backdrop` (see `scaleCount`).
    ///
    /// - Parameters:
    ///   - pixels: read here only; holds at least `layout.byteCount` bytes.
    ///   - recycled: the planes of a previous iteration's scales, 1:1 first, whose memory is reused.
    init(
        of pixels: UnsafeBufferPointer<UInt8>, layout: PixelLayout, backdrop: Backdrop, count: Int,
        recycling recycled: consuming [PlanarImage] = []
    ) {
        recycled.reverse()
        linear = LinearRGBImage(pixels: pixels, layout: layout, backdrop: backdrop, recycling: recycled.popLast())
        remaining = count
        self.recycled = recycled
    }

    /// How many scales SSIMULACRA2 scores for a `width × height` image: 1:1, 1:2, … up to 1:32, while both sides
    /// of the scale (halved and rounded up each time) are at least 8 pixels.
    ///
    /// This follows the reference package, which checks each scale's own size. libjxl checks the size of the
    /// scale before, so it also scores a last scale with a side of 4 to 7 pixels; the two differ for images
    /// whose smaller side falls between 8 × 2ⁿ⁻¹ and 8 × 2ⁿ for n < 6 (under 256 pixels).
    static func scaleCount(width: Int, height: Int) -> Int {
        var (width, height, count) = (width, height, 0)
        while count < 6, width >= 8, height >= 8 {
            count += 1
            (width, height) = ((width + 1) / 2, (height + 1) / 2)
        }
        return count
    }

    mutating func next() -> XYBImage? {
        guard remaining > 0, let current = linear.take() else { return nil }
        remaining -= 1
        if remaining > 0 {
            linear = current.halved(recycling: recycled.popLast())
        }
        return XYBImage(converting: consume current)
    }
}
