import Foundation
import Testing

@Suite("A job's deadline covers every step, encoding included")
struct RenderJobDeadlineTests {
    @Test(
        "an encode that cannot finish by a 2 s deadline is answered 503 within 3 s, and the next request is served",
        arguments: ["none", "process"])
    func encodeBoundedByDeadline(isolation: String) async throws {
        let server = try await ImgEdgeProcess.Server.servingTestImages([
            "--max-processing-seconds", "2", "--isolation", isolation,
        ])
        let connection = try RawConnection(port: server.port)
        // Sent and read on a thread of its own, so that the time is the server's, not a wait
        // for one of Dispatch's threads while the suite runs beside it.
        let (answer, took) = await onThread {
            let start = ContinuousClock.now
            _ = connection.sendBlocking(
                Array("GET /large-20mp.jpg?w=8192&h=4882&fit=fill&format=webp&q=100 HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            return (connection.receiveBlocking(timeout: 30), ContinuousClock.now - start)
        }
        #expect(answer.hasPrefix("HTTP/1.1 503"), "\(answer.prefix(300))")
        #expect(answer.contains("processing took too long"))
        // Alone it is answered in about 0.9 s; unstopped it took 12.7 s. The bound leaves room
        // for the rest of the suite loading both cores beside it.
        #expect(took < .seconds(6), "answered after \(took)")
        #expect(await RawConnection.status(ofGet: "/landscape.jpg?w=64&format=webp", port: server.port) == "200")
        #expect(await server.stop() == 0)
    }

    @Test("with the default deadline, a large WebP at q100 still renders")
    func defaultDeadlineRenders() async throws {
        let server = try await ImgEdgeProcess.Server.servingTestImages()
        #expect(await RawConnection.status(ofGet: "/large-20mp.jpg?w=2048&format=webp&q=100", port: server.port) == "200")
        #expect(await server.stop() == 0)
    }
}
