import Foundation
import Testing

@testable import Vips

@Suite("Refusing encodes that cannot finish in the time a job has left")
struct EncoderCostTests {
    @Test("the encoders the budget stops by themselves have no estimate", arguments: [ImageFormat.jpeg, .png])
    func stoppable(format: ImageFormat) {
        #expect(EncoderCost.worstCaseSeconds(format: format, effort: 0, pixels: 40_000_000) == nil)
    }

    @Test(
        "an estimate grows with effort, is clamped outside the measured efforts, and is proportional to pixels",
        arguments: [ImageFormat.webp, .avif, .jxl, .gif])
    func grows(format: ImageFormat) throws {
        let seconds = try (-1...12).map { effort in
            try #require(EncoderCost.worstCaseSeconds(format: format, effort: effort, pixels: 1_000_000))
        }
        #expect(zip(seconds, seconds.dropFirst()).allSatisfy { $0 <= $1 }, "\(seconds)")
        #expect(seconds.first == EncoderCost.worstCaseSeconds(format: format, effort: -5, pixels: 1_000_000))
        let double = try #require(EncoderCost.worstCaseSeconds(format: format, effort: 4, pixels: 2_000_000))
        #expect(abs(double - 2 * seconds[5]) < 1e-9)
    }

    @Test("the issue's 40 MP WebP at q100 and effort 4, measured at 11 s of encoding, is estimated above that")
    func coversTheIssue() throws {
        let seconds = try #require(EncoderCost.worstCaseSeconds(format: .webp, effort: 4, pixels: 8192 * 4882))
        #expect(seconds > 11)
    }

    @Test("a budget refuses what cannot finish in its time left, nothing before it starts, everything once cancelled")
    func budget() {
        let budget = EvaluationBudget()
        #expect(budget.canFinishEncoding(.webp, effort: 4, pixels: 40_000_000))
        budget.start(.seconds(2))
        #expect(!budget.canFinishEncoding(.webp, effort: 4, pixels: 40_000_000))
        #expect(budget.canFinishEncoding(.webp, effort: 4, pixels: 500_000))
        #expect(budget.canFinishEncoding(.jpeg, effort: 0, pixels: 40_000_000))
        budget.cancel()
        #expect(!budget.canFinishEncoding(.webp, effort: 4, pixels: 1_000))
    }

    @Test("encoding a WebP whose worst case exceeds the time left stops at once, without encoding")
    func refusesEncode() throws {
        let budget = EvaluationBudget()
        let image = try Image.thumbnail(
            of: TestImages.load("large-20mp.jpg"), ThumbnailRequest(width: 4096, height: 4096), budget: budget
        ).materialized()
        budget.start(.seconds(1))
        let start = ContinuousClock.now
        let error = #expect(throws: VipsError.self) { try image.encoded(as: .webp, quality: 100, effort: 4) }
        guard case .stopped? = error else {
            Issue.record("expected .stopped, got \(String(describing: error))")
            return
        }
        #expect(ContinuousClock.now - start < .milliseconds(200))
    }
}
