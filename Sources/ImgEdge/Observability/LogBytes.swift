/// Appending a log line's parts as UTF-8 bytes, without making a `String` of each.
extension [UInt8] {
    /// Appends `text` with its control characters as `\xNN`, so that a target cannot start a
    /// line of its own or move the terminal's cursor.
    mutating func appendLogText(_ text: some StringProtocol) {
        guard !appendWhole(text, unless: { $0 < 0x20 || $0 == 0x7F }) else { return }
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F {
                appendEscape("\\x", byte)
            } else {
                append(byte)
            }
        }
    }

    /// Appends `text` as the inside of a JSON string: `"` and `\` escaped, control characters
    /// as `\n`, `\r`, `\t` or `\u00NN`.
    mutating func appendJSONText(_ text: some StringProtocol) {
        guard !appendWhole(text, unless: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                append(UInt8(ascii: "\\"))
                append(byte)
            case UInt8(ascii: "\n"): self += #"\n"#.utf8
            case UInt8(ascii: "\r"): self += #"\r"#.utf8
            case UInt8(ascii: "\t"): self += #"\t"#.utf8
            case ..<0x20: appendEscape("\\u00", byte)
            default: append(byte)
            }
        }
    }

    /// Appends `text`, which is ASCII (a name, a punctuation), with one copy.
    mutating func appendASCII(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// Appends `text`'s bytes with one copy when none of them is `special`, as most text's are
    /// not: one check over the bytes and one copy rather than a byte at a time.
    /// - Returns: whether it appended them.
    private mutating func appendWhole(_ text: some StringProtocol, unless special: (UInt8) -> Bool) -> Bool {
        let appended = text.utf8.withContiguousStorageIfAvailable { bytes in
            guard !bytes.contains(where: special) else { return false }
            append(contentsOf: bytes)
            return true
        }
        return appended == true
    }

    /// Appends `value` in decimal; a negative one as 0.
    mutating func appendDecimal(_ value: Int) {
        let value = Swift.max(value, 0)
        if value >= 10 {
            appendDecimal(value / 10)
        }
        append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// Appends `tenths` / 10 with one decimal: 1234 as `123.4`, 3 as `0.3`; a negative one as 0.0.
    mutating func appendTenths(_ tenths: Int) {
        let tenths = Swift.max(tenths, 0)
        appendDecimal(tenths / 10)
        append(UInt8(ascii: "."))
        append(UInt8(ascii: "0") + UInt8(tenths % 10))
    }

    private mutating func appendEscape(_ prefix: String, _ byte: UInt8) {
        let digits = Array("0123456789ABCDEF".utf8)
        self += prefix.utf8
        append(digits[Int(byte >> 4)])
        append(digits[Int(byte & 0xF)])
    }
}
