/// Where a setting's value came from. Precedence runs in the order of the cases: a flag beats
/// the environment, which beats the config file, which beats the default.
enum SettingSource: Sendable, Equatable, CustomStringConvertible {
    case flag
    case environment
    case file(path: String)
    case defaultValue

    var description: String {
        switch self {
        case .flag: "flag"
        case .environment: "environment"
        case .file(let path): "file \(path)"
        case .defaultValue: "default"
        }
    }
}

/// A configuration resolved from flags, environment and file over a table of keys, with where
/// each value came from.
public struct ResolvedConfiguration<Root: Sendable>: Sendable {
    /// The configuration, validated.
    public let value: Root
    /// The keys it was resolved over.
    let keys: [ConfigurationKey<Root>]
    /// Each key's source, by config-file key.
    let sources: [String: SettingSource]
    /// The Kubernetes service-link variables that were not read as settings (`ServiceLinks`).
    public let serviceLinks: [String]

    /// Resolves `keys` over `inputs`, starting from `defaults`, and validates the result.
    ///
    /// - Throws: an unknown flag, variable or file key; a value that does not parse; or the
    ///   first value `validate` refuses. Each message spells the setting the way it was given
    ///   (`IMGEDGE_QUEUE=-1: queue must be 0...100000`).
    init(
        keys: [ConfigurationKey<Root>], inputs: ConfigurationInputs, defaults: Root,
        validate: (Root) throws(ConfigurationError) -> Void
    ) throws(ConfigurationError) {
        try Self.refuseUnknown(inputs, keys: keys)
        var value = defaults
        var sources: [String: SettingSource] = [:]
        var spellings: [String: String] = [:]
        for key in keys {
            guard let (text, source, spelling) = Self.lookUp(key, in: inputs) else {
                sources[key.name] = .defaultValue
                continue
            }
            do {
                try key.assign(text, to: &value)
            } catch {
                throw ConfigurationError(key: key.name, setting: spelling, reason: "\(key.words) \(error.reason)")
            }
            sources[key.name] = source
            spellings[key.name] = spelling
        }
        do {
            try validate(value)
        } catch {
            throw ConfigurationError(
                key: error.key, setting: error.key.flatMap { spellings[$0] } ?? error.setting, reason: error.reason)
        }
        self.value = value
        self.keys = keys
        self.sources = sources
        serviceLinks = inputs.serviceLinks
    }

    /// The key's text, its source and how the source spells it, or nil when no source sets it.
    private static func lookUp(
        _ key: ConfigurationKey<Root>, in inputs: ConfigurationInputs
    ) -> (text: String, source: SettingSource, spelling: String)? {
        func spelled(_ name: String, _ text: String) -> String {
            "\(name)=\(key.isSecret ? "<redacted>" : text)"
        }
        if let values = inputs.flags[key.flag] {
            let text = values.joined(separator: "\n")  // a list's items, one a line (see `listItems`)
            return (text, .flag, spelled("--\(key.flag)", text))
        }
        if let text = inputs.environment[key.environmentVariable] {
            return (key.environmentText(text), .environment, spelled(key.environmentVariable, text))
        }
        if let file = inputs.file, let text = file.values[key.name] {
            return (text, .file(path: file.path), spelled(key.name, text) + " in \(file.path)")
        }
        return nil
    }

    /// Throws for the first flag, `IMGEDGE_*` variable or file key that names no key: a
    /// misspelt setting must not be ignored in silence.
    private static func refuseUnknown(_ inputs: ConfigurationInputs, keys: [ConfigurationKey<Root>]) throws(ConfigurationError) {
        for (flag, values) in inputs.flags.sorted(by: { $0.key < $1.key }) {
            guard let key = keys.first(where: { $0.flag == flag }) else {
                throw ConfigurationError(reason: "unknown option --\(flag)")
            }
            guard values.count == 1 || key.isList else { throw ConfigurationError(reason: "--\(flag) is given more than once") }
        }
        if let variable = inputs.environment.keys.sorted().first(where: { name in
            !keys.contains { $0.environmentVariable == name }
        }) {
            let known = keys.map(\.environmentVariable)
            let hint = known.min { editDistance($0, variable) < editDistance($1, variable) }
                .flatMap { editDistance($0, variable) <= 2 ? " (did you mean \($0)?)" : nil }
            throw ConfigurationError(reason: "unknown environment variable \(variable)" + (hint ?? ""))
        }
        if let file = inputs.file,
            let name = file.values.keys.sorted().first(where: { name in !keys.contains { $0.name == name } })
        {
            throw ConfigurationError(reason: "unknown key \(name) in \(file.path)")
        }
    }
}

/// How many characters to insert, delete or replace to turn `one` into `other` (Levenshtein).
private func editDistance(_ one: String, _ other: String) -> Int {
    let (one, other) = (Array(one.utf8), Array(other.utf8))
    var previous = Array(0...other.count)
    for (row, character) in one.enumerated() {
        var current = [row + 1]
        for (column, otherCharacter) in other.enumerated() {
            current.append(
                min(previous[column + 1] + 1, current[column] + 1, previous[column] + (character == otherCharacter ? 0 : 1)))
        }
        previous = current
    }
    return previous[other.count]
}

extension ResolvedConfiguration where Root == ImgEdgeConfiguration {
    /// The server's configuration from `inputs`, over `ImgEdgeConfiguration.keys`.
    public init(_ inputs: ConfigurationInputs) throws(ConfigurationError) {
        try self.init(keys: Root.keys, inputs: inputs, defaults: Root()) { (configuration) throws(ConfigurationError) in
            try configuration.validate()
        }
    }
}

extension ResolvedConfiguration {
    /// Every key with its value and source, one per line, secrets redacted, a list's items
    /// separated by commas: `imgedge config`.
    public var listing: String {
        let width = keys.map(\.name.count).max() ?? 0
        return keys.map { key in
            let text = key.value(in: self.value)
            let value = key.isSecret && !text.isEmpty ? "<redacted>" : text.split(separator: "\n").joined(separator: ", ")
            let padding = String(repeating: " ", count: width - key.name.count)
            return "\(key.name)\(padding) = \(value)  (\(sources[key.name] ?? .defaultValue))"
        }.joined(separator: "\n")
    }
}
