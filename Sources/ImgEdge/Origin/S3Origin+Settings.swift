import Foundation

extension S3Origin {
    /// Where an S3 origin's bucket is served and how requests to it are named and signed; the
    /// bucket itself is `origin.location`, `s3://BUCKET[/PREFIX]`. Timeouts are the HTTP origin's.
    struct Settings: Sendable {
        /// The store's base URL; empty: AWS's endpoint of `region`.
        var endpoint = ""
        /// The region requests are signed for (`auto` for Cloudflare R2).
        var region = "us-east-1"
        /// Whether the bucket is named in the path or the host.
        var addressing = S3Addressing.auto
        /// An access key ID; empty: the AWS environment variables, then the shared credentials file.
        var accessKeyID = ""
        /// The access key's secret (redacted by `imgedge config`).
        var secretAccessKey = ""
        /// A session token, for temporary credentials (redacted by `imgedge config`).
        var sessionToken = ""

        init() {}

        /// The base URL requests go to.
        var endpointURL: URL {
            URL(string: endpoint.isEmpty ? "https://s3.\(region).amazonaws.com" : endpoint)!
        }

        /// Whether requests for `bucket` name it in the host.
        func isVirtualHosted(_ bucket: S3Bucket) -> Bool {
            switch addressing {
            case .path: false
            case .virtualHosted: true
            case .auto: endpoint.isEmpty && !bucket.name.contains(".")
            }
        }

        /// The settings of this concern, under `s3.` in a config file.
        static let configurationKeys: [ConfigurationKey<Self>] = [
            .text(
                "s3.endpoint", flag: "s3-endpoint", \.endpoint, allowed: "an http(s) URL, or empty for AWS",
                help: "The S3 origin's endpoint (R2, GCS, MinIO…); empty: https://s3.REGION.amazonaws.com."
            ) { endpoint in
                guard !endpoint.isEmpty else { return nil }
                guard let url = URL(string: endpoint), ["http", "https"].contains(url.scheme), url.host != nil,
                    url.path.isEmpty || url.path == "/", url.query == nil
                else { return "must be an http(s) URL with a host and no path" }
                return nil
            },
            .text(
                "s3.region", flag: "s3-region", \.region, allowed: "a region name",
                help: "The region S3 requests are signed for (auto for Cloudflare R2)."
            ) { region in
                region.isEmpty || !region.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" })
                    ? "must be a region name such as us-east-1" : nil
            },
            .choice(
                "s3.addressing", flag: "s3-addressing", \.addressing,
                help:
                    "Bucket in the host (virtual-hosted) or the path; auto: the host for AWS's endpoint, the path for any other."
            ),
            .text(
                "s3.access_key_id", flag: "s3-access-key-id", \.accessKeyID, allowed: "an access key ID, or empty",
                help: "The S3 access key; empty: AWS_ACCESS_KEY_ID, then the shared credentials file, then none (unsigned)."
            ) { $0.contains(where: \.isWhitespace) ? "must not hold spaces" : nil },
            .text(
                "s3.secret_access_key", flag: "s3-secret-access-key", \.secretAccessKey, allowed: "a secret", secret: true,
                help: "The S3 access key's secret, with s3.access_key_id."),
            .text(
                "s3.session_token", flag: "s3-session-token", \.sessionToken, allowed: "a token, or empty", secret: true,
                help: "A session token for temporary S3 credentials, with s3.access_key_id."),
        ]

        /// Throws the first value out of range, and a key without its secret or the reverse.
        func validate() throws(ConfigurationError) {
            try Self.configurationKeys.validate(self)
            if accessKeyID.isEmpty != secretAccessKey.isEmpty || (!sessionToken.isEmpty && accessKeyID.isEmpty) {
                throw ConfigurationError(
                    key: "s3.access_key_id", setting: "s3.access_key_id",
                    reason: "s3 access key id and s3 secret access key go together (and a session token needs both)")
            }
        }
    }
}
