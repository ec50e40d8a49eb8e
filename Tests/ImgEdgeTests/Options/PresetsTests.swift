import Testing

@testable import ImgEdge

/// `query` (`a=1&b=2`, no percent-decoding) as the pipeline receives it.
private func pairs(_ query: String) -> [(name: String, value: String)] {
    query.split(separator: "&").map { pair in
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        return (name: String(parts[0]), value: parts.count > 1 ? String(parts[1]) : "")
    }
}

/// The canonical options key of `query` once `presets` expanded it.
private func expanded(_ query: String, _ presets: Presets) throws -> String {
    try ProcessingOptions(query: presets.expanding(pairs(query)), passthroughNames: ["filter", "sig"]).cacheKey
}

@Suite("Presets: preset=NAME, the URL's own parameters winning, and --presets-only")
struct PresetsTests {
    private static let presets = Presets(
        entries: ["thumb=w=200&h=200&fit=cover", "card=width=640&crop=0,0,0.5,0.5&filter=sepia"], isExclusive: false)

    @Test(
        "a preset stands for its query; the URL's parameters win, under any alias",
        arguments: [
            ("preset=thumb", "w=200&h=200&fit=cover"),
            ("preset=thumb&w=300", "h=200&fit=cover&w=300"),
            ("preset=card&w=100", "crop=0,0,0.5,0.5&w=100"),
            ("w=50&preset=thumb&fit=inside", "h=200&w=50&fit=inside"),
            ("w=10", "w=10"),
        ])
    func expands(query: String, equivalent: String) throws {
        #expect(try expanded(query, Self.presets) == expanded(equivalent, Presets(entries: [], isExclusive: false)))
    }

    @Test("a preset's query is read as a URL's is: percent-encoded values decoded")
    func percentEncoded() throws {
        let presets = Presets(entries: ["hex=w=%32%30%30&pad=1&bg=%23ff8000"], isExclusive: false)
        #expect(
            try expanded("preset=hex", presets) == expanded("w=200&pad=1&bg=#ff8000", Presets(entries: [], isExclusive: false)))
    }

    @Test("a preset's passthrough parameters come along")
    func passthrough() throws {
        let query = try Self.presets.expanding(pairs("preset=card"))
        #expect(query.contains { $0.name == "filter" && $0.value == "sepia" })
    }

    @Test("an unknown preset is a 400 naming it")
    func unknown() {
        #expect(throws: OptionsError.unknownPreset("nope")) { try Self.presets.expanding(pairs("preset=nope")) }
    }

    @Test(
        "with --presets-only, any parameter but preset and sig is refused", arguments: ["w=10", "preset=thumb&q=5", "format=png"])
    func exclusive(query: String) {
        let only = Presets(entries: ["thumb=w=200"], isExclusive: true)
        #expect(throws: OptionsError.self) { try only.expanding(pairs(query)) }
        #expect(throws: Never.self) { try only.expanding(pairs("preset=thumb&sig=abc")) }
    }

    @Test(
        "a malformed preset is found at configuration time",
        arguments: [
            "thumb", "=w=1", "th umb=w=1", "thumb=w=0", "thumb=nope=1", "a=w=1 a=w=2",
        ])
    func refused(entries: String) {
        #expect(Presets.problem(in: entries.split(separator: " ").map(String.init)) != nil)
    }

    @Test("repeated --preset flags and a config file's list each give every preset, commas and all")
    func configured() throws {
        let flags = try ResolvedConfiguration(
            ConfigurationInputs(
                arguments: ["--preset", "thumb=w=200&h=200", "--preset", "crop=crop=0,0,0.5,0.5&w=100"], environment: [:],
                configFile: nil))
        #expect(flags.value.presets == ["thumb=w=200&h=200", "crop=crop=0,0,0.5,0.5&w=100"])
        let environment = try ResolvedConfiguration<ImgEdgeConfiguration>(
            ConfigurationInputs(arguments: [], environment: ["IMGEDGE_PRESETS": "thumb=w=200 crop=crop=0,0,9,9"], configFile: nil)
        )
        #expect(environment.value.presets == ["thumb=w=200", "crop=crop=0,0,9,9"])
        try withConfigFile(#"{"presets": {"entries": ["a=w=1", "b=pad=1,2"], "only": true}}"#) { path in
            let file = try ResolvedConfiguration<ImgEdgeConfiguration>(
                ConfigurationInputs(arguments: [], environment: [:], configFile: path))
            #expect(file.value.presets == ["a=w=1", "b=pad=1,2"])
            #expect(file.value.presetsOnly)
        }
        #expect(throws: ConfigurationError.self) {
            try ResolvedConfiguration<ImgEdgeConfiguration>(
                ConfigurationInputs(arguments: ["--preset", "bad"], environment: [:], configFile: nil))
        }
    }
}
