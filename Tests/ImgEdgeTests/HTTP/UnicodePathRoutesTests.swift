import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import Vips

@testable import ImgEdge

/// Two files whose names are the NFC and NFD spellings of `café.jpg`, through the live server:
/// each name is its own source, in the version records, the cache tiers and the coalescer.
@Suite("Source names are their bytes: NFC and NFD spellings are two sources")
struct UnicodePathRoutesTests {
    private static let nfcURI = "/caf%C3%A9.jpg"
    private static let nfdURI = "/cafe%CC%81.jpg"

    /// landscape.jpg under the NFC name, portrait.jpg under the NFD name (either left out when asked).
    private static func withCafes(
        nfc: Bool = true, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        try await withOriginDirectory { origin in
            let images = URL(fileURLWithPath: testImagesDirectory)
            if nfc {
                try FileManager.default.copyItem(
                    at: images.appendingPathComponent("landscape.jpg"), to: origin.appendingPathComponent(nfcName))
            }
            try FileManager.default.copyItem(
                at: images.appendingPathComponent("portrait.jpg"), to: origin.appendingPathComponent(nfdName))
            #expect(try FileManager.default.contentsOfDirectory(atPath: origin.path).count == (nfc ? 2 : 1))
            try await withServer(testConfiguration { $0.origin = origin.path }) { client in try await body(client) }
        }
    }

    /// The height of `uri` rendered 100 px wide: 56 for the landscape, 150 for the portrait.
    private static func height(_ client: any TestClientProtocol, _ uri: String) async throws -> (Int, String?) {
        let response = try await client.get("\(uri)?w=100&format=png")
        #expect(response.status == .ok, "\(uri)")
        return (try DecodedImage(response.body).header.height, response.headers[.xCache])
    }

    @Test(
        "each spelling answers its own image, whichever is asked first, from the origin and from the cache",
        arguments: [true, false])
    func eachItsOwn(nfcFirst: Bool) async throws {
        try await Self.withCafes { client in
            let order = nfcFirst ? [(Self.nfcURI, 56), (Self.nfdURI, 150)] : [(Self.nfdURI, 150), (Self.nfcURI, 56)]
            for (uri, expected) in order + order {
                let (height, _) = try await Self.height(client, uri)
                #expect(height == expected, "\(uri)")
            }
            let (_, cache) = try await Self.height(client, order[1].0)
            #expect(cache == "HIT-MEMORY")
            let json = try await client.get("\(Self.nfdURI)?format=json")
            #expect(String(buffer: json.body).contains("\"width\":1000"))
        }
    }

    @Test("the absent spelling is a 404 that never makes the present one a 404")
    func absentSpelling() async throws {
        try await Self.withCafes(nfc: false) { client in
            #expect(try await client.get("\(Self.nfcURI)?w=100&format=png").status == .notFound)
            let (height, _) = try await Self.height(client, Self.nfdURI)
            #expect(height == 150)
            #expect(try await client.get("\(Self.nfcURI)?w=100&format=png").status == .notFound)
            let (heightAgain, _) = try await Self.height(client, Self.nfdURI)
            #expect(heightAgain == 150)
        }
    }
}
