import Foundation

/// How a request names its bucket: in the path (`https://endpoint/bucket/key`, which every
/// S3-API store takes) or in the host (`https://bucket.endpoint/key`, which AWS prefers).
enum S3Addressing: String, Sendable, CaseIterable {
    /// Virtual-hosted for AWS's own endpoint (path-style for a bucket name with a dot, which
    /// its TLS certificate would not cover), path-style for any configured endpoint: what
    /// MinIO, Ceph and most self-hosted stores need, and what R2 and GCS also take.
    case auto
    case path
    case virtualHosted = "virtual-hosted"
}

/// The bucket an S3 origin reads, and the key prefix its originals live under: `s3://BUCKET[/PREFIX]`.
struct S3Bucket: Sendable, Equatable {
    /// The bucket's name.
    let name: String
    /// The prefix of every key, without leading or trailing slashes; empty: none.
    let prefix: String

    /// Whether `location` is an S3 origin, `s3://…`.
    static func isS3(_ location: String) -> Bool {
        location.hasPrefix("s3://")
    }

    /// Parses `s3://BUCKET[/PREFIX]`; nil unless the bucket name is 3 to 63 lowercase letters,
    /// digits, dots and hyphens (S3's rule).
    init?(location: String) {
        guard Self.isS3(location) else { return nil }
        let rest = location.dropFirst("s3://".count)
        let parts = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0])
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-")
        guard (3...63).contains(name.count), name.allSatisfy(allowed.contains) else { return nil }
        self.name = name
        prefix = parts.count > 1 ? String(parts[1].trimmingPrefix("/")).trimmingSuffix("/") : ""
    }

    /// The object key of `path`: the prefix, then the path's segments.
    func key(of path: SourcePath) -> String {
        prefix.isEmpty ? path.description : "\(prefix)/\(path.description)"
    }

    /// Where a request for `key` goes and how it is signed.
    /// - Parameters:
    ///   - endpoint: the store's base URL (scheme, host, optional port).
    ///   - virtualHosted: whether the bucket is named in the host.
    func target(of key: String, endpoint: URL, virtualHosted: Bool) -> S3RequestTarget {
        let scheme = endpoint.scheme ?? "https"
        let endpointHost = endpoint.host ?? ""
        let host = virtualHosted ? "\(name).\(endpointHost)" : endpointHost
        let hostHeader = endpoint.port.map { "\(host):\($0)" } ?? host
        let path = (virtualHosted ? "/" : "/\(name)/") + Self.encoded(key)
        return S3RequestTarget(url: "\(scheme)://\(hostHeader)\(path)", host: hostHeader, path: path)
    }

    /// `key` URI-encoded as S3 signs it: every UTF-8 byte but the unreserved ones (`A-Z a-z
    /// 0-9 - . _ ~`) and `/` as `%XX` in capitals, so a space is `%20`, `+` is `%2B`, `%` is
    /// `%25`; once only (S3, unlike the other services, does not encode the path twice).
    static func encoded(_ key: String) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(key.utf8.count)
        for byte in key.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                bytes.append(byte)
            default:
                bytes += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0xF)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// One object's request: its URL, the `Host` header sent and signed, and the encoded path signed.
struct S3RequestTarget: Sendable, Equatable {
    let url: String
    let host: String
    let path: String
}

extension StringProtocol {
    /// The text without any trailing `suffix`es.
    fileprivate func trimmingSuffix(_ suffix: Character) -> String {
        var text = String(self)
        while text.last == suffix { text.removeLast() }
        return text
    }
}
