internal import CVipsShim

/// How long one job's libvips work may compute, and whether it has been called off.
///
/// libvips computes lazily, tile by tile, inside the calls that evaluate an image
/// (`materialized`, `rewritingPixels`, `encoded`); an image made with a budget stops at its next
/// tile once the budget is spent, and the call throws `VipsError.stopped`. `cancel()` may be
/// called from any thread: that is how a job whose clients have all gone frees its worker.
public final class EvaluationBudget: @unchecked Sendable {
    /// The shim's reference-counted budget; this object owns one reference. Its fields are
    /// read and written atomically, hence `@unchecked Sendable`.
    let pointer: OpaquePointer

    /// A budget without a deadline until `start(_:)`, so it can be cancelled while the job waits.
    public init() {
        pointer = imgedge_vips_budget_new()
    }

    /// Starts the clock: the budget runs out `duration` from now. Call it once, on the job's
    /// thread, as the job starts.
    public func start(_ duration: Duration) {
        imgedge_vips_budget_start(pointer, Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }

    deinit {
        imgedge_vips_budget_unref(pointer)
    }

    /// Calls the job off: evaluation stops at the next tile.
    public func cancel() {
        imgedge_vips_budget_cancel(pointer)
    }

    /// Whether the job has been called off or has run past its deadline.
    public var isSpent: Bool {
        imgedge_vips_budget_is_spent(pointer) != 0
    }

    /// Seconds until the deadline: 0 once spent or cancelled, `Double.greatestFiniteMagnitude`
    /// before `start(_:)`.
    public var secondsLeft: Double {
        imgedge_vips_budget_seconds_left(pointer)
    }

    /// Makes later evaluations of `image` stop once the budget is spent.
    func watch(_ image: UnsafeMutablePointer<CVipsShim.VipsImage>) {
        imgedge_vips_watch(image, pointer)
    }
}
