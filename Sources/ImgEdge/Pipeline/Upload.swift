import Crypto
import Filters
import Hummingbird
import NIOCore
import Vips

/// An uploaded body, read chunk by chunk as it arrives and refused as soon as it passes the
/// byte limit or its time, without reading the rest.
///
/// The connection's `ConnectionDeadlineHandler` fails a body that has not ended `timeLimit`
/// after its head arrived, whether it stopped or trickles in: the request then fails with
/// `uploadTooSlow` (408), as the client's fault, and gives up its place at once.
struct Upload {
    let body: RequestBody
    let limit: Int
    /// The longest the whole body may take to arrive, which the connection's deadline enforces.
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
        let session = try ImageServiceError.reporting { () throws(FilterError) in try registry.startTransform(transform) }
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
        do {
            for try await chunk in self.body {
                received += chunk.readableBytes
                guard received <= limit else { throw ImageServiceError.source(.tooLarge(limit: limit)) }
                try await body(chunk)
            }
        } catch let error as ImageServiceError {
            throw error
        } catch is ConnectionDeadlines.BodyTimedOut {
            throw .source(.uploadTooSlow(limit: timeLimit))
        } catch {
            throw .source(.uploadCutOff)
        }
    }
}
