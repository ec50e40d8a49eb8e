/// Why a request's query parameters could not be turned into ``ProcessingOptions``.
///
/// Names are those the client wrote (`width`, not `w`, if it wrote `width`), so ``reason`` can
/// go back as-is in a 400 response.
enum OptionsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A parameter that is neither an option nor one of the allowed passthrough names.
    case unknownParameter(String)
    /// A parameter given a second time as `name`; `earlier` is how it was first given, which
    /// differs from `name` when an alias repeats it (`w=1&width=2`).
    case duplicateParameter(name: String, earlier: String)
    /// A malformed or out-of-range value; `expected` describes the valid ones, e.g.
    /// "an integer from 1 to 8192".
    case invalidValue(name: String, value: String, expected: String)
    /// A width or height that is in range itself but whose pixel size after `dpr` is over `limit`.
    case tooLarge(name: String, pixels: Int, limit: Int)
    /// `preset=` names no configured preset.
    case unknownPreset(String)
    /// With `--presets-only`, a parameter other than `preset` (and `sig`).
    case onlyPresets(name: String)

    /// A one-line, human-readable message naming the parameter and what was expected, e.g.
    /// `invalid value "abc" for w: expected an integer from 1 to 8192`.
    ///
    /// Text that came from the client is quoted, clipped and escaped (see ``quoted(_:)``).
    var reason: String {
        switch self {
        case .unknownParameter(let name):
            "unknown parameter \(Self.quoted(name))"
        case .duplicateParameter(let name, let earlier) where name == earlier:
            "duplicate parameter \(Self.quoted(name))"
        case .duplicateParameter(let name, let earlier):
            "duplicate parameter \(Self.quoted(name)): already given as \(Self.quoted(earlier))"
        case .invalidValue(let name, let value, let expected):
            "invalid value \(Self.quoted(value)) for \(name): expected \(expected)"
        case .tooLarge(let name, let pixels, let limit):
            "\(name) is \(pixels) pixels after dpr, more than the limit of \(limit)"
        case .unknownPreset(let name):
            "unknown preset \(Self.quoted(name))"
        case .onlyPresets(let name):
            "parameter \(Self.quoted(name)) is not allowed: this server takes preset= only"
        }
    }

    var description: String { reason }

    /// The longest quoted text, in characters after escaping, before it is cut off with `...`.
    static let quoteLimit = 40

    /// Quotes client text for a one-line message. Anything but printable ASCII is escaped
    /// (`"` as `\"`, `\` as `\\`, others as `\u{hex}`) so the text can neither break the line
    /// nor smuggle control or bidi characters, and it is cut at ``quoteLimit`` characters with
    /// `...` after the closing quote, so a hostile URL cannot make a huge message.
    static func quoted(_ text: String) -> String {
        var body = ""
        var clipped = false
        for scalar in text.unicodeScalars {
            let piece =
                switch scalar.value {
                case 0x22, 0x5C: "\\" + String(scalar)
                case 0x20...0x7E: String(scalar)
                default: "\\u{" + String(scalar.value, radix: 16) + "}"
                }
            guard body.utf8.count + piece.utf8.count <= quoteLimit else {
                clipped = true
                break
            }
            body += piece
        }
        return "\"" + body + "\"" + (clipped ? "..." : "")
    }
}
