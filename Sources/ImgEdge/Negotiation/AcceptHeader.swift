/// A parsed HTTP `Accept` request header (RFC 9110 §12.5.1): the media ranges a client
/// accepts, each with its quality.
///
/// Parsing follows the RFC grammar but is forgiving in the way a recipient must be: a list
/// element that does not parse is skipped instead of failing the whole header, and a range
/// whose `q` is invalid (not 0–1 with at most three decimals) is ignored. Type, subtype and
/// parameter names are case-insensitive. Parameters other than `q` must be well-formed but
/// play no part in matching, because imgedge never serves parameterised image types.
///
/// Work is bounded for hostile input by `maxLength` and `maxElements`.
struct AcceptHeader: Sendable, Hashable {
    /// A header longer than this many UTF-8 bytes is ignored as a whole, as if it were absent.
    ///
    /// Browsers send under 200 bytes. The header is dropped rather than cut short, because a
    /// cut could turn `image/avifx` into `image/avif`.
    static let maxLength = 4096

    /// Only the first this many non-empty list elements are looked at; browsers send about ten.
    static let maxElements = 64

    /// The usable media ranges, in header order.
    let ranges: [MediaRange]

    /// Parses `header`; `nil` (no header) gives no ranges.
    init(_ header: String?) {
        guard let header, header.utf8.count <= Self.maxLength else {
            ranges = []
            return
        }
        let elements = Array(header.utf8)[...]
            .split(onUnquoted: .comma)
            .map(\.trimmingWhitespace)
            .filter { !$0.isEmpty }
            .prefix(Self.maxElements)
        ranges = elements.compactMap(MediaRange.init)
    }

    /// The client's quality for a concrete media type such as `image/avif`, from 0 to 1.
    ///
    /// The most specific matching range decides (`image/avif` over `image/*` over `*/*`, the
    /// first listed among equals), so `image/*;q=0, image/avif` still accepts AVIF. No match
    /// gives 0. A header with no usable range counts as absent, which RFC 9110 reads as
    /// accepting anything, so it gives 1.
    func quality(of mediaType: String) -> Double {
        guard !ranges.isEmpty else { return 1 }
        guard let wanted = Self.components(of: mediaType) else { return 0 }
        var best: (specificity: Int, quality: Double)?
        for range in ranges {
            guard let specificity = range.specificity(forType: wanted.type, subtype: wanted.subtype),
                specificity > best?.specificity ?? -1
            else { continue }
            best = (specificity, range.quality)
        }
        return best?.quality ?? 0
    }

    /// Whether a range names exactly this media type (whatever its quality), not via a wildcard.
    func names(_ mediaType: String) -> Bool {
        guard let wanted = Self.components(of: mediaType) else { return false }
        return ranges.contains { $0.type == wanted.type && $0.subtype == wanted.subtype }
    }

    /// Whether any range names a concrete image type such as `image/png`, even with `q=0`.
    ///
    /// Such a client has told us what it decodes, so its `User-Agent` is not consulted.
    var namesImageType: Bool {
        ranges.contains { $0.type == "image" && $0.subtype != "*" }
    }

    /// Splits `type/subtype` into lowercased halves.
    private static func components(of mediaType: String) -> (type: String, subtype: String)? {
        let parts = mediaType.lowercased().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        return (String(parts[0]), String(parts[1]))
    }
}

extension AcceptHeader {
    /// One media range: `type/subtype`, `type/*` or `*/*` (lowercased), with its quality.
    struct MediaRange: Sendable, Hashable {
        let type: String
        let subtype: String
        /// From 0 (not acceptable) to 1; 1 when the range has no `q`.
        let quality: Double

        /// How specifically this range matches a concrete type: 2 exactly, 1 as `type/*`,
        /// 0 as `*/*`; `nil` when it does not match.
        func specificity(forType type: String, subtype: String) -> Int? {
            switch (self.type, self.subtype) {
            case ("*", "*"): 0
            case (type, "*"): 1
            case (type, subtype): 2
            default: nil
            }
        }
    }
}

extension AcceptHeader.MediaRange {
    /// Parses one trimmed list element such as `image/webp;q=0.8`; `nil` when it is malformed
    /// or its `q` is invalid.
    init?(_ element: ArraySlice<UInt8>) {
        let parts = element.split(onUnquoted: .semicolon).map(\.trimmingWhitespace)
        let typeAndSubtype = parts[0].split(separator: .slash, omittingEmptySubsequences: false)
        guard typeAndSubtype.count == 2,
            typeAndSubtype.allSatisfy(\.isToken)
        else { return nil }
        let type = String(decoding: typeAndSubtype[0], as: UTF8.self).lowercased()
        let subtype = String(decoding: typeAndSubtype[1], as: UTF8.self).lowercased()
        guard type != "*" || subtype == "*" else { return nil }

        var quality: Double?
        for parameter in parts.dropFirst() where !parameter.isEmpty {
            guard let equals = parameter.firstIndex(of: .equals) else { return nil }
            let name = parameter[..<equals]
            let value = parameter[(equals + 1)...]
            guard name.isToken, value.isToken || value.isQuotedString else { return nil }
            guard String(decoding: name, as: UTF8.self).lowercased() == "q" else { continue }
            guard quality == nil, let parsed = Self.qvalue(value) else { return nil }
            quality = parsed
        }
        self.init(type: type, subtype: subtype, quality: quality ?? 1)
    }

    /// Parses an RFC 9110 qvalue: `0` or `1`, optionally followed by `.` and up to three
    /// digits, at most 1.000. Computed in thousandths so equal spellings give equal values.
    private static func qvalue(_ text: ArraySlice<UInt8>) -> Double? {
        guard let first = text.first, first == .zero || first == .one else { return nil }
        var thousandths = first == .one ? 1000 : 0
        let fraction = text.dropFirst()
        if !fraction.isEmpty {
            guard fraction.first == .period, fraction.count <= 4 else { return nil }
            var scale = 100
            for digit in fraction.dropFirst() {
                guard (UInt8.zero...UInt8.nine).contains(digit) else { return nil }
                thousandths += Int(digit - .zero) * scale
                scale /= 10
            }
        }
        guard thousandths <= 1000 else { return nil }
        return Double(thousandths) / 1000
    }
}

// MARK: - Byte-level grammar (RFC 9110 §5.6)

extension UInt8 {
    fileprivate static let comma = UInt8(ascii: ",")
    fileprivate static let semicolon = UInt8(ascii: ";")
    fileprivate static let slash = UInt8(ascii: "/")
    fileprivate static let equals = UInt8(ascii: "=")
    fileprivate static let period = UInt8(ascii: ".")
    fileprivate static let quote = UInt8(ascii: "\"")
    fileprivate static let backslash = UInt8(ascii: "\\")
    fileprivate static let zero = UInt8(ascii: "0")
    fileprivate static let one = UInt8(ascii: "1")
    fileprivate static let nine = UInt8(ascii: "9")

    /// `tchar`: the characters allowed in a token such as a type, subtype or parameter name.
    fileprivate var isTokenCharacter: Bool {
        switch self {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(self)
        }
    }

    /// `OWS`: space or horizontal tab.
    fileprivate var isWhitespace: Bool {
        self == UInt8(ascii: " ") || self == UInt8(ascii: "\t")
    }
}

extension ArraySlice<UInt8> {
    /// Splits at every `separator` that is not inside a quoted string, so a parameter value
    /// such as `"a,b"` stays whole. Always returns at least one (possibly empty) piece.
    fileprivate func split(onUnquoted separator: UInt8) -> [ArraySlice<UInt8>] {
        var pieces: [ArraySlice<UInt8>] = []
        var pieceStart = startIndex
        var inQuotes = false
        var escaped = false
        for index in indices {
            let byte = self[index]
            if escaped {
                escaped = false
            } else if inQuotes {
                if byte == .backslash { escaped = true } else if byte == .quote { inQuotes = false }
            } else if byte == .quote {
                inQuotes = true
            } else if byte == separator {
                pieces.append(self[pieceStart..<index])
                pieceStart = index + 1
            }
        }
        pieces.append(self[pieceStart...])
        return pieces
    }

    /// The slice without leading and trailing spaces and tabs.
    fileprivate var trimmingWhitespace: ArraySlice<UInt8> {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
            let last = lastIndex(where: { !$0.isWhitespace })
        else { return [] }
        return self[first...last]
    }

    /// Whether the slice is a non-empty `token`.
    fileprivate var isToken: Bool {
        !isEmpty && allSatisfy(\.isTokenCharacter)
    }

    /// Whether the slice is one `quoted-string`: `"` … `"` with `\`-escapes and no bare `"` inside.
    fileprivate var isQuotedString: Bool {
        guard count >= 2, first == .quote, last == .quote else { return false }
        var escaped = false
        for byte in dropFirst().dropLast() {
            if escaped {
                escaped = false
            } else if byte == .backslash {
                escaped = true
            } else if byte == .quote {
                return false
            }
        }
        return !escaped
    }
}
