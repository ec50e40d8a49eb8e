import CWorkerProcess
import Glibc

/// One end of the socket between the server and a worker process, read and written with
/// blocking calls on the thread that runs the job: frames whole, the source's memfd beside a
/// job's first byte.
struct WorkerSocket: ~Copyable, Sendable {
    let descriptor: Int32

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Writes `frame` whole, with `fd` attached to its first byte when given.
    func send(_ frame: WorkerFrame, passing fd: Int32? = nil) throws(WorkerSocketError) {
        try send(frame.bytes, passing: fd)
    }

    /// Writes `bytes` whole, with `fd` attached to the first when given.
    func send(_ bytes: [UInt8], passing fd: Int32? = nil) throws(WorkerSocketError) {
        let failure: Int32? = bytes.withUnsafeBytes { buffer in
            var sent = 0
            while sent < buffer.count {
                let count = imgedge_send_with_fd(
                    descriptor, buffer.baseAddress! + sent, buffer.count - sent, sent == 0 ? (fd ?? -1) : -1)
                guard count > 0 else { return count == 0 ? 0 : errno }
                sent += count
            }
            return nil
        }
        if let failure { throw .closed(errno: failure) }
    }

    /// Reads one frame, and the descriptor sent with its first byte, if any.
    /// - Parameters:
    ///   - maxLength: the most payload bytes accepted for each kind expected.
    ///   - deadline: when to give up waiting, as `ContinuousClock` time; nil waits for ever.
    ///   - shouldStop: asked every `WorkerSocket.stopCheckInterval` while waiting; true stops the
    ///     wait with `.stopped`. With neither this nor a deadline, the read blocks until bytes come.
    func receive(
        maxLength: [WorkerFrame.Kind: Int], until deadline: ContinuousClock.Instant? = nil,
        stoppingWhen shouldStop: (() -> Bool)? = nil
    ) throws(WorkerSocketError) -> (frame: WorkerFrame, fd: Int32?) {
        let waiting = Waiting(deadline: deadline, shouldStop: shouldStop)
        var head = [UInt8](repeating: 0, count: WorkerFrame.headLength)
        let fd = try read(into: &head, waiting: waiting, acceptingDescriptor: true)
        do throws(WorkerSocketError) {
            let (kind, length): (WorkerFrame.Kind, Int)
            do throws(WorkerProtocolError) {
                (kind, length) = try WorkerFrame.decodeHead(head, maxLength: maxLength)
            } catch {
                throw .protocolError(error)
            }
            var payload = [UInt8](repeating: 0, count: length)
            _ = try read(into: &payload, waiting: waiting, acceptingDescriptor: false)
            return (WorkerFrame(kind: kind, payload: payload), fd)
        } catch {
            if let fd { close(fd) }
            throw error
        }
    }

    /// How often a wait asks whether it should stop.
    static let stopCheckInterval = Duration.milliseconds(20)

    /// How long a read may wait, and what may stop it sooner.
    private struct Waiting {
        var deadline: ContinuousClock.Instant?
        var shouldStop: (() -> Bool)?
    }

    /// Fills `buffer`, waiting as `waiting` allows; returns a descriptor that came with the
    /// first bytes when `acceptingDescriptor`, and refuses one otherwise.
    private func read(
        into buffer: inout [UInt8], waiting: Waiting, acceptingDescriptor: Bool
    ) throws(WorkerSocketError) -> Int32? {
        var filled = 0
        var descriptorReceived: Int32?
        while filled < buffer.count {
            do throws(WorkerSocketError) {
                try wait(waiting)
            } catch {
                if let descriptorReceived { close(descriptorReceived) }
                throw error
            }
            var fd: Int32 = -1
            let count = buffer.withUnsafeMutableBytes { bytes in
                imgedge_receive_with_fd(descriptor, bytes.baseAddress! + filled, bytes.count - filled, &fd)
            }
            if fd >= 0 {
                guard acceptingDescriptor, filled == 0, descriptorReceived == nil else {
                    close(fd)
                    if let descriptorReceived { close(descriptorReceived) }
                    throw .protocolError(.notAFrame)
                }
                descriptorReceived = fd
            }
            guard count > 0 else {
                let failure: WorkerSocketError =
                    count == 0 ? (filled == 0 ? .closed(errno: 0) : .protocolError(.truncated)) : .closed(errno: errno)
                if let descriptorReceived { close(descriptorReceived) }
                throw failure
            }
            filled += count
        }
        return descriptorReceived
    }

    /// Returns when the socket has bytes to read (or has closed); throws `.timedOut` at the
    /// deadline and `.stopped` once `shouldStop` says so.
    private func wait(_ waiting: Waiting) throws(WorkerSocketError) {
        guard waiting.deadline != nil || waiting.shouldStop != nil else { return }
        while true {
            if let shouldStop = waiting.shouldStop, shouldStop() { throw .stopped }
            var slice = Self.stopCheckInterval
            if let deadline = waiting.deadline {
                let left = ContinuousClock.now.duration(to: deadline)
                guard left > .zero else { throw .timedOut }
                slice = min(slice, left)
            }
            let milliseconds = Int32(slice / .milliseconds(1)) + 1
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, milliseconds)
            if ready > 0 { return }
            if ready < 0, errno != EINTR { throw .closed(errno: errno) }
        }
    }
}

/// Why a worker socket could not carry a frame.
enum WorkerSocketError: Error, Equatable, Sendable {
    /// The other end closed (errno 0) or the call failed.
    case closed(errno: Int32)
    case timedOut
    /// The wait's `shouldStop` said so.
    case stopped
    case protocolError(WorkerProtocolError)
}
