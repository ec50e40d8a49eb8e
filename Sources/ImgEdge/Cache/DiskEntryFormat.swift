import CChecksum
import NIOCore
import Vips

/// The layout of one disk cache entry: a header naming the key and describing the body, then
/// the body.
///
/// ```
/// magic         4 bytes   "IEDV"
/// version       UInt16    2
/// headerLength  UInt32    the header's length, magic included, at most `maxHeaderLength`
/// source, version, rendering, format, entityTag
///               each a UInt32 length and that many bytes of UTF-8
/// lastModified  UInt8 0 when absent; 1, then a UInt32 length and UTF-8
/// renderedAt    Int64
/// bodyLength    UInt64
/// bodyChecksum  UInt32, the body's CRC-32C
/// ```
/// Integers are big-endian. A file is hostile until proven otherwise: decoding only reads the
/// bytes it is given, so no length field can make it allocate more than the file holds, and a
/// header longer than `maxHeaderLength` is refused. The checksum finds a torn or damaged file,
/// as a digest would, at a fraction of its cost on every disk hit; the cache directory is the
/// server's own, not an attacker's (version 1 held a SHA-256; its files are removed as unsound).
enum DiskEntryFormat {
    /// What an entry's header says.
    struct Header: Equatable {
        /// The key's `parts`, to check against the key looked up.
        var keyParts: [String]
        var variant: CachedVariant.Header
        var headerLength: Int
        var bodyLength: Int
        var bodyChecksum: UInt32

        /// The length the entry's file must have.
        var fileLength: Int { headerLength + bodyLength }
    }

    static let magic: [UInt8] = Array("IEDV".utf8)
    static let version: UInt16 = 2
    /// The longest header accepted, written or read.
    static let maxHeaderLength = 64 * 1024
    /// Magic, version and header length: enough to know how much more to read.
    static let prefixLength = 10

    /// The header for `variant` stored under `key`; nil when it would pass `maxHeaderLength`.
    ///
    /// It reads the whole body, so call it off the event loop.
    static func encode(key: VariantKey, variant: CachedVariant) -> ByteBuffer? {
        var fields = ByteBuffer()
        for text in key.parts + [variant.header.format.rawValue, variant.header.entityTag] {
            fields.writeLengthPrefixed(text)
        }
        if let lastModified = variant.header.lastModified {
            fields.writeInteger(UInt8(1))
            fields.writeLengthPrefixed(lastModified)
        } else {
            fields.writeInteger(UInt8(0))
        }
        fields.writeInteger(Int64(variant.header.renderedAt))
        fields.writeInteger(UInt64(variant.body.readableBytes))
        fields.writeInteger(checksum(of: variant.body))

        let headerLength = prefixLength + fields.readableBytes
        guard headerLength <= maxHeaderLength else { return nil }
        var header = ByteBuffer()
        header.writeBytes(magic)
        header.writeInteger(version)
        header.writeInteger(UInt32(headerLength))
        header.writeBuffer(&fields)
        return header
    }

    /// The header length a file's first `prefixLength` bytes declare; nil when they are not an
    /// entry of this version or declare an impossible length.
    static func declaredHeaderLength(_ prefix: ByteBuffer) -> Int? {
        var prefix = prefix
        guard prefix.readBytes(length: magic.count) == magic,
            prefix.readInteger(as: UInt16.self) == version,
            let length = prefix.readInteger(as: UInt32.self).map(Int.init),
            length > prefixLength, length <= maxHeaderLength
        else { return nil }
        return length
    }

    /// The header at the start of `bytes`; nil unless it is well-formed, complete and ends
    /// exactly where it says.
    static func decodeHeader(_ bytes: ByteBuffer) -> Header? {
        guard let headerLength = declaredHeaderLength(bytes), bytes.readableBytes >= headerLength,
            var fields = bytes.getSlice(at: bytes.readerIndex + prefixLength, length: headerLength - prefixLength)
        else { return nil }
        guard let source = fields.readLengthPrefixed(), let version = fields.readLengthPrefixed(),
            let rendering = fields.readLengthPrefixed(),
            let format = fields.readLengthPrefixed().flatMap(VariantFormat.init(rawValue:)),
            let entityTag = fields.readLengthPrefixed(),
            let hasLastModified = fields.readInteger(as: UInt8.self), hasLastModified <= 1
        else { return nil }
        var lastModified: String?
        if hasLastModified == 1 {
            guard let text = fields.readLengthPrefixed() else { return nil }
            lastModified = text
        }
        guard let renderedAt = fields.readInteger(as: Int64.self),
            let bodyLength = fields.readInteger(as: UInt64.self), bodyLength <= UInt64(Int.max - headerLength),
            let bodyChecksum = fields.readInteger(as: UInt32.self), fields.readableBytes == 0
        else { return nil }
        return Header(
            keyParts: [source, version, rendering],
            variant: .init(format: format, entityTag: entityTag, lastModified: lastModified, renderedAt: Int(renderedAt)),
            headerLength: headerLength,
            bodyLength: Int(bodyLength),
            bodyChecksum: bodyChecksum
        )
    }

    /// The variant a whole entry file holds, if it is `key`'s and intact: the header decodes,
    /// names `key`, the file is exactly header and body long, and the body matches its checksum.
    ///
    /// The body is a slice of `file`, not a copy. It reads the whole body: on an event loop,
    /// only for a small file (`DiskTier.maxEventLoopReadLength`).
    static func decodeVerified(_ file: ByteBuffer, for key: VariantKey) -> CachedVariant? {
        guard let header = decodeHeader(file), key.hasParts(header.keyParts), header.fileLength == file.readableBytes,
            let body = file.getSlice(at: file.readerIndex + header.headerLength, length: header.bodyLength)
        else { return nil }
        guard checksum(of: body) == header.bodyChecksum else { return nil }
        return CachedVariant(header: header.variant, body: body)
    }

    /// The CRC-32C of `body`'s readable bytes.
    static func checksum(of body: ByteBuffer) -> UInt32 {
        body.withUnsafeReadableBytes { imgedge_crc32c($0.baseAddress, $0.count) }
    }
}

extension ByteBuffer {
    fileprivate mutating func writeLengthPrefixed(_ text: String) {
        writeInteger(UInt32(truncatingIfNeeded: text.utf8.count))
        writeString(text)
    }

    /// A UInt32 length and that many bytes of UTF-8; nil when the length runs past the buffer.
    fileprivate mutating func readLengthPrefixed() -> String? {
        guard let length = getInteger(at: readerIndex, as: UInt32.self), Int(length) <= readableBytes - 4 else {
            return nil
        }
        moveReaderIndex(forwardBy: 4)
        return readString(length: Int(length))
    }
}
