// Filter costs, in one run: recipes against the same libvips operation called directly, strip
// filters in WasmKit against the same loop in native Swift, and module load times.
//
// Usage: swift run -c release filter-bench [ITERATIONS]   (after `make modules`)
// Prints milliseconds per 800x450 image (median of ITERATIONS) and the ratios the issue targets:
// recipe / native ≥ 0.8 (higher is better), WasmKit / native ≥ 0.1, load ≤ 5 ms per module.

import Filters
import Foundation
import Vips
import WAT

let iterations = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 15
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let modulesDirectory = repository.appendingPathComponent("Modules/build").path

/// The median wall time of `body` over the iterations, in milliseconds, after warm-up runs.
func median(_ body: () throws -> Void) rethrows -> Double {
    for _ in 0..<3 { try body() }
    var times: [Double] = []
    for _ in 0..<iterations {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        times.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
    }
    return times.sorted()[times.count / 2]
}

func row(_ name: String, _ measured: Double, _ baseline: Double, _ ratio: Double) {
    print(
        name.padding(toLength: 28, withPad: " ", startingAt: 0), String(format: "%10.2f %10.2f %8.2f", measured, baseline, ratio))
}

try Libvips.start()
let photo = SourceBytes(try Data(contentsOf: repository.appendingPathComponent("TestImages/landscape.jpg")))
/// The photo at 800 px: its size and pixels.
func decodePhoto() throws -> (width: Int, height: Int, bands: Int, pixels: [UInt8]) {
    let frame = try Image.thumbnail(of: photo, ThumbnailRequest(width: 800, height: nil)).materialized()
    let (width, height, bands) = (frame.width, frame.frameHeight, frame.bands)
    var pixels = [UInt8]()
    _ = try frame.rewritingPixels { buffer in pixels = Array(buffer) }
    return (width, height, bands, pixels)
}
let (width, height, bands, rgb) = try decodePhoto()
let pixels = SourceBytes(rgb)
/// The photo at 800 px as a fresh lazy image over the same pixels.
func image() throws -> Image {
    try Image.thumbnail(ofPixels: pixels, width: width, height: height, bands: bands, ThumbnailRequest(width: nil, height: nil))
}

let catalog = FilterRegistry(directory: modulesDirectory, limits: FilterLimits())
guard catalog.failures.isEmpty, !catalog.modules.isEmpty else {
    fatalError("build the modules first (make modules): \(catalog.failures)")
}
print("filter".padding(toLength: 28, withPad: " ", startingAt: 0), "        ms   baseline    ratio")

// (a) Recipes: the module describes the effect, libvips applies it; baseline: the same libvips
// operation with the recipe computed once in advance.
for name in ["sepia", "grayscale", "saturation", "invert", "brightness", "contrast", "blur", "sharpen"] {
    let module = catalog.modules[name]!
    let recipe = try catalog.recipe(module, arguments: [])
    func apply(_ recipe: Recipe, to image: consuming Image) throws -> Image {
        switch recipe {
        case .lookupTable(let table): try image.mapped(throughTable: table)
        case .colourMatrix(let matrix): try image.recombined(by: matrix)
        case .kernel(let size, let scale, let weights): try image.convolved(size: size, scale: scale, weights: weights)
        }
    }
    let viaModule = try median { _ = try apply(try catalog.recipe(module, arguments: []), to: try image()).materialized() }
    let native = try median { _ = try apply(recipe, to: try image()).materialized() }
    row("\(name) (\(module.kind) recipe)", viaModule, native, native / viaModule)
}

// (b) Strip filters: the module in WasmKit against the same arithmetic in native Swift.
func nativeVignette(_ pixels: UnsafeMutableRawBufferPointer, width: Int, height: Int, bands: Int, strength: Float) {
    let halfWidth = Float(width) / 2
    let halfHeight = Float(height) / 2
    let k = strength / 2
    let kx256 = k / (halfWidth * halfWidth) * 256
    let ky = k / (halfHeight * halfHeight)
    for y in 0..<height {
        let dy = Float(y) + 0.5 - halfHeight
        let base = (1 - ky * dy * dy) * 256 + 0.5
        var offset = y * width * bands
        var dx = 0.5 - halfWidth
        for _ in 0..<width {
            let mf = base - kx256 * dx * dx
            let m = mf > 0 ? UInt32(mf) : 0
            for channel in 0..<3 {
                pixels[offset + channel] = UInt8(truncatingIfNeeded: (UInt32(pixels[offset + channel]) &* m &+ 128) &>> 8)
            }
            offset += bands
            dx += 1
        }
    }
}

/// Sepia as a per-pixel integer loop (weights in 1/1024), the same in WebAssembly and Swift.
let sepiaLoop = """
    (module
      (memory (export "memory") 1 256)
      (global $next (mut i32) (i32.const 1024))
      (func (export "imgedge_abi_version") (result i32) (i32.const 1))
      (func (export "imgedge_reset") (global.set $next (i32.const 1024)))
      (func (export "imgedge_alloc") (param $size i32) (result i32)
        (local $start i32)
        (local.set $start (global.get $next))
        (global.set $next (i32.add (local.get $start) (i32.and (i32.add (local.get $size) (i32.const 15)) (i32.const -16))))
        (if (i32.gt_u (global.get $next) (i32.mul (memory.size) (i32.const 65536)))
          (then (if (i32.eq (i32.const -1)
              (memory.grow (i32.sub (i32.add (i32.shr_u (global.get $next) (i32.const 16)) (i32.const 1)) (memory.size))))
            (then (return (i32.const 0))))))
        (local.get $start))
      (func (export "imgedge_strip") (param $args i32) (param $argc i32) (param $p i32)
          (param $width i32) (param $rows i32) (param $bands i32) (param $stride i32)
          (param $first i32) (param $height i32) (result i32)
        (local $end i32) (local $r i32) (local $g i32) (local $b i32) (local $v i32)
        (local.set $end (i32.add (local.get $p) (i32.mul (local.get $rows) (local.get $stride))))
        (block $done (loop $next
          (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $r (i32.load8_u (local.get $p)))
          (local.set $g (i32.load8_u offset=1 (local.get $p)))
          (local.set $b (i32.load8_u offset=2 (local.get $p)))
          (i32.store8 (local.get $p) (select (i32.const 255) (local.tee $v (i32.shr_u (i32.add (i32.add
            (i32.mul (local.get $r) (i32.const 402)) (i32.mul (local.get $g) (i32.const 787))) (i32.mul (local.get $b) (i32.const 194))) (i32.const 10))) (i32.gt_u (local.get $v) (i32.const 255))))
          (i32.store8 offset=1 (local.get $p) (select (i32.const 255) (local.tee $v (i32.shr_u (i32.add (i32.add
            (i32.mul (local.get $r) (i32.const 357)) (i32.mul (local.get $g) (i32.const 702))) (i32.mul (local.get $b) (i32.const 172))) (i32.const 10))) (i32.gt_u (local.get $v) (i32.const 255))))
          (i32.store8 offset=2 (local.get $p) (select (i32.const 255) (local.tee $v (i32.shr_u (i32.add (i32.add
            (i32.mul (local.get $r) (i32.const 279)) (i32.mul (local.get $g) (i32.const 547))) (i32.mul (local.get $b) (i32.const 134))) (i32.const 10))) (i32.gt_u (local.get $v) (i32.const 255))))
          (local.set $p (i32.add (local.get $p) (local.get $bands)))
          (br $next)))
        (i32.const 0)))
    """

func nativeSepia(_ pixels: UnsafeMutableRawBufferPointer, bands: Int) {
    for offset in stride(from: 0, to: pixels.count, by: bands) {
        let (r, g, b) = (UInt32(pixels[offset]), UInt32(pixels[offset + 1]), UInt32(pixels[offset + 2]))
        pixels[offset] = UInt8(min(255, (r * 402 + g * 787 + b * 194) >> 10))
        pixels[offset + 1] = UInt8(min(255, (r * 357 + g * 702 + b * 172) >> 10))
        pixels[offset + 2] = UInt8(min(255, (r * 279 + g * 547 + b * 134) >> 10))
    }
}

let sepiaModule = try FilterModule(name: "sepia-loop", bytes: wat2wasm(sepiaLoop), limits: FilterLimits())
let strips = FilterRegistry(modules: [catalog.modules["vignette"]!, sepiaModule])
for (name, module, native) in [
    (
        "vignette (strips)", catalog.modules["vignette"]!,
        { (buffer: UnsafeMutableRawBufferPointer) in
            nativeVignette(buffer, width: width, height: height, bands: bands, strength: 0.4)
        }
    ),
    ("sepia loop (strips)", sepiaModule, { (buffer: UnsafeMutableRawBufferPointer) in nativeSepia(buffer, bands: bands) }),
] {
    var copy = rgb
    let wasm = try median {
        try copy.withUnsafeMutableBytes { buffer in
            try strips.filterStrips(
                module, frame: PixelFrame(pixels: buffer, width: width, height: height, bands: bands), arguments: [])
        }
    }
    let swift = median { copy.withUnsafeMutableBytes(native) }
    row(name, wasm, swift, swift / wasm)
}

// (c) Loading: parse, validate (which instantiates once) per module.
for file in try FileManager.default.contentsOfDirectory(atPath: modulesDirectory).sorted() where file.hasSuffix(".wasm") {
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(modulesDirectory)/\(file)")))
    let load = try median { _ = try FilterModule(name: file, bytes: bytes, limits: FilterLimits()) }
    row("load \(file)", load, 5, load / 5)
}
