import Benchmark
import Foundation
import JutsuCSV
import JutsuCore

/// Parsing 1,000,000 generated rows (one-minute bars, ISO date-times, five numbers) from a temp
/// file, plain and gzip. Each iteration reads the whole file through `BarFileReader`; with the
/// scaling factor of one million, throughput reads as rows per second, and time and mallocs
/// as per row.
let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .nanoseconds,
        scalingFactor: .mega,
        maxDuration: .seconds(20),
        maxIterations: 5
    )

    Benchmark("BarFileReader 1M rows, plain CSV", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations.prefix(1) {
            blackHole(try readAll(GeneratedFiles.shared.plain))
        }
    } setup: {
        _ = GeneratedFiles.shared
    }

    Benchmark("BarFileReader 1M rows, gzip CSV", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations.prefix(1) {
            blackHole(try readAll(GeneratedFiles.shared.gzip))
        }
    } setup: {
        _ = GeneratedFiles.shared
    }
}

/// Reads every batch; returns the row count (checked, so a broken reader cannot look fast).
func readAll(_ path: String) throws -> Int {
    let reader = try BarFileReader(path: path, options: CSVOptions(timeframe: .m1))
    var rows = 0
    while let batch = try reader.nextBatch(maxRows: 8192) {
        rows += batch.bars.count + batch.rejects.count
    }
    precondition(rows == GeneratedFiles.rows, "read \(rows) rows")
    return rows
}

/// The input files, written once per process into a temporary directory.
final class GeneratedFiles: Sendable {
    static let rows = 1_000_000
    static let shared = GeneratedFiles()

    let plain: String
    let gzip: String

    private init() {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("jutsu-csv-bench-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        plain = dir.appendingPathComponent("bench__SPY.csv").path
        gzip = plain + ".gz"
        var text = "Datetime,Open,High,Low,Close,Volume\n"
        text.reserveCapacity(64 * Self.rows)
        var rng = SystemRandomNumberGenerator()
        var price = 15_000_000  // in 1/10000
        let start = 1_577_957_400  // 2020-01-02 09:30 UTC-ish, as naive New York time
        for k in 0..<Self.rows {
            let t = start + 60 * k
            let day = t / 86_400
            let s = t % 86_400
            let date = CivilDate(daysSinceEpoch: Int64(day))
            let open = price
            let high = open + Int.random(in: 0...5000, using: &rng)
            let low = open - Int.random(in: 0...5000, using: &rng)
            let close = Int.random(in: low...high, using: &rng)
            price = close
            text += "\(date) \(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60)),"
            text += "\(decimal(open)),\(decimal(high)),\(decimal(low)),\(decimal(close)),\(Int.random(in: 100...100_000, using: &rng))\n"
        }
        FileManager.default.createFile(atPath: plain, contents: Data(text.utf8))
        // The reader only decompresses; the system gzip makes the compressed copy.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -c -1 '\(plain)' > '\(gzip)'"]
        try? process.run()
        process.waitUntilExit()
    }
}

private func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

/// `12345678` (1/10000 units) -> `1234.5678`.
private func decimal(_ v: Int) -> String {
    let fraction = v % 10_000
    let digits = String(fraction)
    return "\(v / 10_000).\(String(repeating: "0", count: 4 - digits.count))\(digits)"
}
