/// An image in linear light with sRGB primaries: red, green and blue planes, in that order. SSIMULACRA2
/// downscales in this space (libjxl's revision of April 2023), since averaging gamma-encoded values darkens
/// fine detail.
struct LinearRGBImage: Sendable {
    var planes: PlanarImage

    /// Decodes interleaved 8-bit sRGB through lookup tables; pixels with alpha are composited over `backdrop`
    /// first, and without alpha the backdrop plays no part.
    ///
    /// - Parameters:
    ///   - pixels: borrowed for the call only; holds at least `layout.byteCount` bytes (checked by the caller).
    ///   - recycled: memory to reuse, if it has the right shape (see `PlanarImage`).
    init(pixels: UnsafeBufferPointer<UInt8>, layout: PixelLayout, backdrop: Backdrop, recycling recycled: consuming PlanarImage?)
    {
        let pixelCount = layout.width * layout.height
        let table = layout.hasAlpha ? backdrop.linearByAlphaAndCode : SRGBTransfer.linearByCode
        planes = table.withUnsafeBufferPointer { table in
            PlanarImage(width: layout.width, height: layout.height, planeCount: 3, recycling: recycled.take()) { red in
                let (green, blue) = (red + pixelCount, red + 2 * pixelCount)
                if layout.hasAlpha {
                    for index in 0..<pixelCount {
                        let pixel = index * 4
                        let alpha = Int(pixels[pixel + 3]) << 8
                        red[index] = table[alpha | Int(pixels[pixel])]
                        green[index] = table[alpha | Int(pixels[pixel + 1])]
                        blue[index] = table[alpha | Int(pixels[pixel + 2])]
                    }
                } else {
                    for index in 0..<pixelCount {
                        let pixel = index * 3
                        red[index] = table[Int(pixels[pixel])]
                        green[index] = table[Int(pixels[pixel + 1])]
                        blue[index] = table[Int(pixels[pixel + 2])]
                    }
                }
            }
        }
    }

    private init(planes: PlanarImage) {
        self.planes = planes
    }

    /// The next scale: half the size, rounded up, each pixel the mean of a 2×2 block, in `recycled`'s memory if
    /// it has the right shape.
    func halved(recycling recycled: consuming PlanarImage?) -> LinearRGBImage {
        LinearRGBImage(planes: planes.halved(recycling: recycled))
    }
}
