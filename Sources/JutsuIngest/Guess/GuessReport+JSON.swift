import Foundation
import JutsuCSV
import JutsuCore

extension GuessReport {
    /// `{"dialect": {...}, "snippet": "...", "preview": [...], "rejects": [...], "rows_read": n,
    /// "read_whole_file": b}`: prices as stored (six decimals, strings), `ts` in ISO 8601 UTC.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(Document(self))).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private struct Document: Encodable {
        var dialect: DialectJSON
        var snippet: String
        var preview: [BarJSON]
        var rejects: [RejectJSON]
        var rowsRead: Int64
        var readWholeFile: Bool

        init(_ report: GuessReport) {
            dialect = DialectJSON(report)
            snippet = report.snippet
            preview = report.preview.map(BarJSON.init)
            rejects = report.rejects.map(RejectJSON.init)
            rowsRead = report.rowsRead
            readWholeFile = report.readWholeFile
        }

        enum CodingKeys: String, CodingKey {
            case dialect, snippet, preview, rejects
            case rowsRead = "rows_read"
            case readWholeFile = "read_whole_file"
        }
    }

    private struct DialectJSON: Encodable {
        var file: String
        var name: String
        var delimiter: String
        var hasHeader: Bool
        var dateFormat: String
        var columns: [String]
        var ignoredColumns: [String]
        var columnsNotStored: [String]
        var symbol: String?
        var symbolSource: String
        var symbolColumn: String?
        var timeframe: String
        var timeframeSource: String
        var compressed: Bool
        var timezone: String

        init(_ report: GuessReport) {
            let d = report.dialect
            file = report.path
            name = report.name
            delimiter = d.delimiter == 0x09 ? "tab" : String(UnicodeScalar(d.delimiter))
            hasHeader = d.hasHeader
            dateFormat = d.dateFormat.rawValue
            columns = d.columns.names
            ignoredColumns = d.ignoredColumns
            columnsNotStored = d.ignoredByDesignColumns
            symbol = d.symbol?.value
            symbolSource = d.symbolSource.rawValue
            symbolColumn = d.columns.symbol.map { d.columns.name($0) }
            timeframe = d.timeframe.rawValue
            timeframeSource = d.timeframeSource.rawValue
            compressed = d.compressed
            timezone = d.zone
        }

        enum CodingKeys: String, CodingKey {
            case file, name, delimiter, columns, symbol, timeframe, compressed, timezone
            case hasHeader = "has_header"
            case dateFormat = "date_format"
            case ignoredColumns = "ignored_columns"
            case columnsNotStored = "columns_not_stored"
            case symbolSource = "symbol_source"
            case symbolColumn = "symbol_column"
            case timeframeSource = "timeframe_source"
        }
    }

    private struct BarJSON: Encodable {
        var line: Int64
        var symbol: String
        var timeframe: String
        var ts: String
        var open: String
        var high: String
        var low: String
        var close: String
        var volume: Int64

        init(_ sourced: SourcedBar) {
            let bar = sourced.bar
            line = sourced.line
            symbol = bar.symbol.value
            timeframe = bar.timeframe.rawValue
            ts = UnixTime.iso8601(bar.ts)
            open = bar.open.description
            high = bar.high.description
            low = bar.low.description
            close = bar.close.description
            volume = bar.volume
        }
    }

    private struct RejectJSON: Encodable {
        var line: Int64
        var reason: String
        var message: String
        var raw: String

        init(_ row: RejectedRow) {
            line = row.line
            reason = row.reason.rawValue
            message = row.message
            raw = row.rawText
        }
    }
}
