/// Sessions missing from a series and bars on days that are not sessions, collapsed into
/// ranges, as zipline's daily bar writer reports them. Real closures (holidays, special
/// closures) are not sessions, so they are never gaps.
public enum Gaps {
    public struct Run: Sendable, Equatable {
        public var from: CivilDate
        public var through: CivilDate
        /// Sessions (for missing runs) or days with bars (for non-session runs) in the range.
        public var count: Int

        public init(from: CivilDate, through: CivilDate, count: Int) {
            self.from = from
            self.through = through
            self.count = count
        }
    }

    public struct Report: Sendable, Equatable {
        public var expectedSessions: Int
        public var presentSessions: Int
        public var missing: [Run]
        public var nonSession: [Run]
    }

    /// `present`: the session dates a series has bars for, ascending, no repeats. Missing
    /// sessions are looked for between `from` and `through` (inclusive; usually the series'
    /// first and last bar); consecutive missing sessions form one run, however many closed
    /// days lie between them.
    public static func find(present: [CivilDate], from: CivilDate, through: CivilDate,
                            calendar: any TradingCalendar) -> Report {
        var missing: [Run] = []
        var nonSession: [Run] = []
        var presentSessions = 0
        var i = 0
        // Days with bars that are not sessions.
        for day in present where day >= from && day <= through && !calendar.isSession(day) {
            if var last = nonSession.last, day.daysSinceEpoch - last.through.daysSinceEpoch == 1 {
                last.through = day
                last.count += 1
                nonSession[nonSession.count - 1] = last
            } else {
                nonSession.append(Run(from: day, through: day, count: 1))
            }
        }
        let sessions = calendar.sessions(from: from, through: through)
        var open: Run?   // the run of missing sessions being extended
        for session in sessions {
            while i < present.count, present[i] < session.date { i += 1 }
            if i < present.count, present[i] == session.date {
                presentSessions += 1
                if let run = open { missing.append(run); open = nil }
            } else if var run = open {
                run.through = session.date
                run.count += 1
                open = run
            } else {
                open = Run(from: session.date, through: session.date, count: 1)
            }
        }
        if let run = open { missing.append(run) }
        return Report(expectedSessions: sessions.count, presentSessions: presentSessions, missing: missing,
                      nonSession: nonSession)
    }
}
