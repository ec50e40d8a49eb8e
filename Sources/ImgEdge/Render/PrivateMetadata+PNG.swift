extension PrivateMetadata {
    /// The PNG chunks that decide the pixels: critical, colour, transparency and animation.
    private static let pngKeptChunks: Set<String> = [
        "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "sBIT", "cICP", "mDCv", "cLLi",
        "bKGD", "pHYs", "hIST", "acTL", "fcTL", "fdAT",
    ]

    /// A PNG's signature and the chunks in `pngKeptChunks`, each copied whole (its CRC covers
    /// only itself), up to `IEND`. Other ancillary chunks (text, `eXIf`, `tIME`, private ones)
    /// are dropped; an unknown critical chunk, a length past the end or no `IEND` gives nil.
    static func strippedPNG(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard bytes.count >= 8, bytes.prefix(8).elementsEqual(signature) else { return nil }
        var kept = Array(bytes[0..<8])
        kept.reserveCapacity(bytes.count)
        var offset = 8
        while offset + 12 <= bytes.count {
            let length = bigEndian(bytes, at: offset, count: 4)
            guard length <= Int(Int32.max), length <= bytes.count - offset - 12 else { return nil }
            let end = offset + 12 + length
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let isCritical = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[offset + 4])
            if pngKeptChunks.contains(type) {
                kept += bytes[offset..<end]
            } else if isCritical {
                return nil
            }
            if type == "IEND" { return kept }
            offset = end
        }
        return nil
    }
}
