import Foundation
import Testing

/// The objects of `deploy/kubernetes/` and its subfolders, read by PyYAML (`python3-yaml`) and
/// decoded by kind, with only the fields the tests check; a field they need that is missing, or
/// has another type, fails the decoding.
struct KubernetesManifests: Decodable {
    let configMaps: [ConfigMap]
    let secrets: [Secret]
    let deployments: [Deployment]
    let services: [Service]
    let ingresses: [Ingress]

    enum CodingKeys: String, CodingKey {
        case configMaps = "ConfigMap"
        case secrets = "Secret"
        case deployments = "Deployment"
        case services = "Service"
        case ingresses = "Ingress"
    }

    /// Every `.yaml` document under `deploy/kubernetes/`, one folder deep, as one JSON object of
    /// arrays by kind.
    private static let script = """
        import glob, json, sys, yaml
        kinds = {}
        for path in sorted(glob.glob(sys.argv[1] + "/*.yaml") + glob.glob(sys.argv[1] + "/*/*.yaml")):
            with open(path) as file:
                for document in yaml.safe_load_all(file):
                    if document:
                        kinds.setdefault(document["kind"], []).append(document)
        print(json.dumps(kinds))
        """

    /// The manifests, read once for all the tests that check them.
    static func load() async throws -> KubernetesManifests {
        try await loading.value
    }

    private static let loading = Task { try await read() }

    /// Reads and decodes the manifests; Python runs on a Dispatch thread (see `ImgEdgeProcess`).
    private static func read() async throws -> KubernetesManifests {
        let python = try await offCooperativePool {
            try ImgEdgeProcess.runBlocking(
                URL(fileURLWithPath: "/usr/bin/python3"), ["-c", script, "\(deployDirectory)/kubernetes"], environment: nil)
        }
        guard python.status == 0 else { throw PythonFailed(errors: python.errors) }
        return try JSONDecoder().decode(KubernetesManifests.self, from: Data(python.output.utf8))
    }

    struct PythonFailed: Error {
        let errors: String
    }

    /// The pod of the one Deployment.
    func pod() throws -> PodSpec {
        #expect(deployments.count == 1)
        let deployment = try #require(deployments.first)
        return deployment.spec.template.spec
    }

    /// The pod's one container, imgedge.
    func container() throws -> Container {
        let containers = try pod().containers
        #expect(containers.count == 1)
        return try #require(containers.first)
    }

    /// What the container's variables are, as the kubelet makes them: the ConfigMaps and Secrets
    /// its `envFrom` names, in order, then its own `env` (a `valueFrom` one left out: its value
    /// is the cluster's). A name with no such object fails.
    func containerEnvironment() throws -> [String: String] {
        let container = try self.container()
        var environment: [String: String] = [:]
        for source in container.envFrom {
            if let name = source.configMapRef?.name {
                let map = try #require(configMaps.first { $0.metadata.name == name }, "no ConfigMap \(name)")
                environment.merge(map.data) { $1 }
            }
            if let name = source.secretRef?.name {
                let secret = try #require(secrets.first { $0.metadata.name == name }, "no Secret \(name)")
                environment.merge(secret.stringData) { $1 }
            }
        }
        for variable in container.env ?? [] {
            environment[variable.name] = variable.value
        }
        return environment
    }

    /// The variables Kubernetes gives every pod in the namespace for each of the Services
    /// (`enableServiceLinks`), with a cluster IP of 10.0.0.1: the container's own override them.
    var serviceLinks: [String: String] {
        var links: [String: String] = [:]
        for service in services {
            let prefix = service.metadata.name.uppercased().replacing("-", with: "_")
            guard let first = service.spec.ports.first else { continue }
            links["\(prefix)_SERVICE_HOST"] = "10.0.0.1"
            links["\(prefix)_SERVICE_PORT"] = String(first.port)
            links["\(prefix)_PORT"] = "tcp://10.0.0.1:\(first.port)"
            for port in service.spec.ports {
                if let name = port.name {
                    links["\(prefix)_SERVICE_PORT_\(name.uppercased().replacing("-", with: "_"))"] = String(port.port)
                }
                let tcp = "\(prefix)_PORT_\(port.port)_TCP"
                links[tcp] = "tcp://10.0.0.1:\(port.port)"
                links["\(tcp)_PROTO"] = "tcp"
                links["\(tcp)_PORT"] = String(port.port)
                links["\(tcp)_ADDR"] = "10.0.0.1"
            }
        }
        return links
    }

    struct Metadata: Decodable {
        let name: String
        let labels: [String: String]?
        let annotations: [String: String]?
    }

    struct ConfigMap: Decodable {
        let metadata: Metadata
        let data: [String: String]
    }

    struct Secret: Decodable {
        let metadata: Metadata
        let stringData: [String: String]
    }

    struct Deployment: Decodable {
        let spec: Spec

        struct Spec: Decodable {
            let selector: Selector
            let template: Template
        }

        struct Selector: Decodable {
            let matchLabels: [String: String]
        }

        struct Template: Decodable {
            let metadata: TemplateMetadata
            let spec: PodSpec
        }

        struct TemplateMetadata: Decodable {
            let labels: [String: String]
        }
    }

    struct PodSpec: Decodable {
        let terminationGracePeriodSeconds: Int
        let securityContext: SecurityContext?
        let containers: [Container]
        let volumes: [Volume]
    }

    /// The pod's and the container's security context in one: each field is on one or both.
    struct SecurityContext: Decodable {
        let runAsNonRoot: Bool?
        let runAsUser: Int?
        let readOnlyRootFilesystem: Bool?
        let allowPrivilegeEscalation: Bool?
        let capabilities: Capabilities?
        let seccompProfile: SeccompProfile?

        struct Capabilities: Decodable {
            let drop: [String]?
        }

        struct SeccompProfile: Decodable {
            let type: String
        }
    }

    struct Container: Decodable {
        let env: [Variable]?
        let envFrom: [VariablesSource]
        let ports: [Port]
        let readinessProbe: Probe
        let livenessProbe: Probe
        let securityContext: SecurityContext?
        let volumeMounts: [VolumeMount]

        struct Variable: Decodable {
            let name: String
            let value: String?
        }

        struct VariablesSource: Decodable {
            let configMapRef: Reference?
            let secretRef: Reference?
        }

        struct Reference: Decodable {
            let name: String
        }

        struct Port: Decodable {
            let name: String?
            let containerPort: Int
        }

        struct Probe: Decodable {
            let httpGet: HTTPGet

            struct HTTPGet: Decodable {
                let path: String
                let port: PortReference
            }
        }

        struct VolumeMount: Decodable {
            let name: String
            let mountPath: String
        }

        /// The number `port` stands for: itself, or the number of the container's port so named.
        func number(of port: PortReference) -> Int? {
            switch port {
            case .number(let number): return number
            case .name(let name): return ports.first { $0.name == name }?.containerPort
            }
        }
    }

    struct Volume: Decodable {
        let name: String
        let emptyDir: EmptyDir?

        struct EmptyDir: Decodable {
            let sizeLimit: String?
        }
    }

    struct Service: Decodable {
        let metadata: Metadata
        let spec: Spec

        struct Spec: Decodable {
            let selector: [String: String]
            let ports: [Port]
        }

        struct Port: Decodable {
            let name: String?
            let port: Int
            let targetPort: PortReference
        }
    }

    struct Ingress: Decodable {
        let metadata: Metadata
        let spec: Spec

        struct Spec: Decodable {
            let rules: [Rule]
        }

        struct Rule: Decodable {
            let http: HTTP
        }

        struct HTTP: Decodable {
            let paths: [Path]
        }

        struct Path: Decodable {
            let backend: Backend
        }

        struct Backend: Decodable {
            let service: ServiceBackend
        }

        struct ServiceBackend: Decodable {
            let name: String
            let port: Port

            struct Port: Decodable {
                let name: String?
                let number: Int?
            }
        }
    }

    /// A port given by number or by the name of a container port (Kubernetes' IntOrString).
    enum PortReference: Decodable, Equatable {
        case number(Int)
        case name(String)

        init(from decoder: any Decoder) throws {
            let value = try decoder.singleValueContainer()
            if let number = try? value.decode(Int.self) {
                self = .number(number)
            } else {
                self = .name(try value.decode(String.self))
            }
        }
    }
}
