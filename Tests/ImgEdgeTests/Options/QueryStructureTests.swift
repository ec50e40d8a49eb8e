import Testing

@testable import ImgEdge

@Suite("Unknown, repeated and passthrough parameters")
struct QueryStructureTests {
    @Test(
        "A parameter given twice is an error, under the same name or an alias, even with the same value",
        arguments: [
            ("w=1&w=2", "w", "w"), ("w=1&width=2", "width", "w"), ("width=1&w=1", "w", "width"),
            ("h=1&height=1", "height", "h"), ("q=1&quality=1", "quality", "q"), ("fm=png&format=png", "format", "fm"),
            ("bg=fff&background=fff", "background", "bg"), ("dpr=1&dpr=1", "dpr", "dpr"),
            ("fit=cover&fit=cover", "fit", "fit"), ("gravity=north&gravity=center", "gravity", "gravity"),
            ("enlarge=1&enlarge=0", "enlarge", "enlarge"), ("format=auto&format=auto", "format", "format"),
        ])
    func duplicate(query: String, name: String, earlier: String) {
        #expect(throws: OptionsError.duplicateParameter(name: name, earlier: earlier)) {
            try parse(query)
        }
    }

    @Test(
        "Unknown parameter names are errors; names are case-sensitive",
        arguments: ["foo", "W", "Width", "DPR", "sig", "w ", "\u{FF57}", "format[]"])
    func unknown(name: String) {
        #expect(throws: OptionsError.unknownParameter(name)) {
            try parse("\(name)=1")
        }
    }

    @Test("An unknown parameter with an empty name is an error")
    func emptyName() {
        #expect(throws: OptionsError.unknownParameter("")) {
            try parse("=1")
        }
    }

    @Test("The first problem in query order is the one reported")
    func firstProblemWins() {
        #expect(throws: OptionsError.unknownParameter("foo")) { try parse("foo=1&w=abc") }
        #expect(throws: OptionsError.invalidValue(name: "w", value: "abc", expected: "an integer from 1 to 8192")) {
            try parse("w=abc&foo=1")
        }
    }

    @Test("Passthrough names are accepted with their raw, unvalidated values")
    func passthrough() throws {
        let options = try parse("w=10&sig=abc&filter=&transform=blur(2)", passthroughNames: ["sig", "filter", "transform"])
        #expect(options.passthrough == ["sig": "abc", "filter": "", "transform": "blur(2)"])
        #expect(options.width == 10)
    }

    @Test("Passthrough names need not appear")
    func passthroughAbsent() throws {
        #expect(try parse("w=10", passthroughNames: ["sig"]).passthrough.isEmpty)
    }

    @Test("A passthrough name given twice is an error")
    func passthroughDuplicate() {
        #expect(throws: OptionsError.duplicateParameter(name: "sig", earlier: "sig")) {
            try parse("sig=a&sig=b", passthroughNames: ["sig"])
        }
    }

    @Test("A passthrough name the parser understands stays the parser's and is validated")
    func passthroughCannotShadowOptions() {
        #expect(throws: OptionsError.invalidValue(name: "w", value: "abc", expected: "an integer from 1 to 8192")) {
            try parse("w=abc", passthroughNames: ["w"])
        }
    }

    @Test(
        "Hostile input is an error, never a crash",
        arguments: [
            "w=99999999999999999999", "w=18446744073709551616", "h=-9223372036854775808", "dpr=nan", "dpr=inf",
            "dpr=-inf", "dpr=1e308", "dpr=\(String(repeating: "9", count: 5000)).5", "q=-0", "w=\u{1F600}",
            "h=\u{0}", "bg=\u{202E}fff", "fm=\u{0301}", "\(String(repeating: "x", count: 100_000))=1",
            "w=\(String(repeating: "9", count: 100_000))", "fit=\u{10FFFF}",
        ])
    func hostile(query: String) {
        #expect(throws: OptionsError.self) {
            try parse(query)
        }
    }

    @Test("Values may contain & and = when the caller has already split the query")
    func valuesWithSeparators() throws {
        let options = try ProcessingOptions(query: [(name: "sig", value: "a=b&c")], passthroughNames: ["sig"])
        #expect(options.passthrough == ["sig": "a=b&c"])
    }
}
