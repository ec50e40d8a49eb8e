/// A kind of client the CDN tests send requests as: what it sends, and the format imgedge must
/// answer it with for an opaque JPEG.
struct ImageClient: Sendable, CustomStringConvertible {
    let description: String
    let headers: [(String, String)]
    let format: String

    static let chrome = ImageClient(
        description: "Chrome 156", headers: [("Accept", BrowserAccept.chromium), ("User-Agent", BrowserUserAgent.chrome)],
        format: "jxl")
    static let firefox = ImageClient(
        description: "Firefox 153", headers: [("Accept", BrowserAccept.firefox), ("User-Agent", BrowserUserAgent.firefox)],
        format: "avif")
    static let safari13 = ImageClient(
        description: "Safari 13", headers: [("Accept", BrowserAccept.safari13), ("User-Agent", BrowserUserAgent.safari13)],
        format: "jpeg")
    static let curl = ImageClient(
        description: "curl", headers: [("Accept", "*/*"), ("User-Agent", "curl/8.5.0")], format: "jpeg")
    static let chrome84 = ImageClient(
        description: "Chrome 84",
        headers: [("Accept", "image/webp,image/apng,image/*,*/*;q=0.8"), ("User-Agent", BrowserUserAgent.chrome84)],
        format: "webp")
    /// Chrome 120's Accept: other words than Firefox's, the same formats, so the same variant.
    static let chrome120 = ImageClient(
        description: "Chrome 120", headers: [("Accept", "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8")],
        format: "avif")
}

enum BrowserUserAgent {
    static let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"
    static let chrome84 =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/84.0.4147.135 Safari/537.36"
    static let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0"
    static let safari13 =
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.2 Safari/605.1.15"
}
