import Foundation
import Vips

/// The pictures in the repository's `TestImages/` folder (described in its `SOURCES.md`).
///
/// Found from this file's own path with symlinks resolved, so the tests run both in this
/// package and in a scratch package whose test folder links here.
enum TestImages {
    /// The repository's `TestImages/` folder.
    static let directory = URL(fileURLWithPath: #filePath)
        .resolvingSymlinksInPath()
        .deletingLastPathComponent()  // VipsTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // the repository
        .appendingPathComponent("TestImages", isDirectory: true)

    /// The bytes of `TestImages/name`, with libvips started so they can be decoded at once.
    static func load(_ name: String) throws -> SourceBytes {
        try Libvips.start()
        return SourceBytes(try Data(contentsOf: directory.appendingPathComponent(name)))
    }
}

/// A thumbnail of `TestImages/file`.
func thumbnail(_ file: String, _ request: ThumbnailRequest) throws -> Image {
    try Image.thumbnail(of: TestImages.load(file), request)
}
