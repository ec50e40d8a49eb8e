import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import Vips

@testable import ImgEdge

@Suite("POST /resize with the raw image as the body")
struct UploadTests {
    private func testImage(_ name: String) throws -> ByteBuffer {
        ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: "\(testImagesDirectory)/\(name)")))
    }

    @Test("an uploaded image is resized and negotiated like a fetched one")
    func resize() async throws {
        let body = try testImage("portrait.jpg")
        try await withServer { client in
            let response = try await client.execute(
                uri: "/resize?w=250", method: .post, headers: [.accept: BrowserAccept.firefox], body: body
            ) { $0 }
            #expect(response.status == .ok)
            #expect(response.headers[.vary] == "Accept, Save-Data")
            let image = try DecodedImage(response.body)
            #expect(image.format == .avif)
            #expect(image.header.width == 250)
        }
    }

    @Test("an upload that is not an image gets 415, whatever its Content-Type says")
    func notAnImage() async throws {
        try await withServer { client in
            let response = try await client.execute(
                uri: "/resize?w=100", method: .post, headers: [.contentType: "image/jpeg"],
                body: ByteBuffer(string: "<svg xmlns='http://www.w3.org/2000/svg'/>")
            ) { $0 }
            #expect(response.status == .unsupportedMediaType)
        }
    }

    @Test("a bad option is refused before the body is used")
    func badOption() async throws {
        let body = try testImage("tiny.png")
        try await withServer { client in
            let response = try await client.execute(uri: "/resize?w=-1", method: .post, body: body) { $0 }
            #expect(response.status == .badRequest)
        }
    }

    @Test("an upload over the limit gets 413 as soon as it passes it, before the rest is sent")
    func earlyRefusal() async throws {
        try await withServer(testConfiguration { $0.limits.maxSourceBytes = 100_000 }) { client in
            let connection = try RawConnection(port: try #require(client.port))
            let declared = 50_000_000
            await connection.send(
                Array("POST /resize?w=10 HTTP/1.1\r\nHost: localhost\r\nContent-Length: \(declared)\r\n\r\n".utf8))
            // 300 kB of a declared 50 MB: past the limit, far from the end.
            for _ in 0..<10 {
                await connection.send([UInt8](repeating: 0xFF, count: 30_000))
            }
            let answer = await connection.receive(timeout: 20)
            #expect(answer.hasPrefix("HTTP/1.1 413"))
            #expect(answer.contains("larger than 100000 bytes"))
        }
    }
}
