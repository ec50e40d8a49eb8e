import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import Vips

@testable import ImgEdge

@Suite("The original's own bytes, when a render would be larger and change nothing")
struct OriginalIfSmallerTests {
    private static func file(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: "\(testImagesDirectory)/\(name)")))
    }

    @Test("a render at the source's size that would be larger is answered with the original, under a tag of its own")
    func servedWhenLarger() async throws {
        let original = try Self.file("low-quality.jpg")
        try await withServer { client in
            let response = try await client.get("/low-quality.jpg?format=jpeg")
            #expect(response.status == .ok)
            #expect(Array(response.body.readableBytesView) == original)
            #expect(response.headers[.contentType] == "image/jpeg")
            #expect(response.headers[.xVariant] == "jpeg")
            let other = try await client.get("/low-quality.jpg?format=jpeg&w=320")  // another URL, the same original
            #expect(Array(other.body.readableBytesView) == original)
            #expect(other.headers[.eTag] == response.headers[.eTag])
            let palette = try Self.file("palette-16.png")
            let paletteResponse = try await client.get("/palette-16.png?format=png")
            #expect(Array(paletteResponse.body.readableBytesView) == palette)
        }
    }

    @Test(
        "a URL with q gets the quality it asks for, never the original, however large the render",
        arguments: [
            "/low-quality.jpg?q=100", "/low-quality.jpg?q=95", "/low-quality.jpg?format=jpeg&q=100",
            "/palette-16.png?format=png&q=100",
        ])
    func neverWithQuality(uri: String) async throws {
        let original = try Self.file(uri.contains("png") ? "palette-16.png" : "low-quality.jpg")
        try await withServer { client in
            let response = try await client.get(uri)
            #expect(response.status == .ok)
            #expect(Array(response.body.readableBytesView) != original)
            #expect(response.body.readableBytes > original.count)
        }
    }

    @Test(
        "an original with a GPS position, XMP, comments or text is never served with them",
        arguments: [
            "", "?q=100", "?q=95", "?format=jpeg&q=100", "?format=jpeg", "?format=png", "?format=png&q=100", "?format=webp&q=100",
        ])
    func privateMetadataNeverLeaves(query: String) async throws {
        let cleanJPEG = try Self.file("low-quality.jpg")
        let cleanPNG = try Self.file("palette-16.png")
        try await withOriginDirectory { origin in
            try Data(PrivateMetadataSamples.jpeg(addingTo: cleanJPEG)).write(to: origin.appendingPathComponent("gps.jpg"))
            try Data(PrivateMetadataSamples.png(addingTo: cleanPNG)).write(to: origin.appendingPathComponent("text.png"))
            try await withServer(testConfiguration { $0.origin = origin.path }) { client in
                for (name, clean) in [("gps.jpg", cleanJPEG), ("text.png", cleanPNG)] {
                    let response = try await client.get("/\(name)\(query)")
                    #expect(response.status == .ok)
                    let body = Array(response.body.readableBytesView)
                    for marker in PrivateMetadataSamples.markers {
                        #expect(!body.containsBytes(marker), "\(name)\(query) leaks \(marker.count) bytes of metadata")
                    }
                    // Without q, in the original's own format, the render is larger: the clean original it is.
                    // (Without a format, the opaque PNG goes out as a smaller JPEG.)
                    let ownFormat = name == "gps.jpg" ? ["", "?format=jpeg"].contains(query) : query == "?format=png"
                    #expect((body == clean) == ownFormat, "\(name)\(query)")
                }
            }
        }
    }

    @Test(
        "a WebP original goes, without its EXIF chunk, to a client that named WebP, never to one that did not",
        arguments: [
            (BrowserAccept.chromium, true), (BrowserAccept.safari13, false),
        ])
    func onlyInAFormatTheClientTakes(accept: String, servesOriginal: Bool) async throws {
        let original = try Self.file("landscape.webp")
        let withoutExif = try #require(original.withUnsafeBytes { PrivateMetadata.removed(from: $0, format: .webp) })
        try await withServer { client in
            let response = try await client.get("/landscape.webp", [.accept: accept])
            #expect(response.status == .ok)
            #expect((Array(response.body.readableBytesView) == withoutExif) == servesOriginal)
            #expect((response.headers[.contentType] == "image/webp") == servesOriginal)
            #expect(!Array(response.body.readableBytesView).containsBytes(Array("EXIF".utf8)))
        }
    }

    @Test(
        "a resize, a turn, a filter or padding render as asked",
        arguments: [
            "/low-quality.jpg?format=jpeg&w=319", "/low-quality.jpg?format=jpeg&rotate=180",
            "/low-quality.jpg?format=jpeg&filter=sepia", "/low-quality.jpg?format=jpeg&pad=1",
        ])
    func renderedOtherwise(uri: String) async throws {
        let original = try Self.file("low-quality.jpg")
        try await withServer { client in
            let response = try await client.get(uri)
            #expect(response.status == .ok)
            #expect(Array(response.body.readableBytesView) != original)
        }
    }

    @Test("with --serve-original-if-smaller false, the larger render is served")
    func settingOff() async throws {
        let original = try Self.file("low-quality.jpg")
        try await withServer(testConfiguration { $0.encoding.servesOriginalIfSmaller = false }) { client in
            let response = try await client.get("/low-quality.jpg?format=jpeg")
            #expect(response.body.readableBytes > original.count)
        }
    }

    @Test("If-None-Match with the original's tag answers 304")
    func notModified() async throws {
        try await withServer { client in
            let first = try await client.get("/low-quality.jpg?format=jpeg")
            let tag = try #require(first.headers[.eTag])
            let again = try await client.get("/low-quality.jpg?format=jpeg&w=320", [.ifNoneMatch: tag])
            #expect(again.status == .notModified)
        }
    }
}
