// vignette(strength): strip filter. strength in 0...1, default 0.4. Darkens towards the corners
// of the WHOLE image (uses first_row and height). For the pixel at column x, image row y:
//   dx = (x + 0.5 - W/2) / (W/2),  dy = (y + 0.5 - H/2) / (H/2)
//   f  = 1 - strength * (dx² + dy²) / 2          (1 in the centre, ~1 - strength in the corners)
//   m  = floor(f * 256 + 0.5)                    (0...256)
//   out = (v * m + 128) >> 8                      for R, G, B; alpha untouched.
// Needs no halo and no finalize.
//
// Speed (WasmKit interprets every wasm instruction, so the per-pixel work is kept minimal):
// - f * 256 + 0.5 = rowTerm(y) - columnTerm(x), both computed in f64 and kept in 16.16 fixed
//   point: the column terms once per strip in a table of `width` i32s (imgedge_alloc'ed,
//   reused by later strips until imgedge_reset), the row term once per row. m is then a table
//   load, a subtraction and a shift. It is the floor of the exact value except when that lies
//   within ~2^-16 of an integer, so m can differ by 1 from an f32 (or f64) evaluation of the
//   formula, and a sample by at most 1. rowTerm - columnTerm > 0 always: f > 1 - strength >= 0
//   because |dx|, |dy| < 1 at pixel centres.
//   (Pairing mirrored columns x, W-1-x to share one m needs fewer wasm instructions but ran
//   slower in WasmKit 0.4.2.)
// - Each pixel is rewritten with one unaligned 4-byte load and store (`shade`): R and B as two
//   16-bit lanes of one multiply (v * m + 128 <= 65408 never carries into the next lane), G on its
//   own, byte 3 (alpha, or the next pixel's R) stored back as it was loaded. For RGB the row's
//   last pixel is done byte by byte (`shadeBytes`), so nothing past a row is ever accessed.

/// What `imgedge_describe` returns (GET /modules): the arguments, their ranges and defaults.
let moduleDescription: StaticString = "strength 0-1 (default 0.4)"

/// The column-term table of the current strips: `width` i32s at `columnTable`, for
/// `tableWidth` and `tableStrength` (bit pattern); 0 = none. Cleared by imgedge_reset (which
/// frees it).
var columnTable: UInt32 = 0
var tableWidth: Int32 = 0
var tableStrength: UInt32 = 0

@_cdecl("imgedge_module_reset")
public func imgedgeModuleReset() {
    columnTable = 0
}

/// 16.16 fixed point of a non-negative value below 2^15, rounded to nearest.
@inline(__always)
func fixed(_ value: Double) -> Int32 { Int32(value * 65536 + 0.5) }

/// out = (v * m + 128) >> 8 for bytes 0, 1, 2 of the 4 bytes at p; byte 3 is stored back unchanged.
@inline(__always)
func shade(_ p: UnsafeMutableRawPointer, _ m: UInt32) {
    let v = p.loadUnaligned(as: UInt32.self)
    let rb = ((v & 0x00FF_00FF) &* m &+ 0x0080_0080) &>> 8 & 0x00FF_00FF
    let g = ((v &>> 8 & 0xFF) &* m &+ 0x80) & 0xFF00
    p.storeBytes(of: rb | g | (v & 0xFF00_0000), as: UInt32.self)
}

/// The same for the 3 bytes at p only.
@inline(__always)
func shadeBytes(_ p: UnsafeMutableRawPointer, _ m: UInt32) {
    let q = p.assumingMemoryBound(to: UInt8.self)
    q[0] = UInt8(truncatingIfNeeded: (UInt32(q[0]) &* m &+ 128) &>> 8)
    q[1] = UInt8(truncatingIfNeeded: (UInt32(q[1]) &* m &+ 128) &>> 8)
    q[2] = UInt8(truncatingIfNeeded: (UInt32(q[2]) &* m &+ 128) &>> 8)
}

@_cdecl("imgedge_strip")
public func imgedgeStrip(_ args: Int32, _ argc: Int32, _ pixels: Int32, _ width: Int32, _ rows: Int32,
                         _ bands: Int32, _ stride: Int32, _ firstRow: Int32, _ height: Int32) -> Int32 {
    guard let strength = singleArgument(args, argc, fallback: 0.4, 0, 1) else { return statusInvalidFormat }
    guard stripGeometryValid(pixels, width, rows, bands, stride, firstRow, height) else { return statusInvalidFormat }
    if rows == 0 { return statusOK }

    let w = Int(width)
    let halfWidth = Double(width) / 2, halfHeight = Double(height) / 2
    let k256 = Double(strength) * 128   // 256 * strength / 2
    if columnTable == 0 || tableWidth != width || tableStrength != strength.bitPattern {
        // columnTerm(x) = 256 * strength/2 * dx^2, 0 ... 128
        let table = imgedgeAlloc(width &* 4)
        if table == 0 { return statusOutOfMemory }
        let kx = k256 / (halfWidth * halfWidth)
        let t = UnsafeMutablePointer<Int32>(bitPattern: UInt(table))!
        for x in 0..<w {
            let d = Double(x) + 0.5 - halfWidth
            t[x] = fixed(kx * d * d)
        }
        columnTable = table; tableWidth = width; tableStrength = strength.bitPattern
    }
    let ky = k256 / (halfHeight * halfHeight)
    let columns = UnsafePointer<Int32>(bitPattern: UInt(columnTable))!
    let step = Int(bands)
    let rgb = bands == 3
    let wordPixels = rgb ? w &- 1 : w
    var row = UnsafeMutableRawPointer(bytePointer(pixels))
    for r in 0..<Int(rows) {
        let d = Double(Int(firstRow) &+ r) + 0.5 - halfHeight
        // rowTerm(y) = 256 - 256 * strength/2 * dy^2 + 0.5, 128.5 ... 256.5
        let base = UInt32(bitPattern: fixed(256.5 - ky * d * d))
        var p = row
        var c = columns
        let end = row + wordPixels &* step
        while p < end {
            let m = (base &- UInt32(bitPattern: c.pointee)) &>> 16   // 0 ... 256
            shade(p, m)
            p += step; c += 1
        }
        if rgb { shadeBytes(p, (base &- UInt32(bitPattern: c.pointee)) &>> 16) }   // last pixel
        row += Int(stride)
    }
    return statusOK
}
