import AsyncHTTPClient
import NIOCore

/// The whole-number samples of a Prometheus text exposition, by series (name and labels as written,
/// e.g. `imgedge_cache_results_total{result="miss"}`).
func prometheusSamples(_ text: String) -> [String: Int] {
    var values: [String: Int] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        guard let space = line.lastIndex(of: " ") else { continue }
        let text = line[line.index(after: space)...]
        // Counters print as integers, gauges as `2.0`.
        guard let value = Int(text) ?? Double(text).flatMap({ Int(exactly: $0) }) else { continue }
        values[String(line[..<space])] = value
    }
    return values
}

/// The image requests the imgedge on `port` has answered so far, whatever their status, read
/// from its `/metrics`.
func imageRequestsAnswered(port: Int) async throws -> Int {
    let response = try await HTTPClient.shared.execute(
        HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(10))
    let samples = prometheusSamples(String(buffer: try await response.body.collect(upTo: 1 << 20)))
    return samples.filter { $0.key.hasPrefix(#"imgedge_http_requests_total{route="image","#) }.values.reduce(0, +)
}
