import Testing

@testable import ImgEdge

@Suite("What is known of sources' versions, and for how long")
struct SourceVersionsTests {
    private let path = SourcePath(urlPath: "/photo.jpg")!
    private let start = ContinuousClock.now

    @Test("a version is trusted until revalidateAfter has passed, then the origin must be asked")
    func versionExpires() {
        var versions = SourceVersions(revalidateAfter: .seconds(60), missingFor: .seconds(10))
        #expect(versions.known(path, at: start) == nil)
        versions.learn(.version("v1"), for: path, at: start)
        #expect(versions.known(path, at: start + .seconds(59)) == .version("v1"))
        #expect(versions.known(path, at: start + .seconds(60)) == nil)
    }

    @Test("a missing source is remembered for missingFor only")
    func missingExpires() {
        var versions = SourceVersions(revalidateAfter: .seconds(60), missingFor: .seconds(10))
        versions.learn(.missing, for: path, at: start)
        #expect(versions.known(path, at: start + .seconds(9)) == .missing)
        #expect(versions.known(path, at: start + .seconds(10)) == nil)
    }

    @Test("what is learnt later replaces what was known")
    func relearn() {
        var versions = SourceVersions(revalidateAfter: .seconds(60), missingFor: .seconds(10))
        versions.learn(.missing, for: path, at: start)
        versions.learn(.version("v2"), for: path, at: start + .seconds(1))
        #expect(versions.known(path, at: start + .seconds(30)) == .version("v2"))
    }

    @Test("with revalidateAfter 0 the origin is asked every time")
    func zeroAlwaysAsks() {
        var versions = SourceVersions(revalidateAfter: .zero, missingFor: .zero)
        versions.learn(.version("v1"), for: path, at: start)
        #expect(versions.known(path, at: start) == nil)
    }

    @Test("many distinct paths cannot grow the table past its bound")
    func bounded() {
        var versions = SourceVersions(revalidateAfter: .seconds(60), missingFor: .seconds(10), capacity: 10_000)
        for index in 0..<5_000 {
            versions.learn(.missing, for: SourcePath(urlPath: "/missing-\(index).jpg")!, at: start)
        }
        #expect(versions.known(SourcePath(urlPath: "/missing-0.jpg")!, at: start) == nil, "the oldest were evicted")
        #expect(versions.known(SourcePath(urlPath: "/missing-4999.jpg")!, at: start) == .missing)
    }

    @Test("a version or absence learnt for one spelling of a name says nothing of the other (NFC and NFD)")
    func spellingsApart() throws {
        var versions = SourceVersions(revalidateAfter: .seconds(60), missingFor: .seconds(10))
        let nfc = try #require(SourcePath(urlPath: nfcName))
        let nfd = try #require(SourcePath(urlPath: nfdName))
        versions.learn(.missing, for: nfc, at: start)
        #expect(versions.known(nfd, at: start) == nil)
        versions.learn(.version("nfd"), for: nfd, at: start)
        #expect(versions.known(nfc, at: start) == .missing)
        #expect(versions.known(nfd, at: start) == .version("nfd"))
    }
}
