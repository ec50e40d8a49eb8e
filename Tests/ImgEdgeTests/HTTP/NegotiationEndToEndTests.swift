import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ImgEdge
import Testing
import Vips

@Suite("Format negotiation through the live server, with browsers' real headers")
struct NegotiationEndToEndTests {
    private static let chrome120 = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
    private static let safari13 =
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.2 Safari/605.1.15"

    @Test(
        "each browser gets the best format it accepts, and Vary names what decided",
        arguments: [
            (BrowserAccept.chromium, nil, "landscape.jpg", ImageFormat.jxl, "Accept"),
            (BrowserAccept.firefox, nil, "landscape.jpg", .avif, "Accept"),
            (BrowserAccept.safari17, nil, "landscape.jpg", .jxl, "Accept"),
            (BrowserAccept.safari13, nil, "landscape.jpg", .jpeg, "Accept"),
            (BrowserAccept.edge18, nil, "landscape.jpg", .jpeg, "Accept"),
            (BrowserAccept.edge18, nil, "alpha.png", .png, "Accept"),
            (BrowserAccept.chromium, nil, "alpha.png", .jxl, "Accept"),
            (BrowserAccept.firefox, nil, "alpha.png", .webp, "Accept"),
            ("*/*", "curl/8.5.0", "landscape.jpg", .jpeg, "Accept, User-Agent"),
            (nil, chrome120, "landscape.jpg", .avif, "Accept, User-Agent"),
            (nil, safari13, "landscape.jpg", .jpeg, "Accept, User-Agent"),
            (nil, nil, "landscape.jpg", .jpeg, "Accept, User-Agent"),
            ("image/webp,image/avif;q=0", nil, "landscape.jpg", .webp, "Accept"),
            (BrowserAccept.chromium, nil, "animated.gif", .webp, "Accept"),
            (BrowserAccept.safari13, nil, "animated.gif", .gif, "Accept"),
        ] as [(String?, String?, String, ImageFormat, String)]
    )
    func negotiates(accept: String?, userAgent: String?, source: String, format: ImageFormat, vary: String) async throws {
        try await withServer { client in
            var headers: HTTPFields = [:]
            headers[.accept] = accept
            headers[.userAgent] = userAgent
            let response = try await client.get("/\(source)?w=120", headers)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == format.mediaType)
            #expect(try DecodedImage.format(of: response.body) == format)
            #expect(response.headers[.vary] == vary)
        }
    }

    @Test("format= in the URL switches negotiation off, so Vary is absent")
    func explicitFormat() async throws {
        try await withServer { client in
            let response = try await client.get("/landscape.jpg?w=120&format=png", [.accept: BrowserAccept.chromium])
            #expect(response.headers[.contentType] == "image/png")
            #expect(response.headers[.vary] == nil)
        }
    }
}
