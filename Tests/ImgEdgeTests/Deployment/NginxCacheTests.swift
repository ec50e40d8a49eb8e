import Foundation
import Testing

/// Real nginx with `deploy/nginx/imgedge-cache.conf` (proxy_cache) in front of the real imgedge.
@Suite("nginx proxy_cache in front: one cached copy per variant, imgedge asked once")
struct NginxCacheTests {
    @Test("clients get their own variants from nginx's cache, repeats never reach imgedge, and If-None-Match gets a 304")
    func variantsAndRevalidation() async throws {
        let imgedge = try await ImgEdgeProcess.Server.servingTestImages()
        do {
            let cacheDirectory = try Daemon.makeDirectory(for: "nginx-cache")
            defer { try? FileManager.default.removeItem(at: cacheDirectory) }
            let nginx = try await Nginx.start(
                site: "imgedge-cache.conf", listenPlaceholder: 8090,
                replacing: [
                    ("/var/cache/nginx/imgedge", cacheDirectory.path),
                    ("proxy_pass http://127.0.0.1:8080;", "proxy_pass http://127.0.0.1:\(imgedge.port);"),
                ])
            do {
                try await check(through: nginx, imgedge: imgedge)
            } catch {
                await nginx.stop()
                throw error
            }
            await nginx.stop()
        } catch {
            _ = await imgedge.stop()
            throw error
        }
        #expect(await imgedge.stop() == 0)
    }

    private func check(through nginx: Nginx, imgedge: ImgEdgeProcess.Server) async throws {
        let target = "/landscape.jpg?w=220"
        // Through nginx, a client whose Accept names no image type gets a legacy format.
        let clients: [ImageClient] = [.chrome, .firefox, .chrome84, .safari13, .curl, .chrome120]
        var first: [String: ProxiedResponse] = [:]
        for client in clients {
            let response = try await nginx.get(target, client.headers)
            #expect(response.status == 200, "\(client)")
            #expect(response["X-Variant"] == client.format, "\(client)")
            #expect(response["Vary"] == "Accept, Save-Data", "\(client)")
            first[client.description] = response
        }
        #expect(try await imageRequestsAnswered(port: imgedge.port) == 4)
        for client in clients.reversed() {
            let again = try await nginx.get(target, client.headers)
            #expect(again["X-Proxy-Cache"] == "HIT", "\(client)")
            #expect(again.body == first[client.description]?.body, "\(client) got another client's bytes")
        }
        let tag = try #require(first[ImageClient.firefox.description]?["ETag"])
        let notModified = try await nginx.get(target, ImageClient.firefox.headers + [("If-None-Match", tag)])
        #expect(notModified.status == 304)
        #expect(notModified["ETag"] == tag)
        #expect(try await imageRequestsAnswered(port: imgedge.port) == 4, "a repeat reached imgedge")
    }
}
