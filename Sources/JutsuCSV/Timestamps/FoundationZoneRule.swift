import Foundation
import JutsuCore

/// A `ZoneRule` for IANA zones the core does not know (`Asia/Tokyo`, `Europe/London`), backed
/// by Foundation's time-zone database.
///
/// Foundation is asked once, when the rule is made, for every offset change between 1900 and
/// 2200; lookups are then a binary search over that table, so no `TimeZone` or
/// `DateFormatter` call runs per row, and the rule is an immutable value (Sendable, no lock).
/// Instants outside the table ask Foundation directly.
struct FoundationZoneRule: ZoneRule {
    let identifier: String
    private let timeZone: TimeZone
    /// UTC instants at which the offset changes, ascending.
    private let changes: [Int64]
    /// Offset in effect from `changes[i]` on.
    private let offsetsAfter: [Int32]
    /// Offset before the first change.
    private let initialOffset: Int32
    /// Local wall-clock time from which `offsetsAfter[i]` applies to naive local times: the end
    /// of the skipped or repeated hour (both take the pre-transition offset, as `USZone` does).
    private let localThresholds: [Int64]

    static let tableStart: Int64 = -2_208_988_800  // 1900-01-01T00:00Z
    static let tableEnd: Int64 = 7_258_118_400  // 2200-01-01T00:00Z

    init?(identifier: String) {
        guard let timeZone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        self.timeZone = timeZone
        var cursor = Date(timeIntervalSince1970: TimeInterval(Self.tableStart))
        let endDate = Date(timeIntervalSince1970: TimeInterval(Self.tableEnd))
        let initial = Int32(timeZone.secondsFromGMT(for: cursor))
        var changes: [Int64] = []
        var offsets: [Int32] = []
        var thresholds: [Int64] = []
        var previous = initial
        while let next = timeZone.nextDaylightSavingTimeTransition(after: cursor), next < endDate {
            let offset = Int32(timeZone.secondsFromGMT(for: next))
            let instant = Int64(next.timeIntervalSince1970.rounded())
            if offset != previous {
                changes.append(instant)
                offsets.append(offset)
                thresholds.append(instant + Int64(max(offset, previous)))
                previous = offset
            }
            guard next > cursor else { break }
            cursor = next
        }
        self.initialOffset = initial
        self.changes = changes
        self.offsetsAfter = offsets
        self.localThresholds = thresholds
    }

    func offsetSeconds(atUTC seconds: Int64) -> Int32 {
        guard seconds >= Self.tableStart, seconds < Self.tableEnd else { return foundationOffset(seconds) }
        let i = Self.lastIndex(in: changes, atOrBelow: seconds)
        return i < 0 ? initialOffset : offsetsAfter[i]
    }

    func offsetSeconds(forLocal localSeconds: Int64) -> Int32 {
        guard localSeconds > Self.tableStart + 86_400, localSeconds < Self.tableEnd - 86_400 else {
            // Outside the table: first guess from the local time read as UTC, then refine.
            let guess = foundationOffset(localSeconds)
            return foundationOffset(localSeconds - Int64(guess))
        }
        let i = Self.lastIndex(in: localThresholds, atOrBelow: localSeconds)
        return i < 0 ? initialOffset : offsetsAfter[i]
    }

    private func foundationOffset(_ seconds: Int64) -> Int32 {
        Int32(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
    }

    /// Index of the last element `<= value`, or -1.
    private static func lastIndex(in sorted: [Int64], atOrBelow value: Int64) -> Int {
        var lo = 0
        var hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] <= value { lo = mid + 1 } else { hi = mid }
        }
        return lo - 1
    }
}

/// Resolves a zone name: the core's own rules first, then Foundation's database.
public enum ZoneResolver {
    public static func rule(named name: String) -> (any ZoneRule)? {
        if let rule = ZoneRules.named(name) { return rule }
        return FoundationZoneRule(identifier: name)
    }
}
