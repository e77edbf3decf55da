import JutsuCore
import Testing

@Suite struct TimeframeTests {
    @Test func canonicalNamesRoundTrip() {
        for tf in Timeframe.allCases {
            #expect(Timeframe(parsing: tf.rawValue) == tf)
        }
        #expect(Timeframe.allCases.map(\.rawValue) == ["1m", "5m", "15m", "30m", "1h", "1d", "1w", "1mo"])
    }

    @Test func aliases() {
        let cases: [(String, Timeframe)] = [
            ("1min", .m1), ("1MIN", .m1), ("5min", .m5), ("5M", .m5), ("15min", .m15), ("30min", .m30),
            ("60m", .h1), ("60min", .h1), ("1H", .h1), ("1h", .h1), ("hourly", .h1), ("Hourly", .h1),
            ("1D", .d1), ("1d", .d1), ("D", .d1), ("d", .d1), ("daily", .d1), ("Daily", .d1), ("day", .d1),
            ("1W", .w1), ("1w", .w1), ("1wk", .w1), ("weekly", .w1), ("WEEKLY", .w1),
            ("1mo", .mo1), ("1MO", .mo1), ("1M", .mo1), ("monthly", .mo1), ("1mth", .mo1),
            (" 1d ", .d1),
        ]
        for (text, tf) in cases {
            #expect(Timeframe(parsing: text) == tf, "alias \"\(text)\"")
        }
        // Substring and other StringProtocol values work too.
        #expect(Timeframe(parsing: "x1hx".dropFirst().dropLast()) == .h1)
    }

    @Test func bytesEntryPoint() {
        func tf(_ bytes: [UInt8]) -> Timeframe? { bytes.withUnsafeBytes { Timeframe(parsing: $0) } }
        #expect(tf(Array("1M".utf8)) == .mo1)
        #expect(tf(Array("1m".utf8)) == .m1)
        #expect(tf(Array(" Daily\t".utf8)) == .d1)
        #expect(tf(Array("monthly".utf8)) == .mo1)
        #expect(tf(Array("monthlyx".utf8)) == nil)
        #expect(tf([0x31, 0xE4]) == nil)
        #expect(tf([0x31, 0x6D, 0x00]) == nil)
        #expect(tf([]) == nil)
    }

    @Test func minuteVersusMonth() {
        #expect(Timeframe(parsing: "1m") == .m1)
        #expect(Timeframe(parsing: "1M") == .mo1)
    }

    @Test func rejects() {
        for text in ["", " ", "2m", "1 m", "1s", "4h", "1y", "minute", "1mon", "1hh", "1d1", "１d"] {
            #expect(Timeframe(parsing: text) == nil, "\"\(text)\"")
        }
    }

    @Test func stepsAndAlignment() {
        #expect(Timeframe.allCases.map(\.stepSeconds) == [60, 300, 900, 1800, 3600, 86400, 604_800, 2_592_000])
        #expect(Timeframe.allCases.filter(\.isIntraday) == [.m1, .m5, .m15, .m30, .h1])
        #expect(Timeframe.m1.alignmentSeconds == 60)
        #expect(Timeframe.m5.alignmentSeconds == 300)
        #expect(Timeframe.m15.alignmentSeconds == 900)
        #expect(Timeframe.m30.alignmentSeconds == 1800)
        #expect(Timeframe.h1.alignmentSeconds == 1800)
        #expect(Timeframe.d1.alignmentSeconds == 86400)
    }

    @Test func orderingByLength() {
        #expect(Timeframe.allCases.sorted() == Timeframe.allCases)
        #expect(Timeframe.m1 < .m5)
        #expect(Timeframe.h1 < .d1)
        #expect(!(Timeframe.mo1 < .w1))
        #expect(Timeframe.allCases.shuffled().sorted() == Timeframe.allCases)
    }
}
