import Glibc

/// An IPv4 or IPv6 address as its network-order bytes, and whether it is internal: a place a
/// redirect must not lead imgedge to (loopback, link-local and cloud metadata, private networks,
/// unique-local, multicast, reserved).
struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6.
    let bytes: [UInt8]

    /// Parses a numeric address such as `10.0.0.1` or `fe80::1`; nil for anything else.
    init?(_ text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        _ = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &text, socklen_t(text.count)) }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether the address is not on the public internet.
    var isInternal: Bool {
        if bytes.count == 4 {
            return Self.internalIPv4.contains { matches($0.prefix, bits: $0.bits) }
        }
        // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) addresses reach the IPv4
        // address they embed.
        if matches([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF], bits: 96) || matches([0, 0x64, 0xFF, 0x9B], bits: 96) {
            return IPAddress(bytes: Array(bytes.suffix(4))).isInternal
        }
        return Self.internalIPv6.contains { matches($0.prefix, bits: $0.bits) }
    }

    /// Whether the first `bits` bits are those of `prefix` (zero-padded).
    private func matches(_ prefix: [UInt8], bits: Int) -> Bool {
        let padded = prefix + [UInt8](repeating: 0, count: bytes.count - prefix.count)
        for index in 0..<(bits + 7) / 8 {
            let kept = min(8, bits - index * 8)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - kept))
            if bytes[index] & mask != padded[index] & mask { return false }
        }
        return true
    }

    private static let internalIPv4: [(prefix: [UInt8], bits: Int)] = [
        ([0], 8),  // "this network"
        ([10], 8),  // private
        ([100, 64], 10),  // carrier-grade NAT
        ([127], 8),  // loopback
        ([169, 254], 16),  // link-local, cloud metadata at 169.254.169.254
        ([172, 16], 12),  // private
        ([192, 0, 0], 24),  // IETF protocol assignments
        ([192, 168], 16),  // private
        ([198, 18], 15),  // benchmarking
        ([224], 4),  // multicast
        ([240], 4),  // reserved, and broadcast
    ]

    private static let internalIPv6: [(prefix: [UInt8], bits: Int)] = [
        ([], 128),  // unspecified ::
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 128),  // loopback ::1
        ([0xFE, 0x80], 10),  // link-local
        ([0xFC], 7),  // unique-local
        ([0xFF], 8),  // multicast
    ]
}
