/// An image format imgedge can decode or encode, named as in URLs (`format=webp`).
///
/// The raw value is the URL spelling; `mediaType` is what goes into `Content-Type` and what
/// `Accept` names.
public enum ImageFormat: String, CaseIterable, Sendable, Hashable, Codable {
    case avif
    case webp
    case jpeg
    case png
    case gif
    case jxl

    /// The IANA media type, e.g. `image/avif`.
    public var mediaType: String {
        "image/\(rawValue)"
    }

    /// Whether the format can carry more than one frame.
    public var canAnimate: Bool {
        switch self {
        case .webp, .gif: true
        case .avif, .jpeg, .png, .jxl: false
        }
    }

    /// Whether the format can carry an alpha channel.
    public var supportsAlpha: Bool {
        self != .jpeg
    }
}
