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
/// `Settings.allowedRedirectHosts` names, a bounded number of times; a redirect to another host
/// connects only to an address the SSRF guard passed. The whole fetch, head and body, runs under
/// one deadline, and the body is collected only up to the size limit.
struct HTTPOrigin: Origin {
    /// Timeouts and redirect policy for origin fetches.
    struct Settings: Sendable {
        /// How long to wait for a TCP (and TLS) connection.
        var connectTimeout: Duration = .seconds(5)
        /// How long a whole fetch, redirects and body included, may take.
        var totalTimeout: Duration = .seconds(20)
        /// Redirects followed before giving up.
        var maxRedirects = 3
        /// Hosts besides the base URL's own that a redirect may lead to.
        var allowedRedirectHosts: [String] = []

        init() {}

        /// The settings of this concern, under `origin.` in a config file.
        static let configurationKeys: [ConfigurationKey<Self>] = [
            .seconds(
                "origin.connect_timeout_seconds", flag: "origin-connect-timeout-seconds", \.connectTimeout, in: 0.1...600,
                help: "How long to wait for a connection to an HTTP or S3 origin."),
            .seconds(
                "origin.timeout_seconds", flag: "origin-timeout-seconds", \.totalTimeout, in: 0.1...600,
                help: "How long a whole fetch from an HTTP or S3 origin may take, body and retries included (504 after)."),
            .integer(
                "origin.max_redirects", flag: "origin-max-redirects", \.maxRedirects, in: 0...10,
                help: "Redirects an HTTP origin may answer with before the fetch fails."),
            .textList(
                "origin.allow_hosts", flag: "origin-allow-host", \.allowedRedirectHosts,
                help: "Hosts besides the origin's own that its redirects may lead to."
            ) { hosts in
                hosts.contains { $0.contains(",") } ? "takes one host a flag: repeat the flag for more" : nil
            },
        ]
    }

    /// The base URL, without a trailing slash.
    let baseURL: String
    private let baseHost: String?
    private let client: HTTPClient
    private let settings: Settings

    /// Creates an origin and its own HTTP client; call `shutdown()` when done.
    init(baseURL: String, settings: Settings = Settings()) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.baseHost = URL(string: self.baseURL)?.host
        self.settings = settings
        client = OriginRequests.makeClient(settings)
    }

    /// Closes the client's connections.
    func shutdown() async throws {
        try await client.shutdown()
    }

    func fetch(_ path: SourcePath, limit: Int) async throws(OriginError) -> SourceImage {
        try await OriginRequests.withinDeadline(settings.totalTimeout, limit: limit) {
            try await follow(url(of: path)) { url, client in try await get(url, with: client, limit: limit) }
        }
    }

    /// The validator of the original, from a HEAD request: nothing of the body is read.
    func version(of path: SourcePath) async throws(OriginError) -> String? {
        try await OriginRequests.withinDeadline(settings.totalTimeout, limit: 0) {
            try await follow(url(of: path)) { url, client in try await head(url, with: client) }
        }
    }

    /// The URL of `path` under the base URL, each segment percent-encoded.
    private func url(of path: SourcePath) -> String {
        let encoded = path.segments.map {
            $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? $0
        }
        return "\(baseURL)/\(encoded.joined(separator: "/"))"
    }

    /// Sends `request` to `url`, and again to where it redirects, as far as the policy allows.
    private func follow<Result>(
        _ url: String, _ request: (String, HTTPClient) async throws -> Answer<Result>
    ) async throws -> Result {
        var url = url
        for _ in 0...settings.maxRedirects {
            switch try await withClient(for: url, { try await request(url, $0) }) {
            case .found(let result):
                return result
            case .redirect(let location):
                url = try redirectTarget(location, from: url)
            }
        }
        throw OriginError.unavailable("origin redirected more than \(settings.maxRedirects) times")
    }

    private enum Answer<Found> {
        case found(Found)
        case redirect(location: String?)
    }

    /// One GET: the image, or where the origin redirects to.
    private func get(_ url: String, with client: HTTPClient, limit: Int) async throws -> Answer<SourceImage> {
        let response = try await client.execute(HTTPClientRequest(url: url), timeout: .init(settings.totalTimeout))
        if let redirect: Answer<SourceImage> = try Self.redirectOrFailure(response) {
            return redirect
        }
        return .found(try await OriginRequests.image(in: response, limit: limit))
    }

    /// One HEAD: the original's validator, or where the origin redirects to.
    private func head(_ url: String, with client: HTTPClient) async throws -> Answer<String?> {
        var request = HTTPClientRequest(url: url)
        request.method = .HEAD
        let response = try await client.execute(request, timeout: .init(settings.totalTimeout))
        if let redirect: Answer<String?> = try Self.redirectOrFailure(response) {
            return redirect
        }
        return .found(OriginRequests.version(in: response.headers))
    }

    /// A redirect's answer, nil for a 200, or the failure any other status is.
    private static func redirectOrFailure<Found>(_ response: HTTPClientResponse) throws -> Answer<Found>? {
        switch response.status.code {
        case 200:
            return nil
        case 301, 302, 303, 307, 308:
            return .redirect(location: response.headers.first(name: "location"))
        case 404, 410:
            throw OriginError.notFound
        default:
            throw OriginError.unavailable("origin answered \(response.status.code)")
        }
    }

    /// Runs `body` with the origin's own client for its own host. For another host, one a
    /// redirect was allowed to, the client is one of its own, pinned to an address that passed
    /// the SSRF guard, so the connection goes to the very address that was checked.
    private func withClient<Result>(for url: String, _ body: (HTTPClient) async throws -> Result) async throws -> Result {
        guard let host = URL(string: url)?.host, host != baseHost else { return try await body(client) }
        let pinned = OriginRequests.makeClient(settings, pinned: [host: try await guardedAddress(of: host).description])
        do {
            let result = try await body(pinned)
            try await pinned.shutdown()
            return result
        } catch {
            try? await pinned.shutdown()
            throw error
        }
    }

    /// The SSRF guard: an address of `host` that is public or is one of the origin's own.
    /// Internal ones (loopback, link-local and metadata, private, unique-local, IPv4 embedded
    /// in IPv6 included) are refused unless the configured origin itself resolves to them.
    private func guardedAddress(of host: String) async throws -> IPAddress {
        let candidates = try await HostResolver.addresses(of: host)
        let own = Set(try await HostResolver.addresses(of: baseHost ?? ""))
        guard let address = candidates.first(where: { !$0.isInternal || own.contains($0) }) else {
            let listed = candidates.map(\.description).joined(separator: ", ")
            throw OriginError.unavailable(
                "origin redirected to \(host), whose addresses (\(listed)) are internal and not the origin's")
        }
        return address
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
