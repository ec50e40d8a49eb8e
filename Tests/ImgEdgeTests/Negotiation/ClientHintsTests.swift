import HTTPTypes
import Testing

@testable import ImgEdge

/// The hints for `query` (names only matter) with `headers`, under the default settings.
private func hints(_ query: String, _ headers: HTTPFields = [:]) -> ClientHints {
    let pairs = query.split(separator: "&").map { (name: String($0.prefix { $0 != "=" }), value: "1") }
    return ClientHints(query: pairs, headers: DecidingHeaders(headers), settings: ClientHintSettings())
}

@Suite("Client hints: which URLs they size, the buckets, Save-Data and Vary")
struct ClientHintsTests {
    @Test(
        "a width hint is rounded up to the next bucket, and past the last one kept at it",
        arguments: [
            ("1", 64), ("64", 64), ("65", 84), ("412", 446), ("412.5", 446), ("1024", 1024), ("1025", 1351), ("9000", 4096),
        ])
    func widthBuckets(hint: String, width: Int) {
        #expect(hints("", [.secCHWidth: hint]).width == width)
        #expect(hints("", [.width: hint]).width == width, "the legacy header")
    }

    @Test("Sec-CH-Width wins over the legacy Width")
    func modernHintFirst() {
        #expect(hints("", [.secCHWidth: "300", .width: "1000"]).width == 338)
    }

    @Test("a hint sent on two field lines counts by its first line, as nginx and Varnish key on it")
    func repeatedHintReadsFirstLine() {
        let twice = HTTPFields([HTTPField(name: .secCHWidth, value: "100"), HTTPField(name: .secCHWidth, value: "100")])
        #expect(twice[.secCHWidth] == "100, 100", "HTTPFields joins the lines")
        #expect(hints("", twice).width == hints("", [.secCHWidth: "100"]).width)
        #expect(hints("", twice).width == 111)
        let differing = HTTPFields([
            HTTPField(name: .secCHWidth, value: "300"), HTTPField(name: .width, value: "1000"),
            HTTPField(name: .secCHWidth, value: "2000"),
        ])
        #expect(hints("", differing).width == 338)
        let ratios = HTTPFields([HTTPField(name: .secCHDPR, value: "2"), HTTPField(name: .secCHDPR, value: "3")])
        #expect(hints("h=10", ratios).pixelRatio == 2)
        let saving = HTTPFields([HTTPField(name: .saveData, value: "on"), HTTPField(name: .saveData, value: "off")])
        #expect(hints("", saving).savesData)
        #expect(
            !hints("", HTTPFields([HTTPField(name: .saveData, value: "off"), HTTPField(name: .saveData, value: "on")])).savesData)
    }

    @Test(
        "a malformed hint is ignored, never an error",
        arguments: ["", "0", "-5", "abc", "1e3", "nan", "100000", "1.2.3", "1.", ".5", "+5"])
    func malformed(hint: String) {
        #expect(hints("", [.secCHWidth: hint, .secCHDPR: hint]).width == nil)
        #expect(hints("h=10", [.secCHDPR: hint]).pixelRatio == nil)
    }

    @Test(
        "a URL with w or dpr fixes its size: no width hint is read and Vary names none",
        arguments: ["w=300", "width=300", "dpr=2", "w=1&h=2"])
    func fixedSize(query: String) {
        let decided = hints(query, [.secCHWidth: "800", .secCHDPR: "2"])
        #expect(decided.width == nil && decided.pixelRatio == nil)
        #expect(!decided.consultedHeaders.contains { $0.contains("Width") || $0.contains("DPR") })
    }

    @Test(
        "Vary names the hints a URL leaves its answer to, whether or not they came",
        arguments: [
            ("", ["Sec-CH-Width", "Width", "Save-Data"]),
            ("h=100", ["Sec-CH-Width", "Width", "Sec-CH-DPR", "DPR", "Save-Data"]),
            ("q=50", ["Sec-CH-Width", "Width"]),
            ("w=10&q=50", []),
            ("w=10", ["Save-Data"]),
        ])
    func vary(query: String, headers: [String]) {
        #expect(hints(query).consultedHeaders == headers)
        #expect(hints(query, [.secCHWidth: "500", .saveData: "on"]).consultedHeaders == headers)
    }

    @Test(
        "a DPR hint multiplies h, rounded up to 1, 1.5, 2, 3 or 4",
        arguments: [
            ("1", 1.0), ("1.25", 1.5), ("2", 2.0), ("2.625", 3.0), ("3.5", 4.0), ("8", 4.0),
        ])
    func pixelRatio(hint: String, ratio: Double) {
        #expect(hints("h=100", [.secCHDPR: hint]).pixelRatio == ratio)
        var options = ProcessingOptions(height: 100)
        options.apply(hints("h=100", [.dpr: hint]), maxOutputDimension: 8192)
        #expect(options.height == Int((100 * ratio).rounded()))
    }

    @Test(
        "Save-Data: on asks for less, for a URL without q only",
        arguments: [
            ("", "on", true), ("", "On", true), ("", "off", false), ("q=80", "on", false),
        ])
    func saveData(query: String, value: String, saves: Bool) {
        #expect(hints(query, [.saveData: value]).savesData == saves)
    }

    @Test("switched off, hints decide nothing and Vary names none")
    func disabled() {
        var settings = ClientHintSettings()
        settings.isEnabled = false
        let decided = ClientHints(query: [], headers: DecidingHeaders(secCHWidth: "500", saveData: "on"), settings: settings)
        #expect(decided == ClientHints(query: [], headers: DecidingHeaders(), settings: settings))
        #expect(decided.width == nil && !decided.savesData && decided.consultedHeaders.isEmpty)
    }
}
