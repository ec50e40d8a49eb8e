import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Vips

@testable import ImgEdge

@Suite("Format negotiation through the live server, with browsers' real headers")
struct NegotiationEndToEndTests {
    private static let chrome120 =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
    private static let safari13 =
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.2 Safari/605.1.15"

    @Test(
        "each browser gets the best format it accepts, and Vary names what decided",
        arguments: [
            (BrowserAccept.chromium, nil, "landscape.jpg", ImageFormat.jxl, "Accept, Save-Data"),
            (BrowserAccept.firefox, nil, "landscape.jpg", .avif, "Accept, Save-Data"),
            (BrowserAccept.safari17, nil, "landscape.jpg", .jxl, "Accept, Save-Data"),
            (BrowserAccept.safari13, nil, "landscape.jpg", .jpeg, "Accept, Save-Data"),
            (BrowserAccept.edge18, nil, "landscape.jpg", .jpeg, "Accept, Save-Data"),
            (BrowserAccept.edge18, nil, "alpha.png", .png, "Accept, Save-Data"),
            (BrowserAccept.chromium, nil, "alpha.png", .jxl, "Accept, Save-Data"),
            (BrowserAccept.firefox, nil, "alpha.png", .webp, "Accept, Save-Data"),
            ("*/*", "curl/8.5.0", "landscape.jpg", .jpeg, "Accept, User-Agent, Save-Data"),
            (nil, chrome120, "landscape.jpg", .avif, "Accept, User-Agent, Save-Data"),
            (nil, safari13, "landscape.jpg", .jpeg, "Accept, User-Agent, Save-Data"),
            (nil, nil, "landscape.jpg", .jpeg, "Accept, User-Agent, Save-Data"),
            ("image/webp,image/avif;q=0", nil, "landscape.jpg", .webp, "Accept, Save-Data"),
            (BrowserAccept.chromium, nil, "animated.gif", .webp, "Accept, Save-Data"),
            (BrowserAccept.safari13, nil, "animated.gif", .gif, "Accept, Save-Data"),
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

    @Test("format= in the URL switches negotiation off, so Vary is absent when w and q are given too")
    func explicitFormat() async throws {
        try await withServer { client in
            let response = try await client.get("/landscape.jpg?w=120&format=png&q=90", [.accept: BrowserAccept.chromium])
            #expect(response.headers[.contentType] == "image/png")
            #expect(response.headers[.vary] == nil)
        }
    }
}

@Suite("Client hints through the live server")
struct ClientHintsRoutesTests {
    @Test("a URL without w is sized by Sec-CH-Width, bucketed, and says so in Vary; one with w is not")
    func widthHint() async throws {
        try await withServer { client in
            let hinted = try await client.get("/landscape.jpg?format=png&q=90", [.secCHWidth: "300"])
            #expect(try DecodedImage(hinted.body).header.width == 338)
            #expect(hinted.headers[.vary] == "Sec-CH-Width, Width")
            let unhinted = try await client.get("/landscape.jpg?format=png&q=90")
            #expect(try DecodedImage(unhinted.body).header.width == 1280)
            #expect(unhinted.headers[.vary] == "Sec-CH-Width, Width")
            #expect(unhinted.headers[.eTag] != hinted.headers[.eTag])
            let fixed = try await client.get("/landscape.jpg?w=200&format=png&q=90", [.secCHWidth: "300"])
            #expect(try DecodedImage(fixed.body).header.width == 200)
            #expect(fixed.headers[.vary] == nil)
        }
    }

    @Test("Save-Data: on lowers the default quality, so the same variant costs fewer bytes")
    func saveData() async throws {
        try await withServer { client in
            let standard = try await client.get("/landscape.jpg?w=400&format=jpeg")
            let saving = try await client.get("/landscape.jpg?w=400&format=jpeg", [.saveData: "on"])
            #expect(saving.body.readableBytes < standard.body.readableBytes * 9 / 10)
            #expect(saving.headers[.eTag] != standard.headers[.eTag])
            #expect(saving.headers[.vary] == "Save-Data")
        }
    }
}
