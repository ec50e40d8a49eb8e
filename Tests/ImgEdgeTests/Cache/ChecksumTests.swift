import CChecksum
import NIOCore
import Testing

@testable import ImgEdge

/// The disk entries' CRC-32C: the standard value, and the CPU's instruction agreeing with the table.
@Suite("CRC-32C, the disk entries' checksum")
struct ChecksumTests {
    @Test("\"123456789\" gives the standard check value, by either way of computing it")
    func checkValue() {
        let bytes = Array("123456789".utf8)
        #expect(imgedge_crc32c(bytes, bytes.count) == 0xE306_9283)
        #expect(imgedge_crc32c_portable(bytes, bytes.count) == 0xE306_9283)
        #expect(imgedge_crc32c(nil, 0) == 0)
    }

    @Test("the CPU's instruction and the table agree on every length and alignment, and one flipped bit changes the sum")
    func agreement() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<70_000).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        bytes.withUnsafeBytes { all in
            for (start, count) in [
                (0, 1), (1, 7), (3, 8), (5, 9), (0, 767), (1, 768), (2, 769), (0, 4096), (0, 24_575), (3, 24_576), (5, 24_577),
                (7, 48_001), (0, 50_000), (0, 70_000),
            ] {
                let slice = UnsafeRawBufferPointer(rebasing: all[start..<start + count])
                #expect(imgedge_crc32c(slice.baseAddress, count) == imgedge_crc32c_portable(slice.baseAddress, count))
            }
        }
        var flipped = bytes
        flipped[40_000] ^= 0x10
        #expect(
            DiskEntryFormat.checksum(of: ByteBuffer(bytes: flipped)) != DiskEntryFormat.checksum(of: ByteBuffer(bytes: bytes)))
    }
}
