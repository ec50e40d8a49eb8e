import Testing

@testable import ImgEdge

@Suite("ThumbHash encoding, against the reference encoder's bytes")
struct ThumbHashTests {
    @Test("a synthetic image hashes to the bytes the reference JavaScript encoder gives", arguments: ReferenceVector.all)
    func matchesReference(_ vector: ReferenceVector) {
        #expect(ThumbHash.hash(width: vector.width, height: vector.height, rgba: vector.rgba()) == vector.expected)
    }

    /// A flat, non-black plane's AC terms are sums of cosines that cancel to within rounding, which
    /// the encoder scales up to 0...1 like any others: their nibbles are the rounding noise of the
    /// platform's `cos` (Node's fdlibm and glibc differ by an ulp here and there), and decoders
    /// multiply them by the header's zero scales. So only the header and the length are compared.
    @Test("a uniform colour gives the reference's header and length; its AC nibbles are cosine rounding noise")
    func uniformColour() {
        let vector = ReferenceVector(
            testDescription: "a uniform 20×10 colour",
            width: 20, height: 10,
            pixel: { _, _ in [200, 100, 50, 255] },
            expected: [
                0x1D, 0xCB, 0x02, 0x04, 0x80, 0x78, 0x0B, 0x4B, 0x6A, 0x88, 0x87, 0x83, 0x87, 0x79, 0x8F, 0x9D,
                0x87, 0x70, 0x88,
            ]
        )
        let hash = ThumbHash.hash(width: vector.width, height: vector.height, rgba: vector.rgba())
        #expect(hash.count == vector.expected.count)
        #expect(hash.prefix(5) == vector.expected.prefix(5))
    }
}

/// An image drawn by an integer-only formula, and the hash Evan Wallace's `rgbaToThumbHash`
/// (github.com/evanw/thumbhash, `js/thumbhash.js`) gives for it under Node 20, run on the same
/// formula; integers keep the pixels identical in both languages.
struct ReferenceVector: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let width: Int
    let height: Int
    /// Red, green, blue and alpha, each 0 to 255, of the pixel at column x, row y.
    let pixel: @Sendable (_ x: Int, _ y: Int) -> [Int]
    let expected: [UInt8]

    /// The pixels row by row, 4 bytes each.
    func rgba() -> [UInt8] {
        var bytes: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                bytes += pixel(x, y).map { UInt8($0) }
            }
        }
        return bytes
    }

    static let all: [ReferenceVector] = [
        ReferenceVector(
            testDescription: "an opaque 32×32 gradient",
            width: 32, height: 32,
            pixel: { x, y in [x * 8, y * 8, 128, 255] },
            expected: [
                0xDF, 0x07, 0x0A, 0x37, 0x1A, 0x70, 0x77, 0x87, 0x80, 0x78, 0x88, 0x87, 0x88, 0x78, 0x88, 0x78,
                0x88, 0x87, 0x08, 0x07, 0x87, 0x70, 0x8F, 0x08,
            ]
        ),
        ReferenceVector(
            testDescription: "an opaque 100×75 landscape: sky, a sun, textured ground",
            width: 100, height: 75,
            pixel: { x, y in
                let isSun = (x - 70) * (x - 70) + (y - 20) * (y - 20) < 144
                let isGround = y > 50
                if isSun { return [250, 220, 120, 255] }
                if isGround { return [60 + x / 4, 120 + (x * 7 + y * 3) % 40, 40 + (x * y) % 25, 255] }
                return [90 + y / 2, 140 + y / 3, 230 - y, 255]
            },
            expected: [
                0x21, 0xA7, 0x09, 0x4D, 0x84, 0x77, 0x78, 0x88, 0x7F, 0x87, 0x87, 0x74, 0x78, 0x78, 0x88, 0x88,
                0x76, 0x70, 0x39, 0xF6, 0x37,
            ]
        ),
        ReferenceVector(
            testDescription: "an opaque 75×100 portrait with a checkerboard",
            width: 75, height: 100,
            pixel: { x, y in
                let isDarkSquare = (x / 5 + y / 5).isMultiple(of: 2)
                return [200 - y, 60 + (x ^ y) % 64, isDarkSquare ? 30 : 180, 255]
            },
            expected: [
                0x5D, 0x78, 0x06, 0x1D, 0x0A, 0x77, 0x78, 0x7F, 0x87, 0x77, 0x67, 0x89, 0x77, 0x88, 0x88, 0x77,
                0x77, 0x7F, 0x87, 0xF8, 0x88,
            ]
        ),
        ReferenceVector(
            testDescription: "a 64×48 image fading out to the right, with a transparent hole",
            width: 64, height: 48,
            pixel: { x, y in
                let isHole = (x - 40) * (x - 40) + (y - 24) * (y - 24) < 100
                let alpha = isHole ? 0 : x < 16 ? 255 : 255 - (x - 16) * 4
                return [255 - x * 3, 100 + y * 2, (x * y) % 256, alpha]
            },
            expected: [
                0xA4, 0x49, 0x86, 0x24, 0x8A, 0x3A, 0x8E, 0x67, 0x50, 0x77, 0x75, 0x58, 0xF7, 0x7C, 0x99, 0xAF,
                0x9C, 0xF7, 0x68, 0x87, 0x77, 0x98, 0x67, 0x87, 0x07,
            ]
        ),
        ReferenceVector(
            testDescription: "a uniform black 20×10 image, whose planes are all exactly zero",
            width: 20, height: 10,
            pixel: { _, _ in [0, 0, 0, 255] },
            expected: [
                0x00, 0x08, 0x02, 0x04, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00,
            ]
        ),
        ReferenceVector(
            testDescription: "a single opaque pixel",
            width: 1, height: 1,
            pixel: { _, _ in [10, 200, 30, 255] },
            expected: [
                0x54, 0x8A, 0x28, 0x9F, 0x5E, 0x08, 0xF7, 0x08, 0x88, 0x87, 0x88, 0x70, 0x8F, 0x70, 0x88, 0xF8,
                0x08, 0x88, 0x80, 0x80, 0x08, 0xF7, 0x87, 0x0F,
            ]
        ),
        ReferenceVector(
            testDescription: "a fully transparent 8×8 image, whose hidden colour does not count",
            width: 8, height: 8,
            pixel: { x, y in [x * 30, y * 30, 77, 0] },
            expected: [
                0x00, 0x08, 0x82, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            ]
        ),
    ]
}
