// vignette(strength): strip filter. strength in 0...1, default 0.4. Darkens towards the corners
// of the WHOLE image (uses first_row and height). For the pixel at column x, image row y:
//   dx = (x + 0.5 - W/2) / (W/2),  dy = (y + 0.5 - H/2) / (H/2)      (f32 arithmetic)
//   f  = 1 - strength * (dx² + dy²) / 2          (1 in the centre, ~1 - strength in the corners)
//   m  = floor(f * 256 + 0.5)                    (0...256)
//   out = (v * m + 128) >> 8                      for R, G, B; alpha untouched.
// Needs no halo and no finalize.

@_cdecl("imgedge_strip")
public func imgedgeStrip(_ args: Int32, _ argc: Int32, _ pixels: Int32, _ width: Int32, _ rows: Int32,
                         _ bands: Int32, _ stride: Int32, _ firstRow: Int32, _ height: Int32) -> Int32 {
    guard let strength = singleArgument(args, argc, fallback: 0.4, 0, 1) else { return statusInvalidFormat }
    guard stripGeometryValid(pixels, width, rows, bands, stride, firstRow, height) else { return statusInvalidFormat }

    let halfWidth = Float(width) / 2, halfHeight = Float(height) / 2
    let k = strength / 2
    let kx = k / (halfWidth * halfWidth), ky = k / (halfHeight * halfHeight)
    let step = Int(bands)
    var row = bytePointer(pixels)
    for r in 0..<Int(rows) {
        let y = Float(Int(firstRow) &+ r) + 0.5 - halfHeight
        // f * 256 + 0.5, split into a per-row part and a per-column part
        let base = (1 - ky * y * y) * 256 + 0.5
        let kx256 = kx * 256
        var p = row
        var x = 0.5 - halfWidth
        for _ in 0..<Int(width) {
            let mf = base - kx256 * x * x
            let m = mf > 0 ? UInt32(mf) : 0
            p[0] = UInt8(truncatingIfNeeded: (UInt32(p[0]) &* m &+ 128) &>> 8)
            p[1] = UInt8(truncatingIfNeeded: (UInt32(p[1]) &* m &+ 128) &>> 8)
            p[2] = UInt8(truncatingIfNeeded: (UInt32(p[2]) &* m &+ 128) &>> 8)
            p += step
            x += 1
        }
        row += Int(stride)
    }
    return statusOK
}
