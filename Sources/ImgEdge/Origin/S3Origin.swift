import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Vips

/// Originals read from an S3-API bucket (AWS S3, Cloudflare R2, Google Cloud Storage's XML API,
/// MinIO, Ceph), each request signed with SigV4, or unsigned for a public bucket.
///
/// A request path names the key under the bucket's prefix, encoded as S3 signs it, so a request
/// can name no other bucket or host: the endpoint is the allow-list, as an HTTP origin's base URL
/// is. The endpoint (and, virtual-hosted, `BUCKET.` before its host) is the operator's, so it may
/// be on loopback or a private address, as an HTTP origin's own host may; nothing else is ever
/// connected to, since redirects are not followed (S3 redirects only to tell of a wrong region,
/// which is a configuration error: 502, with S3's code in the log).
///
/// The object's `ETag` is its version and a signed HEAD asks for it; its `Last-Modified` passes
/// through. 404 is `.notFound`, save for `NoSuchBucket`; 5xx and 429 (`SlowDown`,
/// `InternalError`) are retried after 100, 200, 400 ms; anything else is `.unavailable` with S3's
/// error code, never a credential. The whole fetch, retries and body included, runs under the
/// origin's total timeout, and the body is collected only up to the size limit.
struct S3Origin: Origin {
    /// The bucket and prefix.
    let bucket: S3Bucket
    /// The store's base URL.
    let endpoint: URL
    /// Whether the bucket is named in the host rather than the path.
    let virtualHosted: Bool
    /// Nil: requests go unsigned.
    private let signer: SigV4Signer?
    private let client: HTTPClient
    private let timeouts: HTTPOrigin.Settings

    /// Tries of one request before a 5xx or 429 is the answer.
    static let attempts = 4

    /// Creates an origin and its own HTTP client; call `shutdown()` when done.
    /// - Parameters:
    ///   - timeouts: the connect and total timeouts HTTP origins have.
    ///   - credentials: what to sign with; nil for a public bucket.
    ///   - pinned: addresses to connect to in place of resolving those hosts: how tests reach a
    ///     virtual-hosted bucket (`bucket.localhost`) on loopback.
    init(
        bucket: S3Bucket, settings: Settings, timeouts: HTTPOrigin.Settings, credentials: S3Credentials?,
        pinned: [String: String] = [:]
    ) {
        self.bucket = bucket
        endpoint = settings.endpointURL
        virtualHosted = settings.isVirtualHosted(bucket)
        signer = credentials.map { SigV4Signer(credentials: $0, region: settings.region) }
        self.timeouts = timeouts
        client = OriginRequests.makeClient(timeouts, pinned: pinned)
    }

    /// Closes the client's connections.
    func shutdown() async throws {
        try await client.shutdown()
    }

    func fetch(_ path: SourcePath, limit: Int) async throws(OriginError) -> SourceImage {
        let target = bucket.target(of: bucket.key(of: path), endpoint: endpoint, virtualHosted: virtualHosted)
        return try await OriginRequests.withinDeadline(timeouts.totalTimeout, limit: limit) {
            try await OriginRequests.image(in: try await send(.GET, to: target), limit: limit)
        }
    }

    /// The object's ETag, from a signed HEAD: nothing of the body is read.
    func version(of path: SourcePath) async throws(OriginError) -> String? {
        let target = bucket.target(of: bucket.key(of: path), endpoint: endpoint, virtualHosted: virtualHosted)
        return try await OriginRequests.withinDeadline(timeouts.totalTimeout, limit: 0) {
            OriginRequests.version(in: try await send(.HEAD, to: target).headers)
        }
    }

    /// Sends a signed request until S3 answers 200, retrying 5xx and 429 with a doubling pause.
    /// - Throws: `OriginError.notFound` for a missing key, `.unavailable` naming S3's error code
    ///   for any other failure.
    private func send(_ method: HTTPMethod, to target: S3RequestTarget) async throws -> HTTPClientResponse {
        var pause = Duration.milliseconds(100)
        var attempt = 1
        while true {
            let response = try await client.execute(request(method, to: target), timeout: .init(timeouts.totalTimeout))
            let status = Int(response.status.code)
            if status == 200 {
                return response
            }
            let code = method == .HEAD ? nil : try await Self.errorCode(in: response)
            if (status >= 500 || status == 429) && attempt < Self.attempts {
                try await Task.sleep(for: pause)
                pause *= 2
                attempt += 1
                continue
            }
            if status == 404 && code != "NoSuchBucket" {
                throw OriginError.notFound
            }
            throw OriginError.unavailable(
                "S3 answered \(method) \(bucket.name) with \(status)\(code.map { " \($0)" } ?? "")"
                    + (attempt > 1 ? " after \(attempt) tries" : ""))
        }
    }

    /// The request for `target`, with its `Host` and, with credentials, SigV4's headers.
    private func request(_ method: HTTPMethod, to target: S3RequestTarget) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: target.url)
        request.method = method
        // Set here, so that AsyncHTTPClient sends the very Host that was signed.
        request.headers.add(name: "host", value: target.host)
        if let signer {
            for header in signer.signedHeaders(method: method.rawValue, host: target.host, path: target.path, date: Date()) {
                request.headers.add(name: header.name, value: header.value)
            }
        }
        return request
    }

    /// The `<Code>` of S3's XML error body (`NoSuchKey`, `SignatureDoesNotMatch`, `SlowDown`), if any.
    private static func errorCode(in response: HTTPClientResponse) async throws -> String? {
        let body = try await response.body.collect(upTo: 64 << 10)
        let text = String(decoding: body.readableBytesView, as: UTF8.self)
        guard let start = text.range(of: "<Code>"), let end = text.range(of: "</Code>", range: start.upperBound..<text.endIndex)
        else { return nil }
        let code = text[start.upperBound..<end.lowerBound]
        // A code is a word; anything else is not S3's, and not for the log.
        return code.count <= 64 && code.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." }) ? String(code) : nil
    }
}
