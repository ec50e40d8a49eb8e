import Crypto

/// What one cached variant is the answer to: which source, in which version, rendered how.
///
/// Two requests with equal keys get equal bytes, on every replica: the key holds the source's
/// identity and version, and everything that shapes the output from it (normalised options, the
/// filters with their modules' fingerprints, the negotiated candidates, the encoder settings and
/// the renderer's version). Its strong `ETag` is derived from the same rendering part and the
/// source's content (`EntityTag`), so it stays identical across replicas even where versions,
/// such as a file's inode, differ.
struct VariantKey: Hashable, Sendable {
    /// The source: the origin and path (`origin:TestImages|photo.jpg`), or `upload:` for a POSTed body.
    var source: String
    /// The source's version: a file's inode, size and modification time; an HTTP origin's
    /// `ETag` or `Last-Modified`; or `sha256:` and the content's digest.
    var version: String
    /// Everything besides the source that decides the bytes.
    var rendering: String

    /// The key's parts, for a disk entry's header, which is checked against the key on read.
    var parts: [String] { [source, version, rendering] }

    /// A file name for the key: the hex SHA-256 of its parts, so any key makes a short, safe name.
    var storageName: String {
        var hasher = SHA256()
        for part in parts {
            hasher.update(data: Array(part.utf8))
            hasher.update(data: [0])
        }
        return hasher.finalize().hexString
    }
}

extension Sequence<UInt8> {
    /// Two lowercase hex digits per byte.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
