import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to the server under test, for what an HTTP client library hides:
/// sending part of a body and reading the answer before sending the rest.
///
/// Its socket calls block, so they run on a Dispatch thread: blocking one of Swift
/// concurrency's few cooperative threads would starve the server under test, whose handlers run
/// there too.
final class RawConnection: @unchecked Sendable {
    private let socket: Int32

    /// Connects to the server on `port` of 127.0.0.1 from `source`, another loopback address
    /// (`127.0.0.2`) for a test's second client.
    init(port: Int, from source: String = "127.0.0.1") throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(source)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit {
        close(socket)
    }

    /// The status code of a `GET target` to the server on `port`, on a connection of its own.
    static func status(ofGet target: String, port: Int) async -> String {
        await offCooperativePool { statusBlocking(ofGet: target, port: port) }
    }

    /// `status(ofGet:port:)`, blocking the calling thread: for a thread of the test's own; waits
    /// up to `timeout` seconds for the answer's first bytes.
    static func statusBlocking(ofGet target: String, port: Int, timeout: Double = 10) -> String {
        guard let connection = try? RawConnection(port: port) else { return "no connection" }
        _ = connection.sendBlocking(Array("GET \(target) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
        let answer = connection.receiveBlocking(timeout: timeout)
        return String(answer.dropFirst("HTTP/1.1 ".count).prefix(3))
    }

    /// Sends all of `bytes`; false when the peer has closed.
    @discardableResult
    func send(_ bytes: [UInt8]) async -> Bool {
        await offCooperativePool { self.sendBlocking(bytes) }
    }

    /// Reads what arrives: waits up to `timeout` seconds for the first bytes, then reads until
    /// the peer pauses for a quarter of a second or closes.
    func receive(timeout: Double) async -> String {
        await offCooperativePool { self.receiveBlocking(timeout: timeout) }
    }

    /// What arrives, lower-cased, until `count` responses have begun, each receive waiting up
    /// to `timeout` seconds: pipelined answers may come in bursts with pauses between them.
    func receiveLowercased(responses count: Int, timeout: Double) async -> String {
        var received = ""
        for _ in 0..<10 where received.components(separatedBy: "http/1.1 ").count <= count {
            received += await receive(timeout: timeout).lowercased()
        }
        return received
    }

    /// Whether the peer closes the connection within `timeout` seconds, discarding what it sends.
    func closesWithin(_ timeout: Double) async -> Bool {
        await offCooperativePool { self.waitForCloseBlocking(timeout: timeout) }
    }

    private func waitForCloseBlocking(timeout: Double) -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard poll(&descriptor, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000))) > 0 else { return false }
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return true }
        }
        return false
    }

    /// `send`, blocking the calling thread: for a thread of the test's own.
    func sendBlocking(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    /// `receive`, blocking the calling thread: for a thread of the test's own.
    func receiveBlocking(timeout: Double) -> String {
        var received: [UInt8] = []
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while poll(&descriptor, 1, received.isEmpty ? Int32(timeout * 1000) : 250) > 0 {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }
}

/// Runs blocking `work` on a Dispatch thread and waits for it without holding one of Swift
/// concurrency's few cooperative threads, which the servers under test answer on.
func offCooperativePool<T: Sendable, Failure: Error>(
    _ work: @escaping @Sendable () throws(Failure) -> T
) async throws(Failure) -> T {
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, Failure>, Never>) in
        DispatchQueue.global().async { continuation.resume(returning: Result { () throws(Failure) in try work() }) }
    }
    return try result.get()
}

/// Runs blocking `work` on a thread of its own and waits for it: unlike `offCooperativePool`,
/// it never waits for one of Dispatch's threads, which the suite's other tests block with their
/// sockets, so a timing it measures is the server's.
func onThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}
