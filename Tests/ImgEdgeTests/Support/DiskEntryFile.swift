import Foundation
import NIOCore
import Testing

@testable import ImgEdge

/// A disk cache entry file as an attacker with write access to the directory would edit it.
enum DiskEntryFile {
    /// Overwrites the `renderedAt` field of the entry file at `url` with `value`, leaving the
    /// body and its checksum (which covers the body only) intact.
    ///
    /// The field is found by decoding the header with `DiskEntryFormat`: `renderedAt`,
    /// `bodyLength` and `bodyChecksum` are its last 20 bytes.
    static func rewriteRenderedAt(at url: URL, to value: Int64) throws {
        var file = ByteBuffer(bytes: try Data(contentsOf: url))
        let header = try #require(DiskEntryFormat.decodeHeader(file), "the entry file decodes before the edit")
        let offset = header.headerLength - 20
        #expect(file.getInteger(at: offset + 8, as: UInt64.self) == UInt64(header.bodyLength), "the field found is renderedAt")
        file.setInteger(value, at: offset)
        try Data(file.readableBytesView).write(to: url)
    }
}
