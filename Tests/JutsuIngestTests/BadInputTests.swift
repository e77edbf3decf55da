import Foundation
import JutsuTestSupport
import Testing

/// Every file of the bad-input corpus gives a clear error (exit 2, naming the file) or counted
/// rejects, never a crash; nothing stored before is touched.
@Suite struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var arguments: [String] = []
        /// nil: the import succeeds or fails on rejects; otherwise exit 2 and this text in stderr.
        var error: String?
        var rejects: [String: Int] = [:]
        var inserted: Int = 0
        var testDescription: String { file + (arguments.isEmpty ? "" : " " + arguments.joined(separator: " ")) }
    }

    static let cases: [Case] = [
        Case(file: "ragged-rows__AAPL.csv", rejects: ["ragged_row": 2], inserted: 2),
        Case(file: "unterminated-quote__AAPL.csv", rejects: ["unterminated_quote": 1], inserted: 2),
        Case(file: "invalid-utf8.csv", rejects: ["invalid_encoding": 1, "bad_number": 1], inserted: 2),
        Case(file: "high-below-low__AAPL.csv", rejects: ["high_below_low": 1], inserted: 1),
        Case(file: "nonpositive-prices__AAPL.csv", rejects: ["non_positive_price": 2], inserted: 1),
        Case(file: "huge-numbers__AAPL.csv", rejects: ["number_out_of_range": 2], inserted: 2),
        Case(file: "exponent-1e400__AAPL.csv", rejects: ["number_out_of_range": 1], inserted: 1),
        Case(file: "bad-numbers__AAPL.csv", rejects: ["missing_field": 2, "bad_number": 1], inserted: 1),
        Case(file: "bad-timestamps__AAPL.csv", rejects: ["bad_timestamp": 2, "missing_field": 1], inserted: 2),
        Case(file: "empty.csv", error: "empty file"),
        Case(file: "header-only__AAPL.csv"),
        Case(file: "binary-junk__AAPL.csv", error: "not a text CSV file"),
        Case(file: "wrong-delimiter__AAPL.csv", inserted: 1),
        Case(file: "wrong-delimiter__AAPL.csv", arguments: ["--delimiter", ";"], error: "delimiter"),
        Case(file: "one-column__AAPL.csv", error: "delimiter"),
        Case(file: "truncated__AAPL.csv.gz", error: "truncated gzip"),
        Case(file: "corrupt__AAPL.csv.gz", error: "corrupt gzip"),
    ]

    @Test(arguments: cases)
    func badInput(_ c: Case) throws {
        let db = try TestDatabase("bad")
        let cli = CommandLineTool()
        // Something stored before the bad load, which must survive it untouched.
        let good = try cli.run(["import", CommandLineTool.fixture("real/csv-zipline/pipeline_inputs__BRK-A.csv"),
                                "--database-url", db.url])
        #expect(good.status == 0)
        let before = try db.scalar("SELECT count(*) FROM market_data WHERE symbol = 'BRK.A'")

        let path = CommandLineTool.fixture("bad/\(c.file)")
        let out = try cli.run(["import", path, "--database-url", db.url, "--format", "json", "--max-reject-ratio", "1"] + c.arguments)
        #expect(out.status != 134 && out.status != 139, "crashed: \(out.stderr)")
        if let error = c.error {
            #expect(out.status == 2, "expected exit 2, got \(out.status): \(out.stderr)")
            let json = try out.json()
            let message = (json["error"] as? String) ?? ""
            #expect(message.contains(error), "error '\(message)' does not mention '\(error)'")
            #expect(message.contains(c.file), "error '\(message)' does not name the file")
        } else {
            #expect(out.status == 0, "exit \(out.status): \(out.stderr)")
            let json = try out.json()
            let rows = try #require(json["rows"] as? [String: Int])
            #expect(rows["read"] == rows["inserted"]! + rows["updated"]! + rows["unchanged"]! + rows["rejected"]!)
            #expect(rows["inserted"] == c.inserted)
            #expect((json["rejects_by_reason"] as? [String: Int]) ?? [:] == c.rejects)
            // Each reject names its file:line and carries a message.
            let located = try db.scalar("SELECT count(*) FROM rejected_bars WHERE source_location LIKE '%\(c.file):%' AND message <> ''")
            #expect(located == Int64(c.rejects.values.reduce(0, +)))
        }
        #expect(try db.scalar("SELECT count(*) FROM market_data WHERE symbol = 'BRK.A'") == before)
    }

    @Test func usageErrorsExitTwo() throws {
        let cli = CommandLineTool()
        let db = try TestDatabase("usage")
        let unknownFlag = try cli.run(["import", "--no-such-flag", "x.csv", "--database-url", db.url])
        #expect(unknownFlag.status == 2)
        let badTimeframe = try cli.run(["import", CommandLineTool.fixture("variants/AAPL-1d.csv"), "--timeframe", "7x", "--database-url", db.url])
        #expect(badTimeframe.status == 2)
        #expect(badTimeframe.stderr.contains("--timeframe"))
        let missing = try cli.run(["import", "/nonexistent/file.csv", "--database-url", db.url])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/file.csv"))
    }

    @Test func rejectsAboveTheThresholdFailWithExitOne() throws {
        let db = try TestDatabase("ratio")
        let out = try CommandLineTool().run(["import", CommandLineTool.fixture("bad/bad-numbers__AAPL.csv"),
                                             "--database-url", db.url, "--format", "json", "--max-reject-ratio", "0.5"])
        #expect(out.status == 1)
        let json = try out.json()
        #expect(json["status"] as? String == "failed")
        #expect((json["error"] as? String)?.contains("max-reject-ratio") == true)
        // The valid row is loaded all the same, and the run is recorded as failed.
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 1)
        #expect(try db.connect().execute("SELECT status FROM ingest_runs").string(0, 0) == "failed")
    }

    @Test func dryRunWritesNothing() throws {
        let db = try TestDatabase("dry")
        let out = try CommandLineTool().run(["import", CommandLineTool.fixture("variants/AAPL-1d.csv"),
                                             "--database-url", db.url, "--format", "json", "--dry-run"])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try out.json()
        #expect(json["dry_run"] as? Bool == true)
        let rows = try #require(json["rows"] as? [String: Int])
        #expect(rows["inserted"]! > 0)
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 0)
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs") == 0)
    }
}
