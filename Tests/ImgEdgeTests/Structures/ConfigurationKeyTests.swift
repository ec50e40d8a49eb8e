import Foundation
import Testing
import Vips

@testable import ImgEdge

/// A concern with a secret, as signing keys will be: only this test's table has one.
private struct SecretSettings: Sendable {
    var token = ""
    var rounds = 3

    static let keys: [ConfigurationKey<Self>] = [
        ConfigurationKey(
            name: "security.token", flag: nil, help: "A shared secret.", allowed: "text", isSecret: true, isReloadable: false,
            parse: { root, text in root.token = text }, format: { $0.token },
            check: { $0.token.count >= 8 ? nil : "must be 8 characters or more" }),
        .integer("security.rounds", \.rounds, in: 1...10, help: "Rounds."),
    ]
}

@Suite("Configuration keys: derived names, documents, redaction and reload")
struct ConfigurationKeyTests {
    @Test("flag, environment variable and file key are derived from one declaration")
    func derivedNames() throws {
        let key = try #require(ImgEdgeConfiguration.keys.first { $0.name == "limits.max_source_bytes" })
        #expect(key.flag == "max-source-bytes")
        #expect(key.environmentVariable == "IMGEDGE_MAX_SOURCE_BYTES")
        let workers = try #require(ImgEdgeConfiguration.keys.first { $0.name == "workers.count" })
        #expect(workers.environmentVariable == "IMGEDGE_WORKERS")
    }

    @Test("no two keys share a flag, a variable or a file key, and every key has help")
    func keysAreDistinct() {
        let keys = ImgEdgeConfiguration.keys
        #expect(Set(keys.map(\.flag)).count == keys.count)
        #expect(Set(keys.map(\.environmentVariable)).count == keys.count)
        #expect(Set(keys.map(\.name)).count == keys.count)
        #expect(keys.allSatisfy { !$0.help.isEmpty && $0.name.contains(".") })
    }

    @Test("a secret is redacted in the listing and in error messages, wherever it came from")
    func secretsRedacted() throws {
        let inputs = try ConfigurationInputs(arguments: ["--token=hunter2-and-more"])
        let resolved = try ResolvedConfiguration(keys: SecretSettings.keys, inputs: inputs, defaults: SecretSettings()) {
            (settings) throws(ConfigurationError) in try SecretSettings.keys.validate(settings)
        }
        #expect(resolved.value.token == "hunter2-and-more")
        #expect(resolved.listing.contains("security.token  = <redacted>  (flag)"))
        #expect(!resolved.listing.contains("hunter2"))
        let short = try ConfigurationInputs(environment: ["IMGEDGE_TOKEN": "hunter2"])
        let error = #expect(throws: ConfigurationError.self) {
            try ResolvedConfiguration(keys: SecretSettings.keys, inputs: short, defaults: SecretSettings()) {
                (settings) throws(ConfigurationError) in try SecretSettings.keys.validate(settings)
            }
        }
        #expect(error?.description == "IMGEDGE_TOKEN=<redacted>: token must be 8 characters or more")
        #expect(SecretSettings.keys.helpText(defaults: SecretSettings()).contains("Default: none."))
    }

    @Test("help lists every key with its flag, variable, file key, allowed values and default")
    func helpText() {
        let help = ImgEdgeConfiguration.keys.helpText(defaults: ImgEdgeConfiguration())
        for key in ImgEdgeConfiguration.keys {
            #expect(help.contains("--\(key.flag) <value>"))
            #expect(help.contains(key.environmentVariable))
        }
        let unwrapped = help.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(unwrapped.contains("Env IMGEDGE_MAX_SOURCE_BYTES; file limits.max_source_bytes. Default: 33554432."))
        #expect(unwrapped.contains("Default: the number of cores."))
        #expect(unwrapped.contains("Default: public, max-age=31536000, immutable."))
        #expect(help.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }

    @Test("docs/configuration.md's configuration table is the one generated from the keys")
    func configurationDocsTable() throws {
        let page = try String(
            contentsOfFile: URL(fileURLWithPath: testImagesDirectory).deletingLastPathComponent()
                .appendingPathComponent("docs/configuration.md").path,
            encoding: .utf8)
        let table = ImgEdgeConfiguration.keys.markdownTable(defaults: ImgEdgeConfiguration())
        #expect(
            page.contains("<!-- configuration table: scripts/update-config-docs.sh -->\n\(table)\n<!-- end -->"),
            "docs/configuration.md's configuration table is out of date: run scripts/update-config-docs.sh")
    }

    @Test("a reload applies the reloadable keys and reports the others as needing a restart")
    func reloadAppliesReloadableKeys() {
        let running = ImgEdgeConfiguration()
        let live = LiveConfiguration(running)
        var reloaded = running
        reloaded.cacheControl = "public, max-age=60"
        reloaded.limits.maxSourceBytes = 4096
        reloaded.formatPreference = [.webp]
        reloaded.port = 9999
        let (applied, needRestart) = live.apply(reloaded)
        #expect(Set(applied) == ["server.cache_control", "limits.max_source_bytes", "encoding.format_preference"])
        #expect(needRestart == ["server.port"])
        #expect(live.current.limits.maxSourceBytes == 4096)
        #expect(live.current.cacheControl == "public, max-age=60")
        #expect(live.current.negotiator.modernPreference == [.webp])
        #expect(live.apply(reloaded).applied.isEmpty)
    }

    /// The signing keys `inputs` resolve to, or the error they are refused with.
    private func signingKeys(_ inputs: ConfigurationInputs) -> Result<[String], ConfigurationError> {
        Result { () throws(ConfigurationError) in try ResolvedConfiguration(inputs).value.signingKeys }
    }

    @Test("each --signing-key is one key, commas included; only the environment variable separates keys with commas")
    func signingKeySources() throws {
        let long = "a-long-enough-signing-key"
        #expect(
            try signingKeys(ConfigurationInputs(arguments: ["--signing-key", "\(long),also-long-enough-too"])).get() == [
                "\(long),also-long-enough-too"
            ])
        #expect(
            try signingKeys(ConfigurationInputs(arguments: ["--signing-key", long, "--signing-key=second-long-enough-key"])).get()
                == [long, "second-long-enough-key"])
        #expect(
            try signingKeys(ConfigurationInputs(environment: ["IMGEDGE_SIGNING_KEYS": "\(long), second-long-enough-key"])).get()
                == [long, "second-long-enough-key"])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("imgedge-keys-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"security": {"signing_keys": ["a-long-enough-signing-key,x", "second-long-enough-key"]}}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try signingKeys(ConfigurationInputs(configFile: path)).get() == ["\(long),x", "second-long-enough-key"])
    }

    @Test(
        "a signing key under 16 bytes is refused, named by its position and never by its value",
        arguments: [
            (["--signing-key", "short"], [:], "--signing-key=<redacted>: signing key 1 of 1 is shorter than 16 bytes"),
            (
                ["--signing-key", "a-long-enough-signing-key", "--signing-key", "fifteen-bytes.."], [:],
                "--signing-key=<redacted>: signing key 2 of 2 is shorter than 16 bytes"
            ),
            (
                [], ["IMGEDGE_SIGNING_KEYS": "a-long-enough-signing-key,x"],
                "IMGEDGE_SIGNING_KEYS=<redacted>: signing key 2 of 2 is shorter than 16 bytes"
            ),
        ] as [([String], [String: String], String)])
    func shortSigningKeyRefused(arguments: [String], environment: [String: String], message: String) throws {
        let error = #expect(throws: ConfigurationError.self) {
            try signingKeys(ConfigurationInputs(arguments: arguments, environment: environment)).get()
        }
        #expect(error?.description == message)
        #expect(
            try signingKeys(ConfigurationInputs(arguments: ["--signing-key", "sixteen-bytes..."])).get() == ["sixteen-bytes..."])
    }

    @Test("a short signing key in a reloaded config file is refused too, and the error does not print it")
    func shortSigningKeyInFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("imgedge-keys-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"security": {"signing_keys": ["a-long-enough-signing-key", "tiny"]}}"#.write(
            toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: ConfigurationError.self) { try signingKeys(ConfigurationInputs(configFile: path)).get() }
        #expect(error?.description == "security.signing_keys=<redacted> in \(path): signing key 2 of 2 is shorter than 16 bytes")
    }

    @Test("a reload keeps a list item that holds a comma whole, and a host list refuses commas inside a flag")
    func listItemsSurviveReload() throws {
        let live = LiveConfiguration(ImgEdgeConfiguration())
        var reloaded = ImgEdgeConfiguration()
        reloaded.signingKeys = ["a-long-enough-signing-key,x", "second-long-enough-key"]
        #expect(live.apply(reloaded).applied == ["security.signing_keys"])
        #expect(live.current.signer?.isValid(path: "/a.jpg", query: "sig=x") == false)
        let both = URLSigner(keys: ["a-long-enough-signing-key,x"])!.signed("/a.jpg")
        let query = String(both.split(separator: "?")[1])
        #expect(live.current.signer?.isValid(path: "/a.jpg", query: query) == true)
        let hosts = Result { () throws(ConfigurationError) in
            try ResolvedConfiguration(ConfigurationInputs(arguments: ["--origin-allow-host", "a.example,b.example"]))
        }
        #expect(throws: ConfigurationError.self) { try hosts.get() }
        let fromEnvironment = try ResolvedConfiguration(
            ConfigurationInputs(environment: ["IMGEDGE_ORIGIN_ALLOW_HOST": "a.example,b.example"]))
        #expect(fromEnvironment.value.httpOrigin.allowedRedirectHosts == ["a.example", "b.example"])
    }
}
