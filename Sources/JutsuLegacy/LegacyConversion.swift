import JutsuCore

/// Conversion of legacy SQLite values into the stored conventions. Pure: no I/O.
public enum LegacyConversion {
    /// The shortest decimal text that reads back as the same Double (Swift's `description` of
    /// a Double is exactly that: `523.4200440000001`, `0.30000000000000004`, `1e-07`).
    public static func shortestText(_ d: Double) -> String { "\(d)" }

    /// A price from a value of any storage class. REAL: the shortest round-trip text, then
    /// `Price.parse` (half-even to 6 places), so float noise disappears
    /// (`523.4200440000001` -> 523.420044, `0.1 + 0.2` -> 0.3, `1e-7` -> 0). INTEGER: exact.
    /// TEXT: parsed exactly. NULL -> missing field; NaN/inf/blob -> not a number.
    public static func price(_ value: LegacyValue) -> Result<Price, NumberParseFailure> {
        switch value {
        case .null: return .failure(.empty)
        case .integer(let v):
            guard v.magnitude <= UInt64(Price.maxMicros / Price.scale) else { return .failure(.outOfRange) }
            return .success(Price(micros: v * Price.scale))
        case .real(let d):
            guard d.isFinite else { return .failure(.invalid) }
            return Price.parse(shortestText(d))
        case .text(let t): return Price.parse(t)
        case .blob: return .failure(.invalid)
        }
    }

    /// A volume: INTEGER exact; REAL by its shortest text and TEXT parsed, both rounded
    /// half-even to an integer (`rounded` says a fraction was dropped).
    public static func volume(_ value: LegacyValue) -> Result<(value: Int64, rounded: Bool), NumberParseFailure> {
        switch value {
        case .null: return .failure(.empty)
        case .integer(let v): return .success((v, false))
        case .real(let d):
            guard d.isFinite else { return .failure(.invalid) }
            return Volume.parse(shortestText(d))
        case .text(let t): return Volume.parse(t)
        case .blob: return .failure(.invalid)
        }
    }

    /// Epoch numbers above this magnitude are milliseconds (1e11 s is the year 5138).
    static let millisecondsAbove: Int64 = 100_000_000_000
    /// Above this (ms), a number is not a timestamp of this era (1e14 ms is the year 5138).
    static let epochLimit: Int64 = 100_000_000_000_000

    /// The bar key (UTC seconds) of a legacy timestamp for `timeframe`, or a message why not.
    ///
    /// - TEXT: ISO date `YYYY-MM-DD`, or date and time with `T` or a space, `HH:MM[:SS[.fff]]`,
    ///   then `Z`, `+HH:MM`, `+HHMM`, `+HH` or nothing (naive = UTC, as the legacy app wrote
    ///   `datetime.utcnow()`); all-digit text is read as an epoch number.
    /// - INTEGER / REAL: epoch seconds, or milliseconds above 1e11 (by magnitude).
    /// - Daily and longer bars: keyed by their session date at 00:00 UTC: the date as written in
    ///   text (with or without offset), the America/New_York date of an epoch (as `import` does).
    /// - A non-zero fraction of a second is never on a bar boundary: misaligned.
    public static func timestamp(_ value: LegacyValue, timeframe: Timeframe) -> Result<Int64, TimestampFailure> {
        switch value {
        case .null: return .failure(.missing)
        case .blob: return .failure(.unreadable)
        case .integer(let v): return epoch(v, fraction: false, timeframe: timeframe)
        case .real(let d):
            guard d.isFinite, d.magnitude < 1e15 else { return .failure(.unreadable) }
            let whole = d.rounded(.down)
            return epoch(Int64(whole), fraction: whole != d, timeframe: timeframe)
        case .text(let t):
            let trimmed = t.trimmingSpaces
            if !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let v = Int64(trimmed) {
                return epoch(v, fraction: false, timeframe: timeframe)
            }
            guard let parsed = ISOTimestamp(trimmed) else { return .failure(.unreadable) }
            if parsed.fraction { return .failure(.fractionalSecond) }
            if timeframe.isIntraday { return .success(parsed.utcSeconds) }
            return .success(SessionKey.dailyKey(parsed.date, timeframe: timeframe))
        }
    }

    static func epoch(_ raw: Int64, fraction: Bool, timeframe: Timeframe) -> Result<Int64, TimestampFailure> {
        guard raw.magnitude < UInt64(epochLimit) else { return .failure(.unreadable) }
        var seconds = raw
        var fraction = fraction
        if raw.magnitude >= UInt64(millisecondsAbove) {
            seconds = raw >= 0 ? raw / 1000 : -((-raw + 999) / 1000)
            if raw % 1000 != 0 { fraction = true }
        }
        if fraction { return .failure(.fractionalSecond) }
        if timeframe.isIntraday { return .success(seconds) }
        return .success(SessionKey.dailyKey(instant: seconds, zone: USZone.eastern, timeframe: timeframe))
    }

    public enum TimestampFailure: Error, Equatable, Sendable {
        case missing, unreadable, fractionalSecond

        public var reason: RejectReason {
            switch self {
            case .missing: .missingField
            case .unreadable: .badTimestamp
            case .fractionalSecond: .misalignedTimestamp
            }
        }

        public var phrase: String {
            switch self {
            case .missing: "empty"
            case .unreadable: "not a timestamp (ISO text, epoch seconds or milliseconds)"
            case .fractionalSecond: "a fraction of a second is never on a bar boundary"
            }
        }
    }
}

/// An ISO 8601 date or date-time as the legacy app wrote them.
struct ISOTimestamp {
    var date: CivilDate
    var secondOfDay: Int64
    var offset: Int64
    var fraction: Bool

    var utcSeconds: Int64 { date.daysSinceEpoch * UnixTime.secondsPerDay + secondOfDay - offset }

    init?(_ text: String) {
        let b = Array(text.utf8)
        func digits(_ at: Int, _ n: Int) -> Int? {
            guard at + n <= b.count else { return nil }
            var v = 0
            for k in at..<(at + n) {
                guard b[k] >= 0x30 && b[k] <= 0x39 else { return nil }
                v = v * 10 + Int(b[k] - 0x30)
            }
            return v
        }
        guard b.count >= 10, let y = digits(0, 4), b[4] == 0x2D, let m = digits(5, 2), b[7] == 0x2D,
              let d = digits(8, 2), let date = CivilDate(year: y, month: m, day: d) else { return nil }
        self.date = date
        secondOfDay = 0
        offset = 0
        fraction = false
        var i = 10
        if i == b.count { return }
        guard b[i] == 0x54 || b[i] == 0x20 || b[i] == 0x74 else { return nil }
        i += 1
        guard let hh = digits(i, 2), i + 2 < b.count, b[i + 2] == 0x3A, let mm = digits(i + 3, 2),
              hh < 24, mm < 60 else { return nil }
        i += 5
        var ss = 0
        if i < b.count, b[i] == 0x3A {
            guard let s = digits(i + 1, 2), s < 60 else { return nil }
            ss = s
            i += 3
            if i < b.count, b[i] == 0x2E || b[i] == 0x2C {
                i += 1
                let start = i
                while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 {
                    if b[i] != 0x30 { fraction = true }
                    i += 1
                }
                guard i > start else { return nil }
            }
        }
        secondOfDay = Int64(hh * 3600 + mm * 60 + ss)
        if i == b.count { return }
        if b[i] == 0x5A || b[i] == 0x7A {
            guard i + 1 == b.count else { return nil }
            return
        }
        guard b[i] == 0x2B || b[i] == 0x2D else { return nil }
        let sign: Int64 = b[i] == 0x2D ? -1 : 1
        i += 1
        guard let oh = digits(i, 2), oh <= 18 else { return nil }
        i += 2
        var om = 0
        if i < b.count, b[i] == 0x3A { i += 1 }
        if i < b.count {
            guard let v = digits(i, 2), v < 60, i + 2 == b.count else { return nil }
            om = v
        }
        offset = sign * Int64(oh * 3600 + om * 60)
    }
}
