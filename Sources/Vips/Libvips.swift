internal import CVipsShim
import Synchronization

/// The process-wide libvips runtime.
///
/// Start it once, before the first image is decoded. libvips then blocks its untrusted loaders
/// (PDF, SVG, raw formats, …), keeps no operation cache (every request is new work) and uses
/// `concurrency` threads per image: the service already runs one job per core, so 1 is the
/// right number for throughput.
public enum Libvips {
    /// Whether `start` has succeeded; libvips' own start-up is not safe to race.
    private static let started = Mutex(false)

    /// Starts libvips; later calls do nothing (the first call's settings stay).
    /// - Parameters:
    ///   - concurrency: libvips worker threads per image.
    ///   - checkLeaks: report images still alive at exit (libvips' `VIPS_LEAK`).
    /// - Throws: `VipsError.startFailed` when libvips cannot start.
    public static func start(concurrency: Int = 1, checkLeaks: Bool = false) throws(VipsError) {
        try started.withLock { (started: inout Bool) throws(VipsError) in
            guard !started else { return }
            guard imgedge_vips_init("imgedge", Int32(concurrency), checkLeaks ? 1 : 0) == 0 else {
                throw .startFailed(Libvips.takeErrorText())
            }
            started = true
        }
    }

    /// Shuts libvips down at the end of the process, after the last job: frees its caches and
    /// threads and, with `VIPS_LEAK` set, reports every object still alive.
    public static func shutdown() {
        vips_shutdown()
    }

    /// The libvips version, e.g. `8.14.1`.
    public static var version: String {
        String(cString: vips_version_string())
    }

    /// Ends a job on the current thread: clears libvips' error buffer and frees its per-thread
    /// state. Call it once at the end of every job that touched libvips.
    public static func endJob() {
        imgedge_vips_end_job()
    }

    /// Tunes glibc's allocator for image work, before the worker threads start: at most
    /// `arenas` arenas, one per worker (`MALLOC_ARENA_MAX` overrides it), and, when
    /// `mappingLarge`, allocations of 1 MiB or more mapped on their own
    /// (`MALLOC_MMAP_THRESHOLD_` overrides it).
    ///
    /// With glibc's defaults, 8 arenas a core and a mapping threshold that grows to the largest
    /// block freed so far, a burst of large images leaves hundreds of megabytes free but held
    /// after it (Benchmarks/hostile.sh). The fixed threshold returns source bytes and large pixel
    /// buffers when they are freed: under four concurrent 20 MP misses peak RSS fell from
    /// 154–166 to 135–146 MB, for 2–6 % more CPU per miss (BENCHMARKS.md, "Memory under concurrent
    /// misses").
    public static func tuneAllocator(arenas: Int, mappingLarge: Bool = true) {
        imgedge_tune_malloc(Int32(clamping: max(1, arenas)), mappingLarge ? 1 : 0)
    }

    /// Maps memory for `bytes` of the loops libvips compiles at run time (liborc) now, rounded
    /// up to liborc's 64 KiB regions: liborc maps each region through a new file in /tmp and
    /// reuses what freed programs leave, so a worker process, which may open no file once locked
    /// down, still compiles its loops. (Without them a miss costs 1.25–1.6 times the CPU:
    /// BENCHMARKS.md.)
    /// - Returns: false when liborc could not map them.
    public static func reserveCompiledCode(bytes: Int) -> Bool {
        imgedge_vips_reserve_compiled_code(max(0, bytes)) == 0
    }

    /// Reads libvips' process-global error text, folded onto one line.
    static func takeErrorText() -> String {
        let text = String(cString: imgedge_vips_error_text())
        return text.split(whereSeparator: \.isNewline).joined(separator: "; ")
    }
}
