public import Vips

/// Where original images come from: a local directory or an HTTP(S) server.
///
/// Two implementations, `FileOrigin` and `HTTPOrigin`; the pipeline sees only this protocol.
public protocol Origin: Sendable {
    /// Fetches the original named by `path`.
    /// - Parameters:
    ///   - path: a validated relative path (see `SourcePath`).
    ///   - limit: the most bytes to accept; a larger original fails with `.tooLarge`.
    func fetch(_ path: SourcePath, limit: Int) async throws(OriginError) -> SourceImage
}

/// An original image as the origin gave it.
public struct SourceImage: Sendable {
    /// The encoded bytes.
    public var bytes: SourceBytes
    /// When the origin says the original last changed, as an HTTP date, if it says.
    public var lastModified: String?

    public init(bytes: SourceBytes, lastModified: String?) {
        self.bytes = bytes
        self.lastModified = lastModified
    }
}
