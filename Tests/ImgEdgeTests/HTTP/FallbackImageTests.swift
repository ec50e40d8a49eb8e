import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import Vips

@testable import ImgEdge

@Suite("--fallback-image for missing originals")
struct FallbackImageTests {
    private static let configuration = testConfiguration { $0.fallbackImage = "\(testImagesDirectory)/portrait.jpg" }

    @Test("a missing original gets the fallback, resized as asked, with its 404 and a short Cache-Control")
    func servedFor404() async throws {
        try await withServer(Self.configuration) { client in
            let first = try await client.get("/no/such/photo.jpg?w=100&format=png")
            #expect(first.status == .notFound)
            #expect(first.headers[.contentType] == "image/png")
            #expect(first.headers[.cacheControl] == "public, max-age=60")
            let image = try DecodedImage(first.body)
            #expect((image.header.width, image.header.height) == (100, 150))
            let again = try await client.get("/other/missing.jpg?w=100&format=png")
            #expect(again.status == .notFound)
            #expect(again.headers[.xCache] == "HIT-MEMORY", "every missing path shares the fallback's variants")
            #expect(again.body == first.body)
            let present = try await client.get("/landscape.jpg?w=100&format=png")
            #expect(present.status == .ok)
            #expect(present.headers[.cacheControl] == "public, max-age=31536000, immutable")
        }
    }

    @Test("without one, a missing original is the usual one-line 404")
    func notConfigured() async throws {
        try await withServer { client in
            let response = try await client.get("/no/such/photo.jpg?w=100")
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "text/plain; charset=utf-8")
        }
    }

    @Test(
        "a fallback that is not an image, or not there, stops the server from starting",
        arguments: ["not-an-image.jpg", "absent.jpg"])
    func refusedAtStart(file: String) {
        #expect(throws: ConfigurationError.self) {
            _ = try buildApplication(configuration: testConfiguration { $0.fallbackImage = "\(testImagesDirectory)/\(file)" })
        }
    }
}
