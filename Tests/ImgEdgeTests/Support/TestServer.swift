import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Vips

@testable import ImgEdge

/// The repository's `TestImages/` directory, found from this file's path.
let testImagesDirectory: String = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("TestImages").path

/// The filter modules `make modules` builds from `Modules/`.
let builtModulesDirectory: String = URL(fileURLWithPath: testImagesDirectory).deletingLastPathComponent()
    .appendingPathComponent("Modules/build").path

/// A new temporary directory holding copies of the named built modules; removed by `body`'s end.
func withModulesDirectory<Value>(copying modules: [String], _ body: (URL) async throws -> Value) async throws -> Value {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("imgedge-modules-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    for module in modules {
        try FileManager.default.copyItem(
            atPath: "\(builtModulesDirectory)/\(module).wasm", toPath: directory.appendingPathComponent("\(module).wasm").path)
    }
    return try await body(directory)
}

/// A temporary origin directory for one test, removed after it.
func withOriginDirectory<Value>(_ body: (URL) async throws -> Value) async throws -> Value {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("imgedge-origin-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// A configuration serving `TestImages/` with the built filter modules on a free loopback port.
func testConfiguration(_ adjust: (inout ImgEdgeConfiguration) -> Void = { _ in }) -> ImgEdgeConfiguration {
    var configuration = ImgEdgeConfiguration()
    configuration.port = 0
    configuration.origin = testImagesDirectory
    configuration.modulesDirectory = builtModulesDirectory
    // In the test process, tests' own pixel checks run at the default priority: workers below
    // them would be starved while the suite loads every core.
    configuration.workers.niceness = 0
    // In the test process, jobs render in the server unless IMGEDGE_TEST_ISOLATION=process:
    // a debug worker takes 0.18 s of CPU to start, and the hundreds of servers the suite starts
    // would double its load. Worker processes run the binary built beside the tests, not the
    // tests' runner.
    configuration.workers.isolation =
        ProcessInfo.processInfo.environment["IMGEDGE_TEST_ISOLATION"] == "process" ? .process : .none
    configuration.workers.workerExecutable = ImgEdgeProcess.executable.path
    // No optimiser unless a test asks for one: its background encodes would load the suite, and
    // most tests check a variant's first, lasting bytes.
    configuration.encoding.optimizeAfterSeconds = 0
    adjust(&configuration)
    return configuration
}

/// Runs `test` against the real server, started over a real socket on a free port; it logs
/// warnings and errors only (no access-log line per request).
func withServer<Value: Sendable>(
    _ configuration: ImgEdgeConfiguration = testConfiguration(),
    _ test: @Sendable (any TestClientProtocol) async throws -> Value
) async throws -> Value {
    var logger = Logger(label: "imgedge")
    logger.logLevel = .warning
    let application = try buildApplication(configuration: configuration, logger: logger)
    return try await application.test(.live, test)
}

/// Browsers' image `Accept` headers, as sent today.
enum BrowserAccept {
    static let chromium = "image/jxl,image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"
    static let firefox = "image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5"
    static let safari17 =
        "image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5"
    static let safari13 = "image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5"
    static let edge18 = "image/png, image/svg+xml, image/*; q=0.8, */*; q=0.5"
}

/// A decoded response image: what its bytes say, not what its headers claim.
struct DecodedImage {
    let header: ImageHeader

    init(_ body: ByteBuffer) throws {
        header = try ImageHeader(reading: SourceBytes(body.readableBytesView))
    }

    /// The format named by libvips' loader, e.g. `.webp` for `webpload_buffer`.
    var format: ImageFormat? {
        let name = header.loader.replacingOccurrences(of: "load_buffer", with: "")
        return name == "heif" ? .avif : ImageFormat(rawValue: name)
    }

    /// The format of a response body by its bytes, as libvips' decoder names it.
    static func format(of body: ByteBuffer) throws -> ImageFormat? {
        try DecodedImage(body).format
    }
}

extension TestClientProtocol {
    /// GETs `uri` with the given headers and returns the whole response.
    func get(_ uri: String, _ headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: headers) { $0 }
    }
}
