/// The documents derived from a table of keys: `serve --help`'s list of settings and
/// docs/configuration.md's configuration table (`imgedge config`'s listing is
/// `ResolvedConfiguration.listing`).
extension Array {
    /// Each key's flag, help, allowed values, variable, file key and default, for `--help`,
    /// wrapped to 78 columns, inside the 80 ArgumentParser wraps at.
    func helpText<Root>(defaults: Root) -> String where Element == ConfigurationKey<Root> {
        map { key in
            let text =
                "\(key.help) Takes \(key.allowed). Env \(key.environmentVariable); file \(key.name). "
                + "Default: \(key.documentedDefault(defaults) { $0 })."
            return "  --\(key.flag) <value>\n" + wrapped(text, indent: 8)
        }.joined(separator: "\n")
    }

    /// docs/configuration.md's configuration table, in Markdown (`scripts/update-config-docs.sh`
    /// writes it there).
    func markdownTable<Root>(defaults: Root) -> String where Element == ConfigurationKey<Root> {
        let rows = map { key in
            let reload = key.isReloadable ? "yes" : "no"
            return
                "| `--\(key.flag)` | `\(key.environmentVariable)` | `\(key.name)` | \(key.documentedDefault(defaults) { "`\($0)`" }) | "
                + "\(key.help) Takes \(key.allowed). | \(reload) |"
        }
        return (["| flag | environment | config file | default | meaning | SIGHUP |", "|---|---|---|---|---|---|"] + rows)
            .joined(separator: "\n")
    }
}

extension ConfigurationKey {
    /// The default as help shows it: words where it depends on the machine or is empty, a
    /// value through `literal`, secrets hidden.
    func documentedDefault(_ defaults: Root, literal: (String) -> String) -> String {
        let value = value(in: defaults)
        if let defaultDescription { return defaultDescription }
        if value.isEmpty { return "none" }
        return isSecret ? "<redacted>" : literal(value)
    }
}

/// `text` broken into lines of at most `width` columns, each indented by `indent` spaces.
func wrapped(_ text: String, indent: Int, width: Int = 78) -> String {
    let margin = String(repeating: " ", count: indent)
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ") {
        if !line.isEmpty, margin.count + line.count + 1 + word.count > width {
            lines.append(margin + line)
            line = ""
        }
        line += (line.isEmpty ? "" : " ") + word
    }
    if !line.isEmpty { lines.append(margin + line) }
    return lines.joined(separator: "\n")
}
