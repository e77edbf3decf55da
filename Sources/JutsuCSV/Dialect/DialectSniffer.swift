import JutsuCore

/// Decides a file's `Dialect` from its first bytes (about 64 KiB) and the options.
///
/// Order of decisions, each overridable by an option: binary or empty input is refused;
/// delimiter (`DelimiterDetector`); header or not (a row naming a date column or two OHLCV
/// columns is a header, else a first row that reads as a bar means a headerless file);
/// column mapping (`HeaderMapper`, or positions); date format (`DateFormatDetector`: from the
/// first `sampleRecords` rows; for slash dates the day/month order from every complete row of
/// the sample, and an error when no row proves it or rows prove both); zone (option, a `Gmt
/// time` column's UTC, the default); timeframe (option, file name, directory name, data);
/// symbol (column, option, file name).
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
        let allRecords = SampleRecords.read(sample, isWholeInput: isWholeInput, delimiter: delimiter, limit: sampleRecords)
        // Banner lines before the header (CryptoDataDownload's `Created on 10-17-2019,https://...`):
        // a line that is neither a header nor a bar, followed by a header, is skipped (up to 3).
        var banner: [String] = []
        if options.hasHeader != false {
            while banner.count < 3, banner.count + 1 < allRecords.count, !allRecords[banner.count].rejected {
                let this = allRecords[banner.count].fields.map { Text.lossy($0, limit: 200) }
                let next = allRecords[banner.count + 1].fields.map { Text.lossy($0, limit: 200) }
                guard !HeaderMapper.looksLikeHeader(this), HeaderMapper.looksLikeHeader(next),
                      PositionalColumns.mapping(allRecords[banner.count].fields, validate: true) == nil else { break }
                banner.append(this.joined(separator: ","))
            }
        }
        let records = Array(allRecords.dropFirst(banner.count))
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
        // A crypto export's volume in the base asset (`Volume BTC` of BTCUSD), not the quote's
        // (CryptoDataDownload's `volume` is in USD): volume is the quantity traded.
        if hasHeader {
            let assets = HeaderMapper.assetVolumes(firstText)
            let symbolText = options.symbol?.value
                ?? mapping.symbol.flatMap { i in dataRecords.first.map { Text.lossy($0.fields[i], limit: 40) } }
                ?? FileNameInference(path: path).symbolText
            let base = assets.first { a in
                a.asset == "FROM" || symbolText.map { $0.uppercased().filter(\.isLetter).hasPrefix(a.asset) } == true
            }
            if let base, base.index != mapping.volume {
                if let old = mapping.volume { ignoredColumns.append(mapping.name(old)) }
                ignoredColumns.removeAll { $0 == mapping.name(base.index) }
                mapping.volume = base.index
            }
        }

        // Date format.
        let dateValues = dataRecords.map { $0.fields[mapping.date] }
        let dateFormat: DateFormat
        if let given = options.dateFormat {
            dateFormat = given
        } else if var detection = DateFormatDetector.detection(dateValues) {
            // Slash dates: the day/month order from every complete row of the sample, not only
            // the first `sampleRecords` (more rows, more chances that one proves the order).
            var orderRecords = dataRecords
            if detection.concernsSlashOrder, records.count >= sampleRecords {
                let all = SampleRecords.read(sample, isWholeInput: isWholeInput, delimiter: delimiter, limit: sample.count)
                orderRecords = all.dropFirst(hasHeader ? 1 : 0).filter {
                    !$0.rejected && $0.fields.count == mapping.fieldCount
                }
                if let wider = DateFormatDetector.slashOrder(orderRecords.map { $0.fields[mapping.date] }) {
                    detection = wider
                } else {
                    orderRecords = dataRecords
                }
            }
            func shown(_ i: Int) -> String {
                "'\(Text.lossy(orderRecords[i].fields[mapping.date], limit: 60))' (line \(orderRecords[i].line))"
            }
            let column = "column '\(mapping.name(mapping.date))'"
            let both = "pass --date-format dd/mm/yyyy (day first) or --date-format mm/dd/yyyy (month first)"
            switch detection {
            case .format(let detected):
                dateFormat = detected
            case .ambiguousDayMonth(let example):
                throw fail(
                    "the dates in \(column) read day first and month first alike (e.g. \(shown(example))): none "
                        + "of the first \(orderRecords.count) rows proves the order (a valid date whose first number "
                        + "is over 12 is day first, whose second is over 12 month first); \(both)")
            case .contradictoryDayMonth(let dayFirst, let monthFirst):
                throw fail(
                    "the dates in \(column) contradict each other: \(shown(dayFirst)) is a valid date only day "
                        + "first and \(shown(monthFirst)) only month first; \(both) (rows written the other "
                        + "way are then rejected)")
            }
        } else if dateValues.allSatisfy({ DateFormatDetector.trimmed($0).isEmpty }) {
            dateFormat = .isoDate  // no dates to look at: nothing will be read with it
        } else {
            let example = dateValues.first { !DateFormatDetector.trimmed($0).isEmpty }.map { Text.lossy($0, limit: 60) } ?? ""
            throw fail(
                "cannot recognise the dates in column '\(mapping.name(mapping.date))' (e.g. '\(example)'); "
                    + "pass --date-format (\(DateFormat.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")))")
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
            let spaced = sampleTimestamps()
            if spaced.count >= 10, let spacing = TimeframeInference.infer(spaced), spacing != named {
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

        // A `Local time` column names no zone: intraday bars need one (daily ones are keyed by
        // the date as written).
        if mapped.zoneHint == .unnamedLocal, options.zone == nil, timeframe.isIntraday, !dateFormat.isEpoch {
            throw fail(
                "column '\(mapping.name(mapping.date))' holds local times of a zone the file does not name; "
                    + "pass --timezone (e.g. Europe/Zurich, or UTC)")
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
        // Zone: `--timezone`, else UTC for a `Gmt time` / `timestamp_utc` column or a banner that
        // says the times are UTC (`Timestamps are UTC timezone`), else UTC for a pair of a market
        // that never closes (crypto exchanges stamp in UTC), else the default (America/New_York).
        let bannerSaysUTC = banner.contains { $0.contains("UTC") }
        let zoneFromColumnName = options.zone == nil && mapped.zoneHint == .utc
        let symbolForZone = symbol ?? mapping.symbol.flatMap { i in
            dataRecords.first.flatMap { try? Symbol(canonicalizing: Text.lossy($0.fields[i], limit: 40)) }
        }
        let continuous = symbolForZone.map { SymbolCalendar.calendar(for: $0, named: options.calendar) is ContinuousCalendar } ?? false
        let zoneName = options.zone ?? (zoneFromColumnName || bannerSaysUTC || continuous ? "UTC" : CSVOptions.defaultZone)
        guard let zone = ZoneResolver.rule(named: zoneName) else {
            throw fail("unknown time zone '\(zoneName)' (use an IANA name such as America/New_York, or UTC, or +09:00)")
        }

        let sample = sampleTimestamps()
        // Epochs of another era are not epochs (QuantConnect LEAN's minute files count
        // milliseconds since midnight, the date in the file name): never 1970 bars.
        if dateFormat.isEpoch, let early = sample.compactMap({ t -> Int64? in
            if case .instant(let v) = t, v < 315_532_800 { return v }
            return nil
        }).first {
            throw fail(
                "column '\(mapping.name(mapping.date))' read as \(dateFormat.rawValue) gives \(UnixTime.iso8601(early)), "
                    + "before 1980: not a timestamp of this era (QuantConnect LEAN minute files count milliseconds since "
                    + "midnight, with the date in the file name, which is not read yet); pass --date-format if it is one")
        }
        // QuantConnect LEAN equity files: headerless `yyyymmdd HH:MM` with prices in deci-cents
        // (x10000), which no text can tell from real prices: a flag must say the scale.
        if !hasHeader, dateFormat == .compact, !options.priceScaleGiven, dataRecords.count >= 1,
           dataRecords.allSatisfy({ r in
               [mapping.open, mapping.high, mapping.low, mapping.close].allSatisfy { i in
                   r.fields[i].count >= 5 && r.fields[i].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
               }
           }) {
            throw fail(
                "headerless `yyyymmdd HH:MM` rows with whole-number prices of five or more digits look like QuantConnect "
                    + "LEAN equity data, whose prices are deci-cents (x10000): pass --price-scale 0.0001 for LEAN, or "
                    + "--price-scale 1 if the prices are as written")
        }

        var warnings: [String] = []
        if options.zone == nil, !zoneFromColumnName, !bannerSaysUTC, timeframe.isIntraday,
           sample.contains(where: { if case .local = $0 { true } else { false } }) {
            warnings.append("times without an offset read as \(zone.identifier) ("
                + (continuous ? "UTC for a pair of a market that never closes" : "the default") + "); pass --timezone if the file means another zone")
        }
        if symbolSource == .fileName, !fromName.dropped.isEmpty, let symbol {
            warnings.append("symbol \(symbol.value) taken from the file name without "
                + fromName.dropped.map { "'\($0)'" }.joined(separator: ", ") + "; pass --symbol if that is not the symbol")
        }

        let dialect = Dialect(
            delimiter: delimiter, hasHeader: hasHeader, columns: mapping, dateFormat: dateFormat,
            symbolSource: symbolSource, symbol: symbol, timeframe: timeframe, timeframeSource: timeframeSource,
            ignoredColumns: ignoredColumns, ignoredByDesignColumns: mapped.ignoredByDesign,
            compressed: compressed, zone: zone.identifier, barTimeIsEnd: options.barTimeIsEnd,
            fileNameConvention: fromName.convention, bannerLines: banner.count, warnings: warnings,
            zoneFromColumnName: zoneFromColumnName)
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
/// By field count: 5 `date,open,high,low,close`; 6 `+volume`; 12 Binance klines (epoch-ms open
/// time, OHLC, volume, epoch-ms close time, ...); 7 `+symbol` at the end, or
/// `date,time,open,high,low,close,volume` when the second field is a time of day, or
/// `symbol,date,open,high,low,close,volume` when the first is not a date and the second is.
enum PositionalColumns {
    static func mapping(_ fields: [[UInt8]], validate: Bool) -> ColumnMapping? {
        func isDate(_ f: [UInt8]) -> Bool { DateFormatDetector.detection([f]) != nil }
        func isTime(_ f: [UInt8]) -> Bool { f.withUnsafeBytes { TimestampParser.timeOfDay($0) } != nil }
        var roles: [String]
        switch fields.count {
        case 5: roles = ["date", "open", "high", "low", "close"]
        case 6: roles = ["date", "open", "high", "low", "close", "volume"]
        case 12:
            // Binance klines (data.binance.vision): open time and close time in epoch
            // milliseconds around OHLC and the base-asset volume, then quote volume, trades,
            // taker volumes and an unused field.
            func isMillis(_ f: [UInt8]) -> Bool { (12...16).contains(f.count) && f.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
            guard isMillis(fields[0]), isMillis(fields[6]) else { return nil }
            roles = ["date", "open", "high", "low", "close", "volume", "close_time", "quote_volume", "trades",
                     "taker_buy_base_volume", "taker_buy_quote_volume", "ignore"]
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
