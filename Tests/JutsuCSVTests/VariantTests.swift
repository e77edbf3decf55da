import JutsuCore
import Testing

@testable import JutsuCSV

/// The same AAPL daily bars written in several dialects (fixtures/variants/make.sh) read as
/// identical bars.
@Suite struct VariantTests {
    static let variants: [(file: String, delimiter: UInt8, format: DateFormat, compressed: Bool)] = [
        ("AAPL-1d.csv.gz", 0x2C, .isoDate, true),
        ("AAPL-1d-semicolon.csv", 0x3B, .isoDate, false),
        ("AAPL-1d.tsv", 0x09, .isoDate, false),
        ("AAPL-1d-crlf-bom.csv", 0x2C, .isoDate, false),
        ("AAPL-1d-usdate.csv", 0x2C, .usDate, false),
        ("AAPL-1d-epoch.csv", 0x2C, .epochSeconds, false),
    ]

    @Test(arguments: variants.map(\.file))
    func sameBarsAsTheCanonicalFile(file: String) throws {
        let reference = try Fixtures.read(Fixtures.path("variants/AAPL-1d.csv"))
        #expect(reference.bars.count == 127)
        let got = try Fixtures.read(Fixtures.path("variants/" + file))
        let expected = try #require(Self.variants.first { $0.file == file })
        #expect(got.dialect.delimiter == expected.delimiter)
        #expect(got.dialect.dateFormat == expected.format)
        #expect(got.dialect.compressed == expected.compressed)
        #expect(got.dialect.symbol == symbol("AAPL") && got.dialect.timeframe == .d1)
        #expect(got.rejects == [])
        #expect(got.bars.map(\.bar) == reference.bars.map(\.bar))
        #expect(got.bars.map(\.line) == reference.bars.map(\.line))
    }

    @Test func tinyReadsAndBuffersGiveTheSameBars() throws {
        let reference = try Fixtures.read(Fixtures.path("variants/AAPL-1d.csv"))
        let bytes = try Array(contentsOfFile: Fixtures.path("variants/AAPL-1d-crlf-bom.csv"))
        for (chunk, buffer) in [(1, 256 * 1024), (2, 16), (3, 7), (4096, 64)] {
            let got = try Fixtures.read(bytes: bytes, name: "AAPL-1d.csv", chunk: chunk, bufferBytes: buffer, batch: 10)
            #expect(got.bars.map(\.bar) == reference.bars.map(\.bar), "chunk \(chunk) buffer \(buffer)")
            #expect(got.bars.map(\.line) == reference.bars.map(\.line))
        }
    }

    @Test func gzipWithTinyCompressedReads() throws {
        let reference = try Fixtures.read(Fixtures.path("variants/AAPL-1d.csv"))
        let gz = try Array(contentsOfFile: Fixtures.path("variants/AAPL-1d.csv.gz"))
        let got = try Fixtures.read(bytes: gz, name: "AAPL-1d.csv.gz", chunk: 1, bufferBytes: 32, gzip: true)
        #expect(got.bars.map(\.bar) == reference.bars.map(\.bar))
    }
}

extension Array where Element == UInt8 {
    init(contentsOfFile path: String) throws {
        let source = try FileByteSource(path: path)
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { break }
            out += chunk[0..<n]
        }
        self = out
    }
}
