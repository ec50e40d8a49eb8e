/// Why a fetched or uploaded source cannot be processed, before libvips decodes it.
public enum SourceError: Error, Sendable, Equatable {
    /// The source is larger than the byte limit.
    case tooLarge(limit: Int)
    /// The upload ended before its end: the client went away or stopped sending.
    case uploadCutOff
    /// The upload took longer than its time limit to arrive.
    case uploadTooSlow(limit: Duration)
    /// The magic bytes name no accepted image format.
    case unsupportedFormat
    /// The header declares more pixels per frame than the limit.
    case tooManyPixels(width: Int, height: Int, limit: Int)
    /// The requested geometry would produce a result over the output limit.
    case outputTooLarge(width: Int, height: Int, limit: Int)
}
