import Vips

/// The modern image formats a browser decodes, judged from its `User-Agent` header.
///
/// Consulted only when `Accept` names no image type (a client or proxy sending `*/*` or no
/// `Accept` at all). The table is deliberately conservative: an agent it does not recognise
/// (curl, libraries, most bots) gets no modern format, because a format the client cannot
/// decode is worse than a larger JPEG. JPEG XL is never inferred from a User-Agent.
///
/// Desktop Safari reports a frozen macOS version, so a Safari 14–15 on macOS 10.15 (which
/// lacks the system WebP decoder) is indistinguishable here; real Safari names `image/webp`
/// in `Accept`, so this only matters for clients that strip `Accept`.
struct UserAgentSupport: Sendable, Hashable {
    /// An agent longer than this many UTF-8 bytes is treated as unknown; real browser agents
    /// are well under 1 KiB.
    static let maxLength = 2048

    /// The modern formats the agent decodes: a subset of AVIF and WebP.
    let formats: Set<ImageFormat>

    init(userAgent: String?) {
        guard let userAgent, userAgent.utf8.count <= Self.maxLength,
            let (browser, version) = Self.identify(userAgent)
        else {
            formats = []
            return
        }
        var formats: Set<ImageFormat> = []
        if version >= browser.webp { formats.insert(.webp) }
        if let avif = browser.avif, version >= avif { formats.insert(.avif) }
        self.formats = formats
    }

    /// Recognises the browser family and its version. Order matters: legacy Edge, Chromium
    /// Edge, Samsung Internet and Opera also carry a `Chrome/` token, and Chrome carries `Safari/`.
    private static func identify(_ userAgent: String) -> (Browser, BrowserVersion)? {
        // Every iOS browser (CriOS, FxiOS, EdgiOS, in-app views) is WebKit of the OS's version.
        if let version = iOSVersion(in: userAgent) { return (.iOSWebKit, version) }
        if let version = productVersion("Edge", in: userAgent) { return (.edgeHTML, version) }
        if let version = productVersion("Edg", in: userAgent) ?? productVersion("EdgA", in: userAgent) {
            return (.edgeChromium, version)
        }
        if let version = productVersion("SamsungBrowser", in: userAgent) { return (.samsungInternet, version) }
        // Chrome, Chromium, Opera (`OPR/`, judged by its Chromium), Brave, Vivaldi, Android WebView.
        if let version = productVersion("Chrome", in: userAgent) { return (.chromium, version) }
        if let version = productVersion("Firefox", in: userAgent) { return (.firefox, version) }
        if productVersion("Safari", in: userAgent) != nil,
            let version = productVersion("Version", in: userAgent)
        {
            return (.safari, version)
        }
        return nil
    }

    /// The version after `product/` where the product token starts the string or follows a
    /// space, so `Chrome/` does not match inside `HeadlessChrome/`.
    private static func productVersion(_ product: String, in userAgent: String) -> BrowserVersion? {
        let marker = product + "/"
        var remainder = userAgent[...]
        while let found = remainder.firstRange(of: marker) {
            if found.lowerBound == userAgent.startIndex || userAgent[userAgent.index(before: found.lowerBound)] == " " {
                return BrowserVersion(parsing: userAgent[found.upperBound...])
            }
            remainder = userAgent[found.upperBound...]
        }
        return nil
    }

    /// The iOS or iPadOS version from `CPU iPhone OS 17_2` (iPhone, iPod) or `CPU OS 17_2` (iPad).
    private static func iOSVersion(in userAgent: String) -> BrowserVersion? {
        guard let found = userAgent.firstRange(of: "CPU iPhone OS ") ?? userAgent.firstRange(of: "CPU OS ")
        else { return nil }
        return BrowserVersion(parsing: userAgent[found.upperBound...])
    }
}

extension UserAgentSupport {
    /// A browser family and the first of its versions that decode WebP and AVIF (`nil`: none).
    struct Browser: Sendable {
        let webp: BrowserVersion
        let avif: BrowserVersion?

        static let chromium = Browser(webp: BrowserVersion(32), avif: BrowserVersion(85))
        /// Edge shipped AVIF only in 121, well after its Chromium base had it.
        static let edgeChromium = Browser(webp: BrowserVersion(79), avif: BrowserVersion(121))
        /// Pre-Chromium Edge (`Edge/18.19041`).
        static let edgeHTML = Browser(webp: BrowserVersion(18), avif: nil)
        static let samsungInternet = Browser(webp: BrowserVersion(4), avif: BrowserVersion(14))
        static let firefox = Browser(webp: BrowserVersion(65), avif: BrowserVersion(93))
        static let safari = Browser(webp: BrowserVersion(14), avif: BrowserVersion(16, 4))
        /// Any browser on iOS, by iOS version, with Safari's thresholds.
        static let iOSWebKit = safari
    }

    /// A `major.minor` browser or OS version; further components are ignored.
    struct BrowserVersion: Sendable, Hashable, Comparable {
        let major: Int
        let minor: Int

        init(_ major: Int, _ minor: Int = 0) {
            self.major = major
            self.minor = minor
        }

        /// Parses the leading `121.0.6167.85`, `16.4` or `17_2` of `text`; `nil` without a
        /// leading number.
        init?(parsing text: Substring) {
            let majorDigits = text.prefix(while: \.isASCIIDigit)
            guard let major = Int(majorDigits) else { return nil }
            let rest = text[majorDigits.endIndex...]
            var minor = 0
            if let separator = rest.first, separator == "." || separator == "_" {
                minor = Int(rest.dropFirst().prefix(while: \.isASCIIDigit)) ?? 0
            }
            self.init(major, minor)
        }

        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
        }
    }
}

extension Character {
    /// `0`–`9` only, unlike `isNumber`, which also accepts other scripts' digits.
    fileprivate var isASCIIDigit: Bool {
        isASCII && isWholeNumber
    }
}
