import Crypto
import Filters
import Vips

/// What a render job decodes: encoded bytes, or a body a transform module has already read.
enum JobInput: Sendable {
    /// An original from the origin, or an upload, in an image format libvips reads.
    case encoded(SourceImage)
    /// An upload that passed through a transform module chunk by chunk, as it arrived or, in a
    /// worker process, from the memfd; `bodyDigest` is the SHA-256 of the body, for the ETag.
    case transformed(TransformSession, bodyDigest: [UInt8])

    /// The SHA-256 of the source's bytes.
    var digest: [UInt8] {
        switch self {
        case .encoded(let source): Array(source.bytes.withUnsafeBytes { SHA256.hash(data: $0) })
        case .transformed(_, let bodyDigest): bodyDigest
        }
    }

    /// The bytes of an encoded source; 0 for a transformed upload, whose body has been read.
    var byteCount: Int {
        switch self {
        case .encoded(let source): source.bytes.count
        case .transformed: 0
        }
    }

    /// The source's `Last-Modified`, when the origin told it.
    var lastModified: String? {
        switch self {
        case .encoded(let source): source.lastModified
        case .transformed: nil
        }
    }
}
