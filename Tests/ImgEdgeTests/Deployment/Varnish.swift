import Foundation

/// Debian's Varnish on a free loopback port, running `deploy/varnish/imgedge.vcl` unchanged in
/// front of the imgedge on `backendPort`, with a copy of `deploy/varnish/backend.vcl` that
/// differs only in that port.
struct Varnish {
    let port: Int
    private let daemon: Daemon

    static func start(inFrontOf backendPort: Int) async throws -> Varnish {
        let directory = try Daemon.makeDirectory(for: "varnish")
        let backend = try String(contentsOfFile: "\(deployDirectory)/varnish/backend.vcl", encoding: .utf8)
            .replacing(#".port = "8080";"#, with: #".port = "\#(backendPort)";"#)
        try backend.write(to: directory.appendingPathComponent("backend.vcl"), atomically: true, encoding: .utf8)
        let port = try freeLoopbackPort()
        let daemon = try await Daemon.start(
            "/usr/sbin/varnishd",
            [
                "-F", "-j", "none", "-n", directory.appendingPathComponent("state").path, "-a", "127.0.0.1:\(port)",
                "-T", "127.0.0.1:0", "-s", "malloc,64m", "-p", "vcl_path=\(directory.path):\(deployDirectory)/varnish",
                "-f", "\(deployDirectory)/varnish/imgedge.vcl",
            ],
            in: directory, listeningOn: port)
        return Varnish(port: port, daemon: daemon)
    }

    /// Sends `GET target` with `headers` through Varnish.
    func get(_ target: String, _ headers: [(String, String)] = []) async throws -> ProxiedResponse {
        try await ProxiedResponse.get("http://127.0.0.1:\(port)\(target)", headers)
    }

    func stop() async {
        await daemon.stop()
    }
}
