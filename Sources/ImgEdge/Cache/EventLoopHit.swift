import NIOCore

/// A cache hit as an event loop's handler gets it: at once, from memory or a tier's index, or
/// once a disk read has ended (nil then when the read found nothing it could trust).
enum EventLoopHit<Value: Sendable>: Sendable {
    case now(Value)
    case later(EventLoopFuture<Value?>)

    /// The hit with `transform` applied to its value, now or when it arrives.
    func map<Other: Sendable>(_ transform: @escaping @Sendable (Value) -> Other) -> EventLoopHit<Other> {
        switch self {
        case .now(let value): .now(transform(value))
        case .later(let future): .later(future.map { $0.map(transform) })
        }
    }

    /// The value, awaited when it comes later; nil when a later read found nothing.
    var value: Value? {
        get async {
            switch self {
            case .now(let value): value
            case .later(let future): (try? await future.get()) ?? nil
            }
        }
    }
}
