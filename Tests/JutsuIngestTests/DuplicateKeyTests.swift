import Foundation
import JutsuTestSupport
import Testing

/// The row that comes last in the input wins; earlier rows with the same key are counted as
/// `duplicate` rejects, wherever the two fall relative to chunk and transaction boundaries.
@Suite struct DuplicateKeyTests {
    /// 20,000 weekday bars of one symbol, then the first day again with another close.
    static func writeInput() throws -> (path: String, firstDay: String) {
        var text = "date,open,high,low,close,volume\n"
        var day = -7_305   // 1950-01-01
        var n = 0
        var first = ""
        while n < 20_000 {
            let weekday = ((day % 7) + 7 + 4) % 7
            if weekday != 0 && weekday != 6 {
                let (y, m, d) = CrashRecoveryTests.civil(day)
                let date = String(format: "%04d-%02d-%02d", y, m, d)
                if first.isEmpty { first = date }
                text += "\(date),10,11,9,10.5,100\n"
                n += 1
            }
            day += 1
        }
        text += "\(first),10,11,9,10.75,100\n"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dup-\(UUID().uuidString)__DUPE.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, first)
    }

    @Test(arguments: ["1000", "5000", "100000"])
    func lastRowWins(batchSize: String) throws {
        let (path, first) = try Self.writeInput()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let db = try TestDatabase("dupe")
        let out = try CommandLineTool().run(["import", path, "--database-url", db.url, "--format", "json", "--batch-size", batchSize])
        #expect(out.status == 0, "\(out.stderr)")
        let rows = try #require(try out.json()["rows"] as? [String: Int])
        #expect(rows["read"] == 20_001)
        #expect(rows["rejected"] == 1)
        #expect(rows["inserted"]! + rows["updated"]! + rows["unchanged"]! == 20_000)
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 20_000)
        let close = try db.connect().execute("SELECT close::text FROM market_data WHERE ts = '\(first)'").string(0, 0)
        #expect(close == "10.750000")
        #expect(try db.scalar("SELECT count(*) FROM rejected_bars WHERE reason_code = 'duplicate'") == 1)
        #expect(try db.metadataMismatches() == 0)
    }
}
