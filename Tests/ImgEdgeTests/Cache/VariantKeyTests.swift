import NIOCore
import Testing
import Vips

@testable import ImgEdge

@Suite("VariantKey: identity by bytes")
struct VariantKeyTests {
    private func key(_ name: String, rendering: String = "v1:fm=auto") -> VariantKey {
        VariantKey(source: "origin:test|\(name)", version: "v1", rendering: rendering)
    }

    @Test("keys for the NFC and NFD spellings of a source differ, in equality, hashing, storage name and disk check")
    func normalisationsDiffer() {
        let (nfc, nfd) = (key(nfcName), key(nfdName))
        #expect(nfc != nfd)
        #expect(Set([nfc, nfd]).count == 2)
        #expect(nfc.storageName != nfd.storageName)
        #expect(!nfc.hasParts(nfd.parts))
        #expect(nfc.hasParts(key(nfcName).parts))
        #expect(key("a", rendering: "x\u{E9}") != key("a", rendering: "xe\u{301}"))
    }

    @Test("the memory tier keeps the two spellings' variants apart")
    func memoryTierKeepsThemApart() async {
        let tier = MemoryTier(capacity: 1 << 20)
        let header = VariantHeader(
            format: .image(.jpeg), entityTag: "\"nfc\"", lastModified: nil, renderedAt: 1_700_000_000)
        await tier.store(CachedVariant(header: header, body: ByteBuffer(string: "nfc")), for: key(nfcName))
        #expect(await tier.variant(for: key(nfdName)) == nil)
        #expect(await tier.variant(for: key(nfcName))?.body == ByteBuffer(string: "nfc"))
    }
}
