import NIOCore
import Testing
import Vips

@testable import ImgEdge

@Suite("The disk tier's write queue: bounded in writes and in bytes")
struct DiskJobQueueTests {
    @Test("past the disk tier's bound on pending writes a tiny write is dropped; one written frees a place")
    func entryBound() {
        var queue = DiskJobQueue<Int>(
            maxPendingBodyBytes: DiskTier.maxPendingBodyBytes, maxPendingWrites: DiskTier.maxPendingWrites)
        #expect(DiskTier.maxPendingWrites == 1024)
        #expect(queue.enqueue(Self.tinyWrite(0)) == .startDraining)
        for number in 1..<DiskTier.maxPendingWrites {
            #expect(queue.enqueue(Self.tinyWrite(number)) == .queued)
        }
        #expect(queue.enqueue(Self.tinyWrite(-1)) == .dropped)
        #expect(queue.pendingWrites == 1024)
        #expect(queue.pendingBodyBytes == 1024 * 25)

        guard case .run = queue.next() else {
            Issue.record("the first write did not run")
            return
        }
        #expect(queue.enqueue(Self.tinyWrite(-2)) == .queued)
        #expect(queue.enqueue(Self.tinyWrite(-3)) == .dropped)
    }

    @Test("past the bound on pending bytes a write is dropped, however few wait")
    func byteBound() {
        var queue = DiskJobQueue<Int>(maxPendingBodyBytes: 100, maxPendingWrites: 1024)
        #expect(queue.enqueue(Self.tinyWrite(0)) == .startDraining)
        #expect(queue.enqueue(Self.tinyWrite(1)) == .queued)
        #expect(queue.enqueue(Self.tinyWrite(2)) == .queued)
        #expect(queue.enqueue(Self.tinyWrite(3)) == .queued)
        #expect(queue.enqueue(Self.tinyWrite(4)) == .dropped)
    }

    /// A write of a 25-byte body, the size of a thumbhash answer.
    static func tinyWrite(_ number: Int) -> DiskJob {
        let variant = CachedVariant(
            header: .init(format: .image(.webp), entityTag: "\"t\(number)\"", lastModified: nil, renderedAt: 1_700_000_000),
            body: ByteBuffer(bytes: [UInt8](repeating: 7, count: 25)))
        return .write(variant, for: VariantKey(source: "origin:a|tiny.png", version: "v1", rendering: "n=\(number)"))
    }
}
