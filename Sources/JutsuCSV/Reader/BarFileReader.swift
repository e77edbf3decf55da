import JutsuCore

/// Reads OHLCV bars from a CSV file, plain or gzip, or a zip archive's member, in batches, with
/// memory flat in the file size.
///
/// Opening sniffs the first 64 KiB into a `Dialect` (see `DialectSniffer`); each `nextBatch`
/// then turns the next records into bars or rejected rows. Every data record yields exactly one
/// of the two; blank lines are skipped; the header is not a row.
///
/// Files without a header are read positionally: `date,open,high,low,close[,volume[,symbol]]`
/// (also `date,time,open,...,volume` and `symbol,date,open,...,volume`; see
/// `PositionalColumns`). A file without a volume column reads volume as 0.
///
/// Used from one thread (the parse thread); not `Sendable`.
public final class BarFileReader {
    /// The input's name: the path as given, or `archive.zip:member.csv` for a zip member.
    public let path: String
    public let dialect: Dialect
    /// Size of the file on disk (compressed size for gzip).
    public let fileSize: Int64
    /// Bytes of the file consumed so far (compressed bytes for gzip): progress is
    /// `bytesConsumed / fileSize`.
    public var bytesConsumed: Int64 { core.tokenizer.bytesConsumed }
    /// Data records read so far (bars plus rejects).
    public var rowsRead: Int64 { core.rowsRead }

    private var core: ReaderCore

    /// Opens `path` and sniffs its dialect. Throws for file-level problems (unreadable, empty,
    /// binary, no date column, symbol or timeframe not inferable, corrupt gzip in the sample,
    /// corrupt or encrypted zip archive).
    ///
    /// `path` may name a zip archive's member, `archive.zip:member.csv`, or a zip archive with one
    /// data member. To read the members of an archive in turn, use one `InputOpener`.
    public convenience init(path: String, options: CSVOptions = .init()) throws(CSVError) {
        try self.init(opening: path, options: options, opener: nil)
    }

    convenience init(opening name: String, options: CSVOptions, opener: InputOpener?) throws(CSVError) {
        let opened = try ByteSources.openInput(name: name, opener: opener)
        try self.init(
            source: opened.source, path: opened.name, options: options, compressed: opened.compressed,
            inferencePath: opened.inferencePath, zipMember: opened.zipMember)
    }

    /// Reads from any byte source; `bufferBytes` small values force records across reads (tests).
    /// `inferencePath` (default `path`) is what the symbol and timeframe are inferred from.
    init(
        source: any ByteSource, path: String, options: CSVOptions, compressed: Bool,
        inferencePath: String? = nil, zipMember: String? = nil, bufferBytes: Int = 256 * 1024
    ) throws(CSVError) {
        self.path = path
        self.fileSize = source.fileSize
        var tokenizer = RecordTokenizer(source: source, bufferBytes: bufferBytes)
        let prefetched = try tokenizer.prefetch(DialectSniffer.sampleBytes)
        let sniffed = try DialectSniffer.sniff(
            sample: Array(prefetched.sample), isWholeInput: prefetched.isWholeInput, path: path,
            inferencePath: inferencePath ?? path, options: options, compressed: compressed)
        var dialect = sniffed.dialect
        dialect.zipMember = zipMember
        self.dialect = dialect
        tokenizer.delimiter = dialect.delimiter
        let decoder = RowDecoder(
            mapping: dialect.columns, format: dialect.dateFormat,
            keyer: TimestampKeyer(timeframe: dialect.timeframe, zone: sniffed.zone, barTimeIsEnd: options.barTimeIsEnd),
            fixedSymbol: dialect.symbol)
        core = ReaderCore(tokenizer: tokenizer, decoder: decoder, skip: dialect.bannerLines + (dialect.hasHeader ? 1 : 0))
    }

    /// The next up to `maxRows` data records as bars and rejects; `nil` at the end of the file.
    /// Throws only for file-level failures while reading (I/O error, corrupt or truncated gzip).
    public func nextBatch(maxRows: Int) throws(CSVError) -> ParsedBatch? {
        try core.nextBatch(maxRows: maxRows)
    }
}

/// The reader's per-row state as one struct, so a whole batch runs inside one mutating call
/// (no run-time exclusivity check per row, as there would be on a class's properties).
private struct ReaderCore: ~Copyable {
    var tokenizer: RecordTokenizer
    var decoder: RowDecoder
    /// Records before the data: banner lines and the header.
    var skip: Int
    var finished = false
    var rowsRead: Int64 = 0

    init(tokenizer: consuming RecordTokenizer, decoder: RowDecoder, skip: Int) {
        self.tokenizer = tokenizer
        self.decoder = decoder
        self.skip = skip
    }

    mutating func nextBatch(maxRows: Int) throws(CSVError) -> ParsedBatch? {
        guard !finished else { return nil }
        let limit = max(1, maxRows)
        var batch = ParsedBatch()
        batch.bars.reserveCapacity(min(limit, 1 << 16))
        var rows = 0
        while rows < limit {
            let outcome = try tokenizer.next()
            if outcome == .end {
                finished = true
                break
            }
            if skip > 0 {
                skip -= 1
                continue
            }
            rows += 1
            let line = tokenizer.recordLine
            if batch.firstLine == 0 { batch.firstLine = line }
            batch.lastLine = line
            switch outcome {
            case .record:
                decoder.decode(tokenizer, into: &batch)
            case .rejected(let reason, let message):
                batch.rejects.append(
                    RejectedRow(
                        line: line, rawText: Text.lossy(tokenizer.rawRecord, limit: 1000), reason: reason,
                        message: message))
            case .end:
                break
            }
        }
        rowsRead += Int64(rows)
        if rows == 0, finished { return nil }
        return batch
    }
}
