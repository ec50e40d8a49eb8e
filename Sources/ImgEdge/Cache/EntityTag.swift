import Crypto
import Foundation
import Vips

/// The strong `ETag` of one variant, identical on every replica and across restarts.
///
/// It hashes everything that decides the response bytes, and nothing else: the source's
/// content, the normalised options, the format chosen, the encoder settings and the renderer
/// (libvips and imgedge versions). Same inputs give the same bytes, so a strong tag is honest;
/// and it is known right after the header is read, so a revalidation answers 304 without decoding.
struct EntityTag: Equatable, CustomStringConvertible {
    /// The quoted tag, as it appears in the header.
    let description: String

    init(sourceDigest: [UInt8], optionsKey: String, format: VariantFormat, encodingKey: String) {
        var hasher = SHA256()
        for part in [RendererVersion.current, optionsKey, format.rawValue, encodingKey] {
            hasher.update(data: Array(part.utf8))
            hasher.update(data: [0])
        }
        hasher.update(data: sourceDigest)
        description = "\"\(hasher.finalize().prefix(16).hexString)\""
    }

    /// Whether an `If-None-Match` value names this tag (weak comparison, as RFC 9110 asks for
    /// `If-None-Match`; `*` matches any).
    func isMatched(byIfNoneMatch header: String) -> Bool {
        Self.isMatched(description, byIfNoneMatch: header)
    }

    /// Whether an `If-None-Match` value names the quoted tag `tag`.
    static func isMatched(_ tag: String, byIfNoneMatch header: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            let candidate = candidate.trimmingCharacters(in: .whitespaces)
            return candidate == "*" || candidate == tag || candidate == "W/\(tag)"
        }
    }
}

/// The version of everything that renders pixels; part of every ETag, so an upgrade that could
/// change output bytes changes tags.
enum RendererVersion {
    static let current = "imgedge-1/libvips-\(Libvips.version)"
}
