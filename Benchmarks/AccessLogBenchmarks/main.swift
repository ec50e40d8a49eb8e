// The access log's CPU per line, formatting and writing together: two threads (as the server's
// two event loops on this machine) each record LINES lines for a memory hit's response, then the
// writer is stopped, so every line is written; the process's CPU time (every thread, the
// writer's included) over the lines is the cost of one. The same loop without a writer is the
// floor the loop itself costs.
//
// Usage: swift run -c release access-log-bench [LINES]   (default 300000 a thread)
// Prints µs of CPU per line, the median of three runs, for text and JSON lines to /dev/null and
// to a file, and the target (≤ 2 µs) as PASS/MISS lines.

import Foundation
import HTTPTypes
import ImgEdge
import Synchronization

let linesPerThread = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 300_000
let threads = 2
let target = "/large-20mp.jpg?w=1000&format=webp"
/// A memory hit's response headers, as `ImageResponse` and the server make them.
let headers: HTTPFields = [
    .cacheControl: "public, max-age=31536000, immutable", .eTag: "\"6f1c0d2e9a7b4c3d8e5f6a7b8c9d0e1f\"",
    HTTPField.Name("X-Variant")!: "webp", HTTPField.Name("X-Cache")!: "HIT-MEMORY", .vary: "Accept", .age: "12",
    .contentType: "image/webp", .contentLength: "48002", .date: "Mon, 07 Dec 2026 19:00:00 GMT", .server: "imgedge",
]

/// The process's CPU seconds so far, user and system, every thread.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// CPU µs per line: `threads` threads record at once into a log made by `makeLog`, which is then
/// stopped; the median of three runs.
func microsecondsPerLine(_ makeLog: () -> AccessLog) async -> Double {
    var runs: [Double] = []
    for _ in 0..<3 {
        let log = makeLog()
        let start = cpuSeconds()
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            for _ in 0..<linesPerThread {
                log.record(.get, target, status: .ok, headers: headers, duration: .microseconds(412))
            }
        }
        await log.writer?.stop(timeout: .seconds(60))
        runs.append((cpuSeconds() - start) * 1e6 / Double(threads * linesPerThread))
    }
    return runs.sorted()[1]
}

let devNull = open("/dev/null", O_WRONLY)
let file = FileManager.default.temporaryDirectory.appendingPathComponent("access-log-bench-\(getpid()).log").path
let fileDescriptor = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o600)
defer { unlink(file) }
let dropped = Mutex(0)

let floor = await microsecondsPerLine { AccessLog(writer: nil, format: .text) }
print(String(format: "%-22@ %6.3f µs/line", "no writer (the loop)" as NSString, floor))
for (format, formatName) in [(LogFormat.text, "text"), (.json, "json")] {
    for (descriptor, place) in [(devNull, "/dev/null"), (fileDescriptor, "a file")] {
        let perLine = await microsecondsPerLine {
            AccessLog(
                writer: AccessLogWriter(
                    descriptor: descriptor, capacity: 64 << 20, countDropped: { count in dropped.withLock { $0 += count } }),
                format: format)
        }
        let name = "\(formatName) to \(place)"
        print(
            String(
                format: "%@  %-18@ %6.3f µs/line (target <= 2 µs)", perLine <= 2 ? "PASS" : "MISS", name as NSString, perLine))
    }
}
print("lines dropped: \(dropped.withLock { $0 }) of \(4 * 3 * threads * linesPerThread)")
