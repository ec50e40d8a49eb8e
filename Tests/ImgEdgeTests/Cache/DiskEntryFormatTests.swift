import Foundation
import NIOCore
import Testing
import Vips

@testable import ImgEdge

/// A fixed clock, so "the future" and an `Age` are exact.
private let now = 1_800_000_000

@Suite("The disk entry layout: every header field checked, whatever wrote the file")
struct DiskEntryFormatTests {
    @Test(
        "a header whose renderedAt is before 1970 or more than five minutes ahead is refused; the edges are kept",
        arguments: [
            (Int64.min, false), (Int64.max, false), (-1, false), (Int64(now + 86_400), false), (Int64(now + 301), false),
            (0, true), (Int64(now - 3_600), true), (Int64(now + 300), true),
        ] as [(Int64, Bool)])
    func renderedAt(_ renderedAt: Int64, accepted: Bool) {
        let bytes = Self.craftedHeader(renderedAt: renderedAt)
        #expect((DiskEntryFormat.decodeHeader(bytes, now: now) != nil) == accepted)
    }

    @Test(
        "an entity tag that is not a short quoted tag is refused",
        arguments: [
            ("", false), ("\"", false), ("abc", false), ("W/\"abc\"", false), ("\"a\"b\"", false), ("\"a b\"", false),
            ("\"a\r\nX-Injected: 1\"", false), ("\"" + String(repeating: "a", count: 127) + "\"", false),
            ("\"\"", true), ("\"0123456789abcdef0123456789abcdef\"", true),
        ] as [(String, Bool)])
    func entityTag(_ tag: String, accepted: Bool) {
        let bytes = Self.craftedHeader(entityTag: tag)
        #expect((DiskEntryFormat.decodeHeader(bytes, now: now) != nil) == accepted)
    }

    @Test(
        "a lastModified that is empty, long, or not visible ASCII is refused",
        arguments: [
            ("", false), ("Tue, 14 Nov 2023 22:13:20 GMT\r\nSet-Cookie: a=b", false), (String(repeating: "x", count: 65), false),
            ("Tue, 14 Nov 2023 22:13:20 GMT\u{7F}", false), ("Tué, 14 Nov 2023", false),
            ("Tue, 14 Nov 2023 22:13:20 GMT", true),
        ] as [(String, Bool)])
    func lastModified(_ text: String, accepted: Bool) {
        let bytes = Self.craftedHeader(lastModified: text)
        #expect((DiskEntryFormat.decodeHeader(bytes, now: now) != nil) == accepted)
    }

    @Test("a format imgedge does not make is refused")
    func unknownFormat() {
        #expect(DiskEntryFormat.decodeHeader(Self.craftedHeader(format: "exe"), now: now) == nil)
        #expect(DiskEntryFormat.decodeHeader(Self.craftedHeader(format: "webp"), now: now) != nil)
    }

    @Test("a variant whose header would be refused when read is not encoded, so it is never written")
    func encodeRefusesWhatDecodeRefuses() {
        let key = VariantKey(source: "origin:a|b.jpg", version: "v1", rendering: "w=10")
        var variant = CachedVariant(
            header: .init(format: .image(.webp), entityTag: "\"abc\"", lastModified: nil, renderedAt: now),
            body: ByteBuffer(bytes: [1, 2, 3]))
        let encoded = DiskEntryFormat.encode(key: key, variant: variant, now: now)
        #expect(encoded.flatMap { DiskEntryFormat.decodeHeader($0, now: now) }?.variant == variant.header)
        variant.header.lastModified = "Tue, 14 Nov 2023\r\nX: y"
        #expect(DiskEntryFormat.encode(key: key, variant: variant, now: now) == nil)
    }

    @Test("each stage is kept; a version 2 entry, which had none, is final; a stage imgedge does not make is refused")
    func stages() {
        let key = VariantKey(source: "origin:a|b.jpg", version: "v1", rendering: "w=10")
        for stage in [VariantStage.fast, .optimised, .final] {
            let variant = CachedVariant(
                header: .init(format: .image(.avif), entityTag: "\"abc\"", lastModified: nil, renderedAt: now, stage: stage),
                body: ByteBuffer(bytes: [1, 2, 3]))
            let encoded = DiskEntryFormat.encode(key: key, variant: variant, now: now)
            #expect(encoded.flatMap { DiskEntryFormat.decodeHeader($0, now: now) }?.variant.stage == stage)
        }
        #expect(DiskEntryFormat.decodeHeader(Self.craftedHeader(stage: nil), now: now)?.variant.stage == .final)
        #expect(DiskEntryFormat.decodeHeader(Self.craftedHeader(stage: "fast"), now: now)?.variant.stage == .fast)
        #expect(DiskEntryFormat.decodeHeader(Self.craftedHeader(stage: "slow"), now: now) == nil)
    }

    /// A header laid out by hand, as the format's doc comment says, so a test can hold what
    /// `encode` would never write: version 3 with `stage`, version 2 without.
    static func craftedHeader(
        format: String = "webp", entityTag: String = "\"abc\"", stage: String? = "final", lastModified: String? = nil,
        renderedAt: Int64 = 1_700_000_000
    ) -> ByteBuffer {
        var fields = ByteBuffer()
        for text in ["origin:a|b.jpg", "v1", "w=10", format, entityTag] + (stage.map { [$0] } ?? []) {
            fields.writeInteger(UInt32(text.utf8.count))
            fields.writeString(text)
        }
        if let lastModified {
            fields.writeInteger(UInt8(1))
            fields.writeInteger(UInt32(lastModified.utf8.count))
            fields.writeString(lastModified)
        } else {
            fields.writeInteger(UInt8(0))
        }
        fields.writeInteger(renderedAt)
        fields.writeInteger(UInt64(3))
        fields.writeInteger(UInt32(0))
        var header = ByteBuffer(bytes: Array("IEDV".utf8))
        header.writeInteger(UInt16(stage == nil ? 2 : 3))
        header.writeInteger(UInt32(10 + fields.readableBytes))
        header.writeBuffer(&fields)
        return header
    }
}
