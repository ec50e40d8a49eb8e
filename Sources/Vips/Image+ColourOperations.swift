internal import CVipsShim

/// Per-pixel colour operations and direct pixel access, for filters.
///
/// Each keeps alpha as it is and clamps to 8 bits. They are libvips' native operations (maplut,
/// recomb, conv), so a filter that can describe itself as one of them runs at libvips' speed.
extension Image {
    /// Maps the colour channels through a table of 768 bytes: entry `c * 256 + v` is channel c's
    /// output for input v.
    public consuming func mapped(throughTable table: [UInt8]) throws(VipsError) -> Image {
        precondition(table.count == 768, "a table has 256 entries for each of 3 channels")
        return try transformed { input, out in
            table.withUnsafeBufferPointer { imgedge_vips_map_table(input, $0.baseAddress, &out) }
        }
    }

    /// Multiplies (red, green, blue) by a row-major 3×3 matrix.
    public consuming func recombined(by matrix: [Double]) throws(VipsError) -> Image {
        precondition(matrix.count == 9, "a colour matrix is 3x3")
        return try transformed { input, out in
            matrix.withUnsafeBufferPointer { imgedge_vips_recombine(input, $0.baseAddress, &out) }
        }
    }

    /// Convolves every frame's colour channels with a square kernel: Σ(weight · pixel) / scale.
    public consuming func convolved(size: Int, scale: Double, weights: [Double]) throws(VipsError) -> Image {
        precondition(weights.count == size * size, "a kernel has size x size weights")
        return try transformed { input, out in
            weights.withUnsafeBufferPointer { imgedge_vips_convolve(input, Int32(size), scale, $0.baseAddress, &out) }
        }
    }

    /// Number of bands: 3 (RGB) or 4 (RGBA) after `thumbnail`.
    public var bands: Int {
        Int(vips_image_get_bands(pointer))
    }

    /// Computes the pixels and copies them out, every frame stacked top to bottom, rows packed
    /// `width * bands` bytes apart.
    /// - Throws: `VipsError.stopped` when the budget runs out, else `.decodeFailed`.
    public func copiedPixels() throws(VipsError) -> [UInt8] {
        var data: UnsafeMutableRawPointer?
        var length = 0
        budget?.watch(pointer)
        guard imgedge_vips_copy_pixels(pointer, &data, &length) == 0, let data else {
            throw stoppedOr(.decodeFailed(Libvips.takeErrorText()))
        }
        defer { imgedge_vips_free(data) }
        return Array(UnsafeRawBufferPointer(start: data, count: length))
    }

    /// Decodes `encoded` at its own size to 8-bit sRGB (alpha kept) and copies the pixels out,
    /// rows packed `width * bands` bytes apart: what a viewer of those bytes sees, for comparing
    /// an encode with its input.
    /// - Throws: `VipsError.decodeFailed` when the bytes do not decode.
    public static func pixels(
        decoding encoded: [UInt8]
    ) throws(VipsError) -> (pixels: [UInt8], width: Int, height: Int, bands: Int) {
        let image = try thumbnail(of: SourceBytes(encoded), ThumbnailRequest(width: nil, height: nil)).materialized()
        return (try image.copiedPixels(), image.width, image.frameHeight, image.bands)
    }

    /// Computes the pixels, lets `body` rewrite them in place, and returns an image of the result
    /// with this one's size, frames and animation timing.
    ///
    /// `body` gets every frame stacked top to bottom, rows packed `width * bands` bytes apart;
    /// the buffer is only valid during the call. A failure of `body` is the caller's to keep.
    public consuming func rewritingPixels(
        _ body: (_ pixels: UnsafeMutableRawBufferPointer) -> Void
    ) throws(VipsError) -> Image {
        var pixels = try copiedPixels()
        pixels.withUnsafeMutableBytes { body($0) }
        return try transformed { input, out in
            pixels.withUnsafeBytes { imgedge_vips_image_from_pixels(input, $0.baseAddress, $0.count, &out) }
        }
    }
}
