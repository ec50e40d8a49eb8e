import Filters
import Foundation
import Logging
import Testing
import Vips

@testable import ImgEdge

/// A config file written for one test, removed after it.
func withConfigFile<Value>(_ json: String, _ body: (String) throws -> Value) throws -> Value {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("imgedge-config-\(UUID()).json").path
    try json.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

@Suite("Resolving the configuration from flags, environment and file")
struct ResolvedConfigurationTests {
    private func resolve(
        _ arguments: [String] = [], environment: [String: String] = [:], file: String? = nil
    ) throws -> ResolvedConfiguration<ImgEdgeConfiguration> {
        try ResolvedConfiguration(ConfigurationInputs(arguments: arguments, environment: environment, configFile: file))
    }

    @Test("with nothing set every key has its default, and says so")
    func defaults() throws {
        let resolved = try resolve()
        #expect(resolved.value.port == 8080)
        #expect(resolved.value.limits.maxSourceBytes == 32 * 1024 * 1024)
        #expect(resolved.value.formatPreference == [.jxl, .avif, .webp])
        #expect(resolved.sources.values.allSatisfy { $0 == .defaultValue })
        #expect(resolved.sources.count == ImgEdgeConfiguration.keys.count)
    }

    struct PrecedenceCase: Sendable, CustomTestStringConvertible {
        let flag: String?
        let environment: String?
        let file: String?
        let expectedPort: Int
        let expectedSource: String
        var testDescription: String { "flag \(flag ?? "-"), env \(environment ?? "-"), file \(file ?? "-") → \(expectedSource)" }
    }

    @Test(
        "a flag wins over the environment, the environment over the file, the file over the default",
        arguments: [
            PrecedenceCase(flag: "1001", environment: "1002", file: "1003", expectedPort: 1001, expectedSource: "flag"),
            PrecedenceCase(flag: nil, environment: "1002", file: "1003", expectedPort: 1002, expectedSource: "environment"),
            PrecedenceCase(flag: nil, environment: nil, file: "1003", expectedPort: 1003, expectedSource: "file"),
            PrecedenceCase(flag: "1001", environment: nil, file: "1003", expectedPort: 1001, expectedSource: "flag"),
            PrecedenceCase(flag: nil, environment: nil, file: nil, expectedPort: 8080, expectedSource: "default"),
        ])
    func precedence(_ test: PrecedenceCase) throws {
        let json = test.file.map { #"{"server": {"port": \#($0)}}"# } ?? "{}"
        try withConfigFile(json) { path in
            let resolved = try resolve(
                test.flag.map { ["--port", $0] } ?? [], environment: test.environment.map { ["IMGEDGE_PORT": $0] } ?? [:],
                file: path)
            #expect(resolved.value.port == test.expectedPort)
            #expect(resolved.sources["server.port"]?.description.hasPrefix(test.expectedSource) == true)
        }
    }

    @Test("the environment names the config file when --config is absent, and --config wins over it")
    func configFileFromEnvironment() throws {
        try withConfigFile(#"{"workers": {"queue": 7}}"#) { first in
            let fromEnvironment = try resolve(environment: ["IMGEDGE_CONFIG": first])
            #expect(fromEnvironment.value.workers.queueLimit == 7)
            #expect(fromEnvironment.sources["workers.queue"] == .file(path: first))
            try withConfigFile(#"{"workers": {"queue": 9}}"#) { (second) throws -> Void in
                let fromFlag = try resolve(environment: ["IMGEDGE_CONFIG": first], file: second)
                #expect(fromFlag.value.workers.queueLimit == 9)
            }
        }
    }

    @Test("every kind of value is read from every source: integers, text with commas, lists, choices")
    func kindsOfValue() throws {
        let flags = try resolve([
            "--cache-control=public, max-age=60", "--format-preference", "webp,avif", "--log-level", "debug",
            "--filter-fuel-per-pixel=500", "--modules", "/srv/modules",
        ])
        #expect(flags.value.cacheControl == "public, max-age=60")
        #expect(flags.value.formatPreference == [.webp, .avif])
        #expect(flags.value.logLevel == .debug)
        #expect(flags.value.filterLimits.fuelPerPixel == 500)
        #expect(flags.value.modulesDirectory == "/srv/modules")
        let json = #"""
            {"server": {"cache_control": "public, max-age=60", "log_level": "error"},
             "encoding": {"format_preference": ["jxl", "webp"]},
             "limits": {"max_source_bytes": 2048}, "workers": {"count": 3}}
            """#
        try withConfigFile(json) { path in
            let file = try resolve(file: path)
            #expect(file.value.cacheControl == "public, max-age=60")
            #expect(file.value.logLevel == .error)
            #expect(file.value.formatPreference == [.jxl, .webp])
            #expect(file.value.limits.maxSourceBytes == 2048)
            #expect(file.value.workers.workers == 3)
        }
    }

    @Test(
        "an invalid value is refused with a one-line reason naming the setting as it was given",
        arguments: [
            (["--queue", "-1"], [:], "--queue=-1: queue must be 0...100000"),
            ([], ["IMGEDGE_QUEUE": "-1"], "IMGEDGE_QUEUE=-1: queue must be 0...100000"),
            ([], ["IMGEDGE_PORT": "http"], "IMGEDGE_PORT=http: port must be an integer, 0...65535"),
            (["--port=70000"], [:], "--port=70000: port must be 0...65535"),
            (["--workers=0"], [:], "--workers=0: workers must be 1...256"),
            ([], ["IMGEDGE_MAX_SOURCE_BYTES": "100"], "IMGEDGE_MAX_SOURCE_BYTES=100: max source bytes must be 1024 or more"),
            (["--max-input-pixels=0"], [:], "--max-input-pixels=0: max input pixels must be 1 or more"),
            (
                ["--format-preference=avif,bmp"], [:],
                "--format-preference=avif,bmp: format preference lists avif, webp, jxl; \"bmp\" is none of them"
            ),
            (
                ["--format-preference=avif,png"], [:],
                "--format-preference=avif,png: format preference must list avif, webp, jxl, each at most once"
            ),
            (
                ["--format-preference=avif,avif"], [:],
                "--format-preference=avif,avif: format preference must list avif, webp, jxl, each at most once"
            ),
            (
                ["--log-level=loud"], [:],
                "--log-level=loud: log level must be one of trace, debug, info, notice, warning, error, critical"
            ),
            (["--filter-fuel-per-pixel=0"], [:], "--filter-fuel-per-pixel=0: filter fuel per pixel must be 1...1000000"),
            (
                ["--filter-fuel-per-pixel=99999999999999999999"], [:],
                "--filter-fuel-per-pixel=99999999999999999999: filter fuel per pixel must be an integer, 1...1000000"
            ),
            (["--origin="], [:], "--origin=: origin must name a directory, an http(s) URL or an s3:// bucket"),
            (
                ["--origin", "s3://Photos"], [:],
                "--origin=s3://Photos: origin must be s3://BUCKET[/PREFIX], the bucket 3 to 63 lowercase letters, digits, dots and hyphens"
            ),
            (["--s3-addressing", "dns"], [:], "--s3-addressing=dns: s3 addressing must be one of auto, path, virtual-hosted"),
            (
                [], ["IMGEDGE_S3_SECRET_ACCESS_KEY": "s3cret"],
                "s3.access_key_id: s3 access key id and s3 secret access key go together (and a session token needs both)"
            ),
            (["--host="], [:], "--host=: host must not be empty"),
            (["--cache-control=a\nb"], [:], "--cache-control=a\nb: cache control must be one line"),
            (["--colour=red"], [:], "unknown option --colour"),
            ([], ["IMGEDGE_COLOUR": "red"], "unknown environment variable IMGEDGE_COLOUR"),
            (["--port"], [:], "--port needs a value"),
            (["--port=1", "--port=2"], [:], "--port is given more than once"),
            (["8080"], [:], "unexpected argument \"8080\""),
        ] as [([String], [String: String], String)])
    func invalidValues(arguments: [String], environment: [String: String], message: String) throws {
        let error = #expect(throws: ConfigurationError.self) { try resolve(arguments, environment: environment) }
        #expect(error?.description == message)
    }

    @Test(
        "a config file that is not what it should be is refused, naming the file and the key",
        arguments: [
            (
                #"{"limits": {"max_source_bytes": "lots"}}"#,
                "limits.max_source_bytes=lots in FILE: max source bytes must be an integer, 1024 or more"
            ),
            (#"{"limits": {"max_source_byte": 2048}}"#, "unknown key limits.max_source_byte in FILE"),
            (#"{"server": {"port": true}}"#, "server.port=true in FILE: port must be an integer, 0...65535"),
            (
                #"{"encoding": {"format_preference": [["avif"]]}}"#,
                "encoding.format_preference in FILE must list strings, numbers or booleans"
            ),
            (#"["avif"]"#, "config file FILE must hold a JSON object"),
        ])
    func invalidFiles(json: String, message: String) throws {
        try withConfigFile(json) { path in
            let error = #expect(throws: ConfigurationError.self) { try resolve(file: path) }
            #expect(error?.description == message.replacingOccurrences(of: "FILE", with: path))
        }
    }

    @Test("a config file that does not exist or is not JSON is refused with its path")
    func unreadableFile() throws {
        let missing = #expect(throws: ConfigurationError.self) { try resolve(file: "/nonexistent/imgedge.json") }
        #expect(missing?.description.hasPrefix("config file /nonexistent/imgedge.json cannot be read as JSON") == true)
        try withConfigFile("port: 80") { path in
            let error = #expect(throws: ConfigurationError.self) { try resolve(file: path) }
            #expect(error?.description.hasPrefix("config file \(path) cannot be read as JSON") == true)
        }
    }

    @Test("a configuration built in code is validated by the same declarations, naming the key")
    func validateInCode() {
        var configuration = ImgEdgeConfiguration()
        configuration.workers.queueLimit = -1
        let error = #expect(throws: ConfigurationError.self) { try configuration.validate() }
        #expect(error?.description == "workers.queue=-1: queue must be 0...100000")
        #expect(error?.key == "workers.queue")
    }

    @Test("the listing names every key with its value and source")
    func listing() throws {
        try withConfigFile(#"{"workers": {"queue": 5}}"#) { path in
            let listing = try resolve(["--port=9000"], environment: ["IMGEDGE_HOST": "0.0.0.0"], file: path).listing
            let lines = listing.split(separator: "\n")
            #expect(lines.count == ImgEdgeConfiguration.keys.count)
            #expect(lines.contains { $0.hasPrefix("server.port ") && $0.hasSuffix("= 9000  (flag)") })
            #expect(lines.contains { $0.hasPrefix("server.host ") && $0.hasSuffix("= 0.0.0.0  (environment)") })
            #expect(lines.contains { $0.hasPrefix("workers.queue ") && $0.hasSuffix("= 5  (file \(path))") })
            #expect(lines.contains { $0.hasPrefix("limits.max_source_bytes ") && $0.hasSuffix("= 33554432  (default)") })
        }
    }
}
