import JutsuCore

/// Decides a file's `Dialect` from its first bytes (about 64 KiB) and the options.
///
/// Order of decisions, each overridable by an option: binary or empty input is refused;
/// delimiter (`DelimiterDetector`); header or not (a row naming a date column or two OHLCV
/// columns is a header, else a first row that reads as a bar means a headerless file);
/// column mapping (`HeaderMapper`, or positions); date format (`DateFormatDetector`); zone;
/// timeframe (option, file name, directory name, data); symbol (column, option, file name).
enum DialectSniffer {
    /// Bytes looked at before the first row is read.
    static let sampleBytes = 64 * 1024
    /// Records of the sample used for detection.
    static let sampleRecords = 200

    struct Result {
        var dialect: Dialect
        var zone: any ZoneRule
    }

    static func sniff(
        sample: [UInt8], isWholeInput: Bool, path: String, inferencePath: String? = nil, options: CSVOptions,
        compressed: Bool
    ) throws(CSVError) -> Result {
        func fail(_ message: String, line: Int64? = nil) -> CSVError { CSVError(file: path, line: line, message: message) }

        if sample.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            throw fail(sample.isEmpty ? "empty file" : "empty file (only blank lines)")
        }
        try refuseBinary(sample, fail: fail)

        // Delimiter.
        let delimiter = options.delimiter ?? DelimiterDetector.detect(sample, isWholeInput: isWholeInput) ?? 0x2C
        let records = SampleRecords.read(sample, isWholeInput: isWholeInput, delimiter: delimiter, limit: sampleRecords)
        guard let first = records.first else {
            throw fail("no complete line in the first \(sample.count) bytes: not a CSV file of bars")
        }
        if first.rejected {
            throw fail("the first row has a quote that is never closed", line: first.line)
        }
        let firstText = first.fields.map { Text.lossy($0, limit: 200) }
        if firstText.count == 1, let message = singleColumnMessage(firstText[0], delimiter: delimiter, given: options.delimiter != nil) {
            throw fail(message, line: first.line)
        }

        // Header and columns.
        var hasHeader: Bool
        var mapped: HeaderMapper.Result
        if options.hasHeader ?? HeaderMapper.looksLikeHeader(firstText) {
            hasHeader = true
            switch HeaderMapper.map(firstText) {
            case .success(let result): mapped = result
            case .failure(let failure):
                throw fail(
                    mappingMessage(failure, header: firstText), line: first.line)
            }
        } else if let positional = PositionalColumns.mapping(first.fields, validate: options.hasHeader == nil) {
            hasHeader = false
            mapped = HeaderMapper.Result(mapping: positional, ignored: [], ignoredByDesign: [])
        } else if options.hasHeader == false {
            throw fail(
                "a file without header needs 5 to 7 columns (date,open,high,low,close[,volume[,symbol]]); "
                    + "line \(first.line) has \(first.fields.count)", line: first.line)
        } else {
            throw fail(
                "line \(first.line) is neither a header (no column named \(HeaderMapper.dateSpellings)) "
                    + "nor a bar (date,open,high,low,close[,volume[,symbol]]): '\(Text.lossy(Array(first.fields.joined(separator: [delimiter])), limit: 200))'"
                    + (first.fields.count == 1 ? " — is the delimiter right?" : ""),
                line: first.line)
        }
        var mapping = mapped.mapping
        var ignoredColumns = mapped.ignored
        // Flags win over detection: with --symbol, a symbol column is not read.
        if options.symbol != nil, let column = mapping.symbol {
            ignoredColumns.append(mapping.name(column))
            mapping.symbol = nil
        }
        let dataRecords = records.dropFirst(hasHeader ? 1 : 0).filter {
            !$0.rejected && $0.fields.count == mapping.fieldCount
        }

        // Date format.
        let dateValues = dataRecords.map { $0.fields[mapping.date] }
        let dateFormat: DateFormat
        if let given = options.dateFormat {
            dateFormat = given
        } else if let detected = DateFormatDetector.detect(dateValues) {
            dateFormat = detected
        } else if dateValues.allSatisfy({ DateFormatDetector.trimmed($0).isEmpty }) {
            dateFormat = .isoDate  // no dates to look at: nothing will be read with it
        } else {
            let example = dateValues.first { !DateFormatDetector.trimmed($0).isEmpty }.map { Text.lossy($0, limit: 60) } ?? ""
            throw fail(
                "cannot recognise the dates in column '\(mapping.name(mapping.date))' (e.g. '\(example)'); "
                    + "pass --date-format (\(DateFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
        }

        // Zone.
        let zoneName = options.zone ?? CSVOptions.defaultZone
        guard let zone = ZoneResolver.rule(named: zoneName) else {
            throw fail("unknown time zone '\(zoneName)' (use an IANA name such as America/New_York, or UTC, or +09:00)")
        }

        // Timeframe.
        // A zip member's own name, not the archive's (`inferencePath`).
        let fromName = FileNameInference(path: inferencePath ?? path)
        // The sample's timestamps (ragged rows still tell the spacing if their date column is there).
        func sampleTimestamps() -> [WrittenTimestamp] {
            let needed = max(mapping.date, mapping.time ?? 0) + 1
            return records.dropFirst(hasHeader ? 1 : 0).compactMap { record -> WrittenTimestamp? in
                guard !record.rejected, record.fields.count >= needed else { return nil }
                return RowDecoder.writtenTimestamp(record.fields, mapping: mapping, format: dateFormat)
            }
        }
        var timeframe: Timeframe
        var timeframeSource: Dialect.TimeframeSource
        if let given = options.timeframe {
            (timeframe, timeframeSource) = (given, .option)
        } else if let named = fromName.timeframe, let source = fromName.timeframeSource {
            (timeframe, timeframeSource) = (named, source)
            // A name the data contradicts is an error naming both, never a silent choice
            // (a file named `bars_1m.csv.gz` holding daily bars).
            // At least ten rows, so a few holidays or missing bars decide nothing.
            let sample = sampleTimestamps()
            if sample.count >= 10, let spacing = TimeframeInference.infer(sample), spacing != named {
                throw fail(
                    "the \(source == .fileName ? "file" : "directory") name says \(named.rawValue) but the rows are "
                        + "spaced as \(spacing.rawValue) bars; pass --timeframe to say which")
            }
        } else {
            if let inferred = TimeframeInference.infer(sampleTimestamps()) {
                (timeframe, timeframeSource) = (inferred, .data)
            } else if dataRecords.isEmpty {
                (timeframe, timeframeSource) = (.d1, .assumedForEmptyFile)
            } else {
                throw fail(
                    "cannot infer the timeframe: the name says nothing and the first rows do not show a "
                        + "regular spacing; pass --timeframe (\(Timeframe.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }

        // Symbol.
        var symbol: Symbol?
        var symbolSource: Dialect.SymbolSource
        if mapping.symbol != nil {
            symbolSource = .column
        } else if let given = options.symbol {
            (symbol, symbolSource) = (given, .option)
        } else {
            symbolSource = .fileName
            guard let text = fromName.symbolText else {
                throw fail("cannot infer the symbol from the file name; pass --symbol")
            }
            do {
                symbol = try Symbol(canonicalizing: text)
            } catch {
                throw fail("cannot infer the symbol from the file name ('\(text)': \(error.message)); pass --symbol")
            }
        }
        var warnings: [String] = []
        if symbolSource == .fileName, !fromName.dropped.isEmpty, let symbol {
            warnings.append("symbol \(symbol.value) taken from the file name without "
                + fromName.dropped.map { "'\($0)'" }.joined(separator: ", ") + "; pass --symbol if that is not the symbol")
        }

        let dialect = Dialect(
            delimiter: delimiter, hasHeader: hasHeader, columns: mapping, dateFormat: dateFormat,
            symbolSource: symbolSource, symbol: symbol, timeframe: timeframe, timeframeSource: timeframeSource,
            ignoredColumns: ignoredColumns, ignoredByDesignColumns: mapped.ignoredByDesign,
            compressed: compressed, zone: zone.identifier, barTimeIsEnd: options.barTimeIsEnd,
            fileNameConvention: fromName.convention, warnings: warnings)
        return Result(dialect: dialect, zone: zone)
    }

    /// A one-field first line that holds another candidate delimiter: the delimiter is wrong.
    private static func singleColumnMessage(_ line: String, delimiter: UInt8, given: Bool) -> String? {
        guard let other = DelimiterDetector.candidates.first(where: { $0 != delimiter && line.utf8.contains($0) }) else {
            return nil
        }
        return "the first line is a single column with the \(given ? "given" : "detected") delimiter "
            + "\(Text.delimiterName(delimiter)) ('\(line)'); the file seems to use \(Text.delimiterName(other)): "
            + "wrong delimiter? (--delimiter)"
    }

    /// NUL bytes, UTF-16, or many control characters: not a text CSV file.
    private static func refuseBinary(_ sample: [UInt8], fail: (String, Int64?) -> CSVError) throws(CSVError) {
        if sample.count >= 2, (sample[0] == 0xFF && sample[1] == 0xFE) || (sample[0] == 0xFE && sample[1] == 0xFF) {
            throw fail("not a text CSV file: UTF-16 text (convert it to UTF-8)", nil)
        }
        if let nul = sample.firstIndex(of: 0) {
            throw fail("not a text CSV file: binary data (NUL byte at byte \(nul))", nil)
        }
        let controls = sample.reduce(0) { n, b in
            n + ((b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D) || b == 0x7F ? 1 : 0)
        }
        if controls * 100 > sample.count {
            throw fail("not a text CSV file: \(controls) control bytes in the first \(sample.count)", nil)
        }
    }

    private static func mappingMessage(_ failure: HeaderMapper.MappingFailure, header: [String]) -> String {
        let shown = header.map { "'\($0)'" }.joined(separator: ", ")
        switch failure {
        case .noDateColumn:
            return "no date column (looked for \(HeaderMapper.dateSpellings)); the header is \(shown)"
        case .missing(let role):
            return "no '\(role)' column; the header is \(shown)"
        }
    }
}

/// Column layout of files without a header.
///
/// By field count: 5 `date,open,high,low,close`; 6 `+volume`; 7 `+symbol` at the end, or
/// `date,time,open,high,low,close,volume` when the second field is a time of day, or
/// `symbol,date,open,high,low,close,volume` when the first is not a date and the second is.
enum PositionalColumns {
    static func mapping(_ fields: [[UInt8]], validate: Bool) -> ColumnMapping? {
        func isDate(_ f: [UInt8]) -> Bool { DateFormatDetector.detect([f]) != nil }
        func isTime(_ f: [UInt8]) -> Bool { f.withUnsafeBytes { TimestampParser.timeOfDay($0) } != nil }
        var roles: [String]
        switch fields.count {
        case 5: roles = ["date", "open", "high", "low", "close"]
        case 6: roles = ["date", "open", "high", "low", "close", "volume"]
        case 7:
            if isDate(fields[0]), isTime(fields[1]) {
                roles = ["date", "time", "open", "high", "low", "close", "volume"]
            } else if !isDate(fields[0]), isDate(fields[1]) {
                roles = ["symbol", "date", "open", "high", "low", "close", "volume"]
            } else {
                roles = ["date", "open", "high", "low", "close", "volume", "symbol"]
            }
        default: return nil
        }
        func index(_ role: String) -> Int? { roles.firstIndex(of: role) }
        let mapping = ColumnMapping(
            date: index("date")!, time: index("time"), open: index("open")!, high: index("high")!,
            low: index("low")!, close: index("close")!, volume: index("volume"), symbol: index("symbol"),
            dividend: nil, split: nil, adjustedClose: nil, names: roles)
        if validate {
            guard isDate(fields[mapping.date]) else { return nil }
            for i in [mapping.open, mapping.high, mapping.low, mapping.close] {
                guard case .success = fields[i].withUnsafeBytes({ Price.parse($0) }) else { return nil }
            }
        }
        return mapping
    }
}
