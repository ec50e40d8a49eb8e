import HTTPTypes
import NIOHTTP1

/// The request headers a `RenderRequest` is decided by, each as the parser reads it: `Accept`
/// and `User-Agent` with their field lines joined (as `HTTPFields` joins them), each client hint
/// by its first field line alone. `If-None-Match` is not one of them: it is the asker's own.
///
/// The parser is given this value and no other header, and the cache-hit path's memo keys on
/// it, so the two cannot disagree about what decides a request. Values compare as bytes, as
/// every part of a key does.
///
/// Why a hint counts by its first line: a proxy in front keys its cache on the hint as it reads
/// it, and nginx 1.22's `$http_sec_ch_width` and Varnish's `req.http.Sec-CH-Width` (and its
/// `Vary` matching) read the first line. Were imgedge to join two lines ("100, 100"), find that
/// malformed and render at full width, the proxy would keep that image under the key of `100`
/// and give it to the next client that sends `100` once. The shipped configs forward only that
/// first line too.
struct DecidingHeaders: Hashable, Sendable {
    var accept: String?
    var userAgent: String?
    var secCHWidth: String?
    var width: String?
    var secCHDPR: String?
    var dpr: String?
    var saveData: String?

    init(
        accept: String? = nil, userAgent: String? = nil, secCHWidth: String? = nil, width: String? = nil,
        secCHDPR: String? = nil, dpr: String? = nil, saveData: String? = nil
    ) {
        (self.accept, self.userAgent, self.secCHWidth, self.width) = (accept, userAgent, secCHWidth, width)
        (self.secCHDPR, self.dpr, self.saveData) = (secCHDPR, dpr, saveData)
    }

    /// The deciding headers of a request as Hummingbird gives it.
    init(_ fields: HTTPFields) {
        self.init { name, isList in isList ? fields[name] : fields.first { $0.name == name }?.value }
    }

    /// The deciding headers of a request head as NIO's decoder gives it (the cache-hit path).
    init(_ headers: HTTPHeaders) {
        self.init { name, isList in isList ? headers.combinedValue(of: name) : headers[name.rawName].first }
    }

    /// Reads each header with `value`, told whether the header is a list, its lines joined.
    private init(reading value: (HTTPField.Name, _ isList: Bool) -> String?) {
        self.init(
            accept: value(.accept, true), userAgent: value(.userAgent, true), secCHWidth: value(.secCHWidth, false),
            width: value(.width, false), secCHDPR: value(.secCHDPR, false), dpr: value(.dpr, false),
            saveData: value(.saveData, false))
    }

    /// The bytes the values take.
    var byteCount: Int {
        [accept, userAgent, secCHWidth, width, secCHDPR, dpr, saveData].reduce(0) { $0 + ($1?.utf8.count ?? 0) }
    }

    // Field by field, with no array built: the cache-hit path compares and hashes these per request.
    static func == (left: DecidingHeaders, right: DecidingHeaders) -> Bool {
        left.accept.hasSameBytes(as: right.accept) && left.userAgent.hasSameBytes(as: right.userAgent)
            && left.secCHWidth.hasSameBytes(as: right.secCHWidth) && left.width.hasSameBytes(as: right.width)
            && left.secCHDPR.hasSameBytes(as: right.secCHDPR) && left.dpr.hasSameBytes(as: right.dpr)
            && left.saveData.hasSameBytes(as: right.saveData)
    }

    func hash(into hasher: inout Hasher) {
        accept.hashBytes(into: &hasher)
        userAgent.hashBytes(into: &hasher)
        secCHWidth.hashBytes(into: &hasher)
        width.hashBytes(into: &hasher)
        secCHDPR.hashBytes(into: &hasher)
        dpr.hashBytes(into: &hasher)
        saveData.hashBytes(into: &hasher)
    }
}
