import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ImageTestSupport
import NIOCore
import Testing
import Vips

@testable import ImgEdge

/// A QOI file of `pixels` written with QOI_OP_RGB(A) only: a valid file for the decoder to read,
/// made here so the test owns both sides of the comparison.
private func qoi(_ pixels: Pixels) -> [UInt8] {
    func bigEndian(_ value: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8((value >> $0) & 0xFF) } }
    var bytes = Array("qoif".utf8) + bigEndian(pixels.width) + bigEndian(pixels.height) + [UInt8(pixels.bands), 0]
    for start in stride(from: 0, to: pixels.samples.count, by: pixels.bands) {
        bytes += [pixels.bands == 4 ? 0xFF : 0xFE] + pixels.samples[start..<start + pixels.bands]
    }
    return bytes + [0, 0, 0, 0, 0, 0, 0, 1]
}

@Suite("POST /resize?transform= through a byte-stream module")
struct TransformTests {
    /// In the server, the body passes through the module as it arrives; in a worker process,
    /// once it has all arrived.
    static let isolations: [ImageWorkers.Isolation] = [.none, .process]

    @Test(
        "a QOI body, a format libvips cannot read, is decoded by the qoi module and resized, in the server or a worker",
        arguments: isolations)
    func decodesQOI(isolation: ImageWorkers.Isolation) async throws {
        try await withServer(testConfiguration { $0.workers.isolation = isolation }) { client in
            let source = try await client.get("/landscape.jpg?w=96&format=png")
            let pixels = try Pixels(decoding: Array(source.body.readableBytesView))
            let response = try await client.execute(
                uri: "/resize?transform=qoi&w=48&format=png", method: .post, body: ByteBuffer(bytes: qoi(pixels))
            ) { $0 }
            #expect(response.status == .ok)
            let resized = try Pixels(decoding: Array(response.body.readableBytesView))
            #expect((resized.width, resized.height) == (48, 27))
            let expected = try Pixels(
                decoding: Array(try await client.get("/landscape.jpg?w=48&format=png").body.readableBytesView))
            #expect(resized.fingerprint().distance(to: expected.fingerprint()) < 8)
        }
    }

    @Test(
        "bodies the module rejects, and transforms that are not there, are refused",
        arguments: [
            (
                "/resize?transform=qoi&w=10", [UInt8]("qoif but not really".utf8), HTTPResponse.Status.unprocessableContent,
                "module qoi failed (invalid-format)"
            ),
            ("/resize?transform=sepia&w=10", [UInt8]("x".utf8), .badRequest, "unknown transform \"sepia\"; available: qoi"),
            (
                "/resize?w=10", Array("qoif".utf8) + [0, 0, 0, 1, 0, 0, 0, 1, 3, 0], .unsupportedMediaType,
                "not a supported image"
            ),
        ]
    )
    func refused(uri: String, body: [UInt8], status: HTTPResponse.Status, reason: String) async throws {
        for isolation in Self.isolations {
            try await refused(uri: uri, body: body, status: status, reason: reason, isolation: isolation)
        }
    }

    private func refused(
        uri: String, body: [UInt8], status: HTTPResponse.Status, reason: String, isolation: ImageWorkers.Isolation
    ) async throws {
        try await withServer(testConfiguration { $0.workers.isolation = isolation }) { client in
            let response = try await client.execute(uri: uri, method: .post, body: ByteBuffer(bytes: body)) { $0 }
            #expect(response.status == status, "\(isolation)")
            #expect(String(buffer: response.body).contains(reason), "\(isolation): \(String(buffer: response.body))")
        }
    }

    @Test("in the server, chunks go through the module as they arrive: a bad body is refused before the rest is sent")
    func streams() async throws {
        // A worker process gets the body whole: holding one while a client sends would let slow
        // clients hold every worker.
        try await withServer(testConfiguration { $0.workers.isolation = .none }) { client in
            let connection = try RawConnection(port: try #require(client.port))
            await connection.send(
                Array("POST /resize?transform=qoi&w=10 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10000000\r\n\r\n".utf8))
            await connection.send(Array("not a QOI header at all".utf8))
            let answer = await connection.receive(timeout: 20)
            #expect(answer.hasPrefix("HTTP/1.1 422"))
            #expect(answer.contains("module qoi failed (invalid-format)"))
        }
    }

    @Test("a GET cannot name a transform")
    func getRefusesTransform() async throws {
        try await withServer { client in
            let response = try await client.get("/landscape.jpg?transform=qoi")
            #expect(response.status == .badRequest)
        }
    }
}
