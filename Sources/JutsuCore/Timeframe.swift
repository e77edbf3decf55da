/// Bar length. Raw values are the canonical spellings stored in the database.
public enum Timeframe: String, CaseIterable, Sendable, Hashable, Comparable {
    case m1 = "1m"
    case m5 = "5m"
    case m15 = "15m"
    case m30 = "30m"
    case h1 = "1h"
    case d1 = "1d"
    case w1 = "1w"
    case mo1 = "1mo"

    /// Canonical names plus aliases: `1min`, `5min`, `15min`, `30min`, `60m`, `60min`, `1H`,
    /// `hourly`, `1D`, `D`, `daily`, `day`, `1W`, `1wk`, `weekly`, `1MO`, `1M`, `monthly`,
    /// `1mth`. `1m` is a minute and `1M` a month (case matters only for that pair); everything
    /// else is case-insensitive. Surrounding spaces are ignored.
    public init?(parsing text: some StringProtocol) {
        var text = String(text)
        guard let tf = text.withUTF8({ Timeframe(parsing: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = tf
    }

    /// Same as the text version, on raw bytes, without allocating (for per-row columns).
    public init?(parsing bytes: UnsafeRawBufferPointer) {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        // Aliases are at most 7 bytes: pack them, lower-cased, into one integer.
        guard end - start >= 1, end - start <= 7 else { return nil }
        if end - start == 2, bytes[start] == 0x31, bytes[start + 1] == 0x4D {  // "1M" is a month
            self = .mo1
            return
        }
        var packed: UInt64 = 0
        for k in start..<end {
            var b = bytes[k]
            if b >= 0x41 && b <= 0x5A { b |= 0x20 }
            packed = packed << 8 | UInt64(b)
        }
        guard let tf = Timeframe.aliases[packed] else { return nil }
        self = tf
    }

    /// Lower-case spellings, packed big-endian into an integer (see `init?(parsing:)`).
    private static let aliases: [UInt64: Timeframe] = {
        let table: [(String, Timeframe)] = [
            ("1m", .m1), ("1min", .m1), ("5m", .m5), ("5min", .m5), ("15m", .m15), ("15min", .m15),
            ("30m", .m30), ("30min", .m30), ("1h", .h1), ("60m", .h1), ("60min", .h1), ("hourly", .h1),
            ("1d", .d1), ("d", .d1), ("daily", .d1), ("day", .d1), ("1w", .w1), ("1wk", .w1),
            ("weekly", .w1), ("1mo", .mo1), ("monthly", .mo1), ("1mth", .mo1),
        ]
        var map: [UInt64: Timeframe] = [:]
        for (name, tf) in table {
            map[name.utf8.reduce(0) { $0 << 8 | UInt64($1) }] = tf
        }
        return map
    }()

    /// Nominal length in seconds: 60, 300, 900, 1800, 3600, 86400, 604800, and 2,592,000
    /// (30 days) for a month, whose real length varies.
    public var stepSeconds: Int64 {
        switch self {
        case .m1: 60
        case .m5: 300
        case .m15: 900
        case .m30: 1800
        case .h1: 3600
        case .d1: 86_400
        case .w1: 604_800
        case .mo1: 2_592_000
        }
    }

    /// True for `1m` through `1h`: keyed by their exact start instant rather than a session date.
    public var isIntraday: Bool {
        switch self {
        case .m1, .m5, .m15, .m30, .h1: true
        case .d1, .w1, .mo1: false
        }
    }

    /// The unit a bar key must be a multiple of, in seconds. Intraday: the step, except `1h`,
    /// which is aligned to 30 minutes because US equities' hourly bars start at 09:30 ET.
    /// Daily and longer: 86,400 (keys are session dates at 00:00 UTC; weekdays and month days
    /// are checked separately, since epoch multiples of a week or a month are meaningless).
    public var alignmentSeconds: Int64 {
        switch self {
        case .h1: 1800
        case .d1, .w1, .mo1: 86_400
        default: stepSeconds
        }
    }

    /// Shorter timeframes sort first.
    public static func < (a: Timeframe, b: Timeframe) -> Bool { a.stepSeconds < b.stepSeconds }
}
