import Foundation
import JutsuTestSupport
import Testing

/// The same bars in every dialect land on identical keys and values.
@Suite struct InputVariantsTests {
    static let variants = ["AAPL-1d.csv", "AAPL-1d.csv.gz", "AAPL-1d-semicolon.csv", "AAPL-1d.tsv",
                           "AAPL-1d-crlf-bom.csv", "AAPL-1d-usdate.csv", "AAPL-1d-epoch.csv"]

    static func dump(_ db: TestDatabase) throws -> [String] {
        let r = try db.connect().execute("""
            SET TIME ZONE 'UTC';
            SELECT concat_ws(',', symbol, timeframe, ts, open, high, low, close, volume) FROM market_data ORDER BY ts
            """)
        return (0..<r.rowCount).map { r.string($0, 0)! }
    }

    @Test func everyDialectGivesTheSameBars() throws {
        let cli = CommandLineTool()
        var reference: [String]?
        for variant in Self.variants {
            let db = try TestDatabase("variant")
            let out = try cli.run(["import", CommandLineTool.fixture("variants/\(variant)"), "--database-url", db.url, "--format", "json"])
            #expect(out.status == 0, "\(variant): \(out.stderr)")
            let rows = try #require(try out.json()["rows"] as? [String: Int])
            #expect(rows["rejected"] == 0, "\(variant)")
            let bars = try Self.dump(db)
            #expect(!bars.isEmpty)
            if let reference {
                #expect(bars == reference, "\(variant) differs from \(Self.variants[0])")
            } else {
                reference = bars
            }
        }
    }

    /// Loading one variant after another into the same database changes nothing.
    @Test func variantsAfterEachOtherAreUnchanged() throws {
        let db = try TestDatabase("variants")
        let cli = CommandLineTool()
        let first = try cli.run(["import", CommandLineTool.fixture("variants/AAPL-1d.csv"), "--database-url", db.url, "--format", "json"])
        let inserted = try #require(try first.json()["rows"] as? [String: Int])["inserted"]
        let others = Self.variants.dropFirst().map { CommandLineTool.fixture("variants/\($0)") }
        let out = try cli.run(["import"] + others + ["--database-url", db.url, "--format", "json"])
        #expect(out.status == 0, "\(out.stderr)")
        let rows = try #require(try out.json()["rows"] as? [String: Int])
        #expect(rows["unchanged"] == inserted! * others.count)
        #expect(rows["inserted"] == 0 && rows["updated"] == 0 && rows["rejected"] == 0)
    }
}
