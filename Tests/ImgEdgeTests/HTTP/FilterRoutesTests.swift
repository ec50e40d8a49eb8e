import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ImageTestSupport
import NIOCore
import Testing
import Vips

@testable import ImgEdge

/// The shipped modules (built from `Modules/` by `make modules`) through the live server.
@Suite("filter= with the shipped WebAssembly modules")
struct FilterRoutesTests {
    /// The pixels of `landscape.jpg` at 200 px with `filter`, as lossless PNG.
    private func pixels(_ client: some TestClientProtocol, _ query: String) async throws -> Pixels {
        let response = try await client.get("/landscape.jpg?w=200&format=png\(query)")
        #expect(response.status == .ok, "\(query): \(String(buffer: response.body))")
        return try Pixels(decoding: Array(response.body.readableBytesView))
    }

    @Test("grayscale gives equal red, green and blue")
    func grayscale() async throws {
        try await withServer { client in
            let image = try await pixels(client, "&filter=grayscale")
            for y in stride(from: 0, to: image.height, by: 7) {
                for x in stride(from: 0, to: image.width, by: 7) {
                    let pixel = image[x, y]
                    #expect(abs(Int(pixel[0]) - Int(pixel[1])) <= 1 && abs(Int(pixel[1]) - Int(pixel[2])) <= 1)
                }
            }
        }
    }

    @Test("invert twice is the identity, and invert once is not")
    func invert() async throws {
        try await withServer { client in
            let original = try await pixels(client, "")
            let once = try await pixels(client, "&filter=invert")
            let twice = try await pixels(client, "&filter=invert,invert")
            #expect(twice.meanAbsoluteDifference(from: original) < 0.01)
            #expect(once.meanAbsoluteDifference(from: original) > 40)
        }
    }

    @Test("sepia orders the channels red over green over blue")
    func sepia() async throws {
        try await withServer { client in
            let mean = try await pixels(client, "&filter=sepia").mean()
            #expect(mean[0] > mean[1] && mean[1] > mean[2])
        }
    }

    @Test("brightness and contrast move the mean and the spread the way they say")
    func brightnessAndContrast() async throws {
        try await withServer { client in
            let original = try await pixels(client, "")
            let brighter = try await pixels(client, "&filter=brightness(1.3)")
            #expect(brighter.mean()[1] > original.mean()[1] * 1.15)
            let flatter = try await pixels(client, "&filter=contrast(0.5)")
            #expect(flatter.meanAbsoluteDifference(from: original) > 5)
        }
    }

    @Test("blur smooths neighbouring pixels and sharpen does the opposite")
    func kernels() async throws {
        @Sendable func roughness(_ image: Pixels) -> Double {
            var total = 0
            for y in 0..<image.height {
                for x in 1..<image.width {
                    total += abs(Int(image[x, y][1]) - Int(image[x - 1, y][1]))
                }
            }
            return Double(total) / Double(image.height * (image.width - 1))
        }
        try await withServer { client in
            let original = roughness(try await pixels(client, ""))
            #expect(roughness(try await pixels(client, "&filter=blur(2)")) < original * 0.7)
            #expect(roughness(try await pixels(client, "&filter=sharpen(1)")) > original * 1.1)
        }
    }

    @Test("vignette darkens the corners more than the centre")
    func vignette() async throws {
        try await withServer { client in
            let original = try await pixels(client, "")
            let image = try await pixels(client, "&filter=vignette(0.8)")
            let corner = (image.mean(x: 0..<20, y: 0..<20)[1], original.mean(x: 0..<20, y: 0..<20)[1])
            let centre = (image.mean(x: 90..<110, y: 50..<62)[1], original.mean(x: 90..<110, y: 50..<62)[1])
            #expect(corner.0 < corner.1 * 0.8)
            #expect(centre.0 > centre.1 * 0.9)
        }
    }

    @Test("pixelate makes whole-image blocks of one colour")
    func pixelate() async throws {
        try await withServer { client in
            let image = try await pixels(client, "&filter=pixelate(10)")
            for blockY in stride(from: 0, to: image.height - 10, by: 10) {
                for blockX in stride(from: 0, to: image.width - 10, by: 10) {
                    let block = image.region(x: blockX..<blockX + 10, y: blockY..<blockY + 10)
                    #expect(Set(stride(from: 0, to: block.samples.count, by: 3).map { block.samples[$0] }).count == 1)
                }
            }
        }
    }

    @Test("filters are part of the variant: different chains, different ETags; the same chain, the same bytes")
    func variants() async throws {
        try await withServer { client in
            let plain = try await client.get("/landscape.jpg?w=120&format=webp")
            let sepia = try await client.get("/landscape.jpg?w=120&format=webp&filter=sepia")
            let again = try await client.get("/landscape.jpg?w=120&format=webp&filter=sepia")
            let both = try await client.get("/landscape.jpg?w=120&format=webp&filter=sepia,invert")
            #expect(Set([plain, sepia, both].compactMap { $0.headers[.eTag] }).count == 3)
            #expect(again.headers[.eTag] == sepia.headers[.eTag])
            #expect(again.body == sepia.body)
        }
    }

    @Test("animated sources keep every frame through recipes and strip filters")
    func animated() async throws {
        try await withServer { client in
            for filter in ["sepia", "vignette(0.5)", "blur(1)"] {
                let response = try await client.get("/animated.gif?w=150&format=webp&filter=\(filter)")
                #expect(response.status == .ok)
                #expect(try DecodedImage(response.body).header.frames == 5, "\(filter)")
            }
        }
    }

    @Test(
        "bad filter requests are refused with a reason",
        arguments: [
            ("nope", HTTPResponse.Status.badRequest, "unknown filter \"nope\"; available: blur, brightness"),
            ("qoi", .badRequest, "unknown filter \"qoi\""),
            ("sepia(", .badRequest, "closing parenthesis"),
            ("brightness(abc)", .badRequest, "numbers"),
            ("brightness(99)", .unprocessableContent, "module brightness failed (invalid-format)"),
        ]
    )
    func refused(filter: String, status: HTTPResponse.Status, reason: String) async throws {
        try await withServer { client in
            let response = try await client.get("/landscape.jpg?w=50&filter=\(filter)")
            #expect(response.status == status)
            #expect(String(buffer: response.body).contains(reason), "\(String(buffer: response.body))")
        }
    }

    @Test("/modules lists every loaded module with its kind and its own description of its arguments")
    func modules() async throws {
        struct Listing: Decodable {
            struct Module: Decodable {
                let name: String
                let kind: String
                let arguments: String?
            }
            let modules: [Module]
        }
        try await withServer { client in
            let response = try await client.get("/modules")
            #expect(response.headers[.contentType] == "application/json")
            let listing = try JSONDecoder().decode(Listing.self, from: Data(response.body.readableBytesView))
            let kinds = Dictionary(uniqueKeysWithValues: listing.modules.map { ($0.name, $0.kind) })
            #expect(
                kinds == [
                    "blur": "kernel", "brightness": "lut", "contrast": "lut", "duotone": "strips", "grayscale": "matrix",
                    "invert": "lut", "pixelate": "strips", "qoi": "transform", "saturation": "matrix", "sepia": "matrix",
                    "sharpen": "kernel", "vignette": "strips",
                ])
            #expect(listing.modules.allSatisfy { $0.arguments?.isEmpty == false })
        }
    }

    @Test("a broken module is reported by name in /healthz and the others still load")
    func brokenModule() async throws {
        try await withModulesDirectory(copying: ["sepia"]) { directory in
            try Data("not a module".utf8).write(to: directory.appendingPathComponent("broken.wasm"))
            try await withServer(testConfiguration { $0.modulesDirectory = directory.path }) { client in
                let health = try await client.get("/healthz")
                #expect(health.status == .ok)
                #expect(String(buffer: health.body).contains("module broken not loaded: module broken is invalid"))
                let sepia = try await client.get("/landscape.jpg?w=50&filter=sepia")
                #expect(sepia.status == .ok)
            }
        }
    }
}
