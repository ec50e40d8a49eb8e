import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Vips

/// Builds the response for a rendered or cached image or a 304, with every caching header.
struct ImageResponse {
    /// The `Cache-Control` value for images.
    let cacheControl: String

    func response(for answer: ServedAnswer, negotiated: NegotiatedFormat) -> Response {
        switch answer.outcome {
        case .image(let image):
            var headers = cachingHeaders(image.validators, of: answer, negotiated: negotiated)
            headers[.contentType] = image.format.mediaType
            if answer.renderedAt == nil {
                headers[.serverTiming] = image.timings.headerValue
            }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: image.body))
        case .notModified(let validators):
            return Response(status: .notModified, headers: cachingHeaders(validators, of: answer, negotiated: negotiated))
        }
    }

    /// Headers a 200 and its 304 share, as RFC 9110 asks, and where the answer came from.
    private func cachingHeaders(
        _ validators: RenderedImage.Validators, of answer: ServedAnswer, negotiated: NegotiatedFormat
    ) -> HTTPFields {
        var headers: HTTPFields = [.cacheControl: cacheControl, .eTag: validators.entityTag, .xCache: answer.cacheStatus.rawValue]
        if let lastModified = validators.lastModified {
            headers[.lastModified] = lastModified
        }
        if !negotiated.consultedHeaders.isEmpty {
            headers[.vary] = negotiated.consultedHeaders.joined(separator: ", ")
        }
        if let renderedAt = answer.renderedAt {
            headers[.age] = String(max(0, Int(Date.now.timeIntervalSince1970) - renderedAt))
        }
        return headers
    }
}

extension HTTPField.Name {
    static let serverTiming = HTTPField.Name("Server-Timing")!
    static let xCache = HTTPField.Name("X-Cache")!
}
