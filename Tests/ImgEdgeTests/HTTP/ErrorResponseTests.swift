import Filters
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ImageTestSupport
import NIOCore
import Testing
import Vips

@testable import ImgEdge

@Suite("Errors: a status and a one-line reason, and the next request is served")
struct ErrorResponseTests {
    @Test(
        "bad input gets the right 4xx with a reason naming the problem",
        arguments: [
            ("/landscape.jpg?w=abc", HTTPResponse.Status.badRequest, "w"),
            ("/landscape.jpg?w=0", .badRequest, "w"),
            ("/landscape.jpg?w=9000", .badRequest, "w"),
            ("/landscape.jpg?w=3000&dpr=3", .badRequest, "dpr"),
            ("/landscape.jpg?frobnicate=1", .badRequest, "frobnicate"),
            ("/landscape.jpg?w=1&width=2", .badRequest, "width"),
            ("/landscape.jpg?fit=squash", .badRequest, "fit"),
            ("/landscape.jpg?format=bmp", .badRequest, "format"),
            ("/landscape.jpg?q=101", .badRequest, "q"),
            ("/missing.jpg", .notFound, "no image"),
            ("/%2e%2e/Package.swift", .badRequest, "path"),
            ("/.hidden.jpg", .badRequest, "path"),
            ("/a//b.jpg", .badRequest, "path"),
            ("/not-an-image.jpg", .unsupportedMediaType, "not a supported image"),
            ("/SOURCES.md", .unsupportedMediaType, "not a supported image"),
            ("/truncated.jpg?w=100", .unprocessableContent, "corrupt or truncated"),
            ("/huge-dimensions.png?w=10", .unprocessableContent, "20000x20000"),
            ("/landscape.jpg?w=10&h=8000&fit=outside&enlarge=1", .badRequest, "14222x8000"),
            ("/landscape.jpg?w=8000&h=8000&fit=fill", .badRequest, "more than 40000000 pixels"),
            ("/animated.gif?w=8192&h=8192&fit=fill&format=gif", .badRequest, "8192x8192 × 5 frames, more than 40000000 pixels"),
            ("/landscape.tiff?w=10", .unsupportedMediaType, "not a supported image"),
        ]
    )
    func clientErrors(uri: String, status: HTTPResponse.Status, mention: String) async throws {
        try await withServer { client in
            let response = try await client.get(uri)
            #expect(response.status == status)
            let reason = String(buffer: response.body)
            #expect(reason.contains(mention))
            #expect(reason.hasSuffix("\n") && reason.dropLast().allSatisfy { !$0.isNewline })
            #expect(response.headers[.contentType] == "text/plain; charset=utf-8")
            #expect(response.headers[.eTag] == nil)
            let next = try await client.get("/landscape.jpg?w=50&format=jpeg")
            #expect(next.status == .ok)
        }
    }

    @Test("a 404 may be cached briefly; other errors are never cached")
    func errorCaching() async throws {
        try await withServer { client in
            let missing = try await client.get("/missing.jpg")
            #expect(missing.headers[.cacheControl] == "public, max-age=60")
            let corrupt = try await client.get("/truncated.jpg")
            #expect(corrupt.headers[.cacheControl] == "no-store")
        }
    }

    @Test("a source over --max-source-bytes is refused with 413")
    func sourceTooLarge() async throws {
        try await withServer(testConfiguration { $0.limits.maxSourceBytes = 50_000 }) { client in
            let response = try await client.get("/landscape.jpg?w=100")
            #expect(response.status == .contentTooLarge)
            #expect(String(buffer: response.body).contains("50000 bytes"))
        }
    }

    @Test("a source over --max-input-pixels is refused with 422 from its header")
    func tooManyPixels() async throws {
        try await withServer(testConfiguration { $0.limits.maxInputPixels = 900_000 }) { client in
            let response = try await client.get("/landscape.jpg?w=100")
            #expect(response.status == .unprocessableContent)
            #expect(String(buffer: response.body).contains("1280x720"))
        }
    }
}

@Suite("Every failure maps to one status, reason and kind")
struct ErrorMapTests {
    @Test(
        "refusals, filter failures and shutdown each have their own status and kind",
        arguments: [
            (ImageServiceError.refused(.invalidPath), 400, ErrorKind.invalidPath),
            (.refused(.badSignature), 403, .badSignature),
            (.refused(.clientOverShare), 429, .clientOverShare),
            (.refused(.clientGone), 503, .clientGone),
            (.refused(.shuttingDown), 503, .shuttingDown),
            (.overloaded, 503, .overloaded),
            (.filter(.failed(name: "blur", kind: .processingFailed, detail: "trap")), 422, .filterFailed),
            (.filter(.invalidModule(name: "blur", reason: "no memory export")), 500, .filterInvalid),
            (.filter(.stopped(name: "blur")), 503, .stopped),
            (.vips(.stopped), 503, .stopped),
            (.request(.unknownModule(parameter: "transform", name: "x", available: ["qoi"])), 400, .unknownTransform),
        ])
    func statuses(error: ImageServiceError, status: Int, kind: ErrorKind) {
        let response = ErrorResponse(error)
        #expect(response.status.code == status)
        #expect(response.kind == kind)
        #expect(!response.reason.isEmpty && !response.reason.contains("\n"))
    }

    @Test("shutting down is not reported as overload")
    func shutdownIsItsOwn() {
        #expect(ErrorResponse(.refused(.shuttingDown)).reason != ErrorResponse(.overloaded).reason)
    }
}
