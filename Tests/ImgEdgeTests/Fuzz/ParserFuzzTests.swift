import Foundation
import Testing

@testable import ImgEdge

/// Bounded random-input runs of the parsers a request reaches before any I/O, from a fixed
/// seed so that a failure repeats. Inputs mix the grammar's own pieces with hostile bytes, so
/// most runs get past the first check. Each asserts the invariants the rest of the pipeline
/// relies on; a crash or a hang fails the run.
@Suite("Fuzz: options, filters, Accept and signatures on seeded random input")
struct ParserFuzzTests {
    /// Inputs per run: 5,000 in `make test`, more with `make fuzz` (IMGEDGE_FUZZ_RUNS).
    private static let runs = ProcessInfo.processInfo.environment["IMGEDGE_FUZZ_RUNS"].flatMap(Int.init) ?? 5_000

    /// Lets the rest of the suite run now and then: the cooperative pool has one thread a core,
    /// and servers under test in other suites answer on it.
    private static func yieldNow(_ run: Int) async {
        if run % 32 == 0 { await Task.yield() }
    }

    /// A piece of a query or header: mostly the grammar's, sometimes garbage.
    private static func piece(_ pieces: [String], _ generator: inout SeededGenerator) -> String {
        if Int.random(in: 0..<8, using: &generator) == 0 {
            let garbage = Array("%\u{0}\u{FFFD}é;=,&\"\\()*/+-.0123456789eE ")
            return String((0..<Int.random(in: 0..<12, using: &generator)).map { _ in garbage.randomElement(using: &generator)! })
        }
        return pieces.randomElement(using: &generator)!
    }

    @Test("the options parser accepts only values in range, and parameter order never changes what it accepts")
    func options() async {
        var generator = SeededGenerator(seed: 1)
        let names = [
            "w", "width", "h", "height", "dpr", "fit", "gravity", "q", "quality", "format", "fm", "enlarge", "bg", "filter", "x",
        ]
        let values = [
            "0", "1", "400", "8192", "8193", "-1", "1.5", "3", "4.01", "1e3", "99999999999999999999", "", "cover", "contain",
            "fill",
            "inside", "outside", "center", "north", "smart", "webp", "avif", "jxl", "png", "gif", "jpeg", "true", "false", "fff",
            "#ff0000", "zz", "100", "101",
        ]
        var accepted = 0
        for run in 0..<Self.runs {
            await Self.yieldNow(run)
            let query = (0..<Int.random(in: 0...5, using: &generator)).map { _ in
                (name: Self.piece(names, &generator), value: Self.piece(values, &generator))
            }
            guard let options = try? ProcessingOptions(query: query, maxOutputDimension: 8192, passthroughNames: ["filter"])
            else {
                continue
            }
            accepted += 1
            #expect((1...8192).contains(options.width ?? 1), "\(query)")
            #expect((1...8192).contains(options.height ?? 1), "\(query)")
            #expect((1...100).contains(options.quality ?? 1), "\(query)")
            let reordered = try? ProcessingOptions(
                query: query.reversed(), maxOutputDimension: 8192, passthroughNames: ["filter"])
            #expect(reordered?.cacheKey == options.cacheKey, "\(query)")
        }
        #expect(accepted > Self.runs / 10, "the inputs must reach past the first check")
    }

    @Test("the filter-chain parser never crashes, and what it accepts has names and finite arguments")
    func filterChains() async {
        var generator = SeededGenerator(seed: 2)
        let pieces = ["blur", "sepia", "(", ")", ",", "2", "0.5", "-1", "1e308", "nan", "inf", " ", "vignette(0.4)", "a_b", "é"]
        var accepted = 0
        for run in 0..<Self.runs {
            await Self.yieldNow(run)
            let text = (0..<Int.random(in: 0...8, using: &generator)).map { _ in Self.piece(pieces, &generator) }.joined()
            guard let chain = try? FilterChain(parsing: text) else { continue }
            accepted += 1
            for step in chain.steps {
                #expect(!step.name.isEmpty, "\(text)")
                let finite = step.arguments.allSatisfy { $0.isFinite }
                #expect(finite, "\(text)")
            }
        }
        #expect(accepted > Self.runs / 20, "the inputs must reach past the first check")
    }

    @Test("an Accept header never yields a quality outside 0...1 or more ranges than the bound, and negotiation always answers")
    func acceptHeaders() async {
        var generator = SeededGenerator(seed: 3)
        let pieces = [
            "image/avif", "image/webp", "image/*", "*/*", "image/jxl", "text/html", ";q=0.8", ";q=1", ";q=1.0001", ";q=0", ";q=",
            ";q=0.12345", ";level=1", ";x=\"a,b\"", ",", ", ", "\"", "\t", "IMAGE/AVIF",
        ]
        let negotiator = FormatNegotiator()
        for run in 0..<Self.runs {
            await Self.yieldNow(run)
            let header = (0..<Int.random(in: 0...12, using: &generator)).map { _ in Self.piece(pieces, &generator) }.joined()
            let accept = AcceptHeader(header)
            #expect(accept.ranges.count <= AcceptHeader.maxElements)
            for format in ["image/avif", "image/webp", "image/png", "image/jpeg"] {
                #expect((0...1).contains(accept.quality(of: format)), "\(header)")
            }
            _ = negotiator.negotiate(explicit: nil, accept: header, userAgent: header)
        }
        let huge = String(repeating: "image/avif;q=0.5,", count: 1000)
        #expect(AcceptHeader(huge).ranges.isEmpty, "a header over the length bound is ignored whole")
    }

    @Test("no single-character change to a signed URL keeps its signature valid")
    func signatureMutations() async throws {
        var generator = SeededGenerator(seed: 4)
        let signer = try #require(URLSigner(keys: ["fuzz-key"]))
        let signed = signer.signed("/photos/cat.jpg?w=400&format=webp&q=80")
        let characters = Array(signed)
        let replacements = Array("abcxyzABC0123456789-_=&%?/.")
        for run in 0..<Self.runs / 4 {
            await Self.yieldNow(run)
            var mutated = characters
            let index = Int.random(in: 0..<mutated.count, using: &generator)
            let replacement = replacements.randomElement(using: &generator)!
            guard mutated[index] != replacement else { continue }
            mutated[index] = replacement
            let text = String(mutated)
            let parts = text.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            #expect(!signer.isValid(path: parts[0], query: parts.count > 1 ? parts[1] : nil), "\(text)")
        }
    }
}
