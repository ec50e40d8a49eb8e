import Vips

/// What a variant's bytes are: an encoded image, or one of the answers about the source that
/// are cached and tagged like images (`format=json`, `format=thumbhash`). The raw value is
/// what `X-Variant` says, the metrics' `format` label and the disk tier's record.
enum VariantFormat: Sendable, Hashable, CaseIterable, RawRepresentable, Codable {
    case image(ImageFormat)
    /// The source's metadata as JSON.
    case metadata
    /// The source's ThumbHash bytes.
    case thumbHash

    static let allCases: [VariantFormat] = ImageFormat.allCases.map(Self.image) + [.metadata, .thumbHash]

    init?(rawValue: String) {
        switch rawValue {
        case "json": self = .metadata
        case "thumbhash": self = .thumbHash
        default:
            guard let format = ImageFormat(rawValue: rawValue) else { return nil }
            self = .image(format)
        }
    }

    var rawValue: String {
        switch self {
        case .image(let format): format.rawValue
        case .metadata: "json"
        case .thumbHash: "thumbhash"
        }
    }

    /// The `Content-Type` of the bytes.
    var mediaType: String {
        switch self {
        case .image(let format): format.mediaType
        case .metadata: "application/json"
        case .thumbHash: "application/octet-stream"
        }
    }
}
