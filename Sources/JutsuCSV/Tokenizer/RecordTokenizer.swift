import JutsuCore

/// Splits a byte stream into RFC 4180 records, one at a time, without a `String` per field.
///
/// - Configurable one-byte delimiter; fields in double quotes may hold delimiters, line breaks
///   and doubled quotes (`""`). A quote that does not start a field is an ordinary byte.
///   Text after a closing quote (`"ab"c`) is kept, as Python's `csv` does.
/// - Records end at LF, CRLF or a lone CR; a UTF-8 byte-order mark at the start is skipped;
///   empty lines (and lines of spaces only) are skipped, but still counted.
/// - Each record knows the physical line it starts on (1-based: the header is line 1).
/// - Records may span reads: the buffer keeps the unfinished record, moves it to the front
///   and reads more, growing up to `maxRecordBytes`. So memory stays flat in the input size.
/// - A quote still open at the end of input, or a record longer than `maxRecordBytes`, gives
///   a `.rejected` record (its first physical line), and reading resumes on the next line.
///
/// Fields are views into the internal buffer, valid until the next call to `next()`.
///
/// A noncopyable struct that owns its buffers: its users hold it in one place and call it
/// through `inout`, so field accesses in the per-row loop need no run-time exclusivity checks
/// (which a class's stored properties would).
struct RecordTokenizer: ~Copyable {
    /// What `next()` found.
    enum Outcome: Equatable {
        /// A record: read `fieldCount`, `field(_:)`, `rawRecord`, `recordLine`.
        case record
        /// A malformed record (`rawRecord` holds its first line, at most the buffered part).
        case rejected(RejectReason, String)
        /// End of input.
        case end
    }

    static let quote: UInt8 = 0x22
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    /// Fields beyond this many per record are counted but not stored.
    static let maxStoredFields = 4096

    /// The field separator; may be changed between records (the sniffer sets it).
    var delimiter: UInt8 {
        didSet { fillStopTable() }
    }

    /// 1 for the bytes that end an unquoted field (delimiter, CR, LF), 0 otherwise: one load
    /// per byte in the hot loop instead of three compares.
    private let stops: UnsafeMutablePointer<UInt8> = .allocate(capacity: 256)

    private let source: any ByteSource
    private let maxRecordBytes: Int
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    /// Next unread byte and end of valid bytes in `buffer`.
    private var start = 0
    private var end = 0
    private var sourceEnded = false
    private var atStreamStart = true
    /// The previous record ended with CR as the last buffered byte: an LF may follow.
    private var pendingCR = false
    /// Line number of the byte at `start`.
    private var line: Int64 = 1

    private var bounds: UnsafeMutablePointer<Int>
    private(set) var fieldCount = 0
    /// Fields whose bytes need unquoting in place (doubled quotes, text after a closing quote).
    private var fixups: [Int] = []
    private var recordStart = 0
    private var recordEnd = 0
    /// The raw record saved before in-place unquoting (or the kept part of an overlong line).
    private var rawCopy: UnsafeMutableRawPointer
    private var rawCopyCapacity = 1024
    private var rawCopyCount = 0
    private var rawIsCopied = false

    /// Line on which the current record starts.
    private(set) var recordLine: Int64 = 0

    init(
        source: any ByteSource, delimiter: UInt8 = 0x2C,
        bufferBytes: Int = 256 * 1024, maxRecordBytes: Int = 1 << 20
    ) {
        self.source = source
        self.delimiter = delimiter
        // A few bytes at least, so the BOM check and a CRLF always fit.
        self.maxRecordBytes = max(maxRecordBytes, 8)
        self.capacity = max(4, min(bufferBytes, self.maxRecordBytes))
        self.buffer = .allocate(byteCount: capacity, alignment: 16)
        self.bounds = .allocate(capacity: 2 * 64)
        self.boundsCapacity = 64
        self.rawCopy = .allocate(byteCount: rawCopyCapacity, alignment: 16)
        fillStopTable()
    }

    private mutating func fillStopTable() {
        stops.initialize(repeating: 0, count: 256)
        stops[Int(Self.lf)] = 1
        stops[Int(Self.cr)] = 1
        stops[Int(delimiter)] = 1
    }

    private var boundsCapacity: Int

    deinit {
        buffer.deallocate()
        bounds.deallocate()
        rawCopy.deallocate()
        stops.deallocate()
    }

    // MARK: Reading ahead (for the sniffer)

    /// Reads until at least `bytes` bytes are buffered ahead of the next record, or the input
    /// ends; returns a view of everything buffered (BOM removed) and whether that is all of it.
    /// Valid until the next call to `next()`.
    mutating func prefetch(_ bytes: Int) throws(CSVError) -> (sample: UnsafeRawBufferPointer, isWholeInput: Bool) {
        while end - start < bytes, !sourceEnded {
            if end == capacity {
                if start > 0 { compact() } else if capacity < maxRecordBytes { grow() } else { break }
            }
            try readMore()
        }
        skipByteOrderMark()
        return (UnsafeRawBufferPointer(start: buffer + start, count: end - start), sourceEnded)
    }

    // MARK: Records

    /// Advances to the next record.
    mutating func next() throws(CSVError) -> Outcome {
        while true {
            if atStreamStart {
                if end - start < 3, !sourceEnded {
                    try readMore()
                    continue
                }
                skipByteOrderMark()
            }
            if pendingCR {
                if start == end, !sourceEnded {
                    try readMore()
                    continue
                }
                if start < end, buffer.load(fromByteOffset: start, as: UInt8.self) == Self.lf { start += 1 }
                pendingCR = false
            }
            if start == end {
                if sourceEnded { return .end }
                try readMore()
                continue
            }
            switch scan() {
            case .complete(let contentEnd, let next, let newlines, let endedWithBareCR):
                let first = line
                line += 1 + Int64(newlines)
                recordStart = start
                recordEnd = contentEnd
                start = next
                pendingCR = endedWithBareCR
                if isBlank(recordStart, contentEnd) { continue }
                recordLine = first
                rawIsCopied = false
                if !fixups.isEmpty { applyFixups() }
                return .record
            case .incomplete(let inQuote):
                if end - start >= maxRecordBytes {
                    if inQuote {
                        return try rejectFirstLine(
                            reason: .unterminatedQuote,
                            message: "quoted field opened on line \(line) is not closed within \(maxRecordBytes) bytes")
                    }
                    return try rejectFirstLine(
                        reason: .raggedRow, message: "record is longer than \(maxRecordBytes) bytes")
                }
                try makeRoomAndRead()
            case .unterminatedQuote:
                return try rejectFirstLine(
                    reason: .unterminatedQuote,
                    message: "quoted field opened on line \(line) is never closed")
            }
        }
    }

    /// Fields of the current record (only the first `maxStoredFields` are kept).
    var storedFieldCount: Int { min(fieldCount, Self.maxStoredFields) }

    /// Bytes of field `index` of the current record (unquoted); empty past the stored fields.
    @inline(__always)
    func field(_ index: Int) -> UnsafeRawBufferPointer {
        guard index < storedFieldCount else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let s = bounds[2 &* index]
        return UnsafeRawBufferPointer(start: buffer + s, count: bounds[2 &* index &+ 1] &- s)
    }

    /// The record's bytes as they were in the input, without its line terminator.
    var rawRecord: UnsafeRawBufferPointer {
        if rawIsCopied { return UnsafeRawBufferPointer(start: rawCopy, count: rawCopyCount) }
        return UnsafeRawBufferPointer(start: buffer + recordStart, count: recordEnd - recordStart)
    }

    /// Bytes of the underlying source consumed so far.
    var bytesConsumed: Int64 { source.bytesConsumed }

    // MARK: Scanning

    private enum Scan {
        case complete(contentEnd: Int, next: Int, newlines: Int, endedWithBareCR: Bool)
        case incomplete(inQuote: Bool)
        case unterminatedQuote
    }

    /// Scans one record starting at `start` over the buffered bytes. Restartable: an
    /// incomplete record is scanned again from its start once more bytes are in.
    /// Works on local copies of the state (class properties would be checked for exclusive
    /// access at run time on every use).
    private mutating func scan() -> Scan {
        let b = buffer.assumingMemoryBound(to: UInt8.self)
        let e = end
        let delim = delimiter
        let eof = sourceEnded
        let stops = self.stops
        var fieldBounds = bounds
        var fieldCapacity = boundsCapacity
        var p = start
        var newlines = 0
        var n = 0
        if !fixups.isEmpty { fixups.removeAll(keepingCapacity: true) }
        defer { fieldCount = n }

        while true {
            let fieldStart = p
            var fieldEnd: Int
            var contentStart = fieldStart
            if p < e, b[p] == Self.quote {
                // Quoted field: find the closing quote, skipping doubled quotes.
                var q = p + 1
                var needsFixup = false
                while true {
                    while q < e, b[q] != Self.quote {
                        let c = b[q]
                        if c == Self.lf || (c == Self.cr && (q + 1 >= e || b[q + 1] != Self.lf)) { newlines += 1 }
                        q += 1
                    }
                    if q >= e { return eof ? .unterminatedQuote : .incomplete(inQuote: true) }
                    if q + 1 >= e {
                        if !eof { return .incomplete(inQuote: true) }  // the next byte may be a second quote
                        break
                    }
                    if b[q + 1] == Self.quote {
                        needsFixup = true
                        q += 2
                        continue
                    }
                    break
                }
                // q is the closing quote.
                p = q + 1
                if p < e, stops[Int(b[p])] == 0 {
                    // Text after the closing quote: keep it, up to the next separator.
                    needsFixup = true
                    while p < e, stops[Int(b[p])] == 0 { p += 1 }
                    if p >= e, !eof { return .incomplete(inQuote: false) }
                }
                if needsFixup {
                    fieldEnd = p
                    fixups.append(n)
                } else {
                    contentStart = fieldStart + 1
                    fieldEnd = q
                }
            } else {
                while p < e, stops[Int(b[p])] == 0 { p += 1 }
                if p >= e, !eof { return .incomplete(inQuote: false) }
                fieldEnd = p
            }
            if n < Self.maxStoredFields {
                if n == fieldCapacity {
                    growBounds()
                    fieldBounds = bounds
                    fieldCapacity = boundsCapacity
                }
                fieldBounds[2 &* n] = contentStart
                fieldBounds[2 &* n &+ 1] = fieldEnd
            }
            n += 1

            if p >= e {
                return .complete(contentEnd: e, next: e, newlines: newlines, endedWithBareCR: false)
            }
            let c = b[p]
            if c == delim {
                p += 1
                if p >= e, !eof { return .incomplete(inQuote: false) }
                continue
            }
            if c == Self.lf {
                return .complete(contentEnd: p, next: p + 1, newlines: newlines, endedWithBareCR: false)
            }
            // CR: CRLF, or a lone CR (old Mac files), or CR as the last buffered byte.
            if p + 1 < e {
                let next = b[p + 1] == Self.lf ? p + 2 : p + 1
                return .complete(contentEnd: p, next: next, newlines: newlines, endedWithBareCR: false)
            }
            return .complete(contentEnd: p, next: p + 1, newlines: newlines, endedWithBareCR: !eof)
        }
    }

    private mutating func growBounds() {
        let newCapacity = min(boundsCapacity * 2, Self.maxStoredFields)
        let grown = UnsafeMutablePointer<Int>.allocate(capacity: 2 * newCapacity)
        grown.update(from: bounds, count: 2 * boundsCapacity)
        bounds.deallocate()
        bounds = grown
        boundsCapacity = newCapacity
    }

    /// Empty or spaces only.
    private func isBlank(_ s: Int, _ e: Int) -> Bool {
        var k = s
        while k < e {
            if buffer.load(fromByteOffset: k, as: UInt8.self) != Self.space { return false }
            k += 1
        }
        return true
    }

    /// Unquotes the marked fields in place (the result is never longer than the raw bytes),
    /// after saving the raw record for error messages.
    private mutating func applyFixups() {
        saveRaw(from: recordStart, count: recordEnd - recordStart)
        let b = buffer.assumingMemoryBound(to: UInt8.self)
        for index in fixups where index < Self.maxStoredFields {
            let rawStart = bounds[2 * index]
            let rawEnd = bounds[2 * index + 1]
            var r = rawStart + 1  // past the opening quote
            var w = rawStart
            while r < rawEnd {
                if b[r] == Self.quote {
                    if r + 1 < rawEnd, b[r + 1] == Self.quote {
                        b[w] = Self.quote
                        w += 1
                        r += 2
                        continue
                    }
                    r += 1  // the closing quote
                    break
                }
                b[w] = b[r]
                w += 1
                r += 1
            }
            while r < rawEnd {  // text after the closing quote, as is
                b[w] = b[r]
                w += 1
                r += 1
            }
            bounds[2 * index + 1] = w
        }
    }

    private mutating func saveRaw(from offset: Int, count: Int) {
        if count > rawCopyCapacity {
            rawCopy.deallocate()
            rawCopyCapacity = count
            rawCopy = .allocate(byteCount: count, alignment: 16)
        }
        rawCopy.copyMemory(from: buffer + offset, byteCount: count)
        rawCopyCount = count
        rawIsCopied = true
    }

    // MARK: Malformed records

    /// Rejects the first physical line of the record at `start` and resumes after it; if that
    /// line is longer than the buffer, the rest of it is read and dropped.
    private mutating func rejectFirstLine(reason: RejectReason, message: String) throws(CSVError) -> Outcome {
        recordLine = line
        recordStart = start
        rawIsCopied = false
        fieldCount = 0
        var k = start
        while k < end {
            let c = buffer.load(fromByteOffset: k, as: UInt8.self)
            if c == Self.lf || c == Self.cr { break }
            k += 1
        }
        recordEnd = k
        if k < end {
            let c = buffer.load(fromByteOffset: k, as: UInt8.self)
            start = k + 1
            if c == Self.cr {
                if start < end {
                    if buffer.load(fromByteOffset: start, as: UInt8.self) == Self.lf { start += 1 }
                } else {
                    pendingCR = true
                }
            }
        } else {
            // Keep the first 1,000 bytes for the message, then drop the rest of the line.
            saveRaw(from: start, count: min(k - start, 1000))
            start = end
            try skipRestOfLine()
        }
        line += 1
        return .rejected(reason, message)
    }

    private mutating func skipRestOfLine() throws(CSVError) {
        while true {
            if start == end {
                if sourceEnded { return }
                start = 0
                end = 0
                try readMore()
                continue
            }
            let c = buffer.load(fromByteOffset: start, as: UInt8.self)
            start += 1
            if c == Self.lf { return }
            if c == Self.cr {
                pendingCR = true
                return
            }
        }
    }

    // MARK: Buffer

    private mutating func skipByteOrderMark() {
        guard atStreamStart else { return }
        if end - start >= 3 {
            atStreamStart = false
            if buffer.load(fromByteOffset: start, as: UInt8.self) == 0xEF,
                buffer.load(fromByteOffset: start + 1, as: UInt8.self) == 0xBB,
                buffer.load(fromByteOffset: start + 2, as: UInt8.self) == 0xBF
            {
                start += 3
            }
        } else if sourceEnded {
            atStreamStart = false
        }
    }

    /// Moves the unfinished record to the front, grows the buffer if it is full, then reads.
    private mutating func makeRoomAndRead() throws(CSVError) {
        if start > 0 { compact() }
        if end == capacity { grow() }
        try readMore()
    }

    private mutating func compact() {
        let count = end - start
        if count > 0 { buffer.copyMemory(from: buffer + start, byteCount: count) }
        start = 0
        end = count
    }

    private mutating func grow() {
        let newCapacity = min(capacity * 2, maxRecordBytes)
        guard newCapacity > capacity else { return }
        let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        grown.copyMemory(from: buffer, byteCount: end)
        buffer.deallocate()
        buffer = grown
        capacity = newCapacity
    }

    /// One read into the free tail of the buffer; marks the end of input on 0 bytes.
    private mutating func readMore() throws(CSVError) {
        if end == capacity {
            if start > 0 { compact() } else { grow() }
        }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: capacity - end))
        if n == 0 { sourceEnded = true } else { end += n }
    }
}
