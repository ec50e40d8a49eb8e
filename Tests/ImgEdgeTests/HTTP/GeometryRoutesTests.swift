import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ImageTestSupport
import NIOCore
import Testing
import Vips

@testable import ImgEdge

/// The pixels of a PNG answer.
private func pixels(_ response: TestResponse) throws -> Pixels {
    #expect(response.status == .ok)
    return try Pixels(decoding: Array(response.body.readableBytesView))
}

@Suite("rotate, flip, crop, trim, fp and pad through the live server")
struct GeometryRoutesTests {
    @Test("a turn and a mirroring come after EXIF orientation: size and the picture's corners", arguments: [
        ("rotate=90", true), ("rotate=180", false), ("rotate=270", true), ("flip=h", false), ("flip=v", false), ("flip=hv", false),
        ("rotate=90&flip=v", true),
    ])
    func orientation(query: String, swapsSides: Bool) async throws {
        try await withServer { client in
            let upright = try pixels(try await client.get("/exif-orientation-1.jpg?w=300&format=png")).fingerprint()
            // Orientation 6 is stored turned; the request's turn comes after EXIF's.
            let served = try pixels(try await client.get("/exif-orientation-6.jpg?w=300&format=png&\(query)"))
            #expect((served.width, served.height) == (swapsSides ? (300, 450) : (300, 200)))
            var expected = upright
            if query.contains("rotate=90") { expected = expected.turnedClockwise }
            if query.contains("rotate=180") { expected = expected.turnedHalfway }
            if query.contains("rotate=270") { expected = expected.turnedHalfway.turnedClockwise }
            if query.contains("flip=h") { expected = expected.mirroredHorizontally }
            if query.contains("flip=v") || query.contains("flip=hv") { expected = expected.mirroredVertically }
            #expect(served.fingerprint().distance(to: expected) < 12)
            #expect(served.fingerprint().distance(to: upright) > 40 || swapsSides, "the picture must have moved")
        }
    }

    @Test("a crop in pixels and in fractions keeps that part of the picture, and w then sizes it")
    func crop() async throws {
        try await withServer { client in
            let whole = try pixels(try await client.get("/landscape.jpg?format=png"))
            let pixelCrop = try pixels(try await client.get("/landscape.jpg?crop=0,0,640,360&format=png"))
            #expect((pixelCrop.width, pixelCrop.height) == (640, 360))
            #expect(pixelCrop.fingerprint().distance(to: whole.region(x: 0..<640, y: 0..<360).fingerprint()) < 6)
            let fractionCrop = try pixels(try await client.get("/landscape.jpg?crop=0.5,0.5,0.5,0.5&w=320&format=png"))
            #expect((fractionCrop.width, fractionCrop.height) == (320, 180))
            #expect(fractionCrop.fingerprint().distance(to: whole.region(x: 640..<1280, y: 360..<720).fingerprint()) < 8)
        }
    }

    @Test("a crop after a turn names the turned picture")
    func cropAfterTurn() async throws {
        try await withServer { client in
            let turned = try pixels(try await client.get("/landscape.jpg?rotate=90&format=png"))
            #expect((turned.width, turned.height) == (720, 1280))
            let cropped = try pixels(try await client.get("/landscape.jpg?rotate=90&crop=0,0,360,640&format=png"))
            #expect((cropped.width, cropped.height) == (360, 640))
            #expect(cropped.fingerprint().distance(to: turned.region(x: 0..<360, y: 0..<640).fingerprint()) < 6)
        }
    }

    @Test("a crop outside the picture is a 400 that says so")
    func cropOutside() async throws {
        try await withServer { client in
            let response = try await client.get("/landscape.jpg?crop=1280,0,10,10")
            #expect(response.status == .badRequest)
            #expect(String(buffer: response.body).contains("crop lies outside the image, which is 1280x720"))
        }
    }

    @Test("pad adds a border in bg, and trim takes it away again")
    func padThenTrim() async throws {
        try await withServer { client in
            let padded = try await client.get("/landscape.jpg?w=200&pad=10,20&bg=00ff00&format=png")
            let image = try pixels(padded)
            #expect((image.width, image.height) == (240, 133))
            #expect(image.mean(x: 0..<240, y: 0..<10).map { Int($0.rounded()) } == [0, 255, 0])
            #expect(image.mean(x: 0..<20, y: 0..<133).map { Int($0.rounded()) } == [0, 255, 0])
            let trimmed = try await client.execute(uri: "/resize?trim&format=png", method: .post, body: padded.body) { $0 }
            let inner = try pixels(trimmed)
            #expect(abs(inner.width - 200) <= 1 && abs(inner.height - 113) <= 1, "\(inner.width)x\(inner.height)")
            #expect(inner.fingerprint().distance(to: image.region(x: 20..<220, y: 10..<123).fingerprint()) < 6)
        }
    }

    @Test("a picture with no border is left whole by trim")
    func trimNothing() async throws {
        try await withServer { client in
            let image = try pixels(try await client.get("/landscape.jpg?trim=5&w=320&format=png"))
            #expect((image.width, image.height) == (320, 180))
        }
    }

    @Test("fp keeps its corner in view where gravity would keep the same corner", arguments: [
        ("0,0", "northwest"), ("1,1", "southeast"), ("0.5,0.5", "centre"),
    ])
    func focalPoint(point: String, gravity: String) async throws {
        try await withServer { client in
            let byPoint = try pixels(try await client.get("/landscape.jpg?w=200&h=200&fit=cover&fp=\(point)&format=png"))
            let byGravity = try pixels(try await client.get("/landscape.jpg?w=200&h=200&fit=cover&gravity=\(gravity)&format=png"))
            #expect((byPoint.width, byPoint.height) == (200, 200))
            #expect(byPoint.fingerprint().distance(to: byGravity.fingerprint()) < 4)
        }
    }

    @Test("an animation is turned, cropped and padded frame by frame, every frame kept")
    func animation() async throws {
        try await withServer { client in
            let response = try await client.get("/animated.gif?rotate=90&crop=0,0,100,150&pad=5&format=gif")
            #expect(response.status == .ok)
            let image = try DecodedImage(response.body)
            #expect((image.header.width, image.header.height, image.header.frames) == (110, 160, 5))
        }
    }
}

@Suite("preset= through the live server")
struct PresetRoutesTests {
    @Test("a preset sizes the answer, the URL's own parameters win, and presets-only refuses the rest")
    func presets() async throws {
        let configuration = testConfiguration { $0.presets = ["thumb=w=120&h=80&fit=cover"] }
        try await withServer(configuration) { client in
            let thumb = try DecodedImage(try await client.get("/landscape.jpg?preset=thumb&format=png").body)
            #expect((thumb.header.width, thumb.header.height) == (120, 80))
            let wider = try DecodedImage(try await client.get("/landscape.jpg?preset=thumb&w=160&format=png").body)
            #expect((wider.header.width, wider.header.height) == (160, 80))
            let unknown = try await client.get("/landscape.jpg?preset=nope")
            #expect(unknown.status == .badRequest)
            #expect(String(buffer: unknown.body).contains("unknown preset \"nope\""))
        }
        try await withServer(testConfiguration { $0.presets = ["thumb=w=120"]; $0.presetsOnly = true }) { client in
            #expect(try await client.get("/landscape.jpg?preset=thumb").status == .ok)
            let refused = try await client.get("/landscape.jpg?w=1000")
            #expect(refused.status == .badRequest)
            #expect(String(buffer: refused.body).contains("takes preset= only"))
        }
    }
}

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

    @Test("a placeholder is at most 32 px a side, in WebP where the client takes it, else JPEG", arguments: [
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
            let animated = try DecodedImage(try await client.get("/animated.gif?format=lqip", [.accept: BrowserAccept.chromium]).body)
            #expect(animated.header.frames == 1)
            let placeholder = try await client.get("/landscape.jpg?format=lqip&q=100", [.accept: BrowserAccept.safari13])
            let sharp = try await client.get("/landscape.jpg?w=32&format=jpeg&q=100")
            let smoothness = try Self.roughness(Pixels(decoding: Array(placeholder.body.readableBytesView)))
            let plain = try Self.roughness(Pixels(decoding: Array(sharp.body.readableBytesView)))
            #expect(smoothness < plain * 0.8, "blurred \(smoothness), plain \(plain)")
        }
    }
}
