import JutsuCore

/// What happened to the rows of a batch, a file or a run. Every row read lands in exactly one
/// of inserted, updated, unchanged or rejected.
public struct LoadCounts: Sendable, Equatable, Codable {
    public var read: Int64 = 0
    public var inserted: Int64 = 0
    public var updated: Int64 = 0
    public var unchanged: Int64 = 0
    public var rejected: Int64 = 0
    public var rejectsByReason: [String: Int64] = [:]

    public init() {}

    public var isBalanced: Bool { read == inserted + updated + unchanged + rejected }

    public mutating func reject(_ reason: RejectReason, count: Int64 = 1) {
        rejected += count
        rejectsByReason[reason.rawValue, default: 0] += count
    }

    /// Adds `after - before` (what happened between two snapshots of one counter).
    public mutating func add(_ after: LoadCounts, minus before: LoadCounts) {
        read += after.read - before.read
        inserted += after.inserted - before.inserted
        updated += after.updated - before.updated
        unchanged += after.unchanged - before.unchanged
        rejected += after.rejected - before.rejected
        if after.rejected != before.rejected {
            for (reason, n) in after.rejectsByReason where n != before.rejectsByReason[reason, default: 0] {
                rejectsByReason[reason, default: 0] += n - before.rejectsByReason[reason, default: 0]
            }
        }
    }

    public static func += (lhs: inout LoadCounts, rhs: LoadCounts) {
        lhs.read += rhs.read
        lhs.inserted += rhs.inserted
        lhs.updated += rhs.updated
        lhs.unchanged += rhs.unchanged
        lhs.rejected += rhs.rejected
        for (reason, n) in rhs.rejectsByReason { lhs.rejectsByReason[reason, default: 0] += n }
    }
}
