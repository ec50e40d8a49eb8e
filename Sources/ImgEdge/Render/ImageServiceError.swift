import Filters
import Vips

/// Every way answering an image request can fail, by the concern that failed.
///
/// `HTTP/ErrorResponse.swift` maps each case to a status and a one-line reason, exhaustively.
enum ImageServiceError: Error, Sendable {
    /// The query is malformed or names what is not loaded.
    case request(RequestError)
    /// Refused before any work, for who asks or when.
    case refused(Refusal)
    case origin(OriginError)
    case source(SourceError)
    case vips(VipsError)
    case filter(FilterError)
    /// The worker process rendering the job died or misbehaved, or none could start.
    case worker(WorkerFailure)
    /// Every worker is busy and the queue is full.
    case overloaded

    /// Why a request is refused before any work.
    enum Refusal: Sendable {
        /// The path does not name a source (empty, `..`, a control character).
        case invalidPath
        /// Signing is on and `sig` is missing or does not sign the URL.
        case badSignature
        /// The client has as many requests fetching, uploading, queued or rendering as it may.
        case clientOverShare
        /// The client left before its answer.
        case clientGone
        /// The server is shutting down.
        case shuttingDown
    }

    /// The result of `body`, whose failure, of one concern, becomes the service's error.
    static func reporting<Value: ~Copyable, Failure: ImageServiceFailure>(
        _ body: () throws(Failure) -> Value
    ) throws(ImageServiceError) -> Value {
        do {
            return try body()
        } catch {
            throw error.serviceError
        }
    }
}

/// The error of one concern, as the case of `ImageServiceError` that carries it.
protocol ImageServiceFailure: Error {
    var serviceError: ImageServiceError { get }
}

extension RequestError: ImageServiceFailure {
    var serviceError: ImageServiceError { .request(self) }
}

extension OriginError: ImageServiceFailure {
    var serviceError: ImageServiceError { .origin(self) }
}

extension SourceError: ImageServiceFailure {
    var serviceError: ImageServiceError { .source(self) }
}

extension VipsError: ImageServiceFailure {
    var serviceError: ImageServiceError { .vips(self) }
}

extension WorkerFailure: ImageServiceFailure {
    var serviceError: ImageServiceError { .worker(self) }
}

extension FilterError: ImageServiceFailure {
    var serviceError: ImageServiceError { .filter(self) }
}
