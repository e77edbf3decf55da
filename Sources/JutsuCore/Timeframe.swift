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
        let bytes = Self.trim(text)
        if bytes == [0x31, 0x4D] {  // "1M"
            self = .mo1
            return
        }
        let lower = String(decoding: bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        switch lower {
        case "1m", "1min": self = .m1
        case "5m", "5min": self = .m5
        case "15m", "15min": self = .m15
        case "30m", "30min": self = .m30
        case "1h", "60m", "60min", "hourly": self = .h1
        case "1d", "d", "daily", "day": self = .d1
        case "1w", "1wk", "weekly": self = .w1
        case "1mo", "monthly", "1mth": self = .mo1
        default: return nil
        }
    }

    private static func trim(_ text: some StringProtocol) -> [UInt8] {
        var bytes = Array(text.utf8)
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes.removeLast() }
        var start = 0
        while start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        return Array(bytes[start...])
    }

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
