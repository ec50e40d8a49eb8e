import Vips

/// The negotiated answer: which formats may be served, in order, and which request headers
/// decided it.
///
/// Negotiation happens before the source image is known, so this holds only the client's
/// modern candidates; `format(hasAlpha:isAnimated:)` makes the final choice once the source's
/// alpha and animation are known, falling back to a legacy format every client decodes.
struct NegotiatedFormat: Sendable, Hashable, Codable {
    /// Modern formats the client accepts, best first; may be empty. For an explicit format, just that format.
    var candidates: [ImageFormat]
    /// Whether the URL fixed the format (`format=webp`), so no negotiation took place.
    var isExplicit: Bool
    /// The request headers that decided the answer, e.g. `["Accept"]`,
    /// `["Accept", "User-Agent"]` or `[]`; the response's `Vary` should name them.
    var consultedHeaders: [String]

    /// The format to encode for a source with these properties.
    ///
    /// Explicit: always that format. Animated: the first candidate that can animate, else GIF.
    /// Otherwise the first candidate (that browsers decode alpha of right, if the source has
    /// it), else JPEG for opaque sources and PNG for sources with alpha.
    func format(hasAlpha: Bool, isAnimated: Bool) -> ImageFormat {
        if isExplicit, let fixed = candidates.first { return fixed }
        if isAnimated { return candidates.first(where: \.canAnimate) ?? .gif }
        if hasAlpha { return candidates.first(where: Self.carriesAlphaToBrowsers) ?? .png }
        return candidates.first ?? .jpeg
    }

    /// The negotiation for a placeholder: WebP if the client takes it, else the legacy formats.
    var forPlaceholder: NegotiatedFormat {
        NegotiatedFormat(candidates: candidates.filter { $0 == .webp }, isExplicit: false, consultedHeaders: consultedHeaders)
    }

    /// Whether the client takes an image in `format` as it is: the URL's format, or else one
    /// every browser decodes (JPEG, PNG, GIF) or one it named.
    func accepts(_ format: ImageFormat) -> Bool {
        if isExplicit { return candidates.first == format }
        return [.jpeg, .png, .gif].contains(format) || candidates.contains(format)
    }

    /// Whether negotiation may answer a source with alpha in `format`.
    ///
    /// Not AVIF, although it carries alpha: Chromium 156 reads the alpha plane of AVIF as
    /// limited range (16 becomes 0, 235 becomes 255), whether libheif or libavif wrote the file
    /// and although its sequence header says full range, so semi-transparent pixels come out
    /// wrong (docs/negotiation-and-encoding.md, "Checked in real browsers"). Every browser that
    /// names AVIF also names WebP. `format=avif` in the URL still gets AVIF.
    static func carriesAlphaToBrowsers(_ format: ImageFormat) -> Bool {
        format.supportsAlpha && format != .avif
    }

    /// A short canonical string for cache keys: `auto:avif,webp`, `auto:` (legacy only) or
    /// `explicit:png`.
    ///
    /// Equal keys mean equal output for the same source, since `format(hasAlpha:isAnimated:)`
    /// depends only on the mode and the candidates. The headers consulted are left out: they
    /// decide `Vary`, not the bytes.
    var cacheKey: String {
        (isExplicit ? "explicit:" : "auto:") + candidates.map(\.rawValue).joined(separator: ",")
    }
}
