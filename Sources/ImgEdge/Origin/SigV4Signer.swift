import Crypto
import Foundation
import Glibc
import Synchronization

/// AWS Signature Version 4 for bodyless S3 requests (`GET`, `HEAD`), from AWS's published
/// specification ("Authenticating Requests: Using the Authorization Header").
///
/// A signature is the hex HMAC-SHA256, under a key derived from the secret, the date, the region
/// and the service, of a string to sign that ends with the SHA-256 of the canonical request:
/// method, URI-encoded path, sorted query, the signed headers lowercased and sorted, and the
/// payload's hash (`UNSIGNED-PAYLOAD` for a request with no body). The request carries
/// `x-amz-date` and `x-amz-content-sha256` (and `x-amz-security-token` with temporary
/// credentials), all signed, and `Authorization`.
///
/// The day's key (four HMACs) is derived once a day and kept; a signature then costs two SHA-256s
/// and one HMAC, on whichever task sends the request. Nothing here is secret in its output but
/// the signature; the secret itself never leaves `credentials` and the kept key.
struct SigV4Signer: Sendable {
    /// The payload hash of a request whose body is not signed: every request imgedge sends has none.
    static let unsignedPayload = "UNSIGNED-PAYLOAD"

    let credentials: S3Credentials
    /// The signing region: `us-east-1`, or `auto` for Cloudflare R2.
    let region: String
    /// The signing service name; `s3` for every S3-API store.
    let service = "s3"
    /// The last day's key, shared by the copies of this signer.
    private let dayKey = DayKey()

    /// The headers to add to a request so that S3 accepts it: `x-amz-date`,
    /// `x-amz-content-sha256`, `x-amz-security-token` with a session token, and `Authorization`.
    /// - Parameters:
    ///   - method: `GET` or `HEAD`.
    ///   - host: the `Host` header as it will be sent, port included when it is not the scheme's.
    ///   - path: the request path already URI-encoded (`S3Key.encoded`), starting with `/`.
    ///   - headers: other headers to sign (`range`), by name; `host` and the `x-amz-` ones are added.
    ///   - payloadHash: the body's hex SHA-256, or `unsignedPayload`.
    ///   - date: the request's time; S3 refuses one more than 15 minutes off its clock.
    func signedHeaders(
        method: String, host: String, path: String, headers: [String: String] = [:],
        payloadHash: String = unsignedPayload, date: Date
    ) -> [(name: String, value: String)] {
        let time = AmzTime(date)
        var signed: [String: String] = [:]
        for (name, value) in headers {
            signed[name.lowercased()] = value.trimmingCharacters(in: .whitespaces)
        }
        signed["host"] = host
        signed["x-amz-date"] = time.basic
        signed["x-amz-content-sha256"] = payloadHash
        if let token = credentials.sessionToken {
            signed["x-amz-security-token"] = token
        }
        let names = signed.keys.sorted()
        let canonicalRequest = [
            method, path, "",  // the query: empty, every request imgedge signs has none
            names.map { "\($0):\(signed[$0]!)\n" }.joined(), names.joined(separator: ";"), payloadHash,
        ].joined(separator: "\n")
        let scope = "\(time.day)/\(region)/\(service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", time.basic, scope, Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8)))]
            .joined(separator: "\n")
        let key = dayKey.key(for: time.day, derive: signingKey)
        let signature = HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key)
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope),SignedHeaders=\(names.joined(separator: ";")),Signature=\(Self.hex(signature))"
        var added = [(name: "x-amz-date", value: time.basic), (name: "x-amz-content-sha256", value: payloadHash)]
        if let token = credentials.sessionToken {
            added.append((name: "x-amz-security-token", value: token))
        }
        added.append((name: "authorization", value: authorization))
        return added
    }

    /// The day's key: HMACs of the date, region, service and `aws4_request`, from `AWS4` + secret.
    private func signingKey(day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// The signing key of the last day a request was signed on, so that it is derived once a day,
/// not once a request. Held by every copy of one signer; a lock, since requests sign on any thread.
private final class DayKey: Sendable {
    private let last = Mutex<(day: String, key: SymmetricKey)?>(nil)

    /// The key of `day`: the one kept if it is that day's, else `derive(day)`, then kept.
    func key(for day: String, derive: (String) -> SymmetricKey) -> SymmetricKey {
        if let kept = last.withLock({ $0 }), kept.day == day {
            return kept.key
        }
        let key = derive(day)
        last.withLock { $0 = (day, key) }
        return key
    }
}

/// A request's time as SigV4 spells it, in UTC: `20130524T000000Z` and its day, `20130524`.
private struct AmzTime {
    let basic: String
    let day: String

    init(_ date: Date) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        day = String(format: "%04d%02d%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
        basic = day + String(format: "T%02d%02d%02dZ", Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}
