import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ImageTestSupport
import NIOCore
import Testing
import Vips

@testable import ImgEdge

@Suite("format=lqip through the live server")
struct PlaceholderRoutesTests {
    /// The mean absolute difference between horizontally neighbouring samples: lower is smoother.
    private static func roughness(_ image: Pixels) -> Double {
        var total = 0.0
        var count = 0
        for y in 0..<image.height {
            for x in 1..<image.width {
                for band in 0..<3 {
                    total += abs(Double(image[x, y][band]) - Double(image[x - 1, y][band]))
                    count += 1
                }
            }
        }
        return total / Double(count)
    }

    @Test(
        "a placeholder is at most 32 px a side, in WebP where the client takes it, else JPEG",
        arguments: [
            (BrowserAccept.chromium, "image/webp"), (BrowserAccept.firefox, "image/webp"), (BrowserAccept.safari13, "image/jpeg"),
        ])
    func sizeAndFormat(accept: String, contentType: String) async throws {
        try await withServer { client in
            let response = try await client.get("/landscape.jpg?format=lqip", [.accept: accept])
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == contentType)
            #expect(response.body.readableBytes < 1500)
            let image = try DecodedImage(response.body)
            #expect((image.header.width, image.header.height) == (32, 18))
        }
    }

    @Test("it keeps the aspect of the box it stands in for, is blurred, and is a still")
    func aspectBlurStill() async throws {
        try await withServer { client in
            let cover = try DecodedImage(try await client.get("/landscape.jpg?w=400&h=300&fit=cover&format=lqip").body)
            #expect((cover.header.width, cover.header.height) == (32, 24))
            let animated = try DecodedImage(
                try await client.get("/animated.gif?format=lqip", [.accept: BrowserAccept.chromium]).body)
            #expect(animated.header.frames == 1)
            let placeholder = try await client.get("/landscape.jpg?format=lqip&q=100", [.accept: BrowserAccept.safari13])
            let sharp = try await client.get("/landscape.jpg?w=32&format=jpeg&q=100")
            let smoothness = try Self.roughness(Pixels(decoding: Array(placeholder.body.readableBytesView)))
            let plain = try Self.roughness(Pixels(decoding: Array(sharp.body.readableBytesView)))
            #expect(smoothness < plain * 0.8, "blurred \(smoothness), plain \(plain)")
        }
    }
}
