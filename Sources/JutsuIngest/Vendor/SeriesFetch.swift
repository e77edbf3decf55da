import JutsuCore
import JutsuVendors

/// Everything the requests for one series' window returned, pages and chunks joined in order.
/// Every row of every response is counted once: `rowsRead == bars.count + rejects.count +
/// skipped.total`.
struct SeriesFetch: Sendable {
    var vendor: Vendor
    /// The symbol as the vendor spells it (`BRK-B`, `$SPX`).
    var vendorSymbol: String
    var bars: [Bar] = []
    var actions: [CorporateAction] = []
    var rejects: [VendorReject] = []
    var rowsRead = 0
    var skipped = SkippedRows()
    var volumeRounded = 0
    /// HTTP requests sent, retries included.
    var requests = 0
    /// The part of the window the vendor no longer serves (Yahoo's intraday availability).
    var unavailable: KeyWindow?
    var notes: [String] = []

    init(vendor: Vendor, vendorSymbol: String) {
        self.vendor = vendor
        self.vendorSymbol = vendorSymbol
    }

    mutating func add(_ page: VendorBars) {
        bars += page.bars
        actions += page.actions
        rejects += page.rejects
        rowsRead += page.rowsRead
        skipped.placeholders += page.skipped.placeholders
        skipped.outsideWindow += page.skipped.outsideWindow
        skipped.live += page.skipped.live
        volumeRounded += page.volumeRounded
        notes += page.notes
    }
}

/// Fetches one series' window from a vendor: plans the requests (chunks, pages), sends them
/// through the HTTP client and parses the responses. Throws `VendorError` (the response's
/// meaning), `HTTPError` (no response after the retries) or `VendorSourceFailure` (the
/// source as a whole cannot be used: credentials).
protocol SeriesFetcher: Sendable {
    var vendor: Vendor { get }
    /// `window` in key terms (`[from, to)`); `now` in UTC seconds, for range limits.
    func fetch(symbol: Symbol, timeframe: Timeframe, window: KeyWindow, now: Int64) async throws -> SeriesFetch
}

/// The source cannot serve any series (no or dead credentials): the run stops asking it and
/// every series not yet fetched fails with this message (the fallback source gets them).
struct VendorSourceFailure: Error, CustomStringConvertible, Sendable {
    var message: String
    var description: String { message }
}

/// Stored (canonical) symbols in each vendor's spelling. Canonical symbols write share classes
/// and currency pairs with `.` (`BRK.B`, `BTC.USD`), and indices with `^`.
enum VendorSymbols {
    /// US share classes: `BRK.B`. Exchange suffixes (`AET.L`, `4063.T`, `8TRA.DE`) stay.
    static func isShareClass(_ prefix: Substring, _ suffix: Substring) -> Bool {
        ["A", "B", "C"].contains(suffix) && prefix.allSatisfy { $0.isLetter } && prefix.count <= 5
    }

    /// Quote currencies of crypto pairs (`BTC.USD` is Yahoo's `BTC-USD`).
    static let currencies: Set<Substring> = ["USD", "EUR", "GBP", "JPY", "USDT", "USDC", "BTC", "ETH", "CAD", "AUD", "CHF"]

    static func split(_ symbol: Symbol) -> (Substring, Substring)? {
        let v = symbol.value
        guard let dot = v.lastIndex(of: "."), v.firstIndex(of: ".") == dot else { return nil }
        return (v[..<dot], v[v.index(after: dot)...])
    }

    /// `BRK.B` -> `BRK-B`, `BTC.USD` -> `BTC-USD`; `^GSPC`, `AET.L`, `EURUSD=X` as they are.
    static func yahoo(_ symbol: Symbol) -> String {
        guard let (prefix, suffix) = split(symbol), isShareClass(prefix, suffix) || currencies.contains(suffix) else {
            return symbol.value
        }
        return "\(prefix)-\(suffix)"
    }

    /// `^SPX` -> `$SPX`, `BRK.B` -> `BRK/B`.
    static func schwab(_ symbol: Symbol) -> String {
        if symbol.value.hasPrefix("^") { return "$" + symbol.value.dropFirst() }
        if let (prefix, suffix) = split(symbol), isShareClass(prefix, suffix) { return "\(prefix)/\(suffix)" }
        return symbol.value
    }

    /// Polygon writes share classes with a dot, as stored: `BRK.B`.
    static func polygon(_ symbol: Symbol) -> String { symbol.value }
}
