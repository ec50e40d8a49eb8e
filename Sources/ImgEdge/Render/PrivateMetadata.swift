import Vips

/// An original's bytes without the metadata a render would have stripped, removed losslessly:
/// what the "never larger than the original" path may serve.
///
/// A render keeps no EXIF (GPS positions, camera serials, times), XMP, IPTC, comments or text;
/// serving the original as it is would hand all of that to any client able to make the render
/// larger. So the original is walked block by block, as its container lays it out, and only
/// the blocks that decide the pixels are copied: JPEG segments but APPn and COM (the JFIF header
/// without a thumbnail, an ICC profile and Adobe's colour-transform segment stay), PNG's critical
/// chunks and the colour and animation ones (no `tEXt`, `zTXt`, `iTXt`, `eXIf`, `tIME`), GIF's
/// image and graphic-control blocks and the looping extension (no comment, plain-text or other
/// application extensions), WebP's image, animation, alpha and ICC chunks (no `EXIF`, `XMP `).
/// Nothing after the image's end is kept. Pixels are never decoded or re-encoded.
///
/// A container that does not walk cleanly (a length past the end, a block of a kind not known
/// to be harmless that cannot simply be dropped) gives nil: such an original is never served
/// as it is. Pure and deterministic: the same bytes give the same result, so a variant key
/// that holds the source's version holds this answer too.
enum PrivateMetadata {
    /// `bytes` without their private metadata, or nil when they cannot be walked safely.
    static func removed(from bytes: UnsafeRawBufferPointer, format: ImageFormat) -> [UInt8]? {
        switch format {
        case .jpeg: strippedJPEG(bytes)
        case .png: strippedPNG(bytes)
        case .gif: strippedGIF(bytes)
        case .webp: strippedWebP(bytes)
        case .avif, .jxl: nil
        }
    }

    /// The big-endian number in `bytes[offset..<offset + count]`; the caller checked the range.
    static func bigEndian(_ bytes: UnsafeRawBufferPointer, at offset: Int, count: Int) -> Int {
        (0..<count).reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
    }

    /// Whether `bytes` hold `text`'s ASCII at `offset`.
    static func has(_ text: String, in bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        let expected = Array(text.utf8)
        return offset >= 0 && bytes.count - offset >= expected.count
            && expected.indices.allSatisfy { bytes[offset + $0] == expected[$0] }
    }
}
