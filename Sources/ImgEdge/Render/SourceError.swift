/// Why a fetched or uploaded source cannot be processed, before libvips decodes it.
enum SourceError: Error, Sendable, Equatable, Codable {
    /// The source is larger than the byte limit.
    case tooLarge(limit: Int)
    /// The upload ended before its end: the client went away or stopped sending.
    case uploadCutOff
    /// The upload took longer than its time limit to arrive.
    case uploadTooSlow(limit: Duration)
    /// The magic bytes name no accepted image format.
    case unsupportedFormat
    /// The header declares more pixels, over the frames to decode, than the limit.
    case tooManyPixels(width: Int, height: Int, frames: Int, limit: Int)
    /// The header declares more bands than an sRGB image with alpha has.
    case tooManyBands(Int)
    /// The PNG's chunks claim more bytes than the file holds.
    case corruptChunks
    /// The requested geometry would produce a result wider or taller than the side limit.
    case outputTooLarge(width: Int, height: Int, limit: Int)
    /// The crop holds none of the picture, which is `width` x `height` once turned.
    case cropOutside(width: Int, height: Int)
    /// The requested geometry would produce more pixels, over its frames, than the limit.
    case outputTooManyPixels(width: Int, height: Int, frames: Int, limit: Int)
}
