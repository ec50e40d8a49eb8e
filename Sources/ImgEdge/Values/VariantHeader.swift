import Foundation

/// What identifies a variant for caches, and when it was rendered: the fields of its response's
/// caching headers, of a tier's index entry and of a disk entry's header, so a 304 or a hit's
/// head needs nothing else.
struct VariantHeader: Sendable, Equatable {
    /// What the variant's bytes are, which `X-Variant` names.
    var format: VariantFormat
    /// The quoted strong `ETag`.
    var entityTag: String
    /// The source's `Last-Modified`, when the origin told it.
    var lastModified: String?
    /// When it was rendered, in whole seconds since 1970; `Age` counts from it.
    var renderedAt: Int
    /// Whether the optimiser will replace these bytes.
    var stage: VariantStage = .final

    /// Now, in the seconds `renderedAt` counts.
    static var currentTime: Int { Int(Date.now.timeIntervalSince1970) }

    /// The largest `Age` sent: RFC 9111 §1.2.2 caps delta-seconds at 2^31.
    static let maxAge = 2_147_483_648

    /// The `Age`, in seconds, at `now` (in seconds since 1970): 0 for a variant rendered in the
    /// future, at most `maxAge`. It never traps, whatever `renderedAt` holds: a tier checks what
    /// it reads, and this is the defence behind that.
    func age(at now: Int) -> Int {
        let (age, overflow) = now.subtractingReportingOverflow(renderedAt)
        if overflow { return renderedAt < 0 ? Self.maxAge : 0 }
        return min(max(0, age), Self.maxAge)
    }
}
