import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ImgEdge

@Suite("GET /_playground")
struct PlaygroundRoutesTests {
    @Test("the page is served from the binary, as HTML that names itself")
    func served() async throws {
        try await withServer { client in
            let response = try await client.get("/_playground")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(String(buffer: response.body).contains("imgedge playground"))
            #expect(response.headers[.acceptCH] == "Sec-CH-Width, Sec-CH-DPR, Width, DPR")
        }
    }

    @Test("it is not served when turned off, nor while URL signing is on", arguments: [false, true])
    func notServed(signing: Bool) async throws {
        let configuration = testConfiguration {
            if signing { $0.signingKeys = ["a key long enough to sign with, for the test"] } else { $0.servesPlayground = false }
        }
        try await withServer(configuration) { client in
            let response = try await client.get("/_playground")
            #expect(response.status != .ok)
            #expect(response.headers[.contentType] != "text/html; charset=utf-8")
        }
    }
}
