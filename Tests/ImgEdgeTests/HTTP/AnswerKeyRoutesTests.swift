import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import Vips

@testable import ImgEdge

/// One source gives one cached answer per thing that changes its bytes, through the live server:
/// options that cannot change an answer do not make another entry.
@Suite("Answers are cached under what changes their bytes only")
struct AnswerKeyRoutesTests {
    @Test(
        "format=json and format=thumbhash with other sizes, geometry, quality or filters are memory hits of the first",
        arguments: [
            "json", "thumbhash",
        ])
    func answersAboutTheSource(answer: String) async throws {
        try await withServer { client in
            let first = try await client.get("/tiny.png?format=\(answer)&w=10")
            #expect(first.status == .ok)
            #expect(first.headers[.xCache] == "MISS")
            for query in ["w=11", "w=12&h=40&q=50&rotate=90", "crop=0,0,1,1&filter=sepia", ""] {
                let again = try await client.get("/tiny.png?format=\(answer)&\(query)")
                #expect(again.headers[.xCache] == "HIT-MEMORY", "\(query)")
                #expect(again.body == first.body)
                #expect(again.headers[.eTag] == first.headers[.eTag])
            }
        }
    }

    @Test("format=lqip with another size of the same box is a memory hit; another box is rendered")
    func placeholderBoxes() async throws {
        try await withServer { client in
            let first = try await client.get("/landscape.jpg?format=lqip&w=100&h=50&fit=cover")
            #expect(first.headers[.xCache] == "MISS")
            let sameBox = try await client.get("/landscape.jpg?format=lqip&w=400&h=200&fit=cover")
            #expect(sameBox.headers[.xCache] == "HIT-MEMORY")
            #expect(sameBox.body == first.body)
            let otherBox = try await client.get("/landscape.jpg?format=lqip&w=100&h=100&fit=cover")
            #expect(otherBox.headers[.xCache] == "MISS")
            #expect(try DecodedImage(otherBox.body).header.width == 32)
            #expect(try DecodedImage(first.body).header.height == 16)
        }
    }
}
