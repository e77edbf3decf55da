import JutsuCore
import Testing

@Suite struct VolumeTests {
    enum V: Equatable {
        case ok(Int64, Bool)
        case fail(NumberParseFailure)
    }

    static func v(_ text: String) -> V {
        switch parseVolume(text) {
        case .success(let r): .ok(r.value, r.rounded)
        case .failure(let f): .fail(f)
        }
    }

    @Test func table() {
        let cases: [(String, V)] = [
            ("123", .ok(123, false)),
            ("123.0", .ok(123, false)),
            ("123.000000000", .ok(123, false)),
            ("1.5e6", .ok(1_500_000, false)),
            ("1.5E+6", .ok(1_500_000, false)),
            ("0", .ok(0, false)),
            (" 42 ", .ok(42, false)),
            ("2.5", .ok(2, true)),
            ("3.5", .ok(4, true)),
            ("2.5000001", .ok(3, true)),
            ("2.4999999", .ok(2, true)),
            ("2.01", .ok(2, true)),
            ("0.4", .ok(0, true)),
            ("0.5", .ok(0, true)),
            ("1e-1", .ok(0, true)),
            ("15e-1", .ok(2, true)),
            ("1234.5678e2", .ok(123_457, true)),
            ("-5", .ok(-5, false)),
            ("-2.5", .ok(-2, true)),
            ("-0", .ok(0, false)),
            ("9223372036854775807", .ok(Int64.max, false)),
            ("9223372036854775807.4", .ok(Int64.max, true)),
            ("9223372036854775807.5", .fail(.outOfRange)),
            ("9223372036854775808", .fail(.outOfRange)),
            ("-9223372036854775808", .fail(.outOfRange)),
            ("1e19", .fail(.outOfRange)),
            ("1e18", .ok(1_000_000_000_000_000_000, false)),
            ("1e400", .fail(.outOfRange)),
            ("1,234", .fail(.invalid)),
            ("1 234", .fail(.invalid)),
            ("12k", .fail(.invalid)),
            ("1e", .fail(.invalid)),
            ("", .fail(.empty)),
            ("null", .fail(.null)),
            ("NaN", .fail(.null)),
            ("-", .fail(.null)),
        ]
        for (text, expected) in cases {
            #expect(Self.v(text) == expected, "input \"\(text)\"")
        }
    }

    @Test func stringEntryPointAgrees() throws {
        let r = try Volume.parse("2.5").get()
        #expect(r.value == 2 && r.rounded)
    }

    @Test func hugeInputsDoNotTrap() {
        #expect(Self.v(String(repeating: "9", count: 10_000)) == .fail(.outOfRange))
        #expect(Self.v("0." + String(repeating: "0", count: 10_000) + "1") == .ok(0, true))
        #expect(Self.v(String(repeating: "0", count: 10_000) + "7") == .ok(7, false))
    }
}
