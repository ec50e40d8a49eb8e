import Testing

@testable import ImgEdge

@Suite("The SSRF guard's address table")
struct IPAddressTests {
    @Test(
        "internal addresses are refused: loopback, link-local and metadata, private, CGNAT, unique-local, multicast, and IPv4 inside IPv6",
        arguments: [
            "127.0.0.1", "127.255.0.9", "0.0.0.0", "10.1.2.3", "100.64.0.1", "169.254.169.254", "172.16.0.1", "172.31.255.255",
            "192.168.1.1", "198.18.0.1", "224.0.0.1", "255.255.255.255", "::", "::1", "fe80::1", "febf::1", "fc00::1", "fd12::1",
            "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "64:ff9b::10.0.0.1",
        ])
    func internalAddresses(address: String) throws {
        #expect(try #require(IPAddress(address)).isInternal)
    }

    @Test(
        "every range of IANA's special-purpose registries that is not globally reachable is refused, at both of its ends",
        arguments: [
            "192.0.0.0", "192.0.0.255", "192.0.2.0", "192.0.2.255", "192.88.99.1", "198.51.100.0", "198.51.100.255",
            "203.0.113.0", "203.0.113.255", "198.19.255.255", "100.127.255.255", "0.255.255.255",
            "100::", "100::ffff:ffff:ffff:ffff", "100:0:0:1::1", "2001::", "2001:1ff:ffff::1", "2001:2::1", "2001:10::1",
            "2001:db8::", "2001:db8:ffff::1", "3fff::", "3fff:fff:ffff::1", "5f00::1", "fbff:ffff::1",
        ])
    func specialPurposeRanges(address: String) throws {
        #expect(try #require(IPAddress(address)).isInternal)
    }

    @Test(
        "IPv6 forms that relay to an IPv4 address are refused whole, whatever address they embed",
        arguments: [
            "::8.8.8.8", "::1.1.1.1", "::10.0.0.1", "::ffff:0:8.8.8.8", "::ffff:0:127.0.0.1",
            "64:ff9b:1::808:808", "64:ff9b:1:ffff::1", "2002:808:808::1", "2002:ffff:ffff::1", "2001:0:4136:e378::1",
            "fec0::1", "feff:ffff::1",
        ])
    func relayingForms(address: String) throws {
        #expect(try #require(IPAddress(address)).isInternal)
    }

    @Test(
        "public addresses pass, the neighbours of internal ranges included",
        arguments: [
            "8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1", "100.128.0.1", "169.255.0.1", "11.0.0.1", "2606:4700::1111",
            "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "192.0.1.255", "192.0.3.0", "198.51.99.255",
            "203.0.114.0", "192.88.100.1", "2001:200::1", "2001:db7:ffff::1", "2001:db9::1", "2003::1", "3fff:1000::1",
            "2000::1", "3ffe:ffff::1",
        ])
    func publicAddresses(address: String) throws {
        #expect(try #require(IPAddress(address)).isInternal == false)
    }

    @Test("an address prints as it parses, and a host name is not an address")
    func parsing() {
        #expect(IPAddress("10.0.0.1")?.description == "10.0.0.1")
        #expect(IPAddress("fe80::1")?.description == "fe80::1")
        #expect(IPAddress("example.com") == nil)
    }

    @Test("a prefix matches by bits, never past the address; an IPv4-mapped address unmaps to its IPv4")
    func prefixes() throws {
        let address = try #require(IPAddress("10.1.2.3"))
        #expect(address.hasPrefix([10, 0], bits: 8))
        #expect(address.hasPrefix([10, 0], bits: 15))
        #expect(!address.hasPrefix([10, 0], bits: 16))
        #expect(!address.hasPrefix([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF], bits: 96))
        #expect(!address.hasPrefix([10], bits: 33))
        #expect(IPAddress("::ffff:10.1.2.3")?.unmappedIPv4 == address)
        #expect(address.unmappedIPv4 == address)
        #expect(IPAddress("::10.1.2.3")?.unmappedIPv4 == IPAddress("::10.1.2.3"))
    }

    @Test("the resolver answers a numeric host with itself and localhost with a loopback address")
    func resolving() async throws {
        let numeric = try await HostResolver.addresses(of: "10.0.0.1")
        #expect(numeric == [IPAddress("10.0.0.1")!])
        let localhost = try await HostResolver.addresses(of: "localhost")
        #expect(localhost.contains(IPAddress("127.0.0.1")!))
    }
}
