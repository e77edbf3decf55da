import Foundation
import JutsuTestSupport
import Testing

/// Real vendor files (issue 17): `fixtures/real/vendors/`, 26 files of 20 dialects from public
/// repositories, each with a truth written from the file without this code
/// (`fixtures/real/vendors/derive_truth.py`: Python's csv, zipfile and decimal; PROVENANCE.md).
/// Every file either loads bar for bar as its truth says, with only the flags it cannot say
/// itself, or is refused with nothing stored: never a wrong bar with exit 0.
@Suite struct VendorCorpusTests {
    enum Outcome: Sendable, CustomStringConvertible {
        /// Every truth bar stored, keys and values exact, nothing else stored.
        case exact
        /// As `exact`, but the truth's bars at these keys are rejected with this reason.
        case exactRejecting(reason: String)
        /// Loads exactly but for volume: the file has none and 0 is stored (volume cannot be
        /// NULL yet; see the closing note of issue 17).
        case exactWithZeroVolume
        /// Refused: exit 2, nothing stored.
        case refused(String)
        /// Rows the schema cannot hold exactly are rejected for `reason`, and the run fails
        /// (exit 1, over --max-reject-ratio); the bars it stored are exact.
        case failsRejecting(reason: String)

        var description: String {
            switch self {
            case .exact: "exact"
            case .exactRejecting(let r): "exact, rejecting \(r)"
            case .exactWithZeroVolume: "exact with volume 0"
            case .refused(let m): "refused (\(m))"
            case .failsRejecting(let r): "fails, rejecting \(r)"
            }
        }
    }

    struct Case: Sendable, CustomStringConvertible {
        var file: String
        var flags: [String]
        var outcome: Outcome
        var description: String { file }
    }

    static let cases: [Case] = [
        Case(file: "alpha-vantage/mock_time_series_extended",
             flags: ["--symbol", "MSFT", "--timeframe", "1m", "--timezone", "America/New_York", "--bar-time", "end"], outcome: .exact),
        Case(file: "backtrader/2006-day-001.txt", flags: ["--symbol", "BT2006"], outcome: .exact),
        Case(file: "dotnet-export/spy_ohlcv.txt", flags: ["--symbol", "SPY"], outcome: .exact),
        // All of its dates read month first and day first alike (11/5/2019): the order is a flag.
        Case(file: "intraday-mdy/SP500_NOV2019_IDay.csv",
             flags: ["--symbol", "^GSPC", "--timezone", "America/New_York", "--date-format", "mm/dd/yyyy"], outcome: .exact),
        Case(file: "intraday-mdy/SP500_NOV2019_IDay.csv", flags: ["--symbol", "^GSPC", "--timezone", "America/New_York"],
             outcome: .refused("day first and month first alike")),
        // Google Finance `31-Dec-10`; the name gives ORCL (its year and vendor word dropped).
        Case(file: "google-finance/orcl-2010-googlefinance.csv", flags: [], outcome: .exact),
        // Dukascopy: `Gmt time` is UTC, `14.03.2019 00:00:00.000` day first; no symbol anywhere.
        Case(file: "dukascopy/test.csv", flags: ["--symbol", "AUDUSD"], outcome: .exact),
        // MetaTrader `2019.02.15` plus a Time column; the broker's week opens at 22:05, off the grid.
        Case(file: "metatrader4/EURUSD60.csv", flags: ["--timezone", "UTC"], outcome: .exactRejecting(reason: "misaligned_timestamp")),
        // NSE `01-APR-2026`, `Shares Traded`; its special Sunday session (Budget day 2026-02-01)
        // is in no calendar here: rejected as a weekend daily bar, with its reason.
        Case(file: "nse-india/NIFTY 50-02-04-2025-to-02-04-2026.csv", flags: ["--symbol", "^NSEI"],
             outcome: .exactRejecting(reason: "weekend_daily_bar")),
        Case(file: "ninjatrader/nt-spy-minute-2011-03.csv", flags: ["--symbol", "SPY", "--timezone", "UTC", "--bar-time", "end"], outcome: .exact),
        // The name says the symbol (WIKI- and -2000- are not part of it) and the data says the rest.
        Case(file: "quandl-wiki/WIKI-ORCL-2000-quandl.csv", flags: [], outcome: .exact),
        Case(file: "yahoo-csv/orcl-2000-yahoofinance.csv", flags: [], outcome: .exact),
        Case(file: "yahoo-csv/yahoofinance-SPY-20200901-20210113.csv", flags: [], outcome: .exact),
        Case(file: "tradingview/extra_fields.csv", flags: ["--symbol", "BTCUSD"], outcome: .exact),
        // Float noise of pandas (1.0683799999999999) is the decimal it stands for.
        Case(file: "tradingview/correlation.csv", flags: ["--symbol", "EURUSD", "--timeframe", "1h"], outcome: .exact),
        // MetaTrader's broker opens the week at 22:05: off the hourly grid, rejected with its reason.
        Case(file: "pandas-output/eurusd60_dem.txt", flags: ["--symbol", "EURUSD", "--timeframe", "1h", "--timezone", "UTC"],
             outcome: .exactRejecting(reason: "misaligned_timestamp")),
        // Daily FX bars at 00:00 UTC keep their date; Sunday's short session is no 24x5 session.
        Case(file: "dukascopy-node/basic-csv.output.csv", flags: ["--symbol", "EURUSD", "--timeframe", "1d", "--max-reject-ratio", "0.5"],
             outcome: .exactRejecting(reason: "weekend_daily_bar")),
        Case(file: "fxcm/gbpusd-m1-bid-2012.csv", flags: ["--symbol", "GBPUSD"], outcome: .exactWithZeroVolume),
        // Barchart's `Last` is the close; its 9-decimal prices (0.009273999) do not fit six places.
        Case(file: "barchart/jpyusd_barchartdotcom.csv", flags: ["--symbol", "JPYUSD"], outcome: .failsRejecting(reason: "price_precision")),
        // Binance klines: headerless, 12 columns; prices of a pair quoted in BTC have 8 places.
        Case(file: "binance-klines/ADABTC-1m-2021-11-27.csv", flags: [], outcome: .failsRejecting(reason: "price_precision")),
        // CryptoDataDownload: banner line, name gives the pair and timeframe, base-asset volume,
        // weekend days of a 24x7 market; the hourly file's `2019-10-17 09-AM` is not read yet.
        Case(file: "cryptodatadownload/Coinbase_BTCUSD_1h.csv", flags: [], outcome: .refused("cannot recognise the dates")),
        Case(file: "cryptodatadownload/Coinbase_BTCUSD_d.csv", flags: [], outcome: .exact),
        // HistData's name says EURUSD and 1m; its fixed EST (no daylight saving) only its site says.
        Case(file: "histdata/DAT_ASCII_EURUSD_M1_201703.csv", flags: ["--timezone=-05:00"], outcome: .exact),
        // A zip archive: zipline's Quandl sample, a ticker column with AAPL, MSFT and BRK_A.
        Case(file: "quandl-wiki/QUANDL_ARCHIVE.zip", flags: [], outcome: .exact),
        // QuantConnect LEAN: minute files count milliseconds since midnight (not read: refused),
        // equity prices are deci-cents (refused unless the scale is given), crypto is plain and UTC.
        Case(file: "quantconnect-lean/20151224_trade.zip", flags: [], outcome: .refused("the file name says 1m")),
        Case(file: "quantconnect-lean/20151224_trade.zip", flags: ["--timeframe", "1m"], outcome: .refused("before 1980")),
        Case(file: "quantconnect-lean/btcusdt_trade.zip", flags: ["--timeframe", "1h"], outcome: .exact),
        Case(file: "quantconnect-lean/uw.zip", flags: [], outcome: .refused("QuantConnect LEAN equity data")),
        Case(file: "quantconnect-lean/uw.zip", flags: ["--price-scale", "0.0001"], outcome: .exact),
    ]

    struct Truth: Decodable {
        var bars: [TruthBar]
        struct TruthBar: Decodable {
            var ts: String
            var open: String
            var high: String
            var low: String
            var close: String
            var volume: Int64?
            /// Multi-symbol files: the symbol as the file writes it (`BRK_A`).
            var symbol: String?
        }
    }

    /// A decimal text rounded half-even to six places by Foundation's `Decimal` (not the
    /// importer's parser), without trailing zeros: `1.0683799999999999` -> `1.06838`.
    static func six(_ text: String) -> String {
        guard var d = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else { return "?\(text)" }
        var r = Decimal()
        NSDecimalRound(&r, &d, 6, .bankers)
        return NSDecimalNumber(decimal: r).stringValue
    }

    static func dataFile(_ relative: String) -> String {
        let base = CommandLineTool.fixture("real/vendors/\(relative)")
        return FileManager.default.fileExists(atPath: base) ? base : base + ".csv"
    }

    @Test(arguments: cases)
    func vendorFileLoadsExactlyOrIsRefused(_ c: Case) throws {
        let truthData = try Data(contentsOf: URL(fileURLWithPath: CommandLineTool.fixture("real/vendors/\(c.file).truth.json")))
        let truth = try JSONDecoder().decode(Truth.self, from: truthData)
        let db = try TestDatabase("corpus")
        let out = try CommandLineTool().run(["import", Self.dataFile(c.file), "--database-url", db.url, "--format", "json"] + c.flags)
        let stored = try db.scalar("SELECT count(*) FROM market_data")

        if case .refused(let message) = c.outcome {
            #expect(out.status == 2, "\(c.file): \(out.stdout) \(out.stderr)")
            #expect((out.stdout + out.stderr).contains(message), "\(out.stdout) \(out.stderr)")
            #expect(stored == 0)
            return
        }
        var zeroVolume = false
        var rejecting: String?
        var expectedStatus: Int32 = 0
        switch c.outcome {
        case .exactWithZeroVolume: zeroVolume = true
        case .exactRejecting(let reason): rejecting = reason
        case .failsRejecting(let reason): (rejecting, expectedStatus) = (reason, 1)
        default: break
        }
        #expect(out.status == expectedStatus, "\(c.file): \(out.stderr)")

        let conn = try db.connect()
        let r = try conn.execute("""
            SELECT symbol || '|' || to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), open::text, high::text, low::text,
                   close::text, volume
            FROM market_data ORDER BY ts
            """)
        // Keyed by symbol and time in a multi-symbol file, else by time (its symbol is checked
        // by no truth: files without one get it from a flag).
        let multi = truth.bars.contains { $0.symbol != nil }
        var got: [String: String] = [:]
        for i in 0..<r.rowCount {
            let prices = (1...4).map { Self.six(r.string(i, $0)!) }.joined(separator: ",")
            let key = r.string(i, 0)!
            got[multi ? key : String(key.split(separator: "|").last!)] = prices + "," + r.string(i, 5)!
        }
        var want: [String: String] = [:]
        for b in truth.bars {
            let volume = b.volume.map(String.init) ?? (zeroVolume ? "0" : "NULL")
            // By hand: upper case, a class separator `_` as `.` (BRK_A is BRK.A).
            let key = multi ? (b.symbol ?? "").uppercased().replacingOccurrences(of: "_", with: ".") + "|" + b.ts : b.ts
            want[key] = [b.open, b.high, b.low, b.close].map(Self.six).joined(separator: ",") + "," + volume
        }
        if let reason = rejecting {
            // The truth's bars that were not stored are exactly the rows rejected for `reason`.
            let missing = Set(want.keys).subtracting(got.keys)
            #expect(!missing.isEmpty || expectedStatus == 1)
            #expect(try db.scalar("SELECT count(*) FROM rejected_bars WHERE reason_code = '\(reason)'") == Int64(missing.count))
            #expect(try db.scalar("SELECT count(*) FROM rejected_bars") == Int64(missing.count))
            for key in missing { want[key] = nil }
        }
        #expect(got.count == want.count, "\(c.file): stored \(got.count), truth \(want.count)")
        let wrong = want.keys.filter { got[$0] != want[$0] }.sorted()
        #expect(wrong.isEmpty, "\(c.file): \(wrong.prefix(3).map { "\($0) stored \(got[$0] ?? "none") truth \(want[$0]!)" })")
        #expect(Set(got.keys).subtracting(want.keys).isEmpty)
    }
}
