import Foundation
import Testing

@testable import ImgEdge

/// S3 locations, key encoding and addressing.
@Suite("S3 buckets and keys")
struct S3BucketTests {
    @Test(
        "keys are URI-encoded as S3 signs them",
        arguments: [
            ("photos/landscape.jpg", "photos/landscape.jpg"),
            ("with space.jpg", "with%20space.jpg"),
            ("plus+sign.jpg", "plus%2Bsign.jpg"),
            ("100%.jpg", "100%25.jpg"),
            ("ünïcode.jpg", "%C3%BCn%C3%AFcode.jpg"),
            ("a//b", "a//b"),
            ("unreserved-._~AZaz09", "unreserved-._~AZaz09"),
            ("q?x=1&y#z", "q%3Fx%3D1%26y%23z"),
            ("already%20encoded", "already%2520encoded"),
        ])
    func keyEncoding(key: String, encoded: String) {
        #expect(S3Bucket.encoded(key) == encoded)
    }

    @Test(
        "s3:// locations give a bucket and a prefix, or nothing",
        arguments: [
            ("s3://bucket", "bucket", ""),
            ("s3://bucket/", "bucket", ""),
            ("s3://bucket/photos", "bucket", "photos"),
            ("s3://bucket/photos/2024/", "bucket", "photos/2024"),
            ("s3://my.bucket-1/a b", "my.bucket-1", "a b"),
        ])
    func locations(location: String, name: String, prefix: String) throws {
        let bucket = try #require(S3Bucket(location: location))
        #expect(bucket.name == name)
        #expect(bucket.prefix == prefix)
    }

    @Test("bad bucket names are refused", arguments: ["s3://", "s3://ab", "s3://Bucket", "s3://under_score", "http://bucket"])
    func badLocations(location: String) {
        #expect(S3Bucket(location: location) == nil)
    }

    @Test("path-style names the bucket in the path, virtual-hosted in the host, with the endpoint's port")
    func addressing() throws {
        let bucket = try #require(S3Bucket(location: "s3://bucket/photos"))
        let endpoint = try #require(URL(string: "http://127.0.0.1:9000"))
        let key = bucket.key(of: try #require(SourcePath(urlPath: "/with%20space.jpg")))
        #expect(
            bucket.target(of: key, endpoint: endpoint, virtualHosted: false)
                == S3RequestTarget(
                    url: "http://127.0.0.1:9000/bucket/photos/with%20space.jpg", host: "127.0.0.1:9000",
                    path: "/bucket/photos/with%20space.jpg"))
        let aws = try #require(URL(string: "https://s3.eu-west-1.amazonaws.com"))
        #expect(
            bucket.target(of: key, endpoint: aws, virtualHosted: true)
                == S3RequestTarget(
                    url: "https://bucket.s3.eu-west-1.amazonaws.com/photos/with%20space.jpg",
                    host: "bucket.s3.eu-west-1.amazonaws.com", path: "/photos/with%20space.jpg"))
    }
}
