import Foundation

/// Clean test images with private metadata added, as a camera or an editor leaves it: an EXIF
/// block with a GPS position, XMP, comments and PNG text chunks. The markers below must never
/// leave the server.
enum PrivateMetadataSamples {
    /// The GPS latitude's three rationals as the EXIF block stores them: 48/1, 51/1, 2964/100.
    static let gpsLatitude: [UInt8] = [48, 1, 51, 1, 2964, 100].flatMap(bigEndian32)
    /// A comment, also the text of the PNG text chunks and the XMP packet's description.
    static let comment = "imgedge-private-comment: home of the photographer"

    /// The markers a served body must not contain.
    static var markers: [[UInt8]] { [gpsLatitude, Array(comment.utf8)] }

    /// `clean` (a JPEG) with an EXIF block holding a GPS position, an XMP packet and a comment
    /// inserted after its SOI; removing exactly those segments gives `clean` back.
    static func jpeg(addingTo clean: [UInt8]) -> [UInt8] {
        let xmp = "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><dc:description>\(comment)</dc:description></x:xmpmeta>"
        let segments =
            segment(0xE1, Array("Exif\0\0".utf8) + exifWithGPS) + segment(0xE1, Array(xmp.utf8))
            + segment(0xFE, Array(comment.utf8))
        return Array(clean[0..<2]) + segments + Array(clean[2...])
    }

    /// `clean` (a PNG) with `tEXt`, `zTXt`, `iTXt`, `eXIf` (GPS) and `tIME` chunks after its
    /// `IHDR`; removing exactly those chunks gives `clean` back.
    static func png(addingTo clean: [UInt8]) -> [UInt8] {
        let afterHeader = 8 + 25
        let chunks =
            chunk("tEXt", Array("Comment\0\(comment)".utf8))
            + chunk("zTXt", Array("Author\0\0".utf8) + [0x78, 0x01, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])
            + chunk("iTXt", Array("Description\0\0\0\0\0\(comment)".utf8))
            + chunk("eXIf", exifWithGPS)
            + chunk("tIME", [0x07, 0xEA, 12, 7, 3, 0, 0])
        return Array(clean[0..<afterHeader]) + chunks + Array(clean[afterHeader...])
    }

    /// A big-endian TIFF structure: IFD0 pointing to a GPS IFD with a latitude and its reference.
    static var exifWithGPS: [UInt8] {
        var tiff: [UInt8] = Array("MM".utf8) + [0, 42] + bigEndian32(8)
        // IFD0 at 8: one entry, GPSInfo (0x8825, LONG) → the GPS IFD at 26.
        tiff += [0, 1] + [0x88, 0x25, 0, 4] + bigEndian32(1) + bigEndian32(26) + bigEndian32(0)
        // GPS IFD at 26: GPSLatitudeRef "N", GPSLatitude (3 RATIONALs at 56).
        tiff += [0, 2] + [0, 1, 0, 2] + bigEndian32(2) + Array("N\0\0\0".utf8)
        tiff += [0, 2, 0, 5] + bigEndian32(3) + bigEndian32(56) + bigEndian32(0)
        return tiff + gpsLatitude
    }

    private static func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let length = payload.count + 2
        return [0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian32(data.count) + typed + bigEndian32(Int(crc32(typed)))
    }

    private static func bigEndian32(_ value: Int) -> [UInt8] {
        [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
    }

    /// The CRC-32 of PNG chunks (ISO 3309), bit by bit: a few hundred bytes here.
    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

extension Collection<UInt8> {
    /// Whether `needle` occurs anywhere in these bytes.
    func containsBytes(_ needle: [UInt8]) -> Bool {
        let bytes = Array(self)
        guard !needle.isEmpty, bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
