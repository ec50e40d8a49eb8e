import Crypto

/// What one cached variant is the answer to: which source, in which version, rendered how.
///
/// Two requests with equal keys get equal bytes, on every replica: the key holds the source's
/// identity and version, and everything that shapes the output from it (normalised options, the
/// filters with their modules' fingerprints, the negotiated candidates, the encoder settings and
/// the renderer's version). Its strong `ETag` is derived from the same rendering part and the
/// source's content (`EntityTag`), so it stays identical across replicas even where versions,
/// such as a file's inode, differ. Keys are equal when their parts are the same UTF-8 bytes,
/// never merely canonically equivalent (`String.hasSameBytes(as:)`).
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

    /// Whether `parts` are this key's, byte for byte: a disk entry's check on read.
    func hasParts(_ parts: [String]) -> Bool {
        parts.elementsEqual(self.parts) { $0.hasSameBytes(as: $1) }
    }

    static func == (left: VariantKey, right: VariantKey) -> Bool {
        left.source.hasSameBytes(as: right.source) && left.version.hasSameBytes(as: right.version)
            && left.rendering.hasSameBytes(as: right.rendering)
    }

    func hash(into hasher: inout Hasher) {
        source.hashBytes(into: &hasher)
        version.hashBytes(into: &hasher)
        rendering.hashBytes(into: &hasher)
    }

    /// The length of every `storageName`.
    static let storageNameLength = 2 * SHA256.byteCount

    /// A file name for the key: the hex SHA-256 of its parts, so any key makes a short, safe name.
    var storageName: String {
        // Part by part, without an array of them: every disk lookup names its entry.
        var hasher = SHA256()
        func add(_ part: String) {
            var part = part
            part.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
            withUnsafeBytes(of: UInt8(0)) { hasher.update(bufferPointer: $0) }
        }
        add(source)
        add(version)
        add(rendering)
        return hasher.finalize().hexString
    }
}

extension Sequence<UInt8> {
    /// Two lowercase hex digits per byte.
    var hexString: String {
        let bytes = Array(self)
        return String(unsafeUninitializedCapacity: bytes.count * 2) { text in
            func digit(_ value: UInt8) -> UInt8 { value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10 }
            for (index, byte) in bytes.enumerated() {
                text[2 * index] = digit(byte >> 4)
                text[2 * index + 1] = digit(byte & 0x0f)
            }
            return bytes.count * 2
        }
    }
}
