import JutsuCore
import Testing

@testable import JutsuCSV

/// A deliberately simple whole-input CSV reader with the tokenizer's documented semantics, to
/// check the streaming one against on random inputs.
enum ReferenceTokenizer {
    static func records(_ b: [UInt8], delimiter: UInt8 = 0x2C) -> [TokenizedRecord] {
        var out: [TokenizedRecord] = []
        var i = 0
        var line: Int64 = 1
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        func isTerminator(_ k: Int) -> Bool { b[k] == 0x0A || b[k] == 0x0D }
        func skipTerminator(_ k: Int) -> Int { b[k] == 0x0D && k + 1 < b.count && b[k + 1] == 0x0A ? k + 2 : k + 1 }
        while i < b.count {
            // One record from i.
            var fields: [[UInt8]] = []
            var k = i
            var newlines: Int64 = 0
            var unterminated = false
            var done = false
            while !done {
                var field: [UInt8] = []
                if k < b.count, b[k] == 0x22 {
                    k += 1
                    var closed = false
                    while k < b.count {
                        if b[k] == 0x22 {
                            if k + 1 < b.count, b[k + 1] == 0x22 {
                                field.append(0x22)
                                k += 2
                                continue
                            }
                            k += 1
                            closed = true
                            break
                        }
                        if b[k] == 0x0A || (b[k] == 0x0D && (k + 1 >= b.count || b[k + 1] != 0x0A)) { newlines += 1 }
                        field.append(b[k])
                        k += 1
                    }
                    if !closed {
                        unterminated = true
                        break
                    }
                }
                while k < b.count, b[k] != delimiter, !isTerminator(k) {
                    field.append(b[k])
                    k += 1
                }
                fields.append(field)
                if k < b.count, b[k] == delimiter {
                    k += 1
                    continue
                }
                done = true
            }
            if unterminated {
                var e = i
                while e < b.count, !isTerminator(e) { e += 1 }
                out.append(TokenizedRecord(line: line, fields: [], raw: String(decoding: b[i..<e], as: UTF8.self), rejection: .unterminatedQuote))
                line += 1
                i = e < b.count ? skipTerminator(e) : e
                continue
            }
            let rawEnd = k
            let raw = Array(b[i..<rawEnd])
            i = k < b.count ? skipTerminator(k) : k
            let first = line
            line += 1 + newlines
            if raw.allSatisfy({ $0 == 0x20 }) { continue }  // blank line
            out.append(TokenizedRecord(
                line: first, fields: fields.map { String(decoding: $0, as: UTF8.self) },
                raw: String(decoding: raw, as: UTF8.self), rejection: nil))
        }
        return out
    }
}

@Suite struct ReferenceTokenizerTests {
    @Test func streamingTokenizerMatchesTheReference() throws {
        var rng = SplitMix64(seed: 2024)
        let alphabet: [UInt8] = Array("ab,,\"\"\r\n\n 1;".utf8)
        for round in 0..<3000 {
            let length = Int(rng.next() % 40)
            var bytes = (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            if round % 7 == 0 { bytes = [0xEF, 0xBB, 0xBF] + bytes }
            let expected = ReferenceTokenizer.records(bytes)
            let input = String(decoding: bytes, as: UTF8.self).debugDescription
            #expect(try tokenize(bytes) == expected, "\(input)")
            #expect(try tokenize(bytes, chunk: 1, bufferBytes: 4, maxRecordBytes: 4096) == expected, "\(input)")
        }
    }
}
