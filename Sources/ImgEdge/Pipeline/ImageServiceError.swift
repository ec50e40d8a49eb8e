public import Filters
public import Vips

/// Every way rendering a request can fail, by the concern that failed.
///
/// `HTTP/ErrorResponse.swift` maps each case to a status and a one-line reason.
public enum ImageServiceError: Error, Sendable {
    case origin(OriginError)
    case source(SourceError)
    case vips(VipsError)
    case filter(FilterError)
    /// Every worker is busy and the queue is full.
    case overloaded
}
