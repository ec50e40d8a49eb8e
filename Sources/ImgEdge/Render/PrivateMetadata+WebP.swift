extension PrivateMetadata {
    /// The WebP chunks that decide the pixels: the bitstreams, the extended header, alpha,
    /// animation and the ICC profile.
    private static let webPKeptChunks: Set<String> = ["VP8 ", "VP8L", "VP8X", "ALPH", "ANIM", "ANMF", "ICCP"]

    /// A WebP's RIFF header and the chunks in `webPKeptChunks`; `EXIF`, `XMP ` and unknown
    /// chunks are dropped, the RIFF size set to what is left, and the extended header's EXIF
    /// and XMP flags cleared. Bytes past the RIFF size are dropped; a chunk past it gives nil.
    static func strippedWebP(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        guard has("RIFF", in: bytes, at: 0), has("WEBP", in: bytes, at: 8) else { return nil }
        let riffEnd = 8 + littleEndian32(bytes, at: 4)
        guard riffEnd <= bytes.count else { return nil }
        var kept = Array(bytes[0..<12])
        kept.reserveCapacity(riffEnd)
        var offset = 12
        while offset < riffEnd {
            guard riffEnd - offset >= 8 else { return nil }
            let size = littleEndian32(bytes, at: offset + 4)
            let padded = size + (size & 1)
            guard padded <= riffEnd - offset - 8 else { return nil }
            let end = offset + 8 + padded
            let fourCC = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
            if webPKeptChunks.contains(fourCC) {
                if fourCC == "VP8X", size >= 1 {
                    kept += bytes[offset..<(offset + 8)]
                    // Flags: bit 3 EXIF, bit 2 XMP.
                    kept.append(bytes[offset + 8] & ~0x0C)
                    kept += bytes[(offset + 9)..<end]
                } else {
                    kept += bytes[offset..<end]
                }
            }
            offset = end
        }
        let riffSize = UInt32(kept.count - 8)
        for index in 0..<4 {
            kept[4 + index] = UInt8(truncatingIfNeeded: riffSize >> (8 * index))
        }
        return kept
    }

    /// The little-endian 32-bit number at `offset`; the caller checked the range.
    private static func littleEndian32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Int {
        (0..<4).reversed().reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
    }
}
