// pixelate(size): strip filter. size an integer in 2...64, default 8.
// Blocks are aligned to the WHOLE image: block (bx, by) covers columns bx*size ..< min((bx+1)*size, W)
// and image rows by*size ..< min((by+1)*size, H) (partial blocks at the right and bottom edges).
// Every pixel of a block gets the block's mean per colour channel, rounded half up:
//   out_c = (sum_c + n / 2) / n   (integer division, n = pixels in the block); alpha untouched.
// A block can straddle strips, so imgedge_halo returns size - 1: any block touching a strip then
// lies within the strip plus its halo rows, and each strip computes its blocks' means from all of
// the block's rows (reading halo rows, writing only the strip's own rows). Rows outside the image
// (the host's replicated edge rows) are never read. The result is identical to pixelating the
// whole image at once, whatever the strip heights.

/// What `imgedge_describe` returns (GET /modules): the arguments, their ranges and defaults.
let moduleDescription: StaticString = "size 2-64, whole number (default 8)"

func blockSize(_ args: Int32, _ argc: Int32) -> Int? {
    guard let value = singleArgument(args, argc, fallback: 8, 2, 64),
          value == value.rounded(.down) else { return nil }
    return Int(value)
}

@_cdecl("imgedge_halo")
public func imgedgeHalo(_ args: Int32, _ argc: Int32) -> Int32 {
    guard let size = blockSize(args, argc) else { return 0 }  // imgedge_strip reports the error
    return Int32(size - 1)
}

@_cdecl("imgedge_strip")
public func imgedgeStrip(_ args: Int32, _ argc: Int32, _ pixels: Int32, _ width: Int32, _ rows: Int32,
                         _ bands: Int32, _ stride: Int32, _ firstRow: Int32, _ height: Int32) -> Int32 {
    guard let size = blockSize(args, argc) else { return statusInvalidFormat }
    guard rows > 0 else {
        return stripGeometryValid(pixels, width, rows, bands, stride, firstRow, height) ? statusOK : statusInvalidFormat
    }
    // The image rows this strip needs: whole blocks, clipped to the image.
    let first = Int(firstRow), last = first + Int(rows) - 1
    let top = (first / size) * size
    let bottom = min((last / size) * size + size, Int(height))   // exclusive
    guard stripGeometryValid(pixels, width, rows, bands, stride, firstRow, height,
                             haloAbove: Int32(first - top), haloBelow: Int32(bottom - 1 - last)) else {
        return statusInvalidFormat
    }
    let step = Int(bands), rowStride = Int(stride), w = Int(width)
    let origin = bytePointer(pixels)   // image row `first`, column 0
    var y0 = top
    while y0 < bottom {
        let y1 = min(y0 + size, bottom)
        let writeFrom = max(y0, first), writeTo = min(y1, last + 1)
        var x0 = 0
        while x0 < w {
            let x1 = min(x0 + size, w)
            var r: UInt32 = 0, g: UInt32 = 0, b: UInt32 = 0
            var line = origin + (y0 - first) * rowStride + x0 * step
            let lineBytes = (x1 - x0) * step
            for _ in y0..<y1 {
                var p = line
                let end = line + lineBytes
                while p < end {
                    r &+= UInt32(p[0]); g &+= UInt32(p[1]); b &+= UInt32(p[2])
                    p += step
                }
                line += rowStride
            }
            let n = UInt32((x1 - x0) * (y1 - y0)), half = n / 2
            let mr = UInt8(truncatingIfNeeded: (r + half) / n)
            let mg = UInt8(truncatingIfNeeded: (g + half) / n)
            let mb = UInt8(truncatingIfNeeded: (b + half) / n)
            line = origin + (writeFrom - first) * rowStride + x0 * step
            for _ in writeFrom..<writeTo {
                var p = line
                let end = line + lineBytes
                while p < end {
                    p[0] = mr; p[1] = mg; p[2] = mb
                    p += step
                }
                line += rowStride
            }
            x0 = x1
        }
        y0 = y1
    }
    return statusOK
}
