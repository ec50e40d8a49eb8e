import Vips

/// Chooses the image formats a response may use, from the URL's explicit format or from the
/// request's `Accept` and, failing that, `User-Agent` headers.
///
/// A modern format (AVIF, WebP, JPEG XL) is offered only when the client names it exactly in
/// `Accept` with q > 0; `image/*` and `*/*` never select one, since clients send them without
/// decoding everything. Among named formats the client's q decides, ties going to the server's
/// preference. Only when `Accept` names no image type at all is the User-Agent table used.
/// A legacy format is always left as fallback, so negotiation never fails (no 406 for images).
struct FormatNegotiator: Sendable {
    /// The formats that need negotiating; JPEG, PNG and GIF are the fallback every client takes.
    static let modernFormats: [ImageFormat] = [.avif, .webp, .jxl]

    /// The server's preference unless configured: fewest bytes at equal quality first, each at
    /// its default settings, whose encodes cost about the same (docs/negotiation-and-encoding.md).
    static let defaultPreference: [ImageFormat] = [.jxl, .avif, .webp]

    /// The server's order among modern formats the client accepts equally.
    let modernPreference: [ImageFormat]

    /// - Parameter modernPreference: modern formats in server preference order. Legacy formats
    ///   and repeats are dropped; a modern format left out is never negotiated (explicit URLs
    ///   still get it). JPEG XL is only ever chosen when `Accept` names `image/jxl`.
    init(modernPreference: [ImageFormat] = Self.defaultPreference) {
        var seen: Set<ImageFormat> = []
        self.modernPreference = modernPreference.filter {
            Self.modernFormats.contains($0) && seen.insert($0).inserted
        }
    }

    /// Negotiates a request. `explicit` is the URL's format, `nil` for `format=auto`;
    /// `accept` and `userAgent` are the raw header values, `nil` when absent.
    func negotiate(explicit: ImageFormat?, accept: String?, userAgent: String?) -> NegotiatedFormat {
        if let explicit {
            return NegotiatedFormat(candidates: [explicit], isExplicit: true, consultedHeaders: [])
        }
        let accept = AcceptHeader(accept)
        if accept.namesImageType {
            return NegotiatedFormat(candidates: named(in: accept), isExplicit: false, consultedHeaders: ["Accept"])
        }
        return NegotiatedFormat(
            candidates: inferred(from: UserAgentSupport(userAgent: userAgent), allowedBy: accept),
            isExplicit: false,
            consultedHeaders: ["Accept", "User-Agent"]
        )
    }

    /// The modern formats `accept` names exactly with q > 0, by q descending, ties in
    /// preference order.
    private func named(in accept: AcceptHeader) -> [ImageFormat] {
        let ranked = modernPreference.enumerated().compactMap {
            rank, format -> (format: ImageFormat, quality: Double, rank: Int)? in
            let quality = accept.quality(of: format.mediaType)
            guard accept.names(format.mediaType), quality > 0 else { return nil }
            return (format, quality, rank)
        }
        return
            ranked
            .sorted { ($0.quality, -$0.rank) > ($1.quality, -$1.rank) }
            .map(\.format)
    }

    /// The modern formats the User-Agent table says the browser decodes, in preference order,
    /// minus any that `accept`'s wildcards rule out (`image/*;q=0`, or only `text/html`).
    private func inferred(from support: UserAgentSupport, allowedBy accept: AcceptHeader) -> [ImageFormat] {
        modernPreference.filter {
            support.formats.contains($0) && accept.quality(of: $0.mediaType) > 0
        }
    }
}
