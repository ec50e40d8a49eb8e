import Synchronization

/// Computes identical concurrent work once: the first caller for a key starts it, callers
/// arriving while it runs wait for the same result.
///
/// A thundering herd of misses for one new variant (a CDN's edges filling at once, a page
/// published) then costs one fetch and one libvips job. The work runs in its own task, so a
/// caller that is cancelled (its client gone) leaves without cancelling it for the others; when
/// the last caller leaves, the work is cancelled too. Nothing is kept after the work finishes:
/// this is not a cache.
final class RequestCoalescer<Key: Hashable & Sendable, Value: Sendable, Failure: Error>: Sendable {
    private typealias Waiter = CheckedContinuation<Result<Value, Failure>, Never>
    private typealias Table = CoalescingTable<Key, Waiter, Task<Void, Never>>
    private let table = Mutex(Table())
    /// What a caller that is cancelled before the work ends gets.
    private let cancelled: Failure

    /// - Parameter cancelled: the failure a cancelled caller gets.
    init(whenCancelled cancelled: Failure) {
        self.cancelled = cancelled
    }

    /// How many wait for the work under way for `key`.
    func waiters(for key: Key) -> Int {
        table.withLock { $0.waiters(for: key) }
    }

    /// Runs `work` for `key`, or joins the run already under way for it.
    /// - Returns: the value, and whether it came from a run another caller started.
    /// - Throws: what `work` throws, or the `cancelled` failure when the caller is cancelled.
    func run(
        _ key: Key, _ work: @escaping @Sendable () async throws(Failure) -> Value
    ) async throws(Failure) -> (value: Value, joined: Bool) {
        let ticket = Mutex<Table.Ticket?>(nil)
        var joinedAnother = true
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: Waiter) in
                let (joined, run) = table.withLock { $0.join(key, waiter: waiter) }
                ticket.withLock { $0 = joined }
                if let run {
                    joinedAnother = false
                    start(work, for: key, run: run)
                }
                // A cancellation before the ticket existed found nothing to leave.
                if Task.isCancelled {
                    leave(joined)
                }
            }
        } onCancel: {
            if let joined = ticket.withLock({ $0 }) {
                leave(joined)
            }
        }
        return (try result.get(), joinedAnother)
    }

    private func start(_ work: @escaping @Sendable () async throws(Failure) -> Value, for key: Key, run: Int) {
        let task = Task {
            let result: Result<Value, Failure>
            do throws(Failure) {
                result = .success(try await work())
            } catch {
                result = .failure(error)
            }
            for waiter in table.withLock({ $0.finish(key, run: run) }) {
                waiter.resume(returning: result)
            }
        }
        if !table.withLock({ $0.started(key, run: run, work: task) }) {
            task.cancel()
        }
    }

    private func leave(_ ticket: Table.Ticket) {
        let (waiter, abandoned) = table.withLock { $0.leave(ticket) }
        waiter?.resume(returning: .failure(cancelled))
        abandoned?.cancel()
    }
}
