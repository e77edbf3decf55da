import JutsuCore

/// Reads Schwab `/pricehistory` responses (`{"candles":[...],"symbol":"AAPL","empty":false}`).
///
/// - `datetime` is epoch milliseconds. Daily, weekly and monthly candles are stamped at
///   midnight America/Chicago: their key is that Chicago date (then the week's Monday or the
///   month's 1st). Minute candles keep the instant.
/// - Candles outside the request's window are skipped and counted (Schwab answers with whole
///   days around `startDate`/`endDate`).
/// - `empty: true` with no candles is an empty window. Minutes without trades are simply
///   missing (no placeholder rows).
/// - Prices are decimals (`VendorNumber.price`); a `null` or missing value is a
///   `missing_field` reject.
/// - Prices are split-adjusted, not dividend-adjusted; Schwab sends no corporate actions.
public enum SchwabPriceHistory {
    struct Response: Decodable {
        var candles: [Candle]?
        var symbol: String?
        var empty: Bool?
    }

    struct Candle: Decodable {
        var open: Double?
        var high: Double?
        var low: Double?
        var close: Double?
        var volume: Double?
        var datetime: Int64
    }

    public static func parse(status: Int = 200, body: [UInt8], request: SchwabPriceHistoryRequest)
        throws(VendorError) -> VendorBars
    {
        if let error = classify(status: status, body: body) { throw error }
        let response = try ResponseBody.decode(Response.self, from: body, vendor: .schwab, status: status)
        if let symbol = response.symbol, symbol.uppercased() != request.vendorSymbol.uppercased() {
            throw VendorError(vendor: .schwab, code: .unexpectedShape, status: status,
                              message: "symbol is '\(symbol)', requested '\(request.vendorSymbol)'")
        }
        let timeframe = request.timeframe
        var out = VendorBars(vendor: .schwab, symbol: request.symbol, timeframe: timeframe, adjustment: .splits)
        let candles = response.candles ?? []
        if candles.isEmpty { out.notes.append("no candles in the window") }
        for candle in candles {
            out.rowsRead += 1
            let instant = VendorRow.seconds(milliseconds: candle.datetime)
            let key = timeframe.isIntraday
                ? instant : SessionKey.dailyKey(instant: instant, zone: USZone.central, timeframe: timeframe)
            guard request.window.contains(key) else {
                out.skipped.outsideWindow += 1
                continue
            }
            let row = VendorRow(vendorTime: candle.datetime, key: key, open: candle.open, high: candle.high,
                                low: candle.low, close: candle.close, volume: candle.volume)
            out.append(row, symbol: request.symbol, vendorSymbol: request.vendorSymbol, float32: false)
        }
        if out.skipped.outsideWindow > 0 {
            out.notes.append("\(out.skipped.outsideWindow) candles outside \(request.window) skipped")
        }
        return out
    }
}
