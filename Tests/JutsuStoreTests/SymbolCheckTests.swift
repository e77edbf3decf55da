import JutsuCore
import JutsuStore
import JutsuTestSupport
import Testing

/// migrations/0008: the cheaper symbol CHECK of market_data accepts exactly what the regex of
/// 0001 accepted, over many strings (random ones over an alphabet with every edge: allowed and
/// disallowed ASCII, lower case, blanks, control and non-ASCII characters, lengths 0-24) and
/// the symbols the loader sends (canonicalized).
@Suite struct SymbolCheckTests {
    static let old = #"symbol ~ '^[A-Z0-9^][A-Z0-9.^=]{0,19}$'"#

    static func strings() -> [String] {
        let alphabet: [String] = ["A", "Z", "M", "0", "9", "5", ".", "^", "=", "-", "_", "a", "z", " ", "\t", "\n",
                                  "/", "@", "$", "É", "Ａ", "ß", "\u{7F}", "[", "]", "\\", "\""]
        var out: [String] = ["", "A", ".", "=", "^", "^GSPC", "BRK.B", "EURUSD=X", "A.", "A=", ".A", "=A", "a",
                             String(repeating: "A", count: 19), String(repeating: "A", count: 20),
                             String(repeating: "A", count: 21), "^" + String(repeating: "=", count: 19),
                             "^" + String(repeating: "=", count: 20), "AAPL\n", "\nAAPL", " AAPL", "AAPL "]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        for i in 0..<30_000 {
            let length = Int(next() % 25)
            // Every third string mostly from the allowed characters, so many are accepted.
            let pool = i % 3 == 0 ? 9 : alphabet.count
            out.append((0..<length).map { _ in alphabet[Int(next() % UInt64(pool))] }.joined())
        }
        for raw in ["aapl", "brk-b", "brk.b", " msft ", "^gspc", "eurusd=x", "spy", "x", "qqq", "a1b2c3", "0700.hk"] {
            if let s = try? Symbol(canonicalizing: raw) { out.append(s.value) }
        }
        return out
    }

    @Test func acceptsExactlyWhatTheRegexOf0001Accepted() throws {
        let db = try TestDatabase("symchk")
        let conn = try db.connect()
        #expect(try db.scalar("SELECT count(*) FROM pg_constraint WHERE conname = 'market_data_symbol_check'") == 0)
        let def = try conn.execute("""
            SELECT pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = 'market_data'::regclass AND conname = 'market_data_symbol_format'
            """)
        let check = try #require(def.string(0, 0))
        #expect(check.hasPrefix("CHECK "))
        let expression = String(check.dropFirst("CHECK ".count))
        let strings = Self.strings()
        let array = "{" + strings.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
        let r = try conn.execute("""
            SELECT count(*), count(*) FILTER (WHERE ok_old), count(*) FILTER (WHERE ok_old IS DISTINCT FROM ok_new),
                   string_agg(symbol, ' | ') FILTER (WHERE ok_old IS DISTINCT FROM ok_new)
            FROM (SELECT symbol, \(Self.old) AS ok_old, \(expression) AS ok_new FROM unnest($1::text[]) AS symbol) x
            """, [array])
        #expect(r.int64(0, 0) == Int64(strings.count))
        #expect((r.int64(0, 1) ?? 0) > 5_000, "too few accepted strings to say much")
        #expect(r.int64(0, 2) == 0, "differ: \(r.string(0, 3) ?? "")")
        // The table itself takes a valid symbol and refuses what the old CHECK refused.
        _ = try conn.execute("SELECT jutsu_ensure_partition('1d', '2024-01-02')")
        _ = try conn.execute("INSERT INTO market_data VALUES ('BRK.B', '1d', '2024-01-02', 1, 1, 1, 1, 0, 'x')")
        #expect(throws: (any Error).self) {
            try conn.execute("INSERT INTO market_data VALUES ('.A', '1d', '2024-01-02', 1, 1, 1, 1, 0, 'x')")
        }
    }
}
