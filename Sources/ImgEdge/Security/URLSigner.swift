import Crypto
import Foundation

/// HMAC-SHA256 signatures over image URLs, so that only URLs the site made are rendered.
///
/// The signed message is the canonical form of the URL: its path as sent (percent-encoding
/// kept), then, if any parameters are left once `sig` is removed, `?` and those parameters as
/// sent, sorted by their `name=value` text and joined with `&`. The signature is the HMAC's
/// 32 bytes in unpadded base64url, sent as the `sig` parameter. Several keys may be valid at
/// once, for rotation: a URL is accepted when any key signs it, and `sign` uses the first.
public struct URLSigner: Sendable {
    private let keys: [SymmetricKey]

    /// The fewest bytes a key may have: the configuration refuses a shorter one, which could
    /// be guessed.
    static let minimumKeyBytes = 16

    /// - Parameter keys: the secrets, as text; the first signs.
    public init?(keys: [String]) {
        guard !keys.isEmpty else { return nil }
        self.keys = keys.map { SymmetricKey(data: Data($0.utf8)) }
    }

    /// The canonical message for a URL's raw path and query, `sig` left out.
    static func canonical(path: String, query: String?) -> String {
        let pairs = (query ?? "").split(separator: "&").filter { !$0.isEmpty && !$0.hasPrefix("sig=") && $0 != "sig" }
        return pairs.isEmpty ? path : path + "?" + pairs.map(String.init).sorted().joined(separator: "&")
    }

    /// The `sig` value in a raw query, if there is exactly one.
    static func signature(inQuery query: String?) -> String? {
        let values = (query ?? "").split(separator: "&").filter { $0.hasPrefix("sig=") }.map { String($0.dropFirst(4)) }
        return values.count == 1 ? values[0] : nil
    }

    /// Whether the URL's `sig` is a valid signature of it under any key, compared in constant time.
    func isValid(path: String, query: String?) -> Bool {
        guard let signature = Self.signature(inQuery: query).flatMap(Self.decodeBase64URL) else { return false }
        let message = Data(Self.canonical(path: path, query: query).utf8)
        // Every key is tried, so the time taken does not tell which one matched.
        return keys.reduce(false) { valid, key in
            HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: message, using: key) || valid
        }
    }

    /// `pathAndQuery` in canonical order with its `sig` appended, signed with the first key.
    public func signed(_ pathAndQuery: String) -> String {
        let parts = pathAndQuery.split(separator: "?", maxSplits: 1).map(String.init)
        let canonical = Self.canonical(path: parts[0], query: parts.count > 1 ? parts[1] : nil)
        let code = HMAC<SHA256>.authenticationCode(for: Data(canonical.utf8), using: keys[0])
        return canonical + (canonical.contains("?") ? "&" : "?") + "sig=" + Self.encodeBase64URL(Data(code))
    }

    private static func encodeBase64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The bytes `text` spells in unpadded base64url, when it is their one canonical spelling.
    /// A decoder alone also takes `/` for `_` and ignores the unused low bits of the last
    /// character, and each such respelling of a valid signature would be another URL, and
    /// another CDN cache entry, for the same image.
    private static func decodeBase64URL(_ text: String) -> Data? {
        guard text.count <= 64 else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), encodeBase64URL(data) == text else { return nil }
        return data
    }
}
