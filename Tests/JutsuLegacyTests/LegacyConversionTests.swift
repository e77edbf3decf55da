import JutsuCore
import Testing
@testable import JutsuLegacy

@Suite struct LegacyConversionTests {
    func price(_ v: LegacyValue) -> String? { try? LegacyConversion.price(v).get().description }

    @Test func realPricesByShortestRoundTripThenHalfEven() {
        #expect(price(.real(523.4200440000001)) == "523.420044")
        #expect(price(.real(0.1 + 0.2)) == "0.300000")
        #expect(price(.real(1e-7)) == "0.000000")
        #expect(price(.real(0.0000015)) == "0.000002")
        #expect(price(.real(0.0000025)) == "0.000002")   // half-even on the shortest text
        #expect(price(.real(189.99)) == "189.990000")
        #expect(LegacyConversion.shortestText(523.4200440000001) == "523.4200440000001")
        #expect(LegacyConversion.price(.real(.nan)) == .failure(.invalid))
        #expect(LegacyConversion.price(.real(1e300)) == .failure(.outOfRange))
    }

    /// The fast path (no text when n/10^6 reads back as the Double) decides exactly as the
    /// shortest-text path, on clean 6-place values, values with float noise, ties, tiny, huge
    /// and negative values.
    @Test func realPriceFastPathEqualsTheTextPath() {
        var rng = SystemRandomNumberGenerator()
        var fast = 0
        for i in 0..<200_000 {
            let micros = Int64.random(in: 1...9_000_000_000_000, using: &rng)
            var d = Double(micros) / 1e6
            switch i % 6 {
            case 1: d += d * 1e-15 * Double(Int.random(in: -3...3, using: &rng))   // float noise
            case 2: d = Double(micros) / 1e7                                          // 7 places: ties and rounding
            case 3: d = Double(bitPattern: UInt64.random(in: 0x3E00_0000_0000_0000...0x4300_0000_0000_0000, using: &rng))
            case 4: d = -d
            case 5: d = Double(Float(d))                                             // float32 values printed as doubles
            default: break
            }
            let text = Price.parse(LegacyConversion.shortestText(d))
            #expect(LegacyConversion.realPrice(d) == text, "\(d)")
            if d.magnitude < 1e6, ((d * 1e6) - (d * 1e6).rounded(.toNearestOrEven)).magnitude < 0.499 { fast += 1 }
        }
        #expect(fast > 50_000)   // the fast path is really taken
        for d in [0.0, -0.0, 1e-7, 5e-7, 1.5e-6, 2.5e-6, 0.0000004999, 0.0000005001, 123.4565, 123.4575, 999_999.9999995,
                  3_999_999_999.999999, 4e9, 4.1e9, 1e15, 523.4200440000001] {
            #expect(LegacyConversion.realPrice(d) == Price.parse(LegacyConversion.shortestText(d)), "\(d)")
        }
        for d in [0.0, 100.0, 1e15, 12.5, -3.0, 9.5e15] {
            let a = LegacyConversion.realVolume(d), b = Volume.parse(LegacyConversion.shortestText(d))
            #expect(a.map(\.value) == b.map(\.value) && a.map(\.rounded) == b.map(\.rounded), "\(d)")
        }
    }

    @Test func integerAndTextPricesAreExact() {
        #expect(price(.integer(523)) == "523.000000")
        #expect(price(.text("523.4200440000001")) == "523.420044")
        #expect(price(.text(" 12.5 ")) == "12.500000")
        #expect(LegacyConversion.price(.text("abc")) == .failure(.invalid))
        #expect(LegacyConversion.price(.null) == .failure(.empty))
        #expect(LegacyConversion.price(.integer(Int64.max)) == .failure(.outOfRange))
    }

    @Test func volumes() throws {
        #expect(try LegacyConversion.volume(.integer(100)).get().value == 100)
        #expect(try LegacyConversion.volume(.real(1500.5)).get().value == 1500)
        #expect(try LegacyConversion.volume(.real(1501.5)).get().rounded)
        #expect(try LegacyConversion.volume(.text("42")).get().value == 42)
    }

    func ts(_ v: LegacyValue, _ tf: Timeframe) -> String? {
        (try? LegacyConversion.timestamp(v, timeframe: tf).get()).map(UnixTime.iso8601)
    }

    @Test func timestampForms() {
        #expect(ts(.text("2024-03-05 14:30:00"), .h1) == "2024-03-05T14:30:00Z")
        #expect(ts(.text("2024-03-05T14:30:00Z"), .m5) == "2024-03-05T14:30:00Z")
        #expect(ts(.text("2024-03-05T09:30:00-05:00"), .m5) == "2024-03-05T14:30:00Z")
        #expect(ts(.text("2024-03-05T09:30:00.000-0500"), .m5) == "2024-03-05T14:30:00Z")
        #expect(ts(.text("2024-03-05"), .d1) == "2024-03-05T00:00:00Z")
        #expect(ts(.text("2024-03-05 00:00:00+09:00"), .d1) == "2024-03-05T00:00:00Z")
        #expect(ts(.integer(1_709_649_000), .m5) == "2024-03-05T14:30:00Z")           // seconds
        #expect(ts(.integer(1_709_649_000_000), .m5) == "2024-03-05T14:30:00Z")       // milliseconds
        #expect(ts(.real(1_709_649_000_000), .m5) == "2024-03-05T14:30:00Z")
        #expect(ts(.text("1709649000"), .m5) == "2024-03-05T14:30:00Z")
        // Daily epochs: the New York date (Schwab: midnight Chicago = 06:00Z).
        #expect(ts(.integer(1_709_618_400), .d1) == "2024-03-05T00:00:00Z")
        #expect(LegacyConversion.timestamp(.text("2024-02-30"), timeframe: .d1) == .failure(.unreadable))
        #expect(LegacyConversion.timestamp(.text("yesterday"), timeframe: .d1) == .failure(.unreadable))
        #expect(LegacyConversion.timestamp(.text("2024-03-05 14:30:00.5"), timeframe: .m5) == .failure(.fractionalSecond))
        #expect(LegacyConversion.timestamp(.null, timeframe: .d1) == .failure(.missing))
    }
}
