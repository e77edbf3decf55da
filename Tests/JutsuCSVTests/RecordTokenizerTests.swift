import JutsuCore
import Testing

@testable import JutsuCSV

/// One tokenizer result, comparable across read sizes.
struct TokenizedRecord: Equatable, CustomStringConvertible {
    var line: Int64
    var fields: [String]
    var raw: String
    var rejection: RejectReason?

    var description: String { "\(line): \(rejection.map { "\($0) " } ?? "")\(fields) raw=\(raw.debugDescription)" }
}

func tokenize(
    _ text: [UInt8], delimiter: UInt8 = 0x2C, chunk: Int = .max, bufferBytes: Int = 256 * 1024,
    maxRecordBytes: Int = 1 << 20
) throws -> [TokenizedRecord] {
    var tokenizer = RecordTokenizer(
        source: MemoryByteSource(text, chunk: chunk), delimiter: delimiter, bufferBytes: bufferBytes,
        maxRecordBytes: maxRecordBytes)
    var out: [TokenizedRecord] = []
    while true {
        let outcome = try tokenizer.next()
        let raw = String(decoding: tokenizer.rawRecord, as: UTF8.self)
        switch outcome {
        case .end: return out
        case .record:
            let fields = (0..<tokenizer.fieldCount).map { String(decoding: tokenizer.field($0), as: UTF8.self) }
            out.append(TokenizedRecord(line: tokenizer.recordLine, fields: fields, raw: raw, rejection: nil))
        case .rejected(let reason, _):
            out.append(TokenizedRecord(line: tokenizer.recordLine, fields: [], raw: raw, rejection: reason))
        }
        if out.count > 100_000 { Issue.record("runaway tokenizer"); return out }
    }
}

func tokenize(_ text: String, delimiter: UInt8 = 0x2C, chunk: Int = .max) throws -> [TokenizedRecord] {
    try tokenize(Array(text.utf8), delimiter: delimiter, chunk: chunk)
}

func rec(_ line: Int64, _ fields: [String], raw: String? = nil) -> TokenizedRecord {
    TokenizedRecord(line: line, fields: fields, raw: raw ?? fields.joined(separator: ","), rejection: nil)
}

@Suite struct RecordTokenizerTests {
    @Test func simpleRecordsWithLineNumbers() throws {
        let got = try tokenize("date,close\n2024-03-01,1.5\n2024-03-04,2\n")
        #expect(got == [rec(1, ["date", "close"]), rec(2, ["2024-03-01", "1.5"]), rec(3, ["2024-03-04", "2"])])
    }

    @Test func quotedFieldsWithDelimitersNewlinesAndDoubledQuotes() throws {
        let text = "\"a,b\",\"c\"\"d\",\"e\nf\"\nx,y,z\n"
        let got = try tokenize(text)
        #expect(got.count == 2)
        #expect(got[0].fields == ["a,b", "c\"d", "e\nf"])
        #expect(got[0].raw == "\"a,b\",\"c\"\"d\",\"e\nf\"")  // raw text keeps the quoting
        #expect(got[0].line == 1)
        #expect(got[1] == rec(3, ["x", "y", "z"]))
    }

    @Test func quoteInsideUnquotedFieldIsLiteralAndTextAfterClosingQuoteIsKept() throws {
        let got = try tokenize("ab\"c,\"de\"f,g\n")
        #expect(got.map(\.fields) == [["ab\"c", "def", "g"]])
    }

    @Test func crlfLoneCRAndMissingFinalNewline() throws {
        let got = try tokenize("a,b\r\nc,d\re,f\r\n\r\ng,h")
        #expect(got.map(\.fields) == [["a", "b"], ["c", "d"], ["e", "f"], ["g", "h"]])
        #expect(got.map(\.line) == [1, 2, 3, 5])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let got = try tokenize([0xEF, 0xBB, 0xBF] + Array("Date,Close\n1,2\n".utf8))
        #expect(got.first?.fields == ["Date", "Close"])
    }

    @Test func blankLinesAreSkippedButCounted() throws {
        let got = try tokenize("\n\na,b\n   \n\nc,d\n\n")
        #expect(got == [rec(3, ["a", "b"]), rec(6, ["c", "d"])])
    }

    @Test func emptyFieldsAndTrailingDelimiter() throws {
        let got = try tokenize(",a,,\n\"\",\"\"\n")
        #expect(got.map(\.fields) == [["", "a", "", ""], ["", ""]])
    }

    @Test func unterminatedQuoteAtEndRejectsItsFirstLineAndResumes() throws {
        let got = try tokenize("a,b\n\"c,d\ne,f\n")
        #expect(got.count == 3)
        #expect(got[0] == rec(1, ["a", "b"]))
        #expect(got[1].rejection == .unterminatedQuote)
        #expect(got[1].line == 2)
        #expect(got[1].raw == "\"c,d")
        #expect(got[2] == rec(3, ["e", "f"]))
    }

    @Test func unterminatedQuoteOnLastLineWithoutNewline() throws {
        let got = try tokenize("a,b\nc,\"d")
        #expect(got.count == 2)
        #expect(got[1].rejection == .unterminatedQuote)
        #expect(got[1].raw == "c,\"d")
    }

    @Test func overlongRecordIsRejectedAndReadingResumes() throws {
        let long = String(repeating: "x", count: 300)
        let text = Array("a,b\n\(long),1\nc,d\n".utf8)
        for chunk in [1, 7, Int.max] {
            let got = try tokenize(text, chunk: chunk, bufferBytes: 16, maxRecordBytes: 64)
            #expect(got.count == 3, "chunk \(chunk)")
            #expect(got[1].rejection == .raggedRow)
            #expect(got[1].line == 2)
            #expect(got[2] == rec(3, ["c", "d"]))
        }
    }

    @Test func overlongOpenQuoteResumesOnTheNextLine() throws {
        let body = (0..<20).map { "r\($0),1" }.joined(separator: "\n")
        let text = Array("a,\"b\n\(body)\n".utf8)
        let got = try tokenize(text, bufferBytes: 16, maxRecordBytes: 64)
        #expect(got[0].rejection == .unterminatedQuote)
        #expect(got[1] == rec(2, ["r0", "1"]))
        #expect(got.count == 21)
    }

    @Test func otherDelimiters() throws {
        #expect(try tokenize("a;b;\"c;d\"\n", delimiter: 0x3B).map(\.fields) == [["a", "b", "c;d"]])
        #expect(try tokenize("a\tb\t\n", delimiter: 0x09).map(\.fields) == [["a", "b", ""]])
        #expect(try tokenize("a|b\n", delimiter: 0x7C).map(\.fields) == [["a", "b"]])
    }

    static let edgeCases: [String] = [
        "a,b\n1,2\n",
        "\"a\"\"\",\"\"\"\"\r\n\"x\ny\",z\r\n",
        "a,b\r\n\r\n\r\nc,d",
        "a\rb\rc\r",
        "\"ab\"cd,e\n\"\"\"\"\"\"\n",
        "a,\"b\nc\nd\",e\n\"f\"\r\ng",
        "\"unterminated,\nstill,going\nx,y\n",
        "\u{FEFF}h1,h2\n1,2",
        ",,,\n,\n\n",
        "\"a\"\r",
        "x,\"y\"\r\n",
        "\"\"",
        "\"",
        "\r\n\"\r\n",
        "a,\"b\"\"\",c\"d\"\n",
    ]

    @Test(arguments: edgeCases)
    func tinyReadsGiveTheSameRecordsAsOneWholeBuffer(text: String) throws {
        let bytes = Array(text.utf8)
        let whole = try tokenize(bytes)
        for chunk in [1, 2, 3, 5] {
            #expect(try tokenize(bytes, chunk: chunk) == whole, "chunk \(chunk)")
        }
        #expect(try tokenize(bytes, chunk: 1, bufferBytes: 4, maxRecordBytes: 4096) == whole)
    }

    @Test func randomInputsAgreeAcrossReadSizes() throws {
        var rng = SplitMix64(seed: 42)
        let alphabet: [UInt8] = Array("ab,\"\r\n ;1".utf8)
        for _ in 0..<400 {
            let length = Int(rng.next() % 60)
            let bytes = (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let whole = try tokenize(bytes)
            for chunk in [1, 2, 3] {
                let small = try tokenize(bytes, chunk: chunk, bufferBytes: 4, maxRecordBytes: 1024)
                #expect(small == whole, "input \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            }
        }
    }
}

/// Small deterministic generator so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
