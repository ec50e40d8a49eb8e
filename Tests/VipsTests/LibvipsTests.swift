import Testing

@testable import Vips

@Suite("Libvips runtime")
struct LibvipsTests {
    @Test("libvips starts and reports the 8.x version the renderer version depends on")
    func startsAndReportsVersion() throws {
        try Libvips.start()
        #expect(Libvips.version.hasPrefix("8."))
    }
}
