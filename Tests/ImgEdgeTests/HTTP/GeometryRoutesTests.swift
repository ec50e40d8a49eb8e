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
    @Test(
        "a turn and a mirroring come after EXIF orientation: size and the picture's corners",
        arguments: [
            ("rotate=90", true), ("rotate=180", false), ("rotate=270", true), ("flip=h", false), ("flip=v", false),
            ("flip=hv", false),
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

    @Test("a picture over 1024 px is searched for its border shrunk, then its edges at full size: the box is exactly the content")
    func trimLarge() async throws {
        try await withServer { client in
            let padded = try await client.get("/landscape.jpg?pad=200&bg=ff0000&format=png")
            #expect(try pixels(padded).width == 1680)
            let trimmed = try pixels(
                try await client.execute(uri: "/resize?trim&format=png", method: .post, body: padded.body) { $0 })
            #expect((trimmed.width, trimmed.height) == (1280, 720), "\(trimmed.width)x\(trimmed.height)")
        }
    }

    @Test("a picture with no border is left whole by trim")
    func trimNothing() async throws {
        try await withServer { client in
            let image = try pixels(try await client.get("/landscape.jpg?trim=5&w=320&format=png"))
            #expect((image.width, image.height) == (320, 180))
        }
    }

    @Test(
        "fp keeps its corner in view where gravity would keep the same corner",
        arguments: [
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
