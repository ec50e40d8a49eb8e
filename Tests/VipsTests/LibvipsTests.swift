import Foundation
import Testing

@testable import Vips

@Suite("Libvips runtime")
struct LibvipsTests {
    @Test("libvips starts and reports the 8.x version the renderer version depends on")
    func startsAndReportsVersion() throws {
        try Libvips.start()
        #expect(Libvips.version.hasPrefix("8."))
    }

    @Test("libvips compiles its loops through the shim's lock on liborc, not liborc's own function")
    func compilesThroughLock() throws {
        try Libvips.start()
        let liborc = try #require(dlopen("liborc-0.4.so.0", RTLD_LAZY | RTLD_NOLOAD), "libvips loaded liborc")
        defer { dlclose(liborc) }
        let called = try #require(dlsym(nil, "orc_program_compile"))
        #expect(called != dlsym(liborc, "orc_program_compile"))
        #expect(dlsym(nil, "orc_program_free") != dlsym(liborc, "orc_program_free"))
    }

    @Test("eight threads resizing at once, each compiling and freeing loops, leave liborc's code memory whole")
    func resizesOnManyThreads() async throws {
        try Libvips.start()
        let side = 64
        let pixels = SourceBytes((0..<side * side * 3).map { UInt8(truncatingIfNeeded: $0 * 7) })
        // About 6,000 compiles. Unlocked, liborc's chunk list is corrupted and the process
        // crashes, but rarely at this count (eight C threads take ~15,000): the test above is
        // the one that always fails if libvips bypasses the lock.
        let failures = await withTaskGroup(of: Int.self) { group in
            for thread in 0..<8 {
                group.addTask {
                    await onThread {
                        var failures = 0
                        for step in 0..<250 {
                            let request = ThumbnailRequest(width: 20 + (thread + step) % 30, height: nil)
                            do {
                                _ = try Image.thumbnail(ofPixels: pixels, width: side, height: side, bands: 3, request)
                                    .materialized()
                            } catch {
                                failures += 1
                            }
                        }
                        return failures
                    }
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }
}

/// Runs blocking `work` on a thread of its own, so that eight of them run at once whatever the
/// width of Swift concurrency's pool.
private func onThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}
