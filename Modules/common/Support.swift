// Helpers shared by every imgedge filter module (Embedded Swift, wasm32, no imports).
// See Modules/README.md for the ABI these modules implement.

@_extern(c, "imgedge_scratch") func imgedgeScratch() -> UnsafeMutablePointer<UInt8>
@_extern(c, "imgedge_memory_bytes") func imgedgeMemoryBytes() -> UInt32
@_extern(c, "imgedge_alloc") func imgedgeAlloc(_ size: Int32) -> UInt32

/// Status results of ABI v1.
let statusOK: Int32 = 0
let statusInvalidFormat: Int32 = 1
let statusOutOfMemory: Int32 = 2
let statusProcessingFailed: Int32 = 3

/// True when the byte range [offset, offset + length) lies inside linear memory (and offset != 0).
@inline(__always)
func inMemory(_ offset: Int64, _ length: Int64) -> Bool {
    offset > 0 && length >= 0 && offset + length <= Int64(imgedgeMemoryBytes())
}

@inline(__always)
func bytePointer(_ offset: Int32) -> UnsafeMutablePointer<UInt8> {
    UnsafeMutablePointer<UInt8>(bitPattern: UInt(UInt32(bitPattern: offset)))!
}

/// The `index`th f32 argument (little-endian, as wasm memory is).
@inline(__always)
func argument(_ args: Int32, _ index: Int) -> Float {
    UnsafeRawPointer(bytePointer(args)).loadUnaligned(fromByteOffset: index &* 4, as: Float.self)
}

/// True when `argc` f32 values can be read at `args`.
@inline(__always)
func argumentsReadable(_ args: Int32, _ argc: Int32) -> Bool {
    argc == 0 || (argc > 0 && argc <= 64 && inMemory(Int64(UInt32(bitPattern: args)), Int64(argc) &* 4))
}

/// The single optional argument of a one-parameter filter: `fallback` when argc is 0, the value
/// when argc is 1 and it lies in lower...upper, nil otherwise (NaN is out of range).
func singleArgument(_ args: Int32, _ argc: Int32, fallback: Float, _ lower: Float, _ upper: Float) -> Float? {
    if argc == 0 { return fallback }
    guard argc == 1, argumentsReadable(args, argc) else { return nil }
    let value = argument(args, 0)
    guard value >= lower && value <= upper else { return nil }
    return value
}

/// floor(x + 0.5) clamped to 0...255 (x may be anything but NaN).
@inline(__always)
func clampByte(_ x: Float) -> UInt8 {
    let r = (x + 0.5).rounded(.down)
    if r <= 0 { return 0 }
    if r >= 255 { return 255 }
    return UInt8(r)
}

/// Writes the 768-byte ABI lookup table at `table`: the same curve for R, G and B.
func writeLookupTable(_ table: Int32, _ curve: (Int) -> UInt8) -> Int32 {
    guard inMemory(Int64(UInt32(bitPattern: table)), 768) else { return statusInvalidFormat }
    let p = bytePointer(table)
    for v in 0..<256 {
        let out = curve(v)
        p[v] = out
        p[256 &+ v] = out
        p[512 &+ v] = out
    }
    return statusOK
}

/// Writes a row-major 3x3 f32 matrix at `matrix`.
func writeMatrix(_ matrix: Int32, _ m: (Float, Float, Float, Float, Float, Float, Float, Float, Float)) -> Int32 {
    guard inMemory(Int64(UInt32(bitPattern: matrix)), 36) else { return statusInvalidFormat }
    let p = UnsafeMutableRawPointer(bytePointer(matrix))
    p.storeBytes(of: m.0, toByteOffset: 0, as: Float.self)
    p.storeBytes(of: m.1, toByteOffset: 4, as: Float.self)
    p.storeBytes(of: m.2, toByteOffset: 8, as: Float.self)
    p.storeBytes(of: m.3, toByteOffset: 12, as: Float.self)
    p.storeBytes(of: m.4, toByteOffset: 16, as: Float.self)
    p.storeBytes(of: m.5, toByteOffset: 20, as: Float.self)
    p.storeBytes(of: m.6, toByteOffset: 24, as: Float.self)
    p.storeBytes(of: m.7, toByteOffset: 28, as: Float.self)
    p.storeBytes(of: m.8, toByteOffset: 32, as: Float.self)
    return statusOK
}

/// Writes an ABI kernel (i32 size, f32 scale, size*size f32 weights) at `kernel` if it fits
/// in `capacity` bytes; `weight(row, column)` gives each weight.
func writeKernel(_ kernel: Int32, _ capacity: Int32, size: Int, scale: Float, _ weight: (Int, Int) -> Float) -> Int32 {
    let bytes = 8 + size * size * 4
    guard Int(capacity) >= bytes else { return statusOutOfMemory }
    guard inMemory(Int64(UInt32(bitPattern: kernel)), Int64(bytes)) else { return statusInvalidFormat }
    let p = UnsafeMutableRawPointer(bytePointer(kernel))
    p.storeBytes(of: Int32(size), toByteOffset: 0, as: Int32.self)
    p.storeBytes(of: scale, toByteOffset: 4, as: Float.self)
    var offset = 8
    for row in 0..<size {
        for column in 0..<size {
            p.storeBytes(of: weight(row, column), toByteOffset: offset, as: Float.self)
            offset += 4
        }
    }
    return statusOK
}

/// Checks the geometry arguments of imgedge_strip: the rows first_row - haloAbove ..<
/// first_row + rows + haloBelow (already clipped to the image by the caller) must be in memory.
func stripGeometryValid(_ pixels: Int32, _ width: Int32, _ rows: Int32, _ bands: Int32, _ stride: Int32,
                        _ firstRow: Int32, _ height: Int32, haloAbove: Int32 = 0, haloBelow: Int32 = 0) -> Bool {
    guard width > 0, rows >= 0, bands == 3 || bands == 4, height > 0, firstRow >= 0,
          Int64(firstRow) + Int64(rows) <= Int64(height),
          Int64(stride) >= Int64(width) &* Int64(bands) else { return false }
    if rows == 0 { return true }
    let start = Int64(UInt32(bitPattern: pixels)) - Int64(haloAbove) &* Int64(stride)
    let count = Int64(haloAbove) + Int64(rows) + Int64(haloBelow)
    let length = (count - 1) &* Int64(stride) + Int64(width) &* Int64(bands)
    return inMemory(start, length)
}

// Optional exports imgedge_describe / imgedge_describe_length: a one-line UTF-8 description of
// the module's arguments (`moduleDescription`, a StaticString each module defines), read from the
// data segment in place: nothing is allocated.
@_cdecl("imgedge_describe")
public func imgedgeDescribe() -> Int32 {
    Int32(truncatingIfNeeded: UInt(bitPattern: moduleDescription.utf8Start))
}

@_cdecl("imgedge_describe_length")
public func imgedgeDescribeLength() -> Int32 {
    Int32(truncatingIfNeeded: moduleDescription.utf8CodeUnitCount)
}
