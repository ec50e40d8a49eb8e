import Foundation

/// The key an S3 request is signed with: an access key ID, its secret and, for temporary
/// credentials (STS), a session token.
///
/// Found in the usual places, in the usual order (`S3Credentials.find`); the secret and the
/// token are never logged or printed (`imgedge config` redacts the settings that hold them).
struct S3Credentials: Sendable, Equatable {
    let accessKeyID: String
    let secretAccessKey: String
    let sessionToken: String?

    init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Where credentials were found, for the start-up log line (never the secret).
    enum Source: Sendable, Equatable, CustomStringConvertible {
        /// imgedge's own settings (`--s3-access-key-id`, `IMGEDGE_S3_*`, the config file).
        case settings
        /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`).
        case environment
        /// A profile of a shared credentials file.
        case sharedFile(path: String, profile: String)
        /// None: requests go unsigned, for public buckets.
        case anonymous

        var description: String {
            switch self {
            case .settings: "imgedge's s3 settings"
            case .environment: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
            case .sharedFile(let path, let profile): "profile \(profile) of \(path)"
            case .anonymous: "none (requests unsigned)"
            }
        }
    }

    /// The credentials to sign with, looked for in this order: imgedge's own settings; the
    /// environment's `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`; the
    /// profile `AWS_PROFILE` (else `default`) of the shared credentials file
    /// `AWS_SHARED_CREDENTIALS_FILE` (else `~/.aws/credentials`); else none (anonymous).
    /// Instance-metadata credentials are not looked for: their address is one the SSRF guard refuses.
    /// - Parameters:
    ///   - settings: the origin's settings, whose key fields are empty unless set.
    ///   - environment: the process environment (injected by tests).
    /// - Returns: nil credentials with `.anonymous`.
    static func find(
        settings: S3Origin.Settings, environment: [String: String]
    ) -> (credentials: S3Credentials?, source: Source) {
        if !settings.accessKeyID.isEmpty {
            return (
                S3Credentials(
                    accessKeyID: settings.accessKeyID, secretAccessKey: settings.secretAccessKey,
                    sessionToken: settings.sessionToken),
                .settings
            )
        }
        if let id = environment["AWS_ACCESS_KEY_ID"], !id.isEmpty, let secret = environment["AWS_SECRET_ACCESS_KEY"],
            !secret.isEmpty
        {
            return (
                S3Credentials(accessKeyID: id, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"]),
                .environment
            )
        }
        let path =
            environment["AWS_SHARED_CREDENTIALS_FILE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "\(environment["HOME"] ?? NSHomeDirectory())/.aws/credentials"
        let profile = environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        if let text = try? String(contentsOfFile: path, encoding: .utf8),
            let credentials = sharedFileProfile(profile, in: text)
        {
            return (credentials, .sharedFile(path: path, profile: profile))
        }
        return (nil, .anonymous)
    }

    /// The credentials of `[profile]` in a shared credentials file's text (INI: `key = value`
    /// lines, `#` and `;` comments), or nil when the profile is missing or lacks a key or secret.
    static func sharedFileProfile(_ profile: String, in text: String) -> S3Credentials? {
        var section: String?
        var values: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") {
                continue
            }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                section = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                continue
            }
            guard section == profile, let equals = line.firstIndex(of: "=") else { continue }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            values[name] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        guard let id = values["aws_access_key_id"], !id.isEmpty, let secret = values["aws_secret_access_key"], !secret.isEmpty
        else { return nil }
        return S3Credentials(accessKeyID: id, secretAccessKey: secret, sessionToken: values["aws_session_token"])
    }
}
