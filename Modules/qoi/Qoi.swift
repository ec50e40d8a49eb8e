// qoi: byte-stream transform, a streaming decoder for the QOI image format
// (https://qoiformat.org/qoi-specification.pdf).
//
// The body may arrive in chunks of any size (even 1 byte): the decoder keeps its state between
// chunks and copies at most 4 bytes of an op split across chunks, so the host may reuse the input
// area (imgedge_transform_input) for every chunk. The pixels are decoded straight into the output
// buffer, which is allocated once the 14-byte header has arrived (12 + width*height*channels bytes).
//
// Rejected with status 1 (and every later call too): bad magic, width or height 0, width*height
// over 50,000,000, channels not 3/4, colorspace not 0/1, a QOI_OP_RUN past the last pixel, a wrong
// end marker, any byte after the end marker, and (at finish) a body that ends before the last
// pixel and the complete 8-byte end marker. Status 2 when the output buffer cannot be allocated.

/// What `imgedge_describe` returns (GET /modules): the arguments, their ranges and defaults.
let moduleDescription: StaticString = "none; body: a QOI image"

// Decoder state (statically initialised globals; cleared by imgedge_reset).
var phase: Int32 = 0            // 0 header, 1 pixels, 2 end marker, 3 complete, 4 failed
var failure: Int32 = 0          // the status to repeat once failed
var headerBytes: Int = 0        // header bytes collected in scratch[0..<14]
var carryBytes: Int = 0         // bytes of a split op collected in scratch[16..<21]
var markerBytes: Int = 0        // end-marker bytes matched
var outputStart: UInt32 = 0     // the output buffer (header + samples)
var outputBytes: Int32 = 0
var writeOffset: Int = 0        // next sample to write (byte offset in memory)
var writeEnd: Int = 0
var channels: Int = 0
var red: UInt32 = 0, green: UInt32 = 0, blue: UInt32 = 0, alpha: UInt32 = 255
var inputBuffer: UInt32 = 0
var inputCapacity: Int32 = 0

let headerOffset = 0, carryOffset = 16, indexOffset = 256   // in the 1 KiB scratch area
let maxPixels: UInt64 = 50_000_000

@_cdecl("imgedge_module_reset")
public func moduleReset() {
    phase = 0; failure = 0; headerBytes = 0; carryBytes = 0; markerBytes = 0
    outputStart = 0; outputBytes = 0; writeOffset = 0; writeEnd = 0; channels = 0
    red = 0; green = 0; blue = 0; alpha = 255
    inputBuffer = 0; inputCapacity = 0
    let index = imgedgeScratch() + indexOffset
    for i in 0..<256 { index[i] = 0 }
}

@inline(__always)
func fail(_ status: Int32) -> Int32 {
    phase = 4
    failure = status
    return status
}

@_cdecl("imgedge_transform_input")
public func imgedgeTransformInput(_ capacity: Int32) -> Int32 {
    guard capacity >= 0 else { return 0 }
    if inputBuffer != 0 && inputCapacity >= capacity { return Int32(bitPattern: inputBuffer) }
    let buffer = imgedgeAlloc(max(capacity, 16))
    guard buffer != 0 else { return 0 }
    inputBuffer = buffer
    inputCapacity = max(capacity, 16)
    return Int32(bitPattern: buffer)
}

/// Parses the 14 header bytes in scratch and allocates the output. Returns a status.
func parseHeader() -> Int32 {
    let h = imgedgeScratch() + headerOffset
    guard h[0] == 0x71, h[1] == 0x6F, h[2] == 0x69, h[3] == 0x66 else { return fail(statusInvalidFormat) } // "qoif"
    let width = UInt32(h[4]) << 24 | UInt32(h[5]) << 16 | UInt32(h[6]) << 8 | UInt32(h[7])
    let height = UInt32(h[8]) << 24 | UInt32(h[9]) << 16 | UInt32(h[10]) << 8 | UInt32(h[11])
    guard width > 0, height > 0, UInt64(width) &* UInt64(height) <= maxPixels,
          h[12] == 3 || h[12] == 4, h[13] <= 1 else { return fail(statusInvalidFormat) }
    channels = Int(h[12])
    let samples = Int(width) &* Int(height) &* channels       // <= 200,000,000
    let start = imgedgeAlloc(Int32(12 + samples))
    guard start != 0 else { return fail(statusOutOfMemory) }
    let out = UnsafeMutableRawPointer(bytePointer(Int32(bitPattern: start)))
    out.storeBytes(of: width.littleEndian, toByteOffset: 0, as: UInt32.self)
    out.storeBytes(of: height.littleEndian, toByteOffset: 4, as: UInt32.self)
    out.storeBytes(of: UInt32(channels).littleEndian, toByteOffset: 8, as: UInt32.self)
    outputStart = start
    outputBytes = Int32(12 + samples)
    writeOffset = Int(start) + 12
    writeEnd = writeOffset + samples
    phase = 1
    return statusOK
}

/// Bytes in the op that starts with `tag`.
@inline(__always)
func opLength(_ tag: UInt8) -> Int {
    if tag == 0xFE { return 4 }
    if tag == 0xFF { return 5 }
    return tag >> 6 == 2 ? 2 : 1
}

/// Decodes whole ops from p[0..<length] in the pixel phase. Stops before an op that is cut off by
/// the end of the buffer, or after the last pixel (then phase becomes 2). Returns the bytes used.
func decodeOps(_ p: UnsafeMutablePointer<UInt8>, _ length: Int) -> Int {
    let index = UnsafeMutableRawPointer(imgedgeScratch() + indexOffset)
    let four = channels == 4
    let step = channels
    var r = red, g = green, b = blue, a = alpha
    var out = bytePointer(Int32(truncatingIfNeeded: writeOffset))
    let end = bytePointer(Int32(truncatingIfNeeded: writeEnd))
    var i = 0
    while i < length {
        let tag = p[i]
        if tag >= 0xC0 && tag < 0xFE {                       // QOI_OP_RUN
            let run = Int(tag & 0x3F) + 1
            guard end - out >= run * step else { _ = fail(statusInvalidFormat); return i }
            for _ in 0..<run {
                out[0] = UInt8(truncatingIfNeeded: r)
                out[1] = UInt8(truncatingIfNeeded: g)
                out[2] = UInt8(truncatingIfNeeded: b)
                if four { out[3] = UInt8(truncatingIfNeeded: a) }
                out += step
            }
            i += 1
        } else {
            if tag == 0xFE {                                   // QOI_OP_RGB
                if length - i < 4 { break }
                r = UInt32(p[i + 1]); g = UInt32(p[i + 2]); b = UInt32(p[i + 3])
                i += 4
            } else if tag == 0xFF {                            // QOI_OP_RGBA
                if length - i < 5 { break }
                r = UInt32(p[i + 1]); g = UInt32(p[i + 2]); b = UInt32(p[i + 3]); a = UInt32(p[i + 4])
                i += 5
            } else if tag < 0x40 {                             // QOI_OP_INDEX
                let entry = index.loadUnaligned(fromByteOffset: Int(tag) * 4, as: UInt32.self)
                r = entry & 0xFF; g = (entry >> 8) & 0xFF; b = (entry >> 16) & 0xFF; a = entry >> 24
                i += 1
            } else if tag < 0x80 {                             // QOI_OP_DIFF
                let t = UInt32(tag)
                r = (r &+ ((t >> 4) & 3) &- 2) & 0xFF
                g = (g &+ ((t >> 2) & 3) &- 2) & 0xFF
                b = (b &+ (t & 3) &- 2) & 0xFF
                i += 1
            } else {                                           // QOI_OP_LUMA
                if length - i < 2 { break }
                let dg = UInt32(tag & 0x3F) &- 32
                let next = UInt32(p[i + 1])
                g = (g &+ dg) & 0xFF
                r = (r &+ dg &+ (next >> 4) &- 8) & 0xFF
                b = (b &+ dg &+ (next & 15) &- 8) & 0xFF
                i += 2
            }
            guard out < end else { _ = fail(statusInvalidFormat); return i }
            out[0] = UInt8(truncatingIfNeeded: r)
            out[1] = UInt8(truncatingIfNeeded: g)
            out[2] = UInt8(truncatingIfNeeded: b)
            if four { out[3] = UInt8(truncatingIfNeeded: a) }
            out += step
        }
        let hash = Int((r &* 3 &+ g &* 5 &+ b &* 7 &+ a &* 11) & 63)
        index.storeBytes(of: r | g << 8 | b << 16 | a << 24, toByteOffset: hash * 4, as: UInt32.self)
        if out == end {
            phase = 2
            break
        }
    }
    red = r; green = g; blue = b; alpha = a
    writeOffset = Int(bitPattern: UInt(bitPattern: out))
    return i
}

@_cdecl("imgedge_transform_chunk")
public func imgedgeTransformChunk(_ input: Int32, _ length: Int32) -> Int32 {
    if phase == 4 { return failure }
    guard length >= 0 else { return fail(statusInvalidFormat) }
    if length == 0 { return statusOK }
    guard inMemory(Int64(UInt32(bitPattern: input)), Int64(length)) else { return fail(statusInvalidFormat) }
    let p = bytePointer(input)
    let n = Int(length)
    let scratch = imgedgeScratch()
    var i = 0
    while i < n {
        switch phase {
        case 0:
            while headerBytes < 14 && i < n {
                scratch[headerOffset + headerBytes] = p[i]
                headerBytes += 1
                i += 1
            }
            if headerBytes == 14 {
                let status = parseHeader()
                if status != statusOK { return status }
            }
        case 1:
            if carryBytes > 0 {
                let carry = scratch + carryOffset
                let need = opLength(carry[0])
                while carryBytes < need && i < n {
                    carry[carryBytes] = p[i]
                    carryBytes += 1
                    i += 1
                }
                if carryBytes == need {
                    _ = decodeOps(carry, need)
                    carryBytes = 0
                }
            } else {
                i += decodeOps(p + i, n - i)
                if phase == 1 && i < n {                       // an op cut off by the chunk's end
                    let carry = scratch + carryOffset
                    while i < n {
                        carry[carryBytes] = p[i]
                        carryBytes += 1
                        i += 1
                    }
                }
            }
        case 2:
            let expected: UInt8 = markerBytes == 7 ? 1 : 0
            guard p[i] == expected else { return fail(statusInvalidFormat) }
            markerBytes += 1
            i += 1
            if markerBytes == 8 { phase = 3 }
        case 3:
            return fail(statusInvalidFormat)                   // data after the end marker
        default:
            return failure
        }
    }
    return phase == 4 ? failure : statusOK
}

@_cdecl("imgedge_transform_finish")
public func imgedgeTransformFinish() -> Int32 {
    if phase == 3 { return statusOK }
    if phase == 4 { return failure }
    return fail(statusInvalidFormat)                           // truncated
}

@_cdecl("imgedge_transform_output")
public func imgedgeTransformOutput() -> Int32 {
    phase == 3 ? Int32(bitPattern: outputStart) : 0
}

@_cdecl("imgedge_transform_output_length")
public func imgedgeTransformOutputLength() -> Int32 {
    phase == 3 ? outputBytes : 0
}
