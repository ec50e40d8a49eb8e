/// Checks a PNG's chunk structure against the bytes present, before libvips sees the file.
///
/// Every chunk declares its length up front; libpng allocates what a chunk claims before it
/// reads it, so a 53-byte file whose chunk claims 2 GB costs 2 GB. Walking the lengths costs
/// a few reads per chunk and refuses such a file before any allocation.
enum PNGChunks {
    /// Whether every chunk after the signature fits in `bytes` (length, type, data and CRC),
    /// up to and including `IEND`, and no length is over the PNG limit of 2³¹ − 1.
    static func fitInFile(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 8
        while offset + 8 <= bytes.count {
            let length = (0..<4).reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
            guard length <= Int(Int32.max), length <= bytes.count - offset - 12 else { return false }
            let isEnd =
                bytes[offset + 4] == 0x49 && bytes[offset + 5] == 0x45 && bytes[offset + 6] == 0x4E && bytes[offset + 7] == 0x44
            offset += 12 + length
            if isEnd { return true }
        }
        return false
    }
}
