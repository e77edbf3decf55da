import JutsuCore

/// One bounded batch of input, ready to be written atomically.
///
/// Bars are already validated and free of duplicate keys within the batch. `supersedes[i]` is
/// true when bar i's key was already loaded by an earlier batch of the same run (the later row
/// wins; the earlier one is then counted as a `duplicate` reject).
public struct LoadBatch: Sendable {
    public var bars: [Bar] = []
    public var lines: [Int64] = []
    public var supersedes: [Bool] = []
    public var rejects: [RejectRecord] = []
    public var corporateActions: [CorporateAction] = []
    /// Files or URLs the rows came from, for `rejected_bars.source_location` and per-file counts.
    /// A batch may gather several small files (one per symbol is the common vendor drop).
    public private(set) var origins: [String]
    /// Index into `origins` per bar; empty while every bar comes from `origins[0]`.
    public private(set) var originOf: [UInt16] = []
    /// The batch's data source: of every row unless rows name others (`sources`, `sourceOf`).
    public var dataSource: DataSourceName {
        get { sources[0] }
        set { sources[0] = newValue }
    }
    /// Data sources of the rows; `sources[0]` is `dataSource`. A legacy series switches vendors
    /// now and then: its rows of several sources share one transaction.
    public private(set) var sources: [DataSourceName]
    /// Index into `sources` per bar; empty while every bar is of `sources[0]`.
    public private(set) var sourceOf: [UInt8] = []
    /// Rows whose superseded earlier row was counted by another run (a resumed migration's rows
    /// before its checkpoint): their `duplicate` moves no count of this run. Empty: none.
    public var supersededElsewhere: Set<Int> = []

    @inline(__always)
    public func supersededCountedElsewhere(_ i: Int) -> Bool {
        !supersededElsewhere.isEmpty && supersededElsewhere.contains(i)
    }

    public init(origin: String, dataSource: DataSourceName) {
        self.origins = [origin]
        self.sources = [dataSource]
    }

    @inline(__always)
    public func sourceIndex(ofRow i: Int) -> Int { sourceOf.isEmpty ? 0 : Int(sourceOf[i]) }

    /// Appends a bar of `source` (up to 256 sources a batch).
    public mutating func append(_ bar: Bar, line: Int64, supersedes: Bool = false, source: DataSourceName) {
        var k = 0
        if source != sources[0], bars.isEmpty, sources.count == 1 {
            sources[0] = source   // the first row names the batch's source
        } else if source != sources[0] {
            if let i = sources.firstIndex(of: source) { k = i } else {
                precondition(sources.count < 256, "more than 256 data sources in one batch")
                sources.append(source)
                k = sources.count - 1
            }
            if sourceOf.isEmpty { sourceOf = [UInt8](repeating: 0, count: bars.count) }
        }
        if !sourceOf.isEmpty { sourceOf.append(UInt8(k)) }   // before the bar: append(_:line:) pads
        append(bar, line: line, supersedes: supersedes, padSource: false)
    }

    /// The first (or only) origin.
    public var origin: String { origins[0] }

    @inline(__always)
    public func originIndex(ofRow i: Int) -> Int { originOf.isEmpty ? 0 : Int(originOf[i]) }

    public func origin(ofRow i: Int) -> String { origins[originIndex(ofRow: i)] }

    public mutating func append(_ bar: Bar, line: Int64, supersedes: Bool = false) {
        append(bar, line: line, supersedes: supersedes, padSource: true)
    }

    private mutating func append(_ bar: Bar, line: Int64, supersedes: Bool, padSource: Bool) {
        bars.append(bar)
        lines.append(line)
        self.supersedes.append(supersedes)
        if !originOf.isEmpty { originOf.append(0) }
        if padSource, !sourceOf.isEmpty { sourceOf.append(0) }
    }

    /// Rows read that this batch accounts for.
    public var rowsRead: Int { bars.count + rejects.count }

    public mutating func reserveCapacity(_ rows: Int) {
        bars.reserveCapacity(rows)
        lines.reserveCapacity(rows)
        supersedes.reserveCapacity(rows)
    }

    /// Appends another part of the same input (the parse thread hands over small chunks; the
    /// loader writes them in larger transactions).
    /// The batch cut into `parts` by `route(bar)` (0..<parts), rows in order; every part keeps
    /// all `origins` (so per-origin indices stay valid). Rejects and corporate actions go to
    /// part 0.
    public func split(parts: Int, route: (Bar) -> Int) -> [LoadBatch] {
        var out = [LoadBatch](repeating: LoadBatch(origin: origins[0], dataSource: dataSource), count: parts)
        for p in 0..<parts {
            out[p].origins = origins
            out[p].sources = sources
            out[p].reserveCapacity(bars.count / parts + 16)
        }
        let multi = !originOf.isEmpty
        for i in bars.indices {
            let p = route(bars[i])
            out[p].bars.append(bars[i])
            out[p].lines.append(lines[i])
            if !supersedes.isEmpty { out[p].supersedes.append(supersedes[i]) }
            if multi { out[p].originOf.append(originOf[i]) }
            if !sourceOf.isEmpty { out[p].sourceOf.append(sourceOf[i]) }
        }
        out[0].rejects = rejects
        out[0].corporateActions = corporateActions
        return out
    }

    /// Appends `rows` per-row indices into `theirs` (or all 0 when `theirIndex` is empty) to
    /// `index`, mapped onto `ours` (extended with what is new).
    static func merge<T: Equatable, I: FixedWidthInteger>(_ theirs: [T], _ theirIndex: [I], rows: Int,
                                                          into ours: inout [T], _ index: inout [I], existing: Int) {
        let map = theirs.map { value -> I in
            if let i = ours.lastIndex(of: value) { return I(i) }
            ours.append(value)
            return I(ours.count - 1)
        }
        guard ours.count > 1 else { return }
        if index.isEmpty { index = [I](repeating: 0, count: existing) }
        if theirIndex.isEmpty {
            index.append(contentsOf: repeatElement(map[0], count: rows))
        } else {
            index.append(contentsOf: theirIndex.map { map[Int($0)] })
        }
    }

    /// Keeps the rows whose flag is true, in order: `bars`, `lines` and `supersedes` together.
    public mutating func keepRows(_ keep: [Bool]) {
        let hasSupersedes = !supersedes.isEmpty   // set once the batch is assembled
        var kept = 0
        for i in bars.indices where keep[i] {
            bars[kept] = bars[i]
            lines[kept] = lines[i]
            if hasSupersedes { supersedes[kept] = supersedes[i] }
            if !originOf.isEmpty { originOf[kept] = originOf[i] }
            if !sourceOf.isEmpty { sourceOf[kept] = sourceOf[i] }
            kept += 1
        }
        let drop = bars.count - kept
        bars.removeLast(drop)
        lines.removeLast(drop)
        if hasSupersedes { supersedes.removeLast(drop) }
        if !originOf.isEmpty { originOf.removeLast(drop) }
        if !sourceOf.isEmpty { sourceOf.removeLast(drop) }
    }

    public mutating func append(contentsOf other: LoadBatch) {
        // Map the other batch's origins and sources onto ours; keep per-row indices once there
        // are several.
        Self.merge(other.origins, other.originOf, rows: other.bars.count, into: &origins, &originOf, existing: bars.count)
        Self.merge(other.sources, other.sourceOf, rows: other.bars.count, into: &sources, &sourceOf, existing: bars.count)
        bars.append(contentsOf: other.bars)
        lines.append(contentsOf: other.lines)
        supersedes.append(contentsOf: other.supersedes)
        rejects.append(contentsOf: other.rejects)
        corporateActions.append(contentsOf: other.corporateActions)
    }
}

/// A row that was read and is not stored, as written to `rejected_bars`.
public struct RejectRecord: Sendable, Equatable {
    /// `file:line` or a URL.
    public var location: String
    public var symbol: String?
    public var timeframe: Timeframe?
    public var rawText: String
    public var reason: RejectReason
    public var message: String
    /// The bar's time when the row got that far (for windows of incremental runs); not stored.
    public var ts: Int64?

    public init(location: String, symbol: String?, timeframe: Timeframe?, rawText: String,
                reason: RejectReason, message: String, ts: Int64? = nil) {
        self.ts = ts
        self.location = location
        self.symbol = symbol
        self.timeframe = timeframe
        self.rawText = rawText
        self.reason = reason
        self.message = message
    }
}

extension RejectRecord {
    /// A row that parsed into `bar` but is not stored, read at `origin`:`line`.
    public static func bar(_ bar: Bar, at origin: String, line: Int64, reason: RejectReason,
                           message: String) -> RejectRecord {
        RejectRecord(location: SourceLocation(file: origin, line: line).description, symbol: bar.symbol.value,
                     timeframe: bar.timeframe, rawText: bar.recordText, reason: reason, message: message,
                     ts: bar.ts)
    }

    /// `superseded`, read at `origin`:`line`, lost to a later row of the same key at `winnerLine`.
    public static func duplicate(_ superseded: Bar, at origin: String, line: Int64, winnerLine: Int64) -> RejectRecord {
        bar(superseded, at: origin, line: line, reason: .duplicate,
            message: "duplicate key \(SeriesKey(superseded)) \(UnixTime.iso8601(superseded.ts)): superseded by line \(winnerLine)")
    }
}

/// A `data_source` value: lower-case letters, digits, `_` and `-`, 1 to 32 characters.
public struct DataSourceName: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public init?(_ text: String) {
        let ok = !text.isEmpty && text.utf8.count <= 32 && text.utf8.allSatisfy {
            ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D
        }
        guard ok else { return nil }
        value = text
    }

    public var description: String { value }
    public static let csv = DataSourceName("csv")!
}
