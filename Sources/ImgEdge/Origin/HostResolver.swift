import Glibc
import NIOPosix

/// Host names resolved with the system resolver (`getaddrinfo`), on NIO's blocking-I/O pool.
enum HostResolver {
    /// Every address `host` resolves to; a numeric host is its own one address.
    static func addresses(of host: String) async throws -> [IPAddress] {
        try await NIOThreadPool.singleton.runIfActive { resolve(host) }
    }

    private static func resolve(_ host: String) -> [IPAddress] {
        if let numeric = IPAddress(host.trimmingPrefix("[").split(separator: "]").first.map(String.init) ?? host) {
            return [numeric]
        }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var entry = list
        while let info = entry?.pointee {
            if info.ai_family == AF_INET, let address = info.ai_addr {
                let v4 = UnsafeRawPointer(address).load(as: sockaddr_in.self).sin_addr
                addresses.append(IPAddress(bytes: withUnsafeBytes(of: v4) { Array($0) }))
            } else if info.ai_family == AF_INET6, let address = info.ai_addr {
                let v6 = UnsafeRawPointer(address).load(as: sockaddr_in6.self).sin6_addr
                addresses.append(IPAddress(bytes: withUnsafeBytes(of: v6) { Array($0) }))
            }
            entry = info.ai_next
        }
        var seen = Set<IPAddress>()
        return addresses.filter { seen.insert($0).inserted }
    }
}
