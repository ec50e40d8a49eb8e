import Foundation
import Testing

@Suite("Shutdown: /readyz turns first, the server serves on for the drain delay, then exits 0")
struct DrainTests {
    @Test("after SIGTERM /readyz answers 503 while /healthz and images answer 200, until the drain delay ends")
    func readinessTurnsFirst() async throws {
        let server = try await ImgEdgeProcess.Server.start([
            "--port", "0", "--origin", testImagesDirectory, "--modules", builtModulesDirectory, "--drain-delay-seconds", "3",
        ])
        #expect(await Self.status(of: "/readyz", port: server.port) == "200")
        let signalled = ContinuousClock.now
        server.send(SIGTERM)
        try await Task.sleep(for: .milliseconds(300))
        #expect(await Self.status(of: "/readyz", port: server.port) == "503")
        #expect(await Self.status(of: "/healthz", port: server.port) == "200")
        #expect(await Self.status(of: "/landscape.jpg?w=40", port: server.port) == "200")
        #expect(await server.exitStatus() == 0)
        let took = ContinuousClock.now - signalled
        #expect(took >= .seconds(3) && took < .seconds(10), "exited \(took) after SIGTERM")
    }

    /// The status code of a GET of `target`, on a connection of its own.
    private static func status(of target: String, port: Int) async -> String {
        guard let connection = try? RawConnection(port: port) else { return "no connection" }
        _ = await connection.send(Array("GET \(target) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
        let answer = await connection.receive(timeout: 10)
        return String(answer.dropFirst("HTTP/1.1 ".count).prefix(3))
    }
}
