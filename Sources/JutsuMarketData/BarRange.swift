import JutsuCore

/// The bars wanted: those whose key `ts` (the bar's start, UTC seconds) lies in
/// `from ... through`, both ends included.
public struct BarRange: Hashable, Sendable, CustomStringConvertible {
    public var from: Int64
    public var through: Int64

    public init(from: Int64, through: Int64) {
        self.from = from
        self.through = through
    }

    /// Whole UTC days: from 00:00:00 of `from` to 23:59:59 of `through`. Daily bars, keyed at
    /// 00:00 UTC of their session date, are exactly the sessions `from ... through`.
    public init(from: CivilDate, through: CivilDate) {
        self.from = from.daysSinceEpoch * UnixTime.secondsPerDay
        self.through = (through.daysSinceEpoch + 1) * UnixTime.secondsPerDay - 1
    }

    /// Everything stored: 0001-01-01 to 9999-12-31.
    public static let all = BarRange(from: -62_135_596_800, through: 253_402_300_799)

    public var description: String { "\(UnixTime.iso8601(from)) .. \(UnixTime.iso8601(through))" }
}
