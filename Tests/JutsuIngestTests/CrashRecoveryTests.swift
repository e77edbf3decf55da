import Foundation
import JutsuTestSupport
import Testing

/// SIGKILL an import at several points; re-running completes the job with the exact row
/// count, no duplicates, and metadata equal to a recount.
@Suite struct CrashRecoveryTests {
    static let symbols = (0..<12).map { "SYM\($0)" }
    static let days = 2_500

    /// A plain CSV of `symbols.count * days` daily bars, symbol column first.
    static func writeInput() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(UUID().uuidString).csv").path
        var text = "symbol,date,open,high,low,close,volume\n"
        text.reserveCapacity(symbols.count * days * 60)
        let start = 10_957   // 2000-01-01 in days since 1970
        for (s, symbol) in symbols.enumerated() {
            var day = start
            var n = 0
            while n < days {
                let weekday = (day + 4) % 7   // 0 = Sunday
                if weekday != 0 && weekday != 6 {
                    let (y, m, d) = Self.civil(day)
                    let base = 10 + s * 3 + (n % 97)
                    text += "\(symbol),\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d),\(base).25,\(base + 1).5,\(base - 1).125,\(base).75,\(1000 + n)\n"
                    n += 1
                }
                day += 1
            }
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func civil(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    @Test func killedImportsRerunToAnExactResult() throws {
        let db = try TestDatabase("crash")
        let input = try Self.writeInput()
        defer { try? FileManager.default.removeItem(atPath: input) }
        let total = Int64(Self.symbols.count * Self.days)
        let cli = CommandLineTool()
        let args = ["import", input, "--database-url", db.url, "--batch-size", "1000", "--format", "json"]
        let conn = try db.connect()

        // Kill points: as soon as the process starts, then after ~10%, ~45% and ~80% of the rows
        // are committed by the run being killed.
        var killed = 0
        for fraction in [0.0, 0.10, 0.45, 0.80] {
            let stored = try db.scalar("SELECT count(*) FROM market_data")
            let target = Int64(Double(total) * fraction)
            let process = try cli.start(args)
            let deadline = Date().addingTimeInterval(120)
            while process.isRunning, Date() < deadline {
                if try db.scalar("SELECT count(*) FROM market_data") >= max(target, stored + 1) || fraction == 0 { break }
                usleep(fraction == 0 ? 30_000 : 2_000)
            }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killed += 1
            }
            process.waitUntilExit()
            // Whatever was killed left only whole batches: the stored count is a multiple of the
            // batch size per series boundary, and never more than the input.
            #expect(try db.scalar("SELECT count(*) FROM market_data") <= total)
        }
        #expect(killed >= 3, "the import finished before it could be killed; make the input bigger")

        let final = try cli.run(args)
        #expect(final.status == 0, "\(final.stderr)")
        let rows = try #require(try final.json()["rows"] as? [String: Int])
        #expect(Int64(rows["read"]!) == total)
        #expect(Int64(rows["inserted"]! + rows["unchanged"]!) == total)
        #expect(rows["rejected"] == 0 && rows["updated"] == 0)

        #expect(try db.scalar("SELECT count(*) FROM market_data") == total)
        #expect(try db.scalar("SELECT count(*) FROM (SELECT DISTINCT symbol, timeframe, ts FROM market_data) k") == total)
        let mismatches = try db.metadataMismatches()
        #expect(mismatches == 0, "data_metadata differs from a recount")
        // Killed runs are recognised and closed by the next run; counters of every run balance.
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs WHERE status = 'running'") == 0)
        // (A process killed within its first milliseconds may die before it registered its run.)
        let aborted = try db.scalar("SELECT count(*) FROM ingest_runs WHERE status = 'aborted'")
        #expect(aborted >= Int64(killed) - 1 && aborted <= Int64(killed))
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs WHERE status = 'succeeded'") == 1)
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs") == aborted + 1)
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs WHERE rows_read <> rows_inserted + rows_updated + rows_unchanged + rows_rejected") == 0)
        #expect(try db.scalar("SELECT sum(rows_inserted) FROM ingest_runs") == total)
        _ = conn
    }
}
