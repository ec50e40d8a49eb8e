import Foundation

/// Debian's nginx on loopback, running one of `deploy/nginx/`'s files as its `http` block's
/// site, with that file's example addresses and cache path replaced by the test's.
///
/// The `http` block around it adds `X-Upstream-Address`, the replica (or replicas, when one
/// was skipped) that answered, for the tests to see where a request went.
struct Nginx {
    let port: Int
    private let daemon: Daemon

    /// Starts nginx with `deploy/nginx/<site>`, after replacing each pair's first string by its
    /// second; the site's `listen` address, `127.0.0.1:<listenPlaceholder>`, becomes a free port.
    static func start(site: String, listenPlaceholder: Int, replacing substitutions: [(String, String)]) async throws -> Nginx {
        let directory = try Daemon.makeDirectory(for: "nginx")
        let port = try freeLoopbackPort()
        var text = try String(contentsOfFile: "\(deployDirectory)/nginx/\(site)", encoding: .utf8)
        for (example, actual) in substitutions + [("listen 127.0.0.1:\(listenPlaceholder);", "listen 127.0.0.1:\(port);")] {
            precondition(text.contains(example), "\(site) has no \(example)")
            text = text.replacing(example, with: actual)
        }
        try text.write(to: directory.appendingPathComponent("site.conf"), atomically: true, encoding: .utf8)
        let path = directory.path
        let main = """
            daemon off;
            worker_processes 1;
            pid \(path)/nginx.pid;
            error_log \(path)/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path \(path)/client-body;
                proxy_temp_path \(path)/proxy;
                fastcgi_temp_path \(path)/fastcgi;
                uwsgi_temp_path \(path)/uwsgi;
                scgi_temp_path \(path)/scgi;
                add_header X-Upstream-Address $upstream_addr always;
                include \(path)/site.conf;
            }
            """
        try main.write(to: directory.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
        let daemon = try await Daemon.start(
            "/usr/sbin/nginx", ["-p", path, "-c", "\(path)/nginx.conf"], in: directory, listeningOn: port)
        return Nginx(port: port, daemon: daemon)
    }

    /// Sends `GET target` with `headers` through nginx.
    func get(_ target: String, _ headers: [(String, String)] = []) async throws -> ProxiedResponse {
        try await ProxiedResponse.get("http://127.0.0.1:\(port)\(target)", headers)
    }

    func stop() async {
        await daemon.stop()
    }
}
