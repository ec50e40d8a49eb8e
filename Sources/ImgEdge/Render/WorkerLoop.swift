import CWorkerProcess
import Filters
import Foundation
import Glibc
import NIOCore
import Vips

/// A worker process's side of the socket: reads jobs, renders each with `RenderJob`, answers,
/// until the server closes the socket.
///
/// The server is trusted here (it started this process), but its frames are still checked:
/// a bad one ends the worker, which the server sees as a death and replaces.
enum WorkerLoop {
    /// The descriptor the server's socket is on (`imgedge_spawn_worker` puts it there).
    static let socketDescriptor: Int32 = 3

    /// Why a worker exits otherwise than at the end of the socket.
    enum Exit: Int32, Error {
        /// The socket ended: the server is done with this worker.
        case finished = 0
        /// The server was gone before the worker could tie its life to it.
        case orphaned = 70
        case libvipsFailed = 71
        /// The server sent what the protocol does not allow, or the socket failed.
        case badFrame = 72
        /// An answer could not be sent.
        case cannotAnswer = 73
        /// The lockdown could not be applied.
        case notLockedDown = 74
    }

    /// Descriptors a worker may hold: the standard three, the socket, a job's memfd, and room.
    static let maxDescriptors: Int32 = 16

    /// Memory for the loops libvips compiles at run time, mapped before the lockdown: a job
    /// frees its loops when it ends, and one 64 KiB region held those of every job of the
    /// worker tests (strace counts liborc's files); 1 MiB leaves room for the longest chains of
    /// convolutions.
    static let compiledCodeBytes = 1 << 20

    /// Gives up privileges for good, lowers its priority to `niceness`, starts libvips, maps
    /// memory for its compiled loops and loads the filter modules, then locks the process down:
    /// `maxMemory` bytes of address space, `maxDescriptors`, no core dumps, and the seccomp
    /// filter, after which any system call a job does not need kills the worker. Call it on the
    /// main thread before any other starts, so that every thread inherits the lockdown.
    /// - Returns: the filter modules, loaded.
    static func lockDown(
        parent: Int32, modulesDirectory: String, filterLimits: FilterLimits, maxMemory: Int, niceness: Int32
    ) throws(Exit) -> FilterRegistry {
        guard imgedge_no_new_privileges() == 0 else { throw .notLockedDown }
        guard imgedge_die_with_parent(parent) == 0 else { throw .orphaned }
        // Below the server's event loops, as its worker threads are, so hits stay fast while
        // every core renders; threads started from here on inherit it.
        if niceness > 0 { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness) }
        // One arena, which the job's threads share: glibc would reserve 64 MiB of address space
        // for each thread's own, counted against `maxMemory` (four threads held 252 MiB after
        // an AVIF job). glibc's own mapping threshold, not the server's fixed one: a worker's
        // memory is bounded by its limit and its recycling, and a 20 MP WebP miss cost 12–17 %
        // more CPU in a worker returning its large buffers after each job (BENCHMARKS.md).
        Libvips.tuneAllocator(arenas: 1, mappingLarge: false)
        do {
            try Libvips.start()
        } catch {
            throw .libvipsFailed
        }
        guard Libvips.reserveCompiledCode(bytes: compiledCodeBytes) else { throw .notLockedDown }
        let registry = FilterRegistry(directory: modulesDirectory, limits: filterLimits)
        guard imgedge_prepare_for_syscall_filter() == 0, imgedge_limit_resources(maxMemory, maxDescriptors) == 0,
            imgedge_install_syscall_filter() == 0
        else { throw .notLockedDown }
        return registry
    }

    /// Says it is ready, then serves jobs with the filter modules of `registry` until the socket
    /// ends or fails.
    static func serve(registry: FilterRegistry) -> Exit {
        let socket = WorkerSocket(descriptor: socketDescriptor)
        do {
            try socket.send(WorkerFrame(kind: .ready, payload: []))
        } catch {
            return .cannotAnswer
        }
        while true {
            let frame: WorkerFrame
            let source: Int32?
            do {
                (frame, source) = try socket.receive(maxLength: [.job: WorkerJob.maxEncodedLength])
            } catch .closed(errno: 0) {
                return .finished
            } catch {
                return .badFrame
            }
            guard let source else { return .badFrame }
            let answered = answer(to: frame.payload, source: source, registry: registry)
            close(source)
            guard let answered else { return .badFrame }
            do {
                try socket.send(WorkerFrame(kind: .answer, payload: Array(try JSONEncoder().encode(answered.answer))))
                if let body = answered.body { try socket.send(WorkerFrame(kind: .body, payload: body)) }
            } catch {
                return .cannotAnswer
            }
        }
    }

    /// The answer to the job `payload` describes, on the source in the memfd `source`, and the
    /// body that follows it; nil when the job or its source is not what the protocol says.
    private static func answer(
        to payload: [UInt8], source: Int32, registry: FilterRegistry
    ) -> (answer: WorkerAnswer, body: [UInt8]?)? {
        guard let job = try? JSONDecoder().decode(WorkerJob.self, from: Data(payload)),
            (0...job.limits.maxSourceBytes).contains(job.sourceLength),
            let bytes = read(source, count: job.sourceLength)
        else { return nil }
        var filters = RequestFilters(registry: registry)
        var input = JobInput.encoded(SourceImage(bytes: bytes, lastModified: job.lastModified, version: nil))
        do throws(FilterError) {
            var steps: [ResolvedFilter] = []
            for filter in job.filters {
                steps.append(ResolvedFilter(module: try registry.module(filter.module), arguments: filter.arguments))
            }
            let transform = try job.transform.map { (reference) throws(FilterError) in try registry.module(reference) }
            filters = RequestFilters(registry: registry, transform: transform, steps: steps)
            if let transform {
                input = try transformed(bytes, through: transform, in: registry, digest: job.sourceDigest)
            }
        } catch {
            return (.failed(.filter(error)), nil)
        }
        let renderJob = RenderJob(
            input: input, options: job.options, filters: filters, negotiated: job.negotiated, identity: job.identity,
            sourceDigest: job.sourceDigest, ifNoneMatch: job.ifNoneMatch, limits: job.limits, encoding: job.encoding,
            timings: StageTimings(), budget: EvaluationBudget(), pass: job.pass)
        do throws(ImageServiceError) {
            switch try renderJob.run() {
            case .image(let image):
                let body = Array(image.body.readableBytesView)
                let answer = WorkerAnswer.rendered(
                    format: image.format, entityTag: image.header.entityTag, stage: image.header.stage, bodyLength: body.count,
                    timings: image.timings)
                return (answer, body)
            case .notModified(let header):
                return (.notModified(format: header.format, entityTag: header.entityTag, stage: header.stage), nil)
            }
        } catch {
            guard let failure = WorkerJobError(error) else { return nil }
            return (.failed(failure), nil)
        }
    }

    /// How much of an upload a transform module is given at a time.
    static let transformChunkBytes = 64 << 10

    /// `body` passed through the transform `module` a chunk at a time, as the server passes an
    /// upload as it arrives when it renders itself.
    private static func transformed(
        _ body: SourceBytes, through module: FilterModule, in registry: FilterRegistry, digest: [UInt8]
    ) throws(FilterError) -> JobInput {
        let session = try registry.startTransform(module)
        try body.withUnsafeBytes { bytes in
            Result { () throws(FilterError) in
                for start in stride(from: 0, to: bytes.count, by: transformChunkBytes) {
                    try session.feed(bytes[start..<min(start + transformChunkBytes, bytes.count)])
                }
            }
        }.get()
        return .transformed(session, bodyDigest: digest)
    }

    /// The `count` bytes of the sealed memfd `descriptor`; nil when it is not one, or holds
    /// another number of bytes.
    private static func read(_ descriptor: Int32, count: Int) -> SourceBytes? {
        var status = stat()
        guard SealedMemfd.isSealed(descriptor), fstat(descriptor, &status) == 0, Int(status.st_size) == count else {
            return nil
        }
        enum ShortRead: Error { case short }
        return try? SourceBytes(count: count) { (buffer) throws(ShortRead) in
            var filled = 0
            while filled < count {
                let read = pread(descriptor, buffer.baseAddress! + filled, count - filled, off_t(filled))
                if read < 0, errno == EINTR { continue }
                guard read > 0 else { throw .short }
                filled += read
            }
        }
    }
}
