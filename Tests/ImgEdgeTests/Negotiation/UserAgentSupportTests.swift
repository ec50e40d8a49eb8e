import Testing
import Vips

@testable import ImgEdge

@Suite("User-Agent format support")
struct UserAgentSupportTests {
    @Test("real User-Agent strings map to the formats that browser version decodes", arguments: RealUserAgents.all)
    func browsers(userAgent: String, expected: Set<ImageFormat>) {
        #expect(UserAgentSupport(userAgent: userAgent).formats == expected)
    }

    @Test(
        "missing, malformed or oversized User-Agents are unknown",
        arguments: [
            nil, "", "Chrome/", "Chrome/abc", "Chrome/99999999999999999999999", "xChrome/120.0",
            "Safari/605.1.15", "Version/17.2",
            "Chrome/120.0 " + String(repeating: "x", count: UserAgentSupport.maxLength),
        ] as [String?])
    func unknown(userAgent: String?) {
        #expect(UserAgentSupport(userAgent: userAgent).formats.isEmpty)
    }

    @Test(
        "versions compare by major, then minor",
        arguments: [
            ("16.4", "16.10", true),
            ("16.4", "16.4.1", false),
            ("15.9", "16", true),
            ("17_2", "17.1", false),
        ])
    func versionOrder(left: String, right: String, isLess: Bool) throws {
        let lhs = try #require(UserAgentSupport.BrowserVersion(parsing: left[...]))
        let rhs = try #require(UserAgentSupport.BrowserVersion(parsing: right[...]))
        #expect((lhs < rhs) == isLess)
    }
}
