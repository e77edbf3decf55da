/// How current a series is at an instant, judged against its trading calendar: the newest bar
/// that should exist (the last completed session or intraday interval, after the source's
/// publication delay), how many bars are missing up to it, and a class.
///
/// Only bars of sessions count: a daily series whose last bar is Friday's is not behind on
/// Saturday, Sunday or Monday morning, nor on the Tuesday morning after a Monday holiday.
public enum FreshnessStatus: String, Sendable, CaseIterable, Codable {
    /// The newest bar that should exist is stored.
    case fresh
    /// Behind, by no more than the tier's threshold.
    case aging
    /// Behind by more than the threshold.
    case stale
    /// Nothing stored.
    case missing

    /// 0 fresh ... 3 missing: sort worst first, compare with `--fail-on`.
    public var severity: Int {
        switch self {
        case .fresh: 0
        case .aging: 1
        case .stale: 2
        case .missing: 3
        }
    }
}

/// What a series is held to.
public struct FreshnessPolicy: Sendable, Equatable {
    /// Lag (missing bars × bar length) beyond which the series is stale.
    public var staleAfterSeconds: Int64
    /// How long after a bar ends the source publishes it: until then it is not expected.
    public var publicationDelaySeconds: Int64

    public init(staleAfterSeconds: Int64, publicationDelaySeconds: Int64 = 0) {
        self.staleAfterSeconds = staleAfterSeconds
        self.publicationDelaySeconds = publicationDelaySeconds
    }
}

public struct FreshnessAssessment: Sendable, Equatable {
    /// Key (start) of the newest bar that should exist; nil when the calendar has no completed
    /// session before the instant.
    public var expectedBar: Int64?
    public var newestBar: Int64?
    /// Bars after the newest stored one, up to and including the expected one (sessions only).
    public var lagBars: Int64
    /// `lagBars × timeframe.stepSeconds`: the lag in bar time, compared with the threshold.
    public var lagSeconds: Int64
    /// Wall-clock seconds from the end of the newest stored bar to the instant.
    public var ageSeconds: Int64?
    public var status: FreshnessStatus
}

public enum Freshness {
    /// Judges a series at `at` (UTC seconds).
    public static func assess(timeframe: Timeframe, newestBar: Int64?, at: Int64, calendar: any TradingCalendar,
                              policy: FreshnessPolicy) -> FreshnessAssessment {
        let due = at - policy.publicationDelaySeconds
        let expected = expectedBar(timeframe: timeframe, at: due, calendar: calendar)
        guard let newest = newestBar else {
            return FreshnessAssessment(expectedBar: expected, newestBar: nil, lagBars: 0, lagSeconds: 0,
                                       ageSeconds: nil, status: .missing)
        }
        let age = at - barEnd(timeframe: timeframe, start: newest, calendar: calendar)
        guard let expected, newest < expected else {
            return FreshnessAssessment(expectedBar: expected, newestBar: newest, lagBars: 0, lagSeconds: 0,
                                       ageSeconds: age, status: .fresh)
        }
        let lag = barsBetween(timeframe: timeframe, after: newest, through: expected, calendar: calendar)
        let lagSeconds = lag * timeframe.stepSeconds
        return FreshnessAssessment(expectedBar: expected, newestBar: newest, lagBars: lag, lagSeconds: lagSeconds,
                                   ageSeconds: age, status: lagSeconds > policy.staleAfterSeconds ? .stale : .aging)
    }

    // MARK: Bar geometry on a calendar

    static func dayKey(_ date: CivilDate) -> Int64 { date.daysSinceEpoch * UnixTime.secondsPerDay }

    static func mondayOf(_ date: CivilDate) -> CivilDate {
        CivilDate(daysSinceEpoch: date.daysSinceEpoch - Int64((date.weekday + 6) % 7))
    }

    static func firstOfMonth(_ date: CivilDate) -> CivilDate {
        CivilDate(year: Int(date.year), month: Int(date.month), day: 1)!
    }

    /// Start of every intraday bar of a session: open, open + step, ... while before the close.
    static func lastBarStart(of session: Session, step: Int64) -> Int64 {
        session.open + (session.close - session.open - 1) / step * step
    }

    static func barsIn(_ session: Session, step: Int64) -> Int64 {
        (session.close - session.open + step - 1) / step
    }

    /// Where a bar ends: its session's close for daily bars, the step (cut at the close) intraday.
    public static func barEnd(timeframe: Timeframe, start: Int64, calendar: any TradingCalendar) -> Int64 {
        switch timeframe {
        case .d1:
            return calendar.session(on: UnixTime.civilDate(ofSeconds: start))?.close ?? start + UnixTime.secondsPerDay
        case .w1:
            let monday = UnixTime.civilDate(ofSeconds: start)
            let sunday = CivilDate(daysSinceEpoch: monday.daysSinceEpoch + 6)
            let last = calendar.isSession(sunday) ? calendar.session(on: sunday) : calendar.previousSession(before: CivilDate(daysSinceEpoch: sunday.daysSinceEpoch + 1))
            return last.map { max($0.close, start) } ?? start + 7 * UnixTime.secondsPerDay
        case .mo1:
            let first = UnixTime.civilDate(ofSeconds: start)
            let next = CivilDate(year: Int(first.year) + (first.month == 12 ? 1 : 0), month: first.month == 12 ? 1 : Int(first.month) + 1, day: 1)!
            return calendar.previousSession(before: next).map { max($0.close, start) } ?? dayKey(next)
        default:
            let end = start + timeframe.stepSeconds
            if let session = calendar.session(containing: start) { return min(end, session.close) }
            return end
        }
    }

    /// The newest bar that has ended by `due` on the calendar.
    public static func expectedBar(timeframe: Timeframe, at due: Int64, calendar: any TradingCalendar) -> Int64? {
        switch timeframe {
        case .d1:
            return calendar.lastClosedSession(at: due).map { dayKey($0.date) }
        case .w1:
            guard let last = calendar.lastClosedSession(at: due) else { return nil }
            let monday = mondayOf(last.date)
            // The week is complete once its last session has closed.
            if let next = calendar.nextSession(after: last.date), mondayOf(next.date) == monday {
                return dayKey(monday) - 7 * UnixTime.secondsPerDay
            }
            return dayKey(monday)
        case .mo1:
            guard let last = calendar.lastClosedSession(at: due) else { return nil }
            let month = firstOfMonth(last.date)
            if let next = calendar.nextSession(after: last.date), firstOfMonth(next.date) == month {
                let previous = CivilDate(year: Int(month.year) - (month.month == 1 ? 1 : 0),
                                         month: month.month == 1 ? 12 : Int(month.month) - 1, day: 1)!
                return dayKey(previous)
            }
            return dayKey(month)
        default:
            let step = timeframe.stepSeconds
            if let session = calendar.session(containing: due) {
                let completed = (due - session.open) / step   // bars fully ended inside this session
                if completed >= 1 { return session.open + (completed - 1) * step }
                return calendar.previousSession(before: session.date).map { lastBarStart(of: $0, step: step) }
            }
            return calendar.lastClosedSession(at: due).map { lastBarStart(of: $0, step: step) }
        }
    }

    /// Bars strictly after `a` and at or before `b` (bar keys, a < b), sessions only. Intraday
    /// spans of more than a few sessions count whole sessions at the length of `b`'s session's
    /// neighbours (early closes inside a long gap are not subtracted).
    public static func barsBetween(timeframe: Timeframe, after a: Int64, through b: Int64,
                                   calendar: any TradingCalendar) -> Int64 {
        guard a < b else { return 0 }
        switch timeframe {
        case .d1:
            return Int64(calendar.sessionCount(after: UnixTime.civilDate(ofSeconds: a), through: UnixTime.civilDate(ofSeconds: b)))
        case .w1:
            return max(1, (b - a) / (7 * UnixTime.secondsPerDay))
        case .mo1:
            let x = UnixTime.civilDate(ofSeconds: a), y = UnixTime.civilDate(ofSeconds: b)
            return max(1, Int64((Int(y.year) - Int(x.year)) * 12 + Int(y.month) - Int(x.month)))
        default:
            let step = timeframe.stepSeconds
            guard let sa = calendar.session(containing: a) ?? calendar.lastClosedSession(at: a),
                  let sb = calendar.session(containing: b) ?? calendar.lastClosedSession(at: b) else {
                return (b - a) / step
            }
            if sa.date == sb.date { return max(1, (b - a) / step) }
            // The rest of a's session, whole sessions in between, the start of b's session.
            let rest = max(0, barsIn(sa, step: step) - ((a - sa.open) / step + 1))
            let head = (b - sb.open) / step + 1
            let between = Int64(calendar.sessionCount(after: sa.date, through: sb.date)) - 1
            var middle: Int64 = 0
            if between > 0 {
                if between <= 10 {
                    var d = sa.date
                    while let s = calendar.nextSession(after: d), s.date < sb.date {
                        middle += barsIn(s, step: step)
                        d = s.date
                    }
                } else {
                    let regular = calendar.previousSession(before: sb.date).map { barsIn($0, step: step) } ?? barsIn(sb, step: step)
                    middle = between * regular
                }
            }
            return rest + middle + head
        }
    }
}
