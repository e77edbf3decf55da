import Foundation
import JutsuCore

/// Which bars a read returns: as stored, or back-adjusted for splits and dividends from
/// `corporate_actions` (the method is in docs/contract.md, "Adjusted bars").
public struct Adjustment: Hashable, Sendable {
    /// Whether the stored prices of a series already reflect a split.
    public enum SplitBasis: Hashable, Sendable {
        /// Decided per split from the stored bars: a split is taken as already reflected when the
        /// last close before its ex-date and the first open on or after it differ by less than the
        /// split ratio's square root (nearer 1 than the ratio, in log terms).
        case detect
        /// Stored prices are as traded: every split is applied.
        case unadjusted
        /// Stored prices (and volumes) already reflect every split: none is applied again.
        case splitAdjusted
    }

    public var isAdjusted: Bool
    public var splitBasis: SplitBasis
    /// Apply dividend factors (`1 - dividend / previous close`).
    public var dividends: Bool

    public init(isAdjusted: Bool, splitBasis: SplitBasis = .detect, dividends: Bool = true) {
        self.isAdjusted = isAdjusted
        self.splitBasis = splitBasis
        self.dividends = dividends
    }

    /// Bars exactly as stored.
    public static let none = Adjustment(isAdjusted: false)
    /// Split- and dividend-adjusted backwards from the newest bar (the newest bars keep their prices).
    public static let backAdjusted = Adjustment(isAdjusted: true)

    public func with(splitBasis: SplitBasis? = nil, dividends: Bool? = nil) -> Adjustment {
        Adjustment(isAdjusted: isAdjusted, splitBasis: splitBasis ?? self.splitBasis, dividends: dividends ?? self.dividends)
    }
}

/// The factors that back-adjust one series: one per ex-date, cumulated from the newest bar back.
/// A bar whose `ts` is before an ex-date (00:00 UTC of that date) is multiplied by the factors of
/// that date and of every later one.
public struct AdjustmentSchedule: Sendable {
    /// A corporate action as the reader applies it (or explains why not).
    public struct Event: Hashable, Sendable {
        public var exDate: CivilDate
        public var kind: CorporateAction.Kind
        /// split: new shares per old; dividend: cash per share.
        public var value: Price
        public var source: String
        /// The last stored close before the ex-date, and the first stored open on or after it.
        public var previousClose: Price?
        public var exDateOpen: Price?
        /// Multiplies prices (and volumes) of the bars before the ex-date; 1 when not applied.
        public var priceFactor: Double
        public var volumeFactor: Double
        public var isApplied: Bool
        /// Why it is (not) applied, for reports.
        public var note: String

        public init(exDate: CivilDate, kind: CorporateAction.Kind, value: Price, source: String,
                    previousClose: Price?, exDateOpen: Price?) {
            self.exDate = exDate
            self.kind = kind
            self.value = value
            self.source = source
            self.previousClose = previousClose
            self.exDateOpen = exDateOpen
            self.priceFactor = 1
            self.volumeFactor = 1
            self.isApplied = false
            self.note = ""
        }
    }

    public private(set) var events: [Event]
    /// Ex-dates (UTC seconds) ascending; `priceFactors[i]` applies to bars in
    /// `boundaries[i-1] ..< boundaries[i]`, and 1 to bars from the last boundary on.
    let boundaries: [Int64]
    let priceFactors: [Double]
    let volumeFactors: [Double]

    /// Nothing to adjust.
    public static let identity = AdjustmentSchedule(events: [], boundaries: [], priceFactors: [], volumeFactors: [])

    private init(events: [Event], boundaries: [Int64], priceFactors: [Double], volumeFactors: [Double]) {
        self.events = events
        self.boundaries = boundaries
        self.priceFactors = priceFactors
        self.volumeFactors = volumeFactors
    }

    /// Decides each event's factor and cumulates them. `events` in any order; one per
    /// (ex-date, kind) is expected (the reader picks one source per action).
    public init(events input: [Event], adjustment: Adjustment) throws(MarketDataError) {
        var events = input.sorted { ($0.exDate, $0.kind == .split ? 0 : 1) < ($1.exDate, $1.kind == .split ? 0 : 1) }
        for i in events.indices {
            try Self.decide(&events[i], adjustment: adjustment)
        }
        var boundaries: [Int64] = []
        var dateFactors: [(price: Double, volume: Double)] = []
        for e in events where e.isApplied {
            let ts = e.exDate.daysSinceEpoch * UnixTime.secondsPerDay
            if boundaries.last == ts {
                dateFactors[dateFactors.count - 1].price *= e.priceFactor
                dateFactors[dateFactors.count - 1].volume *= e.volumeFactor
            } else {
                boundaries.append(ts)
                dateFactors.append((e.priceFactor, e.volumeFactor))
            }
        }
        var price = [Double](repeating: 1, count: boundaries.count)
        var volume = [Double](repeating: 1, count: boundaries.count)
        var p = 1.0, v = 1.0
        for i in stride(from: boundaries.count - 1, through: 0, by: -1) {
            p *= dateFactors[i].price
            v *= dateFactors[i].volume
            price[i] = p
            volume[i] = v
        }
        self.init(events: events, boundaries: boundaries, priceFactors: price, volumeFactors: volume)
    }

    private static func decide(_ e: inout Event, adjustment: Adjustment) throws(MarketDataError) {
        guard let previousClose = e.previousClose else {
            e.note = "no stored bar before the ex-date: nothing to adjust"
            return
        }
        let value = Double(e.value.micros) / Double(Price.scale)
        switch e.kind {
        case .split:
            let reflected: Bool
            switch adjustment.splitBasis {
            case .unadjusted:
                reflected = false
                e.note = "split basis unadjusted: applied"
            case .splitAdjusted:
                reflected = true
                e.note = "split basis split-adjusted: not applied"
            case .detect:
                if let open = e.exDateOpen, open.micros > 0, previousClose.micros > 0 {
                    let move = log(Double(previousClose.micros) / Double(open.micros))
                    reflected = abs(move) < abs(move - log(value))
                    let gap = "close \(previousClose.trimmedText) before, open \(open.trimmedText) on the ex-date"
                    e.note = reflected ? "already reflected in stored prices (\(gap)): not applied"
                                       : "stored prices as traded (\(gap)): applied"
                } else {
                    reflected = false
                    e.note = "no stored bar on or after the ex-date: assumed not reflected, applied"
                }
            }
            if !reflected {
                e.priceFactor = 1 / value
                e.volumeFactor = value
                e.isApplied = true
            }
        case .dividend:
            guard adjustment.dividends else {
                e.note = "dividends not requested"
                return
            }
            guard e.value < previousClose else {
                throw MarketDataError(code: .corporateAction,
                                      message: "dividend \(e.value.trimmedText) on \(e.exDate) is not below the previous close \(previousClose.trimmedText)")
            }
            e.priceFactor = 1 - value / (Double(previousClose.micros) / Double(Price.scale))
            e.isApplied = true
            e.note = "factor 1 - \(e.value.trimmedText) / \(previousClose.trimmedText)"
        }
    }

    /// The cumulative factors for a bar at `ts`, moving `cursor` forward (bars ascend).
    func factors(at ts: Int64, cursor: inout Int) -> (price: Double, volume: Double) {
        while cursor < boundaries.count, boundaries[cursor] <= ts { cursor += 1 }
        return cursor < boundaries.count ? (priceFactors[cursor], volumeFactors[cursor]) : (1, 1)
    }

    /// The bar adjusted: prices multiplied and rounded half-even to six places, volume
    /// multiplied and rounded to the nearest share. Bars after the last ex-date are untouched.
    func adjust(_ bar: inout Bar, cursor: inout Int) {
        let f = factors(at: bar.ts, cursor: &cursor)
        if f.price != 1 {
            bar.open = Self.scale(bar.open, f.price)
            bar.high = Self.scale(bar.high, f.price)
            bar.low = Self.scale(bar.low, f.price)
            bar.close = Self.scale(bar.close, f.price)
        }
        if f.volume != 1 {
            bar.volume = Int64((Double(bar.volume) * f.volume).rounded(.toNearestOrEven))
        }
    }

    @inline(__always)
    static func scale(_ price: Price, _ factor: Double) -> Price {
        Price(micros: Int64((Double(price.micros) * factor).rounded(.toNearestOrEven)))
    }
}

extension Price {
    /// Without trailing zeros: `92.7`, `645.57`, `55`.
    var trimmedText: String {
        var text = description
        while text.last == "0" { text.removeLast() }
        if text.last == "." { text.removeLast() }
        return text
    }
}
