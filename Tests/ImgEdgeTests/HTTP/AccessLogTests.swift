import Foundation
import Testing

@Suite("The access log: one line per request")
struct AccessLogTests {
    @Test("with --log-format json every line is a JSON object, and each request has one with its outcome")
    func jsonLines() async throws {
        let server = try await ImgEdgeProcess.Server.servingTestImages(["--log-format", "json"])
        let image = "/landscape.jpg?w=64&format=webp"
        #expect(await RawConnection.status(ofGet: image, port: server.port) == "200")
        #expect(await RawConnection.status(ofGet: image, port: server.port) == "200")
        #expect(await RawConnection.status(ofGet: "/landscape.jpg?w=abc", port: server.port) == "400")
        try await Task.sleep(for: .milliseconds(300))
        #expect(await server.stop() == 0)
        let lines = server.log.split(separator: "\n")
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
        #expect(objects.count == lines.count, "lines that are not JSON objects of strings: \(lines)")
        let images = objects.filter { $0["message"] == "GET \(image)" }
        #expect(images.map { $0["cache"] } == ["MISS", "HIT-MEMORY"])
        for line in images {
            #expect(line["status"] == "200" && line["format"] == "webp" && line["level"] == "info")
            #expect(line["bytes"].flatMap(Int.init).map { $0 > 100 } == true)
            #expect(line["ms"].flatMap(Double.init) != nil)
        }
        let refused = objects.filter { $0["message"] == "GET /landscape.jpg?w=abc" }
        #expect(refused.map { $0["status"] } == ["400"])
        #expect(refused.map { $0["kind"] } == ["invalid-options"])
    }

    @Test("in text, each request's line reads as swift-log's text handler would have written it")
    func textLines() async throws {
        let server = try await ImgEdgeProcess.Server.servingTestImages()
        let image = "/landscape.jpg?w=64&format=png"
        #expect(await RawConnection.status(ofGet: image, port: server.port) == "200")
        #expect(await RawConnection.status(ofGet: "/missing.jpg?w=64", port: server.port) == "404")
        #expect(await server.stop() == 0)
        let lines = server.log.split(separator: "\n")
        let timestamp = #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}"#
        let imageLine = try Regex(
            "^\(timestamp) info imgedge: bytes=\\d+ cache=MISS format=png ms=\\d+\\.\\d status=200 \\[ImgEdge\\] GET /landscape\\.jpg\\?w=64&format=png$"
        )
        #expect(lines.filter { $0.contains(imageLine) }.count == 1, "\(lines)")
        let missingLine = try Regex(
            "^\(timestamp) info imgedge: kind=[a-z-]+ ms=\\d+\\.\\d status=404 \\[ImgEdge\\] GET /missing\\.jpg\\?w=64$")
        #expect(lines.filter { $0.contains(missingLine) }.count == 1, "\(lines)")
        // swift-log's own lines and the access lines share the timestamp's shape.
        let swiftLogLine = try Regex("^\(timestamp) info imgedge: ")
        #expect(lines.first { $0.contains("listening on") }?.contains(swiftLogLine) == true)
    }
}
