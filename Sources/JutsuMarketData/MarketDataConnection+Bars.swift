import Foundation
import JutsuCore
import JutsuPostgres

extension MarketDataConnection {
    /// Calls `body` with each bar of the series whose `ts` is in `range`, ascending by `ts`,
    /// streamed from the server by `COPY (SELECT ...) TO STDOUT (FORMAT binary)`: one row in
    /// memory at a time (libpq hands over one tuple per message), whatever the range's size.
    /// With `adjustment`, prices and volumes are back-adjusted (`adjustmentSchedule`).
    public func forEachBar(symbol: String, timeframe: Timeframe, range: BarRange, adjustment: Adjustment = .none,
                           _ body: (Bar) throws(MarketDataError) -> Void) throws(MarketDataError) {
        let canonical = try Self.canonical(symbol)
        let schedule = adjustment.isAdjusted
            ? try adjustmentSchedule(symbol: canonical.value, timeframe: timeframe, adjustment: adjustment) : .identity
        let adjusting = adjustment.isAdjusted && !schedule.boundaries.isEmpty
        var cursor = 0
        do {
            try connection.copyOutBinary(Self.barsSQL(canonical, timeframe, range), context: "read bars") { fieldCount, r in
                let f = try r.barFields(fieldCount: fieldCount)
                var bar = Bar(symbol: canonical, timeframe: timeframe, ts: f.ts, open: f.open, high: f.high, low: f.low,
                              close: f.close, volume: f.volume)
                if adjusting { schedule.adjust(&bar, cursor: &cursor) }
                try body(bar)
            }
        } catch let error as MarketDataError {
            throw error
        } catch let error as StoreError {
            throw MarketDataError(error, symbol: canonical.value, timeframe: timeframe)
        } catch {
            throw MarketDataError(code: .query, message: "\(error)", symbol: canonical.value, timeframe: timeframe)
        }
    }

    /// The COPY statement. COPY takes no parameters, so the values are in its text: a validated
    /// symbol (`Symbol` admits only A-Z 0-9 . ^ =), a timeframe name and two ISO 8601 UTC
    /// literals (constants, so the planner prunes the partitions outside the range at plan time;
    /// `to_timestamp()` would leave that to executor start). The primary key
    /// `(symbol, timeframe, ts)` serves the order: no sort on the server.
    static func barsSQL(_ symbol: Symbol, _ timeframe: Timeframe, _ range: BarRange) -> String {
        let quoted = symbol.value.replacingOccurrences(of: "'", with: "''")
        return """
            COPY (SELECT ts, open, high, low, close, volume FROM market_data
                  WHERE symbol = '\(quoted)' AND timeframe = '\(timeframe.rawValue)'
                    AND ts BETWEEN '\(UnixTime.iso8601(range.from))' AND '\(UnixTime.iso8601(range.through))'
                  ORDER BY ts) TO STDOUT (FORMAT binary)
            """
    }

    /// The series' corporate actions and the factor each contributes (docs/contract.md,
    /// "Adjusted bars"). When several sources report the same action (ex-date and kind), the one
    /// that wrote most of the series' bars wins, then the first by name.
    public func adjustmentSchedule(symbol: String, timeframe: Timeframe,
                                   adjustment: Adjustment = .backAdjusted) throws(MarketDataError) -> AdjustmentSchedule {
        let s = try Self.canonical(symbol).value
        let r = try query("""
            SELECT DISTINCT ON (a.ex_date, a.kind) a.ex_date::text, a.kind, a.value::text, a.data_source,
                   (SELECT m.close::text FROM market_data m
                    WHERE m.symbol = a.symbol AND m.timeframe = $2 AND m.ts < a.ex_date::timestamp AT TIME ZONE 'UTC'
                    ORDER BY m.ts DESC LIMIT 1),
                   (SELECT m.open::text FROM market_data m
                    WHERE m.symbol = a.symbol AND m.timeframe = $2 AND m.ts >= a.ex_date::timestamp AT TIME ZONE 'UTC'
                    ORDER BY m.ts LIMIT 1)
            FROM corporate_actions a
            LEFT JOIN data_metadata d ON d.symbol = a.symbol AND d.timeframe = $2 AND d.data_source = a.data_source
            WHERE a.symbol = $1
            ORDER BY a.ex_date, a.kind, coalesce(d.bar_count, 0) DESC, a.data_source
            """, [s, timeframe.rawValue], context: "corporate actions", symbol: s, timeframe: timeframe)
        func price(_ row: Int, _ column: Int) -> Price? {
            r.string(row, column).flatMap { try? Price.parse($0).get() }
        }
        var events: [AdjustmentSchedule.Event] = []
        for i in 0..<r.rowCount {
            guard let date = r.string(i, 0).flatMap(CivilDate.init(parsing:)),
                  let kind = r.string(i, 1).flatMap(CorporateAction.Kind.init(rawValue:)), let value = price(i, 2) else {
                throw MarketDataError(code: .corporateAction, message: "unreadable corporate_actions row \(i + 1)", symbol: s, timeframe: timeframe)
            }
            events.append(.init(exDate: date, kind: kind, value: value, source: r.string(i, 3) ?? "",
                                previousClose: price(i, 4), exDateOpen: price(i, 5)))
        }
        do {
            return try AdjustmentSchedule(events: events, adjustment: adjustment)
        } catch {
            var e = error
            e.symbol = s
            e.timeframe = timeframe
            throw e
        }
    }
}
