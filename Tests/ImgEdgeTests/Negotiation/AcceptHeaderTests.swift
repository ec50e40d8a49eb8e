import Testing

@testable import ImgEdge

@Suite("Accept header parsing")
struct AcceptHeaderTests {
    @Test(
        "the most specific matching range gives a media type's quality",
        arguments: [
            ("image/avif", "image/avif", 1.0),
            ("image/webp;q=0.8", "image/webp", 0.8),
            ("image/webp;q=0.125", "image/webp", 0.125),
            ("image/webp;q=1.000", "image/webp", 1.0),
            ("image/webp;q=0.", "image/webp", 0.0),
            ("IMAGE/WebP;Q=0.5", "image/webp", 0.5),
            ("image/webp;q=0.5", "IMAGE/WEBP", 0.5),
            ("image/*;q=0.3, */*;q=0.1", "image/avif", 0.3),
            ("*/*;q=0.1", "image/avif", 0.1),
            ("image/avif;q=0, image/*", "image/avif", 0.0),
            ("image/*;q=0, image/avif;q=0.4", "image/avif", 0.4),
            ("*/*, image/*;q=0.2", "image/png", 0.2),
            ("image/avif;q=0.2, image/avif;q=0.9", "image/avif", 0.2),
            ("text/html", "image/avif", 0.0),
            ("image/webp", "image/avif", 0.0),
            ("image/png", "text/png", 0.0),
        ])
    func quality(header: String, mediaType: String, expected: Double) {
        #expect(AcceptHeader(header).quality(of: mediaType) == expected)
    }

    @Test(
        "optional whitespace, parameters and quoted commas are understood",
        arguments: [
            ("image/webp ; q=0.7", 0.7),
            ("\timage/webp;\tq=0.7\t", 0.7),
            ("image/webp;;q=0.7;", 0.7),
            ("image/webp;level=1;q=0.7", 0.7),
            ("image/webp;x=\"a,b;q=0.1\";q=0.7", 0.7),
            ("image/webp;x=\"a\\\"b\";q=0.7", 0.7),
        ])
    func parameters(header: String, expected: Double) {
        let accept = AcceptHeader(header + ", */*;q=0.1")
        #expect(accept.quality(of: "image/webp") == expected)
    }

    @Test(
        "a range with an invalid q is ignored, so a wildcard decides instead",
        arguments: [
            "q=abc", "q=2", "q=1.5", "q=1.001", "q=0.1234", "q=-0.5", "q=.5", "q=", "q=\"0.5\"",
            "q = 0.5", "q=0.5;q=0.6", "q=0.5x",
        ])
    func invalidQuality(parameter: String) {
        let accept = AcceptHeader("image/webp;\(parameter), */*;q=0.1")
        #expect(accept.quality(of: "image/webp") == 0.1)
        #expect(!accept.names("image/webp"))
    }

    @Test(
        "malformed list elements are skipped and the others still count",
        arguments: [
            "image", "/webp", "image/", "*/webp", "image/webp/x", "image/we bp", "image/webp;foo",
            "image/webp;=1", "image/webp;x=a\"b\"", "ïmage/webp", "image/webp;q=0.5=",
        ])
    func malformedElement(element: String) {
        let accept = AcceptHeader("image/png;q=0.4, \(element), image/gif")
        #expect(
            accept.ranges == [
                .init(type: "image", subtype: "png", quality: 0.4),
                .init(type: "image", subtype: "gif", quality: 1),
            ])
    }

    @Test("an unterminated quoted string swallows the rest of the header, and only that")
    func unterminatedQuote() {
        let accept = AcceptHeader("image/png;q=0.4, image/webp;x=\"open, image/avif")
        #expect(accept.ranges == [.init(type: "image", subtype: "png", quality: 0.4)])
    }

    @Test(
        "a header with no usable range counts as absent and accepts anything",
        arguments: [
            nil, "", "   ", ";;;,,,", "image/avif;q=abc", "*/webp", String(repeating: "a", count: 5000),
        ] as [String?])
    func noUsableRange(header: String?) {
        let accept = AcceptHeader(header)
        #expect(accept.ranges.isEmpty)
        #expect(accept.quality(of: "image/avif") == 1)
        #expect(!accept.namesImageType)
    }

    @Test(
        "only ranges naming a concrete image type count as naming one",
        arguments: [
            ("image/png", true),
            ("image/avif;q=0", true),
            ("image/svg+xml, */*", true),
            ("image/*", false),
            ("*/*", false),
            ("image/*;q=0.8, */*;q=0.5", false),
            ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false),
            ("video/*, video/mp4", false),
        ])
    func namesImageType(header: String, expected: Bool) {
        #expect(AcceptHeader(header).namesImageType == expected)
    }

    @Test(
        "names matches exact ranges only, whatever their quality",
        arguments: [
            ("image/avif;q=0", "image/avif", true),
            ("Image/AVIF", "image/avif", true),
            ("image/*", "image/avif", false),
            ("*/*", "image/avif", false),
            ("image/webp", "image/avif", false),
        ])
    func names(header: String, mediaType: String, expected: Bool) {
        #expect(AcceptHeader(header).names(mediaType) == expected)
    }

    @Test("a header over the length limit is ignored as a whole; one at the limit is parsed")
    func lengthLimit() {
        let padding = String(repeating: " ", count: AcceptHeader.maxLength - "image/avif".utf8.count)
        #expect(AcceptHeader("image/avif" + padding).names("image/avif"))
        #expect(AcceptHeader("image/avif" + padding + " ").ranges.isEmpty)
    }

    @Test("only the first maxElements non-empty elements are looked at")
    func elementLimit() {
        let fillers = Array(repeating: "text/plain", count: AcceptHeader.maxElements - 1)
        let atLimit = AcceptHeader((fillers + ["image/avif"]).joined(separator: ", ,"))
        let pastLimit = AcceptHeader((fillers + ["text/html", "image/avif"]).joined(separator: ","))
        #expect(atLimit.ranges.count == AcceptHeader.maxElements)
        #expect(atLimit.names("image/avif"))
        #expect(pastLimit.ranges.count == AcceptHeader.maxElements)
        #expect(!pastLimit.names("image/avif"))
    }
}
