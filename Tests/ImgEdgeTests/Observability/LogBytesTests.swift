import Foundation
import Testing

@testable import ImgEdge

@Suite("Log line parts appended as bytes")
struct LogBytesTests {
    @Test(
        "a JSON string's inside reads back as the text it was made from",
        arguments: ["GET /a.jpg?w=1", #"quote " and back\slash"#, "new\nline\r\t", "\u{1}\u{1F}\u{7F}", "ünïcødé /ß", ""])
    func jsonText(_ text: String) throws {
        var bytes = Array("\"".utf8)
        bytes.appendJSONText(text)
        bytes += "\"".utf8
        let decoded = try JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed) as? String
        #expect(decoded == text)
    }

    @Test("text keeps printable characters and spells control characters as \\xNN")
    func logText() {
        var bytes: [UInt8] = []
        bytes.appendLogText("/a b?c=\"d\"\n\u{1B}[2J\u{7F}é")
        #expect(String(decoding: bytes, as: UTF8.self) == #"/a b?c="d"\x0A\x1B[2J\x7Fé"#)
    }

    @Test(
        "decimals and tenths",
        arguments: [(0, "0", "0.0"), (7, "7", "0.7"), (10, "10", "1.0"), (1234, "1234", "123.4"), (-5, "0", "0.0")])
    func numbers(_ value: Int, decimal: String, tenths: String) {
        var bytes: [UInt8] = []
        bytes.appendDecimal(value)
        #expect(String(decoding: bytes, as: UTF8.self) == decimal)
        bytes = []
        bytes.appendTenths(value)
        #expect(String(decoding: bytes, as: UTF8.self) == tenths)
    }
}
