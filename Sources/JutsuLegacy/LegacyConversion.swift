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
        case .real(let d): return realPrice(d)
        case .text(let t): return Price.parse(t)
        case .blob: return .failure(.invalid)
        }
    }

    /// `price(.real(d))` without building the text when it is not needed: when the 6-place
    /// decimal n/10^6 nearest to d reads back as d, it is the shortest round-trip text's value
    /// (below 4e9 a Double's spacing is under 1e-6, so no other 6-place decimal reads back as
    /// d), and half-even to 6 places leaves it unchanged. Otherwise (float noise beyond the 6th
    /// place, huge values) the text path decides. Tested against it on random values.
    ///
    /// Float noise needs no text either, away from ties: below 1e6, m = d x 10^6 as computed is
    /// within 2.5e-4 of the exact product (m < 2^40), and the shortest text S is within
    /// 10^6 x ulp(d)/2 < 1.2e-4 of d x 10^6 (ulp(d) <= 2^-32), so when m is more than 0.001 from
    /// a half-integer, S x 10^6 rounds to the same integer as m, without a tie.
    @inline(__always)
    public static func realPrice(_ d: Double) -> Result<Price, NumberParseFailure> {
        guard d.isFinite else { return .failure(.invalid) }
        let m = d * 1_000_000
        if m.magnitude < 1.0e12 {
            let n = m.rounded(.toNearestOrEven)
            if (m - n).magnitude < 0.499 { return .success(Price(micros: Int64(n))) }
        }
        if m.magnitude < 4.0e15 {
            let n = m.rounded(.toNearestOrEven)
            if n / 1_000_000 == d { return .success(Price(micros: Int64(n))) }
        }
        return Price.parse(shortestText(d))
    }

    /// `volume(.real(d))`: an integral value below 2^53 is exact; anything else by its text.
    @inline(__always)
    public static func realVolume(_ d: Double) -> Result<(value: Int64, rounded: Bool), NumberParseFailure> {
        guard d.isFinite else { return .failure(.invalid) }
        if d.magnitude < 9.0e15, d == d.rounded(.towardZero) { return .success((Int64(d), false)) }
        return Volume.parse(shortestText(d))
    }

    /// The hot-path forms, on a column as SQLite stores it (text as bytes, no String).
    @inline(__always)
    static func price(stored value: SQLiteRow.Storage) -> Result<Price, NumberParseFailure> {
        switch value {
        case .null: return .failure(.empty)
        case .integer(let v): return price(.integer(v))
        case .real(let d): return realPrice(d)
        case .text(let t): return Price.parse(t)
        case .blob: return .failure(.invalid)
        }
    }

    @inline(__always)
    static func volume(stored value: SQLiteRow.Storage) -> Result<(value: Int64, rounded: Bool), NumberParseFailure> {
        switch value {
        case .null: return .failure(.empty)
        case .integer(let v): return .success((v, false))
        case .real(let d): return realVolume(d)
        case .text(let t): return Volume.parse(t)
        case .blob: return .failure(.invalid)
        }
    }

    static func timestamp(stored value: SQLiteRow.Storage, timeframe: Timeframe) -> Result<Int64, TimestampFailure> {
        switch value {
        case .null: return timestamp(.null, timeframe: timeframe)
        case .blob: return .failure(.unreadable)
        case .integer(let v): return epoch(v, fraction: false, timeframe: timeframe)
        case .real(let d): return timestamp(.real(d), timeframe: timeframe)
        case .text(let t): return textTimestamp(t, timeframe: timeframe)
        }
    }

    static func textTimestamp(_ raw: UnsafeRawBufferPointer, timeframe: Timeframe) -> Result<Int64, TimestampFailure> {
        var lo = 0, hi = raw.count
        while lo < hi, raw[lo] == 0x20 || raw[lo] == 0x09 { lo += 1 }
        while hi > lo, raw[hi - 1] == 0x20 || raw[hi - 1] == 0x09 { hi -= 1 }
        let t = UnsafeRawBufferPointer(rebasing: raw[lo..<hi])
        if !t.isEmpty, t.count <= 18, t.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            var v: Int64 = 0
            for b in t { v = v * 10 + Int64(b - 0x30) }
            return epoch(v, fraction: false, timeframe: timeframe)
        }
        guard let parsed = ISOTimestamp(t) else { return .failure(.unreadable) }
        if parsed.fraction { return .failure(.fractionalSecond) }
        if timeframe.isIntraday { return .success(parsed.utcSeconds) }
        return .success(SessionKey.dailyKey(parsed.date, timeframe: timeframe))
    }

    /// A volume: INTEGER exact; REAL by its shortest text and TEXT parsed, both rounded
    /// half-even to an integer (`rounded` says a fraction was dropped).
    public static func volume(_ value: LegacyValue) -> Result<(value: Int64, rounded: Bool), NumberParseFailure> {
        if case .text(var t) = value { return t.withUTF8 { volume(stored: .text(UnsafeRawBufferPointer($0))) } }
        return volume(stored: value.storage)
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
    ///   text (with or without offset); of an epoch, its UTC date when it is 00:00 UTC, else its
///   America/New_York date (Schwab's Chicago midnight and Yahoo's session open are that date).
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
            var text = t
            return text.withUTF8 { textTimestamp(UnsafeRawBufferPointer($0), timeframe: timeframe) }
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
        // An epoch at 00:00 UTC is a date written as an instant (epoch-millisecond writers,
        // TradingView, crypto exports): its UTC date. Read in New York it is the previous evening,
        // and every bar would move back one session. No exchange stamps a session 19:00-20:00
        // New York time of the day before, so this reading cannot mistake a real session instant.
        if seconds % UnixTime.secondsPerDay == 0 {
            return .success(SessionKey.dailyKey(CivilDate(daysSinceEpoch: seconds / UnixTime.secondsPerDay), timeframe: timeframe))
        }
        return .success(SessionKey.dailyKey(instant: seconds, zone: USZone.eastern, timeframe: timeframe))
    }

    /// The instant a legacy timestamp writes (UTC seconds; a date alone is its 00:00 UTC; naive
    /// text is UTC), before any keying: two rows whose instants differ are two bars even when
    /// they key to one session. (`instantMicros`, to the second.)
    public static func writtenInstant(_ value: LegacyValue) -> Int64? {
        instantMicros(value).map { $0 >= 0 ? $0 / 1_000_000 : -((-$0 + 999_999) / 1_000_000) }
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
    /// The fraction of a second in microseconds (digits past the sixth dropped).
    var microsecond: Int64 = 0

    var utcSeconds: Int64 { date.daysSinceEpoch * UnixTime.secondsPerDay + secondOfDay - offset }

    init?(_ text: String) {
        var text = text
        guard let parsed = text.withUTF8({ ISOTimestamp(UnsafeRawBufferPointer($0)) }) else { return nil }
        self = parsed
    }

    init?(_ b: UnsafeRawBufferPointer) {
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
                var scale: Int64 = 100_000
                while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 {
                    if b[i] != 0x30 { fraction = true }
                    microsecond += Int64(b[i] - 0x30) * scale
                    scale /= 10
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
