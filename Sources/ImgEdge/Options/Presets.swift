import Foundation
import HummingbirdCore

/// Named queries that `preset=NAME` stands for (`--preset thumb=w=200&h=200&fit=cover`), and
/// whether URLs may give anything else.
///
/// A preset's parameters come first and the URL's own win over them (`preset=thumb&w=300` is
/// 300 wide), whichever name or alias either uses. With ``isExclusive`` (`--presets-only`) a URL
/// may name only `preset` (and `sig`): with signing off, that is how a site stops the world from
/// asking for variants it never uses.
struct Presets: Sendable {
    /// Each preset's parameters, percent-decoded, by name.
    private let queries: [String: [(name: String, value: String)]]
    /// Whether a URL may give nothing but `preset` and `sig`.
    let isExclusive: Bool

    /// The presets of `entries`, each `NAME=QUERY`; an entry ``problem(in:)`` finds fault with is
    /// left out (the configuration's validation refuses those before this runs).
    init(entries: [String], isExclusive: Bool) {
        var queries: [String: [(name: String, value: String)]] = [:]
        for entry in entries {
            guard let (name, query) = Self.split(entry) else { continue }
            queries[name] = query
        }
        self.queries = queries
        self.isExclusive = isExclusive
    }

    /// The entries of a presets file: one `NAME=QUERY` a line; blank lines and lines starting
    /// with `#` are skipped. Nil when the file cannot be read.
    static func entries(inFile path: String) -> [String]? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// Why the presets file at `path` cannot be read as presets, or nil.
    static func problem(inFile path: String) -> String? {
        guard let entries = entries(inFile: path) else { return "cannot be read" }
        return problem(in: entries)
    }

    /// Why `entries` cannot be presets, or nil: an entry that is not `NAME=QUERY` with a name of
    /// letters, digits, `-` and `_`, a name given twice, or a query that is not valid options.
    static func problem(in entries: [String]) -> String? {
        var names: Set<String> = []
        for entry in entries {
            guard let (name, query) = split(entry) else { return "\"\(entry)\" is not NAME=QUERY" }
            guard names.insert(name).inserted else { return "preset \(name) is given twice" }
            do {
                _ = try ProcessingOptions(query: query, passthroughNames: ["filter"])
            } catch {
                return "preset \(name): \(error.reason)"
            }
        }
        return nil
    }

    /// The query the pipeline parses for `query`: a `preset`'s parameters, then the URL's own
    /// in their place.
    /// - Throws: `.unknownPreset` for a name no preset has; `.onlyPresets` when presets are
    ///   exclusive and the URL names another parameter.
    func expanding(_ query: [(name: String, value: String)]) throws(OptionsError) -> [(name: String, value: String)] {
        if isExclusive, let other = query.first(where: { $0.name != "preset" && $0.name != "sig" }) {
            throw .onlyPresets(name: other.name)
        }
        guard let asked = query.first(where: { $0.name == "preset" }) else { return query }
        guard let preset = queries[asked.value] else { throw .unknownPreset(asked.value) }
        let own = query.filter { $0.name != "preset" }
        let overridden = Set(own.map { Self.identity(of: $0.name) })
        return preset.filter { !overridden.contains(Self.identity(of: $0.name)) } + own
    }

    /// What makes two parameter names the same parameter: `w` and `width` are one.
    private static func identity(of name: String) -> String {
        QueryParameter(name: name).map { "\($0)" } ?? name
    }

    /// `NAME=QUERY` split, the query into its parameters as a URL's query is read (values
    /// percent-decoded), so a preset means what its parameters would in a URL; nil when the
    /// name is malformed.
    private static func split(_ entry: String) -> (name: String, query: [(name: String, value: String)])? {
        guard let equals = entry.firstIndex(of: "=") else { return nil }
        let name = String(entry[..<equals])
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_"))
        guard !name.isEmpty, name.unicodeScalars.allSatisfy(allowed.contains) else { return nil }
        let query = URI("/?" + entry[entry.index(after: equals)...]).queryParameters
        return (name, query.map { (name: String($0.key), value: String($0.value)) })
    }
}
