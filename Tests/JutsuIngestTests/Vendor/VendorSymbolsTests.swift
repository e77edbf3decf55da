import JutsuCore
@testable import JutsuIngest
import JutsuVendors
import Testing

/// Stored symbols in each vendor's spelling, and the key window of a series.
@Suite struct VendorSymbolsTests {
    static func s(_ text: String) throws -> Symbol { try Symbol(canonicalizing: text) }

    @Test(arguments: [
        ("AAPL", "AAPL"), ("BRK.B", "BRK-B"), ("BRK.A", "BRK-A"), ("BTC.USD", "BTC-USD"), ("ETH.EUR", "ETH-EUR"),
        ("^GSPC", "^GSPC"), ("AET.L", "AET.L"), ("4063.T", "4063.T"), ("8TRA.DE", "8TRA.DE"), ("EURUSD=X", "EURUSD=X"),
        ("0P000071W8.TO", "0P000071W8.TO"),
    ])
    func yahoo(_ stored: String, _ expected: String) throws {
        #expect(VendorSymbols.yahoo(try Self.s(stored)) == expected)
    }

    @Test func schwabAndPolygon() throws {
        #expect(VendorSymbols.schwab(try Self.s("^SPX")) == "$SPX")
        #expect(VendorSymbols.schwab(try Self.s("BRK.B")) == "BRK/B")
        #expect(VendorSymbols.schwab(try Self.s("AAPL")) == "AAPL")
        #expect(VendorSymbols.polygon(try Self.s("BRK.B")) == "BRK.B")
    }

    @Test func windowsEndAfterTodaysSessionForDailyBarsAndNowForIntraday() {
        let now: Int64 = 1_732_200_000   // 2024-11-21T14:40:00Z
        let daily = VendorStage.window(from: nil, timeframe: .d1, now: now)
        #expect(daily.from == 86_400)                          // 1970-01-02 without a start
        #expect(UnixTime.iso8601(daily.to) == "2024-11-22T00:00:00Z")
        let minute = VendorStage.window(from: now - 3_600, timeframe: .m1, now: now)
        #expect(minute == KeyWindow(from: now - 3_600, to: now))
    }
}

