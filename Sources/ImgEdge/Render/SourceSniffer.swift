import Vips

/// Decides from its first bytes whether a source is an image format imgedge accepts.
///
/// The decision never trusts a file extension or a `Content-Type`: only the magic bytes. Anything
/// else (SVG, PDF, HTML, libvips' exotic loaders) is refused before libvips sees it.
enum SourceSniffer {
    /// The accepted input formats.
    enum Kind: String, Equatable {
        case jpeg, png, gif, webp, heif, tiff

        /// The output format of the same name, for the formats a browser shows as they are;
        /// nil for HEIF (which may be HEIC) and TIFF.
        var imageFormat: ImageFormat? {
            switch self {
            case .jpeg: .jpeg
            case .png: .png
            case .gif: .gif
            case .webp: .webp
            case .heif, .tiff: nil
            }
        }
    }

    /// The format `bytes` start with, or nil when it is not an accepted image.
    static func sniff(_ bytes: UnsafeRawBufferPointer) -> Kind? {
        func starts(with prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && zip(bytes[offset...], prefix).allSatisfy { $0 == $1 }
        }
        if starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(with: Array("GIF87a".utf8)) || starts(with: Array("GIF89a".utf8)) { return .gif }
        if starts(with: Array("RIFF".utf8)) && starts(with: Array("WEBP".utf8), at: 8) { return .webp }
        if starts(with: Array("II*\0".utf8)) || starts(with: Array("MM\0*".utf8)) { return .tiff }
        if starts(with: Array("ftyp".utf8), at: 4) {
            let brands = ["avif", "avis", "heic", "heix", "heim", "heis", "mif1", "msf1"]
            if brands.contains(where: { starts(with: Array($0.utf8), at: 8) }) { return .heif }
        }
        return nil
    }
}
