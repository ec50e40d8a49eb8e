import Testing

@testable import ImgEdge

@Suite("Identities compare and hash by their UTF-8 bytes")
struct StringBytesTests {
    @Test(
        "same bytes, and only the same bytes, are equal",
        arguments: [
            ("café", "café", true), ("caf\u{E9}", "cafe\u{301}", false), ("", "", true), ("", "a", false),
            ("ab", "abc", false), ("origin:TestImages|a.jpg", "origin:TestImages|a.jpG", false),
            (String(repeating: "{\"w\":800}", count: 40), String(repeating: "{\"w\":800}", count: 40), true),
        ])
    func sameBytes(_ left: String, _ right: String, equal: Bool) {
        #expect(left.hasSameBytes(as: right) == equal)
        #expect(right.hasSameBytes(as: left) == equal)
        var leftHasher = Hasher()
        left.hashBytes(into: &leftHasher)
        var rightHasher = Hasher()
        right.hashBytes(into: &rightHasher)
        if equal {
            #expect(leftHasher.finalize() == rightHasher.finalize())
        }
    }

    @Test("a string compares equal to its own storage and to a copy made from its bytes")
    func sharedStorage() {
        let key = String(repeating: "rendering ", count: 100)
        let copy = String(decoding: Array(key.utf8), as: UTF8.self)
        #expect(key.hasSameBytes(as: key))
        #expect(key.hasSameBytes(as: copy))
        #expect(!key.hasSameBytes(as: String(copy.dropLast()) + "X"))
    }
}
