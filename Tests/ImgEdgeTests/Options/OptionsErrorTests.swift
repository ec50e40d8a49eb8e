import Testing

@testable import ImgEdge

@Suite("OptionsError messages")
struct OptionsErrorTests {
    @Test(
        "Each error has a one-line message naming the parameter and what was expected",
        arguments: [
            ("w=abc", #"invalid value "abc" for w: expected an integer from 1 to 8192"#),
            ("width=", #"invalid value "" for width: expected an integer from 1 to 8192"#),
            ("foo=1", #"unknown parameter "foo""#),
            ("w=1&w=2", #"duplicate parameter "w""#),
            ("w=1&width=2", #"duplicate parameter "width": already given as "w""#),
            ("w=3000&dpr=3", "w is 9000 pixels after dpr, more than the limit of 8192"),
            ("fit=crop", #"invalid value "crop" for fit: expected one of inside, cover, contain, fill, outside"#),
            ("bg=zzz", #"invalid value "zzz" for bg: expected a hex colour rgb, rrggbb or rrggbbaa"#),
        ])
    func message(query: String, reason: String) {
        let error = #expect(throws: OptionsError.self) { try parse(query) }
        #expect(error?.reason == reason)
        #expect(error?.description == reason)
    }

    @Test(
        "Client text is clipped to 40 characters, with ... after the quote",
        arguments: [
            (String(repeating: "a", count: 41), String(repeating: "a", count: 40)),
            (String(repeating: "a", count: 100_000), String(repeating: "a", count: 40)),
        ])
    func clipped(text: String, kept: String) {
        #expect(OptionsError.quoted(text) == "\"\(kept)\"...")
        #expect(OptionsError.unknownParameter(text).reason == "unknown parameter \"\(kept)\"...")
    }

    @Test("Client text of up to 40 characters is kept whole", arguments: ["", "a", String(repeating: "b", count: 40)])
    func notClipped(text: String) {
        #expect(OptionsError.quoted(text) == "\"\(text)\"")
    }

    @Test(
        "Client text is escaped to printable ASCII, so the message stays one safe line",
        arguments: [
            ("a\nb", #""a\u{a}b""#), ("a\r\nb", #""a\u{d}\u{a}b""#), ("say \"hi\"", #""say \"hi\"""#),
            (#"back\slash"#, #""back\\slash""#), ("caf\u{E9}", #""caf\u{e9}""#), ("\u{202E}x", #""\u{202e}x""#),
            ("\u{1F600}", #""\u{1f600}""#), ("\u{0}", #""\u{0}""#), ("tab\there", #""tab\u{9}here""#),
        ])
    func escaped(text: String, quoted: String) {
        #expect(OptionsError.quoted(text) == quoted)
    }

    @Test("Escapes count towards the 40-character clip and are never cut in half")
    func escapesClipWhole() {
        let quoted = OptionsError.quoted(String(repeating: "\u{E9}", count: 20))
        #expect(quoted == "\"" + String(repeating: #"\u{e9}"#, count: 6) + "\"...")
    }

    @Test("A hostile value gives a short message without line breaks")
    func hostileValueMessage() {
        let value = String(repeating: "\u{1F600}\n", count: 10_000)
        let error = #expect(throws: OptionsError.self) {
            try ProcessingOptions(query: [(name: "w", value: value)])
        }
        let reason = error?.reason ?? ""
        #expect(reason.utf8.count < 120)
        #expect(!reason.contains("\n"))
        #expect(reason.hasPrefix(#"invalid value "\u{1f600}\u{a}"#))
    }
}
