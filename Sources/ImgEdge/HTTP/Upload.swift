import Crypto
import Filters
import Hummingbird
import NIOCore
import Vips

/// An uploaded body, read chunk by chunk as it arrives and refused as soon as it passes the
/// byte limit, without reading the rest.
struct Upload {
    let body: RequestBody
    let limit: Int

    /// Collects the body, for libvips to decode.
    func collect() async throws(ImageServiceError) -> SourceImage {
        var collected = ByteBuffer()
        try await forEachChunk { chunk throws(ImageServiceError) in collected.writeImmutableBuffer(chunk) }
        return SourceImage(bytes: SourceBytes(collected.readableBytesView), lastModified: nil)
    }

    /// Passes each chunk through a transform module as it arrives, hashing the body for the ETag.
    func passThrough(
        _ transform: FilterModule, registry: FilterRegistry, service: ImageService
    ) async throws(ImageServiceError) -> JobInput {
        let session: TransformSession
        do {
            session = try registry.startTransform(transform)
        } catch {
            throw .filter(error)
        }
        var hasher = SHA256()
        try await forEachChunk { chunk throws(ImageServiceError) in
            let bytes = Array(chunk.readableBytesView)
            hasher.update(data: bytes)
            try await service.feed(bytes, to: session)
        }
        return .transformed(session, bodyDigest: hasher.finalize())
    }

    private func forEachChunk(_ body: (ByteBuffer) async throws(ImageServiceError) -> Void) async throws(ImageServiceError) {
        var received = 0
        do {
            for try await chunk in self.body {
                received += chunk.readableBytes
                guard received <= limit else { throw ImageServiceError.source(.tooLarge(limit: limit)) }
                try await body(chunk)
            }
        } catch let error as ImageServiceError {
            throw error
        } catch {
            throw .origin(.unavailable("the upload was cut off"))
        }
    }
}
