import Foundation

/// The raw settings a configuration is resolved from, before any is parsed: flags, the
/// environment and a config file, each a map from a key's spelling in that source to its text.
///
/// Nothing here reads the process: the caller hands in the arguments and the environment, so
/// tests inject both.
public struct ConfigurationInputs: Sendable {
    /// Flag values by flag name without dashes (`max-source-bytes`), in the order given.
    var flags: [String: [String]] = [:]
    /// The `IMGEDGE_*` variables of the environment, Kubernetes' service links left out.
    var environment: [String: String] = [:]
    /// The names of the Kubernetes service-link variables left out (`ServiceLinks`), sorted.
    public private(set) var serviceLinks: [String] = []
    /// The config file's path and its values by dotted key (`limits.max_source_bytes`).
    var file: (path: String, values: [String: String])?

    /// The environment variable naming a config file when `--config` is absent.
    static let configFileVariable = "IMGEDGE_CONFIG"

    /// - Parameters:
    ///   - arguments: the command-line settings, `--name value` or `--name=value`; a list's
    ///     flag may be repeated.
    ///   - environment: the process environment.
    ///   - configFile: the config file's path (`--config`); if nil, `IMGEDGE_CONFIG` names it.
    /// - Throws: a flag that is malformed, or a file that cannot be read or is
    ///   not a JSON object of objects, strings, numbers, booleans and lists of those.
    public init(
        arguments: [String] = [], environment: [String: String] = [:], configFile: String? = nil
    )
        throws(ConfigurationError)
    {
        self.flags = try Self.parseFlags(arguments)
        for (name, value) in environment where name.hasPrefix("IMGEDGE_") && name != Self.configFileVariable {
            if ServiceLinks.isServiceLink(name, value: value) {
                serviceLinks.append(name)
            } else {
                self.environment[name] = value
            }
        }
        serviceLinks.sort()
        if let path = configFile ?? environment[Self.configFileVariable].flatMap({ $0.isEmpty ? nil : $0 }) {
            self.file = (path, try Self.readFile(path))
        }
    }

    private static func parseFlags(_ arguments: [String]) throws(ConfigurationError) -> [String: [String]] {
        var flags: [String: [String]] = [:]
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw ConfigurationError(reason: "unexpected argument \"\(argument)\"")
            }
            let name: String
            let value: String
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[argument.index(argument.startIndex, offsetBy: 2)..<equals])
                value = String(argument[argument.index(after: equals)...])
            } else {
                name = String(argument.dropFirst(2))
                guard let next = remaining.popFirst() else { throw ConfigurationError(reason: "--\(name) needs a value") }
                value = next
            }
            flags[name, default: []].append(value)
        }
        return flags
    }

    /// The file's leaf values by dotted key; numbers and booleans as JSON spells them, lists
    /// comma-separated.
    private static func readFile(_ path: String) throws(ConfigurationError) -> [String: String] {
        let root: JSONValue
        do {
            root = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ConfigurationError(reason: "config file \(path) cannot be read as JSON: \(error.localizedDescription)")
        }
        guard case .object(let members) = root else {
            throw ConfigurationError(reason: "config file \(path) must hold a JSON object")
        }
        var values: [String: String] = [:]
        try flatten(members, prefix: "", into: &values, path: path)
        return values
    }

    private static func flatten(
        _ members: [String: JSONValue], prefix: String, into values: inout [String: String], path: String
    )
        throws(ConfigurationError)
    {
        for (name, value) in members {
            let key = prefix + name
            switch value {
            case .object(let nested):
                try flatten(nested, prefix: key + ".", into: &values, path: path)
            case .list(let items):
                values[key] = try items.map { item throws(ConfigurationError) in
                    guard let text = item.text else {
                        throw ConfigurationError(key: key, reason: "\(key) in \(path) must list strings, numbers or booleans")
                    }
                    return text
                }.joined(separator: "\n")  // a list's items, one a line (see `listItems`)
            case .scalar(let text):
                values[key] = text
            }
        }
    }

    /// A JSON value with its scalars kept as JSON spells them.
    private enum JSONValue: Decodable {
        case scalar(String)
        case list([JSONValue])
        case object([String: JSONValue])

        var text: String? {
            if case .scalar(let text) = self { text } else { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flag = try? container.decode(Bool.self) {
                self = .scalar(flag ? "true" : "false")
            } else if let integer = try? container.decode(Int.self) {
                self = .scalar(String(integer))
            } else if let number = try? container.decode(Double.self) {
                self = .scalar(String(number))
            } else if let text = try? container.decode(String.self) {
                self = .scalar(text)
            } else if let items = try? container.decode([JSONValue].self) {
                self = .list(items)
            } else {
                self = .object(try container.decode([String: JSONValue].self))
            }
        }
    }
}
