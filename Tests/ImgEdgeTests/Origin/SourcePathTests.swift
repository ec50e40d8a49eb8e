import Testing

@testable import ImgEdge

/// `café.jpg` spelt with a precomposed `é` (NFC) and with `e` and a combining acute (NFD): two
/// names, two files.
let nfcName = "caf\u{E9}.jpg"
let nfdName = "cafe\u{301}.jpg"

@Suite("SourcePath: identity by bytes")
struct SourcePathTests {
    @Test("the NFC and NFD spellings of a name are different paths, however they arrive")
    func normalisationsDiffer() throws {
        #expect(nfcName == nfdName, "Swift's String equality says these are the same")
        let nfc = try #require(SourcePath(urlPath: "/photos/\(nfcName)"))
        let nfd = try #require(SourcePath(urlPath: "/photos/\(nfdName)"))
        #expect(nfc != nfd)
        #expect(Set([nfc, nfd]).count == 2)
        let encodedNFC = try #require(SourcePath(urlPath: "/photos/caf%C3%A9.jpg"))
        let encodedNFD = try #require(SourcePath(urlPath: "/photos/cafe%CC%81.jpg"))
        #expect(encodedNFC == nfc && encodedNFD == nfd)
        #expect(encodedNFC != encodedNFD)
        #expect(Array(encodedNFD.description.utf8) == Array("photos/\(nfdName)".utf8), "decoding keeps the bytes as sent")
    }

    @Test("the same bytes are the same path, with the same hash")
    func sameBytesEqual() throws {
        let first = try #require(SourcePath(urlPath: "/a/\(nfdName)"))
        let second = try #require(SourcePath(urlPath: "a/cafe%CC%81.jpg"))
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
        #expect(SourcePath(urlPath: "/a/b") != SourcePath(urlPath: "/ab"))
    }
}
