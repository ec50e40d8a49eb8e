import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing

@testable import ImgEdge

/// The variant cache seen through HTTP: `X-Cache`, `Age`, 304s from the index, coalescing,
/// source changes and the 404 memo, against the real server over a socket.
@Suite("The variant cache, end to end")
struct CacheRoutesTests {
    @Test("a repeat request is a memory hit with the very bytes and ETag of the miss, and an Age")
    func memoryHit() async throws {
        try await withServer { client in
            let miss = try await client.get("/landscape.jpg?w=300", [.accept: BrowserAccept.chromium])
            let hit = try await client.get("/landscape.jpg?w=300", [.accept: BrowserAccept.chromium])
            #expect(miss.status == .ok)
            #expect(miss.headers[.xCache] == "MISS")
            #expect(miss.headers[.age] == nil)
            #expect(hit.headers[.xCache] == "HIT-MEMORY")
            #expect(hit.body == miss.body)
            #expect(hit.headers[.eTag] == miss.headers[.eTag])
            #expect(hit.headers[.vary] == "Accept, Save-Data")
            #expect(hit.headers[.contentType] == miss.headers[.contentType])
            #expect(hit.headers[.age].flatMap(Int.init).map { $0 >= 0 && $0 < 60 } == true)
        }
    }

    @Test("a memory hit answered on the event loop has the headers of any answer, and HEAD gets the head alone")
    func memoryHitHeaders() async throws {
        try await withServer { client in
            let miss = try await client.get("/landscape.jpg?w=120&format=webp")
            let hit = try await client.get("/landscape.jpg?w=120&format=webp", [.connection: "keep-alive"])
            let head = try await client.execute(uri: "/landscape.jpg?w=120&format=webp", method: .head) { $0 }
            #expect(hit.headers[.xCache] == "HIT-MEMORY")
            let names = { (response: TestResponse) in Set(response.headers.map(\.name.canonicalName)) }
            #expect(names(hit).subtracting(["age"]) == names(miss).subtracting(["server-timing"]))
            #expect(hit.headers[.server] == "imgedge")
            #expect(hit.headers[.date] != nil)
            #expect(hit.headers[.contentLength] == String(miss.body.readableBytes))
            #expect(head.status == .ok)
            #expect(head.headers[.xCache] == "HIT-MEMORY")
            #expect(head.headers[.contentLength] == String(miss.body.readableBytes))
            #expect(head.body.readableBytes == 0)
        }
    }

    @Test("pipelined requests are answered in order when a hit follows a miss on one connection")
    func pipelinedOrder() async throws {
        try await withServer { client in
            _ = try await client.get("/portrait.jpg?w=64&format=webp")
            let connection = try RawConnection(port: try #require(client.port))
            let miss = "GET /landscape.jpg?w=70&format=png HTTP/1.1\r\nHost: x\r\n\r\n"
            let hit = "GET /portrait.jpg?w=64&format=webp HTTP/1.1\r\nHost: x\r\n\r\n"
            #expect(await connection.send(Array((miss + hit).utf8)))
            // Under load the hit's answer may come a while after the miss's.
            let answers = await connection.receiveLowercased(responses: 2, timeout: 30)
            let png = try #require(answers.range(of: "content-type: image/png"))
            let webp = try #require(answers.range(of: "content-type: image/webp"))
            #expect(png.lowerBound < webp.lowerBound, "the miss's answer comes first, as it was asked first")
            #expect(answers.components(separatedBy: "http/1.1 200").count == 3)
        }
    }

    @Test("a pipelined HEAD hit gets its head alone, and the GETs after it, passed on or hits, get their bodies")
    func pipelinedHeadHit() async throws {
        try await withServer { client in
            let cached = try await client.get("/portrait.jpg?w=64&format=webp")
            let connection = try RawConnection(port: try #require(client.port))
            let head = "HEAD /portrait.jpg?w=64&format=webp HTTP/1.1\r\nHost: x\r\n\r\n"
            let miss = "GET /landscape.jpg?w=71&format=png HTTP/1.1\r\nHost: x\r\n\r\n"
            let hit = "GET /portrait.jpg?w=64&format=webp HTTP/1.1\r\nHost: x\r\n\r\n"
            #expect(await connection.send(Array((head + miss + hit).utf8)))
            // The head's answer comes at once, the others after the miss's render.
            let answers = await connection.receiveLowercased(responses: 3, timeout: 10).components(
                separatedBy: "http/1.1 200 ok\r\n")
            try #require(answers.count == 4, "three answers: \(answers.map { $0.prefix(60) })")
            let (headAnswer, missAnswer, hitAnswer) = (answers[1], answers[2], answers[3])
            #expect(headAnswer.hasSuffix("\r\n\r\n") && headAnswer.contains("x-cache: hit-memory"), "no body after the head")
            #expect(missAnswer.contains("content-type: image/png") && missAnswer.contains("x-cache: miss"))
            let missBody = try #require(missAnswer.range(of: "\r\n\r\n")).upperBound
            #expect(missAnswer[missBody...].utf8.count > 100, "the miss's body follows its head")
            #expect(hitAnswer.contains("x-cache: hit-memory"))
            #expect(hitAnswer.contains("content-length: \(cached.body.readableBytes)\r\n"))
        }
    }

    @Test("a connection kept busy with memory hits is not closed as idle")
    func busyConnectionStaysOpen() async throws {
        // The real executable, so that nothing else in the test process is kept waiting long enough to idle out.
        let server = try await ImgEdgeProcess.Server.servingTestImages(["--idle-timeout-seconds", "5"])
        let connection = try RawConnection(port: server.port)
        let request = Array("GET /tiny.png?w=8 HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        // Each round takes over half a second (a quarter second for the answer's end, then a
        // pause), so the rounds span more than the idle timeout. On a thread of its own: while
        // the suite starts, the tests beside it hold Dispatch's threads for seconds.
        let answers = await onThread {
            (0..<12).map { _ in
                _ = connection.sendBlocking(request)
                let answer = connection.receiveBlocking(timeout: 5).lowercased()
                Thread.sleep(forTimeInterval: 0.3)
                return answer
            }
        }
        #expect(answers.allSatisfy { $0.hasPrefix("http/1.1 200") }, "\(answers.map { $0.prefix(60) })")
        #expect(answers.dropFirst().allSatisfy { $0.contains("x-cache: hit-memory") })
        #expect(await server.stop() == 0)
    }

    @Test("the same options spelt another way, in another order, hit the same variant")
    func normalisedOptions() async throws {
        try await withServer { client in
            let miss = try await client.get("/landscape.jpg?w=150&dpr=2&q=70")
            let hit = try await client.get("/landscape.jpg?quality=70&width=300")
            #expect(miss.headers[.xCache] == "MISS")
            #expect(hit.headers[.xCache] == "HIT-MEMORY")
            #expect(hit.headers[.eTag] == miss.headers[.eTag])
        }
    }

    @Test("If-None-Match naming the cached tag is a 304 from the cache; another Accept is another variant")
    func conditionalFromCache() async throws {
        try await withServer { client in
            let miss = try await client.get("/portrait.jpg?w=120", [.accept: BrowserAccept.firefox])
            let tag = try #require(miss.headers[.eTag])
            let revalidated = try await client.get("/portrait.jpg?w=120", [.accept: BrowserAccept.firefox, .ifNoneMatch: tag])
            #expect(revalidated.status == .notModified)
            #expect(revalidated.headers[.xCache] == "HIT-MEMORY")
            #expect(revalidated.headers[.eTag] == tag)
            #expect(revalidated.body.readableBytes == 0)
            let legacy = try await client.get("/portrait.jpg?w=120", [.accept: "image/*"])
            #expect(legacy.headers[.xCache] == "MISS")
            #expect(legacy.headers[.eTag] != tag)
        }
    }

    @Test("16 identical concurrent misses are rendered once: one MISS, the rest coalesced or hits")
    func coalescedMisses() async throws {
        try await withServer { client in
            let port = try #require(client.port)
            // Sixteen connections of their own: the test client sends one request at a time.
            let statuses = try await withThrowingTaskGroup(of: (String?, UInt).self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/large-20mp.jpg?w=640&format=webp")
                        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                        return (response.headers.first(name: "x-cache"), response.status.code)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0.1 == 200 })
            #expect(statuses.filter { $0.0 == "MISS" }.count == 1)
            #expect(statuses.allSatisfy { ["MISS", "COALESCED", "HIT-MEMORY"].contains($0.0) })
            #expect(statuses.contains { $0.0 == "COALESCED" }, "a 20 MP decode outlasts the 15 requests' arrival")
        }
    }

    @Test("made-up If-None-Match values do not defeat coalescing: still one render, each answered 200")
    func coalescingIgnoresValidators() async throws {
        try await withServer { client in
            let port = try #require(client.port)
            let statuses = try await withThrowingTaskGroup(of: (String?, UInt).self) { group in
                for index in 0..<8 {
                    group.addTask {
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/large-20mp.jpg?w=641&format=webp")
                        request.headers.add(name: "If-None-Match", value: "\"made-up-\(index)\"")
                        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                        return (response.headers.first(name: "x-cache"), response.status.code)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0.1 == 200 })
            #expect(statuses.filter { $0.0 == "MISS" }.count == 1, "\(statuses)")
        }
    }

    @Test("a conditional miss whose validator names the variant it renders is answered 304")
    func conditionalMiss() async throws {
        try await withServer { client in
            let first = try await client.get("/landscape.jpg?w=77&format=jpeg")
            let tag = try #require(first.headers[.eTag])
            let configuration = testConfiguration()
            try await withServer(configuration) { fresh in
                let conditional = try await fresh.get("/landscape.jpg?w=77&format=jpeg", [.ifNoneMatch: tag])
                #expect(conditional.status == .notModified, "a fresh server renders, then answers the validator it matches")
            }
        }
    }

    @Test("a source rewritten in place gets a new ETag on the next request after revalidation, never the old variant")
    func sourceRewritten() async throws {
        try await withOriginDirectory { directory in
            let file = directory.appendingPathComponent("photo.jpg")
            try Data(contentsOf: URL(fileURLWithPath: "\(testImagesDirectory)/landscape.jpg")).write(to: file)
            let configuration = testConfiguration {
                $0.origin = directory.path
                $0.cache.revalidateAfter = .zero
            }
            try await withServer(configuration) { client in
                let before = try await client.get("/photo.jpg?w=200")
                let cached = try await client.get("/photo.jpg?w=200")
                #expect(cached.headers[.xCache] == "HIT-MEMORY")
                // Rewritten in place: same inode, new content.
                let handle = try FileHandle(forWritingTo: file)
                try handle.truncate(atOffset: 0)
                try handle.write(contentsOf: Data(contentsOf: URL(fileURLWithPath: "\(testImagesDirectory)/portrait.jpg")))
                try handle.close()
                let after = try await client.get("/photo.jpg?w=200")
                #expect(after.status == .ok)
                #expect(after.headers[.xCache] == "MISS")
                #expect(after.headers[.eTag] != before.headers[.eTag])
                #expect(after.body != before.body)
            }
        }
    }

    @Test("a missing source is answered 404 from memory for not-found-seconds, then looked for again")
    func notFoundMemo() async throws {
        try await withOriginDirectory { directory in
            let file = directory.appendingPathComponent("later.jpg")
            let remembering = testConfiguration {
                $0.origin = directory.path
                $0.cache.missingFor = .seconds(600)
            }
            try await withServer(remembering) { client in
                #expect(try await client.get("/later.jpg?w=50").status == .notFound)
                try Data(contentsOf: URL(fileURLWithPath: "\(testImagesDirectory)/tiny.png")).write(to: file)
                #expect(try await client.get("/later.jpg?w=50").status == .notFound, "remembered as missing")
            }
            try FileManager.default.removeItem(at: file)
            let forgetting = testConfiguration {
                $0.origin = directory.path
                $0.cache.missingFor = .zero
            }
            try await withServer(forgetting) { client in
                #expect(try await client.get("/later.jpg?w=50").status == .notFound)
                try Data(contentsOf: URL(fileURLWithPath: "\(testImagesDirectory)/tiny.png")).write(to: file)
                #expect(try await client.get("/later.jpg?w=50").status == .ok)
            }
        }
    }

    @Test("uploads are rendered every time unless cache.uploads is on; then the same body is a hit", arguments: [false, true])
    func uploads(cached: Bool) async throws {
        let body = ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: "\(testImagesDirectory)/portrait.jpg")))
        try await withServer(testConfiguration { $0.cache.cachesUploads = cached }) { client in
            let first = try await client.execute(uri: "/resize?w=90", method: .post, body: body) { $0 }
            let second = try await client.execute(uri: "/resize?w=90", method: .post, body: body) { $0 }
            #expect(first.headers[.xCache] == "MISS")
            #expect(second.headers[.xCache] == (cached ? "HIT-MEMORY" : "MISS"))
            #expect(second.headers[.eTag] == first.headers[.eTag])
            #expect(second.body == first.body)
        }
    }

    @Test("after a restart the same request is a disk hit with identical bytes and ETag; a corrupted entry is re-rendered")
    func diskTierAcrossRestarts() async throws {
        try await withOriginDirectory { cacheDirectory in
            let configuration = Self.diskTierOnly(in: cacheDirectory)
            let uri = "/portrait.jpg?w=160&format=webp"
            let first = try await withServer(configuration) { client in try await client.get(uri) }
            #expect(first.headers[.xCache] == "MISS")
            try await withServer(configuration) { client in
                let again = try await Self.firstAnswer(from: client, uri: uri, awaiting: "HIT-DISK")
                #expect(again.headers[.xCache] == "HIT-DISK")
                #expect(again.body == first.body)
                #expect(again.headers[.eTag] == first.headers[.eTag])
            }
            let entries = try Self.entryFiles(in: cacheDirectory)
            #expect(entries.count == 1)
            for entry in entries {
                var bytes = try Data(contentsOf: entry)
                bytes[bytes.count - 10] ^= 0xff
                try bytes.write(to: entry)
            }
            try await withServer(configuration) { client in
                // Indexed again at start-up, the entry fails its checksum when read: a miss, rendered anew.
                let answers = [try await client.get(uri), try await client.get(uri)]
                #expect(answers.allSatisfy { $0.status == .ok && $0.body == first.body }, "never the corrupt bytes")
                #expect(answers[0].headers[.xCache] == "MISS")
            }
        }
    }

    @Test("disk hits answered on the event loop keep pipelined order; an entry corrupted while serving is rendered anew")
    func diskHitsOnTheEventLoop() async throws {
        try await withOriginDirectory { cacheDirectory in
            let configuration = Self.diskTierOnly(in: cacheDirectory)
            try await withServer(configuration) { client in
                let uri = "/portrait.jpg?w=64&format=webp"
                let first = try await client.get(uri)
                let hit = try await Self.firstAnswer(from: client, uri: uri, awaiting: "HIT-DISK")
                #expect(hit.headers[.xCache] == "HIT-DISK")
                #expect(hit.body == first.body)
                #expect(hit.headers[.eTag] == first.headers[.eTag])

                let connection = try RawConnection(port: try #require(client.port))
                let diskHit = "GET \(uri) HTTP/1.1\r\nHost: x\r\n\r\n"
                let miss = "GET /landscape.jpg?w=70&format=png HTTP/1.1\r\nHost: x\r\n\r\n"
                #expect(await connection.send(Array((diskHit + miss + diskHit).utf8)))
                let answers = await connection.receiveLowercased(responses: 3, timeout: 30)
                let types = answers.split(separator: "\r\n").filter { $0.hasPrefix("content-type: ") }
                #expect(types == ["content-type: image/webp", "content-type: image/png", "content-type: image/webp"])
                let statuses = answers.split(separator: "\r\n").filter { $0.hasPrefix("x-cache: ") }
                #expect(statuses == ["x-cache: hit-disk", "x-cache: miss", "x-cache: hit-disk"])

                for entry in try Self.entryFiles(in: cacheDirectory) where entry.lastPathComponent.count > 2 {
                    var bytes = try Data(contentsOf: entry)
                    bytes[bytes.count - 10] ^= 0xff
                    try bytes.write(to: entry)
                }
                let afterCorruption = try await client.get(uri)
                #expect(
                    afterCorruption.headers[.xCache] == "MISS", "the read fails its checksum and the request takes the miss path")
                #expect(afterCorruption.body == first.body)
            }
        }
    }

    @Test("a cache directory that cannot be used costs nothing but the cache: requests are still 200")
    func unusableCacheDirectory() async throws {
        try await withOriginDirectory { directory in
            let notADirectory = directory.appendingPathComponent("a-file")
            try Data("x".utf8).write(to: notADirectory)
            let configuration = testConfiguration {
                $0.cache.directory = notADirectory.path
                $0.cache.memoryBytes = 0
            }
            try await withServer(configuration) { client in
                for _ in 0..<3 {
                    let response = try await client.get("/tiny.png?w=8")
                    #expect(response.status == .ok)
                    #expect(response.headers[.xCache] == "MISS")
                }
            }
        }
    }

    /// A test configuration whose only cache tier is a disk tier in `directory`.
    private static func diskTierOnly(in directory: URL) -> ImgEdgeConfiguration {
        testConfiguration {
            $0.cache.directory = directory.path
            $0.cache.memoryBytes = 0
        }
    }

    /// The answer to `uri`, asked again while the tier is still indexing what the last run left.
    private static func firstAnswer(
        from client: some TestClientProtocol, uri: String, awaiting status: String
    ) async throws -> TestResponse {
        for _ in 0..<50 {
            let response = try await client.get(uri)
            if response.headers[.xCache] == status { return response }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await client.get(uri)
    }

    /// The entry files of a disk tier: every file under its two-digit shard directories.
    private static func entryFiles(in directory: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent.count == 2 }
            .flatMap { try FileManager.default.contentsOfDirectory(at: $0, includingPropertiesForKeys: nil) }
    }

    @Test("with the memory tier off and no cache directory, every request is rendered")
    func cacheOff() async throws {
        try await withServer(testConfiguration { $0.cache.memoryBytes = 0 }) { client in
            _ = try await client.get("/tiny.png?w=8")
            #expect(try await client.get("/tiny.png?w=8").headers[.xCache] == "MISS")
        }
    }
}

extension HTTPField.Name {
    static let xCache = HTTPField.Name("X-Cache")!
}
