/// The `IHDR` fields of a PNG, read from its first 29 bytes without decoding anything.
///
/// Tells how an image was stored, which decoding to pixels hides: an 8-bit RGB PNG proves the
/// pipeline converted a CMYK, grey or 16-bit source to 8-bit sRGB.
struct PNGHeader: Equatable {
    let width: Int
    let height: Int
    /// Bits per sample: 1, 2, 4, 8 or 16.
    let bitDepth: Int
    /// 0 grey, 2 RGB, 3 palette, 4 grey and alpha, 6 RGB and alpha.
    let colourType: Int

    static let rgb = 2
    static let rgba = 6

    /// Reads the header, or nil when `bytes` do not start with a PNG signature and `IHDR`.
    init?(_ bytes: [UInt8]) {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard bytes.count >= 29, Array(bytes[0..<8]) == signature, Array(bytes[12..<16]) == Array("IHDR".utf8) else {
            return nil
        }
        func bigEndian(at offset: Int) -> Int {
            bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        width = bigEndian(at: 16)
        height = bigEndian(at: 20)
        bitDepth = Int(bytes[24])
        colourType = Int(bytes[25])
    }
}
