import Vips

/// Where original images come from: a local directory, an HTTP(S) server or an S3-API bucket.
///
/// Three implementations, `FileOrigin`, `HTTPOrigin` and `S3Origin`; the pipeline sees only this protocol.
protocol Origin: Sendable {
    /// Fetches the original named by `path`.
    /// - Parameters:
    ///   - path: a validated relative path (see `SourcePath`).
    ///   - limit: the most bytes to accept; a larger original fails with `.tooLarge`.
    func fetch(_ path: SourcePath, limit: Int) async throws(OriginError) -> SourceImage

    /// The version of the original at `path`, asked without its body: what `SourceImage.version`
    /// of a fetch now would be, or nil when the origin gives none.
    func version(of path: SourcePath) async throws(OriginError) -> String?
}

/// An original image as the origin gave it.
struct SourceImage: Sendable {
    /// The encoded bytes.
    var bytes: SourceBytes
    /// When the origin says the original last changed, as an HTTP date, if it says.
    var lastModified: String?
    /// What changes whenever the original does (a file's inode, size and modification time; an
    /// HTTP origin's validator, an S3 object's ETag), or nil when the origin gives nothing of the kind.
    var version: String?

    init(bytes: SourceBytes, lastModified: String?, version: String?) {
        self.bytes = bytes
        self.lastModified = lastModified
        self.version = version
    }

    /// The version of content known only by its bytes, whose SHA-256 is `digest`.
    static func contentVersion(_ digest: some Sequence<UInt8>) -> String {
        "sha256:" + digest.hexString
    }
}
