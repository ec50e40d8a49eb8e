import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Vips

/// What the HTTP and the S3 origin share: a client made for origin fetches, the one deadline a
/// whole fetch runs under, the original a 200 carries, and the validator its headers give.
enum OriginRequests {
    /// A client that follows no redirects itself and connects to `pinned` addresses in place of
    /// resolving those hosts. The read timeout ends a connection that goes silent mid-body:
    /// cancelling the fetch alone does not stop AsyncHTTPClient from waiting on it.
    static func makeClient(_ settings: HTTPOrigin.Settings, pinned: [String: String] = [:]) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .init(settings.connectTimeout), read: .init(settings.totalTimeout))
        )
        configuration.decompression = .disabled
        configuration.dnsOverride = pinned
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Runs `request` under `timeout`, its failures told as `OriginError`s: a body past `limit`
    /// is `.tooLarge`, a client deadline `.timedOut`, anything else not an `OriginError` `.unavailable`.
    static func withinDeadline<Result: Sendable>(
        _ timeout: Duration, limit: Int, _ request: @escaping @Sendable () async throws -> Result
    ) async throws(OriginError) -> Result {
        do {
            return try await withThrowingTaskGroup(of: Result.self) { group in
                group.addTask { try await request() }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw OriginError.timedOut
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch let error as OriginError {
            throw error
        } catch is NIOTooManyBytesError {
            throw .tooLarge(limit: limit)
        } catch let error as HTTPClientError where [.deadlineExceeded, .readTimeout, .connectTimeout].contains(error) {
            throw .timedOut
        } catch {
            throw .unavailable("origin fetch failed: \(error)")
        }
    }

    /// The original in a 200 `response`: its body, collected only up to `limit` (refused at once
    /// when `Content-Length` says more), with its `Last-Modified` and validator.
    /// - Throws: `OriginError.tooLarge` for a declared length past `limit`; NIO's
    ///   `NIOTooManyBytesError` for a body that runs past it (`withinDeadline` tells it as `.tooLarge`).
    static func image(in response: HTTPClientResponse, limit: Int) async throws -> SourceImage {
        if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > limit {
            throw OriginError.tooLarge(limit: limit)
        }
        let body = try await response.body.collect(upTo: limit)
        return SourceImage(
            bytes: SourceBytes(body.readableBytesView), lastModified: response.headers.first(name: "last-modified"),
            version: version(in: response.headers))
    }

    /// The response's validator: its `ETag`, else its `Last-Modified` with its length.
    static func version(in headers: HTTPHeaders) -> String? {
        if let tag = headers.first(name: "etag") {
            return "etag:\(tag)"
        }
        if let modified = headers.first(name: "last-modified") {
            return "modified:\(modified):\(headers.first(name: "content-length") ?? "")"
        }
        return nil
    }
}
