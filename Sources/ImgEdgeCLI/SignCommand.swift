import ArgumentParser
import ImgEdge

/// `imgedge sign PATH`: prints the path signed with the configured signing key.
struct SignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Print an image path and query signed for a server with --signing-key.",
        discussion: "The key comes from --signing-key, IMGEDGE_SIGNING_KEYS or the config file, as for serve."
    )

    @Argument(help: "The path and query to sign, e.g. '/photos/cat.jpg?w=400&format=webp'.")
    var path: String

    @OptionGroup var options: SettingsOptions

    func run() throws {
        let configuration = try options.resolve().value
        guard let signer = URLSigner(keys: configuration.signingKeys) else {
            throw ValidationError("no signing key: give --signing-key KEY or set IMGEDGE_SIGNING_KEYS")
        }
        guard path.hasPrefix("/") else { throw ValidationError("the path must start with /") }
        print(signer.signed(path))
    }
}
