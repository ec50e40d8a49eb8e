// ssim-bench: the CPU time of one SSIMULACRA2 comparison at an output size, 800x500, as a whole (reference and
// distorted image) and against a prepared reference (the distorted image's share: what each step of a quality
// search costs).
//
//     swift run -c release ssim-bench [SOURCE [RUNS]]     (default TestImages/landscape.jpg, 21 runs)
//
// The pair is SOURCE cut to 800x500 by libvips and the same pixels through JPEG q75. Times are process CPU time
// (CLOCK_PROCESS_CPUTIME_ID), which other load on a shared machine inflates less than wall time; the median of
// the runs is the figure to quote.

import Perceptual
import Vips

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let arguments = CommandLine.arguments
let sourcePath = arguments.count > 1 ? arguments[1] : "TestImages/landscape.jpg"
let runs = arguments.count > 2 ? Int(arguments[2]) ?? 21 : 21

/// The whole file's bytes, or nil if it cannot be read.
func readFile(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        if count == 0 { break }
        bytes += chunk[0..<count]
    }
    return bytes
}

/// The 8-bit sRGB pixels of `encoded`, cut to `width` x `height` around its centre.
func pixels(of encoded: [UInt8], width: Int, height: Int) throws -> [UInt8] {
    let request = ThumbnailRequest(width: width, height: height, crop: .centre)
    return try Image.thumbnail(of: SourceBytes(encoded), request).materialized().copiedPixels()
}

/// Process CPU time in milliseconds.
func cpuMilliseconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) * 1000 + Double(time.tv_nsec) / 1_000_000
}

/// Runs `body` `runs` times after two warm-up runs and prints the median and the fastest CPU time.
func measure(_ name: String, _ body: () throws -> Double) rethrows {
    var score = 0.0
    for _ in 0..<2 { score = try body() }
    var times: [Double] = []
    for _ in 0..<runs {
        let start = cpuMilliseconds()
        score = try body()
        times.append(cpuMilliseconds() - start)
    }
    times.sort()
    let median = times[times.count / 2]
    print("\(name): median \(rounded(median)) ms CPU, fastest \(rounded(times[0])) ms, \(runs) runs, score \(rounded(score))")
}

func rounded(_ value: Double) -> String {
    "\((value * 100).rounded() / 100)"
}

guard let source = readFile(sourcePath) else {
    print("ssim-bench: cannot read \(sourcePath)")
    exit(1)
}
try Libvips.start()
let layout = PixelLayout(width: 800, height: 500, bands: 3)
let reference = try pixels(of: source, width: layout.width, height: layout.height)
let jpeg = try Image.thumbnail(
    ofPixels: SourceBytes(reference), width: layout.width, height: layout.height, bands: 3,
    ThumbnailRequest(width: nil, height: nil)
).materialized().encoded(as: .jpeg, quality: 75, effort: 0)
let distorted = try pixels(of: jpeg, width: layout.width, height: layout.height)

try measure("full comparison (prepare reference + score)") {
    try SSIMULACRA2.score(reference: reference, layout: layout, distorted: distorted, layout: layout)
}
var prepared = try SSIMULACRA2Reference(pixels: reference, layout: layout)
try measure("against a prepared reference (score only)") {
    try prepared.score(distorted: distorted, layout: layout)
}
try measure("preparing the reference alone") {
    _ = try SSIMULACRA2Reference(pixels: reference, layout: layout)
    return .nan
}
