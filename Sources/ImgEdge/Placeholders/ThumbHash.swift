#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ThumbHash encoder (Evan Wallace's format, https://evanw.github.io/thumbhash/): a blurred
/// placeholder for an image in at most 25 bytes, which clients decode while the image loads.
///
/// The bytes are the ones the reference JavaScript `rgbaToThumbHash` gives for the same pixels:
/// every value goes through the same double-precision steps in the same order, and rounds as
/// JavaScript's `Math.round` does. One exception: a flat, non-zero plane (a uniform colour or
/// alpha) has AC terms that are only rounding noise, which follows the platform's `cos` (Node's
/// fdlibm and glibc differ by an ulp at some angles); decoders scale them by zero, so the
/// placeholder looks the same.
///
/// Pure and synchronous; a 100×100 image costs about 400,000 multiply-adds, so call it on a
/// worker thread with an image already shrunk to fit.
enum ThumbHash {
    /// Encodes an image as ThumbHash bytes.
    /// - Parameters:
    ///   - width: pixels per row, 1 to 100.
    ///   - height: rows, 1 to 100.
    ///   - rgba: 8-bit red, green, blue, alpha per pixel, row by row, colour not premultiplied by
    ///     alpha: exactly `width * height * 4` bytes.
    /// - Returns: 5 header bytes, an alpha byte when any pixel is not opaque, then the AC terms
    ///   packed two per byte, low nibble first.
    static func hash(width: Int, height: Int, rgba: [UInt8]) -> [UInt8] {
        precondition(
            (1...100).contains(width) && (1...100).contains(height),
            "ThumbHash takes 1 to 100 pixels a side"
        )
        precondition(rgba.count == width * height * 4, "rgba must hold width × height pixels of 4 bytes")

        let average = AverageColor(rgba: rgba)
        let hasAlpha = average.opacity < Double(width * height)
        let planes = LPQAPlanes(rgba: rgba, compositedOnto: average)

        // Luminance gets up to 7 terms along the longer side (5 with alpha), in proportion along
        // the shorter; the header stores the shorter side's count.
        let lumaLimit = hasAlpha ? 5 : 7
        let longerSide = Double(max(width, height))
        let lumaX = max(1, roundHalfUp(Double(lumaLimit * width) / longerSide))
        let lumaY = max(1, roundHalfUp(Double(lumaLimit * height) / longerSide))
        let isLandscape = width > height

        let dct = CosineTransform(width: width, height: height)
        let l = dct.terms(of: planes.l, countX: max(3, lumaX), countY: max(3, lumaY))
        let p = dct.terms(of: planes.p, countX: 3, countY: 3)
        let q = dct.terms(of: planes.q, countX: 3, countY: 3)
        let a = hasAlpha ? dct.terms(of: planes.a, countX: 5, countY: 5) : nil

        let header24 =
            roundHalfUp(63 * l.dc)
            | (roundHalfUp(31.5 + 31.5 * p.dc) << 6)
            | (roundHalfUp(31.5 + 31.5 * q.dc) << 12)
            | (roundHalfUp(31 * l.scale) << 18)
            | (hasAlpha ? 1 << 23 : 0)
        let header16 =
            (isLandscape ? lumaY : lumaX)
            | (roundHalfUp(63 * p.scale) << 3)
            | (roundHalfUp(63 * q.scale) << 9)
            | (isLandscape ? 1 << 15 : 0)
        var bytes = [header24, header24 >> 8, header24 >> 16, header16, header16 >> 8].map {
            UInt8(truncatingIfNeeded: $0)
        }
        if let a {
            bytes.append(UInt8(roundHalfUp(15 * a.dc) | (roundHalfUp(15 * a.scale) << 4)))
        }

        let acTerms = l.ac + p.ac + q.ac + (a?.ac ?? [])
        for (index, term) in acTerms.enumerated() {
            let nibble = UInt8(roundHalfUp(15 * term))
            if index.isMultiple(of: 2) {
                bytes.append(nibble)
            } else {
                bytes[bytes.count - 1] |= nibble << 4
            }
        }
        return bytes
    }

    /// The mean colour weighted by alpha, each channel 0 to 1, and the sum of the alphas.
    ///
    /// Transparent pixels are composited onto this colour, so their hidden RGB cannot tint the
    /// placeholder. A fully transparent image averages to black.
    private struct AverageColor {
        var r = 0.0, g = 0.0, b = 0.0
        /// The sum of every pixel's alpha (0 to 1): the pixel count when all are opaque.
        var opacity = 0.0

        init(rgba: [UInt8]) {
            for pixel in stride(from: 0, to: rgba.count, by: 4) {
                let alpha = Double(rgba[pixel + 3]) / 255
                r += alpha / 255 * Double(rgba[pixel])
                g += alpha / 255 * Double(rgba[pixel + 1])
                b += alpha / 255 * Double(rgba[pixel + 2])
                opacity += alpha
            }
            if opacity > 0 {
                r /= opacity
                g /= opacity
                b /= opacity
            }
        }
    }

    /// The image as four planes of row-major values: luminance L (0 to 1), yellow–blue P and
    /// red–green Q (-1 to 1), after compositing onto the average colour, and alpha A (0 to 1).
    private struct LPQAPlanes {
        var l: [Double] = [], p: [Double] = [], q: [Double] = [], a: [Double] = []

        init(rgba: [UInt8], compositedOnto average: AverageColor) {
            for pixel in stride(from: 0, to: rgba.count, by: 4) {
                let alpha = Double(rgba[pixel + 3]) / 255
                let r = average.r * (1 - alpha) + alpha / 255 * Double(rgba[pixel])
                let g = average.g * (1 - alpha) + alpha / 255 * Double(rgba[pixel + 1])
                let b = average.b * (1 - alpha) + alpha / 255 * Double(rgba[pixel + 2])
                l.append((r + g + b) / 3)
                p.append((r + g) / 2 - b)
                q.append(r - g)
                a.append(alpha)
            }
        }
    }

    /// One plane's low-frequency DCT terms: the constant term, and the others normalised to 0...1
    /// around 0.5 by the largest magnitude among them, which is kept as the scale (all left at 0
    /// when that is 0).
    private struct ChannelTerms {
        var dc = 0.0
        var ac: [Double] = []
        var scale = 0.0
    }

    /// The 2-D DCT-II of a `width` × `height` plane, one term at a time.
    private struct CosineTransform {
        let width: Int
        let height: Int

        /// The terms of `plane` for up to `countX` × `countY` frequencies, keeping only the
        /// triangle `cx / countX + cy / countY < 1` (the low-frequency half), row by row of `cy`.
        func terms(of plane: [Double], countX: Int, countY: Int) -> ChannelTerms {
            var terms = ChannelTerms()
            for cy in 0..<countY {
                var cx = 0
                while cx * countY < countX * (countY - cy) {
                    let term = coefficient(of: plane, cx: cx, cy: cy)
                    if cx == 0 && cy == 0 {
                        terms.dc = term
                    } else {
                        terms.ac.append(term)
                        terms.scale = max(terms.scale, abs(term))
                    }
                    cx += 1
                }
            }
            if terms.scale > 0 {
                terms.ac = terms.ac.map { 0.5 + 0.5 / terms.scale * $0 }
            }
            return terms
        }

        /// The mean of the plane weighted by the cosines of frequency (`cx`, `cy`), summed row by
        /// row in one accumulator, as the reference sums it.
        private func coefficient(of plane: [Double], cx: Int, cy: Int) -> Double {
            let columnWeights = (0..<width).map { x in
                cos(Double.pi / Double(width) * Double(cx) * (Double(x) + 0.5))
            }
            var sum = 0.0
            for y in 0..<height {
                let rowWeight = cos(Double.pi / Double(height) * Double(cy) * (Double(y) + 0.5))
                for x in 0..<width {
                    sum += plane[x + y * width] * columnWeights[x] * rowWeight
                }
            }
            return sum / Double(width * height)
        }
    }

    /// The nearest integer, halves rounded up, as JavaScript's `Math.round` (Swift's `rounded()`
    /// sends negative halves away from zero instead).
    private static func roundHalfUp(_ value: Double) -> Int {
        let below = value.rounded(.down)
        return Int(value - below >= 0.5 ? below + 1 : below)
    }
}
