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
        // The signal and the three requests from a thread of the test's own: while the suite
        // runs beside it, Swift's and Dispatch's threads may wait seconds.
        let port = server.port
        let (readyz, healthz, image) = await onThread {
            server.send(SIGTERM)
            Thread.sleep(forTimeInterval: 0.3)
            return (
                RawConnection.statusBlocking(ofGet: "/readyz", port: port),
                RawConnection.statusBlocking(ofGet: "/healthz", port: port),
                RawConnection.statusBlocking(ofGet: "/landscape.jpg?w=40", port: port)
            )
        }
        let answered = ContinuousClock.now - signalled
        #expect(readyz == "503")
        #expect(healthz == "200", "after \(answered)")
        #expect(image == "200", "after \(answered)")
        #expect(await server.exitStatus() == 0)
        let took = ContinuousClock.now - signalled
        #expect(took >= .seconds(Self.drainDelay) && took < .seconds(Self.drainDelay + 8), "exited \(took) after SIGTERM")
    }
}
