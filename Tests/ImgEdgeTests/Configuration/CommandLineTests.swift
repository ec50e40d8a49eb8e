import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import ImgEdge

@Suite("The imgedge executable: settings from flags, environment and file")
struct CommandLineTests {
    @Test(
        "an invalid setting stops the executable before it serves, with exit status 64 and the reason on stderr",
        arguments: [
            (["serve", "--queue", "-1"], [:], "--queue=-1: queue must be 0...100000"),
            (["serve"], ["IMGEDGE_QUEUE": "-1"], "IMGEDGE_QUEUE=-1: queue must be 0...100000"),
            (["config", "--check"], ["IMGEDGE_PORT": "http"], "IMGEDGE_PORT=http: port must be an integer, 0...65535"),
            (["serve", "--colour", "red"], [:], "unknown option --colour"),
            (
                ["serve", "--signing-key", "short-key,x"], [:],
                "--signing-key=<redacted>: signing key 1 of 1 is shorter than 16 bytes"
            ),
            (["serve", "--config", "/nonexistent.json"], [:], "config file /nonexistent.json cannot be read as JSON"),
        ] as [([String], [String: String], String)])
    func invalidSettingExits(arguments: [String], environment: [String: String], message: String) async throws {
        let result = try await ImgEdgeProcess.run(arguments, environment: environment)
        #expect(result.status == 64)
        #expect(result.errors.contains(message))
        #expect(!result.output.contains("listening"))
    }

    @Test("config --check accepts a valid configuration; config lists values with their sources")
    func configCommand() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("imgedge-config-\(UUID()).json").path
        try #"{"workers": {"queue": 5}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let check = try await ImgEdgeProcess.run(["config", "--check", "--config", path])
            #expect(check.status == 0)
            #expect(check.output == "configuration is valid\n")
            let listing = try await ImgEdgeProcess.run(
                ["config", "--config", path, "--port", "9000"], environment: ["IMGEDGE_HOST": "::1"])
            #expect(listing.status == 0)
            let lines = listing.output.split(separator: "\n")
            #expect(lines.contains { $0.hasPrefix("workers.queue ") && $0.hasSuffix("= 5  (file \(path))") })
            #expect(lines.contains { $0.hasPrefix("server.port ") && $0.hasSuffix("= 9000  (flag)") })
            #expect(lines.contains { $0.hasPrefix("server.host ") && $0.hasSuffix("= ::1  (environment)") })
        }
        let secret = try await ImgEdgeProcess.run([
            "config", "--signing-key", "s3cret-one-long-enough", "--signing-key", "s3cret-two-long-enough",
        ])
        #expect(secret.output.contains("security.signing_keys"))
        #expect(secret.output.contains("= <redacted>  (flag)"))
        #expect(!secret.output.contains("s3cret"))
        let s3 = try await ImgEdgeProcess.run(
            ["config", "--origin", "s3://bucket", "--s3-access-key-id", "AKIDVISIBLE"],
            environment: ["IMGEDGE_S3_SECRET_ACCESS_KEY": "s3cret-key", "IMGEDGE_S3_SESSION_TOKEN": "s3cret-token"])
        let s3Lines = s3.output.split(separator: "\n")
        #expect(s3Lines.contains { $0.hasPrefix("s3.secret_access_key ") && $0.hasSuffix("= <redacted>  (environment)") })
        #expect(s3Lines.contains { $0.hasPrefix("s3.session_token ") && $0.hasSuffix("= <redacted>  (environment)") })
        #expect(s3Lines.contains { $0.hasPrefix("s3.access_key_id ") && $0.hasSuffix("= AKIDVISIBLE  (flag)") })
        #expect(!s3.output.contains("s3cret"))
    }

    @Test("serve --help documents every key with its default")
    func helpListsEveryKey() async throws {
        let help = try await ImgEdgeProcess.run(["serve", "--help"])
        #expect(help.status == 0)
        for key in ImgEdgeConfiguration.keys {
            #expect(help.output.contains("--\(key.flag) <value>"), "\(key.flag)")
            #expect(help.output.contains(key.environmentVariable))
        }
        #expect(help.output.contains("--config"))
    }

    @Test("a server started from a config file serves with it, and applies a changed file on SIGHUP")
    func serveFromConfigFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("imgedge-serve-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        func write(cacheControl: String) throws {
            let json = """
                {"server": {"port": 0, "cache_control": "\(cacheControl)"},
                 "origin": {"location": "\(testImagesDirectory)"},
                 "filters": {"directory": "\(builtModulesDirectory)"}}
                """
            try json.write(toFile: path, atomically: true, encoding: .utf8)
        }
        try write(cacheControl: "public, max-age=600")
        let server = try await ImgEdgeProcess.Server.start(["--config", path])
        let url = "http://127.0.0.1:\(server.port)/landscape.jpg?w=50&format=webp"
        let first = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        #expect(first.status == .ok)
        #expect(first.headers.first(name: "cache-control") == "public, max-age=600")

        try write(cacheControl: "public, max-age=60")
        server.send(SIGHUP)
        var cacheControl: String?
        for _ in 0..<50 where cacheControl != "public, max-age=60" {
            try await Task.sleep(for: .milliseconds(100))
            cacheControl = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
                .headers.first(name: "cache-control")
        }
        #expect(cacheControl == "public, max-age=60")
        #expect(await server.stop() == 0)
    }
}
