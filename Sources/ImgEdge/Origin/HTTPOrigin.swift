import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Vips

/// Originals fetched from an HTTP(S) server under one base URL, with AsyncHTTPClient.
///
/// The request path is appended to the base URL segment by segment, percent-encoded, so a
/// request can never reach another host: the base URL is the allow-list. Redirects are
/// followed a bounded number of times; the body is collected only up to the size limit.
public struct HTTPOrigin: Origin {
    /// Timeouts and redirect policy for origin fetches.
    public struct Settings: Sendable {
        /// How long to wait for a TCP (and TLS) connection.
        public var connectTimeout: Duration = .seconds(5)
        /// How long a whole fetch, body included, may take.
        public var totalTimeout: Duration = .seconds(20)
        /// Redirects followed before giving up.
        public var maxRedirects = 3

        public init() {}
    }

    /// The base URL, without a trailing slash.
    public let baseURL: String
    private let client: HTTPClient
    private let settings: Settings

    /// Creates an origin and its own HTTP client; call `shutdown()` when done.
    public init(baseURL: String, settings: Settings = Settings()) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.settings = settings
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .follow(max: settings.maxRedirects, allowCycles: false),
            timeout: .init(connect: .init(settings.connectTimeout))
        )
        configuration.decompression = .disabled
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes the client's connections.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    public func fetch(_ path: SourcePath, limit: Int) async throws(OriginError) -> SourceImage {
        let encoded = path.segments.map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? $0 }
        let request = HTTPClientRequest(url: "\(baseURL)/\(encoded.joined(separator: "/"))")
        do {
            let response = try await client.execute(request, timeout: .init(settings.totalTimeout))
            switch response.status.code {
            case 200:
                break
            case 404, 410:
                throw OriginError.notFound
            default:
                throw OriginError.unavailable("origin answered \(response.status.code)")
            }
            if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > limit {
                throw OriginError.tooLarge(limit: limit)
            }
            let body = try await response.body.collect(upTo: limit)
            let lastModified = response.headers.first(name: "last-modified")
            return SourceImage(bytes: SourceBytes(body.readableBytesView), lastModified: lastModified)
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

}
