import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// A response read whole through a proxy, with the headers the deployment tests look at.
struct ProxiedResponse: Sendable {
    let status: UInt
    let headers: HTTPHeaders
    let body: [UInt8]

    static func get(_ url: String, _ headers: [(String, String)]) async throws -> ProxiedResponse {
        var request = HTTPClientRequest(url: url)
        request.headers.add(contentsOf: headers)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 64 << 20)
        return ProxiedResponse(status: response.status.code, headers: response.headers, body: Array(buffer: body))
    }

    subscript(_ name: String) -> String? {
        headers.first(name: name)
    }
}
