import JutsuCore
import Testing

@Suite struct PriceParseTests {
    static let table: [(String, Parsed)] = [
        // Plain values and signs.
        ("0", .value(0)),
        ("1", .value(1_000_000)),
        ("123.45", .value(123_450_000)),
        ("-0.5", .value(-500_000)),
        ("+2.25", .value(2_250_000)),
        ("-0", .value(0)),
        ("000123.450", .value(123_450_000)),
        ("  1.5 ", .value(1_500_000)),
        ("\t7\t", .value(7_000_000)),
        (".5", .value(500_000)),
        ("5.", .value(5_000_000)),
        ("-.25", .value(-250_000)),
        // Half-even at the sixth decimal, looking at every dropped digit.
        ("0.0000005", .value(0)),
        ("0.0000015", .value(2)),
        ("0.0000025", .value(2)),
        ("0.0000035", .value(4)),
        ("0.00000050001", .value(1)),
        ("0.00000049999", .value(0)),
        ("0.0000005000000000000000000000000000000001", .value(1)),
        ("-0.0000005", .value(0)),
        ("-0.0000015", .value(-2)),
        ("-0.0000025", .value(-2)),
        ("-0.00000250001", .value(-3)),
        ("1.2345675", .value(1_234_568)),
        ("1.2345665", .value(1_234_566)),
        ("1.23456650", .value(1_234_566)),
        ("1.234566500000000000001", .value(1_234_567)),
        ("0.9999995", .value(1_000_000)),
        ("0.0000004", .value(0)),
        ("0.0000006", .value(1)),
        ("0.00000001", .value(0)),
        // Long vendor floats.
        ("523.4200440000001", .value(523_420_044)),
        ("0.14550000429153442", .value(145_500)),
        ("187.14999389648438", .value(187_149_994)),
        // Exponents.
        ("1e3", .value(1_000_000_000)),
        ("1E3", .value(1_000_000_000)),
        ("1.5e6", .value(1_500_000_000_000)),
        ("1.5e+2", .value(150_000_000)),
        ("25e-1", .value(2_500_000)),
        ("1e-6", .value(1)),
        ("1e-7", .value(0)),
        ("5e-7", .value(0)),
        ("15e-7", .value(2)),
        ("6e-7", .value(1)),
        ("1e-400", .value(0)),
        ("0e400", .value(0)),
        ("0e999999999999999999999999", .value(0)),
        ("-1.25E-3", .value(-1250)),
        (".5e1", .value(5_000_000)),
        ("5.e1", .value(50_000_000)),
        ("1e00000000000000000000000003", .value(1_000_000_000)),
        // Range edges: NUMERIC(18,6).
        ("999999999999.999999", .value(999_999_999_999_999_999)),
        ("-999999999999.999999", .value(-999_999_999_999_999_999)),
        ("999999999999.9999994", .value(999_999_999_999_999_999)),
        ("999999999999.9999995", .failure(.outOfRange)),
        ("1000000000000", .failure(.outOfRange)),
        ("-1000000000000", .failure(.outOfRange)),
        ("9999999999999999999999", .failure(.outOfRange)),
        ("1e12", .failure(.outOfRange)),
        ("0.1e13", .failure(.outOfRange)),
        ("0.01e13", .value(100_000_000_000_000_000)),
        ("1e400", .failure(.outOfRange)),
        ("-1e400", .failure(.outOfRange)),
        ("1e99999999999999999999", .failure(.outOfRange)),
        ("18446744073709551616", .failure(.outOfRange)),
        ("9223372036854775808", .failure(.outOfRange)),
        // Empty and null placeholders.
        ("", .failure(.empty)),
        ("   ", .failure(.empty)),
        ("null", .failure(.null)),
        ("NULL", .failure(.null)),
        ("Null", .failure(.null)),
        ("NaN", .failure(.null)),
        ("nan", .failure(.null)),
        ("NA", .failure(.null)),
        ("N/A", .failure(.null)),
        ("n/a", .failure(.null)),
        ("None", .failure(.null)),
        ("-", .failure(.null)),
        (" - ", .failure(.null)),
        // Malformed.
        ("1.2.3", .failure(.invalid)),
        ("+", .failure(.invalid)),
        (".", .failure(.invalid)),
        ("-.", .failure(.invalid)),
        ("+-1", .failure(.invalid)),
        ("--1", .failure(.invalid)),
        ("1e", .failure(.invalid)),
        ("1e+", .failure(.invalid)),
        ("1e-", .failure(.invalid)),
        ("e5", .failure(.invalid)),
        (".e5", .failure(.invalid)),
        ("1e5.5", .failure(.invalid)),
        ("1,234", .failure(.invalid)),
        ("1 234", .failure(.invalid)),
        ("12a", .failure(.invalid)),
        ("$12", .failure(.invalid)),
        ("0x10", .failure(.invalid)),
        ("inf", .failure(.invalid)),
        ("Infinity", .failure(.invalid)),
        ("nulls", .failure(.invalid)),
        ("nul", .failure(.invalid)),
        ("--", .failure(.invalid)),
        ("1-", .failure(.invalid)),
        ("\u{00A0}1", .failure(.invalid)),
        ("１", .failure(.invalid)),
        ("1\r", .failure(.invalid)),
    ]

    @Test func table() {
        for (text, expected) in Self.table {
            #expect(Parsed(parsePrice(text)) == expected, "input \"\(text)\"")
            // The String entry point agrees with the byte one.
            #expect(Parsed(Price.parse(text)) == expected, "String input \"\(text)\"")
        }
    }

    @Test func invalidUTF8IsInvalid() {
        #expect(Parsed(parsePrice(bytes: [0xFF])) == .failure(.invalid))
        #expect(Parsed(parsePrice(bytes: [0x31, 0xFF])) == .failure(.invalid))
        #expect(Parsed(parsePrice(bytes: [0xC3, 0x28, 0x31])) == .failure(.invalid))
        #expect(Parsed(parsePrice(bytes: [0x31, 0x2E, 0x80, 0x35])) == .failure(.invalid))
        #expect(Parsed(parsePrice(bytes: [0x31, 0x00])) == .failure(.invalid))
        #expect(Parsed(parsePrice(bytes: [0xE5])) == .failure(.invalid))  // 'e' | 0x80
    }

    @Test func emptyBuffer() {
        #expect(Parsed(Price.parse(UnsafeRawBufferPointer(start: nil, count: 0))) == .failure(.empty))
    }

    @Test func tenThousandDigits() {
        let nines = String(repeating: "9", count: 10_000)
        #expect(Parsed(parsePrice(nines)) == .failure(.outOfRange))
        #expect(Parsed(parsePrice("-" + nines)) == .failure(.outOfRange))
        let zeros = String(repeating: "0", count: 10_000)
        #expect(Parsed(parsePrice(zeros + "12.5")) == .value(12_500_000))
        #expect(Parsed(parsePrice("0." + zeros + "1")) == .value(0))
        #expect(Parsed(parsePrice("1." + nines)) == .value(2_000_000))
        #expect(Parsed(parsePrice("0.0000005" + zeros)) == .value(0))
        #expect(Parsed(parsePrice("0.0000005" + zeros + "1")) == .value(1))
        #expect(Parsed(parsePrice("0." + nines + "e-3")) == .value(1000))
        #expect(Parsed(parsePrice("1" + zeros + "e-10000")) == .value(1_000_000))
        #expect(Parsed(parsePrice("1" + zeros + "e-9988")) == .failure(.outOfRange))
        #expect(Parsed(parsePrice("1" + zeros + "e-9989")) == .value(100_000_000_000_000_000))
        #expect(Parsed(parsePrice("1e" + nines)) == .failure(.outOfRange))
        #expect(Parsed(parsePrice("1e-" + nines)) == .value(0))
        #expect(Parsed(parsePrice(nines + "e-" + nines)) == .value(0))
        #expect(Parsed(parsePrice(String(repeating: "1.", count: 5_000))) == .failure(.invalid))
    }

    @Test func description() {
        #expect(Price(micros: 123_450_000).description == "123.450000")
        #expect(Price(micros: -500_000).description == "-0.500000")
        #expect(Price(micros: 0).description == "0.000000")
        #expect(Price(micros: 1).description == "0.000001")
        #expect(Price(micros: -1).description == "-0.000001")
        #expect(Price(micros: 10_000_000).description == "10.000000")
        #expect(Price(micros: Price.maxMicros).description == "999999999999.999999")
        #expect(Price(micros: Int64.max).description == "9223372036854.775807")
        #expect(Price(micros: Int64.min).description == "-9223372036854.775808")
    }

    @Test func appendTextMatchesDescriptionAndAppends() {
        var out: [UInt8] = Array("x=".utf8)
        Price(micros: -1_234_567).appendText(to: &out)
        out.append(0x3B)
        Price(micros: 7).appendText(to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "x=-1.234567;0.000007")
    }

    @Test func roundTripManyValues() {
        var rng = SplitMix64(seed: 42)
        var values: [Int64] = [
            0, 1, -1, 9, 10, 99, 100, 999_999, 1_000_000, 1_000_001, Price.maxMicros, -Price.maxMicros,
        ]
        var p: Int64 = 1
        for _ in 0..<18 {
            values += [p, p - 1, p + 1, -p]
            p *= 10
        }
        for _ in 0..<20_000 {
            let magnitude = Int64(rng.next() % UInt64(Price.maxMicros + 1))
            // Spread over all magnitudes, not only the largest ones.
            let shift = Int64(rng.next() % 18)
            var divisor: Int64 = 1
            for _ in 0..<shift { divisor *= 10 }
            values.append((rng.next() & 1 == 0 ? 1 : -1) * magnitude / divisor)
        }
        for v in values {
            let price = Price(micros: v)
            let text = price.description
            var bytes: [UInt8] = []
            price.appendText(to: &bytes)
            #expect(bytes == Array(text.utf8))
            #expect(Parsed(parsePrice(text)) == .value(v), "\(text)")
            // Extra trailing zeros and an exponent form read back the same.
            #expect(Parsed(parsePrice(text + "000")) == .value(v), "\(text)000")
            #expect(Parsed(parsePrice(text + "0e0")) == .value(v))
        }
    }

    @Test func ordering() {
        #expect(Price(micros: -1) < Price(micros: 0))
        #expect(Price(micros: 5) > Price(micros: 4))
        #expect(Price.scale == 1_000_000)
        #expect(Price.maxMicros == 999_999_999_999_999_999)
    }
}

/// `Price.parseExact` (issue 17): never a silent rounding of a real digit, noise of printed
/// floats read as the decimal it stands for. Expected values written by hand.
@Suite struct PriceExactTests {
    static func exact(_ text: String) -> Result<Price, NumberParseFailure> {
        var t = text
        return t.withUTF8 { Price.parseExact(UnsafeRawBufferPointer($0)) }
    }

    @Test func sixPlacesOrFewerAreExact() throws {
        #expect(try Self.exact("58.485714").get() == Price(micros: 58_485_714))
        #expect(try Self.exact("41.2300000000").get() == Price(micros: 41_230_000))
        #expect(try Self.exact("4126").get() == Price(micros: 4_126_000_000))
    }

    @Test func realDigitsPastTheSixthPlaceAreRefused() {
        for text in ["0.00002853", "0.0000285", "8051.12345678", "1.2345675", "2.853e-05", "151.123456789",
                     "0.000028529999999999999"] {
            #expect(Self.exact(text) == .failure(.tooPrecise), "\(text)")
        }
    }

    @Test func noiseOfPrintedFloatsIsTheDecimalItStandsFor() throws {
        // yfinance: Yahoo's float32 widened to double; by hand: float32(19.59) = 19.59000015258789...
        #expect(try Self.exact("19.59000015258789").get() == Price(micros: 19_590_000))
        #expect(try Self.exact("0.14550000429153442").get() == Price(micros: 145_500))
        #expect(try Self.exact("200.95100402832").get() == Price(micros: 200_951_000))
        #expect(try Self.exact("2.200000047683716").get() == Price(micros: 2_200_000))
        // double arithmetic noise (zipline's test data, pandas output)
        #expect(try Self.exact("523.4200440000001").get() == Price(micros: 523_420_044))
        #expect(try Self.exact("1.0683799999999999").get() == Price(micros: 1_068_380))
        #expect(try Self.exact("14.5500004291534").get() == Price(micros: 14_550_000))
    }
}

/// Investing.com's numbers (issue 17): thousands separators and K/M/B volume suffixes.
/// Expected values written by hand.
@Suite struct VendorNumberTests {
    static func price(_ text: String) -> Result<Price, NumberParseFailure> {
        var t = text
        return t.withUTF8 { Price.parseExact(UnsafeRawBufferPointer($0)) }
    }
    static func volume(_ text: String) -> Int64? {
        var t = text
        return try? t.withUTF8 { Volume.parseVendor(UnsafeRawBufferPointer($0)) }.get().value
    }

    @Test func thousandsSeparatorsWhereTheyCanOnlyBeThat() throws {
        #expect(try Self.price("2,728.00").get() == Price(micros: 2_728_000_000))
        #expect(try Self.price("1,234,567.5").get() == Price(micros: 1_234_567_500_000))
        #expect(try Self.price("-1,234").get() == Price(micros: -1_234_000_000))
        for text in ["1,2", "12,34.5", "1,234,56", "1234,567", ",123", "1,234,"] {
            #expect(Self.price(text) == .failure(.invalid), "\(text)")
        }
    }

    @Test func volumeSuffixes() {
        #expect(Self.volume("245.67K") == 245_670)
        #expect(Self.volume("1.5M") == 1_500_000)
        #expect(Self.volume("2B") == 2_000_000_000)
        #expect(Self.volume("12.34m") == 12_340_000)
        #expect(Self.volume("1,234,567") == 1_234_567)
        #expect(Self.volume("83870500") == 83_870_500)
        #expect(Self.volume("1.5X") == nil)
        #expect(Self.volume("K") == nil)
    }
}
