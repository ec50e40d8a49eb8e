// duotone(r1,g1,b1,r2,g2,b2): strip filter. Six values in 0...255, or none for the default
// dark blue (20,30,60) -> warm yellow (255,204,0). Each pixel's luma
//   y = (54 R + 183 G + 19 B + 128) >> 8          (Rec.709 weights in 1/256ths, 0...255)
// picks a point on the gradient from colour 1 (y = 0) to colour 2 (y = 255):
//   out_c = clamp(floor(c1 + (c2 - c1) * y / 255 + 0.5)).
// Alpha is left untouched. Needs no halo and no finalize.

/// What `imgedge_describe` returns (GET /modules): the arguments, their ranges and defaults.
let moduleDescription: StaticString = "r1,g1,b1,r2,g2,b2 0-255 (default 20,30,60 to 255,204,0)"

@inline(__always) func isSample(_ value: Float) -> Bool { value >= 0 && value <= 255 }

@_cdecl("imgedge_strip")
public func imgedgeStrip(_ args: Int32, _ argc: Int32, _ pixels: Int32, _ width: Int32, _ rows: Int32,
                         _ bands: Int32, _ stride: Int32, _ firstRow: Int32, _ height: Int32) -> Int32 {
    var c: (Float, Float, Float, Float, Float, Float) = (20, 30, 60, 255, 204, 0)
    if argc != 0 {
        guard argc == 6, argumentsReadable(args, argc) else { return statusInvalidFormat }
        c = (argument(args, 0), argument(args, 1), argument(args, 2),
             argument(args, 3), argument(args, 4), argument(args, 5))
        guard isSample(c.0), isSample(c.1), isSample(c.2), isSample(c.3), isSample(c.4), isSample(c.5) else {
            return statusInvalidFormat
        }
    }
    guard stripGeometryValid(pixels, width, rows, bands, stride, firstRow, height) else { return statusInvalidFormat }

    // The gradient, 256 entries per channel, in the module's static scratch area.
    let table = imgedgeScratch()
    for y in 0..<256 {
        let t = Float(y) / 255
        table[y] = clampByte(c.0 + (c.3 - c.0) * t)
        table[256 &+ y] = clampByte(c.1 + (c.4 - c.1) * t)
        table[512 &+ y] = clampByte(c.2 + (c.5 - c.2) * t)
    }

    let step = Int(bands), rowBytes = Int(width) &* step
    var row = bytePointer(pixels)
    for _ in 0..<Int(rows) {
        var p = row
        let end = row + rowBytes
        while p < end {
            let y = (54 &* UInt32(p[0]) &+ 183 &* UInt32(p[1]) &+ 19 &* UInt32(p[2]) &+ 128) &>> 8
            let i = Int(y)
            p[0] = table[i]
            p[1] = table[256 &+ i]
            p[2] = table[512 &+ i]
            p += step
        }
        row += Int(stride)
    }
    return statusOK
}
