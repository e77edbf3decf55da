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
    /// File name or URL the rows came from, for `rejected_bars.source_location`.
    public var origin: String
    public var dataSource: DataSourceName

    public init(origin: String, dataSource: DataSourceName) {
        self.origin = origin
        self.dataSource = dataSource
    }

    public mutating func append(_ bar: Bar, line: Int64, supersedes: Bool = false) {
        bars.append(bar)
        lines.append(line)
        self.supersedes.append(supersedes)
    }

    /// Rows read that this batch accounts for.
    public var rowsRead: Int { bars.count + rejects.count }

    /// The bars as binary COPY tuples for `market_data`, encoded ahead of time by the parse
    /// thread so the loader thread only streams bytes to the server. `rowOffsets[i]` is where
    /// bar i starts.
    public private(set) var encoded: [UInt8] = []
    public private(set) var rowOffsets: [Int32] = []
    public private(set) var encodedRunID: Int64?

    /// Encodes every bar for a load by run `runID` (call on the producing thread).
    public mutating func encodeRows(runID: Int64) {
        encoded.removeAll(keepingCapacity: true)
        encoded.reserveCapacity(bars.count * 110)
        rowOffsets.removeAll(keepingCapacity: true)
        rowOffsets.reserveCapacity(bars.count)
        let source = Array(dataSource.value.utf8)
        for bar in bars {
            rowOffsets.append(Int32(encoded.count))
            MarketDataCopy.encode(bar, source: source, runID: runID, into: &encoded)
        }
        encodedRunID = runID
    }

    /// The encoded tuple of bar `i`.
    func encodedRow(_ i: Int) -> ArraySlice<UInt8> {
        let start = Int(rowOffsets[i])
        let end = i + 1 < rowOffsets.count ? Int(rowOffsets[i + 1]) : encoded.count
        return encoded[start..<end]
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

    public init(location: String, symbol: String?, timeframe: Timeframe?, rawText: String,
                reason: RejectReason, message: String) {
        self.location = location
        self.symbol = symbol
        self.timeframe = timeframe
        self.rawText = rawText
        self.reason = reason
        self.message = message
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
