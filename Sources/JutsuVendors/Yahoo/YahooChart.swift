import JutsuCore

/// Finds the rules of an IANA zone name (`Europe/London`). The core knows UTC and the US zones
/// (`ZoneRules.named`); the import layer passes one backed by the system's tz database.
public typealias ZoneLookup = @Sendable (String) -> (any ZoneRule)?

/// Reads Yahoo chart v8 responses (`chart.result[0]`) into bars, corporate actions and rejects.
///
/// - Keys: intraday bars keep Yahoo's timestamp (the UTC start instant); daily, weekly and
///   monthly bars are keyed by their session date in `meta.exchangeTimezoneName` (Yahoo stamps
///   them at the session open: 14:30Z for New York, 08:00Z for London, 00:00Z for crypto).
/// - Prices: `VendorNumber.price(float32Printed:)`; volume as an integer.
/// - Rows: all five values `null` is Yahoo's placeholder, skipped and counted; some `null` is a
///   `missing_field` reject; rows whose key is outside the request's window (including bars at
///   or after `period2`) are skipped and counted, as is the last bar while it is still live.
/// - No `timestamp` (or an empty one) with empty quote columns is an empty window, not an
///   error; quote values without timestamps are `unexpected_shape`.
/// - Events: `events.dividends` and `events.splits` inside the window become corporate actions
///   with their ex-date in exchange time; a split's value is numerator / denominator.
public enum YahooChart {
    public static func parse(
        status: Int = 200, body: [UInt8], request: YahooChartRequest,
        zones: ZoneLookup = { ZoneRules.named($0) }
    ) throws(VendorError) -> VendorBars {
        if let error = classify(status: status, body: body) { throw error }
        let response = try ResponseBody.decode(YahooChartResponse.self, from: body, vendor: .yahoo, status: status)
        func shape(_ message: String) -> VendorError {
            VendorError(vendor: .yahoo, code: .unexpectedShape, status: status, message: message)
        }
        if let error = response.chart?.error ?? response.finance?.error { throw mapped(error, status: status) }
        guard let result = response.chart?.result?.first else { throw shape("neither chart.result nor chart.error") }
        let meta = result.meta
        let timeframe = request.timeframe
        if let symbol = meta.symbol, symbol.uppercased() != request.vendorSymbol.uppercased() {
            throw shape("meta.symbol is '\(symbol)', requested '\(request.vendorSymbol)'")
        }
        if let granularity = meta.dataGranularity, Timeframe(parsing: granularity) != timeframe {
            throw shape("meta.dataGranularity is '\(granularity)', requested '\(YahooChartRequest.interval(timeframe))'")
        }

        var out = VendorBars(vendor: .yahoo, symbol: request.symbol, timeframe: timeframe, adjustment: .splits)
        // The exchange's zone: needed for session dates; intraday keys are UTC instants already.
        let zoneName = meta.exchangeTimezoneName
        let zone: (any ZoneRule)? = zoneName.flatMap(zones)
            ?? (zoneName == nil ? meta.gmtoffset.map { FixedOffsetZone(seconds: Int32($0)) } : nil)
        if zoneName == nil, zone != nil { out.notes.append("no exchangeTimezoneName: dates use gmtoffset \(meta.gmtoffset ?? 0)") }
        if zone == nil, !timeframe.isIntraday {
            throw shape("unknown time zone '\(zoneName ?? "none")': cannot tell session dates")
        }
        let eventZone: any ZoneRule = zone ?? FixedOffsetZone(seconds: Int32(meta.gmtoffset ?? 0))
        func key(_ t: Int64) -> Int64 {
            guard let zone, !timeframe.isIntraday else { return t }
            return SessionKey.dailyKey(instant: t, zone: zone, timeframe: timeframe)
        }

        let timestamps = result.timestamp ?? []
        let quote = result.indicators?.quote?.first
        let columns = quote?.columns ?? []
        if timestamps.isEmpty {
            let values = columns.reduce(0) { $0 + ($1.values?.count ?? 0) }
            guard values == 0 else { throw shape("no timestamps but \(values) quote values") }
            out.notes.append("no bars in the window")
        }
        for column in columns where !timestamps.isEmpty {
            let count = column.values?.count ?? 0
            guard count == timestamps.count else {
                throw shape("quote.\(column.name) has \(count) values for \(timestamps.count) timestamps")
            }
        }

        let liveIndex = timestamps.last.flatMap { last in
            isLive(last, timeframe: timeframe, meta: meta, receivedAt: request.receivedAt, key: key)
                ? timestamps.count - 1 : nil
        }
        for (i, t) in timestamps.enumerated() {
            out.rowsRead += 1
            let k = key(t)
            guard request.window.contains(k) else {
                out.skipped.outsideWindow += 1
                continue
            }
            if i == liveIndex {
                out.skipped.live += 1
                continue
            }
            let row = VendorRow(vendorTime: t, key: k, open: quote?.open?[i], high: quote?.high?[i],
                                low: quote?.low?[i], close: quote?.close?[i], volume: quote?.volume?[i])
            if row.isEmpty {
                out.skipped.placeholders += 1
                continue
            }
            out.append(row, symbol: request.symbol, vendorSymbol: request.vendorSymbol, float32: true)
        }
        if out.skipped.placeholders > 0 { out.notes.append("\(out.skipped.placeholders) placeholder rows without values skipped") }
        if out.skipped.live > 0 { out.notes.append("the last bar is still live: not stored") }

        out.actions = events(result.events, request: request, zone: eventZone, notes: &out.notes)
        return out
    }

    /// The last bar is live while its session (or interval) is open at `receivedAt` (or
    /// `meta.regularMarketTime`). Intraday: its interval ends after that time. Daily: it belongs
    /// to `meta.currentTradingPeriod.regular` and that period has not ended. Weekly and monthly:
    /// it contains the current trading period (a week is open until its last session closes, so
    /// a complete week may be dropped late on its last day; the next run fetches it).
    static func isLive(_ t: Int64, timeframe: Timeframe, meta: YahooChartResponse.Meta, receivedAt: Int64?,
                       key: (Int64) -> Int64) -> Bool {
        let asOf = receivedAt ?? meta.regularMarketTime
        if timeframe.isIntraday {
            guard let asOf else { return false }
            return t + timeframe.stepSeconds > asOf
        }
        guard let period = meta.currentTradingPeriod?.regular, key(t) == key(period.start) else { return false }
        if timeframe == .d1, let asOf { return asOf < period.end }
        return true
    }

    private static func events(_ events: YahooChartResponse.Events?, request: YahooChartRequest,
                               zone: any ZoneRule, notes: inout [String]) -> [CorporateAction] {
        guard let events else { return [] }
        var actions: [CorporateAction] = []
        func add(_ kind: CorporateAction.Kind, at t: Int64, value: Double?) {
            let exDate = zone.localDate(atUTC: t)
            let inWindow = request.timeframe.isIntraday
                ? request.window.contains(t)
                : request.window.contains(exDate.daysSinceEpoch * UnixTime.secondsPerDay)
            guard inWindow else { return }
            switch value.map({ VendorNumber.price($0) }) {
            case .success(let price) where price.micros > 0:
                actions.append(CorporateAction(symbol: request.symbol, exDate: exDate, kind: kind, value: price))
            default:
                notes.append("\(kind.rawValue) on \(exDate) with value \(value.map { $0.description } ?? "null") ignored")
            }
        }
        for dividend in (events.dividends ?? [:]).values { add(.dividend, at: dividend.date, value: dividend.amount) }
        for split in (events.splits ?? [:]).values {
            let ratio = split.numerator.flatMap { n in split.denominator.map { $0 == 0 ? 0 : n / $0 } }
            add(.split, at: split.date, value: ratio)
        }
        return actions.sorted { ($0.exDate, $0.kind.rawValue) < ($1.exDate, $1.kind.rawValue) }
    }
}
