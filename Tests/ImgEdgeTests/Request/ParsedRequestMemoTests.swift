import Filters
import HTTPTypes
import NIOHTTP1
import Testing

@testable import ImgEdge

/// The memo of parsed requests, alone: what counts as the same request, and what makes it forget.
@Suite("The hit path's memo of parsed requests")
struct ParsedRequestMemoTests {
    /// Parses `target` under the default settings, counting the calls.
    private final class Parser: @unchecked Sendable {
        var calls = 0
        var headersSeen: [DecidingHeaders] = []
        let settings = RequestSettings(ImgEdgeConfiguration())

        func parse(_ target: String, _ headers: DecidingHeaders, registry: FilterRegistry) throws -> ParsedRequestMemo.Parsed {
            calls += 1
            headersSeen.append(headers)
            let query = target.split(separator: "?").last!.split(separator: "&").map {
                (name: String($0.prefix { $0 != "=" }), value: String($0.drop { $0 != "=" }.dropFirst()))
            }
            let request = try RenderRequest(
                forUpload: false, query: query, headers: headers, settings: settings, registry: registry)
            return ParsedRequestMemo.Parsed(path: SourcePath(urlPath: "/photo.jpg")!, request: request, rendering: target)
        }
    }

    private func lookup(
        _ memo: ParsedRequestMemo, _ parser: Parser, _ target: String, _ headers: HTTPFields, registry: FilterRegistry
    ) -> ParsedRequestMemo.Parsed? {
        let nioHeaders = HTTPHeaders(headers.map { ($0.name.rawName, $0.value) })
        return memo.parsed(.init(target: target, headers: DecidingHeaders(nioHeaders)), registry: registry) { fields in
            try? parser.parse(target, fields, registry: registry)
        }
    }

    @Test("a repeat with the same deciding headers is not parsed again; another Accept, target or hint is")
    func sameAndOther() {
        let (memo, parser, registry) = (ParsedRequestMemo(), Parser(), FilterRegistry(modules: []))
        let chromium: HTTPFields = [.accept: BrowserAccept.chromium, .userAgent: "Chrome", .ifNoneMatch: "\"a\""]
        let first = lookup(memo, parser, "/photo.jpg?w=300", chromium, registry: registry)
        var again = chromium
        again[.ifNoneMatch] = "\"b\""
        again[.cookie] = "session=1"
        let second = lookup(memo, parser, "/photo.jpg?w=300", again, registry: registry)
        #expect(parser.calls == 1, "If-None-Match and headers no parse reads are not part of the fingerprint")
        #expect(first?.request.ifNoneMatch == nil && second?.request.ifNoneMatch == nil, "the asker's own, never remembered")
        #expect(parser.headersSeen.first?.accept == BrowserAccept.chromium)

        _ = lookup(memo, parser, "/photo.jpg?w=300", [.accept: BrowserAccept.firefox, .userAgent: "Chrome"], registry: registry)
        _ = lookup(memo, parser, "/photo.jpg?w=301", chromium, registry: registry)
        _ = lookup(memo, parser, "/photo.jpg?w=300", chromium + [HTTPField(name: .saveData, value: "on")], registry: registry)
        #expect(parser.calls == 4)
        #expect(lookup(memo, parser, "/photo.jpg?w=300", chromium, registry: registry)?.request.options.width == 300)
        #expect(parser.calls == 4)
    }

    @Test("a new filter registry makes it forget every request parsed under the old one")
    func registryChange() {
        let (memo, parser) = (ParsedRequestMemo(), Parser())
        let (old, new) = (FilterRegistry(modules: []), FilterRegistry(modules: []))
        _ = lookup(memo, parser, "/photo.jpg?w=10", [:], registry: old)
        _ = lookup(memo, parser, "/photo.jpg?w=10", [:], registry: new)
        #expect(parser.calls == 2)
        let parsed = lookup(memo, parser, "/photo.jpg?w=10", [:], registry: new)
        #expect(parser.calls == 2)
        #expect(parsed?.request.filters.registry === new)
    }

    @Test("a request that does not parse is not remembered")
    func failuresNotKept() {
        let (memo, parser, registry) = (ParsedRequestMemo(), Parser(), FilterRegistry(modules: []))
        #expect(lookup(memo, parser, "/photo.jpg?w=nonsense", [:], registry: registry) == nil)
        #expect(lookup(memo, parser, "/photo.jpg?w=nonsense", [:], registry: registry) == nil)
        #expect(parser.calls == 2)
    }

    @Test("targets that differ only in a name's Unicode normalisation are different fingerprints")
    func targetsByBytes() {
        let headers = HTTPHeaders([("Accept", "image/\u{E9}")])
        let nfc = ParsedRequestMemo.Fingerprint(target: "/\(nfcName)?w=10", headers: DecidingHeaders(headers))
        let nfd = ParsedRequestMemo.Fingerprint(target: "/\(nfdName)?w=10", headers: DecidingHeaders(headers))
        #expect(nfc != nfd)
        #expect(Set([nfc, nfd]).count == 2)
        let otherAccept = ParsedRequestMemo.Fingerprint(
            target: "/\(nfcName)?w=10", headers: DecidingHeaders(HTTPHeaders([("Accept", "image/e\u{301}")])))
        #expect(nfc != otherAccept)
        #expect(nfc == ParsedRequestMemo.Fingerprint(target: "/\(nfcName)?w=10", headers: DecidingHeaders(headers)))
    }

    @Test("a hint on two field lines is the same request as the hint once, on the memo path and the parser's alike")
    func repeatedHintIsItsFirstLine() {
        let (memo, parser, registry) = (ParsedRequestMemo(), Parser(), FilterRegistry(modules: []))
        let twice = HTTPFields([HTTPField(name: .secCHWidth, value: "100"), HTTPField(name: .secCHWidth, value: "100")])
        let repeated = lookup(memo, parser, "/photo.jpg?h=50", twice, registry: registry)
        #expect(repeated?.request.options.width == 111)
        #expect(lookup(memo, parser, "/photo.jpg?h=50", [.secCHWidth: "100"], registry: registry)?.request.options.width == 111)
        #expect(parser.calls == 1)
        let accepts = HTTPHeaders([("Accept", "image/webp"), ("Accept", "image/avif")])
        #expect(DecidingHeaders(accepts).accept == "image/webp, image/avif", "a list header joins its lines")
        #expect(
            DecidingHeaders(accepts)
                == DecidingHeaders(
                    HTTPFields([HTTPField(name: .accept, value: "image/webp"), HTTPField(name: .accept, value: "image/avif")])),
            "read alike from NIO's headers and Hummingbird's")
        let hintTwice = HTTPHeaders([("Sec-CH-Width", "100"), ("Sec-CH-Width", "200")])
        #expect(DecidingHeaders(hintTwice).secCHWidth == "100")
        #expect(
            DecidingHeaders(hintTwice)
                == DecidingHeaders(
                    HTTPFields([HTTPField(name: .secCHWidth, value: "100"), HTTPField(name: .secCHWidth, value: "200")])))
    }
}
