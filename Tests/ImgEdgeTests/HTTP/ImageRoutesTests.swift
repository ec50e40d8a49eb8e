import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ImageTestSupport
import NIOCore
import Testing
import Vips

@testable import ImgEdge

@Suite("GET /<path> through the live server")
struct ImageRoutesTests {
    @Test("a resized image carries every caching header and decodes to the requested size")
    func resizedImageHeaders() async throws {
        try await withServer { client in
            let response = try await client.get("/landscape.jpg?w=400", [.accept: BrowserAccept.firefox])
            #expect(response.status == .ok)
            let image = try DecodedImage(response.body)
            #expect(image.format == .avif)
            #expect((image.header.width, image.header.height) == (400, 225))
            #expect(response.headers[.contentType] == "image/avif")
            #expect(response.headers[.contentLength] == String(response.body.readableBytes))
            #expect(response.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(response.headers[.vary] == "Accept, Save-Data")
            #expect(response.headers[.lastModified] != nil)
            let etag = try #require(response.headers[.eTag])
            #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && etag.count == 34)
            let timing = try #require(response.headers[HTTPField.Name("Server-Timing")!])
            for stage in ["fetch;dur=", "queue;dur=", "decode;dur=", "encode;dur="] {
                #expect(timing.contains(stage))
            }
        }
    }

    @Test(
        "every fit mode gives the size it promises",
        arguments: [
            ("/landscape.jpg?w=300", 300, 169),
            ("/landscape.jpg?h=90", 160, 90),
            ("/landscape.jpg?w=300&dpr=2", 600, 338),
            ("/landscape.jpg?w=300&h=300", 300, 169),
            ("/landscape.jpg?w=300&h=300&fit=inside", 300, 169),
            ("/landscape.jpg?w=300&h=300&fit=cover", 300, 300),
            ("/landscape.jpg?w=300&h=300&fit=cover&gravity=north", 300, 300),
            ("/landscape.jpg?w=300&h=300&fit=cover&gravity=attention", 300, 300),
            ("/landscape.jpg?w=300&h=300&fit=contain", 300, 300),
            ("/landscape.jpg?w=300&h=300&fit=fill", 300, 300),
            ("/landscape.jpg?w=300&h=300&fit=outside", 533, 300),
            ("/landscape.jpg?w=2000", 1280, 720),
            ("/landscape.jpg?w=2000&enlarge=1", 2000, 1125),
            ("/landscape.jpg?w=2000&h=2000&fit=cover", 1280, 720),
            ("/landscape.jpg?w=2000&h=2000&fit=cover&gravity=north", 1280, 720),
            ("/landscape.jpg?w=2000&h=2000&fit=cover&enlarge=1", 2000, 2000),
            ("/landscape.jpg?w=2000&h=2000&fit=contain", 2000, 2000),
            ("/portrait.jpg?w=200&h=200&fit=cover&gravity=south", 200, 200),
            ("/portrait.jpg?w=200&h=200&fit=outside", 200, 300),
            ("/tiny.png?w=50", 1, 1),
            ("/tiny.png?w=50&enlarge=1", 50, 50),
            ("/landscape.jpg", 1280, 720),
        ]
    )
    func geometry(uri: String, width: Int, height: Int) async throws {
        try await withServer { client in
            let response = try await client.get(uri + (uri.contains("?") ? "&" : "?") + "format=png")
            #expect(response.status == .ok)
            let image = try DecodedImage(response.body)
            #expect((image.header.width, image.header.height) == (width, height))
        }
    }

    @Test("every EXIF orientation is served upright: size, no tag left, and the picture's corners", arguments: 1...8)
    func orientation(orientation: Int) async throws {
        try await withServer { client in
            let upright = try await client.get("/exif-orientation-1.jpg?w=300&format=png")
            let response = try await client.get("/exif-orientation-\(orientation).jpg?w=300&format=png")
            let image = try DecodedImage(response.body)
            #expect((image.header.width, image.header.height) == (300, 200))
            #expect(image.header.orientation == 1)
            let expected = try Pixels(decoding: Array(upright.body.readableBytesView)).fingerprint()
            let served = try Pixels(decoding: Array(response.body.readableBytesView)).fingerprint()
            #expect(served.distance(to: expected) < 12)
            #expect(served.distance(to: expected.turnedHalfway) > 40, "the fingerprint must tell a turned picture apart")
        }
    }

    @Test("the same request twice gives the same bytes and ETag, also from a restarted server")
    func determinism() async throws {
        let first = try await withServer { client in
            try await client.get("/portrait.jpg?w=320&h=240&fit=cover", [.accept: BrowserAccept.firefox])
        }
        try await withServer { client in
            let again = try await client.get("/portrait.jpg?w=320&h=240&fit=cover", [.accept: BrowserAccept.firefox])
            let restarted = try await client.get("/portrait.jpg?w=320&h=240&fit=cover", [.accept: BrowserAccept.firefox])
            #expect(again.body == first.body)
            #expect(restarted.body == first.body)
            #expect(again.headers[.eTag] == first.headers[.eTag])
        }
    }

    @Test("different variants get different ETags")
    func distinctTags() async throws {
        try await withServer { client in
            let small = try await client.get("/landscape.jpg?w=100&format=webp")
            let large = try await client.get("/landscape.jpg?w=101&format=webp")
            let jpeg = try await client.get("/landscape.jpg?w=100&format=jpeg")
            let tags = Set([small, large, jpeg].compactMap { $0.headers[.eTag] })
            #expect(tags.count == 3)
        }
    }

    @Test("If-None-Match with the ETag answers 304 with the same ETag and Vary, and no body")
    func notModified() async throws {
        try await withServer { client in
            let first = try await client.get("/landscape.jpg?w=200", [.accept: BrowserAccept.firefox])
            let etag = try #require(first.headers[.eTag])
            let revalidated = try await client.get(
                "/landscape.jpg?w=200", [.accept: BrowserAccept.firefox, .ifNoneMatch: "\"other\", \(etag)"])
            #expect(revalidated.status == .notModified)
            #expect(revalidated.headers[.eTag] == etag)
            #expect(revalidated.headers[.vary] == "Accept, Save-Data")
            #expect(revalidated.body.readableBytes == 0)
            let stale = try await client.get("/landscape.jpg?w=200", [.accept: BrowserAccept.firefox, .ifNoneMatch: "\"other\""])
            #expect(stale.status == .ok)
        }
    }

    @Test("HEAD answers the GET's headers without a body")
    func head() async throws {
        try await withServer { client in
            let get = try await client.get("/landscape.jpg?w=200&format=webp")
            let head = try await client.execute(uri: "/landscape.jpg?w=200&format=webp", method: .head) { $0 }
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
            #expect(head.headers[.eTag] == get.headers[.eTag])
            #expect(head.headers[.contentType] == "image/webp")
            #expect(head.headers[.contentLength] == String(get.body.readableBytes))
        }
    }

    @Test("animated sources stay animated where the format can animate, and fall back to GIF")
    func animation() async throws {
        try await withServer { client in
            let webp = try DecodedImage(try await client.get("/animated.gif?w=150", [.accept: BrowserAccept.chromium]).body)
            #expect(webp.format == .webp)
            #expect(webp.header.frames == 5)
            #expect((webp.header.width, webp.header.height) == (150, 100))
            let gif = try DecodedImage(try await client.get("/animated.webp?w=150", [.accept: BrowserAccept.safari13]).body)
            #expect(gif.format == .gif)
            #expect(gif.header.frames == 5)
            let still = try DecodedImage(try await client.get("/animated.gif?w=150&format=jpeg").body)
            #expect(still.header.frames == 1)
        }
    }

    @Test("alpha is kept in formats that carry it and flattened for JPEG")
    func alpha() async throws {
        try await withServer { client in
            let png = try DecodedImage(try await client.get("/alpha.png?w=200", [.accept: BrowserAccept.safari13]).body)
            #expect(png.format == .png)
            #expect(png.header.hasAlpha)
            let jpeg = try DecodedImage(try await client.get("/alpha.png?w=200&format=jpeg&bg=ff0000").body)
            #expect(jpeg.format == .jpeg)
            #expect(!jpeg.header.hasAlpha)
        }
    }

    @Test(
        "every input format is read and every output format written",
        arguments: [
            "landscape.jpg", "landscape.png", "landscape.webp", "landscape.avif", "landscape.tiff",
            "landscape-progressive.jpg", "landscape-16bit.png", "grayscale.jpg", "cmyk.jpg",
        ],
        [ImageFormat.avif, .webp, .jpeg, .png, .gif]
    )
    func formats(source: String, format: ImageFormat) async throws {
        // TIFF is refused unless switched on (ErrorResponseTests); here it is on.
        try await withServer(testConfiguration { $0.limits.acceptsTIFF = true }) { client in
            let response = try await client.get("/\(source)?w=64&format=\(format.rawValue)")
            #expect(response.status == .ok)
            let image = try DecodedImage(response.body)
            #expect(image.format == format)
            #expect(image.header.width == 64)
        }
    }

    @Test("JPEG XL is served on explicit request")
    func jpegXL() async throws {
        try await withServer { client in
            let response = try await client.get("/landscape.jpg?w=64&format=jxl")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "image/jxl")
            #expect(Array(response.body.readableBytesView.prefix(2)) == [0xFF, 0x0A])
        }
    }

    @Test("/healthz answers 200")
    func health() async throws {
        try await withServer { client in
            let response = try await client.get("/healthz")
            #expect(response.status == .ok)
        }
    }
}
