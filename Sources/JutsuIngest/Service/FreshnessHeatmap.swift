import JutsuCore

/// The state of one series on one session of the dashboard's heatmap.
public enum HeatmapCell: String, Sendable, CaseIterable {
    /// A bar is stored for the session (weekly and monthly series: the session is covered).
    case fresh
    /// After the newest bar, up to the newest bar that should exist, and the series is aging.
    case aging
    /// After the newest bar, up to the newest bar that should exist, and the series is stale.
    case stale
    /// The series has no bar at all, and the session should have one.
    case missing
    /// Inside the stored history, and no bar for the session.
    case gap
    /// Not a session of the series' calendar (a column another calendar trades).
    case closed
    /// Before the series' first bar.
    case before
    /// Not due yet (open, or closed less than the publication delay ago).
    case pending
}

/// Pure: which sessions a heatmap shows and what each cell of a series is.
enum FreshnessHeatmap {
    /// The last `count` dates that are a session of any of `calendars`, among the sessions that
    /// have opened by `now`, ascending.
    static func columns(calendars: [any TradingCalendar], count: Int, now: Int64) -> [CivilDate] {
        var days = Set<Int64>()
        let today = UnixTime.civilDate(ofSeconds: now)
        for calendar in calendars {
            var found = 0
            var cursor = calendar.session(on: today.adding(days: 1)) ?? calendar.previousSession(before: today.adding(days: 1))
            while let s = cursor, found < count {
                if s.open <= now {
                    days.insert(s.date.daysSinceEpoch)
                    found += 1
                }
                cursor = calendar.previousSession(before: s.date)
            }
        }
        return days.sorted().suffix(count).map { CivilDate(daysSinceEpoch: $0) }
    }

    /// The last day of the bar starting at `start` (a session date for daily and intraday bars,
    /// the week's Sunday or the month's last day for weekly and monthly bars).
    static func lastDay(timeframe: Timeframe, start: Int64, calendar: any TradingCalendar) -> CivilDate {
        let day = UnixTime.civilDate(ofSeconds: start)
        switch timeframe {
        case .w1: return day.adding(days: 6)
        case .mo1: return CivilDate(year: Int(day.year), month: Int(day.month),
                                    day: CivilDate.daysInMonth(year: Int(day.year), month: Int(day.month))) ?? day
        case .d1: return day
        default: return calendar.session(containing: start)?.date ?? day
        }
    }

    /// One series' cells over `columns`. `present`: days (since the epoch) of the sessions in the
    /// columns that have a bar, nil when every session from the first to the newest bar has one;
    /// `firstBar`: the series' oldest stored bar.
    static func cells(row: FreshnessRow, timeframe: Timeframe, calendar: any TradingCalendar, columns: [CivilDate],
                      isSession: [Bool], present: Set<Int64>?, firstBar: Int64?) -> [HeatmapCell] {
        let expectedDay = row.expectedBar.map { lastDay(timeframe: timeframe, start: $0, calendar: calendar).daysSinceEpoch }
        guard let newest = row.newestBar else {
            return columns.indices.map { i in
                guard isSession[i] else { return .closed }
                guard let e = expectedDay else { return .missing }
                return columns[i].daysSinceEpoch <= e ? .missing : .pending
            }
        }
        let newestEnd = lastDay(timeframe: timeframe, start: newest, calendar: calendar).daysSinceEpoch
        let firstDay = firstBar.map { f -> Int64 in
            timeframe.isIntraday ? (calendar.session(containing: f)?.date ?? UnixTime.civilDate(ofSeconds: f)).daysSinceEpoch
                                 : UnixTime.civilDate(ofSeconds: f).daysSinceEpoch
        }
        let behind: HeatmapCell = switch row.status {
        case .stale: .stale
        case .aging: .aging
        case .missing: .missing
        case .fresh: .fresh
        }
        let periodic = timeframe == .w1 || timeframe == .mo1
        return columns.indices.map { i in
            guard isSession[i] else { return .closed }
            let d = columns[i].daysSinceEpoch
            if let firstDay, d < firstDay { return .before }
            if d <= newestEnd {
                if periodic { return .fresh }
                if let present, !present.contains(d) { return .gap }
                // An intraday series behind inside the session of its newest bar.
                if d == newestEnd, timeframe.isIntraday, row.lagBars > 0, expectedDay == newestEnd { return behind }
                return .fresh
            }
            if let e = expectedDay, d <= e { return behind }
            return .pending
        }
    }
}
