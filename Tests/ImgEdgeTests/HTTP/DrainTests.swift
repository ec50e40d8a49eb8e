import Foundation
import Testing

@Suite("Shutdown: /readyz turns first, the server serves on for the drain delay, then exits 0")
struct DrainTests {
    @Test("after SIGTERM /readyz answers 503 while /healthz and images answer 200, until the drain delay ends")
    func readinessTurnsFirst() async throws {
        let server = try await ImgEdgeProcess.Server.servingTestImages(["--drain-delay-seconds", "3"])
        #expect(await RawConnection.status(ofGet: "/readyz", port: server.port) == "200")
        let signalled = ContinuousClock.now
        server.send(SIGTERM)
        try await Task.sleep(for: .milliseconds(300))
        #expect(await RawConnection.status(ofGet: "/readyz", port: server.port) == "503")
        #expect(await RawConnection.status(ofGet: "/healthz", port: server.port) == "200")
        #expect(await RawConnection.status(ofGet: "/landscape.jpg?w=40", port: server.port) == "200")
        #expect(await server.exitStatus() == 0)
        let took = ContinuousClock.now - signalled
        #expect(took >= .seconds(3) && took < .seconds(10), "exited \(took) after SIGTERM")
    }
}
