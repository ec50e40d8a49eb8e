import HTTPTypes
import Hummingbird
import NIOCore
import Vips

/// Builds the response for a rendered image or a 304, with every caching header.
struct ImageResponse {
    /// The `Cache-Control` value for images.
    let cacheControl: String

    func response(for outcome: RenderOutcome, negotiated: NegotiatedFormat) -> Response {
        switch outcome {
        case .image(let image):
            var headers = cachingHeaders(image.validators, negotiated: negotiated)
            headers[.contentType] = image.format.mediaType
            headers[.serverTiming] = image.timings.headerValue
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: image.bytes)))
        case .notModified(let validators):
            return Response(status: .notModified, headers: cachingHeaders(validators, negotiated: negotiated))
        }
    }

    /// Headers a 200 and its 304 share, as RFC 9110 asks.
    private func cachingHeaders(_ validators: RenderedImage.Validators, negotiated: NegotiatedFormat) -> HTTPFields {
        var headers: HTTPFields = [.cacheControl: cacheControl, .eTag: validators.entityTag]
        if let lastModified = validators.lastModified {
            headers[.lastModified] = lastModified
        }
        if !negotiated.consultedHeaders.isEmpty {
            headers[.vary] = negotiated.consultedHeaders.joined(separator: ", ")
        }
        return headers
    }
}

extension HTTPField.Name {
    static let serverTiming = HTTPField.Name("Server-Timing")!
}
