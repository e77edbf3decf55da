import JutsuCSV
import JutsuCore

extension GuessReport {
    /// Rejects listed in the text preview at most (the JSON has them all).
    public static let rejectsShown = 20

    /// The preview as the terminal shows it: the first bars exactly as they would be stored
    /// (`ts` in UTC, prices with six decimals), then the rejected rows among those read.
    public func previewTable() -> String {
        var out = ""
        let header = ["line", "symbol", "tf", "ts (UTC)", "open", "high", "low", "close", "volume"]
        let rows = preview.map { sourced -> [String] in
            let bar = sourced.bar
            return ["\(sourced.line)", bar.symbol.value, bar.timeframe.rawValue, UnixTime.iso8601(bar.ts),
                    "\(bar.open)", "\(bar.high)", "\(bar.low)", "\(bar.close)", "\(bar.volume)"]
        }
        let scope = readWholeFile ? "all \(rowsRead) rows" : "the first \(rowsRead) rows"
        if readWholeFile, rowsRead == 0 { return "the file has no data rows\n" }
        if rows.isEmpty {
            out += "no valid bar among \(scope)\n"
        } else {
            out += "first \(rows.count) bars as stored, from \(scope):\n"
            // Numbers right-aligned, text left-aligned.
            out += Self.table(header: header, rows: rows, rightAligned: [0, 4, 5, 6, 7, 8])
        }
        if rejects.isEmpty {
            out += "no rejects among \(scope)\n"
        } else {
            out += "\n\(rejects.count) rejected among \(scope):\n"
            let shown = rejects.prefix(Self.rejectsShown).map { ["\($0.line)", $0.reason.rawValue, $0.message] }
            out += Self.table(header: ["line", "reason", "message"], rows: Array(shown), rightAligned: [0])
            if rejects.count > Self.rejectsShown {
                out += "... and \(rejects.count - Self.rejectsShown) more (--format json lists them all)\n"
            }
        }
        return out
    }

    private static func table(header: [String], rows: [[String]], rightAligned: Set<Int>) -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return rightAligned.contains(i) ? pad + cell : cell + pad
            }
            return String(padded.joined(separator: "  ").reversed().drop { $0 == " " }.reversed())
        }
        var out = line(header) + "\n" + line(widths.map { String(repeating: "-", count: $0) }) + "\n"
        for row in rows { out += line(row) + "\n" }
        return out
    }
}
