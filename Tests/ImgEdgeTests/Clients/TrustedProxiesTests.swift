import Testing

@testable import ImgEdge

@Suite("Trusted proxies: the client is the right-most X-Forwarded-For entry that is not a trusted proxy")
struct TrustedProxiesTests {
    private let proxies = TrustedProxies(["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"])

    @Test(
        "who the client is",
        arguments: [
            // (peer, X-Forwarded-For lines, client)
            ("198.51.100.1", ["203.0.113.9"], "198.51.100.1"),  // an untrusted peer's header is never believed
            ("10.1.2.3", [], "10.1.2.3"),  // a trusted peer without the header
            ("10.1.2.3", ["203.0.113.9"], "203.0.113.9"),
            ("10.1.2.3", ["1.1.1.1, 203.0.113.9"], "203.0.113.9"),  // the left entries are the client's own words
            ("10.1.2.3", ["1.1.1.1, 203.0.113.9, 10.9.9.9"], "203.0.113.9"),  // through two trusted proxies
            ("10.1.2.3", ["1.1.1.1", "203.0.113.9, 192.0.2.7"], "203.0.113.9"),  // over two header lines, in order
            ("10.1.2.3", ["10.2.2.2, 10.3.3.3"], "10.2.2.2"),  // every entry trusted: the left-most
            ("10.1.2.3", ["1.1.1.1, nonsense"], "10.1.2.3"),  // the right-most entry is not an address
            ("10.1.2.3", [" 203.0.113.9:4711 "], "203.0.113.9"),
            ("10.1.2.3", ["[2001:db9::1]:443"], "2001:db9::1"),
            ("::ffff:10.1.2.3", ["203.0.113.9"], "203.0.113.9"),  // a dual-stack socket's IPv4 peer
        ])
    func client(peer: String, lines: [String], expected: String) throws {
        let peer = try #require(IPAddress(peer))
        #expect(proxies.client(peer: peer, forwardedFor: lines.map { $0[...] }) == IPAddress(expected))
    }

    @Test("blocks parse as an address with an optional prefix length, and nothing else")
    func blocks() {
        #expect(TrustedProxies.Block("10.0.0.0/8") != nil)
        #expect(TrustedProxies.Block("::1") != nil)
        #expect(TrustedProxies.Block("10.0.0.0/33") == nil)
        #expect(TrustedProxies.Block("10.0.0.0/") == nil)
        #expect(TrustedProxies.Block("10.0.0.0/+8") == nil)
        #expect(TrustedProxies.Block("example.com") == nil)
        #expect(TrustedProxies.Block("0.0.0.0/0")?.contains(IPAddress("8.8.8.8")!) == true)
        #expect(TrustedProxies.Block("10.0.0.0/8")?.contains(IPAddress("::ffff:10.0.0.1")!) == false)
    }

    @Test("one setting item may list several blocks, comma-separated")
    func commaSeparatedItems() {
        let proxies = TrustedProxies(["10.0.0.0/8, 192.0.2.7", "2001:db8::/32"])
        #expect(proxies.blocks.count == 3)
        #expect(proxies.trusts(IPAddress("192.0.2.7")!))
        #expect(!proxies.trusts(IPAddress("192.0.2.8")!))
    }

    @Test("an IPv6 client counts under its /64, an IPv4-mapped one as its IPv4 address")
    func clientAddress() {
        #expect(ClientAddress(IPAddress("2001:db8:1:2::1")!) == ClientAddress(IPAddress("2001:db8:1:2:ffff::9")!))
        #expect(ClientAddress(IPAddress("2001:db8:1:2::1")!) != ClientAddress(IPAddress("2001:db8:1:3::1")!))
        #expect(ClientAddress(IPAddress("::ffff:127.0.0.2")!) == ClientAddress(IPAddress("127.0.0.2")!))
    }

    @Test("a client's shares stop at the limit and come back when released")
    func shares() {
        let shares = ClientShares(limit: 2)
        let one = ClientAddress(IPAddress("127.0.0.1")!)
        let two = ClientAddress(IPAddress("127.0.0.2")!)
        #expect(shares.take(one) && shares.take(one))
        #expect(!shares.take(one))
        #expect(shares.take(two), "another client has its own")
        shares.release(one)
        #expect(shares.take(one))
        shares.release(one)
        shares.release(one)
        #expect(shares.held(by: one) == 0)
    }
}
