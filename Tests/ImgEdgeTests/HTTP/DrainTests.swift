import Foundation
import Testing

@Suite("Shutdown: /readyz turns first, the server serves on for the drain delay, then exits 0")
struct DrainTests {
    /// Long enough that the three requests below, and the render, end well inside it even when
    /// the whole suite loads both cores (3 s was not: an image request once came after it).
    private static let drainDelay = 6

    @Test("after SIGTERM /readyz answers 503 while /healthz and images answer 200, until the drain delay ends")
    func readinessTurnsFirst() async throws {
        let server = try await ImgEdgeProcess.Server.servingTestImages(["--drain-delay-seconds", "\(Self.drainDelay)"])
        #expect(await RawConnection.status(ofGet: "/readyz", port: server.port) == "200")
        let signalled = ContinuousClock.now
        server.send(SIGTERM)
        try await Task.sleep(for: .milliseconds(300))
        let readyz = await RawConnection.status(ofGet: "/readyz", port: server.port)
        let healthz = await RawConnection.status(ofGet: "/healthz", port: server.port)
        let image = await RawConnection.status(ofGet: "/landscape.jpg?w=40", port: server.port)
        let answered = ContinuousClock.now - signalled
        #expect(readyz == "503")
        #expect(healthz == "200", "after \(answered)")
        #expect(image == "200", "after \(answered)")
        #expect(await server.exitStatus() == 0)
        let took = ContinuousClock.now - signalled
        #expect(took >= .seconds(Self.drainDelay) && took < .seconds(Self.drainDelay + 8), "exited \(took) after SIGTERM")
    }
}
