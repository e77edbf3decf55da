import Foundation
import JutsuIngest

/// A one-line progress bar on a terminal: share of input bytes, rows, rows/s, ETA.
final class ProgressBar: @unchecked Sendable {
    let terminal: Terminal
    private let lock = NSLock()
    private var lastDraw = 0.0

    init(terminal: Terminal) { self.terminal = terminal }

    func update(_ p: ImportProgress) {
        let share = p.bytesTotal > 0 ? Double(p.bytesConsumed) / Double(p.bytesTotal) : 0
        draw(share: share, rows: p.rowsRead, elapsed: p.elapsedSeconds) { rate, eta in
            String(format: "%@ rows %@ rows/s %@ ETA %@ ", Self.grouped(p.rowsRead), Self.grouped(Int64(rate)),
                   Self.bytes(p.bytesConsumed), Self.duration(eta))
        }
    }

    /// A migration: share of legacy rows read, series done.
    func update(_ p: MigrationProgress) {
        let share = p.rowsTotal > 0 ? Double(p.rowsRead) / Double(p.rowsTotal) : 0
        draw(share: share, rows: p.rowsRead, elapsed: p.elapsedSeconds) { rate, eta in
            String(format: "%@ of %@ rows %@ rows/s, %d of %d series, ETA %@ ", Self.grouped(p.rowsRead),
                   Self.grouped(p.rowsTotal), Self.grouped(Int64(rate)), p.seriesDone, p.seriesTotal, Self.duration(eta))
        }
    }

    /// At most ten frames a second: `[====    ]  42% ` and what `detail(rate, eta)` says.
    private func draw(share: Double, rows: Int64, elapsed: Double, detail: (Double, Double) -> String) {
        lock.lock()
        defer { lock.unlock() }
        guard elapsed - lastDraw >= 0.1 else { return }
        lastDraw = elapsed
        let share = min(1, max(0, share))
        let rate = elapsed > 0 ? Double(rows) / elapsed : 0
        let eta = share > 0.01 ? elapsed * (1 - share) / share : 0
        terminal.write("\r" + Self.bar(share) + String(format: " %3.0f%% ", share * 100) + detail(rate, eta))
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
