import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import NIOCore
import Testing

@testable import ImgEdge

/// A stand-in S3 endpoint on loopback that answers as S3 does when it throttles, fails or
/// refuses: what `S3Origin` makes of each answer.
@Suite("What an S3 origin makes of S3's answers")
struct S3OriginAnswersTests {
    private static func error(_ status: HTTPResponse.Status, _ code: String) -> Response {
        Response(
            status: status, headers: [.contentType: "application/xml"],
            body: .init(
                byteBuffer: ByteBuffer(string: "<?xml version=\"1.0\"?><Error><Code>\(code)</Code><Message>m</Message></Error>")))
    }

    /// Runs `test` with an S3 origin for `s3://bucket/p` at a stand-in whose `/bucket/p/flaky.jpg`
    /// fails `failures` times with 503 SlowDown before it answers, counting the requests.
    private func withEndpoint(
        failures: Int, _ test: @Sendable (S3Origin, NIOLockedValueBox<Int>) async throws -> Void
    ) async throws {
        let requests = NIOLockedValueBox(0)
        let router = Router()
        router.get("/bucket/p/flaky.jpg") { _, _ -> Response in
            let count = requests.withLockedValue {
                $0 += 1
                return $0
            }
            return count <= failures
                ? Self.error(.serviceUnavailable, "SlowDown")
                : Response(status: .ok, headers: [.eTag: "\"abc\""], body: .init(byteBuffer: ByteBuffer(string: "bytes")))
        }
        router.get("/bucket/p/denied.jpg") { _, _ in Self.error(.forbidden, "AccessDenied") }
        router.get("/bucket/p/missing.jpg") { _, _ in Self.error(.notFound, "NoSuchKey") }
        router.get("/bucket/p/nobucket.jpg") { _, _ in Self.error(.notFound, "NoSuchBucket") }
        router.get("/bucket/p/hostile.jpg") { _, _ in Self.error(.forbidden, "<script>secret</script>") }
        try await Application(router: router).test(.live) { client in
            var settings = S3Origin.Settings()
            settings.endpoint = "http://127.0.0.1:\(try #require(client.port))"
            var timeouts = HTTPOrigin.Settings()
            // Long: under the suite's load, four tries and their pauses took more than 5 s.
            timeouts.totalTimeout = .seconds(60)
            let origin = S3Origin(
                bucket: try #require(S3Bucket(location: "s3://bucket/p")), settings: settings, timeouts: timeouts,
                credentials: S3Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "do-not-log-me"))
            do {
                try await test(origin, requests)
            } catch {
                try? await origin.shutdown()
                throw error
            }
            try await origin.shutdown()
        }
    }

    private static func path(_ name: String) -> SourcePath {
        SourcePath(urlPath: name)!
    }

    @Test("503 SlowDown is retried, and the third try's image is the answer")
    func retried() async throws {
        try await withEndpoint(failures: 2) { origin, requests in
            let image = try await origin.fetch(Self.path("flaky.jpg"), limit: 1 << 20)
            #expect(image.version == "etag:\"abc\"")
            #expect(requests.withLockedValue { $0 } == 3)
        }
    }

    @Test("throttling past the tries is unavailable, naming the code and the tries")
    func throttledToTheEnd() async throws {
        try await withEndpoint(failures: 100) { origin, requests in
            await #expect(throws: OriginError.unavailable("S3 answered GET bucket with 503 SlowDown after 4 tries")) {
                try await origin.fetch(Self.path("flaky.jpg"), limit: 1 << 20)
            }
            #expect(requests.withLockedValue { $0 } == S3Origin.attempts)
        }
    }

    @Test("NoSuchKey is not found; NoSuchBucket, AccessDenied and a code that is no word are unavailable")
    func refusals() async throws {
        try await withEndpoint(failures: 0) { origin, _ in
            await #expect(throws: OriginError.notFound) { try await origin.fetch(Self.path("missing.jpg"), limit: 1 << 20) }
            await #expect(throws: OriginError.unavailable("S3 answered GET bucket with 404 NoSuchBucket")) {
                try await origin.fetch(Self.path("nobucket.jpg"), limit: 1 << 20)
            }
            await #expect(throws: OriginError.unavailable("S3 answered GET bucket with 403 AccessDenied")) {
                try await origin.fetch(Self.path("denied.jpg"), limit: 1 << 20)
            }
            await #expect(throws: OriginError.unavailable("S3 answered GET bucket with 403")) {
                try await origin.fetch(Self.path("hostile.jpg"), limit: 1 << 20)
            }
        }
    }

    @Test("a body over the limit is too large")
    func tooLarge() async throws {
        try await withEndpoint(failures: 0) { origin, _ in
            await #expect(throws: OriginError.tooLarge(limit: 3)) { try await origin.fetch(Self.path("flaky.jpg"), limit: 3) }
        }
    }
}
