import Testing
import Vips

@testable import ImgEdge

/// One `format=auto` request and what negotiation must answer.
struct NegotiationCase: Sendable, CustomTestStringConvertible {
    let name: String
    let accept: String?
    let userAgent: String?
    let candidates: [ImageFormat]
    let vary: [String]

    var testDescription: String { name }
}

private let acceptOnly = ["Accept"]
private let acceptAndUserAgent = ["Accept", "User-Agent"]

private let chromium156Accept = "image/jxl,image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"
private let chrome120UserAgent =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"

@Suite("Format negotiation")
struct FormatNegotiatorTests {
    /// The server's default preference: JPEG XL, then AVIF, then WebP.
    let negotiator = FormatNegotiator()

    @Test(
        "real browsers' image Accept headers give their modern formats, varying on Accept only",
        arguments: [
            NegotiationCase(
                name: "Chromium 156",
                accept: chromium156Accept,
                userAgent: chrome120UserAgent,
                candidates: [.jxl, .avif, .webp], vary: acceptOnly
            ),
            NegotiationCase(
                name: "Firefox 128",
                accept: "image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5",
                userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
                candidates: [.avif, .webp], vary: acceptOnly
            ),
            NegotiationCase(
                name: "Safari 17",
                accept:
                    "image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5",
                userAgent:
                    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
                candidates: [.jxl, .avif, .webp], vary: acceptOnly
            ),
            NegotiationCase(
                name: "Safari 13 names PNG, so its User-Agent is not consulted",
                accept: "image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5",
                userAgent:
                    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.2 Safari/605.1.15",
                candidates: [], vary: acceptOnly
            ),
            NegotiationCase(
                name: "Edge 18",
                accept: "image/png, image/svg+xml, image/*; q=0.8, */*; q=0.5",
                userAgent:
                    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19041",
                candidates: [], vary: acceptOnly
            ),
        ])
    func browsers(_ request: NegotiationCase) {
        expect(negotiator, request)
    }

    @Test(
        "without an image type in Accept the User-Agent table decides, and Vary adds User-Agent",
        arguments: [
            NegotiationCase(name: "curl", accept: "*/*", userAgent: "curl/8.5.0", candidates: [], vary: acceptAndUserAgent),
            NegotiationCase(name: "no headers", accept: nil, userAgent: nil, candidates: [], vary: acceptAndUserAgent),
            NegotiationCase(
                name: "Chrome 120, no Accept: no JPEG XL from a User-Agent",
                accept: nil, userAgent: chrome120UserAgent,
                candidates: [.avif, .webp], vary: acceptAndUserAgent
            ),
            NegotiationCase(
                name: "Chrome 120, wildcards only",
                accept: "image/*,*/*;q=0.8", userAgent: chrome120UserAgent,
                candidates: [.avif, .webp], vary: acceptAndUserAgent
            ),
            NegotiationCase(
                name: "Safari 15, no Accept",
                accept: nil,
                userAgent:
                    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.6.1 Safari/605.1.15",
                candidates: [.webp], vary: acceptAndUserAgent
            ),
            NegotiationCase(
                name: "Safari 13, no Accept",
                accept: "",
                userAgent:
                    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.2 Safari/605.1.15",
                candidates: [], vary: acceptAndUserAgent
            ),
            NegotiationCase(
                name: "Firefox page navigation Accept names no image type",
                accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
                candidates: [.avif, .webp], vary: acceptAndUserAgent
            ),
            NegotiationCase(
                name: "Chrome 120 whose wildcards refuse images",
                accept: "image/*;q=0, */*", userAgent: chrome120UserAgent,
                candidates: [], vary: acceptAndUserAgent
            ),
            NegotiationCase(
                name: "Chrome 120 accepting only text/html",
                accept: "text/html", userAgent: chrome120UserAgent,
                candidates: [], vary: acceptAndUserAgent
            ),
        ])
    func userAgentFallback(_ request: NegotiationCase) {
        expect(negotiator, request)
    }

    @Test(
        "q=0 excludes, client q orders, wildcards never select a modern format",
        arguments: [
            NegotiationCase(
                name: "avif refused", accept: "image/avif;q=0,image/webp", userAgent: nil, candidates: [.webp], vary: acceptOnly),
            NegotiationCase(
                name: "avif refused by exact range despite image/*", accept: "image/*,image/avif;q=0,image/webp", userAgent: nil,
                candidates: [.webp], vary: acceptOnly),
            NegotiationCase(
                name: "image/* refused, exact ones still count", accept: "image/*;q=0,image/webp,image/avif", userAgent: nil,
                candidates: [.avif, .webp], vary: acceptOnly),
            NegotiationCase(
                name: "everything refused", accept: "image/avif;q=0,image/webp;q=0,image/jxl;q=0", userAgent: chrome120UserAgent,
                candidates: [], vary: acceptOnly),
            NegotiationCase(
                name: "client prefers webp", accept: "image/webp;q=0.9,image/avif;q=0.5", userAgent: nil,
                candidates: [.webp, .avif], vary: acceptOnly),
            NegotiationCase(
                name: "client ranks jxl first", accept: "image/jxl,image/avif;q=0.9,image/webp;q=0.9", userAgent: nil,
                candidates: [.jxl, .avif, .webp], vary: acceptOnly),
            NegotiationCase(
                name: "equal q follows server order", accept: "image/webp;q=0.5,image/avif;q=0.5", userAgent: nil,
                candidates: [.avif, .webp], vary: acceptOnly),
            NegotiationCase(name: "image/* alone", accept: "image/*", userAgent: nil, candidates: [], vary: acceptAndUserAgent),
            NegotiationCase(
                name: "image/* beside a legacy type", accept: "image/png,image/*", userAgent: chrome120UserAgent, candidates: [],
                vary: acceptOnly),
            NegotiationCase(
                name: "legacy refused still leaves modern ones", accept: "image/jpeg;q=0,image/png;q=0,image/webp",
                userAgent: nil, candidates: [.webp], vary: acceptOnly),
        ])
    func qualities(_ request: NegotiationCase) {
        expect(negotiator, request)
    }

    @Test(
        "hostile or malformed Accept headers give a sane answer",
        arguments: [
            NegotiationCase(name: "empty", accept: "", userAgent: nil, candidates: [], vary: acceptAndUserAgent),
            NegotiationCase(name: "separators only", accept: ";;;,,,", userAgent: nil, candidates: [], vary: acceptAndUserAgent),
            NegotiationCase(name: "q=abc", accept: "image/avif;q=abc", userAgent: nil, candidates: [], vary: acceptAndUserAgent),
            NegotiationCase(
                name: "q=abc beside a valid range", accept: "image/avif;q=abc,image/webp", userAgent: nil, candidates: [.webp],
                vary: acceptOnly),
            NegotiationCase(name: "q=2", accept: "image/webp;q=2", userAgent: nil, candidates: [], vary: acceptAndUserAgent),
            NegotiationCase(
                name: "100 KB, no User-Agent", accept: String(repeating: "image/avif,", count: 9_310), userAgent: nil,
                candidates: [], vary: acceptAndUserAgent),
            NegotiationCase(
                name: "100 KB, Chrome", accept: String(repeating: "image/avif,", count: 9_310), userAgent: chrome120UserAgent,
                candidates: [.avif, .webp], vary: acceptAndUserAgent),
            NegotiationCase(
                name: "unterminated quote", accept: "image/webp,image/avif;x=\"", userAgent: nil, candidates: [.webp],
                vary: acceptOnly),
            NegotiationCase(
                name: "control bytes and non-ASCII", accept: "image/\u{0}avif,imäge/webp,image/jxl", userAgent: nil,
                candidates: [.jxl], vary: acceptOnly),
        ])
    func hostile(_ request: NegotiationCase) {
        expect(negotiator, request)
    }

    @Test("an explicit format is the only candidate and nothing is varied on", arguments: ImageFormat.allCases)
    func explicit(format: ImageFormat) {
        let negotiated = negotiator.negotiate(explicit: format, accept: chromium156Accept, userAgent: chrome120UserAgent)
        #expect(negotiated.candidates == [format])
        #expect(negotiated.isExplicit)
        #expect(negotiated.consultedHeaders.isEmpty)
        #expect(negotiated.cacheKey == "explicit:\(format.rawValue)")
    }

    @Test(
        "the server preference orders formats the client accepts equally",
        arguments: [
            ([ImageFormat.webp, .avif], chromium156Accept, [ImageFormat.webp, .avif]),
            ([.jxl, .avif, .webp], chromium156Accept, [.jxl, .avif, .webp]),
            ([.webp, .avif, .jxl], "image/avif;q=0.9,image/webp;q=0.8,image/jxl", [.jxl, .avif, .webp]),
            ([.avif, .webp], chromium156Accept, [.avif, .webp]),
            ([.jpeg, .webp, .png, .webp, .gif], chromium156Accept, [.webp]),
            ([], chromium156Accept, []),
        ])
    func preference(preference: [ImageFormat], accept: String, expected: [ImageFormat]) {
        let negotiated = FormatNegotiator(modernPreference: preference)
            .negotiate(explicit: nil, accept: accept, userAgent: nil)
        #expect(negotiated.candidates == expected)
    }

    @Test("a custom preference also orders formats inferred from the User-Agent")
    func preferenceForUserAgent() {
        let negotiated = FormatNegotiator(modernPreference: [.webp, .avif])
            .negotiate(explicit: nil, accept: nil, userAgent: chrome120UserAgent)
        #expect(negotiated.candidates == [.webp, .avif])
    }

    @Test(
        "the cache key names the mode and candidates in order",
        arguments: [
            (chromium156Accept, "auto:jxl,avif,webp"),
            ("image/webp;q=0.9,image/avif;q=0.5", "auto:webp,avif"),
            ("image/png", "auto:"),
        ])
    func cacheKey(accept: String, expected: String) {
        #expect(negotiator.negotiate(explicit: nil, accept: accept, userAgent: nil).cacheKey == expected)
    }

    private func expect(
        _ negotiator: FormatNegotiator, _ request: NegotiationCase,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let negotiated = negotiator.negotiate(explicit: nil, accept: request.accept, userAgent: request.userAgent)
        #expect(negotiated.candidates == request.candidates, sourceLocation: sourceLocation)
        #expect(negotiated.consultedHeaders == request.vary, sourceLocation: sourceLocation)
        #expect(!negotiated.isExplicit, sourceLocation: sourceLocation)
    }
}

@Suite("Choosing the output format once the source is known")
struct NegotiatedFormatTests {
    @Test(
        "format(hasAlpha:isAnimated:) picks a candidate the source fits, else a legacy format",
        arguments: [
            ([ImageFormat.avif, .webp], false, true, ImageFormat.webp),
            ([.avif, .webp], true, true, .webp),
            ([.avif], false, true, .gif),
            ([.jxl, .avif], true, true, .gif),
            ([], false, true, .gif),
            ([], true, false, .png),
            ([], false, false, .jpeg),
            ([.avif, .webp], false, false, .avif),
            ([.webp, .avif], true, false, .webp),
            ([.jxl], true, false, .jxl),
            ([.avif, .webp], true, false, .webp),
            ([.avif, .jxl, .webp], true, false, .jxl),
            ([.avif], true, false, .png),
        ])
    func auto(candidates: [ImageFormat], hasAlpha: Bool, isAnimated: Bool, expected: ImageFormat) {
        let negotiated = NegotiatedFormat(candidates: candidates, isExplicit: false, consultedHeaders: ["Accept"])
        #expect(negotiated.format(hasAlpha: hasAlpha, isAnimated: isAnimated) == expected)
    }

    @Test(
        "an explicit format is used whatever the source",
        arguments: [
            (ImageFormat.jpeg, true, false),
            (.jpeg, false, true),
            (.avif, true, true),
            (.png, false, false),
        ])
    func explicit(format: ImageFormat, hasAlpha: Bool, isAnimated: Bool) {
        let negotiated = NegotiatedFormat(candidates: [format], isExplicit: true, consultedHeaders: [])
        #expect(negotiated.format(hasAlpha: hasAlpha, isAnimated: isAnimated) == format)
    }
}
