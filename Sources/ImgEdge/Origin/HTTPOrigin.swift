import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Vips

/// Originals fetched from an HTTP(S) server under one base URL, with AsyncHTTPClient.
///
/// The request path is appended to the base URL segment by segment, percent-encoded, so a
/// request can never name another host: the base URL is the allow-list. Redirects are followed
/// here, not by the client, and only to the base URL's own scheme, host and port, or to a host
/// `Settings.allowedRedirectHosts` names, a bounded number of times. The whole fetch, head and
/// body, runs under one deadline, and the body is collected only up to the size limit.
public struct HTTPOrigin: Origin {
    /// Timeouts and redirect policy for origin fetches.
    public struct Settings: Sendable {
        /// How long to wait for a TCP (and TLS) connection.
        public var connectTimeout: Duration = .seconds(5)
        /// How long a whole fetch, redirects and body included, may take.
        public var totalTimeout: Duration = .seconds(20)
        /// Redirects followed before giving up.
        public var maxRedirects = 3
        /// Hosts besides the base URL's own that a redirect may lead to.
        public var allowedRedirectHosts: [String] = []

        public init() {}

        /// The settings of this concern, under `origin.` in a config file.
        static let configurationKeys: [ConfigurationKey<Self>] = [
            .seconds(
                "origin.connect_timeout_seconds", flag: "origin-connect-timeout-seconds", \.connectTimeout, in: 0.1...600,
                help: "How long to wait for a connection to an HTTP origin."),
            .seconds(
                "origin.timeout_seconds", flag: "origin-timeout-seconds", \.totalTimeout, in: 0.1...600,
                help: "How long a whole fetch from an HTTP origin may take, body included (504 after)."),
            .integer(
                "origin.max_redirects", flag: "origin-max-redirects", \.maxRedirects, in: 0...10,
                help: "Redirects an HTTP origin may answer with before the fetch fails."),
            .textList(
                "origin.allow_hosts", flag: "origin-allow-host", \.allowedRedirectHosts,
                help: "Hosts besides the origin's own that its redirects may lead to."),
        ]
    }

    /// The base URL, without a trailing slash.
    public let baseURL: String
    private let client: HTTPClient
    private let settings: Settings

    /// Creates an origin and its own HTTP client; call `shutdown()` when done.
    public init(baseURL: String, settings: Settings = Settings()) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.settings = settings
        // The read timeout ends a connection that goes silent mid-body: cancelling the fetch
        // alone does not stop AsyncHTTPClient from waiting on it.
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .init(settings.connectTimeout), read: .init(settings.totalTimeout))
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
        let url = "\(baseURL)/\(encoded.joined(separator: "/"))"
        do {
            return try await withThrowingTaskGroup(of: SourceImage.self) { group in
                group.addTask { try await fetch(url, limit: limit) }
                group.addTask {
                    try await Task.sleep(for: settings.totalTimeout)
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

    /// Fetches `url`, following the redirects the policy allows.
    private func fetch(_ url: String, limit: Int) async throws -> SourceImage {
        var url = url
        for _ in 0...settings.maxRedirects {
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .init(settings.totalTimeout))
            switch response.status.code {
            case 200:
                if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > limit {
                    throw OriginError.tooLarge(limit: limit)
                }
                let body = try await response.body.collect(upTo: limit)
                let lastModified = response.headers.first(name: "last-modified")
                return SourceImage(bytes: SourceBytes(body.readableBytesView), lastModified: lastModified)
            case 301, 302, 303, 307, 308:
                url = try redirectTarget(response.headers.first(name: "location"), from: url)
            case 404, 410:
                throw OriginError.notFound
            default:
                throw OriginError.unavailable("origin answered \(response.status.code)")
            }
        }
        throw OriginError.unavailable("origin redirected more than \(settings.maxRedirects) times")
    }

    /// Where a redirect from `url` leads, refused unless it stays on the base URL's scheme,
    /// host and port or goes to an allowed host.
    private func redirectTarget(_ location: String?, from url: String) throws -> String {
        guard let location, let target = URL(string: location, relativeTo: URL(string: url))?.absoluteURL,
            let base = URL(string: baseURL), let host = target.host
        else {
            throw OriginError.unavailable("origin redirected without a usable Location")
        }
        let sameOrigin = target.scheme == base.scheme && host == base.host && target.port == base.port
        guard sameOrigin || (["http", "https"].contains(target.scheme) && settings.allowedRedirectHosts.contains(host)) else {
            throw OriginError.unavailable("origin redirected to another host (\(host)), which origin.allow_hosts does not name")
        }
        return target.absoluteString
    }
}
