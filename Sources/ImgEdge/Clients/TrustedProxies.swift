import HTTPTypes

/// The proxies whose `X-Forwarded-For` is believed, and so which address a request comes from.
///
/// Behind a CDN or a load balancer every connection comes from a few proxy addresses. Each proxy
/// appends the address it received the request from to `X-Forwarded-For`, so, read from the
/// right, the entries are written by trusted proxies up to the first address that is not one:
/// that is the client. Entries further left are the client's own words and never believed.
struct TrustedProxies: Sendable {
    /// An address block, `192.0.2.0/24` or `2001:db8::/32`, or one address.
    struct Block: Sendable, Equatable {
        let network: IPAddress
        let bits: Int

        /// Parses `ADDRESS[/BITS]`; nil when either part is not valid.
        init?(_ text: String) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2, let network = IPAddress(String(parts[0])) else { return nil }
            let maximum = network.bytes.count * 8
            if parts.count == 2 {
                guard let bits = Int(parts[1]), (0...maximum).contains(bits), parts[1].allSatisfy(\.isNumber) else { return nil }
                self.bits = bits
            } else {
                bits = maximum
            }
            self.network = network
        }

        /// Whether `address` lies in the block (an IPv4 address never lies in an IPv6 block).
        func contains(_ address: IPAddress) -> Bool {
            address.bytes.count == network.bytes.count && address.hasPrefix(network.bytes, bits: bits)
        }
    }

    let blocks: [Block]

    /// The blocks `texts` name, as `ClientLimits.trustedProxies` holds them (already checked).
    init(_ texts: [String]) {
        blocks = Self.items(texts).compactMap(Block.init)
    }

    /// The blocks' texts in a setting's items, each of which may list several, comma-separated.
    static func items(_ texts: [String]) -> [String] {
        texts.flatMap { $0.split(separator: ",") }.map { String($0.filter { $0 != " " }) }.filter { !$0.isEmpty }
    }

    /// Whether `address` is a trusted proxy.
    func trusts(_ address: IPAddress) -> Bool {
        let address = address.unmappedIPv4
        return blocks.contains { $0.contains(address) }
    }

    /// The client a request comes from: `peer` when it is not a trusted proxy; otherwise the
    /// right-most `X-Forwarded-For` entry (over all of the header's lines, in order) that is not
    /// a trusted proxy, the left-most when all are, and `peer` when the header is missing or
    /// that entry is not an address.
    func client(peer: IPAddress, forwardedFor lines: [Substring]) -> IPAddress {
        guard trusts(peer) else { return peer }
        let entries = lines.flatMap { $0.split(separator: ",") }
        var client = peer
        for entry in entries.reversed() {
            guard let address = Self.address(in: entry) else { return client }
            client = address
            if !trusts(address) { break }
        }
        return client
    }

    /// The address of one `X-Forwarded-For` entry: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`
    /// or `[2001:db8::1]:4711`, with spaces around.
    static func address(in entry: Substring) -> IPAddress? {
        var text = entry.drop { $0 == " " || $0 == "\t" }
        text = text.dropLast(text.reversed().prefix { $0 == " " || $0 == "\t" }.count)
        if text.hasPrefix("["), let end = text.firstIndex(of: "]") {
            text = text[text.index(after: text.startIndex)..<end]
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            text = text[..<colon]
        }
        return IPAddress(String(text))
    }
}

extension HTTPField.Name {
    /// The addresses a request passed through, each proxy appending the one it received it from.
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
