import JutsuCore

/// Keeps `market_sessions` equal to the calendars in the core (2000-2035), so SQL readers
/// (`series_freshness`, `jutsu_is_fresh`) know sessions too. Run after every migration; writes
/// only when a calendar's rows differ in number (a new calendar or a new version of one).
public enum MarketSessions {
    public static let years = 2000...2035

    public static var calendars: [any TradingCalendar] {
        [TradingCalendars.nyse, TradingCalendars.named("24x7")!, TradingCalendars.named("24x5")!, WeekdayCalendar()]
    }

    @discardableResult
    public static func sync(_ connection: PGConnection) throws -> Int {
        let exists = try connection.execute("SELECT to_regclass('market_sessions') IS NOT NULL").bool(0, 0) ?? false
        guard exists else { return 0 }
        let from = CivilDate(year: years.lowerBound, month: 1, day: 1)!, through = CivilDate(year: years.upperBound, month: 12, day: 31)!
        var written = 0
        for calendar in calendars {
            let sessions = calendar.sessions(from: from, through: through)
            let stored = try connection.execute("SELECT count(*) FROM market_sessions WHERE calendar = $1", [calendar.name]).int64(0, 0) ?? 0
            let early = try connection.execute("SELECT count(*) FROM market_sessions WHERE calendar = $1 AND early_close",
                                               [calendar.name]).int64(0, 0) ?? 0
            guard stored != Int64(sessions.count) || early != Int64(sessions.filter(\.isEarlyClose).count) else { continue }
            try connection.transaction {
                try connection.execute("DELETE FROM market_sessions WHERE calendar = $1", [calendar.name], context: "market_sessions")
                try connection.copyIn("COPY market_sessions (calendar, session_date, open_at, close_at, early_close) FROM STDIN",
                                       context: "COPY market_sessions") { writer in
                    let name = Array(calendar.name.utf8)
                    for s in sessions {
                        writer.buffer.append(contentsOf: name)
                        writer.buffer.append(0x09)
                        s.date.appendText(to: &writer.buffer)
                        writer.buffer.append(0x09)
                        UnixTime.appendISO8601(s.open, to: &writer.buffer)
                        writer.buffer.append(0x09)
                        UnixTime.appendISO8601(s.close, to: &writer.buffer)
                        writer.buffer.append(contentsOf: Array(s.isEarlyClose ? "\tt\n".utf8 : "\tf\n".utf8))
                        try writer.rowEnded()
                    }
                }
            }
            written += sessions.count
            connection.logger.info("market sessions written", metadata: ["calendar": "\(calendar.name)", "sessions": "\(sessions.count)"])
        }
        return written
    }
}
