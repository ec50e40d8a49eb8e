import Foundation
import Testing

/// `deploy/kubernetes/` against the real binary: every variable the pod gets is a setting
/// imgedge reads, the probes, ports and grace period agree with those settings, the pod is locked
/// down, and imgedge started with the pod's variables answers its probes and drains in time.
@Suite("The Kubernetes manifests: real settings, probes and ports that agree with them, a locked-down pod")
struct KubernetesManifestTests {
    /// Stands for the Secret's placeholder, which is too short on purpose.
    static let signingKey = "kubernetes-test-signing-key-0123456789"

    /// The container's variables, with the Secret's placeholder key replaced by `signingKey`.
    static func settings(_ manifests: KubernetesManifests) throws -> [String: String] {
        var settings = try manifests.containerEnvironment()
        if settings["IMGEDGE_SIGNING_KEYS"] != nil {
            settings["IMGEDGE_SIGNING_KEYS"] = signingKey
        }
        return settings
    }

    @Test("every variable the pod gets from the manifests is a setting imgedge reads; an unknown one stops it")
    func variablesAreSettings() async throws {
        let manifests = try await KubernetesManifests.load()
        let settings = try Self.settings(manifests)
        #expect(settings.keys.allSatisfy { $0.hasPrefix("IMGEDGE_") })
        // Beside the service links every pod in the namespace gets, which the container's own override.
        let pod = manifests.serviceLinks.merging(settings) { $1 }
        let accepted = try await ImgEdgeProcess.run(["config"], environment: pod)
        #expect(accepted.status == 0, "\(accepted.errors)")
        // Each variable read as a setting: none ignored as a service link.
        let fromEnvironment = accepted.output.split(separator: "\n").filter { $0.hasSuffix("(environment)") }
        #expect(fromEnvironment.count == settings.count, "\(accepted.output)")
        let refused = try await ImgEdgeProcess.run(["config"], environment: pod.merging(["IMGEDGE_NOT_A_SETTING": "1"]) { $1 })
        #expect(refused.status == 64)
        #expect(refused.errors.contains("unknown environment variable IMGEDGE_NOT_A_SETTING"))
    }

    @Test("the Secret's placeholder key stops imgedge, so that no pod signs with it")
    func placeholderKeyRefused() async throws {
        let shipped = try await KubernetesManifests.load().containerEnvironment()
        let result = try await ImgEdgeProcess.run(["config", "--check"], environment: shipped)
        #expect(result.status == 64)
        #expect(result.errors.contains("IMGEDGE_SIGNING_KEYS=<redacted>: signing key 1 of 1 is shorter than 16 bytes"))
    }

    @Test("the probes ask for /readyz and /healthz on the container's metrics port, the one IMGEDGE_METRICS_PORT sets")
    func probes() async throws {
        let manifests = try await KubernetesManifests.load()
        let container = try manifests.container()
        let settings = try manifests.containerEnvironment()
        let metricsPort = try #require(settings["IMGEDGE_METRICS_PORT"].flatMap { Int($0) })
        #expect(metricsPort != 0, "0 answers /metrics on the main port, the CDN's")
        #expect(container.ports.contains { $0.containerPort == metricsPort })
        #expect(container.readinessProbe.httpGet.path == "/readyz")
        #expect(container.number(of: container.readinessProbe.httpGet.port) == metricsPort)
        #expect(container.livenessProbe.httpGet.path == "/healthz")
        #expect(container.number(of: container.livenessProbe.httpGet.port) == metricsPort)
        #expect(settings["IMGEDGE_HOST"] == "0.0.0.0", "the kubelet and the Service reach the pod's address, not its loopback")
    }

    @Test("the Service sends its one port to the container's IMGEDGE_PORT and selects the Deployment's pods")
    func service() async throws {
        let manifests = try await KubernetesManifests.load()
        let container = try manifests.container()
        let settings = try manifests.containerEnvironment()
        let port = try #require(settings["IMGEDGE_PORT"].flatMap { Int($0) })
        let service = try #require(manifests.services.first)
        let servicePort = try #require(service.spec.ports.first)
        #expect(service.spec.ports.count == 1, "the metrics port stays off the Service")
        #expect(container.number(of: servicePort.targetPort) == port)
        let deployment = try #require(manifests.deployments.first)
        let labels = deployment.spec.template.metadata.labels
        #expect(!service.spec.selector.isEmpty)
        #expect(service.spec.selector.allSatisfy { labels[$0.key] == $0.value })
        #expect(deployment.spec.selector.matchLabels.allSatisfy { labels[$0.key] == $0.value })
    }

    @Test("the optional Ingress hashes each URL to one pod of the Service, as deploy/nginx's balancer does")
    func ingress() async throws {
        let manifests = try await KubernetesManifests.load()
        let ingress = try #require(manifests.ingresses.first)
        let annotations = ingress.metadata.annotations ?? [:]
        #expect(annotations["nginx.ingress.kubernetes.io/upstream-hash-by"] == "$request_uri")
        #expect(annotations["nginx.ingress.kubernetes.io/service-upstream"] == nil, "it turns the hashing off")
        let service = try #require(manifests.services.first)
        let backends = ingress.spec.rules.flatMap { $0.http.paths }.map { $0.backend.service }
        #expect(!backends.isEmpty)
        for backend in backends {
            #expect(backend.name == service.metadata.name)
            let named = backend.port.name.map { name in service.spec.ports.contains { $0.name == name } }
            let numbered = backend.port.number.map { number in service.spec.ports.contains { $0.port == number } }
            let found = named ?? numbered ?? false
            #expect(found, "no port \(backend.port) on the Service")
        }
    }

    @Test("the grace period outlasts the drain delay and the drain")
    func gracePeriod() async throws {
        let manifests = try await KubernetesManifests.load()
        let settings = try manifests.containerEnvironment()
        let delay = try #require(settings["IMGEDGE_DRAIN_DELAY_SECONDS"].flatMap { Double($0) })
        let drain = try #require(settings["IMGEDGE_DRAIN_SECONDS"].flatMap { Double($0) })
        #expect(delay > 0, "the endpoints and the ingress need a moment to drop the pod")
        let grace = try manifests.pod().terminationGracePeriodSeconds
        #expect(Double(grace) > delay + drain)
    }

    @Test("the pod runs as a numeric non-root user, read-only, with no privileges or capabilities, in RuntimeDefault seccomp")
    func lockedDown() async throws {
        let manifests = try await KubernetesManifests.load()
        let pod = try manifests.pod().securityContext
        let container = try manifests.container().securityContext
        #expect((container?.runAsNonRoot ?? pod?.runAsNonRoot) == true)
        let user = try #require(container?.runAsUser ?? pod?.runAsUser)
        #expect(user > 0)
        #expect(container?.readOnlyRootFilesystem == true)
        #expect(container?.allowPrivilegeEscalation == false)
        #expect(container?.capabilities?.drop == ["ALL"])
        #expect((container?.seccompProfile ?? pod?.seccompProfile)?.type == "RuntimeDefault")
    }

    @Test("the disk tier is a directory inside an emptyDir, /tmp is an emptyDir, and codecs run in worker processes")
    func writableDirectories() async throws {
        let manifests = try await KubernetesManifests.load()
        let pod = try manifests.pod()
        let container = try manifests.container()
        let settings = try manifests.containerEnvironment()
        func emptyDir(at path: String) -> KubernetesManifests.Volume.EmptyDir? {
            let mount = container.volumeMounts.first { $0.mountPath == path }
            return pod.volumes.first { $0.name == mount?.name }?.emptyDir
        }
        let cacheDirectory = try #require(settings["IMGEDGE_CACHE_DIR"])
        // Inside, not the mount itself: imgedge refuses a directory others may write to, as an emptyDir is.
        let mount = try #require(container.volumeMounts.first { cacheDirectory.hasPrefix($0.mountPath + "/") })
        #expect(emptyDir(at: mount.mountPath) != nil)
        #expect(emptyDir(at: "/tmp") != nil)
        #expect(settings["IMGEDGE_ISOLATION"] == "process")
    }

    @Test("imgedge with the pod's variables answers the probes on the metrics port, serves signed images, and drains in time")
    func serves() async throws {
        let manifests = try await KubernetesManifests.load()
        let container = try manifests.container()
        let settings = try Self.settings(manifests)
        let grace = try manifests.pod().terminationGracePeriodSeconds
        let delay = try #require(settings["IMGEDGE_DRAIN_DELAY_SECONDS"].flatMap { Double($0) })
        let cacheDirectory = try #require(settings["IMGEDGE_CACHE_DIR"])
        let mount = try #require(container.volumeMounts.first { cacheDirectory.hasPrefix($0.mountPath + "/") })
        // The emptyDir as Kubernetes makes it, writable by all; the disk tier's directory inside it.
        let emptyDir = try Daemon.makeDirectory(for: "kubernetes-cache")
        defer { try? FileManager.default.removeItem(at: emptyDir) }
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: emptyDir.path)
        let cache = emptyDir.path + String(cacheDirectory.dropFirst(mount.mountPath.count))
        let signed = try await ImgEdgeProcess.run(
            ["sign", "/landscape.jpg?w=50"], environment: ["IMGEDGE_SIGNING_KEYS": Self.signingKey])
        let target = signed.output.trimmingCharacters(in: .whitespacesAndNewlines)
        // Loopback, free ports, TestImages/ and the built modules in place of the pod's; the rest
        // as the pod has it, service links included.
        let metricsPort = try freeLoopbackPort()
        let server = try await ImgEdgeProcess.Server.start(
            [
                "--host", "127.0.0.1", "--port", "0", "--metrics-port", String(metricsPort), "--origin", testImagesDirectory,
                "--modules", builtModulesDirectory, "--cache-dir", cache,
            ],
            environment: manifests.serviceLinks.merging(settings) { $1 })
        #expect(await RawConnection.status(ofGet: "/readyz", port: metricsPort) == "200")
        #expect(await RawConnection.status(ofGet: "/healthz", port: metricsPort) == "200")
        #expect(await RawConnection.status(ofGet: "/metrics", port: metricsPort) == "200")
        #expect(await RawConnection.status(ofGet: target, port: server.port) == "200", "rendered by a worker process")
        #expect(await RawConnection.status(ofGet: "/landscape.jpg?w=50", port: server.port) == "403", "unsigned")
        #expect(server.log.contains("service-link variables, not settings, ignored"))
        #expect(((try? FileManager.default.attributesOfItem(atPath: cache))?[.posixPermissions] as? Int) == 0o700)

        // SIGTERM: /readyz turns 503 at once while /healthz stays 200 and images are served
        // through the drain delay; the exit comes after the delay and within the grace period.
        let stopping = ContinuousClock.now
        server.send(SIGTERM)
        var readiness = await RawConnection.status(ofGet: "/readyz", port: metricsPort)
        while readiness != "503", ContinuousClock.now < stopping + .seconds(2) {
            try? await Task.sleep(for: .milliseconds(20))
            readiness = await RawConnection.status(ofGet: "/readyz", port: metricsPort)
        }
        #expect(readiness == "503")
        #expect(await RawConnection.status(ofGet: "/healthz", port: metricsPort) == "200")
        #expect(await RawConnection.status(ofGet: target, port: server.port) == "200", "served through the drain delay")
        #expect(await server.exitStatus() == 0)
        let stopped = ContinuousClock.now - stopping
        #expect(stopped >= .seconds(delay) && stopped < .seconds(grace), "exited \(stopped) after SIGTERM")
    }
}
