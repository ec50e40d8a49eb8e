import Foundation
import ImageTestSupport
import Testing

@testable import ImgEdge

/// The S3 origin against moto's S3-API server on loopback, which checks SigV4 signatures, through
/// the real binary (and, for virtual-hosted addressing, in this process with the bucket's host
/// pinned to loopback).
///
/// moto checks signatures of keys with `+` or non-ASCII bytes wrongly, refusing even boto3's
/// (`SignatureDoesNotMatch` for boto3's own PutObject of `photos/plus+sign.jpg`): those keys are
/// fetched from a moto that does not check signatures, which shows that they name the right
/// objects; their signing is checked by `S3BucketTests`' encoding table under AWS's own example.
@Suite("An S3-API origin against moto_server", .serialized)
struct S3OriginTests {
    private static let landscape = "\(testImagesDirectory)/landscape.jpg"
    private static let portrait = "\(testImagesDirectory)/portrait.jpg"
    private static let objects = [
        "photos/landscape.jpg": landscape, "photos/with space.jpg": landscape, "photos/replaced.jpg": landscape,
    ]

    /// Runs `body` with a moto holding `objects` and the keys it issued; moto is stopped however
    /// `body` ends.
    private static func withMoto(
        checkingSignatures: Bool = true, objects: [String: String] = objects,
        _ body: (MotoServer, MotoServer.Keys) async throws -> Void
    ) async throws {
        let moto = try await MotoServer.start(checkingSignatures: checkingSignatures)
        do {
            try await body(moto, try await moto.setUp(objects: objects))
        } catch {
            await moto.stop()
            throw error
        }
        await moto.stop()
    }

    /// Runs `body` with `imgedge serve` reading `s3://imgedge-test/photos` at moto, with
    /// `environment` (and no shared credentials file, so that no key but the test's is found);
    /// the server is stopped however `body` ends, and must exit cleanly.
    /// - Returns: the server's log.
    @discardableResult
    private static func withServer(
        _ moto: MotoServer, environment: [String: String], _ arguments: [String] = [],
        _ body: (ImgEdgeProcess.Server) async throws -> Void
    ) async throws -> String {
        let server = try await ImgEdgeProcess.Server.start(
            [
                "--port", "0", "--isolation", "none", "--origin", "s3://\(MotoServer.bucket)/photos", "--s3-endpoint",
                moto.endpoint, "--s3-region", "us-east-1", "--modules", builtModulesDirectory,
            ] + arguments,
            environment: environment.merging(["AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"]) { $1 })
        do {
            try await body(server)
        } catch {
            _ = await server.stop()
            throw error
        }
        #expect(await server.stop() == 0)
        return server.log
    }

    private static func get(_ server: ImgEdgeProcess.Server, _ target: String) async throws -> ProxiedResponse {
        try await ProxiedResponse.get("http://127.0.0.1:\(server.port)\(target)", [])
    }

    /// The status of `GET target`, 0 when the server cannot be reached.
    private static func status(of target: String, on server: ImgEdgeProcess.Server) async -> UInt {
        (try? await get(server, target))?.status ?? 0
    }

    private static func keyEnvironment(_ keys: MotoServer.Keys, secret: String? = nil) -> [String: String] {
        ["AWS_ACCESS_KEY_ID": keys.accessKeyID, "AWS_SECRET_ACCESS_KEY": secret ?? keys.secretAccessKey]
    }

    @Test("signed GETs resize from the bucket under the prefix; a missing key is 404; a replaced object gets a new ETag")
    func signedFetches() async throws {
        try await Self.withMoto { moto, keys in
            try await Self.withServer(moto, environment: Self.keyEnvironment(keys), ["--origin-revalidate-seconds", "1"]) {
                server in
                let resized = try await Self.get(server, "/landscape.jpg?w=200&format=png")
                #expect(resized.status == 200)
                let pixels = try Pixels(decoding: resized.body)
                #expect(pixels.width == 200)
                #expect(pixels.width > pixels.height)
                #expect(resized["last-modified"] != nil)
                #expect(try await Self.get(server, "/with%20space.jpg?w=100&format=png").status == 200)
                #expect(try await Self.get(server, "/missing.jpg?w=100").status == 404)
                // The key is under the prefix: the bucket's own photos/ is not a path of the origin.
                #expect(try await Self.get(server, "/photos/landscape.jpg?w=100").status == 404)

                let before = try await Self.get(server, "/replaced.jpg?w=100&format=png")
                try await moto.put(Self.portrait, at: "photos/replaced.jpg", keys: keys)
                try await Task.sleep(for: .seconds(1.5))
                let after = try await Self.get(server, "/replaced.jpg?w=100&format=png")
                #expect(before.status == 200 && after.status == 200)
                #expect(before["etag"] != after["etag"])
                let turned = try Pixels(decoding: after.body)
                #expect(turned.height > turned.width, "the replaced object, a portrait, is served")
            }
        }
    }

    @Test("a wrong secret is 502 every time, nothing cached, the log naming S3's code and never the secret")
    func wrongSecret() async throws {
        try await Self.withMoto { moto, keys in
            let wrong = "wrong-secret-\(UUID().uuidString)"
            let log = try await Self.withServer(moto, environment: Self.keyEnvironment(keys, secret: wrong)) { server in
                #expect(await Self.status(of: "/landscape.jpg?w=100", on: server) == 502)
                #expect(await Self.status(of: "/landscape.jpg?w=100", on: server) == 502)
            }
            #expect(log.components(separatedBy: "SignatureDoesNotMatch").count - 1 >= 2, "\(log)")
            #expect(!log.contains(wrong))
            #expect(!log.contains(keys.secretAccessKey))

            // No credentials at all: moto refuses unsigned requests.
            let anonymous = try await Self.withServer(moto, environment: [:]) { server in
                #expect(await Self.status(of: "/landscape.jpg?w=100", on: server) == 502)
            }
            #expect(anonymous.contains("credentials from none"))

            // The control: the right secret, on the same moto, is served.
            try await Self.withServer(moto, environment: Self.keyEnvironment(keys)) { server in
                #expect(await Self.status(of: "/landscape.jpg?w=100", on: server) == 200)
            }
        }
    }

    @Test("temporary credentials are signed with their session token, which moto requires")
    func sessionToken() async throws {
        try await Self.withMoto { moto, keys in
            let session = [
                "AWS_ACCESS_KEY_ID": keys.sessionAccessKeyID, "AWS_SECRET_ACCESS_KEY": keys.sessionSecretAccessKey,
            ]
            try await Self.withServer(moto, environment: session.merging(["AWS_SESSION_TOKEN": keys.sessionToken]) { $1 }) {
                #expect(await Self.status(of: "/landscape.jpg?w=100", on: $0) == 200)
            }
            try await Self.withServer(moto, environment: session) {
                #expect(await Self.status(of: "/landscape.jpg?w=100", on: $0) == 502)
            }
        }
    }

    @Test("virtual-hosted addressing names the bucket in the host, which moto routes by")
    func virtualHosted() async throws {
        try await Self.withMoto { moto, keys in try await virtualHosted(moto, keys) }
    }

    private func virtualHosted(_ moto: MotoServer, _ keys: MotoServer.Keys) async throws {
        func origin(bucket name: String) throws -> S3Origin {
            var settings = S3Origin.Settings()
            settings.endpoint = "http://localhost:\(moto.port)"
            settings.addressing = .virtualHosted
            return S3Origin(
                bucket: try #require(S3Bucket(location: "s3://\(name)/photos")), settings: settings,
                timeouts: HTTPOrigin.Settings(),
                credentials: S3Credentials(accessKeyID: keys.accessKeyID, secretAccessKey: keys.secretAccessKey),
                pinned: ["\(name).localhost": "127.0.0.1"])
        }
        /// Runs `body` with `origin`, whose client is shut down however `body` ends.
        func using(_ origin: S3Origin, _ body: (S3Origin) async throws -> Void) async throws {
            do {
                try await body(origin)
            } catch {
                try? await origin.shutdown()
                throw error
            }
            try await origin.shutdown()
        }
        let path = try #require(SourcePath(urlPath: "/landscape.jpg"))
        try await using(try origin(bucket: MotoServer.bucket)) { s3 in
            let image = try await s3.fetch(path, limit: 10 << 20)
            #expect(image.bytes.count == (try Data(contentsOf: URL(fileURLWithPath: Self.landscape))).count)
            #expect(image.version?.hasPrefix("etag:") == true)
            #expect(try await s3.version(of: path) == image.version)
            let missing = try #require(SourcePath(urlPath: "/nothing.jpg"))
            await #expect(throws: OriginError.notFound) { try await s3.fetch(missing, limit: 1 << 20) }
        }
        // The control: another bucket's host is another bucket, which does not exist.
        try await using(try origin(bucket: "no-such-bucket")) { other in
            await #expect(throws: OriginError.self) { try await other.fetch(path, limit: 10 << 20) }
        }
    }

    @Test("keys with +, non-ASCII letters and spaces name their objects")
    func encodedKeys() async throws {
        // A moto that checks no signature (see the suite's comment), so every call is free.
        let objects = [
            "photos/plus+sign.jpg": Self.landscape, "photos/ünïcode.jpg": Self.portrait, "photos/with space.jpg": Self.landscape,
            "photos/plus sign.jpg": Self.portrait,
        ]
        try await Self.withMoto(checkingSignatures: false, objects: objects) { moto, keys in
            try await Self.withServer(moto, environment: Self.keyEnvironment(keys)) { server in
                for (target, tall) in [
                    ("/plus+sign.jpg", false), ("/plus%2Bsign.jpg", false), ("/%C3%BCn%C3%AFcode.jpg", true),
                    ("/with%20space.jpg", false), ("/plus%20sign.jpg", true),
                ] {
                    let response = try await Self.get(server, "\(target)?w=100&format=png")
                    #expect(response.status == 200, "\(target)")
                    if response.status == 200 {
                        let pixels = try Pixels(decoding: response.body)
                        #expect((pixels.height > pixels.width) == tall, "\(target) is the object of its key")
                    }
                }
            }
        }
    }
}
