import Testing

@testable import ImgEdge

@Suite("RGBColor")
struct RGBColorTests {
    @Test(
        "hex parses every accepted form",
        arguments: [
            ("fff", RGBColor(red: 255, green: 255, blue: 255, alpha: 255)),
            ("#FFFFFF", RGBColor(red: 255, green: 255, blue: 255, alpha: 255)),
            ("ff000080", RGBColor(red: 255, green: 0, blue: 0, alpha: 128)),
            ("#1a2B3c", RGBColor(red: 0x1A, green: 0x2B, blue: 0x3C, alpha: 255)),
            ("09f", RGBColor(red: 0x00, green: 0x99, blue: 0xFF, alpha: 255)),
            ("#00000000", RGBColor(red: 0, green: 0, blue: 0, alpha: 0)),
        ])
    func parses(text: String, color: RGBColor) {
        #expect(RGBColor(hex: text) == color)
    }

    @Test(
        "hex rejects other text",
        arguments: ["zzz", "ffff", "", "#", "##fff", "fffff", "fffffff", "fffffffff", "fff\u{0}", "\u{E9}ff"])
    func rejects(text: String) {
        #expect(RGBColor(hex: text) == nil)
    }

    @Test(
        "The canonical hex is eight lowercase digits and parses back to the same colour",
        arguments: [("fff", "ffffffff"), ("#ABC", "aabbccff"), ("ff000080", "ff000080"), ("0a0B0c0D", "0a0b0c0d")])
    func canonical(text: String, hex: String) throws {
        let color = try #require(RGBColor(hex: text))
        #expect(color.hex == hex)
        #expect(RGBColor(hex: color.hex) == color)
    }

    @Test("white is opaque white and alpha defaults to opaque")
    func white() {
        #expect(RGBColor.white == RGBColor(red: 255, green: 255, blue: 255, alpha: 255))
        #expect(RGBColor(red: 1, green: 2, blue: 3).alpha == 255)
    }
}
