import CVipsShim
import Vips

/// The decoded 8-bit pixels of an encoded image, for tests checking what an image looks like.
///
/// `Vips` has no pixel-reading API (the service never needs one), so this decodes through the
/// shim's own thumbnail call with an unbounded box (no resize, 8-bit sRGB, alpha kept) and
/// copies the result out with `vips_image_write_to_memory`. Feed it lossless PNG so the pixels
/// are exactly the encoder's input.
public struct Pixels: Sendable {
    public let width: Int
    public let height: Int
    /// 3 (RGB) or 4 (RGBA).
    public let bands: Int
    /// Row-major, interleaved samples.
    public let samples: [UInt8]

    public init(width: Int, height: Int, bands: Int, samples: [UInt8]) {
        precondition(samples.count == width * height * bands, "samples must fill the image")
        self.width = width
        self.height = height
        self.bands = bands
        self.samples = samples
    }

    /// Decodes `encoded`; for animated images, the first frame only.
    public init(decoding encoded: [UInt8]) throws {
        try Libvips.start()
        var options = imgedge_vips_thumbnail_options(
            width: VIPS_MAX_COORD, height: VIPS_MAX_COORD, size: VIPS_SIZE_DOWN, crop: VIPS_INTERESTING_NONE, frames: 1
        )
        var image: UnsafeMutablePointer<VipsImage>?
        let status = encoded.withUnsafeBytes { imgedge_vips_thumbnail($0.baseAddress, $0.count, &options, &image) }
        guard status == 0, let image else {
            throw PixelsError(text: String(cString: imgedge_vips_error_text()))
        }
        defer { imgedge_vips_unref(image) }
        guard vips_image_get_format(image) == VIPS_FORMAT_UCHAR else {
            throw PixelsError(text: "decoded image is not 8-bit")
        }
        var length = 0
        guard let memory = vips_image_write_to_memory(image, &length) else {
            throw PixelsError(text: String(cString: imgedge_vips_error_text()))
        }
        defer { g_free(memory) }
        self.init(
            width: Int(vips_image_get_width(image)),
            height: Int(vips_image_get_height(image)),
            bands: Int(vips_image_get_bands(image)),
            samples: Array(UnsafeRawBufferPointer(start: memory, count: length))
        )
    }

    /// The samples of the pixel at (`x`, `y`).
    public subscript(x: Int, y: Int) -> [UInt8] {
        let start = (y * width + x) * bands
        return Array(samples[start..<start + bands])
    }

    /// The part of the image in `x` x `y`.
    public func region(x: Range<Int>, y: Range<Int>) -> Pixels {
        var cut: [UInt8] = []
        cut.reserveCapacity(x.count * y.count * bands)
        for row in y {
            let start = (row * width + x.lowerBound) * bands
            cut += samples[start..<start + x.count * bands]
        }
        return Pixels(width: x.count, height: y.count, bands: bands, samples: cut)
    }

    /// The mean of each band over the pixels in `x` x `y` (the whole image by default).
    public func mean(x: Range<Int>? = nil, y: Range<Int>? = nil) -> [Double] {
        let x = x ?? 0..<width
        let y = y ?? 0..<height
        var sums = [Double](repeating: 0, count: bands)
        for row in y {
            for column in x {
                for (band, sample) in self[column, row].enumerated() {
                    sums[band] += Double(sample)
                }
            }
        }
        return sums.map { $0 / Double(x.count * y.count) }
    }

    /// The mean absolute difference per sample from `other`, 0–255; the images must be the
    /// same size and bands.
    public func meanAbsoluteDifference(from other: Pixels) -> Double {
        precondition(width == other.width && height == other.height && bands == other.bands, "images must match")
        let total = zip(samples, other.samples).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
        return Double(total) / Double(samples.count)
    }

    /// A perceptual fingerprint: the mean colour of each cell of a `cells` x `cells` grid.
    /// Two renderings of the same picture have close fingerprints whatever their exact size or
    /// encoder noise; a turned or mirrored picture does not.
    public func fingerprint(cells: Int = 6) -> Fingerprint {
        var means: [[Double]] = []
        for row in 0..<cells {
            for column in 0..<cells {
                let x = column * width / cells..<(column + 1) * width / cells
                let y = row * height / cells..<(row + 1) * height / cells
                means.append(Array(mean(x: x, y: y).prefix(3)))
            }
        }
        return Fingerprint(cells: cells, means: means)
    }
}

/// Mean RGB of each cell of a square grid over an image, row by row (see `Pixels.fingerprint`).
public struct Fingerprint: Sendable {
    public let cells: Int
    public let means: [[Double]]

    /// The largest difference of one cell's mean in one band, 0–255.
    public func distance(to other: Fingerprint) -> Double {
        precondition(cells == other.cells, "fingerprints must have the same grid")
        return zip(means, other.means).map { zip($0, $1).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
    }

    /// The fingerprint of the picture mirrored left to right.
    public var mirroredHorizontally: Fingerprint {
        mapped { column, row in (cells - 1 - column, row) }
    }

    /// The fingerprint of the picture mirrored top to bottom.
    public var mirroredVertically: Fingerprint {
        mapped { column, row in (column, cells - 1 - row) }
    }

    /// The fingerprint of the picture turned a quarter turn clockwise.
    public var turnedClockwise: Fingerprint {
        mapped { column, row in (row, cells - 1 - column) }
    }

    /// The fingerprint of the picture turned half a turn.
    public var turnedHalfway: Fingerprint {
        mapped { column, row in (cells - 1 - column, cells - 1 - row) }
    }

    /// The cell at (column, row) takes the mean of the cell `source` names.
    private func mapped(_ source: (Int, Int) -> (Int, Int)) -> Fingerprint {
        var result: [[Double]] = []
        for row in 0..<cells {
            for column in 0..<cells {
                let (x, y) = source(column, row)
                result.append(means[y * cells + x])
            }
        }
        return Fingerprint(cells: cells, means: result)
    }
}

/// libvips could not decode pixels for a test.
public struct PixelsError: Error, CustomStringConvertible {
    let text: String
    public var description: String { "cannot decode pixels: \(text)" }
}
