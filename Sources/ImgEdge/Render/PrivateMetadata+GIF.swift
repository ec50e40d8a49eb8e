extension PrivateMetadata {
    /// A GIF's header and colour table, its image descriptors with their data, its graphic
    /// control extensions and the looping extension (`NETSCAPE2.0`, `ANIMEXTS1.0`), and its
    /// trailer. Comments, plain-text and other application extensions (XMP among them) are
    /// dropped, as is anything after the trailer; a block past the end or of an unknown kind
    /// gives nil.
    static func strippedGIF(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        guard has("GIF87a", in: bytes, at: 0) || has("GIF89a", in: bytes, at: 0), bytes.count >= 13 else { return nil }
        var offset = 13 + colourTableLength(flags: bytes[10])
        guard offset <= bytes.count else { return nil }
        var kept = Array(bytes[0..<offset])
        kept.reserveCapacity(bytes.count)
        while offset < bytes.count {
            let start = offset
            switch bytes[offset] {
            case 0x3B:
                kept.append(0x3B)
                return kept
            case 0x2C:
                // The descriptor (10 bytes), its colour table, the LZW code size, the data's sub-blocks.
                guard offset + 11 <= bytes.count else { return nil }
                offset += 10 + colourTableLength(flags: bytes[offset + 9]) + 1
                guard let end = subBlocksEnd(bytes, from: offset) else { return nil }
                kept += bytes[start..<end]
                offset = end
            case 0x21:
                guard offset + 2 < bytes.count, let end = subBlocksEnd(bytes, from: offset + 2) else { return nil }
                if keepsExtension(bytes, label: bytes[offset + 1], data: offset + 2) {
                    kept += bytes[start..<end]
                }
                offset = end
            default:
                return nil
            }
        }
        return nil
    }

    /// The bytes of the colour table a GIF screen or image descriptor's `flags` announce.
    private static func colourTableLength(flags: UInt8) -> Int {
        flags & 0x80 == 0 ? 0 : 3 << (Int(flags & 0x07) + 1)
    }

    /// The offset just past the sub-blocks starting at `offset` (each a length byte and that
    /// many bytes, the last of length 0); nil when they run past the end.
    private static func subBlocksEnd(_ bytes: UnsafeRawBufferPointer, from offset: Int) -> Int? {
        var offset = offset
        while offset < bytes.count {
            let length = Int(bytes[offset])
            offset += 1 + length
            if length == 0 { return offset }
        }
        return nil
    }

    /// Whether an extension stays: graphic control (timing, transparency), and the looping
    /// application extensions, whose first sub-block is the 11-byte application name.
    private static func keepsExtension(_ bytes: UnsafeRawBufferPointer, label: UInt8, data: Int) -> Bool {
        switch label {
        case 0xF9: true
        case 0xFF:
            bytes[data] == 11 && (has("NETSCAPE2.0", in: bytes, at: data + 1) || has("ANIMEXTS1.0", in: bytes, at: data + 1))
        default: false
        }
    }
}
