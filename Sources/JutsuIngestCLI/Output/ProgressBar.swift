import Foundation
import JutsuIngest

/// A one-line progress bar on a terminal: share of input bytes, rows, rows/s, ETA.
final class ProgressBar: @unchecked Sendable {
    let terminal: Terminal
    private let lock = NSLock()
    private var lastDraw = 0.0

    init(terminal: Terminal) { self.terminal = terminal }

    func update(_ p: ImportProgress) {
        lock.lock()
        defer { lock.unlock() }
        guard p.elapsedSeconds - lastDraw >= 0.1 else { return }
        lastDraw = p.elapsedSeconds
        let share = p.bytesTotal > 0 ? min(1, Double(p.bytesConsumed) / Double(p.bytesTotal)) : 0
        let width = 24
        let filled = Int(share * Double(width))
        let rate = p.elapsedSeconds > 0 ? Double(p.rowsRead) / p.elapsedSeconds : 0
        let eta = share > 0.01 ? p.elapsedSeconds * (1 - share) / share : 0
        let text = String(format: "\r[%@%@] %3.0f%% %@ rows %@ rows/s %@ ETA %@ ",
                          String(repeating: "=", count: filled), String(repeating: " ", count: width - filled),
                          share * 100, Self.grouped(p.rowsRead), Self.grouped(Int64(rate)),
                          Self.bytes(p.bytesConsumed), Self.duration(eta))
        terminal.write(text)
    }

    /// A migration: share of legacy rows read, series done.
    func update(_ p: MigrationProgress) {
        lock.lock()
        defer { lock.unlock() }
        guard p.elapsedSeconds - lastDraw >= 0.1 else { return }
        lastDraw = p.elapsedSeconds
        let share = p.rowsTotal > 0 ? min(1, Double(p.rowsRead) / Double(p.rowsTotal)) : 0
        let rate = p.elapsedSeconds > 0 ? Double(p.rowsRead) / p.elapsedSeconds : 0
        let eta = share > 0.01 ? p.elapsedSeconds * (1 - share) / share : 0
        terminal.write(String(format: "\r%@ %3.0f%% %@ of %@ rows %@ rows/s, %d of %d series, ETA %@ ",
                              Self.bar(share), share * 100, Self.grouped(p.rowsRead), Self.grouped(p.rowsTotal),
                              Self.grouped(Int64(rate)), p.seriesDone, p.seriesTotal, Self.duration(eta)))
    }

    static func bar(_ share: Double, width: Int = 24) -> String {
        let filled = Int(share * Double(width))
        return "[" + String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled) + "]"
    }

    func finish() { terminal.write("\r\u{1B}[K") }

    static func grouped(_ n: Int64) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    static func bytes(_ n: Int64) -> String {
        n >= 1 << 20 ? String(format: "%.1f MiB", Double(n) / 1_048_576) : String(format: "%.0f KiB", Double(n) / 1024)
    }

    static func duration(_ seconds: Double) -> String {
        seconds >= 60 ? String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60) : String(format: "%.0fs", seconds)
    }
}
