import Foundation
import Testing

@testable import ImgEdge

/// SigV4 against AWS's published S3 example ("Example: GET Object" of "Signature Calculations
/// for the Authorization Header"), and S3's encoding of keys.
@Suite("SigV4 signing")
struct SigV4SignerTests {
    /// AWS's example credentials and time.
    private static let example = SigV4Signer(
        credentials: S3Credentials(
            accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1")
    private static let exampleDate = Date(timeIntervalSince1970: 1_369_353_600)  // 20130524T000000Z
    private static let emptyBodyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    @Test("AWS's GET Object example gives AWS's published Authorization header")
    func publishedExample() {
        let headers = Self.example.signedHeaders(
            method: "GET", host: "examplebucket.s3.amazonaws.com", path: "/test.txt", headers: ["Range": "bytes=0-9"],
            payloadHash: Self.emptyBodyHash, date: Self.exampleDate)
        let values = Dictionary(headers.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        #expect(
            values["authorization"]
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        )
        #expect(values["x-amz-date"] == "20130524T000000Z")
        #expect(values["x-amz-content-sha256"] == Self.emptyBodyHash)
        #expect(values["x-amz-security-token"] == nil)
    }

    @Test("a changed secret, byte of the path or day changes the signature")
    func signatureDependsOnEverything() {
        func signature(_ signer: SigV4Signer, path: String = "/test.txt", date: Date = SigV4SignerTests.exampleDate) -> String? {
            signer.signedHeaders(method: "GET", host: "examplebucket.s3.amazonaws.com", path: path, date: date)
                .first { $0.name == "authorization" }?.value.split(separator: "=").last.map(String.init)
        }
        let base = signature(Self.example)
        let otherSecret = SigV4Signer(
            credentials: S3Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "x"), region: "us-east-1")
        #expect(signature(otherSecret) != base)
        #expect(signature(Self.example, path: "/test.txu") != base)
        #expect(signature(Self.example, date: Self.exampleDate + 86_400) != base)
    }

    @Test("a session token is sent and signed")
    func sessionToken() throws {
        let signer = SigV4Signer(
            credentials: S3Credentials(accessKeyID: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "token+/="),
            region: "auto")
        let headers = signer.signedHeaders(method: "HEAD", host: "h", path: "/k", date: Self.exampleDate)
        #expect(headers.contains { $0.name == "x-amz-security-token" && $0.value == "token+/=" })
        let authorization = try #require(headers.first { $0.name == "authorization" }?.value)
        #expect(authorization.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"))
        #expect(authorization.contains("/20130524/auto/s3/aws4_request,"))
        #expect(headers.contains { $0.name == "x-amz-content-sha256" && $0.value == "UNSIGNED-PAYLOAD" })
    }
}
