import CChecksum
import Foundation
import NIOCore
import Vips

/// The layout of one disk cache entry: a header naming the key and describing the body, then
/// the body.
///
/// ```
/// magic         4 bytes   "IEDV"
/// version       UInt16    3
/// headerLength  UInt32    the header's length, magic included, at most `maxHeaderLength`
/// source, version, rendering, format, entityTag, stage
///               each a UInt32 length and that many bytes of UTF-8
/// lastModified  UInt8 0 when absent; 1, then a UInt32 length and UTF-8
/// renderedAt    Int64
/// bodyLength    UInt64
/// bodyChecksum  UInt32, the body's CRC-32C
/// ```
/// Integers are big-endian. A file is hostile until proven otherwise: the directory is checked at
/// start to be the server's user's alone (`DiskDirectoryOwnership`), but whatever wrote a file
/// in it, a bug, a restore from backup or an intruder, gets no say in how the server behaves.
/// Decoding only reads the bytes it is given, so no length field can make it allocate more
/// than the file holds; a header longer than `maxHeaderLength` is refused; and every field
/// decoded is checked (`acceptsFields`): the format is one imgedge makes, the entity tag a short
/// quoted tag, `lastModified` a short line of visible ASCII, and `renderedAt` neither before
/// 1970 nor more than `maxClockSkew` ahead of now, so no arithmetic on it can overflow. A
/// header that fails is treated as a corrupt file. The checksum finds a torn or damaged body,
/// as a digest would, at a fraction of its cost on every disk hit; it covers the body only, so
/// it proves nothing about the header, which the checks above must (version 1 held a SHA-256;
/// its files are removed as unsound). Version 2 had no stage: its entries, which were never
/// written at the fast stage, are read as `.final`.
enum DiskEntryFormat {
    /// What an entry's header says.
    struct Header: Equatable {
        /// The key's `parts`, to check against the key looked up.
        var keyParts: [String]
        var variant: VariantHeader
        var headerLength: Int
        var bodyLength: Int
        var bodyChecksum: UInt32

        /// The length the entry's file must have.
        var fileLength: Int { headerLength + bodyLength }
    }

    static let magic: [UInt8] = Array("IEDV".utf8)
    /// The version written.
    static let version: UInt16 = 3
    /// The versions read.
    static let readableVersions: ClosedRange<UInt16> = 2...3
    /// The longest header accepted, written or read.
    static let maxHeaderLength = 64 * 1024
    /// Magic, version and header length: enough to know how much more to read.
    static let prefixLength = 10
    /// How far ahead of this machine's clock an entry's `renderedAt` may be: a clock stepped back
    /// a little keeps the cache, one stepped back further loses the entries rendered since.
    static let maxClockSkew = 300
    /// The longest entity tag accepted; imgedge's own are 34 bytes.
    static let maxEntityTagLength = 128
    /// The longest `lastModified` accepted; an HTTP-date is 29 bytes.
    static let maxLastModifiedLength = 64

    /// The header for `variant` stored under `key`; nil when it would pass `maxHeaderLength`, or
    /// hold a field that `decodeHeader` would refuse (a `lastModified` an HTTP origin sent
    /// unusually long, say), so no entry is written only to be removed when read.
    ///
    /// It reads the whole body, so call it off the event loop.
    static func encode(key: VariantKey, variant: CachedVariant, now: Int = VariantHeader.currentTime) -> ByteBuffer? {
        guard acceptsFields(of: variant.header, now: now) else { return nil }
        var fields = ByteBuffer()
        for text in key.parts + [variant.header.format.rawValue, variant.header.entityTag, variant.header.stage.rawValue] {
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

    /// The version and header length a file's first `prefixLength` bytes declare; nil when they
    /// are not an entry of a version read or declare an impossible length.
    static func declaredHeader(_ prefix: ByteBuffer) -> (version: UInt16, length: Int)? {
        var prefix = prefix
        guard prefix.readBytes(length: magic.count) == magic,
            let version = prefix.readInteger(as: UInt16.self), readableVersions.contains(version),
            let length = prefix.readInteger(as: UInt32.self).map(Int.init),
            length > prefixLength, length <= maxHeaderLength
        else { return nil }
        return (version, length)
    }

    /// The header at the start of `bytes`; nil unless it is well-formed, complete, ends exactly
    /// where it says, and every field passes `acceptsFields` at `now` (seconds since 1970).
    static func decodeHeader(_ bytes: ByteBuffer, now: Int = VariantHeader.currentTime) -> Header? {
        guard let (formatVersion, headerLength) = declaredHeader(bytes), bytes.readableBytes >= headerLength,
            var fields = bytes.getSlice(at: bytes.readerIndex + prefixLength, length: headerLength - prefixLength)
        else { return nil }
        guard let source = fields.readLengthPrefixed(), let version = fields.readLengthPrefixed(),
            let rendering = fields.readLengthPrefixed(),
            let format = fields.readLengthPrefixed().flatMap(VariantFormat.init(rawValue:)),
            let entityTag = fields.readLengthPrefixed(),
            let stage = formatVersion == 2 ? .final : fields.readLengthPrefixed().flatMap(VariantStage.init(rawValue:)),
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
        let variant = VariantHeader(
            format: format, entityTag: entityTag, lastModified: lastModified, renderedAt: Int(renderedAt), stage: stage)
        guard acceptsFields(of: variant, now: now) else { return nil }
        return Header(
            keyParts: [source, version, rendering],
            variant: variant,
            headerLength: headerLength,
            bodyLength: Int(bodyLength),
            bodyChecksum: bodyChecksum
        )
    }

    /// Whether the fields of `header` are ones imgedge could have written by `now` (seconds
    /// since 1970): `renderedAt` in 1970...now + `maxClockSkew`; the entity tag a quoted strong
    /// tag (visible ASCII other than `"` between two `"`), at most `maxEntityTagLength` bytes;
    /// `lastModified`, when present, 1...`maxLastModifiedLength` bytes of visible ASCII and
    /// spaces. (The format was checked when it was decoded: `VariantFormat` has its own cases.)
    static func acceptsFields(of header: VariantHeader, now: Int) -> Bool {
        guard header.renderedAt >= 0, header.renderedAt <= now.addingSaturating(maxClockSkew) else { return false }
        let tag = Array(header.entityTag.utf8)
        guard tag.count >= 2, tag.count <= maxEntityTagLength, tag.first == UInt8(ascii: "\""),
            tag.last == UInt8(ascii: "\""), tag.dropFirst().dropLast().allSatisfy({ (0x21...0x7E).contains($0) && $0 != 0x22 })
        else { return false }
        if let lastModified = header.lastModified {
            let bytes = lastModified.utf8
            guard !bytes.isEmpty, bytes.count <= maxLastModifiedLength, bytes.allSatisfy({ (0x20...0x7E).contains($0) })
            else { return false }
        }
        return true
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

extension Int {
    /// `self + other`, or `Int.max` where that would overflow.
    fileprivate func addingSaturating(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
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
