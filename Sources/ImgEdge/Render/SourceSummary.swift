import Foundation
import Vips

/// What `format=json` and `format=thumbhash` answer about a source: its header, and what a
/// decode at most 100 px a side (libvips' shrink-on-load keeps it cheap) shows of its pixels.
struct SourceSummary {
    /// The source's header: size after EXIF orientation, frames, alpha, orientation, loader.
    let header: ImageHeader
    /// The most common colour, `#rrggbb`: the mean of the pixels in the fullest of 4,096 bins
    /// (4 bits a channel), pixels under half opacity left out; nil when every pixel is.
    let dominantColor: String?
    /// The ThumbHash of the small decode.
    let thumbHash: [UInt8]

    /// The longest side of the decode the pixels are read from: ThumbHash's limit.
    static let decodedSide = 100

    init(_ source: any OpenedSource, budget: EvaluationBudget) throws(VipsError) {
        header = source.header
        let request = ThumbnailRequest(width: Self.decodedSide, height: Self.decodedSide)
        let small = try source.thumbnail(request, budget: budget).materialized()
        let (width, height, bands) = (small.width, small.frameHeight, small.bands)
        let rgba = Self.rgba(try small.copiedPixels(), bands: bands)
        thumbHash = ThumbHash.hash(width: width, height: height, rgba: rgba)
        dominantColor = Self.dominantColor(rgba)
    }

    /// The metadata as a JSON object with sorted keys: `width`, `height`, `format`, `frames`,
    /// `hasAlpha`, `orientation`, `dominantColor`, `thumbhash` (base64).
    var json: [UInt8] {
        struct Metadata: Encodable {
            let width: Int
            let height: Int
            let format: String
            let frames: Int
            let hasAlpha: Bool
            let orientation: Int
            let dominantColor: String?
            let thumbhash: String
        }
        let metadata = Metadata(
            width: header.width, height: header.height, format: header.loader.replacingOccurrences(of: "load_buffer", with: ""),
            frames: header.frames, hasAlpha: header.hasAlpha, orientation: header.orientation, dominantColor: dominantColor,
            thumbhash: Data(thumbHash).base64EncodedString())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding strings, numbers and booleans cannot fail.
        return Array((try? encoder.encode(metadata)) ?? Data())
    }

    /// `pixels` of 3 or 4 bands as 4, alpha 255 where there was none.
    private static func rgba(_ pixels: [UInt8], bands: Int) -> [UInt8] {
        guard bands == 3 else { return pixels }
        var rgba: [UInt8] = []
        rgba.reserveCapacity(pixels.count / 3 * 4)
        for start in stride(from: 0, to: pixels.count, by: 3) {
            rgba += [pixels[start], pixels[start + 1], pixels[start + 2], 255]
        }
        return rgba
    }

    private static func dominantColor(_ rgba: [UInt8]) -> String? {
        var counts = [Int](repeating: 0, count: 4096)
        var sums = [(red: Int, green: Int, blue: Int)](repeating: (0, 0, 0), count: 4096)
        for start in stride(from: 0, to: rgba.count, by: 4) where rgba[start + 3] >= 128 {
            let (red, green, blue) = (Int(rgba[start]), Int(rgba[start + 1]), Int(rgba[start + 2]))
            let bin = (red >> 4) << 8 | (green >> 4) << 4 | blue >> 4
            counts[bin] += 1
            sums[bin] = (sums[bin].red + red, sums[bin].green + green, sums[bin].blue + blue)
        }
        guard let fullest = counts.indices.max(by: { counts[$0] < counts[$1] }), counts[fullest] > 0 else { return nil }
        let (count, sum) = (counts[fullest], sums[fullest])
        return "#" + [sum.red, sum.green, sum.blue].map { String(format: "%02x", ($0 + count / 2) / count) }.joined()
    }
}
