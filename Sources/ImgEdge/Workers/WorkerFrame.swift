/// One message on the socket between the server and a worker process: a 12-byte head, then
/// `length` bytes of payload.
///
/// ```
/// magic    4 bytes  "IEWK"
/// version  UInt8    `WorkerFrame.version`
/// kind     UInt8    `Kind`
/// zero     UInt16   0
/// length   UInt32   little-endian, the payload's bytes, at most the reader's bound for the kind
/// ```
///
/// Both sides check every head: a worker may be compromised, so the server reads what a worker
/// sends as it would a client's request, bounded before it is read.
struct WorkerFrame: Equatable, Sendable {
    enum Kind: UInt8, Sendable {
        /// Server to worker: a `WorkerJob` as JSON; the source travels beside it as a sealed memfd.
        case job = 1
        /// Worker to server: a `WorkerAnswer` as JSON.
        case answer = 2
        /// Worker to server, after an answer that has a body: the body's bytes.
        case body = 3
        /// Worker to server, once, before its first job: locked down and waiting for jobs. No payload.
        case ready = 4
    }

    static let magic: [UInt8] = Array("IEWK".utf8)
    static let version: UInt8 = 1
    static let headLength = 12

    var kind: Kind
    var payload: [UInt8]

    /// The head and payload, ready to write.
    var bytes: [UInt8] {
        var bytes = Self.head(kind: kind, length: payload.count)
        bytes += payload
        return bytes
    }

    /// The head of a frame of `kind` with `length` bytes of payload.
    static func head(kind: Kind, length: Int) -> [UInt8] {
        precondition(length >= 0 && length <= Int(UInt32.max))
        let length = UInt32(length)
        return magic + [version, kind.rawValue, 0, 0]
            + [
                UInt8(truncatingIfNeeded: length), UInt8(truncatingIfNeeded: length >> 8),
                UInt8(truncatingIfNeeded: length >> 16), UInt8(truncatingIfNeeded: length >> 24),
            ]
    }

    /// The kind and payload length a head declares.
    /// - Parameter maxLength: the most payload bytes accepted for each kind; a kind without an
    ///   entry is refused.
    /// - Throws: a `WorkerProtocolError` for a head that is not one, or declares too much.
    static func decodeHead(
        _ head: some Collection<UInt8>, maxLength: [Kind: Int]
    ) throws(WorkerProtocolError) -> (kind: Kind, length: Int) {
        let head = Array(head)
        guard head.count == headLength else { throw .truncated }
        guard Array(head[0..<4]) == magic else { throw .notAFrame }
        guard head[4] == version else { throw .unknownVersion(head[4]) }
        guard let kind = Kind(rawValue: head[5]), let bound = maxLength[kind] else { throw .unexpectedKind(head[5]) }
        guard head[6] == 0, head[7] == 0 else { throw .notAFrame }
        let length = Int(head[8]) | Int(head[9]) << 8 | Int(head[10]) << 16 | Int(head[11]) << 24
        guard length <= bound else { throw .tooLong(kind: kind, length: length, limit: bound) }
        return (kind, length)
    }
}

/// What is wrong with the bytes one side of a worker socket sent.
enum WorkerProtocolError: Error, Equatable, Sendable {
    /// The stream ended inside a frame.
    case truncated
    /// The bytes do not start with a frame's magic, or a reserved byte is not zero.
    case notAFrame
    case unknownVersion(UInt8)
    /// A kind this side does not read here.
    case unexpectedKind(UInt8)
    case tooLong(kind: WorkerFrame.Kind, length: Int, limit: Int)
    /// The payload does not decode as the message its kind promises, or breaks one of its bounds.
    case malformed(String)
}
