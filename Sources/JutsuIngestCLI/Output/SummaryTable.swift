import Foundation
import JutsuIngest
import JutsuStore

/// The closing summary, as pgloader prints it: what happened to every row of every file.
enum SummaryTable {
    static func render(_ s: ImportSummary) -> String {
        let header = ["file", "symbol", "tf", "read", "inserted", "updated", "unchanged", "rejected"]
        var rows: [[String]] = s.files.map { f in
            [f.path, f.symbol ?? (f.error == nil ? "(column)" : "-"), f.timeframe ?? "-", "\(f.rows.read)", "\(f.rows.inserted)", "\(f.rows.updated)",
             "\(f.rows.unchanged)", "\(f.rows.rejected)"]
        }
        rows.append(["total", "", "", "\(s.rows.read)", "\(s.rows.inserted)", "\(s.rows.updated)",
                     "\(s.rows.unchanged)", "\(s.rows.rejected)"])
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i < 3 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        var out = line(header) + "\n" + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for (i, row) in rows.enumerated() {
            if i == rows.count - 1 { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
            out += line(row) + "\n"
        }
        if !s.rows.rejectsByReason.isEmpty {
            out += "rejects by reason: " + s.rows.rejectsByReason.sorted { $0.key < $1.key }
                .map { "\($0.key) \($0.value)" }.joined(separator: ", ") + " (details in rejected_bars)\n"
        }
        for f in s.files {
            if !f.ignoredColumns.isEmpty { out += "\(f.path): unknown columns ignored: \(f.ignoredColumns.joined(separator: ", "))\n" }
            if !f.columnsNotStored.isEmpty { out += "\(f.path): recognised, not stored: \(f.columnsNotStored.joined(separator: ", "))\n" }
            if f.volumeRounded > 0 { out += "\(f.path): \(f.volumeRounded) fractional volumes rounded\n" }
            if let error = f.error { out += "\(f.path): error: \(error)\n" }
        }
        let run = s.runID.map { "run \($0)" } ?? "dry run"
        out += String(format: "%@ %@ in %.2f s", run, s.status.rawValue, s.durationSeconds)
        if s.dryRun { out += " (nothing written)" }
        out += "\n"
        if let error = s.error, s.status == .failed { out += "error: \(error)\n" }
        return out
    }
}
