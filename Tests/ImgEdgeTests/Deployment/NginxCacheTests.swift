import Foundation
import NIOCore
import Testing
import Vips

/// Real nginx with `deploy/nginx/imgedge-cache.conf` (proxy_cache) in front of the real imgedge.
@Suite("nginx proxy_cache in front: one cached copy per variant, imgedge asked once")
struct NginxCacheTests {
    @Test("clients get their own variants from nginx's cache, repeats never reach imgedge, and If-None-Match gets a 304")
    func variantsAndRevalidation() async throws {
        try await withNginx { nginx, imgedge in try await check(nginx, imgedge: imgedge) }
    }

    @Test("a width hint sent on two lines and then on one gets the same width, the hint's bucket, from nginx")
    func repeatedHint() async throws {
        try await withNginx { nginx, imgedge in
            let target = "/landscape.jpg?format=png"
            let twice = try await nginx.get(target, [("Sec-CH-Width", "100"), ("Sec-CH-Width", "100")])
            let once = try await nginx.get(target, [("Sec-CH-Width", "100")])
            #expect(twice.status == 200 && once.status == 200)
            #expect(try DecodedImage(ByteBuffer(bytes: twice.body)).header.width == 111)
            #expect(try DecodedImage(ByteBuffer(bytes: once.body)).header.width == 111)
            let direct = try await ProxiedResponse.get(
                "http://127.0.0.1:\(imgedge.port)\(target)", [("Sec-CH-Width", "100"), ("Sec-CH-Width", "100")])
            #expect(try DecodedImage(ByteBuffer(bytes: direct.body)).header.width == 111, "imgedge reads the first line")
        }
    }

    /// Runs `test` with a fresh imgedge and a fresh nginx with `imgedge-cache.conf` in front of it.
    private func withNginx(_ test: (Nginx, ImgEdgeProcess.Server) async throws -> Void) async throws {
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
                try await test(nginx, imgedge)
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

    private func check(_ nginx: Nginx, imgedge: ImgEdgeProcess.Server) async throws {
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
