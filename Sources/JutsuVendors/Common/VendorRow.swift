import JutsuCore

/// One OHLCV row of a vendor response as decoded from JSON, before conversion.
struct VendorRow {
    /// The vendor's own time value (epoch seconds or milliseconds), for the reject text.
    var vendorTime: Int64
    /// The bar key (see `VendorBars`).
    var key: Int64
    var open: Double?
    var high: Double?
    var low: Double?
    var close: Double?
    var volume: Double?

    /// Epoch milliseconds (Schwab `datetime`, Polygon `t`) to seconds, rounding down.
    static func seconds(milliseconds: Int64) -> Int64 {
        milliseconds >= 0 ? milliseconds / 1000 : -((-milliseconds + 999) / 1000)
    }

    /// True when every value is missing (Yahoo's placeholder rows).
    var isEmpty: Bool { open == nil && high == nil && low == nil && close == nil && volume == nil }

    /// `time,open,high,low,close,volume` with `null` for missing values: the reject's raw text.
    var text: String {
        func t(_ v: Double?) -> String { v.map { $0.description } ?? "null" }
        return "\(vendorTime),\(t(open)),\(t(high)),\(t(low)),\(t(close)),\(t(volume))"
    }
}

extension VendorBars {
    /// Converts `row` into a bar, or a reject naming the first field that cannot be read.
    /// `float32`: the prices are Yahoo's `Float32` values (`VendorNumber.price(float32Printed:)`).
    mutating func append(_ row: VendorRow, symbol: Symbol, vendorSymbol: String, float32: Bool) {
        func reject(_ field: String, _ value: Double?, _ failure: NumberParseFailure) {
            let shown = value.map { $0.description } ?? "null"
            let phrase = value == nil ? "missing" : failure.description
            rejects.append(VendorReject(
                location: VendorReject.location(vendor, vendorSymbol, timeframe, key: row.key),
                symbol: vendorSymbol, timeframe: timeframe, rawText: row.text,
                reason: value == nil ? .missingField : RejectReason.forNumber(failure),
                message: "field '\(field)' value '\(shown)': \(phrase)", ts: row.key))
        }
        var prices: [Price] = []
        prices.reserveCapacity(4)
        for (field, value) in [("open", row.open), ("high", row.high), ("low", row.low), ("close", row.close)] {
            guard let value else { return reject(field, nil, .null) }
            let parsed = float32 ? VendorNumber.price(float32Printed: value) : VendorNumber.price(value)
            switch parsed {
            case .success(let price): prices.append(price)
            case .failure(let failure): return reject(field, value, failure)
            }
        }
        guard let rawVolume = row.volume else { return reject("volume", nil, .null) }
        let volume: Int64
        switch VendorNumber.volume(rawVolume) {
        case .success(let v):
            volume = v.value
            if v.rounded { volumeRounded += 1 }
        case .failure(let failure): return reject("volume", rawVolume, failure)
        }
        bars.append(Bar(symbol: symbol, timeframe: timeframe, ts: row.key, open: prices[0], high: prices[1],
                        low: prices[2], close: prices[3], volume: volume))
    }
}
