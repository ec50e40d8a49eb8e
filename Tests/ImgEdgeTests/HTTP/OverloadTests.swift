import AsyncHTTPClient
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing

@testable import ImgEdge

@Suite("Back-pressure: a full queue answers 503 at once")
struct OverloadTests {
    @Test("with one worker and no queue, concurrent misses get 503 with Retry-After, and the server recovers")
    func overload() async throws {
        let configuration = testConfiguration {
            $0.workers.workers = 1
            $0.workers.queueLimit = 0
            // One client sends them all: the global queue is under test, not its share (429).
            $0.clients.jobsPerClient = 100
        }
        try await withServer(configuration) { client in
            let port = try #require(client.port)
            let statuses = try await withThrowingTaskGroup(of: (UInt, String?).self) { group in
                for width in 600..<606 {
                    group.addTask {
                        let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/large-20mp.jpg?w=\(width)&format=jpeg")
                        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                        _ = try await response.body.collect(upTo: 10_000_000)
                        return (response.status.code, response.headers.first(name: "retry-after"))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.contains { $0.0 == 200 })
            #expect(statuses.contains { $0.0 == 503 && $0.1 == "1" })
            #expect(statuses.allSatisfy { [200, 503].contains($0.0) })
            let after = try await client.get("/landscape.jpg?w=50&format=jpeg")
            #expect(after.status == .ok)
        }
    }
}
