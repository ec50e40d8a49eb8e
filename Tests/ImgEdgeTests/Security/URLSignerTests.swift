import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOHTTP1
import Testing

@testable import ImgEdge

@Suite("Signed URLs: HMAC-SHA256 over the canonical path and query")
struct URLSignerTests {
    private let signer = URLSigner(keys: ["new-secret-for-the-tests", "old-secret-for-the-tests"])!

    private func parts(_ url: String) -> (path: String, query: String?) {
        let split = url.split(separator: "?", maxSplits: 1).map(String.init)
        return (split[0], split.count > 1 ? split[1] : nil)
    }

    private func isValid(_ url: String, signer: URLSigner? = nil) -> Bool {
        let (path, query) = parts(url)
        return (signer ?? self.signer).isValid(path: path, query: query)
    }

    @Test("the canonical form sorts the parameters and leaves sig out")
    func canonicalForm() {
        #expect(URLSigner.canonical(path: "/a.jpg", query: "w=400&format=webp&sig=abc") == "/a.jpg?format=webp&w=400")
        #expect(URLSigner.canonical(path: "/a.jpg", query: nil) == "/a.jpg")
        #expect(URLSigner.canonical(path: "/a%20b.jpg", query: "sig=x") == "/a%20b.jpg")
    }

    @Test("a signed URL is valid in any parameter order, and under a rotated key")
    func validSignatures() throws {
        let signed = signer.signed("/landscape.jpg?w=400&format=webp")
        #expect(signed.hasPrefix("/landscape.jpg?format=webp&w=400&sig="))
        #expect(isValid(signed))
        let signature = try #require(signed.split(separator: "&").last)
        #expect(isValid("/landscape.jpg?\(signature)&w=400&format=webp"))
        let oldSigner = URLSigner(keys: ["old-secret-for-the-tests"])!
        #expect(isValid(oldSigner.signed("/landscape.jpg?w=400")))
    }

    @Test(
        "a missing, wrong, doubled or tampered signature is refused",
        arguments: [
            "/landscape.jpg?w=400",
            "/landscape.jpg?w=400&sig=",
            "/landscape.jpg?w=400&sig=AAAA",
            "/landscape.jpg?w=400&sig=not*base64",
        ])
    func invalidSignatures(url: String) {
        #expect(!isValid(url))
    }

    @Test("changing any part of a signed URL, or signing with an unknown key, breaks the signature")
    func tampering() {
        let signed = signer.signed("/landscape.jpg?w=400&format=webp")
        #expect(!isValid(signed.replacingOccurrences(of: "w=400", with: "w=800")))
        #expect(!isValid(signed.replacingOccurrences(of: "/landscape.jpg", with: "/portrait.jpg")))
        #expect(!isValid(signed + "&h=10"))
        #expect(!isValid(signed + "&" + (signed.split(separator: "&").last ?? "")))
        #expect(!isValid(URLSigner(keys: ["stranger"])!.signed("/landscape.jpg?w=400&format=webp")))
    }

    @Test("a seeded run of random URLs and signatures never validates a forgery and never traps")
    func randomForgeries() {
        var generator = SeededGenerator(seed: 20_261_201)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=&%?/.+*")
        for _ in 0..<2000 {
            let length = Int.random(in: 0..<80, using: &generator)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            #expect(!isValid("/x.jpg?" + text))
        }
    }

    @Test("with signing on, an unsigned image request is 403, a signed one is served, and /healthz stays open")
    func liveServer() async throws {
        let signer = signer
        try await withServer(testConfiguration { $0.signingKeys = ["new-secret-for-the-tests"] }) { (client) async throws in
            #expect(try await client.get("/landscape.jpg?w=20&format=png").status == .forbidden)
            let signed = signer.signed("/landscape.jpg?w=20&format=png")
            #expect(try await client.get(signed).status == .ok)
            #expect(try await client.get("/healthz").status == .ok)
        }
    }

    @Test("a --signing-key holding a comma is one key: a URL signed with the text after the comma is 403")
    func commaInFlagIsPartOfTheKey() async throws {
        let key = "a-long-enough-signing-key,x"
        let server = try await ImgEdgeProcess.Server.servingTestImages(["--signing-key", key])
        func status(signedWith key: String) async throws -> HTTPResponseStatus {
            let path = URLSigner(keys: [key])!.signed("/landscape.jpg?w=20&format=png")
            let url = "http://127.0.0.1:\(server.port)\(path)"
            return try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30)).status
        }
        let byTail = try await status(signedWith: "x")
        let byHead = try await status(signedWith: "a-long-enough-signing-key")
        let byWhole = try await status(signedWith: key)
        _ = await server.stop()
        #expect(byTail == .forbidden)
        #expect(byHead == .forbidden)
        #expect(byWhole == .ok)
    }

    @Test("imgedge sign prints the signed path, the same as the shell one-liner in docs/url-api.md computes")
    func signCommand() async throws {
        let result = try await ImgEdgeProcess.run([
            "sign", "/landscape.jpg?w=400&format=webp", "--signing-key", "new-secret-for-the-tests",
        ])
        #expect(result.status == 0)
        #expect(result.output == signer.signed("/landscape.jpg?w=400&format=webp") + "\n")
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = [
            "-c",
            "printf '%s' '/landscape.jpg?format=webp&w=400' | openssl dgst -sha256 -hmac 'new-secret-for-the-tests' -binary | base64 | tr '+/' '-_' | tr -d '='",
        ]
        let output = Pipe()
        shell.standardOutput = output
        try shell.run()
        let computed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()
        #expect(result.output.hasSuffix("&sig=" + computed))
    }
}
