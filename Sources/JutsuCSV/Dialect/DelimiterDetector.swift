/// Chooses the field separator from sample records: among `,` `;` tab `|`, the one that gives
/// the most consistent field count (share of records having the most common count), with at
/// least two fields; ties go to the more fields, then to the order above.
enum DelimiterDetector {
    static let candidates: [UInt8] = [0x2C, 0x3B, 0x09, 0x7C]

    /// Field counts of the sample's records for `delimiter` (the last record dropped when the
    /// sample is cut off).
    static func fieldCounts(_ sample: [UInt8], isWholeInput: Bool, delimiter: UInt8, limit: Int = 200) -> [Int] {
        var tokenizer = RecordTokenizer(
            source: MemoryByteSource(sample), delimiter: delimiter, bufferBytes: max(sample.count, 64))
        var counts: [Int] = []
        while counts.count < limit + 1, let outcome = try? tokenizer.next(), outcome != .end {
            counts.append(outcome == .record ? tokenizer.fieldCount : 0)
        }
        if !isWholeInput, counts.count <= limit, !counts.isEmpty { counts.removeLast() }  // may be cut off
        return Array(counts.prefix(limit))
    }

    static func detect(_ sample: [UInt8], isWholeInput: Bool) -> UInt8? {
        var best: (delimiter: UInt8, consistency: Double, fields: Int)?
        for candidate in candidates {
            let counts = fieldCounts(sample, isWholeInput: isWholeInput, delimiter: candidate)
            guard !counts.isEmpty else { continue }
            var frequency: [Int: Int] = [:]
            for c in counts { frequency[c, default: 0] += 1 }
            let (mode, times) = frequency.max { a, b in a.value != b.value ? a.value < b.value : a.key < b.key }!
            guard mode >= 2 else { continue }
            let consistency = Double(times) / Double(counts.count)
            if let b = best, consistency < b.consistency || (consistency == b.consistency && mode <= b.fields) {
                continue
            }
            best = (candidate, consistency, mode)
        }
        return best?.delimiter
    }
}

/// Records of the sample, as byte arrays (the sniffer looks at a few hundred, once per file).
struct SampleRecords {
    struct Record {
        var line: Int64
        var fields: [[UInt8]]
        var rejected: Bool
    }

    static func read(_ sample: [UInt8], isWholeInput: Bool, delimiter: UInt8, limit: Int) -> [Record] {
        var tokenizer = RecordTokenizer(
            source: MemoryByteSource(sample), delimiter: delimiter, bufferBytes: max(sample.count, 64))
        var out: [Record] = []
        while out.count < limit + 1 {
            guard let outcome = try? tokenizer.next() else { break }
            switch outcome {
            case .end:
                if !isWholeInput, !out.isEmpty { out.removeLast() }  // may be cut off mid-record
                return out
            case .record:
                let fields = (0..<tokenizer.storedFieldCount).map { Array(tokenizer.field($0)) }
                out.append(Record(line: tokenizer.recordLine, fields: fields, rejected: false))
            case .rejected:
                out.append(Record(line: tokenizer.recordLine, fields: [], rejected: true))
            }
        }
        return Array(out.prefix(limit))
    }
}
