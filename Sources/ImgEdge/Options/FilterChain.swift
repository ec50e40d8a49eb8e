/// The `filter=` parameter: filter modules to run after resizing, in order, each with numeric
/// arguments — `sepia,brightness(1.2),vignette(0.4)`.
///
/// Parsing checks only the grammar and bounds; whether each name is a loaded module is for the
/// caller, which knows the registry.
struct FilterChain: Sendable, Hashable {
    /// One filter and its arguments.
    struct Step: Sendable, Hashable {
        var name: String
        var arguments: [Float]
    }

    /// The most filters one request may chain.
    static let maxSteps = 8
    /// The most arguments one filter may take.
    static let maxArguments = 16

    var steps: [Step]

    init(steps: [Step] = []) {
        self.steps = steps
    }

    /// Parses the parameter's value.
    /// - Throws: `OptionsError.invalidValue` naming `filter` and what was expected.
    init(parsing text: String) throws(OptionsError) {
        func invalid(_ expected: String) -> OptionsError {
            .invalidValue(name: "filter", value: text, expected: expected)
        }
        var steps: [Step] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            let name = rest.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
            guard !name.isEmpty else { throw invalid("filter names like sepia or brightness(1.2), separated by commas") }
            rest = rest.dropFirst(name.count)
            var arguments: [Float] = []
            if rest.first == "(" {
                guard let close = rest.firstIndex(of: ")") else {
                    throw invalid("a closing parenthesis after \(name)'s arguments")
                }
                for argument in rest[rest.index(after: rest.startIndex)..<close].split(
                    separator: ",", omittingEmptySubsequences: false)
                {
                    guard argument.count <= 32, let value = Float(argument), value.isFinite else {
                        throw invalid("numbers as \(name)'s arguments")
                    }
                    arguments.append(value)
                }
                rest = rest[rest.index(after: close)...]
            }
            guard arguments.count <= Self.maxArguments else { throw invalid("at most \(Self.maxArguments) arguments a filter") }
            steps.append(Step(name: String(name), arguments: arguments))
            guard steps.count <= Self.maxSteps else { throw invalid("at most \(Self.maxSteps) filters") }
            if rest.first == "," {
                rest = rest.dropFirst()
                guard !rest.isEmpty else { throw invalid("a filter after the last comma") }
            } else if !rest.isEmpty {
                throw invalid("a comma between filters")
            }
        }
        self.steps = steps
    }
}
