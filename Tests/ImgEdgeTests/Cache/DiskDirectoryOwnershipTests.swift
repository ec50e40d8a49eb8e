import Foundation
import Testing

@testable import ImgEdge

@Suite("The cache directory at start: the server's user's alone, or the server does not start")
struct DiskDirectoryOwnershipTests {
    @Test("a missing cache directory is created 0700, its missing parents too; an existing 0700 or 0755 one is taken")
    func created() async throws {
        try await withScratchDirectory { scratch in
            let path = "\(scratch)/parent/cache"
            try DiskDirectoryOwnership.claim(path)
            #expect(permissions(of: path) == 0o700)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
            try DiskDirectoryOwnership.claim(path)
        }
    }

    @Test(
        "a cache directory writable by group or others is refused, naming the path and the mode",
        arguments: [0o777, 0o770, 0o702])
    func writableByOthers(mode: Int) async throws {
        try await withScratchDirectory { scratch in
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: scratch)
            let error = #expect(throws: ConfigurationError.self) { try DiskDirectoryOwnership.claim(scratch) }
            #expect(
                error?.description
                    == "cache.directory=\(scratch): is writable by group or others (mode \(String(mode, radix: 8))); chmod 0700 it"
            )
        }
    }

    @Test("a cache directory owned by another user is refused, naming the path and both users")
    func ownedByAnother() async throws {
        try await withScratchDirectory { scratch in
            let error = #expect(throws: ConfigurationError.self) { try DiskDirectoryOwnership.claim(scratch, for: geteuid() + 1) }
            #expect(
                error?.description.hasPrefix("cache.directory=\(scratch): is owned by uid \(geteuid()), not by the server's user")
                    == true)
        }
    }

    @Test(
        "imgedge serve exits non-zero with a one-line reason for a cache directory chmod 0777 or chowned to nobody",
        .enabled(if: geteuid() == 0, "chown to nobody needs root"),
        arguments: ["chmod", "chown"])
    func serveRefuses(_ change: String) async throws {
        try await withScratchDirectory { scratch in
            let cache = "\(scratch)/cache"
            try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: false)
            if change == "chmod" {
                try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: cache)
            } else {
                try FileManager.default.setAttributes([.ownerAccountID: 65534], ofItemAtPath: cache)
            }
            let result = try await runExpectingExit(
                [
                    "serve", "--port", "0", "--origin", testImagesDirectory, "--modules", builtModulesDirectory, "--cache-dir",
                    cache,
                ])
            #expect(result.status != nil, "still serving after 30 s")
            #expect(result.status != 0)
            let reason = change == "chmod" ? "is writable by group or others (mode 777)" : "is owned by uid 65534"
            #expect(result.errors.contains("cache.directory=\(cache): \(reason)"), "\(result.errors)")
            #expect(!(result.output + result.errors).contains("listening"))
        }
    }
}

/// The permission bits of what is at `path`; nil when it cannot be examined.
private func permissions(of path: String) -> Int? {
    (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int
}

/// Runs `body` with a fresh directory, mode 0700, removed afterwards.
private func withScratchDirectory<Value>(_ body: (String) async throws -> Value) async throws -> Value {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("imgedge-cache-dir-\(UUID())").path
    try FileManager.default.createDirectory(
        atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// Runs `imgedge arguments…` and waits up to 30 s for it to exit: its exit status (nil when it
/// was still running and was stopped) and what it printed. Unlike `ImgEdgeProcess.run`, a
/// server that starts when it should not fails the test instead of hanging it.
private func runExpectingExit(_ arguments: [String]) async throws -> (status: Int32?, output: String, errors: String) {
    try await offCooperativePool {
        let process = Process()
        process.executableURL = ImgEdgeProcess.executable
        process.arguments = arguments
        process.environment = [:]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let exited = !process.isRunning
        if !exited { process.terminate() }
        process.waitUntilExit()
        return (
            exited ? process.terminationStatus : nil,
            String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
            String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        )
    }
}
