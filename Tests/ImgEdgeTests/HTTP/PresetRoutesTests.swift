import Foundation
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
        try await withServer(
            testConfiguration {
                $0.presets = ["thumb=w=120"]
                $0.presetsOnly = true
            }
        ) { client in
            #expect(try await client.get("/landscape.jpg?preset=thumb").status == .ok)
            let refused = try await client.get("/landscape.jpg?w=1000")
            #expect(refused.status == .badRequest)
            #expect(String(buffer: refused.body).contains("takes preset= only"))
        }
    }

    @Test("--presets reads more from a file, one a line, and refuses a file with a bad one")
    func presetsFile() async throws {
        try await withOriginDirectory { directory in
            let file = directory.appendingPathComponent("presets.txt").path
            try "# presets for the site\nthumb=w=50\n\nwide=w=300&h=100&fit=cover&crop=0,0,0.5,1\n".write(
                toFile: file, atomically: true, encoding: .utf8)
            try await withServer(testConfiguration { $0.presetsFile = file }) { client in
                let wide = try DecodedImage(try await client.get("/landscape.jpg?preset=wide&format=png").body)
                #expect((wide.header.width, wide.header.height) == (300, 100))
            }
            try "thumb=w=0\n".write(toFile: file, atomically: true, encoding: .utf8)
            #expect(throws: ConfigurationError.self) { try testConfiguration { $0.presetsFile = file }.validate() }
        }
    }
}
