import Dispatch
import Foundation
import Glibc
import Synchronization

/// Access-log lines, gathered into one bounded batch by the threads that answer requests and
/// written by a thread of the writer's own, so that no event loop ever waits on the log.
///
/// A request's thread formats its line into bytes of its own thread's, kept from line to line
/// (`LineScratch`: no allocation, no lock), then copies it into the batch under a lock, which is
/// held for that copy only; the writer thread swaps the batch for its spare, writes it with as few
/// `write`s as the descriptor takes, then pauses, so that a busy server's lines go out in a few
/// writes a pause and no request pays for waking it. When the batch is full (the disk or the
/// pipe cannot keep up), a line is dropped and counted, never waited for. `stop()` writes what
/// is left.
package final class AccessLogWriter: Sendable {
    /// What the answering threads and the writer thread share.
    private struct Batch: ~Copyable {
        var bytes: [UInt8] = []
        /// Whether the writer waits on `wake` (a line must signal it) rather than writing or pausing.
        var writerWaits = false
        var stopping = false
        /// Lines dropped since the writer last reported them.
        var dropped = 0
    }

    private let batch = Mutex(Batch())
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let descriptor: Int32
    private let capacity: Int
    private let pause: Duration
    private let countDropped: @Sendable (Int) -> Void

    /// Starts the writer thread.
    /// - Parameters:
    ///   - descriptor: where lines go; standard error, as for the other log lines.
    ///   - capacity: bytes of lines gathered while the writer writes the last batch; past it lines
    ///     are dropped. The two batches, the one written and the one gathering, are the memory held.
    ///   - pause: how long the writer lets lines gather after a write: the most a line waits.
    ///   - countDropped: told of lines dropped, from the writer thread, after each write.
    package init(
        descriptor: Int32 = STDERR_FILENO, capacity: Int = 1 << 20, pause: Duration = .milliseconds(10),
        countDropped: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.descriptor = descriptor
        self.capacity = capacity
        self.pause = pause
        self.countDropped = countDropped
        batch.withLock { $0.bytes.reserveCapacity(capacity) }
        let writer = Thread { [self] in writeUntilStopped() }
        writer.name = "imgedge-access-log"
        writer.start()
    }

    /// Adds the line `format` appends to the batch, or counts it dropped when the batch is full.
    /// - Parameter format: appends one whole line, newline included, to the calling thread's
    ///   scratch bytes, given that thread's clock.
    func append(_ format: (inout [UInt8], inout LogClock) -> Void) {
        LineScratch.current.withLine(format) { line in
            let wakeWriter = batch.withLock { batch -> Bool in
                guard batch.bytes.count + line.count <= capacity else {
                    batch.dropped += 1
                    return false
                }
                batch.bytes.append(contentsOf: line)
                defer { batch.writerWaits = false }
                return batch.writerWaits
            }
            if wakeWriter {
                wake.signal()
            }
        }
    }

    /// Writes the lines still held and ends the writer thread; waits at most `timeout` for a
    /// descriptor that takes nothing.
    package func stop(timeout: Duration = .seconds(2)) async {
        let wakeWriter = batch.withLock { batch -> Bool in
            batch.stopping = true
            defer { batch.writerWaits = false }
            return batch.writerWaits
        }
        if wakeWriter {
            wake.signal()
        }
        let deadline = DispatchTime.now() + .milliseconds(Int(timeout / .milliseconds(1)))
        // On a thread of its own: Dispatch's threads may all be busy, and a task's must not block.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread { [finished] in
                _ = finished.wait(timeout: deadline)
                done.resume()
            }
        }
    }

    /// The writer thread: takes the batch whenever it holds lines, writes it, pauses; waits when
    /// there is nothing to write; ends once stopping and empty.
    private func writeUntilStopped() {
        var spare: [UInt8] = []
        spare.reserveCapacity(capacity)
        while true {
            let (stopping, dropped) = batch.withLock { batch -> (Bool, Int) in
                swap(&batch.bytes, &spare)
                if spare.isEmpty && !batch.stopping {
                    batch.writerWaits = true
                }
                defer { batch.dropped = 0 }
                return (batch.stopping, batch.dropped)
            }
            if dropped > 0 {
                countDropped(dropped)
            }
            if spare.isEmpty {
                if stopping {
                    break
                }
                wake.wait()
                continue
            }
            writeAll(spare)
            spare.removeAll(keepingCapacity: true)
            if !stopping {
                Thread.sleep(forTimeInterval: pause / .seconds(1))
            }
        }
        finished.signal()
    }

    /// Writes every byte, however many calls it takes; gives up on a descriptor that fails.
    private func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR {
                    continue
                }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}

/// One thread's bytes for the line it is formatting and its clock, kept from line to line so that
/// a line costs no allocation and no lock; found through a POSIX thread-specific key, and released
/// when the thread ends.
private final class LineScratch {
    private var bytes: [UInt8] = []
    private var clock = LogClock()

    /// The calling thread's scratch, made on its first line.
    static var current: LineScratch {
        if let kept = pthread_getspecific(key) {
            return Unmanaged<LineScratch>.fromOpaque(kept).takeUnretainedValue()
        }
        let scratch = LineScratch()
        scratch.bytes.reserveCapacity(1024)
        pthread_setspecific(key, Unmanaged.passRetained(scratch).toOpaque())
        return scratch
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { kept in kept.map { Unmanaged<LineScratch>.fromOpaque($0).release() } }
        return key
    }()

    /// Formats one line with `format` into the scratch bytes, then hands them to `use`.
    func withLine(_ format: (inout [UInt8], inout LogClock) -> Void, _ use: (borrowing [UInt8]) -> Void) {
        bytes.removeAll(keepingCapacity: true)
        format(&bytes, &clock)
        use(bytes)
    }
}
