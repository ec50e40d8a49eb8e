import Foundation
import Synchronization
import Testing

@testable import ImgEdge

@Suite("The access log's writer: batched, bounded, flushed at stop")
struct AccessLogWriterTests {
    /// A pipe whose read end a thread of its own reads to the end once started.
    private final class Pipe: Sendable {
        let readEnd: Int32
        let writeEnd: Int32
        private let received = Mutex<[UInt8]>([])
        private let ended = DispatchSemaphore(value: 0)

        init() throws {
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { throw POSIXError(.EMFILE) }
            (readEnd, writeEnd) = (ends[0], ends[1])
        }

        func startReading() {
            Thread.detachNewThread { [self] in
                var chunk = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = read(readEnd, &chunk, chunk.count)
                    guard count > 0 else { break }
                    received.withLock { $0 += chunk.prefix(count) }
                }
                close(readEnd)
                ended.signal()
            }
        }

        /// Closes the write end and returns what the reader read, once it reached the end.
        func finish() -> [String] {
            close(writeEnd)
            ended.wait()
            return String(decoding: received.withLock { $0 }, as: UTF8.self).split(separator: "\n").map(String.init)
        }
    }

    private static func line(_ number: Int) -> (inout [UInt8], inout LogClock) -> Void {
        { bytes, _ in bytes += "line \(number) of the access log's test\n".utf8 }
    }

    @Test("every line appended from two threads at once is written whole, each thread's in order, by the time stop returns")
    func writesEveryLine() async throws {
        let pipe = try Pipe()
        pipe.startReading()
        let writer = AccessLogWriter(descriptor: pipe.writeEnd, pause: .milliseconds(1))
        DispatchQueue.concurrentPerform(iterations: 2) { thread in
            for number in 0..<20_000 {
                writer.append { bytes, _ in bytes += "thread \(thread) line \(number)\n".utf8 }
            }
        }
        await writer.stop()
        let lines = pipe.finish()
        #expect(lines.count == 40_000)
        for thread in 0..<2 {
            let prefix = "thread \(thread) line "
            #expect(lines.filter { $0.hasPrefix(prefix) }.map { Int($0.dropFirst(prefix.count)) } == (0..<20_000).map { $0 })
        }
    }

    @Test(
        "a descriptor that takes nothing: appending never waits, lines past the capacity are dropped and counted, stop gives up",
        .timeLimit(.minutes(1)))
    func dropsWhenBlocked() async throws {
        let pipe = try Pipe()
        let dropped = Mutex(0)
        let writer = AccessLogWriter(
            descriptor: pipe.writeEnd, capacity: 64 << 10, countDropped: { count in dropped.withLock { $0 += count } })
        // Nearly a megabyte of lines: the pipe takes 64 KiB, the batch being written and the
        // batch gathering 64 KiB each, the rest is dropped.
        let appended = 25_000
        for number in 0..<appended {
            writer.append(Self.line(number))
        }
        // Returns, though the writer is stuck in its write: were it to wait for the writer, it
        // would wait forever, since the pipe is read only after it (the time limit fails it).
        await writer.stop(timeout: .milliseconds(200))
        // Reading frees the writer, which writes what it held, counts what it dropped, and ends.
        pipe.startReading()
        await writer.stop(timeout: .seconds(30))
        let lines = pipe.finish()
        let numbers = lines.compactMap { Int($0.dropFirst("line ".count).prefix { $0.isNumber }) }
        #expect(numbers.count == lines.count, "torn lines")
        #expect(numbers == numbers.sorted())
        #expect(lines.count + dropped.withLock { $0 } == appended)
        #expect(
            lines.count <= 3 * (64 << 10) / 32,
            "more was held than the pipe and the two batches take (32 bytes: the shortest line): \(lines.count) lines")
    }
}
