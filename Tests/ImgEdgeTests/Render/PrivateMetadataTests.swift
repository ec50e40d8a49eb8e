import Foundation
import Testing
import Vips

@testable import ImgEdge

@Suite("PrivateMetadata: an original without what a render strips, removed losslessly")
struct PrivateMetadataTests {
    private static func file(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: "\(testImagesDirectory)/\(name)")))
    }

    private static func removed(_ bytes: [UInt8], _ format: ImageFormat) -> [UInt8]? {
        bytes.withUnsafeBytes { PrivateMetadata.removed(from: $0, format: format) }
    }

    @Test("a JPEG's EXIF with GPS, XMP and comment segments are cut out, leaving the clean file byte for byte")
    func jpegSegments() throws {
        let clean = try Self.file("low-quality.jpg")
        let private_ = PrivateMetadataSamples.jpeg(addingTo: clean)
        #expect(private_.containsBytes(PrivateMetadataSamples.gpsLatitude))
        #expect(Self.removed(private_, .jpeg) == clean)
        #expect(Self.removed(private_ + Array("appended after EOI".utf8), .jpeg) == clean)
    }

    @Test(
        "clean JPEGs, baseline, progressive, grey and CMYK, come back as they are",
        arguments: [
            "low-quality.jpg", "landscape.jpg", "landscape-progressive.jpg", "grayscale.jpg", "cmyk.jpg",
        ])
    func cleanJPEG(name: String) throws {
        let clean = try Self.file(name)
        #expect(Self.removed(clean, .jpeg) == clean)
    }

    @Test("a JPEG with an EXIF block keeps its pixels: the result decodes to the same size")
    func jpegWithExifDecodes() throws {
        let original = try Self.file("large-20mp.jpg")
        let stripped = try #require(Self.removed(original, .jpeg))
        #expect(stripped.count < original.count)
        #expect(!stripped.containsBytes(Array("Exif\0\0".utf8)))
        let header = try ImageHeader(reading: SourceBytes(stripped))
        #expect((header.width, header.height) == (6028, 3391))
    }

    @Test("a JFIF header with a thumbnail, a truncated JPEG or an unknown marker is never served as it is")
    func jpegRefused() throws {
        let clean = try Self.file("low-quality.jpg")
        let jfifWithThumbnail: [UInt8] = [0xFF, 0xE0, 0, 19] + Array("JFIF\0".utf8) + [1, 1, 0, 0, 1, 0, 1, 1, 1, 0xFF, 0, 0]
        #expect(Self.removed(Array(clean[0..<2]) + jfifWithThumbnail + Array(clean[2...]), .jpeg) == nil)
        let truncated = try Self.file("truncated.jpg")
        #expect(Self.removed(truncated, .jpeg) == nil)
        #expect(Self.removed(Array(clean[0..<2]) + [0xFF, 0x02, 0, 2] + Array(clean[2...]), .jpeg) == nil)
        #expect(Self.removed(Array(clean.prefix(clean.count - 2)), .jpeg) == nil)
    }

    @Test("a PNG's text, eXIf and tIME chunks are cut out, leaving the clean file byte for byte")
    func pngChunks() throws {
        let clean = try Self.file("palette-16.png")
        let private_ = PrivateMetadataSamples.png(addingTo: clean)
        #expect(private_.containsBytes(Array(PrivateMetadataSamples.comment.utf8)))
        #expect(Self.removed(private_, .png) == clean)
        #expect(Self.removed(clean, .png) == clean)
        let alpha = try Self.file("alpha.png")
        #expect(Self.removed(alpha, .png) == alpha)
    }

    @Test("a PNG with an unknown critical chunk, or cut short, is never served as it is")
    func pngRefused() throws {
        let clean = try Self.file("palette-16.png")
        let unknownCritical: [UInt8] = [0, 0, 0, 0] + Array("ZZZZ".utf8) + [0, 0, 0, 0]
        #expect(Self.removed(Array(clean[0..<33]) + unknownCritical + Array(clean[33...]), .png) == nil)
        #expect(Self.removed(Array(clean.prefix(clean.count - 12)), .png) == nil)
    }

    @Test("a GIF's comment extensions are cut out; its frames, timing and looping stay")
    func gifComment() throws {
        let original = try Self.file("animated.gif")
        let stripped = try #require(Self.removed(original, .gif))
        let globalTableEnd = 13 + 3 << (Int(original[10] & 0x07) + 1)
        let comment: [UInt8] =
            [0x21, 0xFE, UInt8(PrivateMetadataSamples.comment.utf8.count)]
            + Array(PrivateMetadataSamples.comment.utf8) + [0]
        let commented = Array(original[0..<globalTableEnd]) + comment + Array(original[globalTableEnd...])
        #expect(Self.removed(commented, .gif) == stripped)
        #expect(stripped.containsBytes(Array("NETSCAPE2.0".utf8)))
        let header = try ImageHeader(reading: SourceBytes(stripped))
        #expect((header.width, header.frames) == (300, 5))
    }

    @Test(
        "a WebP's EXIF and XMP chunks are cut out, the RIFF size and the extended header's flags set to match",
        arguments: [
            "landscape.webp", "animated.webp",
        ])
    func webPChunks(name: String) throws {
        let original = try Self.file(name)
        let stripped = try #require(Self.removed(original, .webp))
        #expect(stripped.count == original.count - 8 - 186)
        #expect(!stripped.containsBytes(Array("EXIF".utf8)))
        #expect(Int(stripped[4]) | Int(stripped[5]) << 8 | Int(stripped[6]) << 16 | Int(stripped[7]) << 24 == stripped.count - 8)
        #expect(stripped[20] & 0x0C == 0)
        let header = try ImageHeader(reading: SourceBytes(stripped))
        let originalHeader = try ImageHeader(reading: SourceBytes(original))
        #expect(
            (header.width, header.height, header.frames) == (originalHeader.width, originalHeader.height, originalHeader.frames))
        #expect(Self.removed(stripped, .webp) == stripped)
    }
}
