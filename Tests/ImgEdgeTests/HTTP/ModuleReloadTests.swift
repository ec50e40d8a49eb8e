import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ImgEdge

@Suite("Reloading filter modules while serving")
struct ModuleReloadTests {
    @Test("a module copied into the directory is served without a restart, while requests keep being answered")
    func picksUpNewModule() async throws {
        try await withModulesDirectory(copying: ["sepia"]) { directory in
            try await servesNewModule(in: directory)
        }
    }

    private func servesNewModule(in directory: URL) async throws {
        let configuration = testConfiguration {
            $0.modulesDirectory = directory.path
            $0.moduleCheckInterval = .milliseconds(100)
        }
        try await withServer(configuration) { client in
            let before = try await client.get("/landscape.jpg?w=40&filter=invert")
            #expect(before.status == .badRequest)
            try FileManager.default.copyItem(
                atPath: "\(builtModulesDirectory)/invert.wasm", toPath: directory.appendingPathComponent("invert.wasm").path)
            var status = HTTPResponse.Status.badRequest
            for _ in 0..<50 where status != .ok {
                // Sepia keeps working throughout the reload.
                let sepia = try await client.get("/landscape.jpg?w=40&filter=sepia")
                #expect(sepia.status == .ok)
                try await Task.sleep(for: .milliseconds(50))
                status = try await client.get("/landscape.jpg?w=40&filter=invert").status
            }
            #expect(status == .ok)
        }
    }

    @Test(
        "a module replaced under the same name gives new ETags: the tag follows the module's code, in the server or its workers",
        arguments: [ImageWorkers.Isolation.none, .process])
    func replacedModuleChangesTag(isolation: ImageWorkers.Isolation) async throws {
        try await withModulesDirectory(copying: []) { directory in
            let tone = directory.appendingPathComponent("tone.wasm")
            try FileManager.default.copyItem(atPath: "\(builtModulesDirectory)/sepia.wasm", toPath: tone.path)
            let configuration = testConfiguration {
                $0.modulesDirectory = directory.path
                $0.moduleCheckInterval = .milliseconds(100)
                $0.workers.isolation = isolation
            }
            try await withServer(configuration) { client in
                let before = try await client.get("/landscape.jpg?w=40&format=png&filter=tone")
                #expect(before.status == .ok)
                try FileManager.default.removeItem(at: tone)
                try FileManager.default.copyItem(atPath: "\(builtModulesDirectory)/grayscale.wasm", toPath: tone.path)
                var after = before
                for _ in 0..<50 where after.headers[.eTag] == before.headers[.eTag] {
                    try await Task.sleep(for: .milliseconds(100))
                    after = try await client.get("/landscape.jpg?w=40&format=png&filter=tone")
                }
                #expect(after.status == .ok)
                #expect(after.headers[.eTag] != before.headers[.eTag])
                #expect(after.body != before.body)
            }
        }
    }
}
