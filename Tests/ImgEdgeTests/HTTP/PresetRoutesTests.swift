import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import Vips

@testable import ImgEdge

@Suite("preset= through the live server")
struct PresetRoutesTests {
    @Test("a preset sizes the answer, the URL's own parameters win, and presets-only refuses the rest")
    func presets() async throws {
        let configuration = testConfiguration { $0.presets = ["thumb=w=120&h=80&fit=cover"] }
        try await withServer(configuration) { client in
            let thumb = try DecodedImage(try await client.get("/landscape.jpg?preset=thumb&format=png").body)
            #expect((thumb.header.width, thumb.header.height) == (120, 80))
            let wider = try DecodedImage(try await client.get("/landscape.jpg?preset=thumb&w=160&format=png").body)
            #expect((wider.header.width, wider.header.height) == (160, 80))
            let unknown = try await client.get("/landscape.jpg?preset=nope")
            #expect(unknown.status == .badRequest)
            #expect(String(buffer: unknown.body).contains("unknown preset \"nope\""))
        }
        try await withServer(testConfiguration { $0.presets = ["thumb=w=120"]; $0.presetsOnly = true }) { client in
            #expect(try await client.get("/landscape.jpg?preset=thumb").status == .ok)
            let refused = try await client.get("/landscape.jpg?w=1000")
            #expect(refused.status == .badRequest)
            #expect(String(buffer: refused.body).contains("takes preset= only"))
        }
    }
}
