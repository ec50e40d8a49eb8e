/// What a request asks for: the image, or an answer about it. The raw value is the `format=`
/// that asks for it.
enum Answer: String, Sendable, Hashable, CaseIterable, Codable {
    /// The image itself, in the negotiated or the URL's format.
    case image
    /// A blurred placeholder at most 32 px a side (`format=lqip`).
    case placeholder = "lqip"
    /// The source's size, format, frames, alpha, orientation, dominant colour and ThumbHash as
    /// JSON (`format=json`).
    case metadata = "json"
    /// The source's ThumbHash bytes (`format=thumbhash`).
    case thumbHash = "thumbhash"

    /// Whether the answer is about the source as it is (`json`, `thumbhash`): computed from the
    /// source alone, so no size, crop, turn, encoder option or filter changes its bytes.
    var describesSource: Bool { self == .metadata || self == .thumbHash }

    /// The answer `format=value` asks for, when it is not an image format.
    init?(format value: String) {
        guard value != Self.image.rawValue, let answer = Self(rawValue: value) else { return nil }
        self = answer
    }
}
