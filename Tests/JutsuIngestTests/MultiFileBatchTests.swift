import Foundation
import JutsuCore
import JutsuIngest
import JutsuTestSupport
import Logging
import Testing

/// Small files (a vendor drop of one file per symbol) share transactions; every count, reject
/// location and the "later file wins" rule stay per file.
@Suite struct MultiFileBatchTests {
    static func dir() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("multi-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    /// `n` weekday bars from 2020-01-06 (a Monday), close `close`.
    static func bars(_ n: Int, close: String = "10.5", startWeek: Int = 0) -> String {
        var text = "date,open,high,low,close,volume\n"
        var day = 18_267 + startWeek * 7   // 2020-01-06
        var written = 0
        while written < n {
            let weekday = ((day % 7) + 7 + 4) % 7
            if weekday != 0 && weekday != 6 {
                text += "\(UnixTime.iso8601(Int64(day) * 86_400).prefix(10)),10,12,9,\(close),100\n"
                written += 1
            }
            day += 1
        }
        return text
    }

    static func importFiles(_ files: [String], _ db: TestDatabase, batchSize: Int = 1_000) throws -> ImportSummary {
        let options = ImportOptions(files: files, batchSize: batchSize, now: Int64(Date().timeIntervalSince1970))
        return try ImportRunner(connection: try db.connect(), options: options, logger: Logger(label: "test")).run()
    }

    @Test func manySmallFilesKeepTheirOwnCountsAndRejectLocations() throws {
        let d = try Self.dir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        var files: [String] = []
        for i in 0..<30 {
            var text = Self.bars(40)
            if i == 7 {   // line 5: high below low
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                lines[4] = lines[4].replacingOccurrences(of: ",10,12,9,", with: ",10,8,9,")
                text = lines.joined(separator: "\n")
            }
            let path = "\(d)/S\(String(format: "%02d", i)).csv"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            files.append(path)
        }
        let db = try TestDatabase("multifile")
        let summary = try Self.importFiles(files, db)
        #expect(summary.rows.read == 1_200 && summary.rows.inserted == 1_199 && summary.rows.rejected == 1)
        for (i, f) in summary.files.enumerated() {
            #expect(f.rows.read == 40, "\(f.path)")
            #expect(f.rows.inserted == (i == 7 ? 39 : 40), "\(f.path)")
            #expect(f.rows.rejected == (i == 7 ? 1 : 0), "\(f.path)")
            #expect(f.rows.isBalanced)
        }
        #expect(try db.connect().execute("SELECT source_location FROM rejected_bars").string(0, 0) == "\(d)/S07.csv:5")
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 1_199)
        #expect(try db.metadataMismatches() == 0)
        // 1,200 rows in 1,000-row transactions: the run's audit shows 30 series in 2 batches' worth
        // of writes; what matters to the user is that re-importing changes nothing.
        let again = try Self.importFiles(files, db)
        #expect(again.rows.unchanged == 1_199 && again.rows.rejected == 1)
        #expect(again.files.allSatisfy { $0.rows.isBalanced && $0.rows.read == 40 })
    }

    @Test func aKeyInTwoFilesIsLoadedInFileOrder() throws {
        let d = try Self.dir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let a = "\(d)/a__XYZ.csv", b = "\(d)/b__XYZ.csv", c = "\(d)/c__XYZ.csv", o = "\(d)/OTHER.csv"
        try Self.bars(10, close: "10.5").write(toFile: a, atomically: true, encoding: .utf8)
        try Self.bars(10, close: "10.6").write(toFile: b, atomically: true, encoding: .utf8)              // same keys
        try Self.bars(10, close: "10.7", startWeek: 10).write(toFile: c, atomically: true, encoding: .utf8) // later keys
        try Self.bars(10).write(toFile: o, atomically: true, encoding: .utf8)
        let db = try TestDatabase("multiorder")
        let summary = try Self.importFiles([a, o, b, c], db)
        let counts = summary.files.map { [$0.rows.inserted, $0.rows.updated, $0.rows.unchanged] }
        #expect(counts == [[10, 0, 0], [10, 0, 0], [0, 10, 0], [10, 0, 0]])
        #expect(try db.connect().execute("SELECT string_agg(DISTINCT close::text, ',') FROM market_data WHERE symbol = 'XYZ' AND ts < '2020-02-01'")
                .string(0, 0) == "10.600000")
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 30)
        #expect(try db.metadataMismatches() == 0)
    }
}

@Suite struct LoaderWorkersTests {
    /// Same input, one loader or three: identical rows, counts per file and rejects.
    @Test func workersChangeNothingButSpeed() throws {
        let d = try MultiFileBatchTests.dir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        var files: [String] = []
        for i in 0..<12 {
            let path = "\(d)/W\(i).csv"
            var text = MultiFileBatchTests.bars(300)
            if i == 3 { text += "2020-01-06,10,12,9,11.5,100\n" }   // a repeated key: the later row wins
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            files.append(path)
        }
        func load(workers: Int) throws -> (ImportSummary, TestDatabase) {
            let db = try TestDatabase("workers\(workers)")
            var options = ImportOptions(files: files, batchSize: 500, now: Int64(Date().timeIntervalSince1970))
            options.workers = workers
            let summary = try ImportRunner(connection: try db.connect(), options: options, logger: Logger(label: "test"),
                                           connect: { try db.connect() }).run()
            return (summary, db)
        }
        let (one, db1) = try load(workers: 1)
        let (three, db3) = try load(workers: 3)
        #expect(one.rows == three.rows)
        #expect(one.files.map(\.rows) == three.files.map(\.rows))
        #expect(three.rows.read == 3_601 && three.rows.rejected == 1)
        let dump = "SELECT string_agg(symbol || ts::text || close::text, ',' ORDER BY symbol, ts) FROM market_data"
        #expect(try db1.connect().execute(dump).string(0, 0) == db3.connect().execute(dump).string(0, 0))
        #expect(try db3.metadataMismatches() == 0)
        #expect(try db3.connect().execute("SELECT close::text FROM market_data WHERE symbol = 'W3' AND ts = '2020-01-06'").string(0, 0)
                == "11.500000")
    }
}
