import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ImageTestSupport
import ImgEdge
import Foundation
import NIOCore
import Testing
import Vips

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

/// A `width` × `height` QOI file of one grey: one QOI_OP_RGB, then QOI_OP_RUNs of 62 pixels, so
/// a 3900 × 3900 image (61 MB decoded) is a body of 245 KB.
private func solidQOI(width: Int, height: Int) -> [UInt8] {
    func bigEndian(_ value: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8((value >> $0) & 0xFF) } }
    var bytes = Array("qoif".utf8) + bigEndian(width) + bigEndian(height) + [4, 0] + [0xFE, 128, 128, 128]
    var left = width * height - 1
    while left > 0 {
        let run = min(62, left)
        bytes.append(0xC0 | UInt8(run - 1))
        left -= run
    }
    return bytes + [0, 0, 0, 0, 0, 0, 0, 1]
}

/// A server process's resident and peak resident memory in bytes, from `/proc/PID/status`.
private func memory(of server: ImgEdgeProcess.Server) throws -> (resident: Int, peak: Int) {
    let status = try String(contentsOfFile: "/proc/\(server.process.processIdentifier)/status", encoding: .utf8)
    func kibibytes(_ key: String) -> Int {
        let line = status.split(separator: "\n").first { $0.hasPrefix(key + ":") } ?? ""
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }
    return (kibibytes("VmRSS") * 1024, kibibytes("VmHWM") * 1024)
}

@Suite("POST /resize?transform= through a byte-stream module")
struct TransformTests {
    @Test("a QOI body, a format libvips cannot read, is decoded by the qoi module and resized")
    func decodesQOI() async throws {
        try await withServer { client in
            let source = try await client.get("/landscape.jpg?w=96&format=png")
            let pixels = try Pixels(decoding: Array(source.body.readableBytesView))
            let response = try await client.execute(
                uri: "/resize?transform=qoi&w=48&format=png", method: .post, body: ByteBuffer(bytes: qoi(pixels))) { $0 }
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
            ("/resize?transform=qoi&w=10", [UInt8]("qoif but not really".utf8), HTTPResponse.Status.unprocessableContent,
             "module qoi failed (invalid-format)"),
            ("/resize?transform=sepia&w=10", [UInt8]("x".utf8), .badRequest, "unknown transform \"sepia\"; available: qoi"),
            ("/resize?w=10", Array("qoif".utf8) + [0, 0, 0, 1, 0, 0, 0, 1, 3, 0], .unsupportedMediaType, "not a supported image"),
        ]
    )
    func refused(uri: String, body: [UInt8], status: HTTPResponse.Status, reason: String) async throws {
        try await withServer { client in
            let response = try await client.execute(uri: uri, method: .post, body: ByteBuffer(bytes: body)) { $0 }
            #expect(response.status == status)
            #expect(String(buffer: response.body).contains(reason), "\(String(buffer: response.body))")
        }
    }

    @Test("chunks go through the module as they arrive: a bad body is refused before the rest is sent")
    func streams() async throws {
        try await withServer { client in
            let connection = try RawConnection(port: try #require(client.port))
            await connection.send(Array("POST /resize?transform=qoi&w=10 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10000000\r\n\r\n".utf8))
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

    @Test("after a burst of large transform uploads the server's memory goes back to within 100 MB of rest in 30 s")
    func memoryGoesBack() async throws {
        // A debug build decodes a large QOI slowly: the uploads get all the time they need.
        let server = try await ImgEdgeProcess.Server.servingTestImages(["--upload-timeout-seconds", "600"])
        func upload(_ body: [UInt8]) async throws -> String {
            let connection = try RawConnection(port: server.port)
            let head = "POST /resize?transform=qoi&w=32&format=png HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.count)\r\n\r\n"
            await connection.send(Array(head.utf8) + body)
            return await connection.receive(timeout: 300)
        }
        // A small upload first loads what every upload needs, so the resting level includes it.
        #expect(try await upload(solidQOI(width: 64, height: 64)).hasPrefix("HTTP/1.1 200"))
        try await Task.sleep(for: .seconds(1))
        let resting = try memory(of: server).resident
        let large = solidQOI(width: 3900, height: 3900)
        try await withThrowingTaskGroup(of: String.self) { group in
            // Two are enough: today each keeps 61 MB of WebAssembly memory after its job, 122 MB
            // in all, and decoding one takes about half a minute in a debug build.
            for _ in 0..<2 {
                group.addTask { try await upload(large) }
            }
            for try await answer in group {
                #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(200))")
            }
        }
        let peak = try memory(of: server).peak
        #expect(peak > resting + 100_000_000, "the burst should have used memory: peak \(peak), resting \(resting)")
        let deadline = ContinuousClock.now + .seconds(30)
        var resident = try memory(of: server).resident
        while resident > resting + 100_000_000, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(500))
            resident = try memory(of: server).resident
        }
        #expect(resident <= resting + 100_000_000, "RSS \(resident / 1_000_000) MB, resting \(resting / 1_000_000) MB")
        #expect(await server.stop() == 0)
    }
}
