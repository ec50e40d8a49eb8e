import Foundation
import Testing
import WAT

@testable import Filters

@Suite("Reading module files: only regular files, only up to the size cap")
struct ModuleFileTests {
    @Test("a FIFO, a link to /dev/zero and an oversized file are refused unread; a real module beside them loads")
    func hostileFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("imgedge-wasm-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(try wat2wasm(TestModules.invertTable)).write(to: directory.appendingPathComponent("invert.wasm"))
        #expect(mkfifo(directory.appendingPathComponent("fifo.wasm").path, 0o600) == 0)
        try FileManager.default.createSymbolicLink(
            atPath: directory.appendingPathComponent("zero.wasm").path, withDestinationPath: "/dev/zero")
        try Data(repeating: 0, count: 4096).write(to: directory.appendingPathComponent("big.wasm"))
        var limits = FilterLimits()
        limits.maxModuleBytes = 1024
        let start = ContinuousClock.now
        let registry = FilterRegistry(directory: directory.path, limits: limits)
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(Array(registry.modules.keys) == ["invert"])
        #expect(registry.failures["fifo"] == "module fifo is invalid: is not a regular file")
        #expect(registry.failures["zero"] == "module zero is invalid: is not a regular file")
        #expect(registry.failures["big"] == "module big is invalid: is larger than 1024 bytes")
    }
}
