import JutsuCore
import Testing

@testable import JutsuCSV

@Suite struct DialectSnifferTests {
    @Test(arguments: [(",", UInt8(0x2C)), (";", 0x3B), ("\t", 0x09), ("|", 0x7C)])
    func detectsTheDelimiter(separator: String, byte: UInt8) throws {
        let rows = ["Date,Open,High,Low,Close,Volume", "2024-03-01,1,2,0.5,1.5,10", "2024-03-04,1,2,0.5,1.5,20"]
        let text = rows.map { $0.replacingOccurrences(of: ",", with: separator) }.joined(separator: "\n")
        let c = try Fixtures.read(text: text)
        #expect(c.dialect.delimiter == byte)
        #expect(c.bars.count == 2)
    }

    @Test func commasInsideFieldsDoNotFoolTheDelimiterChoice() throws {
        let text = "Date;Open;High;Low;Close;Volume;Note\n2024-03-01;1;2;0.5;1.5;10;a,b,c\n2024-03-04;1;2;0.5;1.5;20;d,e\n"
        let c = try Fixtures.read(text: text)
        #expect(c.dialect.delimiter == 0x3B)
        #expect(c.dialect.ignoredColumns == ["Note"])
    }

    @Test func headerNamesAreMatchedLooselyAndUnknownOnesListed() throws {
        let text = " DATE , o,h ,L,c,Adj_Close,vol,Ticker,Dividends,Stock Splits,Exchange\n"
            + "2024-03-01,1,2,0.5,1.5,1.4,10,aapl,0,0,XNAS\n"
        let c = try Fixtures.read(text: text)
        let m = c.dialect.columns
        #expect((m.date, m.open, m.high, m.low, m.close) == (0, 1, 2, 3, 4))
        #expect(m.adjustedClose == 5 && m.volume == 6 && m.symbol == 7 && m.dividend == 8 && m.split == 9)
        #expect(c.dialect.ignoredColumns == ["Exchange"])
        #expect(c.dialect.ignoredByDesignColumns == ["Adj_Close"])
        #expect(c.dialect.symbolSource == .column && c.dialect.symbol == nil)
        #expect(c.bars.first?.bar.symbol == symbol("AAPL"))
    }

    @Test func closeBeatsPriceAndDuplicatesAreIgnored() throws {
        let text = "date,price,open,high,low,close,close\n2024-03-01,9,1,2,0.5,1.5,7\n"
        let c = try Fixtures.read(text: text)
        #expect(c.dialect.columns.close == 5)
        #expect(c.dialect.ignoredColumns == ["price", "close"])
    }

    @Test func separateDateAndTimeColumns() throws {
        let text = "Date,Time,Open,High,Low,Close,Volume\n2024-03-01,09:30,1,2,0.5,1.5,10\n2024-03-01,09:35,1,2,0.5,1.5,10\n"
        let c = try Fixtures.read(text: text, name: "SPY.csv")
        #expect(c.dialect.columns.time == 1)
        #expect(c.dialect.timeframe == .m5 && c.dialect.timeframeSource == .data)
        #expect(c.bars.map { iso($0.bar.ts) } == ["2024-03-01T14:30:00Z", "2024-03-01T14:35:00Z"])
    }

    @Test func timeAloneIsTheDateColumn() throws {
        let text = "time,open,high,low,close\n2024-03-01T09:30:00Z,1,2,0.5,1.5\n2024-03-01T09:31:00Z,1,2,0.5,1.5\n"
        let c = try Fixtures.read(text: text, name: "SPY.csv")
        #expect(c.dialect.columns.date == 0 && c.dialect.columns.time == nil && c.dialect.columns.volume == nil)
        #expect(c.dialect.timeframe == .m1)
        #expect(c.bars.map(\.bar.volume) == [0, 0])  // no volume column: 0
    }

    @Test func polygonFlatFileWithNanosecondWindowStart() throws {
        let text = "ticker,volume,open,close,high,low,window_start,transactions\n"
            + "AAPL,4930,200.29,200.5,200.63,200.29,1744792500000000000,129\n"
            + "AAPL,1815,200.39,200.34,200.61,200.33,1744792560000000000,57\n"
            + "MSFT,500,380.1,380.2,380.3,380.0,1744792500000000000,12\n"
        let c = try Fixtures.read(text: text, name: "2025-04-16.csv.gz")
        #expect(c.dialect.dateFormat == .epochNanos)
        #expect(c.dialect.ignoredColumns == ["transactions"])
        #expect(c.bars.map(\.bar.symbol) == [symbol("AAPL"), symbol("AAPL"), symbol("MSFT")])
        #expect(c.bars.first.map { iso($0.bar.ts) } == "2025-04-16T08:35:00Z")
    }

    @Test func headerlessFilesArePositional() throws {
        let five = try Fixtures.read(text: "2024-03-01,1,2,0.5,1.5\n2024-03-04,1,2,0.5,1.5\n", name: "IBM.csv")
        #expect(!five.dialect.hasHeader && five.bars.count == 2 && five.bars.first?.line == 1)
        let seven = try Fixtures.read(text: "2024-03-01,1,2,0.5,1.5,100,msft\n", name: "x.csv")
        #expect(seven.dialect.columns.symbol == 6 && seven.bars.first?.bar.symbol == symbol("MSFT"))
        let symbolFirst = try Fixtures.read(text: "MSFT,2024-03-01,1,2,0.5,1.5,100\n", name: "x.csv")
        #expect(symbolFirst.dialect.columns.symbol == 0 && symbolFirst.bars.count == 1)
        let withTime = try Fixtures.read(
            text: "20240301,0930,1,2,0.5,1.5,100\n20240301,0931,1,2,0.5,1.5,100\n", name: "ES.csv",
            options: CSVOptions(zone: "America/Chicago"))
        #expect(withTime.dialect.columns.time == 1 && withTime.dialect.timeframe == .m1)
        #expect(withTime.bars.first.map { iso($0.bar.ts) } == "2024-03-01T15:30:00Z")
    }

    @Test func optionsOverrideDetection() throws {
        // A header-like first row read as data because the option says so: it is rejected, not skipped.
        let text = "20240301,1,2,0.5,1.5,100\n20240304,1,2,0.5,1.5,100\n"
        let c = try Fixtures.read(
            text: text, name: "whatever.csv",
            options: CSVOptions(symbol: symbol("ZZ"), timeframe: .w1, delimiter: 0x2C, dateFormat: .compact, zone: "UTC", hasHeader: false))
        #expect(c.dialect.symbolSource == .option && c.dialect.timeframeSource == .option)
        #expect(c.dialect.zone == "UTC" && c.dialect.dateFormat == .compact)
        #expect(c.bars.map { iso($0.bar.ts) } == ["2024-02-26T00:00:00Z", "2024-03-04T00:00:00Z"])
        // Forcing a header onto a row of unknown names is a clear error, not a guess.
        #expect { _ = try Fixtures.read(text: "a,b,c,d,e,f\n" + text, name: "X.csv", options: CSVOptions(hasHeader: true)) } throws: {
            ($0 as? CSVError)?.message.hasPrefix("no date column") == true
        }
    }

    @Test func namingAZoneForNaiveTimes() throws {
        let text = "Datetime,Open,High,Low,Close,Volume\n2024-03-01 09:00,1,2,0.5,1.5,1\n2024-03-01 10:00,1,2,0.5,1.5,1\n"
        let tokyo = try Fixtures.read(text: text, name: "7203-T.csv", options: CSVOptions(zone: "Asia/Tokyo"))
        #expect(tokyo.dialect.timeframe == .h1 && tokyo.dialect.zone == "Asia/Tokyo")
        #expect(tokyo.bars.first.map { iso($0.bar.ts) } == "2024-03-01T00:00:00Z")
        #expect { _ = try Fixtures.read(text: text, name: "X.csv", options: CSVOptions(zone: "Mars/Base")) } throws: {
            ($0 as? CSVError)?.message.contains("unknown time zone 'Mars/Base'") == true
        }
    }

    @Test func fileLevelProblemsAreClearErrors() {
        func message(_ text: String, name: String = "X.csv", options: CSVOptions = .init()) -> String? {
            do {
                _ = try Fixtures.read(text: text, name: name, options: options)
                return nil
            } catch { return (error as? CSVError)?.message }
        }
        #expect(message("Symbol,Open,High,Low,Close\nA,1,2,3,4\n")?.contains("no date column") == true)
        #expect(message("Date,Open,High,Close\n2024-03-01,1,2,3\n")?.contains("no 'low' column") == true)
        #expect(message("Date,Open,High,Low,Close\nsoon,1,2,0.5,1\n")?.contains("--date-format") == true)
        #expect(message("Datetime,Open,High,Low,Close\n2024-03-01 09:30,1,2,0.5,1\n")?.contains("--timeframe") == true)
        #expect(message("\n\n  \n") == "empty file (only blank lines)")
        #expect(message("\u{FEFF}") == "empty file (only blank lines)" || message("\u{FEFF}") == "empty file")
        #expect(message("\"Date,Open\n")?.contains("never closed") == true)
        #expect(message("hello world\n")?.contains("neither a header") == true)
    }

    @Test func utf16IsRefused() throws {
        let bytes: [UInt8] = [0xFF, 0xFE] + Array("D\0a\0t\0e\0".utf8)
        #expect { _ = try Fixtures.read(bytes: bytes) } throws: {
            ($0 as? CSVError)?.message.contains("UTF-16") == true
        }
    }
}
