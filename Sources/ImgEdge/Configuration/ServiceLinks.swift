/// The variables Kubernetes gives every pod for each Service in its namespace
/// (`enableServiceLinks`, on by default): for a Service named `imgedge` or `imgedge-…`, names
/// that start like imgedge's own settings but are not settings.
///
/// The documented forms, for a Service whose name upper-cased is `NAME`:
/// `NAME_SERVICE_HOST`, `NAME_SERVICE_PORT`, `NAME_SERVICE_PORT_PORTNAME`, `NAME_PORT` (a URL:
/// `tcp://10.0.0.1:8080`), and `NAME_PORT_8080_TCP` with `_ADDR`, `_PORT` and `_PROTO`.
enum ServiceLinks {
    /// Whether the variable `name` with `value` is one of them. `IMGEDGE_PORT` is a setting too:
    /// it is a service link only when its value is a URL.
    static func isServiceLink(_ name: String, value: String) -> Bool {
        guard name.hasPrefix("IMGEDGE") else { return false }
        if name.wholeMatch(of: #/IMGEDGE(_[A-Z0-9_]+)?_SERVICE_(HOST|PORT(_[A-Z0-9_]+)?)/#) != nil { return true }
        if name.wholeMatch(of: #/IMGEDGE(_[A-Z0-9_]+)?_PORT_[0-9]+_(TCP|UDP|SCTP)(_ADDR|_PORT|_PROTO)?/#) != nil { return true }
        if name.wholeMatch(of: #/IMGEDGE(_[A-Z0-9_]+)?_PORT/#) != nil {
            return value.wholeMatch(of: #/(tcp|udp|sctp)://.+/#) != nil
        }
        return false
    }
}
