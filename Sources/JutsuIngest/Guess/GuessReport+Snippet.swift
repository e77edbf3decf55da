import Foundation
import JutsuCSV
import JutsuCore

extension GuessReport {
    /// The detected dialect as a pipeline (`pipelines/*.yaml`, see `PipelineSpec`), with a
    /// comment on each guessed value saying what it was guessed from. Every reader decision is
    /// written out, so later files of the vendor are read the same way and not sniffed again.
    public var snippet: String {
        var out = SnippetLines()
        let file = (path as NSString).lastPathComponent
        out.comment("Guessed by `jutsu-ingest guess` from \(file): check it, then save it as pipelines/\(name).yaml")
        out.comment("file: \(fileSummary)")
        out.comment("columns: \(columnSummary)")
        if !dialect.ignoredColumns.isEmpty {
            out.comment("ignored (read by no one): \(dialect.ignoredColumns.joined(separator: ", "))")
        }
        if !dialect.ignoredByDesignColumns.isEmpty {
            out.comment("not stored: \(dialect.ignoredByDesignColumns.joined(separator: ", ")) (bars are stored as reported)")
        }
        out.comment(previewSummary)
        for decision in decisions { out.comment("decided: \(decision)") }
        for warning in dialect.warnings { out.comment("WARNING: \(warning)") }

        out.line("name: \(name)")
        out.line("description: \(Self.yamlScalar("Bars from \(file) (guessed)"))")
        out.line("source:")
        out.line("  kind: csv")
        out.line("  # absolute: a relative path is read from the pipeline file's folder; a glob (*.csv) reads every file like it")
        out.line("  paths:")
        out.line("    - \(Self.yamlScalar(absolutePath))")
        out.line("  delimiter: \(Self.delimiterText(dialect.delimiter))",
                 options.delimiter == nil ? "detected: \(Self.delimiterName(dialect.delimiter))" : "from --delimiter")
        out.line("  date_format: \(Self.yamlScalar(dialect.dateFormat.rawValue))",
                 (options.dateFormat == nil ? "detected: " : "from --date-format: ") + Self.describe(dialect.dateFormat))
        out.line("  has_header: \(dialect.hasHeader)",
                 dialect.hasHeader ? "line 1 names the columns"
                     : "no header: read by position (\(dialect.columns.names.joined(separator: ",")))")
        if dialect.symbolSource == .column, let index = dialect.columns.symbol {
            out.line("symbols: from_source", "one symbol per row, from the column \(dialect.columns.name(index))")
        } else if let symbol = dialect.symbol {
            out.line("symbols: [\(Self.yamlScalar(symbol.value))]", "symbol \(symbol.value) \(symbolOrigin)")
        }
        out.line("timeframe: \(dialect.timeframe.rawValue)", timeframeOrigin)
        out.line("normalize:")
        out.line("  timezone: \(Self.yamlScalar(dialect.zone))",
                 (options.zone != nil ? "from --timezone; "
                     : dialect.zoneFromColumnName ? "the date column's name says UTC; " : "the default; ")
                     + "the zone of timestamps written without an offset")
        out.line("validate:")
        out.line("  max_reject_ratio: 0.1", "a series with more rejected rows than this fails")
        out.line("load:")
        out.line("  mode: upsert", "new bars inserted, changed ones updated")
        out.line("lookback: 0", "stored bars read again on each run, to catch vendor revisions")
        return out.text
    }

    /// Every reading the import will make that the file does not spell out, each with the flag
    /// that changes it.
    public var decisions: [String] {
        var out: [String] = []
        if dialect.bannerLines > 0 {
            out.append("\(dialect.bannerLines) banner line(s) before the header skipped")
        }
        if let convention = dialect.fileNameConvention {
            out.append("the file name follows \(convention)'s naming (symbol and timeframe from it; --symbol, --timeframe)")
        }
        out.append("zone of naive times: \(dialect.zone) ("
            + (options.zone != nil ? "--timezone" : dialect.zoneFromColumnName ? "the date column's name" : "the default") + "; --timezone)")
        if dialect.timeframe.isIntraday {
            out.append("timestamps are bar \(dialect.barTimeIsEnd ? "ends: keys one bar earlier" : "starts") (--bar-time start|end)")
        } else if dialect.dateFormat.isEpoch {
            out.append("daily epochs at 00:00 UTC are their UTC date, other instants the session date in \(dialect.zone)")
        }
        if [.usDate, .dayFirstDate].contains(dialect.dateFormat) {
            out.append("date order: \(dialect.dateFormat == .usDate ? "month first" : "day first"), proven by the values (--date-format)")
        }
        if let symbol = dialect.symbol {
            let calendar = SymbolCalendar.calendar(for: symbol, named: options.calendar)
            out.append("calendar of \(symbol.value): \(calendar.name)\(options.calendar == nil ? " by its form" : " from --calendar") (--calendar)")
        }
        out.append("prices: six decimal places stored; a real seventh is rejected (price_precision), float noise read as the decimal it stands for")
        return out
    }

    /// The pipeline name (see `pipelineName(forFile:)`).
    public var name: String { Self.pipelineName(forFile: path) }

    var absolutePath: String { URL(fileURLWithPath: path).standardizedFileURL.path }

    private var fileSummary: String {
        let header = dialect.hasHeader ? "a header line" : "no header"
        let delimiter = "\(Self.delimiterName(dialect.delimiter))-delimited"
        let compression = dialect.zipMember.map { ", member '\($0)' of a zip archive (detected by its content)" }
            ?? (dialect.compressed ? ", gzip (detected by its content)" : "")
        return "\(delimiter), \(header)\(compression)"
    }

    /// `Date, Open, ..., Stock Splits (split)`: the columns read, with their role where the
    /// name does not say it.
    private var columnSummary: String {
        let c = dialect.columns
        var roles: [(Int, String)] = [(c.date, "date"), (c.open, "open"), (c.high, "high"), (c.low, "low"),
                                      (c.close, "close")]
        if let i = c.time { roles.append((i, "time")) }
        if let i = c.volume { roles.append((i, "volume")) }
        if let i = c.symbol { roles.append((i, "symbol")) }
        if let i = c.dividend { roles.append((i, "dividend")) }
        if let i = c.split { roles.append((i, "split")) }
        let read = roles.sorted { $0.0 < $1.0 }.map { index, role in
            let name = c.name(index)
            return name.lowercased() == role ? name : "\(name) (\(role))"
        }
        return read.joined(separator: ", ") + (c.volume == nil ? "; no volume column: volume is stored as 0" : "")
    }

    private var previewSummary: String {
        if readWholeFile, rowsRead == 0 { return "checked: the file has no data rows" }
        let rows = readWholeFile ? "all \(rowsRead) rows of the file" : "the first \(rowsRead) rows"
        if rejects.isEmpty { return "checked: \(rows), no row rejected" }
        var counts: [RejectReason: Int] = [:]
        for reject in rejects { counts[reject.reason, default: 0] += 1 }
        let reasons = counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }
        return "checked: \(rows), \(rejects.count) rejected (\(reasons.joined(separator: ", "))): see --preview"
    }

    private var symbolOrigin: String {
        switch dialect.symbolSource {
        case .option: "from --symbol"
        case .fileName: "from the file name"
        case .column: "from the symbol column"
        }
    }

    private var timeframeOrigin: String {
        switch dialect.timeframeSource {
        case .option: "from --timeframe"
        case .fileName: "from the file name"
        case .directoryName: "from the folder name"
        case .data: "from the data (date-only values or the spacing of the timestamps)"
        case .assumedForEmptyFile: "assumed: the file has no data rows; set it"
        }
    }

    /// The snippet's spelling of a delimiter (`","`, `";"`, `tab`, `"|"`).
    static func delimiterText(_ byte: UInt8) -> String {
        byte == 0x09 ? "tab" : yamlQuoted(String(UnicodeScalar(byte)))
    }

    static func delimiterName(_ byte: UInt8) -> String {
        switch byte {
        case 0x2C: "comma"
        case 0x3B: "semicolon"
        case 0x09: "tab"
        case 0x7C: "pipe"
        default: "'\(UnicodeScalar(byte))'"
        }
    }

    static func describe(_ format: DateFormat) -> String {
        switch format {
        case .isoDate: "dates like 2024-03-01"
        case .isoDateTime: "date-times like 2024-03-01 09:30:00, offset optional"
        case .usDate: "US dates like 03/01/2024 (month first)"
        case .dayFirstDate: "day-first dates like 09/01/2020 (9 January)"
        case .dottedYearFirst: "MetaTrader dates like 2019.02.15"
        case .dottedDayFirst: "day-first dates like 14.03.2019 (Dukascopy)"
        case .dayMonthNameShortYear: "dates like 31-Dec-10 (two-digit years: 00-68 20xx, 69-99 19xx)"
        case .dayMonthNameYear: "dates like 01-APR-2026"
        case .monthNameDayYear: "dates like Aug 02, 2020"
        case .compact: "dates like 20240301"
        case .epochSeconds: "seconds since 1970-01-01 UTC"
        case .epochMillis: "milliseconds since 1970-01-01 UTC"
        case .epochMicros: "microseconds since 1970-01-01 UTC"
        case .epochNanos: "nanoseconds since 1970-01-01 UTC"
        }
    }

    /// `text` as a YAML scalar: plain when it cannot be read as anything but that string,
    /// double-quoted otherwise (`"7203"`, `"+09:00"`, `"ON"` would be a number, a time, a bool).
    static func yamlScalar(_ text: String) -> String {
        let reserved: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"]
        guard let first = text.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII,
              text.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)
                  || "._/+=^-".unicodeScalars.contains($0)) }),
              !reserved.contains(text.lowercased())
        else { return yamlQuoted(text) }
        return text
    }

    static func yamlQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\x%02X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// YAML lines with their trailing comments lined up in one column.
private struct SnippetLines {
    private var lines: [(text: String, comment: String?)] = []

    mutating func comment(_ text: String) { lines.append(("# " + text, nil)) }
    mutating func line(_ text: String, _ comment: String? = nil) { lines.append((text, comment)) }

    var text: String {
        let column = lines.filter { $0.comment != nil }.map(\.text.count).max().map { $0 + 2 } ?? 0
        return lines.map { line in
            guard let comment = line.comment else { return line.text }
            return line.text.padding(toLength: column, withPad: " ", startingAt: 0) + "# " + comment
        }.joined(separator: "\n") + "\n"
    }
}
