import Foundation

/// moto's S3-API server (`moto_server`, PyPI `moto[server]`) on loopback, checking signatures:
/// started with `INITIAL_NO_AUTH_ACTION_COUNT=3`, so that the three calls of `setUp()` (an IAM
/// user, its allow-all inline policy, its access key) go unsigned and every later request must be
/// signed with a key moto issued. `make test` installs moto and boto3 into `.build/moto-venv`
/// when the system's `python3` lacks them.
struct MotoServer {
    let port: Int
    private let daemon: Daemon

    /// The endpoint, `http://127.0.0.1:PORT`.
    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// The bucket `setUp()` makes.
    static let bucket = "imgedge-test"

    /// `.build/moto-venv`'s Python when `make test` made it, else the first `python3` on PATH.
    static let python: [String] = {
        let repository = URL(fileURLWithPath: testImagesDirectory).deletingLastPathComponent()
        let venv = repository.appendingPathComponent(".build/moto-venv/bin/python3").path
        return FileManager.default.isExecutableFile(atPath: venv) ? [venv] : ["python3"]
    }()

    /// Starts moto on a free loopback port; one not `checkingSignatures` takes any request.
    static func start(checkingSignatures: Bool = true) async throws -> MotoServer {
        let directory = try Daemon.makeDirectory(for: "moto")
        let port = try freeLoopbackPort()
        let daemon = try await Daemon.start(
            "/usr/bin/env",
            (checkingSignatures ? ["INITIAL_NO_AUTH_ACTION_COUNT=3"] : []) + python
                + ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)],
            in: directory, listeningOn: port)
        return MotoServer(port: port, daemon: daemon)
    }

    /// Keys moto issued: a user's long-term key, and a role's temporary one with its session token.
    struct Keys: Decodable {
        let accessKeyID: String
        let secretAccessKey: String
        let sessionAccessKeyID: String
        let sessionSecretAccessKey: String
        let sessionToken: String
    }

    /// Makes the IAM user and its key (the three unsigned calls), then, signed with that key, the
    /// bucket with `objects` (key → file) in it, and a role whose temporary key it returns too.
    func setUp(objects: [String: String]) async throws -> Keys {
        let output = try await python(Self.setUpScript, [endpoint, try Self.json(objects)])
        return try JSONDecoder().decode(Keys.self, from: Data(output.utf8))
    }

    /// Puts `file` at `key` in the bucket, signed with `keys`' long-term key.
    func put(_ file: String, at key: String, keys: Keys) async throws {
        _ = try await python(Self.putScript, [endpoint, keys.accessKeyID, keys.secretAccessKey, key, file])
    }

    func stop() async {
        await daemon.stop()
    }

    private func python(_ script: String, _ arguments: [String]) async throws -> String {
        let command = Self.python + ["-c", script] + arguments
        let result = try await offCooperativePool {
            try ImgEdgeProcess.runBlocking(URL(fileURLWithPath: "/usr/bin/env"), command, environment: nil)
        }
        guard result.status == 0 else { throw ScriptFailed(errors: result.errors) }
        return result.output
    }

    struct ScriptFailed: Error {
        let errors: String
    }

    private static func json(_ objects: [String: String]) throws -> String {
        String(decoding: try JSONEncoder().encode(objects), as: UTF8.self)
    }

    private static let setUpScript = """
        import boto3, json, sys
        endpoint, objects = sys.argv[1], json.loads(sys.argv[2])
        def client(service, key_id="unsigned", secret="unsigned", token=None):
            return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key_id,
                                aws_secret_access_key=secret, aws_session_token=token)
        allow_all = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
        iam = client("iam")
        iam.create_user(UserName="imgedge")
        iam.put_user_policy(UserName="imgedge", PolicyName="all", PolicyDocument=allow_all)
        key = iam.create_access_key(UserName="imgedge")["AccessKey"]
        signed = lambda service: client(service, key["AccessKeyId"], key["SecretAccessKey"])
        s3 = signed("s3")
        s3.create_bucket(Bucket="\(bucket)")
        for name, path in objects.items():
            s3.put_object(Bucket="\(bucket)", Key=name, Body=open(path, "rb").read())
        trust = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]})
        role = signed("iam").create_role(RoleName="reader", AssumeRolePolicyDocument=trust)["Role"]
        signed("iam").put_role_policy(RoleName="reader", PolicyName="all", PolicyDocument=allow_all)
        session = signed("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="imgedge")["Credentials"]
        print(json.dumps({"accessKeyID": key["AccessKeyId"], "secretAccessKey": key["SecretAccessKey"],
                          "sessionAccessKeyID": session["AccessKeyId"], "sessionSecretAccessKey": session["SecretAccessKey"],
                          "sessionToken": session["SessionToken"]}))
        """

    private static let putScript = """
        import boto3, sys
        endpoint, key_id, secret, key, path = sys.argv[1:6]
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key_id,
                          aws_secret_access_key=secret)
        s3.put_object(Bucket="\(bucket)", Key=key, Body=open(path, "rb").read())
        """
}
