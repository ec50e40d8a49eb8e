import NIOCore

/// The address a client's share of the server is counted under: an IPv4 address, or the /64
/// an IPv6 address belongs to (one subscriber's usual assignment, which holds more addresses
/// than any limit could count one by one).
struct ClientAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes for IPv4; for IPv6, the first 8 bytes.
    let prefix: [UInt8]

    /// The client at `address`; an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, what a dual-stack
    /// socket reports for an IPv4 client) counts as its IPv4 address.
    init(_ address: IPAddress) {
        let bytes = address.unmappedIPv4.bytes
        prefix = bytes.count == 16 ? Array(bytes.prefix(8)) : bytes
    }

    /// The client at a socket's peer address; nil for a Unix socket.
    init?(_ address: SocketAddress?) {
        guard let text = address?.ipAddress, let ip = IPAddress(text) else { return nil }
        self.init(ip)
    }

    var description: String {
        prefix.count == 4
            ? IPAddress(bytes: prefix).description : IPAddress(bytes: prefix + Array(repeating: 0, count: 8)).description + "/64"
    }
}
