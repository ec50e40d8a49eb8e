import Foundation

/// Why a setting's text is not a value of its key, as a phrase: "must be an integer, 0...65535".
struct InvalidValue: Error {
    let reason: String
}

/// One setting of `imgedge`, declared once: its config-file key, flag, help line, the values it
/// takes, and the field of `Root` it sets.
///
/// Everything else is derived from the declaration: the environment variable
/// (`IMGEDGE_` + the flag in capitals, unless named), the `serve --help` entry, the row of
/// docs/configuration.md's table, the line
/// `imgedge config` prints, and the range check of the concern's `validate()`. `Root` is the
/// concern the key belongs to (`SourceLimits`, say); `lifted(into:)` places a concern's keys
/// in the whole configuration.
struct ConfigurationKey<Root>: Sendable {
    /// The config-file key, nested by concern: `limits.max_source_bytes`.
    let name: String
    /// The flag without its leading dashes: `max-source-bytes`.
    let flag: String
    /// The environment variable: `IMGEDGE_` and the flag in capitals (`IMGEDGE_MAX_SOURCE_BYTES`),
    /// unless the declaration names another.
    let environmentVariable: String
    /// Whether the key holds a list, so its flag may be repeated (each adds to the list).
    let isList: Bool
    /// One line of help.
    let help: String
    /// The values allowed, for help: `an integer, 1024 or more`.
    let allowed: String
    /// Whether `imgedge config` and error messages hide the value.
    let isSecret: Bool
    /// Whether a SIGHUP applies a new value from the config file to the running server.
    let isReloadable: Bool
    /// The default in words, where the value itself depends on the machine ("the number of cores").
    let defaultDescription: String?
    /// The environment variable's text as a repeated flag would give it: a comma-separated
    /// list's items one a line; any other key's text as it is.
    let environmentText: @Sendable (String) -> String
    private let parse: @Sendable (inout Root, String) throws(InvalidValue) -> Void
    private let format: @Sendable (Root) -> String
    private let check: @Sendable (Root) -> String?

    /// The flag in words, for messages: "max source bytes".
    var words: String {
        flag.replacingOccurrences(of: "-", with: " ")
    }

    /// Sets the key's field from `text` as a flag, variable or file spells it.
    func assign(_ text: String, to root: inout Root) throws(InvalidValue) {
        try parse(&root, text)
    }

    /// The field's value in `root`, spelled as a flag would take it.
    func value(in root: Root) -> String {
        format(root)
    }

    /// Why the field's value in `root` is not allowed, or nil when it is.
    func problem(in root: Root) -> String? {
        check(root).map { "\(words) \($0)" }
    }

    /// Copies the key's field from `source` into `target`.
    func copy(from source: Root, to target: inout Root) {
        // Formatting and parsing round-trips every value a key can hold.
        try? parse(&target, format(source))
    }

    init(
        name: String, flag: String?, environment: String? = nil, help: String, allowed: String, isSecret: Bool = false,
        isList: Bool = false, isReloadable: Bool, defaultDescription: String? = nil,
        environmentText: @escaping @Sendable (String) -> String = { $0 },
        parse: @escaping @Sendable (inout Root, String) throws(InvalidValue) -> Void,
        format: @escaping @Sendable (Root) -> String,
        check: @escaping @Sendable (Root) -> String? = { _ in nil }
    ) {
        self.name = name
        self.flag = flag ?? String(name.split(separator: ".").last ?? "").replacingOccurrences(of: "_", with: "-")
        self.environmentVariable = environment ?? "IMGEDGE_" + self.flag.uppercased().replacingOccurrences(of: "-", with: "_")
        self.isList = isList
        self.help = help
        self.allowed = allowed
        self.isSecret = isSecret
        self.isReloadable = isReloadable
        self.defaultDescription = defaultDescription
        self.environmentText = environmentText
        self.parse = parse
        self.format = format
        self.check = check
    }

    /// This key as a key of `Whole`, whose field `concern` holds a `Root`.
    func lifted<Whole>(into concern: any WritableKeyPath<Whole, Root> & Sendable) -> ConfigurationKey<Whole> {
        ConfigurationKey<Whole>(
            name: name, flag: flag, environment: environmentVariable, help: help, allowed: allowed, isSecret: isSecret,
            isList: isList, isReloadable: isReloadable, defaultDescription: defaultDescription, environmentText: environmentText,
            parse: { (whole, text) throws(InvalidValue) in try parse(&whole[keyPath: concern], text) },
            format: { format($0[keyPath: concern]) },
            check: { check($0[keyPath: concern]) }
        )
    }
}

extension ConfigurationKey {
    /// An integer key; the flag defaults to the last component of `name` with dashes.
    static func integer<Value: FixedWidthInteger & Sendable>(
        _ name: String, flag: String? = nil, _ field: any WritableKeyPath<Root, Value> & Sendable, in range: ClosedRange<Value>,
        reloadable: Bool = false, defaultDescription: String? = nil, help: String
    ) -> Self {
        let allowed = range.upperBound == .max ? "\(range.lowerBound) or more" : "\(range.lowerBound)...\(range.upperBound)"
        return Self(
            name: name, flag: flag, help: help, allowed: "an integer, \(allowed)", isReloadable: reloadable,
            defaultDescription: defaultDescription,
            parse: { (root, text) throws(InvalidValue) in
                guard let value = Value(text) else { throw InvalidValue(reason: "must be an integer, \(allowed)") }
                root[keyPath: field] = value
            },
            format: { "\($0[keyPath: field])" },
            check: { range.contains($0[keyPath: field]) ? nil : "must be \(allowed)" }
        )
    }

    /// A duration key, given in seconds (decimals allowed).
    static func seconds(
        _ name: String, flag: String? = nil, _ field: any WritableKeyPath<Root, Duration> & Sendable,
        in range: ClosedRange<Double>,
        reloadable: Bool = false, help: String
    ) -> Self {
        let allowed = "\(secondsText(range.lowerBound))...\(secondsText(range.upperBound)) seconds"
        return Self(
            name: name, flag: flag, help: help, allowed: "a number of seconds, \(allowed)", isReloadable: reloadable,
            parse: { (root, text) throws(InvalidValue) in
                // Out of range is refused here too: a huge value would not fit a Duration.
                guard let seconds = Double(text), range.contains(seconds) else {
                    throw InvalidValue(reason: "must be \(allowed)")
                }
                root[keyPath: field] = .milliseconds(Int64((seconds * 1000).rounded()))
            },
            format: { secondsText($0[keyPath: field].seconds) },
            check: { range.contains($0[keyPath: field].seconds) ? nil : "must be \(allowed)" }
        )
    }

    /// A list of texts, each trimmed, empty ones dropped: each flag is one item, commas and all,
    /// and the flag may be repeated; the environment variable separates items with commas; the
    /// config file gives an array (a string there is one item). `check` says why the list is not
    /// allowed.
    ///
    /// Inside, as `assign` takes it and `value(in:)` gives it, the list is one item a line, so
    /// that an item holding a comma (a signing key may) stays one item through a reload.
    static func textList(
        _ name: String, flag: String? = nil, environment: String? = nil, _ field: any WritableKeyPath<Root, [String]> & Sendable,
        secret: Bool = false, reloadable: Bool = false, help: String,
        check: @escaping @Sendable ([String]) -> String? = { _ in nil }
    ) -> Self {
        Self(
            name: name, flag: flag, environment: environment, help: help,
            allowed: "a list: repeat the flag, separate with commas in the environment, an array in the file", isSecret: secret,
            isList: true, isReloadable: reloadable,
            environmentText: { $0.split(separator: ",", omittingEmptySubsequences: false).joined(separator: "\n") },
            parse: { root, text in
                root[keyPath: field] = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                    !$0.isEmpty
                }
            },
            format: { $0[keyPath: field].joined(separator: "\n") },
            check: { check($0[keyPath: field]) }
        )
    }

    /// A yes-or-no key: `true` or `false` (also `1`/`0`, `yes`/`no`).
    static func boolean(
        _ name: String, flag: String? = nil, _ field: any WritableKeyPath<Root, Bool> & Sendable, reloadable: Bool = false,
        help: String
    ) -> Self {
        Self(
            name: name, flag: flag, help: help, allowed: "true or false", isReloadable: reloadable,
            parse: { (root, text) throws(InvalidValue) in
                switch text.lowercased() {
                case "true", "1", "yes": root[keyPath: field] = true
                case "false", "0", "no": root[keyPath: field] = false
                default: throw InvalidValue(reason: "must be true or false")
                }
            },
            format: { $0[keyPath: field] ? "true" : "false" }
        )
    }

    /// A text key; `check` says why a value is not allowed; a `secret` one is never printed.
    static func text(
        _ name: String, flag: String? = nil, environment: String? = nil, _ field: any WritableKeyPath<Root, String> & Sendable,
        allowed: String, secret: Bool = false, reloadable: Bool = false, help: String,
        check: @escaping @Sendable (String) -> String? = { _ in nil }
    ) -> Self {
        Self(
            name: name, flag: flag, environment: environment, help: help, allowed: allowed, isSecret: secret,
            isReloadable: reloadable,
            parse: { root, text in root[keyPath: field] = text },
            format: { $0[keyPath: field] },
            check: { check($0[keyPath: field]) }
        )
    }

    /// A key that takes one of `Value`'s cases by name.
    static func choice<Value: RawRepresentable<String> & CaseIterable & Sendable>(
        _ name: String, flag: String? = nil, _ field: any WritableKeyPath<Root, Value> & Sendable, reloadable: Bool = false,
        help: String
    ) -> Self {
        let names = Value.allCases.map(\.rawValue).joined(separator: ", ")
        return Self(
            name: name, flag: flag, help: help, allowed: "one of \(names)", isReloadable: reloadable,
            parse: { (root, text) throws(InvalidValue) in
                guard let value = Value(rawValue: text) else { throw InvalidValue(reason: "must be one of \(names)") }
                root[keyPath: field] = value
            },
            format: { $0[keyPath: field].rawValue }
        )
    }

    /// A list of URL queries (which hold commas), one a line or separated by spaces; its flag may
    /// be repeated. `check` says why the list is not allowed.
    static func queryList(
        _ name: String, flag: String? = nil, environment: String? = nil, _ field: any WritableKeyPath<Root, [String]> & Sendable,
        reloadable: Bool = false, help: String, check: @escaping @Sendable ([String]) -> String?
    ) -> Self {
        Self(
            name: name, flag: flag, environment: environment, help: help, allowed: "a list of queries, separated by spaces",
            isList: true, isReloadable: reloadable,
            parse: { root, text in root[keyPath: field] = text.split(whereSeparator: \.isWhitespace).map(String.init) },
            format: { $0[keyPath: field].joined(separator: " ") },
            check: { check($0[keyPath: field]) }
        )
    }

    /// A comma-separated list of integers in `range`, strictly ascending, at least one.
    static func integerList(
        _ name: String, flag: String? = nil, _ field: any WritableKeyPath<Root, [Int]> & Sendable, in range: ClosedRange<Int>,
        help: String
    ) -> Self {
        let allowed = "a comma-separated, ascending list of integers, \(range.lowerBound)...\(range.upperBound)"
        return Self(
            name: name, flag: flag, help: help, allowed: allowed, isReloadable: false,
            parse: { (root, text) throws(InvalidValue) in
                var values: [Int] = []
                for item in listItems(text) {
                    guard let value = Int(item) else {
                        throw InvalidValue(reason: "must be \(allowed)")
                    }
                    values.append(value)
                }
                root[keyPath: field] = values
            },
            format: { $0[keyPath: field].map(String.init).joined(separator: ",") },
            check: { root in
                let values = root[keyPath: field]
                guard !values.isEmpty, values.allSatisfy(range.contains), zip(values, values.dropFirst()).allSatisfy({ $0 < $1 })
                else {
                    return "must be \(allowed)"
                }
                return nil
            }
        )
    }

    /// A comma-separated list of `choices`, in order, each at most once, at least one.
    static func list<Value: RawRepresentable<String> & Hashable & Sendable>(
        _ name: String, flag: String? = nil, _ field: any WritableKeyPath<Root, [Value]> & Sendable, of choices: [Value],
        reloadable: Bool = false, help: String
    ) -> Self {
        let names = choices.map(\.rawValue).joined(separator: ", ")
        return Self(
            name: name, flag: flag, help: help, allowed: "a comma-separated list of \(names)", isReloadable: reloadable,
            parse: { (root, text) throws(InvalidValue) in
                var values: [Value] = []
                for trimmed in listItems(text) {
                    guard let value = Value(rawValue: trimmed) else {
                        throw InvalidValue(reason: "lists \(names); \"\(trimmed)\" is none of them")
                    }
                    values.append(value)
                }
                root[keyPath: field] = values
            },
            format: { $0[keyPath: field].map(\.rawValue).joined(separator: ",") },
            check: { values in
                let values = values[keyPath: field]
                guard !values.isEmpty, values.allSatisfy(choices.contains), Set(values).count == values.count else {
                    return "must list \(names), each at most once"
                }
                return nil
            }
        )
    }
}

extension Array {
    /// The first problem of the keys in `root`, as an error naming the key and its value.
    func validate<Root>(_ root: Root) throws(ConfigurationError) where Element == ConfigurationKey<Root> {
        for key in self {
            if let problem = key.problem(in: root) {
                throw ConfigurationError(
                    key: key.name, setting: "\(key.name)=\(key.isSecret ? "<redacted>" : key.value(in: root))", reason: problem)
            }
        }
    }
}

/// The items of a list key's text, trimmed: a repeated flag's values and a config file's list
/// come one a line, an environment variable's or a single flag's comma-separated.
private func listItems(_ text: String) -> [String] {
    text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "," || $0 == "\n" })
        .map { $0.trimmingCharacters(in: .whitespaces) }
}

/// Seconds as a config value spells them: `30`, `0.5`.
private func secondsText(_ seconds: Double) -> String {
    seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int64(seconds)) : String(seconds)
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
