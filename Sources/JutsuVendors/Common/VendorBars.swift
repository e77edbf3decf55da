import JutsuCore

/// What one vendor response holds, in the stored conventions: bars keyed by the key
/// convention (daily and longer: session date at 00:00 UTC; intraday: the UTC start instant),
/// corporate actions, rejected rows, and a count for every row that is neither.
///
/// Every row of the response is counted once: `rowsRead == bars.count + rejects.count +
/// skipped.total`. The parsers do not run `BarValidator` or resolve duplicate keys: that is the
/// pipeline's job, as for files.
public struct VendorBars: Sendable, Equatable {
    public var vendor: Vendor
    /// The canonical symbol the bars are stored under.
    public var symbol: Symbol?
    public var timeframe: Timeframe
    public var bars: [Bar] = []
    public var actions: [CorporateAction] = []
    public var rejects: [VendorReject] = []
    /// Rows in the response (timestamps, candles or results).
    public var rowsRead = 0
    public var skipped = SkippedRows()
    /// Bars whose fractional volume was rounded to an integer (Polygon's float `v`).
    public var volumeRounded = 0
    public var adjustment: PriceAdjustment
    /// Polygon's `next_url`: the next page of the same query, without the API key (the client
    /// re-appends it). `nil` for the last page and for vendors that do not paginate.
    public var nextPage: String?
    /// Facts worth a log line (e.g. "2 placeholder rows without values skipped").
    public var notes: [String] = []

    public init(vendor: Vendor, symbol: Symbol?, timeframe: Timeframe, adjustment: PriceAdjustment) {
        self.vendor = vendor
        self.symbol = symbol
        self.timeframe = timeframe
        self.adjustment = adjustment
    }
}

/// Rows of a response that are deliberately not bars and not rejects. They are counted (and
/// shown as `rows_skipped`) so nothing disappears silently.
public struct SkippedRows: Sendable, Equatable {
    /// Yahoo rows whose open, high, low, close and volume are all `null`: Yahoo's placeholder
    /// for a session without data, not a bar.
    public var placeholders = 0
    /// Rows outside the requested window `[from, to)` (Yahoo's bars at or after `period2`,
    /// Schwab's minute candles outside `startDate`..`endDate`, margins of daily requests).
    public var outsideWindow = 0
    /// The last bar while its session (or interval) is still open: its values will change.
    public var live = 0

    public init() {}

    public var total: Int { placeholders + outsideWindow + live }
}

/// A row of a vendor response that did not become a bar.
public struct VendorReject: Sendable, Equatable, CustomStringConvertible {
    /// `vendor:SYMBOL:date` for daily and longer rows, `vendor:SYMBOL:instant` for intraday
    /// (`yahoo:AAPL:2020-08-31`, `schwab:NET:2022-08-05T11:00:00Z`); `vendor:SYMBOL:#index`
    /// when the row has no usable time.
    public var location: String
    /// The symbol as the vendor spelled it.
    public var symbol: String
    public var timeframe: Timeframe
    /// The row's values as the response gave them, e.g. `1598880600,127.58,null,126.0,129.04,225702700`.
    public var rawText: String
    public var reason: RejectReason
    /// Names the field and the value, as the CSV reader's messages do.
    public var message: String
    /// The bar key when the time could be read.
    public var ts: Int64?

    public init(location: String, symbol: String, timeframe: Timeframe, rawText: String,
                reason: RejectReason, message: String, ts: Int64?) {
        self.location = location
        self.symbol = symbol
        self.timeframe = timeframe
        self.rawText = rawText
        self.reason = reason
        self.message = message
        self.ts = ts
    }

    public var description: String { "\(location): \(reason.code): \(message)" }

    /// The location of a row of `symbol` keyed `key`: the session date for daily and longer
    /// bars, the UTC instant for intraday ones.
    static func location(_ vendor: Vendor, _ symbol: String, _ timeframe: Timeframe, key: Int64) -> String {
        let time = timeframe.isIntraday
            ? UnixTime.iso8601(key) : UnixTime.civilDate(ofSeconds: key).description
        return "\(vendor.rawValue):\(symbol):\(time)"
    }
}
