/// A split or dividend, stored apart from the bars so the backtest engine can adjust prices
/// consistently whatever the vendor's adjustment basis.
public struct CorporateAction: Hashable, Sendable {
    public enum Kind: String, Sendable, Codable {
        case split
        case dividend
    }

    public var symbol: Symbol
    public var exDate: CivilDate
    public var kind: Kind
    /// split: new shares per old share (7.0 for a 7:1 split); dividend: cash amount per share.
    public var value: Price

    public init(symbol: Symbol, exDate: CivilDate, kind: Kind, value: Price) {
        self.symbol = symbol
        self.exDate = exDate
        self.kind = kind
        self.value = value
    }
}
