import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ImageTestSupport
import NIOCore
import Testing
import Vips

@testable import ImgEdge

@Suite("format=json and format=thumbhash through the live server")
struct MetadataRoutesTests {
    private struct Metadata: Decodable {
        let width: Int
        let height: Int
        let format: String
        let frames: Int
        let hasAlpha: Bool
        let orientation: Int
        let dominantColor: String?
        let thumbhash: String
    }

    @Test(
        "the metadata of sources as shown: size after EXIF, format, frames, alpha, orientation",
        arguments: [
            ("landscape.jpg", 1280, 720, "jpeg", 1, false, 1), ("exif-orientation-6.jpg", 600, 400, "jpeg", 1, false, 6),
            ("animated.gif", 300, 200, "gif", 5, false, 1), ("alpha.png", 0, 0, "png", 1, true, 1),
        ])
    func metadata(
        file: String, width: Int, height: Int, format: String, frames: Int, hasAlpha: Bool, orientation: Int
    ) async throws {
        try await withServer { client in
            let response = try await client.get("/\(file)?format=json")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.headers[.xVariant] == "json")
            #expect(response.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(response.headers[.vary] == nil)
            let metadata = try JSONDecoder().decode(Metadata.self, from: Data(response.body.readableBytesView))
            let expected = try Pixels(decoding: Array(try await client.get("/\(file)?format=png").body.readableBytesView))
            #expect((metadata.width, metadata.height) == (width == 0 ? (expected.width, expected.height) : (width, height)))
            #expect(
                (metadata.format, metadata.frames, metadata.hasAlpha, metadata.orientation) == (
                    format, frames, hasAlpha, orientation
                ))
            #expect(metadata.dominantColor?.wholeMatch(of: /#[0-9a-f]{6}/) != nil)
            let thumbHash = try await client.get("/\(file)?format=thumbhash")
            #expect(thumbHash.headers[.contentType] == "application/octet-stream")
            #expect((5...25).contains(thumbHash.body.readableBytes))
            #expect(Data(base64Encoded: metadata.thumbhash) == Data(thumbHash.body.readableBytesView))
        }
    }

    @Test("the dominant colour of a picture mostly one colour is that colour")
    func dominantColor() async throws {
        try await withServer { client in
            let framed = try await client.get("/landscape.jpg?w=20&pad=60&bg=00ff00&format=png")
            let answer = try await client.execute(uri: "/resize?format=json", method: .post, body: framed.body) { $0 }
            let metadata = try JSONDecoder().decode(Metadata.self, from: Data(answer.body.readableBytesView))
            #expect(metadata.dominantColor == "#00ff00")
            #expect((metadata.width, metadata.height) == (140, 131))
        }
    }

    @Test("the answers are cached and tagged like images: a hit, then a 304")
    func cachedAndTagged() async throws {
        try await withServer { client in
            let first = try await client.get("/portrait.jpg?format=json")
            let again = try await client.get("/portrait.jpg?format=json")
            #expect(again.headers[.xCache] == "HIT-MEMORY")
            #expect(again.body == first.body)
            let tag = try #require(first.headers[.eTag])
            #expect(try await client.get("/portrait.jpg?format=json", [.ifNoneMatch: tag]).status == .notModified)
            let thumbHash = try await client.get("/portrait.jpg?format=thumbhash")
            #expect(thumbHash.headers[.eTag] != tag)
        }
    }
}
