import JutsuCore
import JutsuLegacy
import Testing

/// `LegacyReader.rows(of:)` reads a series that holds a fifth of the legacy table or more by a
/// scan of the table in rowid order instead of its index plus a sort: both ways must give the
/// same rows, in the same order, for whole series and for the rowid ranges a resumed migration
/// asks for.
@Suite struct LegacyReaderScanTests {
    static func read(_ series: LegacySeries, _ reader: LegacyReader, scan: Bool,
                     after: Int64 = 0, through: Int64 = .max) throws -> [String] {
        var s = series
        s.tableRows = scan ? series.rows : 0
        #expect(s.readsByTableScan == scan)
        var out: [String] = []
        try reader.rows(of: s, after: after, through: through) { row in
            switch row {
            case .bar(let b, let source, let rowid):
                out.append("\(rowid) bar \(b.symbol.value) \(b.timeframe.rawValue) \(b.ts) \(b.open.micros) \(b.high.micros) "
                           + "\(b.low.micros) \(b.close.micros) \(b.volume) \(source ?? "-")")
            case .reject(let r):
                out.append("\(r.rowid) reject \(r.reason) \(r.rawText)")
            }
        }
        return out
    }

    @Test func aTableScanReadsTheSameRowsAsTheIndex() throws {
        // 100,000 bars: the daily series are capped, the two 5-minute ones take the rest (25% each).
        let (file, expected) = try SqliteMigrationTests.makeLegacy(100_000)
        defer { SqliteMigrationTests.cleanup(file) }
        let reader = try LegacyReader(path: file)
        let all = try reader.series()
        #expect(all.reduce(0) { $0 + $1.rows } == expected.rows)
        #expect(all.allSatisfy { $0.tableRows == expected.rows })
        // The generator's two intraday series are each over a fifth of the file: scanned.
        let scanned = all.filter(\.readsByTableScan)
        #expect(scanned.count >= 2, "\(all.map { ($0.id, $0.rows) })")
        #expect(all.contains { !$0.readsByTableScan })
        for series in all {
            let byIndex = try Self.read(series, reader, scan: false)
            let byScan = try Self.read(series, reader, scan: true)
            #expect(byIndex.count == Int(series.rows), "\(series.id)")
            #expect(byScan == byIndex, "\(series.id)")
        }
        // A resumed series: rows after a checkpoint, and the rows up to it (re-hashed for verification).
        let big = try #require(scanned.first)
        let rowids = try Self.read(big, reader, scan: false).map { Int64($0.split(separator: " ")[0])! }
        #expect(rowids == rowids.sorted())
        let cut = rowids[rowids.count / 3]
        let after = try Self.read(big, reader, scan: true, after: cut)
        let upTo = try Self.read(big, reader, scan: true, through: cut)
        #expect(after == (try Self.read(big, reader, scan: false, after: cut)))
        #expect(upTo == (try Self.read(big, reader, scan: false, through: cut)))
        #expect(after.count + upTo.count == rowids.count)
    }
}
