/// An sRGB colour with 8-bit channels and straight (not premultiplied) alpha, written in URLs
/// as hex (`bg=ff000080`).
struct RGBColor: Sendable, Hashable, Codable {
    var red: UInt8
    var green: UInt8
    var blue: UInt8
    /// Opacity: 0 is fully transparent, 255 fully opaque.
    var alpha: UInt8

    init(red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8 = 255) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// Opaque white, the default background.
    static let white = RGBColor(red: 255, green: 255, blue: 255)

    /// Parses hex `rgb`, `rrggbb` or `rrggbbaa`, in either case, with an optional leading `#`.
    ///
    /// `rgb` is short for `rrggbb` (each digit doubled); the forms without alpha are opaque.
    /// Returns nil for anything else, including other lengths and non-ASCII digits.
    init?(hex: String) {
        var text = hex.utf8[...]
        if text.first == UInt8(ascii: "#") {
            text = text.dropFirst()
        }
        guard [3, 6, 8].contains(text.count) else { return nil }
        var digits: [UInt8] = []
        for byte in text {
            guard let digit = Self.hexDigitValue(byte) else { return nil }
            digits.append(digit)
        }
        if digits.count == 3 {
            self.init(red: digits[0] * 17, green: digits[1] * 17, blue: digits[2] * 17)
        } else {
            let pair = { (index: Int) in digits[2 * index] << 4 | digits[2 * index + 1] }
            self.init(red: pair(0), green: pair(1), blue: pair(2), alpha: digits.count == 8 ? pair(3) : 255)
        }
    }

    /// The canonical spelling: eight lowercase hex digits `rrggbbaa`, alpha included even when opaque.
    var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        for channel in [red, green, blue, alpha] {
            bytes.append(digits[Int(channel >> 4)])
            bytes.append(digits[Int(channel & 0xF)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The value 0–15 of an ASCII hex digit, or nil.
    private static func hexDigitValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
