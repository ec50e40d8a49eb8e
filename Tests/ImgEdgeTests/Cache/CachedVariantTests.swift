import Testing

@testable import ImgEdge

/// A fixed clock, so "the future" and an `Age` are exact.
private let now = 1_800_000_000

@Suite("A cached variant's Age")
struct CachedVariantTests {
    @Test(
        "Age counts from renderedAt, is 0 for the future, at most 2^31, and never traps whatever renderedAt holds",
        arguments: [
            (now - 10, 10), (now, 0), (now + 60, 0), (Int.min, 2_147_483_648), (Int.max, 0), (0, now),
            (now - (1 << 40), 2_147_483_648),
        ] as [(Int, Int)])
    func age(renderedAt: Int, expected: Int) {
        #expect(CachedVariant.age(renderedAt: renderedAt, now: now) == expected)
    }
}
