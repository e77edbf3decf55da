import Foundation
import JutsuCore
import Testing

@testable import JutsuCSV

@Suite struct GzipByteSourceTests {
    func inflate(_ bytes: [UInt8], chunk: Int = .max, readSize: Int = 4096) throws -> [UInt8] {
        let gzip = try GzipByteSource(compressed: MemoryByteSource(bytes, chunk: chunk), path: "mem.gz")
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: readSize)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try gzip.read(into: $0) }
            if n == 0 { return out }
            out += buffer[0..<n]
        }
    }

    @Test func roundTripWithTinyReads() throws {
        let text = Array((0..<5000).map { "row \($0)\n" }.joined().utf8)
        let gz = GzipWriter.compress(text)
        #expect(try inflate(gz) == text)
        #expect(try inflate(gz, chunk: 1, readSize: 3) == text)
    }

    @Test func concatenatedMembersReadAsOneStream() throws {
        let a = Array("Date,Open,High,Low,Close,Volume\n2024-03-01,1,2,0.5,1.5,10\n".utf8)
        let b = Array("2024-03-04,1,2,0.5,1.5,20\n".utf8)
        let c = Array("2024-03-05,1,2,0.5,1.5,30\n".utf8)
        let gz = GzipWriter.compress(a) + GzipWriter.compress(b) + GzipWriter.compress(c)
        for chunk in [1, 5, Int.max] {
            #expect(try inflate(gz, chunk: chunk, readSize: 7) == a + b + c)
        }
        let got = try Fixtures.read(bytes: gz, name: "cat__AAPL.csv.gz", gzip: true)
        #expect(got.bars.map(\.bar.volume) == [10, 20, 30])
        #expect(got.bars.map(\.line) == [2, 3, 4])
    }

    @Test func truncatedGzipNamesTheFileAndOffset() throws {
        let text = Array((0..<20000).map { "2024-03-01,\($0),\($0 + 1),\($0),\($0)\n" }.joined().utf8)
        let gz = GzipWriter.compress(text)
        for cut in [gz.count - 1, gz.count - 8, gz.count / 2, 11] {
            #expect {
                _ = try inflate(Array(gz[0..<cut]))
            } throws: { error in
                let e = error as? CSVError
                return e?.file == "mem.gz" && e?.message.contains("truncated gzip") == true
                    && e?.message.contains("byte \(cut)") == true
            }
        }
    }

    @Test func corruptDataIsAnErrorNotAHang() throws {
        var gz = GzipWriter.compress(Array(String(repeating: "abc,def\n", count: 1000).utf8))
        for k in 12..<gz.count - 8 { gz[k] ^= 0x5A }
        #expect(throws: CSVError.self) { _ = try inflate(gz) }
        // Trailing garbage after a complete member is not silently ignored either.
        #expect(throws: CSVError.self) { _ = try inflate(GzipWriter.compress([0x41]) + Array("junk".utf8)) }
    }

    @Test func detectsGzipByMagicNotByName() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jutsu-csv-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = Array("Date,Open,High,Low,Close,Volume\n2024-03-01,1,2,0.5,1.5,10\n".utf8)
        let disguised = dir.appendingPathComponent("AAPL.csv").path  // gzip without .gz
        let plainGz = dir.appendingPathComponent("MSFT.csv.gz").path  // plain text named .gz
        FileManager.default.createFile(atPath: disguised, contents: Data(GzipWriter.compress(text)))
        FileManager.default.createFile(atPath: plainGz, contents: Data(text))
        let a = try Fixtures.read(disguised)
        #expect(a.dialect.compressed && a.bars.count == 1 && a.dialect.symbol == symbol("AAPL"))
        let b = try Fixtures.read(plainGz)
        #expect(!b.dialect.compressed && b.bars.count == 1 && b.dialect.symbol == symbol("MSFT"))
    }

    @Test func progressCountsCompressedBytes() throws {
        let path = Fixtures.path("real/csv-zipline/csvdir_samples__csvdir__daily__AAPL.csv.gz")
        let reader = try BarFileReader(path: path)
        #expect(reader.fileSize == 16313)
        #expect(reader.bytesConsumed > 0 && reader.bytesConsumed <= reader.fileSize)
        while try reader.nextBatch(maxRows: 100) != nil {}
        #expect(reader.bytesConsumed == reader.fileSize)
        #expect(reader.rowsRead == 754)
    }
}
