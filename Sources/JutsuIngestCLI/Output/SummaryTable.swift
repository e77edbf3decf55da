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
        var out = TextTable.render(header: header, rows: rows, leftColumns: 3, totalRow: true)
        if !s.rows.rejectsByReason.isEmpty {
            out += "rejects by reason: " + s.rows.rejectsByReason.sorted { $0.key < $1.key }
                .map { "\($0.key) \($0.value)" }.joined(separator: ", ") + " (details in rejected_bars)\n"
        }
        // Column notes once per distinct set, with the files they concern.
        var notes: [(String, [String])] = []
        func note(_ text: String, _ path: String) {
            if let i = notes.firstIndex(where: { $0.0 == text }) { notes[i].1.append(path) } else { notes.append((text, [path])) }
        }
        for f in s.files {
            if !f.ignoredColumns.isEmpty { note("unknown columns ignored: \(f.ignoredColumns.joined(separator: ", "))", f.path) }
            if !f.columnsNotStored.isEmpty { note("recognised, not stored: \(f.columnsNotStored.joined(separator: ", "))", f.path) }
        }
        for (text, paths) in notes {
            out += paths.count == 1 ? "\(paths[0]): \(text)\n" : "\(text) (\(paths.count) files)\n"
        }
        for f in s.files {
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
