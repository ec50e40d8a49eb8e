import ImageTestSupport
import Testing

@testable import Vips

/// A middling effort in each encoder's own range, as the service would pass.
private func effort(_ format: ImageFormat) -> Int {
    switch format {
    case .jpeg, .png: 0
    case .webp: 4
    case .avif: 2
    case .gif: 7
    case .jxl: 4
    }
}

/// `image` encoded as `format` at `quality`.
private func encode(_ image: borrowing Image, as format: ImageFormat, quality: Int = 75) throws -> [UInt8] {
    try image.encoded(as: format, quality: quality, effort: effort(format))
}

/// Whether `bytes` start like a `format` file.
private func hasMagic(_ bytes: [UInt8], of format: ImageFormat) -> Bool {
    func at(_ offset: Int, _ prefix: [UInt8]) -> Bool {
        bytes.count >= offset + prefix.count && Array(bytes[offset..<offset + prefix.count]) == prefix
    }
    switch format {
    case .jpeg: return at(0, [0xFF, 0xD8, 0xFF])
    case .png: return at(0, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    case .webp: return at(0, Array("RIFF".utf8)) && at(8, Array("WEBP".utf8))
    case .avif: return at(4, Array("ftypavif".utf8))
    case .gif: return at(0, Array("GIF89a".utf8)) || at(0, Array("GIF87a".utf8))
    case .jxl: return at(0, [0xFF, 0x0A]) || at(0, [0, 0, 0, 0x0C] + Array("JXL ".utf8) + [0x0D, 0x0A, 0x87, 0x0A])
    }
}

/// Whether `pattern` occurs anywhere in `bytes`.
private func contains(_ bytes: [UInt8], _ pattern: String) -> Bool {
    let pattern = Array(pattern.utf8)
    guard bytes.count >= pattern.count else { return false }
    return (0...bytes.count - pattern.count).contains { bytes[$0..<$0 + pattern.count].elementsEqual(pattern) }
}

/// The loader libvips names for each format it can read back.
private let loaders: [ImageFormat: String] = [
    .jpeg: "jpegload_buffer", .png: "pngload_buffer", .webp: "webpload_buffer",
    .avif: "heifload_buffer", .gif: "gifload_buffer",
]

@Suite("Image encoding")
struct EncodingTests {
    @Test("every format encodes a file of that format and the thumbnail's size", arguments: ImageFormat.allCases)
    func roundTrip(format: ImageFormat) throws {
        let image = try thumbnail("landscape.jpg", ThumbnailRequest(width: 200, height: nil))
        let (width, height) = (image.width, image.frameHeight)
        #expect(width == 200)
        let bytes = try encode(image, as: format)
        #expect(hasMagic(bytes, of: format))
        if let loader = loaders[format] {
            let header = try ImageHeader(reading: SourceBytes(bytes))
            #expect((header.width, header.height, header.frames) == (width, height, 1))
            #expect(header.loader == loader)
        } else {
            // libvips blocks its JPEG XL loader as untrusted, so read the size from the codestream.
            let size = try #require(JXLSize(bytes))
            #expect((size.width, size.height) == (width, height))
        }
    }

    @Test(
        "every readable format decodes back to the picture that was encoded",
        arguments: ImageFormat.allCases.filter { loaders[$0] != nil })
    func samePicture(format: ImageFormat) throws {
        // Materialized: a lazy JPEG thumbnail reads its source sequentially, so it encodes once only.
        let image = try thumbnail("landscape.jpg", ThumbnailRequest(width: 200, height: nil)).materialized()
        let original = try pixels(image)
        let decoded = try Pixels(decoding: encode(image, as: format, quality: 90))
        // PNG is exact; the lossy codecs and GIF's 256-colour palette cost a few levels.
        #expect(decoded.meanAbsoluteDifference(from: original) < (format == .png ? 0.001 : 6))
    }

    @Test(
        "quality is passed to the lossy encoders: a lower quality gives fewer bytes",
        arguments: [ImageFormat.jpeg, .webp, .avif, .jxl])
    func quality(format: ImageFormat) throws {
        let image = try thumbnail("landscape.jpg", ThumbnailRequest(width: 320, height: nil)).materialized()
        let low = try encode(image, as: format, quality: 30)
        let high = try encode(image, as: format, quality: 90)
        #expect(low.count < high.count)
    }

    @Test("alpha survives the formats that carry it", arguments: [ImageFormat.png, .webp, .avif])
    func alpha(format: ImageFormat) throws {
        let image = try thumbnail("alpha.png", ThumbnailRequest(width: 200, height: nil))
        let header = try ImageHeader(reading: SourceBytes(encode(image, as: format)))
        #expect(header.hasAlpha == true)
    }

    @Test("every format strips metadata: the source's EXIF block is gone", arguments: ImageFormat.allCases)
    func stripped(format: ImageFormat) throws {
        let source = try TestImages.load("large-20mp.jpg")
        let sourceBytes = source.withUnsafeBytes { Array($0) }
        let sourceHasExif = contains(sourceBytes, "Exif")
        #expect(sourceHasExif, "the source must carry EXIF for this test to mean anything")
        let image = try Image.thumbnail(of: source, ThumbnailRequest(width: 320, height: nil))
        let bytes = try encode(image, as: format)
        // libvips 8.14's webpsave ignores `strip` (libvips issue #3340); the shim removes the chunks.
        let found = ["Exif", "EXIF", "eXIf", "ICCP", "http://ns.adobe.com/xap/"].filter { contains(bytes, $0) }
        #expect(found.isEmpty)
    }

    @Test("an EXIF-rotated source encodes upright with no orientation left to apply")
    func orientationStripped() throws {
        let image = try thumbnail("exif-orientation-6.jpg", ThumbnailRequest(width: 300, height: nil))
        let header = try ImageHeader(reading: SourceBytes(encode(image, as: .jpeg)))
        #expect(header.orientation == 1)
        #expect((header.width, header.height) == (300, 200))
    }

    @Test(
        "encoding is deterministic: two decodes of one source encode to identical bytes",
        arguments: ImageFormat.allCases)
    func deterministic(format: ImageFormat) throws {
        let request = ThumbnailRequest(width: 240, height: 240, crop: .attention)
        let first = try encode(thumbnail("landscape.jpg", request), as: format)
        let second = try encode(thumbnail("landscape.jpg", request), as: format)
        #expect(first == second)
    }

    @Test("animated encoding is deterministic too", arguments: [ImageFormat.gif, .webp])
    func animatedDeterministic(format: ImageFormat) throws {
        let request = ThumbnailRequest(width: 150, height: nil, frames: 5)
        let first = try encode(thumbnail("animated.gif", request), as: format)
        let second = try encode(thumbnail("animated.gif", request), as: format)
        #expect(first == second)
    }
}

/// The image size in a bare JPEG XL codestream's `SizeHeader` (ISO/IEC 18181-1, A.3.1), read
/// without libvips, whose JPEG XL loader is blocked.
struct JXLSize {
    let width: Int
    let height: Int

    /// Reads the size, or nil when `bytes` are not a bare codestream (`FF 0A`).
    init?(_ bytes: [UInt8]) {
        guard bytes.count >= 12, bytes[0] == 0xFF, bytes[1] == 0x0A else { return nil }
        var position = 16  // bits, least significant first, after the signature
        func bits(_ count: Int) -> Int {
            var value = 0
            for index in 0..<count {
                let bit = Int(bytes[(position + index) / 8] >> ((position + index) % 8)) & 1
                value |= bit << index
            }
            position += count
            return value
        }
        func dimension(small: Bool) -> Int {
            if small { return (1 + bits(5)) * 8 }
            return 1 + bits([9, 13, 18, 30][bits(2)])
        }
        let small = bits(1) == 1
        height = dimension(small: small)
        let ratios = [(1, 1), (12, 10), (4, 3), (3, 2), (16, 9), (5, 4), (2, 1)]
        let ratio = bits(3)
        if ratio == 0 {
            width = dimension(small: small)
        } else {
            let (numerator, denominator) = ratios[ratio - 1]
            width = height * numerator / denominator
        }
    }
}
