import Foundation
import JutsuCore
import JutsuIngest
import JutsuPipeline
import JutsuTestSupport
import Logging
import Testing

/// `jutsu-ingest import` of zip archives end to end: each data member an input of its own,
/// named `archive.zip:member.csv` in the summary and in `rejected_bars.source_location`; a
/// corrupt archive exits 2 naming it, with nothing of it stored.
@Suite struct ZipImportTests {
    /// Writes a zip archive with Python's zipfile: (member name, text) in the order given.
    static func makeZip(_ path: String, _ members: [(String, String)]) throws {
        let script = """
            import json, sys, zipfile
            with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
                for name, text in json.loads(sys.argv[2]):
                    z.writestr(name, text.encode())
            """
        let json = String(decoding: try JSONSerialization.data(withJSONObject: members.map { [$0.0, $0.1] }), as: UTF8.self)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path, json]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jutsu-zip-import-\(UInt64.random(in: 0...UInt64.max))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    // Written by hand; line 3 of KO.csv has a high below its low.
    static let apple = """
        Date,Open,High,Low,Close,Volume
        2024-03-01,179.55,180.53,177.38,179.66,73488000
        2024-03-04,176.15,176.9,173.79,175.1,81510100

        """
    static let coke = """
        date,open,high,low,close,volume
        2024-03-01,58.9,59.4,58.77,59.38,9834200
        2024-03-04,59.2,58.5,58.99,59.05,11250300
        2024-03-05,59.05,59.6,58.9,59.5,10100000

        """

    @Test func eachMemberIsAnInputOfItsOwn() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let archive = dir + "/bundle.zip"
        try Self.makeZip(archive, [("AAPL.csv", Self.apple), ("__MACOSX/._AAPL.csv", "x"), ("KO.csv", Self.coke)])
        let db = try TestDatabase("zip")
        let out = try CommandLineTool().run(["import", archive, "--database-url", db.url, "--format", "json", "--max-reject-ratio", "1"])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try out.json()
        let files = try #require(json["files"] as? [[String: Any]])
        #expect(files.map { $0["path"] as? String } == ["\(archive):AAPL.csv", "\(archive):KO.csv"])
        #expect(files.map { $0["symbol"] as? String } == ["AAPL", "KO"])
        let rows = try #require(json["rows"] as? [String: Int])
        #expect(rows["read"] == 5 && rows["inserted"] == 4 && rows["rejected"] == 1)
        #expect(try db.scalar("SELECT count(*) FROM market_data WHERE symbol = 'AAPL' AND timeframe = '1d'") == 2)
        #expect(try db.scalar("SELECT count(*) FROM market_data WHERE symbol = 'KO' AND timeframe = '1d'") == 2)
        #expect(try db.scalar("""
            SELECT count(*) FROM market_data WHERE symbol = 'AAPL' AND ts = '2024-03-04T00:00:00Z'
              AND open = 176.15 AND high = 176.9 AND low = 173.79 AND close = 175.1 AND volume = 81510100
            """) == 1)
        let location = try db.connect().execute("SELECT source_location, reason_code FROM rejected_bars")
        #expect(location.rowCount == 1)
        #expect(location.string(0, 0) == "\(archive):KO.csv:3" && location.string(0, 1) == "high_below_low")
    }

    /// A pipeline whose glob matches the archive plans and loads its members as `import` does.
    @Test func aPipelineReadsTheMembersOfAMatchedArchive() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        let archive = dir + "/in/bundle.zip"
        try Self.makeZip(archive, [("AAPL.csv", Self.apple), ("KO.csv", Self.coke)])
        let spec = PipelineSpec(
            name: "zipped", source: SourceSpec(kind: .csv, name: "csv", paths: ["in/*.zip"]), symbols: .fromSource,
            timeframe: .d1, lookback: .bars(0), validate: ValidateSpec(maxRejectRatio: 1), concurrency: 2,
            file: dir + "/pipeline.yaml")
        let db = try TestDatabase("zippipe")
        let summary = try PipelineRunner(
            spec: spec, request: PipelineRunRequest(now: Int64(Date().timeIntervalSince1970)), logger: Logger(label: "test"),
            connect: { try db.connect() }
        ).run()
        #expect(summary.status == .succeeded, "\(summary.error ?? "")")
        #expect(summary.series.map(\.symbol).sorted() == ["AAPL", "KO"])
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 4)
        let location = try db.connect().execute("SELECT source_location FROM rejected_bars")
        #expect(location.rowCount == 1 && location.string(0, 0) == "\(archive):KO.csv:3")
    }

    @Test func aTruncatedArchiveExitsTwoNamingItAndStoresNothing() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let whole = dir + "/whole.zip"
        try Self.makeZip(whole, [("AAPL.csv", Self.apple), ("KO.csv", Self.coke)])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: whole))
        let archive = dir + "/cut.zip"
        _ = FileManager.default.createFile(atPath: archive, contents: bytes.prefix(bytes.count - 20))
        let db = try TestDatabase("zipcut")
        let out = try CommandLineTool().run(["import", archive, "--database-url", db.url, "--format", "json"])
        #expect(out.status == 2, "\(out.stderr)")
        let message = (try out.json()["error"] as? String) ?? ""
        #expect(message.contains(archive) && message.contains("corrupt zip archive"), "\(message)")
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 0)
        #expect(try db.scalar("SELECT count(*) FROM rejected_bars") == 0)
    }
}
