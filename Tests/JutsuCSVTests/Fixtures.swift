import Foundation
import JutsuCore

@testable import JutsuCSV

/// Paths of the repository's fixtures and a helper that reads a whole file.
enum Fixtures {
    /// `<repo>/fixtures`, found from this source file's location.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("fixtures").path
    }()

    static func path(_ relative: String) -> String { root + "/" + relative }

    /// Everything a file yields.
    struct Contents {
        var dialect: Dialect
        var bars: [SourcedBar]
        var rejects: [RejectedRow]
        var actions: [CorporateAction]
        var roundedVolumes: Int
        var rowsRead: Int64
        var batches: [ParsedBatch]

        var keys: [Int64] { bars.map(\.bar.ts) }
        func reject(line: Int64) -> RejectedRow? { rejects.first { $0.line == line } }
    }

    static func read(_ path: String, options: CSVOptions = .init(), batch: Int = 1000) throws -> Contents {
        try drain(BarFileReader(path: path, options: options), batch: batch)
    }

    static func drain(_ reader: BarFileReader, batch: Int = 1000) throws -> Contents {
        var out = Contents(
            dialect: reader.dialect, bars: [], rejects: [], actions: [], roundedVolumes: 0, rowsRead: 0, batches: [])
        while let parsed = try reader.nextBatch(maxRows: batch) {
            out.bars += parsed.bars
            out.rejects += parsed.rejects
            out.actions += parsed.corporateActions
            out.roundedVolumes += parsed.roundedVolumes
            out.batches.append(parsed)
        }
        out.rowsRead = reader.rowsRead
        return out
    }

    /// Reads bytes held in memory as if they were the file `name`.
    static func read(
        bytes: [UInt8], name: String = "mem__TEST.csv", options: CSVOptions = .init(), chunk: Int = .max,
        bufferBytes: Int = 256 * 1024, gzip: Bool = false, batch: Int = 1000
    ) throws -> Contents {
        let memory = MemoryByteSource(bytes, chunk: chunk)
        let source: any ByteSource = gzip ? try GzipByteSource(compressed: memory, path: name) : memory
        let reader = try BarFileReader(
            source: source, path: name, options: options, compressed: gzip, bufferBytes: bufferBytes)
        return try drain(reader, batch: batch)
    }

    static func read(text: String, name: String = "mem__TEST.csv", options: CSVOptions = .init()) throws -> Contents {
        try read(bytes: Array(text.utf8), name: name, options: options)
    }
}

/// `2024-03-01T00:00:00Z`-style keys for readable expectations.
func iso(_ ts: Int64) -> String { UnixTime.iso8601(ts) }

func price(_ text: String) -> Price { try! Price.parse(text).get() }

func symbol(_ text: String) -> Symbol { try! Symbol(canonicalizing: text) }
