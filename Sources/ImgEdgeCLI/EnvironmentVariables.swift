import ArgumentParser
import Foundation

/// Reads `IMGEDGE_*` settings from the process environment; a malformed value is an error
/// naming the variable, never silently ignored.
struct EnvironmentVariables {
    private let values = ProcessInfo.processInfo.environment

    /// The variable's value; nil when unset or empty.
    func string(_ name: String) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }

    /// The variable as an integer; nil when unset or empty.
    func int(_ name: String) throws -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text) else { throw ValidationError("\(name) must be an integer, got \"\(text)\"") }
        return value
    }
}
