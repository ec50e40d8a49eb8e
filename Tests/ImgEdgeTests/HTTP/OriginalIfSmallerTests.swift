import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ImgEdge

@Suite("The original's own bytes, when a render would be larger and change nothing")
struct OriginalIfSmallerTests {
    private static func file(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: "\(testImagesDirectory)/\(name)")))
    }

    @Test("a render at the source's size that would be larger is answered with the original, under a tag of its own")
    func servedWhenLarger() async throws {
        let original = try Self.file("landscape.jpg")
        try await withServer { client in
            let response = try await client.get("/landscape.jpg?format=jpeg&q=100")
            #expect(response.status == .ok)
            #expect(Array(response.body.readableBytesView) == original)
            #expect(response.headers[.contentType] == "image/jpeg")
            #expect(response.headers[.xVariant] == "jpeg")
            let other = try await client.get("/landscape.jpg?format=jpeg&q=99&w=5000")  // another URL, the same original
            #expect(Array(other.body.readableBytesView) == original)
            #expect(other.headers[.eTag] == response.headers[.eTag])
            let rendered = try await client.get("/landscape.jpg?format=jpeg&q=50")
            #expect(rendered.body.readableBytes < original.count)
            #expect(rendered.headers[.eTag] != response.headers[.eTag])
        }
    }

    @Test("a WebP original goes to a client that named WebP, never to one that did not", arguments: [
        (BrowserAccept.chromium, true), (BrowserAccept.safari13, false),
    ])
    func onlyInAFormatTheClientTakes(accept: String, servesOriginal: Bool) async throws {
        let original = try Self.file("landscape.webp")
        try await withServer { client in
            let response = try await client.get("/landscape.webp?q=100", [.accept: accept])
            #expect(response.status == .ok)
            #expect((Array(response.body.readableBytesView) == original) == servesOriginal)
            #expect((response.headers[.contentType] == "image/webp") == servesOriginal)
        }
    }

    @Test("a resize, a turn, a filter or padding render as asked", arguments: [
        "/landscape.jpg?format=jpeg&q=100&w=1279", "/landscape.jpg?format=jpeg&q=100&rotate=180",
        "/landscape.jpg?format=jpeg&q=100&filter=sepia", "/landscape.jpg?format=jpeg&q=100&pad=1",
    ])
    func renderedOtherwise(uri: String) async throws {
        let original = try Self.file("landscape.jpg")
        try await withServer { client in
            let response = try await client.get(uri)
            #expect(response.status == .ok)
            #expect(Array(response.body.readableBytesView) != original)
        }
    }

    @Test("with --serve-original-if-smaller false, the larger render is served")
    func settingOff() async throws {
        let original = try Self.file("landscape.jpg")
        try await withServer(testConfiguration { $0.encoding.servesOriginalIfSmaller = false }) { client in
            let response = try await client.get("/landscape.jpg?format=jpeg&q=100")
            #expect(response.body.readableBytes > original.count)
        }
    }

    @Test("If-None-Match with the original's tag answers 304")
    func notModified() async throws {
        try await withServer { client in
            let first = try await client.get("/landscape.jpg?format=jpeg&q=100")
            let tag = try #require(first.headers[.eTag])
            let again = try await client.get("/landscape.jpg?format=jpeg&q=98", [.ifNoneMatch: tag])
            #expect(again.status == .notModified)
        }
    }
}
