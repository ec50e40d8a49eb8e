import Filters
import HTTPTypes
import Hummingbird
import NIOCore
import Vips

/// An error answered as a status and a one-line plain-text reason.
///
/// The one place that maps every failure of every concern to HTTP, exhaustively, so a new
/// error case cannot compile without a status. Client faults are 4xx, never 5xx.
struct ErrorResponse: HTTPResponseError {
    let status: HTTPResponse.Status
    let reason: String
    /// What went wrong, for logs and metrics.
    let kind: ErrorKind

    private init(status: HTTPResponse.Status, reason: String, kind: ErrorKind) {
        self.status = status
        self.reason = reason
        self.kind = kind
    }

    init(_ error: ImageServiceError) {
        switch error {
        case .request(.options(let error)):
            self.init(status: .badRequest, reason: error.reason, kind: .invalidOptions)
        case .request(.unknownModule(let parameter, let name, let available)):
            self.init(
                status: .badRequest,
                reason: "unknown \(parameter) \(OptionsError.quoted(name)); available: \(available.joined(separator: ", "))",
                kind: parameter == "transform" ? .unknownTransform : .unknownFilter)
        case .refused(.invalidPath):
            self.init(status: .badRequest, reason: "invalid image path", kind: .invalidPath)
        case .refused(.badSignature):
            self.init(status: .forbidden, reason: "missing or invalid signature (sig)", kind: .badSignature)
        case .refused(.clientOverShare):
            self.init(
                status: .tooManyRequests, reason: "too many of this client's requests under way, retry shortly",
                kind: .clientOverShare)
        case .refused(.clientGone):
            self.init(status: .serviceUnavailable, reason: "client gone", kind: .clientGone)
        case .refused(.shuttingDown):
            self.init(status: .serviceUnavailable, reason: "shutting down, retry shortly", kind: .shuttingDown)
        case .origin(.notFound):
            self.init(status: .notFound, reason: "no image at this path", kind: .notFound)
        case .origin(.tooLarge(let limit)), .source(.tooLarge(let limit)):
            self.init(status: .contentTooLarge, reason: "source is larger than \(limit) bytes", kind: .tooLarge)
        case .source(.uploadCutOff):
            self.init(status: .badRequest, reason: "the upload was cut off before its end", kind: .uploadCutOff)
        case .source(.uploadTooSlow(let limit)):
            self.init(status: .requestTimeout, reason: "the upload took longer than \(limit)", kind: .uploadTooSlow)
        case .origin(.unavailable):
            self.init(status: .badGateway, reason: "origin failed", kind: .originFailed)
        case .origin(.timedOut):
            self.init(status: .gatewayTimeout, reason: "origin timed out", kind: .originTimeout)
        case .source(.unsupportedFormat):
            self.init(
                status: .unsupportedMediaType, reason: "not a supported image (JPEG, PNG, GIF, WebP or AVIF/HEIF)",
                kind: .unsupportedFormat)
        case .source(.tooManyPixels(let width, let height, let frames, let limit)):
            self.init(
                status: .unprocessableContent,
                reason: "image is \(width)x\(height)\(Self.times(frames)), more than \(limit) pixels",
                kind: .tooManyPixels)
        case .source(.tooManyBands(let bands)):
            self.init(status: .unprocessableContent, reason: "image has \(bands) bands, more than 4", kind: .tooManyBands)
        case .source(.outputTooLarge(let width, let height, let limit)):
            self.init(
                status: .badRequest, reason: "result would be \(width)x\(height), over the limit of \(limit) pixels a side",
                kind: .outputTooLarge)
        case .source(.cropOutside(let width, let height)):
            self.init(
                status: .badRequest, reason: "crop lies outside the image, which is \(width)x\(height)", kind: .invalidOptions)
        case .source(.outputTooManyPixels(let width, let height, let frames, let limit)):
            self.init(
                status: .badRequest, reason: "result would be \(width)x\(height)\(Self.times(frames)), more than \(limit) pixels",
                kind: .outputTooLarge)
        case .vips(.unreadableHeader), .vips(.decodeFailed), .vips(.transformFailed), .source(.corruptChunks):
            self.init(status: .unprocessableContent, reason: "image data is corrupt or truncated", kind: .undecodable)
        case .vips(.stopped):
            self = .tookTooLong
        case .vips(.encodeFailed), .vips(.startFailed):
            self.init(status: .internalServerError, reason: "encoding failed", kind: .encodeFailed)
        case .filter(let failure):
            switch failure {
            case .failed:
                self.init(status: .unprocessableContent, reason: failure.reason, kind: .filterFailed)
            case .invalidModule:
                self.init(status: .internalServerError, reason: "a filter module could not be instantiated", kind: .filterInvalid)
            case .stopped:
                self = .tookTooLong
            }
        case .worker(.died):
            self.init(status: .unprocessableContent, reason: "image could not be processed", kind: .workerCrashed)
        case .worker(.crashedRecently):
            self.init(
                status: .unprocessableContent, reason: "image could not be processed (it crashed a worker lately)",
                kind: .workerCrashed)
        case .worker(.misbehaved):
            self.init(status: .internalServerError, reason: "rendering failed", kind: .workerFailed)
        case .worker(.couldNotStart):
            self.init(status: .serviceUnavailable, reason: "no worker could start, retry shortly", kind: .workerFailed)
        case .overloaded:
            self.init(status: .serviceUnavailable, reason: "busy, retry shortly", kind: .overloaded)
        }
    }

    /// A job stopped at its deadline, in libvips or in a filter module.
    private static let tookTooLong = ErrorResponse(
        status: .serviceUnavailable, reason: "processing took too long, retry shortly", kind: .stopped)

    /// " × N frames" for an animation, nothing for a still.
    private static func times(_ frames: Int) -> String {
        frames > 1 ? " × \(frames) frames" : ""
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "text/plain; charset=utf-8"]
        switch status {
        case .notFound:
            headers[.cacheControl] = ImageResponse.missingCacheControl
        case .serviceUnavailable, .tooManyRequests:
            headers[.cacheControl] = "no-store"
            headers[.retryAfter] = "1"
        default:
            headers[.cacheControl] = "no-store"
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: reason + "\n")))
    }
}
