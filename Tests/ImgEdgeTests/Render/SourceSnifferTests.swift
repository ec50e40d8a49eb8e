import Foundation
import Testing

@testable import ImgEdge

/// What `SourceSniffer` makes of `bytes`.
private func sniff(_ bytes: [UInt8]) -> SourceSniffer.Kind? {
    bytes.withUnsafeBytes(SourceSniffer.sniff)
}

/// Every file in `TestImages/` and the kind it must sniff as (nil: refused).
private let testImageKinds: [String: SourceSniffer.Kind?] = [
    "alpha.png": .png,
    "animated.gif": .gif,
    "animated.webp": .webp,
    "cmyk.jpg": .jpeg,
    "exif-orientation-1.jpg": .jpeg,
    "exif-orientation-2.jpg": .jpeg,
    "exif-orientation-3.jpg": .jpeg,
    "exif-orientation-4.jpg": .jpeg,
    "exif-orientation-5.jpg": .jpeg,
    "exif-orientation-6.jpg": .jpeg,
    "exif-orientation-7.jpg": .jpeg,
    "exif-orientation-8.jpg": .jpeg,
    "grayscale.jpg": .jpeg,
    "low-quality.jpg": .jpeg,
    "palette-16.png": .png,
    "screenshot-text.png": .png,
    "screenshot-ui.png": .png,
    "huge-dimensions.png": .png,
    "landscape-16bit.png": .png,
    "landscape-progressive.jpg": .jpeg,
    "landscape.avif": .heif,
    "landscape.jpg": .jpeg,
    "landscape.png": .png,
    "landscape.tiff": .tiff,
    "landscape.webp": .webp,
    "large-20mp.jpg": .jpeg,
    "portrait.jpg": .jpeg,
    "tiny.png": .png,
    "truncated.jpg": .jpeg,
    // Named .jpg, but plain text: the extension must not count.
    "not-an-image.jpg": nil,
    "landscape.qoi": nil,
    "SOURCES.md": nil,
    "derive.sh": nil,
]

/// A named byte string and the kind it must sniff as.
struct SniffCase: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let kind: SourceSniffer.Kind?

    init(_ name: String, _ bytes: [UInt8], _ kind: SourceSniffer.Kind?) {
        self.name = name
        self.bytes = bytes
        self.kind = kind
    }

    init(_ name: String, _ text: String, _ kind: SourceSniffer.Kind?) {
        self.init(name, Array(text.utf8), kind)
    }

    var testDescription: String { name }
}

/// An ISO BMFF `ftyp` box naming `brand`, as HEIF, AVIF and MP4 files start.
private func ftyp(_ brand: String) -> [UInt8] {
    [0, 0, 0, 0x1C] + Array("ftyp\(brand)".utf8) + [0, 0, 0, 0] + Array("mif1miaf".utf8)
}

@Suite("SourceSniffer")
struct SourceSnifferTests {
    @Test(
        "every test image sniffs as its real format, whatever its name says",
        arguments: testImageKinds.keys.sorted())
    func testImage(file: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(testImagesDirectory)/\(file)")))
        let expected = try #require(testImageKinds[file])
        #expect(sniff(bytes) == expected)
    }

    @Test("the table above names every file in TestImages")
    func everyTestImage() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: testImagesDirectory)
        #expect(Set(files) == Set(testImageKinds.keys))
    }

    @Test(
        "the magic bytes of each accepted format are enough",
        arguments: [
            SniffCase("JPEG", [0xFF, 0xD8, 0xFF, 0xE0], .jpeg),
            SniffCase("PNG", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], .png),
            SniffCase("GIF87a", "GIF87a", .gif),
            SniffCase("GIF89a", "GIF89a", .gif),
            SniffCase("WebP", Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WEBPVP8 ".utf8), .webp),
            SniffCase("little-endian TIFF", [0x49, 0x49, 0x2A, 0x00], .tiff),
            SniffCase("big-endian TIFF", [0x4D, 0x4D, 0x00, 0x2A], .tiff),
            SniffCase("AVIF", ftyp("avif"), .heif),
            SniffCase("AVIF sequence", ftyp("avis"), .heif),
            SniffCase("HEIC", ftyp("heic"), .heif),
            SniffCase("HEIX", ftyp("heix"), .heif),
            SniffCase("HEIC multi-view", ftyp("heim"), .heif),
            SniffCase("HEIC scalable", ftyp("heis"), .heif),
            SniffCase("HEIF image", ftyp("mif1"), .heif),
            SniffCase("HEIF sequence", ftyp("msf1"), .heif),
        ])
    func magic(example: SniffCase) {
        #expect(sniff(example.bytes) == example.kind)
    }

    @Test(
        "text, markup, documents, other formats and short prefixes are refused",
        arguments: [
            SniffCase("empty", [], nil),
            SniffCase("one byte", [0xFF], nil),
            SniffCase("two bytes of a JPEG", [0xFF, 0xD8], nil),
            SniffCase("three bytes of a GIF", "GIF", nil),
            SniffCase("seven bytes of a PNG", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A], nil),
            SniffCase("three bytes of a TIFF", [0x49, 0x49, 0x2A], nil),
            SniffCase("RIFF cut before WEBP", Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WEB".utf8), nil),
            SniffCase("text", "This is not an image.\n", nil),
            SniffCase("SVG", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>", nil),
            SniffCase("SVG with an XML declaration", "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>", nil),
            SniffCase("PDF", "%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n", nil),
            SniffCase("HTML", "<!DOCTYPE html><html><body><img src=x></body></html>", nil),
            SniffCase("lower-case HTML", "<html><head></head></html>", nil),
            SniffCase("JSON", "{\"error\": \"not found\"}", nil),
            SniffCase("WAV", Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WAVEfmt ".utf8), nil),
            SniffCase("BMP", [0x42, 0x4D, 0x3E, 0, 0, 0, 0, 0], nil),
            SniffCase("JPEG XL codestream", [0xFF, 0x0A, 0xFA, 0x7F], nil),
            SniffCase("JPEG XL container", [0, 0, 0, 0x0C] + Array("JXL ".utf8) + [0x0D, 0x0A, 0x87, 0x0A], nil),
            SniffCase("MP4", ftyp("isom"), nil),
            SniffCase("MP4 v2", ftyp("mp42"), nil),
            SniffCase("Photoshop", "8BPS\u{0}\u{1}", nil),
            SniffCase("gzip", [0x1F, 0x8B, 0x08, 0x00], nil),
        ])
    func refused(example: SniffCase) {
        #expect(sniff(example.bytes) == example.kind)
    }

    @Test("magic bytes must come first: a JPEG signature later in the data does not count")
    func notAtStart() {
        #expect(sniff([0x00, 0xFF, 0xD8, 0xFF, 0xE0]) == nil)
        #expect(sniff(Array(" GIF89a".utf8)) == nil)
    }
}
