import JutsuCore

/// Rows read by one `BarFileReader.nextBatch` call: every data record in the batch is in
/// exactly one of `bars` and `rejects`.
public struct ParsedBatch: Sendable {
    public var bars: [SourcedBar]
    public var rejects: [RejectedRow]
    /// Splits and dividends found on the rows of `bars` (their bars are in `bars` too).
    public var corporateActions: [CorporateAction]
    /// Bars whose fractional volume was rounded to an integer.
    public var roundedVolumes: Int
    /// Physical line of the first and last record in the batch (0 when empty).
    public var firstLine: Int64
    public var lastLine: Int64

    /// Data records in the batch.
    public var rowCount: Int { bars.count + rejects.count }

    public init(
        bars: [SourcedBar] = [], rejects: [RejectedRow] = [], corporateActions: [CorporateAction] = [],
        roundedVolumes: Int = 0, firstLine: Int64 = 0, lastLine: Int64 = 0
    ) {
        self.bars = bars
        self.rejects = rejects
        self.corporateActions = corporateActions
        self.roundedVolumes = roundedVolumes
        self.firstLine = firstLine
        self.lastLine = lastLine
    }
}
