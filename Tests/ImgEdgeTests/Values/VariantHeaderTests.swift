import Testing
import Vips

@testable import ImgEdge

/// A fixed clock, so "the future" and an `Age` are exact.
private let now = 1_800_000_000

@Suite("A variant's Age")
struct VariantHeaderTests {
    @Test(
        "Age counts from renderedAt, is 0 for the future, at most 2^31, and never traps whatever renderedAt holds",
        arguments: [
            (now - 10, 10), (now, 0), (now + 60, 0), (Int.min, 2_147_483_648), (Int.max, 0), (0, now),
            (now - (1 << 40), 2_147_483_648),
        ] as [(Int, Int)])
    func age(renderedAt: Int, expected: Int) {
        let header = VariantHeader(format: .image(.jpeg), entityTag: "\"t\"", lastModified: nil, renderedAt: renderedAt)
        #expect(header.age(at: now) == expected)
    }
}
