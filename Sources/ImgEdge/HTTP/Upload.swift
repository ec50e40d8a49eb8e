import Crypto
import Filters
import Hummingbird
import NIOCore
import Vips

/// An uploaded body, read chunk by chunk as it arrives and refused as soon as it passes the
/// byte limit or its time, without reading the rest.
///
/// A body that stops arriving is cut by the server's idle timeout; one that trickles in is cut
/// when the whole has taken longer than `timeLimit`. Either way the request fails as the
/// client's fault, never as a 5xx.
struct Upload {
    let body: RequestBody
    let limit: Int
    /// The longest the whole body may take to arrive.
    let timeLimit: Duration

    /// Collects the body, for libvips to decode.
    func collect() async throws(ImageServiceError) -> SourceImage {
        var collected = ByteBuffer()
        try await forEachChunk { chunk throws(ImageServiceError) in collected.writeImmutableBuffer(chunk) }
        return SourceImage(bytes: SourceBytes(collected.readableBytesView), lastModified: nil, version: nil)
    }

    /// Passes each chunk through a transform module as it arrives, hashing the body for the ETag.
    func passThrough(
        _ transform: FilterModule, registry: FilterRegistry, service: ImageService, place: ImageWorkers.Place
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
            try await service.feed(bytes, to: session, in: place)
        }
        return .transformed(session, bodyDigest: hasher.finalize())
    }

    private func forEachChunk(_ body: (ByteBuffer) async throws(ImageServiceError) -> Void) async throws(ImageServiceError) {
        var received = 0
        let deadline = ContinuousClock.now + timeLimit
        do {
            for try await chunk in self.body {
                received += chunk.readableBytes
                guard received <= limit else { throw ImageServiceError.source(.tooLarge(limit: limit)) }
                guard ContinuousClock.now <= deadline else { throw ImageServiceError.source(.uploadTooSlow(limit: timeLimit)) }
                try await body(chunk)
            }
        } catch let error as ImageServiceError {
            throw error
        } catch {
            throw .source(.uploadCutOff)
        }
    }
}
