import Crypto
import Filters
import NIOCore
import Vips

/// An uploaded body, read chunk by chunk as it arrives and refused as soon as it passes the
/// byte limit, without reading the rest.
///
/// The transport says what a failure of the body means: the HTTP routes make a body that
/// missed its connection's deadline `uploadTooSlow` (408) and any other end before the last
/// byte `uploadCutOff`.
struct Upload: Sendable {
    /// The body's chunks, as they arrive.
    let chunks: any AsyncSequence<ByteBuffer, any Error> & Sendable
    /// What a failure of `chunks` means.
    let failure: @Sendable (any Error) -> SourceError

    /// Calls `body` with each chunk, the whole at most `limit` bytes.
    func forEachChunk(
        limit: Int, _ body: (ByteBuffer) async throws(ImageServiceError) -> Void
    ) async throws(ImageServiceError) {
        var received = 0
        do {
            for try await chunk in chunks {
                received += chunk.readableBytes
                guard received <= limit else { throw ImageServiceError.source(.tooLarge(limit: limit)) }
                try await body(chunk)
            }
        } catch let error as ImageServiceError {
            throw error
        } catch {
            throw .source(failure(error))
        }
    }
}

extension ImageService {
    /// Receives `upload` for `request`: collected whole for libvips to decode, or for a worker
    /// process, which passes it through the request's transform module, if any; or, when jobs
    /// render in the server and there is a transform, passed through its module chunk by chunk
    /// as it arrives, on worker threads, and hashed for the ETag.
    func receive(
        _ upload: Upload, for request: ImageRequest, in place: ImageWorkers.Place
    ) async throws(ImageServiceError) -> JobInput {
        let limit = request.limits.maxSourceBytes
        let filters = request.parsed.filters
        guard let transform = filters.transform, workers.processes == nil else {
            var collected = ByteBuffer()
            try await upload.forEachChunk(limit: limit) { chunk throws(ImageServiceError) in collected.writeImmutableBuffer(chunk)
            }
            return .encoded(SourceImage(bytes: SourceBytes(collected.readableBytesView), lastModified: nil, version: nil))
        }
        let session = try ImageServiceError.reporting { () throws(FilterError) in try filters.registry.startTransform(transform) }
        var hasher = SHA256()
        try await upload.forEachChunk(limit: limit) { chunk throws(ImageServiceError) in
            let bytes = Array(chunk.readableBytesView)
            hasher.update(data: bytes)
            try await feed(bytes, to: session, in: place)
        }
        return .transformed(session, bodyDigest: Array(hasher.finalize()))
    }
}
