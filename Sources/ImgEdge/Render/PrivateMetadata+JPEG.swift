extension PrivateMetadata {
    /// A JPEG's SOI, its frame, table and scan segments with their entropy-coded data, and EOI.
    ///
    /// Of the application segments only three stay, none private: `JFIF` without a thumbnail
    /// (libjpeg reads the colour space from it), `ICC_PROFILE` and `Adobe` (the colour transform
    /// of CMYK and RGB files). Other APPn (EXIF, XMP, IPTC, MPF, maker data) and COM are dropped,
    /// as are the bytes after EOI (an MPF's second image, an appended file). A JFIF header with
    /// a thumbnail, an unknown marker or a truncated file gives nil.
    static func strippedJPEG(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var kept: [UInt8] = [0xFF, 0xD8]
        kept.reserveCapacity(bytes.count)
        var offset = 2
        while true {
            // A marker: 0xFF, perhaps fill bytes 0xFF, then its code.
            guard offset < bytes.count, bytes[offset] == 0xFF else { return nil }
            while offset + 1 < bytes.count, bytes[offset + 1] == 0xFF { offset += 1 }
            guard offset + 1 < bytes.count else { return nil }
            let marker = bytes[offset + 1]
            switch marker {
            case 0xD9:
                kept += [0xFF, 0xD9]
                return kept
            case 0x01, 0xD0...0xD7:
                kept += [0xFF, marker]
                offset += 2
                continue
            default:
                break
            }
            guard offset + 4 <= bytes.count else { return nil }
            let length = bigEndian(bytes, at: offset + 2, count: 2)
            guard length >= 2, length <= bytes.count - offset - 2 else { return nil }
            let end = offset + 2 + length
            switch marker {
            case 0xC0...0xCF, 0xDA...0xDF:
                kept += bytes[offset..<end]
            case 0xE0...0xEF, 0xFE:
                switch verdict(onApplicationSegment: marker, bytes, payload: offset + 4, end: end) {
                case .keep: kept += bytes[offset..<end]
                case .drop: break
                case .refuse: return nil
                }
            default:
                return nil
            }
            offset = end
            if marker == 0xDA {
                let dataEnd = entropyCodedEnd(bytes, from: offset)
                kept += bytes[offset..<dataEnd]
                offset = dataEnd
            }
        }
    }

    /// What becomes of one APPn or COM segment.
    private enum Verdict {
        case keep, drop
        /// The original cannot be served as it is.
        case refuse
    }

    /// The fate of an APPn or COM segment whose payload is `bytes[payload..<end]`. A JFIF
    /// header carrying a thumbnail is refused: the thumbnail could show what a crop removed,
    /// and dropping the header could change how the colours are read.
    private static func verdict(
        onApplicationSegment marker: UInt8, _ bytes: UnsafeRawBufferPointer, payload: Int, end: Int
    ) -> Verdict {
        switch marker {
        case 0xE0 where has("JFIF\0", in: bytes, at: payload):
            // Identifier (5 bytes), version, units, densities (7), then the thumbnail's width and height.
            guard end - payload >= 14 else { return .refuse }
            return bytes[payload + 12] == 0 && bytes[payload + 13] == 0 ? .keep : .refuse
        case 0xE2 where has("ICC_PROFILE\0", in: bytes, at: payload):
            return .keep
        case 0xEE where has("Adobe", in: bytes, at: payload) && end - payload == 12:
            return .keep
        default:
            return .drop
        }
    }

    /// The offset of the first marker after the entropy-coded data starting at `offset`: the
    /// first 0xFF followed by neither a stuffed 0x00, a restart marker nor another 0xFF; the
    /// end of `bytes` when there is none.
    private static func entropyCodedEnd(_ bytes: UnsafeRawBufferPointer, from offset: Int) -> Int {
        var index = offset
        while index + 1 < bytes.count {
            guard bytes[index] == 0xFF else {
                index += 1
                continue
            }
            switch bytes[index + 1] {
            case 0x00, 0xD0...0xD7: index += 2
            default: return index
            }
        }
        return bytes.count
    }
}
