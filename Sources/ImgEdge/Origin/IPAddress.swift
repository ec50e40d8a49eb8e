import Glibc

/// An IPv4 or IPv6 address as its network-order bytes, and whether it is internal: a place a
/// redirect must not lead imgedge to (loopback, link-local and cloud metadata, private networks,
/// unique-local, multicast, documentation, reserved, and the IPv6 transition forms that relay to
/// an IPv4 address).
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

    /// Whether the address is not on the public internet: in a range of IANA's IPv4 or IPv6
    /// special-purpose address registry that is not globally reachable, multicast, or (IPv6)
    /// outside `2000::/3`, the only block IANA allocates for global unicast.
    ///
    /// Two IPv6 forms are judged by the IPv4 address they embed, because that address is exactly
    /// where a connection goes and public hosts really resolve to them: IPv4-mapped
    /// `::ffff:a.b.c.d` (an IPv4 connection through an IPv6 socket) and the well-known NAT64
    /// prefix `64:ff9b::a.b.c.d` (what DNS64 answers for every IPv4-only host on an IPv6-only
    /// network; RFC 6052 forbids it for non-global IPv4, but a hostile DNS need not obey). Every
    /// other form that carries an IPv4 address or leads through a relay — IPv4-compatible `::/96`,
    /// IPv4-translated `::ffff:0:0:0/96`, local-use NAT64 `64:ff9b:1::/48`, 6to4 `2002::/16`,
    /// Teredo `2001::/32` — is refused whole: deprecated or local, never needed to reach a
    /// public origin, and its embedded address is not always where the packet ends.
    var isInternal: Bool {
        if bytes.count == 4 {
            return Self.internalIPv4.contains { hasPrefix($0.prefix, bits: $0.bits) }
        }
        if hasPrefix(Self.ipv4Mapped, bits: 96) || hasPrefix(Self.wellKnownNAT64, bits: 96) {
            return IPAddress(bytes: Array(bytes.suffix(4))).isInternal
        }
        guard hasPrefix([0x20], bits: 3) else { return true }
        return Self.internalGlobalUnicastIPv6.contains { hasPrefix($0.prefix, bits: $0.bits) }
    }

    /// The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, what a dual-stack socket
    /// reports for an IPv4 peer) stands for; itself otherwise.
    var unmappedIPv4: IPAddress {
        guard hasPrefix(Self.ipv4Mapped, bits: 96) else { return self }
        return IPAddress(bytes: Array(bytes.suffix(4)))
    }

    /// Whether the first `bits` bits are those of `prefix` (zero-padded to the address's length);
    /// false when the prefix is longer than the address (an IPv6 prefix on an IPv4 address).
    func hasPrefix(_ prefix: [UInt8], bits: Int) -> Bool {
        guard prefix.count <= bytes.count, (0...bytes.count * 8).contains(bits) else { return false }
        let padded = prefix + [UInt8](repeating: 0, count: bytes.count - prefix.count)
        for index in 0..<(bits + 7) / 8 {
            let kept = min(8, bits - index * 8)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - kept))
            if bytes[index] & mask != padded[index] & mask { return false }
        }
        return true
    }

    /// `::ffff:0:0/96`.
    private static let ipv4Mapped: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]
    /// `64:ff9b::/96`.
    private static let wellKnownNAT64: [UInt8] = [0, 0x64, 0xFF, 0x9B]

    /// IANA's IPv4 special-purpose ranges that are not globally reachable, plus multicast.
    private static let internalIPv4: [(prefix: [UInt8], bits: Int)] = [
        ([0], 8),  // "this network"
        ([10], 8),  // private
        ([100, 64], 10),  // carrier-grade NAT (shared address space)
        ([127], 8),  // loopback
        ([169, 254], 16),  // link-local, cloud metadata at 169.254.169.254
        ([172, 16], 12),  // private
        ([192, 0, 0], 24),  // IETF protocol assignments, DS-Lite, NAT64 discovery
        ([192, 0, 2], 24),  // documentation (TEST-NET-1)
        ([192, 88, 99], 24),  // deprecated 6to4 relay anycast
        ([192, 168], 16),  // private
        ([198, 18], 15),  // benchmarking
        ([198, 51, 100], 24),  // documentation (TEST-NET-2)
        ([203, 0, 113], 24),  // documentation (TEST-NET-3)
        ([224], 4),  // multicast
        ([240], 4),  // reserved, and broadcast
    ]

    /// IANA's IPv6 special-purpose ranges inside `2000::/3` that are not globally reachable or
    /// lead through a relay. `2001::/23` is refused whole: its few global parts are anycast
    /// services and identifiers (PCP, TURN, AMT, AS112, ORCHIDv2), never an image origin.
    private static let internalGlobalUnicastIPv6: [(prefix: [UInt8], bits: Int)] = [
        ([0x20, 0x01, 0x00], 23),  // IETF protocol assignments: Teredo, benchmarking, ORCHID
        ([0x20, 0x01, 0x0D, 0xB8], 32),  // documentation
        ([0x20, 0x02], 16),  // 6to4
        ([0x3F, 0xFF, 0x00], 20),  // documentation
    ]
}
