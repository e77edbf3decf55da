/// The market-data vendors whose responses this module reads. Raw values are the default
/// `data_source` names and the prefix of reject locations (`yahoo:AAPL:2020-08-31`).
public enum Vendor: String, Sendable, Hashable, CaseIterable {
    case yahoo
    case schwab
    case polygon
}

/// What the vendor's prices are adjusted for, recorded with the bars so the backtest engine
/// can adjust consistently (PRODUCT.md: bars are stored as the vendor reports them).
public enum PriceAdjustment: String, Sendable, Hashable {
    /// Split-adjusted, not dividend-adjusted: Yahoo chart OHLC, Schwab pricehistory,
    /// Polygon with `adjusted=true`.
    case splits
    /// As traded: Polygon with `adjusted=false`.
    case none
}
