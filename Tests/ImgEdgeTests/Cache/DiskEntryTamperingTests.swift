import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import Vips

@Suite("Disk cache entries edited between runs, against the real binary")
struct DiskEntryTamperingTests {
    @Test(
        "an entry whose header says it was rendered at Int64.min is a miss after a restart: 200 with the right image, and the server serves on"
    )
    func renderedAtInt64Min() async throws {
        try await withOriginDirectory { cache in
            let arguments = ["--cache-dir", cache.path, "--memory-cache-bytes", "0"]
            let uri = "/portrait.jpg?w=160&format=webp"
            let first = try await ImgEdgeProcess.Server.servingTestImages(arguments)
            let original = try await Self.get(uri, port: first.port)
            #expect(original.status == .ok)
            #expect(await first.stop() == 0)
            let entries = try Self.entryFiles(in: cache)
            try #require(entries.count == 1)
            for entry in entries {
                try DiskEntryFile.rewriteRenderedAt(at: entry, to: .min)
            }

            let second = try await ImgEdgeProcess.Server.servingTestImages(arguments)
            // Once the scan has looked at the entry, a request would find it in the index.
            for _ in 0..<200 where !second.log.contains("disk cache indexed") {
                try await Task.sleep(for: .milliseconds(50))
            }
            for _ in 0..<3 {
                let again = try await Self.get(uri, port: second.port)
                #expect(again.status == .ok)
                #expect(again.body == original.body)
                let image = try DecodedImage(again.body)
                #expect(image.format == .webp && image.header.width == 160)
                let age = again.headers.first(name: "age").flatMap { Int($0) } ?? 0
                #expect(age < 60, "an Age counted from this run's render, not from the crafted header")
            }
            #expect(try await Self.get("/landscape.jpg?w=50&format=webp", port: second.port).status == .ok)
            #expect(await second.stop() == 0, "alive until stopped")
        }
    }

    /// The whole answer to `GET uri` from the server on `port`.
    private static func get(
        _ uri: String, port: Int
    ) async throws -> (status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer) {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)\(uri)"), timeout: .seconds(30))
        return (response.status, response.headers, try await response.body.collect(upTo: 16 << 20))
    }

    /// The entry files of a disk tier: every file under its two-digit shard directories.
    private static func entryFiles(in directory: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent.count == 2 }
            .flatMap { try FileManager.default.contentsOfDirectory(at: $0, includingPropertiesForKeys: nil) }
    }
}
