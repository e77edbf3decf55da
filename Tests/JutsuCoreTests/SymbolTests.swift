import JutsuCore
import Testing

@Suite struct SymbolTests {
    static func canonical(_ text: String) -> String? {
        try? Symbol(canonicalizing: text).value
    }

    static func canonicalBytes(_ bytes: [UInt8]) -> Result<String, SymbolError> {
        bytes.withUnsafeBytes { raw in
            Result { () throws(SymbolError) -> String in try Symbol(canonicalizing: raw).value }
        }
    }

    @Test func mappingTable() {
        let cases: [(String, String)] = [
            ("AAPL", "AAPL"), ("aapl", "AAPL"), ("  msft ", "MSFT"), ("\tIBM", "IBM"),
            ("BRK-B", "BRK.B"), ("BRK/B", "BRK.B"), ("brk.b", "BRK.B"), ("BRK.B", "BRK.B"), ("bf-b", "BF.B"),
            ("4063-T", "4063.T"), ("4063.T", "4063.T"), ("AET.L", "AET.L"), ("RY.TO", "RY.TO"),
            ("$SPX", "^SPX"), ("$spx", "^SPX"), ("$SPX.X", "^SPX.X"), ("^GSPC", "^GSPC"), ("^vix", "^VIX"),
            ("EURUSD=X", "EURUSD=X"), ("GC=F", "GC=F"), ("BTC-USD", "BTC.USD"), ("0700.HK", "0700.HK"),
            ("A", "A"), ("7", "7"), ("ABCDEFGHIJKLMNOPQRST", "ABCDEFGHIJKLMNOPQRST"),
            ("BRK_A", "BRK.A"), ("brk_b", "BRK.B"),  // Quandl/zipline class suffix (issue 17)
        ]
        for (raw, expected) in cases {
            #expect(Self.canonical(raw) == expected, "\"\(raw)\"")
            #expect((try? Self.canonicalBytes(Array(raw.utf8)).get()) == expected, "bytes \"\(raw)\"")
            // Canonicalizing is idempotent.
            #expect(Self.canonical(expected) == expected)
        }
    }

    @Test func rejects() {
        let bad = [
            "", "   ", "A'; DROP TABLE bars; --", "A'; DROP", "A;B", "A'B", "A\"B", "A B", "A\tB", "A,B", "A(B)",
            "A*", "A%", "A\\B", "A__B", "_A", "A_", "A\u{0}", "A\nB", "ÄPL", "AAPL\u{00A0}", "ＡＡＰＬ", "😀",
            "ABCDEFGHIJKLMNOPQRSTU", String(repeating: "A", count: 1000),
            "BRK..B", "BRK-/B", "BRK.", "BRK-", ".BRK", "-BRK", "/A", "=X", "^", "$", "^.SPX", "^^SPX",
            "A^B", "A$B", "$^SPX", "^$SPX",
        ]
        for raw in bad {
            #expect(Self.canonical(raw) == nil, "\"\(raw)\" must be rejected")
        }
    }

    @Test func errorCarriesRawAndMessage() {
        do {
            _ = try Symbol(canonicalizing: "A'; DROP")
            Issue.record("expected a SymbolError")
        } catch {
            #expect(error.raw == "A'; DROP")
            #expect(!error.message.isEmpty)
            #expect(error.description.contains("A'; DROP"))
        }
        let long = String(repeating: "X", count: 21)
        #expect(throws: SymbolError.self) { try Symbol(canonicalizing: long) }
    }

    @Test func invalidUTF8BytesRejected() {
        for bytes: [UInt8] in [[0xFF], [0x41, 0xC3], [0x41, 0x80, 0x42], [0xC3, 0x84, 0x41]] {
            if case .success(let s) = Self.canonicalBytes(bytes) { Issue.record("accepted \(bytes) as \(s)") }
        }
    }

    @Test func substringInput() throws {
        let line = "x,brk-b,y"
        let field = line.split(separator: ",")[1]
        #expect(try Symbol(canonicalizing: field).value == "BRK.B")
    }

    @Test func orderingAndDescription() throws {
        let a = try Symbol(canonicalizing: "AAPL")
        let b = try Symbol(canonicalizing: "msft")
        #expect(a < b)
        #expect(b.description == "MSFT")
        #expect(try Symbol(canonicalizing: "brk-b") == Symbol(canonicalizing: "BRK/B"))
    }
}
