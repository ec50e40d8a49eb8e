import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Vips

/// Builds the response for a rendered or cached image or a 304, with every caching header.
struct ImageResponse {
    /// The `Cache-Control` value for images whose bytes are lasting.
    let cacheControl: String
    /// How long caches may keep a variant's fast bytes, which the optimiser replaces.
    let optimizeAfterSeconds: Int
    /// The `Cache-Control` value for a 404, the fallback image's included: a missing original
    /// may appear soon.
    static let missingCacheControl = "public, max-age=60"

    /// - Parameter vary: the request headers the answer depends on.
    func response(for answer: ServedAnswer, vary: [String]) -> Response {
        let (head, body) = parts(for: answer, vary: vary)
        return Response(status: head.status, headers: head.headerFields, body: body.map { .init(byteBuffer: $0) } ?? .init())
    }

    /// The response's head, `Content-Length` included, and its body (none for a 304).
    func parts(for answer: ServedAnswer, vary: [String]) -> (head: HTTPResponse, body: ByteBuffer?) {
        switch answer.outcome {
        case .image(let image):
            var headers = cachingHeaders(image.header, of: answer, vary: vary)
            headers.append(HTTPField(name: .contentType, value: image.format.mediaType))
            headers.append(HTTPField(name: .contentLength, value: String(image.body.readableBytes)))
            if !answer.isCacheHit {
                headers.append(HTTPField(name: .serverTiming, value: image.timings.headerValue))
            }
            return (HTTPResponse(status: answer.isFallback ? .notFound : .ok, headerFields: headers), image.body)
        case .notModified(let header):
            return (HTTPResponse(status: .notModified, headerFields: cachingHeaders(header, of: answer, vary: vary)), nil)
        }
    }

    /// Headers a 200 and its 304 share, as RFC 9110 asks, and where the answer came from, with
    /// room for the rest. Each name comes once, so each field is appended: this runs on every
    /// cache hit.
    private func cachingHeaders(
        _ header: VariantHeader, of answer: ServedAnswer, vary: [String]
    ) -> HTTPFields {
        var headers = HTTPFields()
        headers.reserveCapacity(Self.mostFields)
        let control =
            answer.isFallback
            ? Self.missingCacheControl : header.stage.isLasting ? cacheControl : "public, max-age=\(optimizeAfterSeconds)"
        headers.append(HTTPField(name: .cacheControl, value: control))
        headers.append(HTTPField(name: .eTag, value: header.entityTag))
        headers.append(HTTPField(name: .xVariant, value: header.format.rawValue))
        headers.append(HTTPField(name: .xStage, value: header.stage.rawValue))
        headers.append(HTTPField(name: .xCache, value: answer.cacheStatus.rawValue))
        if let lastModified = header.lastModified {
            headers.append(HTTPField(name: .lastModified, value: lastModified))
        }
        if !vary.isEmpty {
            headers.append(HTTPField(name: .vary, value: vary.joined(separator: ", ")))
        }
        if answer.isCacheHit {
            headers.append(HTTPField(name: .age, value: String(header.age(at: VariantHeader.currentTime))))
        }
        return headers
    }

    /// The most fields an image response has: the caching headers, `Content-Type`,
    /// `Content-Length` and `Server-Timing`, and `Date` and `Server`, which the server adds.
    private static let mostFields = 13
}

extension HTTPField.Name {
    static let serverTiming = HTTPField.Name("Server-Timing")!
    static let xCache = HTTPField.Name("X-Cache")!
    /// The format of the variant served (`avif`, `jpeg`, ...), for CDN rules and logs to key on.
    static let xVariant = HTTPField.Name("X-Variant")!
    /// Whether the variant's bytes are its fast encode, its optimised one, or final (`VariantStage`).
    static let xStage = HTTPField.Name("X-Stage")!
}
