import NIOCore
import Testing
import Vips

@testable import ImgEdge

@Suite("The memory tier")
struct MemoryTierTests {
    private func variant(bytes: Int, tag: String) -> CachedVariant {
        CachedVariant(
            header: .init(format: .image(.webp), entityTag: "\"\(tag)\"", lastModified: nil, renderedAt: 1_700_000_000),
            body: ByteBuffer(repeating: 7, count: bytes))
    }

    private func key(_ index: Int) -> VariantKey {
        VariantKey(source: "origin:test|photo-\(index).jpg", version: "v1", rendering: "w=\(index)")
    }

    @Test("a stored variant comes back whole, header and body; another key misses")
    func roundTrip() async {
        let tier = MemoryTier(capacity: 1 << 20)
        let stored = variant(bytes: 40_000, tag: "a")
        await tier.store(stored, for: key(1))
        let found = await tier.variant(for: key(1))
        let header = await tier.header(for: key(1))
        let missing = await tier.variant(for: key(2))
        #expect(found?.body == stored.body)
        #expect(found?.header == stored.header)
        #expect(header == stored.header)
        #expect(missing == nil)
    }

    @Test(
        "under churn of many variants the bytes held stay within the bound, and the newest is kept",
        arguments: [1 << 20, 64 << 20])
    func boundHolds(capacity: Int) async {
        let tier = MemoryTier(capacity: capacity)
        for index in 0..<(capacity / 10_000 * 3) {
            await tier.store(variant(bytes: 10_000, tag: "\(index)"), for: key(index))
            #expect(tier.weight <= capacity)
        }
        let newest = capacity / 10_000 * 3 - 1
        #expect(await tier.variant(for: key(newest)) != nil)
        #expect(await tier.variant(for: key(0)) == nil)
        #expect(tier.weight > capacity / 2, "the tier is used, not left empty")
    }

    @Test("a variant used lately survives a wave of new ones that evicts its unused neighbours")
    func recentlyUsedSurvives() async {
        let tier = MemoryTier(capacity: 1 << 20)
        let count = (1 << 20) / (10_000 + MemoryTier.entryOverhead + 40)
        for index in 0..<count {
            await tier.store(variant(bytes: 10_000, tag: "\(index)"), for: key(index))
        }
        _ = await tier.variant(for: key(0))
        for index in count..<(count + count / 2) {
            await tier.store(variant(bytes: 10_000, tag: "\(index)"), for: key(index))
        }
        #expect(await tier.variant(for: key(0)) != nil)
        #expect(await tier.variant(for: key(1)) == nil)
    }
}
