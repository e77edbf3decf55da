// libFuzzer entry over the CSV reader: tokenizer, sniffer, decoding, plain and gzip input.
// Not a SwiftPM target: `scripts/fuzz-csv` compiles it with swiftc together with the JutsuCSV
// sources (one module, so internals such as `MemoryByteSource` are reachable).
import JutsuCore

/// The first input byte chooses how the rest is read, so one corpus covers every path:
/// bits 0-1: 0 plain, 1 raw gzip bytes, 2 the rest gzip-compressed here, 3 plain with options;
/// bits 2-4: read size (1, 2, 3, 7, 64, 4096, whole); bits 5-7: buffer size and options.
@_cdecl("LLVMFuzzerTestOneInput")
public func csvFuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let control = data[0]
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let chunks = [1, 2, 3, 7, 64, 4096, Int.max, Int.max]
    let chunk = chunks[Int(control >> 2) & 7]
    let bufferBytes = (control & 0x20) != 0 ? 16 : 4096
    var options = CSVOptions()
    var path = "fuzz__AAPL.csv"
    switch control & 3 {
    case 3:
        options.symbol = try? Symbol(canonicalizing: "FUZZ")
        options.timeframe = (control & 0x40) != 0 ? .m15 : .d1
        options.delimiter = (control & 0x80) != 0 ? 0x3B : nil
        options.zone = (control & 0x40) != 0 ? "Asia/Tokyo" : "UTC"
        path = "fuzz.csv"
    default:
        if (control & 0x40) != 0 { path = "dir/EA-15m-x.csv" }
    }
    let source: any ByteSource
    let memory = MemoryByteSource(control & 3 == 2 ? GzipWriter.compress(body) : body, chunk: chunk)
    if control & 3 == 1 || control & 3 == 2 {
        guard let gzip = try? GzipByteSource(compressed: memory, path: path) else { return 0 }
        source = gzip
    } else {
        source = memory
    }
    do {
        let reader = try BarFileReader(
            source: source, path: path, options: options, compressed: control & 3 == 1, bufferBytes: bufferBytes)
        var rows: Int64 = 0
        while let batch = try reader.nextBatch(maxRows: 7) {
            rows += Int64(batch.rowCount)
            // The invariant the importer relies on: every data record is a bar or a reject.
            precondition(batch.rowCount > 0 && batch.rowCount <= 7)
            for reject in batch.rejects { precondition(reject.rawText.utf8.count <= 1000 * 3 + 3) }
        }
        precondition(rows == reader.rowsRead)
        let again = try reader.nextBatch(maxRows: 7)
        precondition(again == nil)
    } catch {
        _ = error.description
    }
    return 0
}
