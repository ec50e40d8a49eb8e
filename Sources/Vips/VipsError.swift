/// A libvips failure, classified by the step that failed.
///
/// libvips' error buffer is process-global, so the step, not the text, decides what the failure
/// means: a header or decode failure is the client's image, an encode failure is ours. The
/// text is kept for logs.
public enum VipsError: Error, Sendable, Equatable, Codable {
    /// libvips could not start.
    case startFailed(String)
    /// The bytes are not an image libvips can read the header of.
    case unreadableHeader(String)
    /// The header was readable but decoding or resizing failed (truncated or corrupt data).
    case decodeFailed(String)
    /// Cropping, letterboxing or flattening failed.
    case transformFailed(String)
    /// The encoder failed.
    case encodeFailed(String)
    /// The job's `EvaluationBudget` ran out or it was called off, and libvips stopped.
    case stopped

    /// libvips' own text for the failure, on one line.
    public var detail: String {
        switch self {
        case .startFailed(let text), .unreadableHeader(let text), .decodeFailed(let text),
            .transformFailed(let text), .encodeFailed(let text):
            text
        case .stopped:
            "stopped: the job ran out of time or was called off"
        }
    }
}
