import Foundation
import ImageTestSupport
import Perceptual
import Testing

/// The committed table of image pairs (`Pairs/scores.tsv`, made by `Pairs/make_table.py`) and the PyPI
/// `ssimulacra2` package's score of each.
struct ScoreTable {
    /// One pair: the PNGs' names, their shared size and the package's score.
    struct Row: CustomTestStringConvertible, Sendable {
        let reference: String
        let distorted: String
        let width: Int
        let height: Int
        let score: Double

        var testDescription: String { "\(distorted) against \(reference)" }

        /// The reference's 8-bit sRGB pixels (grey expanded to RGB, as the package's `convert("RGB")` does).
        func referencePixels() throws -> (pixels: [UInt8], layout: PixelLayout) {
            try ScoreTable.pixels(file: reference, width: width, height: height)
        }

        /// The distorted image's 8-bit sRGB pixels.
        func distortedPixels() throws -> (pixels: [UInt8], layout: PixelLayout) {
            try ScoreTable.pixels(file: distorted, width: width, height: height)
        }
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Pairs")

    /// Every row of `scores.tsv`.
    static func rows() throws -> [Row] {
        let text = try String(contentsOf: directory.appendingPathComponent("scores.tsv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { line in
            let fields = line.split(separator: "\t").map(String.init)
            return Row(
                reference: fields[0], distorted: fields[1], width: Int(fields[2])!, height: Int(fields[3])!,
                score: Double(fields[4])!)
        }
    }

    /// The PNG `file` decoded by libvips, checked to be `width` × `height`.
    private static func pixels(file: String, width: Int, height: Int) throws -> (pixels: [UInt8], layout: PixelLayout) {
        let decoded = try Pixels(decoding: [UInt8](try Data(contentsOf: directory.appendingPathComponent(file))))
        guard decoded.width == width, decoded.height == height else { throw TableError.wrongSize(file) }
        return (decoded.samples, PixelLayout(width: width, height: height, bands: decoded.bands))
    }

    enum TableError: Error {
        /// The PNG's size is not the one the table gives.
        case wrongSize(String)
    }
}
