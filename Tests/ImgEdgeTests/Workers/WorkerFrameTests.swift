import Glibc
import Testing
import Vips

@testable import ImgEdge

@Suite("Worker frames: heads checked before anything is read, on both sides")
struct WorkerFrameTests {
    private static let bounds: [WorkerFrame.Kind: Int] = [.answer: 1000]

    private static func head(
        magic: [UInt8] = WorkerFrame.magic, version: UInt8 = WorkerFrame.version, kind: UInt8 = 2, zero: [UInt8] = [0, 0],
        length: UInt32 = 10
    ) -> [UInt8] {
        magic + [version, kind] + zero + withUnsafeBytes(of: length.littleEndian, Array.init)
    }

    @Test("a frame's head says its kind and length")
    func roundTrip() throws {
        let frame = WorkerFrame(kind: .answer, payload: Array("hello".utf8))
        let bytes = frame.bytes
        #expect(bytes.count == WorkerFrame.headLength + 5)
        let (kind, length) = try WorkerFrame.decodeHead(bytes.prefix(WorkerFrame.headLength), maxLength: Self.bounds)
        #expect(kind == .answer && length == 5)
    }

    @Test(
        "a head that is not one, or declares more than the bound, is refused",
        arguments: [
            (head().dropLast(), WorkerProtocolError.truncated),
            (head(magic: Array("HTTP".utf8)), .notAFrame),
            (head(version: 2), .unknownVersion(2)),
            (head(kind: 9), .unexpectedKind(9)),
            (head(kind: 1), .unexpectedKind(1)),  // a job, where only answers are read
            (head(zero: [0, 1]), .notAFrame),
            (head(length: 1001), .tooLong(kind: .answer, length: 1001, limit: 1000)),
            (head(length: .max), .tooLong(kind: .answer, length: Int(UInt32.max), limit: 1000)),
        ] as [([UInt8], WorkerProtocolError)])
    func refused(head: [UInt8], error: WorkerProtocolError) {
        #expect(throws: error) { try WorkerFrame.decodeHead(head, maxLength: Self.bounds) }
    }

    /// The descriptors of a connected pair of sockets.
    private static func pair() -> (Int32, Int32) {
        var ends: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0)
        return (ends[0], ends[1])
    }

    @Test("a frame and the sealed memfd beside it arrive together")
    func descriptorPassing() throws {
        let (one, other) = Self.pair()
        let reader = WorkerSocket(descriptor: one)
        let writer = WorkerSocket(descriptor: other)
        do {
            let memfd = try SealedMemfd(SourceBytes(Array(repeating: 7, count: 100_000)))
            try writer.send(WorkerFrame(kind: .job, payload: Array("{}".utf8)), passing: memfd.descriptor)
        }
        let (frame, fd) = try reader.receive(maxLength: [.job: 100])
        #expect(frame == WorkerFrame(kind: .job, payload: Array("{}".utf8)))
        let received = try #require(fd)
        defer { close(received) }
        #expect(SealedMemfd.isSealed(received))
        #expect(write(received, [1, 2, 3], 3) == -1, "a sealed memfd cannot be written")
        var status = stat()
        #expect(fstat(received, &status) == 0 && status.st_size == 100_000)
    }

    @Test("a stream that ends inside a frame, or sends a descriptor where none belongs, is refused")
    func truncatedAndStray() throws {
        let (one, other) = Self.pair()
        let reader = WorkerSocket(descriptor: one)
        let head = WorkerFrame.head(kind: .answer, length: 100)
        #expect(write(other, head, head.count) == head.count)
        #expect(write(other, [1, 2, 3], 3) == 3)
        close(other)
        #expect(throws: WorkerSocketError.protocolError(.truncated)) { try reader.receive(maxLength: [.answer: 100]) }

        let (strayOne, strayOther) = Self.pair()
        let strayReader = WorkerSocket(descriptor: strayOne)
        let strayWriter = WorkerSocket(descriptor: strayOther)
        let bytes = WorkerFrame(kind: .answer, payload: [1, 2, 3]).bytes
        try strayWriter.send(Array(bytes.prefix(WorkerFrame.headLength)))
        let passed = try SealedMemfd(SourceBytes([1]))
        try strayWriter.send(Array(bytes.dropFirst(WorkerFrame.headLength)), passing: passed.descriptor)
        #expect(throws: WorkerSocketError.protocolError(.notAFrame)) { try strayReader.receive(maxLength: [.answer: 100]) }
    }

    @Test("a wait ends at its deadline, or when it is told to stop")
    func waits() {
        let (one, other) = Self.pair()
        defer { close(other) }
        let reader = WorkerSocket(descriptor: one)
        let start = ContinuousClock.now
        #expect(throws: WorkerSocketError.timedOut) {
            try reader.receive(maxLength: [.answer: 100], until: .now + .milliseconds(100))
        }
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(throws: WorkerSocketError.stopped) {
            try reader.receive(maxLength: [.answer: 100], until: .now + .seconds(30), stoppingWhen: { true })
        }
    }
}
