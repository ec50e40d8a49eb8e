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

    /// `imgedge serve` reading `s3://imgedge-test/photos` at moto, with `environment` (and no
    /// shared credentials file, so that no key but the test's is found).
    private static func server(
        _ moto: MotoServer, environment: [String: String], _ arguments: [String] = []
    ) async throws -> ImgEdgeProcess.Server {
        try await ImgEdgeProcess.Server.start(
            [
                "--port", "0", "--isolation", "none", "--origin", "s3://\(MotoServer.bucket)/photos", "--s3-endpoint",
                moto.endpoint, "--s3-region", "us-east-1", "--modules", builtModulesDirectory,
            ] + arguments,
            environment: environment.merging(["AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"]) { $1 })
    }

    private static func get(_ server: ImgEdgeProcess.Server, _ target: String) async throws -> ProxiedResponse {
        try await ProxiedResponse.get("http://127.0.0.1:\(server.port)\(target)", [])
    }

    private static func keyEnvironment(_ keys: MotoServer.Keys, secret: String? = nil) -> [String: String] {
        ["AWS_ACCESS_KEY_ID": keys.accessKeyID, "AWS_SECRET_ACCESS_KEY": secret ?? keys.secretAccessKey]
    }

    @Test("signed GETs resize from the bucket under the prefix; a missing key is 404; a replaced object gets a new ETag")
    func signedFetches() async throws {
        let moto = try await MotoServer.start()
        defer { Task { await moto.stop() } }
        let keys = try await moto.setUp(objects: Self.objects)
        let server = try await Self.server(moto, environment: Self.keyEnvironment(keys), ["--origin-revalidate-seconds", "1"])
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
        #expect(await server.stop() == 0)
    }

    @Test("a wrong secret is 502 every time, nothing cached, the log naming S3's code and never the secret")
    func wrongSecret() async throws {
        let moto = try await MotoServer.start()
        defer { Task { await moto.stop() } }
        let keys = try await moto.setUp(objects: Self.objects)
        let wrong = "wrong-secret-\(UUID().uuidString)"
        let server = try await Self.server(moto, environment: Self.keyEnvironment(keys, secret: wrong))
        #expect(try await Self.get(server, "/landscape.jpg?w=100").status == 502)
        #expect(try await Self.get(server, "/landscape.jpg?w=100").status == 502)
        #expect(await server.stop() == 0)
        #expect(server.log.components(separatedBy: "SignatureDoesNotMatch").count - 1 >= 2, "\(server.log)")
        #expect(!server.log.contains(wrong))
        #expect(!server.log.contains(keys.secretAccessKey))

        // No credentials at all: moto refuses unsigned requests.
        let anonymous = try await Self.server(moto, environment: [:])
        #expect(try await Self.get(anonymous, "/landscape.jpg?w=100").status == 502)
        #expect(await anonymous.stop() == 0)
        #expect(anonymous.log.contains("credentials from none"))

        // The control: the right secret, on the same moto, is served.
        let right = try await Self.server(moto, environment: Self.keyEnvironment(keys))
        #expect(try await Self.get(right, "/landscape.jpg?w=100").status == 200)
        #expect(await right.stop() == 0)
    }

    @Test("temporary credentials are signed with their session token, which moto requires")
    func sessionToken() async throws {
        let moto = try await MotoServer.start()
        defer { Task { await moto.stop() } }
        let keys = try await moto.setUp(objects: Self.objects)
        let session = [
            "AWS_ACCESS_KEY_ID": keys.sessionAccessKeyID, "AWS_SECRET_ACCESS_KEY": keys.sessionSecretAccessKey,
        ]
        let withToken = try await Self.server(moto, environment: session.merging(["AWS_SESSION_TOKEN": keys.sessionToken]) { $1 })
        #expect(try await Self.get(withToken, "/landscape.jpg?w=100").status == 200)
        #expect(await withToken.stop() == 0)
        let withoutToken = try await Self.server(moto, environment: session)
        #expect(try await Self.get(withoutToken, "/landscape.jpg?w=100").status == 502)
        #expect(await withoutToken.stop() == 0)
    }

    @Test("virtual-hosted addressing names the bucket in the host, which moto routes by")
    func virtualHosted() async throws {
        let moto = try await MotoServer.start()
        defer { Task { await moto.stop() } }
        let keys = try await moto.setUp(objects: Self.objects)
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
        let path = try #require(SourcePath(urlPath: "/landscape.jpg"))
        let s3 = try origin(bucket: MotoServer.bucket)
        let image = try await s3.fetch(path, limit: 10 << 20)
        #expect(image.bytes.count == (try Data(contentsOf: URL(fileURLWithPath: Self.landscape))).count)
        #expect(image.version?.hasPrefix("etag:") == true)
        #expect(try await s3.version(of: path) == image.version)
        await #expect(throws: OriginError.notFound) { try await s3.fetch(#require(SourcePath(urlPath: "/nothing.jpg")), limit: 1 << 20) }
        try await s3.shutdown()
        // The control: another bucket's host is another bucket, which does not exist.
        let other = try origin(bucket: "no-such-bucket")
        await #expect(throws: OriginError.self) { try await other.fetch(path, limit: 10 << 20) }
        try await other.shutdown()
    }

    @Test("keys with +, non-ASCII letters and spaces name their objects")
    func encodedKeys() async throws {
        // A moto that checks no signature (see the suite's comment), so every call is free.
        let moto = try await MotoServer.start(checkingSignatures: false)
        defer { Task { await moto.stop() } }
        let keys = try await moto.setUp(objects: [
            "photos/plus+sign.jpg": Self.landscape, "photos/ünïcode.jpg": Self.portrait, "photos/with space.jpg": Self.landscape,
            "photos/plus sign.jpg": Self.portrait,
        ])
        let server = try await Self.server(moto, environment: Self.keyEnvironment(keys))
        for (target, tall) in [
            ("/plus+sign.jpg", false), ("/plus%2Bsign.jpg", false), ("/%C3%BCn%C3%AFcode.jpg", true), ("/with%20space.jpg", false),
            ("/plus%20sign.jpg", true),
        ] {
            let response = try await Self.get(server, "\(target)?w=100&format=png")
            #expect(response.status == 200, "\(target)")
            if response.status == 200 {
                let pixels = try Pixels(decoding: response.body)
                #expect((pixels.height > pixels.width) == tall, "\(target) is the object of its key")
            }
        }
        #expect(await server.stop() == 0)
    }
}
