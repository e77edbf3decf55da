import JutsuCore
import Testing

@testable import JutsuCSV

/// The vendors' date forms: MetaTrader `2019.02.15`, Google Finance `31-Dec-10`, NSE
/// `01-APR-2026`, Investing.com `Aug 02, 2020`, Dukascopy `14.03.2019 00:00:00.000`, and
/// day-first against month-first slashes. Every expected date is written by hand.
@Suite struct VendorDateParserTests {
    @Test func metaTraderYearFirstDots() {
        #expect(written("2019.02.15", .dottedYearFirst) == .date(days: days(2019, 2, 15)))
        #expect(written("2019.2.5", .dottedYearFirst) == .date(days: days(2019, 2, 5)))
        #expect(written("2019.02.15 14:00", .dottedYearFirst) == .local(days: days(2019, 2, 15), second: 14 * 3600))
        #expect(written("2019.02.17 22:05:30", .dottedYearFirst) == .local(days: days(2019, 2, 17), second: 22 * 3600 + 330))
        for bad in ["2019.13.01", "2019.02.29", "2019.02.30", "2019-02-15", "2019.02.15 24:00", "2019.02.15T14:00",
                    "2019.02.15 14:00 PM", "19.02.15", "2019.02"] {
            #expect(written(bad, .dottedYearFirst) == nil, "\(bad)")
        }
        #expect(written("2020.02.29", .dottedYearFirst) == .date(days: days(2020, 2, 29)))  // leap year
    }

    @Test func dukascopyDayFirstDots() {
        #expect(written("14.03.2019 00:00:00.000", .dottedDayFirst) == .local(days: days(2019, 3, 14), second: 0))
        #expect(written("14.03.2019 04:59:00.000", .dottedDayFirst) == .local(days: days(2019, 3, 14), second: 4 * 3600 + 59 * 60))
        #expect(written("01.02.2019", .dottedDayFirst) == .date(days: days(2019, 2, 1)))  // 1 February, never 2 January
        #expect(written("1.2.2019 9:30", .dottedDayFirst) == .local(days: days(2019, 2, 1), second: 34200))
        for bad in ["31.04.2019", "29.02.2019", "14.13.2019", "03.14.2019", "14.03.19", "2019.03.14", "14.03.2019 25:00"] {
            #expect(written(bad, .dottedDayFirst) == nil, "\(bad)")
        }
    }

    @Test func googleFinanceDayMonthNameTwoDigitYear() {
        #expect(written("31-Dec-10", .dayMonthNameShortYear) == .date(days: days(2010, 12, 31)))
        #expect(written("3-Dec-10", .dayMonthNameShortYear) == .date(days: days(2010, 12, 3)))
        #expect(written("4-Jan-10", .dayMonthNameShortYear) == .date(days: days(2010, 1, 4)))
        #expect(written("04-jan-10", .dayMonthNameShortYear) == .date(days: days(2010, 1, 4)))
        #expect(written("15-September-08", .dayMonthNameShortYear) == .date(days: days(2008, 9, 15)))
        // The POSIX %y pivot: 00-68 are 20xx, 69-99 are 19xx.
        #expect(written("1-Jan-00", .dayMonthNameShortYear) == .date(days: days(2000, 1, 1)))
        #expect(written("31-Dec-68", .dayMonthNameShortYear) == .date(days: days(2068, 12, 31)))
        #expect(written("1-Jan-69", .dayMonthNameShortYear) == .date(days: days(1969, 1, 1)))
        #expect(written("19-Oct-87", .dayMonthNameShortYear) == .date(days: days(1987, 10, 19)))
        #expect(written("31-Dec-99", .dayMonthNameShortYear) == .date(days: days(1999, 12, 31)))
        for bad in ["31-Feb-10", "29-Feb-10", "31-Apr-10", "0-Jan-10", "32-Jan-10", "31-Dez-10", "31-Sept-10", "31-De-10",
                    "31-Dec-2010", "31-Dec-1", "31 Dec 10", "Dec-31-10", "31-12-10"] {
            #expect(written(bad, .dayMonthNameShortYear) == nil, "\(bad)")
        }
        #expect(written("29-Feb-08", .dayMonthNameShortYear) == .date(days: days(2008, 2, 29)))
    }

    @Test func nseDayMonthNameFourDigitYear() {
        #expect(written("01-APR-2026", .dayMonthNameYear) == .date(days: days(2026, 4, 1)))
        #expect(written("30-MAR-2026", .dayMonthNameYear) == .date(days: days(2026, 3, 30)))
        #expect(written("2-Apr-2025", .dayMonthNameYear) == .date(days: days(2025, 4, 2)))
        #expect(written("27-feb-2026", .dayMonthNameYear) == .date(days: days(2026, 2, 27)))
        #expect(written("09-MaY-2025", .dayMonthNameYear) == .date(days: days(2025, 5, 9)))
        #expect(written("01-JUNE-2025", .dayMonthNameYear) == .date(days: days(2025, 6, 1)))
        #expect(written("11-November-2025 15:30", .dayMonthNameYear) == .local(days: days(2025, 11, 11), second: 55800))
        for bad in ["31-FEB-2026", "31-JUN-2025", "01-APR-26", "01-APRIL2026", "01-APRI-2026", "01-XYZ-2026", "01-APR-20260"] {
            #expect(written(bad, .dayMonthNameYear) == nil, "\(bad)")
        }
    }

    @Test func monthNamesAreEnglishAbbreviationsOrFullNamesInAnyCase() {
        let short = ["jan", "FEB", "Mar", "apr", "MAY", "jun", "Jul", "aug", "SEP", "oct", "Nov", "dec"]
        let full = ["January", "FEBRUARY", "march", "April", "may", "June", "JULY", "august", "September", "october",
                    "NOVEMBER", "December"]
        for (index, names) in zip(short, full).enumerated() {
            for name in [names.0, names.1] {
                #expect(written("1-\(name)-2024", .dayMonthNameYear) == .date(days: days(2024, index + 1, 1)), "\(name)")
            }
        }
    }

    @Test func investingMonthNameDayCommaYear() {
        #expect(written("Aug 02, 2020", .monthNameDayYear) == .date(days: days(2020, 8, 2)))
        #expect(written("Dec 31, 2019", .monthNameDayYear) == .date(days: days(2019, 12, 31)))
        #expect(written("jan 3, 2021", .monthNameDayYear) == .date(days: days(2021, 1, 3)))
        #expect(written("March 9 2021", .monthNameDayYear) == .date(days: days(2021, 3, 9)))
        #expect(written("Feb 29,2020", .monthNameDayYear) == .date(days: days(2020, 2, 29)))
        for bad in ["Feb 29, 2021", "Aug 32, 2020", "Aug 02, 20", "Aug, 02 2020", "02 Aug, 2020", "Aug 022020", "Agu 02, 2020"] {
            #expect(written(bad, .monthNameDayYear) == nil, "\(bad)")
        }
    }

    @Test func dayFirstSlashes() {
        #expect(written("09/01/2020", .dayFirstDate) == .date(days: days(2020, 1, 9)))  // 9 January
        #expect(written("09/01/2020", .usDate) == .date(days: days(2020, 9, 1)))  // 1 September
        #expect(written("31/12/2020", .dayFirstDate) == .date(days: days(2020, 12, 31)))
        #expect(written("1/2/2020 9:30", .dayFirstDate) == .local(days: days(2020, 2, 1), second: 34200))
        #expect(written("13/01/2020 1:05 PM", .dayFirstDate) == .local(days: days(2020, 1, 13), second: 13 * 3600 + 300))
        for bad in ["01/13/2020", "31/04/2020", "29/02/2021", "00/01/2020", "13/13/2020"] {
            #expect(written(bad, .dayFirstDate) == nil, "\(bad)")
        }
    }
}

@Suite struct VendorDateDetectionTests {
    func detect(_ values: [String]) -> DateFormat? { DateFormatDetector.detect(values.map { Array($0.utf8) }) }
    func detection(_ values: [String]) -> DateFormatDetector.Detection? {
        DateFormatDetector.detection(values.map { Array($0.utf8) })
    }

    @Test func eachVendorFormIsDetected() {
        #expect(detect(["2019.02.15", "2019.02.18"]) == .dottedYearFirst)
        #expect(detect(["2019.02.15 14:00", "2019.02.15 15:00"]) == .dottedYearFirst)
        #expect(detect(["14.03.2019 00:00:00.000", "14.03.2019 00:01:00.000"]) == .dottedDayFirst)
        #expect(detect(["01.03.2019", "02.03.2019"]) == .dottedDayFirst)  // dots are day first, always
        #expect(detect(["31-Dec-10", "3-Dec-10"]) == .dayMonthNameShortYear)
        #expect(detect(["01-APR-2026", "30-MAR-2026"]) == .dayMonthNameYear)
        #expect(detect(["Aug 02, 2020", "Jul 31, 2020"]) == .monthNameDayYear)
        // The old forms are still what they were.
        #expect(detect(["2024-03-01", "2024-03-04"]) == .isoDate)
        #expect(detect(["20240301", "20240304"]) == .compact)
        #expect(detect(["1709251200", "1709337600"]) == .epochSeconds)
    }

    @Test func slashOrderIsProvedByTheValues() {
        // A first field over 12 proves day first, even if it comes late.
        #expect(detect(["09/01/2020", "10/01/2020", "13/01/2020"]) == .dayFirstDate)
        // A second field over 12 proves month first.
        #expect(detect(["01/09/2020", "01/10/2020", "01/13/2020"]) == .usDate)
        #expect(detect(["3/1/2024 9:30", "3/15/2024 9:30"]) == .usDate)
        #expect(detect(["1/3/2024 9:30 AM", "15/3/2024 9:30 AM"]) == .dayFirstDate)
    }

    @Test func slashDatesThatNeverDecideAreAmbiguousNotGuessed() {
        #expect(detect(["09/01/2020", "10/01/2020", "12/12/2020"]) == nil)
        #expect(detection(["09/01/2020", "10/01/2020", "12/12/2020"]) == .ambiguousDayMonth(example: 0))
        // An impossible date proves nothing (31 April in either order).
        #expect(detection(["31/04/2020", "05/06/2020"]) == .ambiguousDayMonth(example: 1))
        #expect(detection(["11/5/2019 9:30"]) == .ambiguousDayMonth(example: 0))
    }

    @Test func slashDatesThatProveBothOrdersContradict() {
        let values = ["05/06/2020", "13/06/2020", "06/14/2020", "07/06/2020"]
        #expect(detect(values) == nil)
        #expect(detection(values) == .contradictoryDayMonth(dayFirst: 1, monthFirst: 2))
    }

    @Test func aFewBadValuesDoNotHideAVendorForm() {
        #expect(detect(["31-Dec-10", "garbage", "30-Dec-10", ""]) == .dayMonthNameShortYear)
        #expect(detect(["31-Feb-10", "30-Dec-10", "29-Dec-10"]) == .dayMonthNameShortYear)
    }
}

/// The same decisions through the reader: the sniffer's sample, its errors, and rows after it.
@Suite struct VendorDateReaderTests {
    static let header = "Date,Open,High,Low,Close,Volume\n"
    func rows(_ dates: [String]) -> String { Self.header + dates.map { "\($0),1,2,0.5,1.5,10\n" }.joined() }

    @Test func ambiguousSlashDatesFailNamingBothFlags() throws {
        let text = rows(["09/01/2020", "10/01/2020", "11/01/2020"])
        let error = try #require(throws: CSVError.self) { try Fixtures.read(text: text, name: "SPY.csv") }
        #expect(error.message.contains("day first and month first"))
        #expect(error.message.contains("'09/01/2020' (line 2)"))
        #expect(error.message.contains("--date-format dd/mm/yyyy"))
        #expect(error.message.contains("--date-format mm/dd/yyyy"))
        // Either flag settles it.
        let dayFirst = try Fixtures.read(text: text, name: "SPY.csv", options: CSVOptions(dateFormat: .dayFirstDate))
        #expect(dayFirst.bars.map { iso($0.bar.ts) } == ["2020-01-09T00:00:00Z", "2020-01-10T00:00:00Z", "2020-01-11T00:00:00Z"])
        let monthFirst = try Fixtures.read(text: text, name: "SPY.csv", options: CSVOptions(dateFormat: .usDate))
        #expect(monthFirst.bars.map { iso($0.bar.ts) } == ["2020-09-01T00:00:00Z", "2020-10-01T00:00:00Z", "2020-11-01T00:00:00Z"])
    }

    @Test func contradictingSlashDatesFailNamingBothLines() throws {
        let text = rows(["05/06/2020", "13/06/2020", "06/14/2020"])
        let error = try #require(throws: CSVError.self) { try Fixtures.read(text: text, name: "SPY.csv") }
        #expect(error.message.contains("contradict"))
        #expect(error.message.contains("'13/06/2020' (line 3)"))
        #expect(error.message.contains("'06/14/2020' (line 4)"))
        #expect(error.message.contains("--date-format dd/mm/yyyy") && error.message.contains("--date-format mm/dd/yyyy"))
    }

    @Test func dayFirstIsDecidedByAValueAndKeysFollowIt() throws {
        let c = try Fixtures.read(text: rows(["09/01/2020", "10/01/2020", "13/01/2020"]), name: "SPY.csv")
        #expect(c.dialect.dateFormat == .dayFirstDate)
        #expect(c.bars.map { iso($0.bar.ts) } == ["2020-01-09T00:00:00Z", "2020-01-10T00:00:00Z", "2020-01-13T00:00:00Z"])
    }

    /// Daily rows from 2001-01-01 on (weekdays and weekends alike), written `dd/mm/yyyy`.
    static func dayFirstDates(count: Int) -> [String] {
        (0..<count).map { i in
            let d = CivilDate(daysSinceEpoch: days(2001, 1, 1) + Int64(i))
            func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
            return "\(two(Int(d.day)))/\(two(Int(d.month)))/\(d.year)"
        }
    }

    @Test func theOrderIsDecidedFromTheWholeSampleNotOnlyTheFirstRecords() throws {
        // 250 ambiguous rows first: the day-first proof lies past the 200 records the format is
        // chosen from, yet inside the 64 KiB sample, and the order comes from all of those.
        let ambiguous = Array(repeating: "01/01/2001", count: 250)
        let text = rows(ambiguous + ["13/01/2001"])
        let c = try Fixtures.read(text: text, name: "SPY.csv", options: CSVOptions(timeframe: .d1))
        #expect(c.dialect.dateFormat == .dayFirstDate)
        #expect(c.bars.last.map { iso($0.bar.ts) } == "2001-01-13T00:00:00Z")
        #expect(DialectSniffer.sampleRecords < 250)
    }

    @Test func aLaterRowInTheOtherOrderIsARejectWithItsLine() throws {
        // The sample (64 KiB) proves day first; a row far after it is valid only month first:
        // it is rejected on its line, never read again the other way.
        var dates = Self.dayFirstDates(count: 6000)
        let lateLine = dates.count + 2  // header is line 1
        dates.append("01/13/2009")
        let text = rows(dates)
        #expect(text.utf8.count > DialectSniffer.sampleBytes * 2)
        let c = try Fixtures.read(text: text, name: "SPY.csv", options: CSVOptions(timeframe: .d1))
        #expect(c.dialect.dateFormat == .dayFirstDate)
        #expect(c.bars.count == 6000)
        #expect(c.bars.first.map { iso($0.bar.ts) } == "2001-01-01T00:00:00Z")
        #expect(c.rejects.count == 1)
        let reject = try #require(c.reject(line: Int64(lateLine)))
        #expect(reject.reason == .badTimestamp)
        #expect(reject.rawText.hasPrefix("01/13/2009,"))
        #expect(reject.message.contains("not a valid dd/mm/yyyy timestamp"))
        #expect(reject.message.contains("mm/dd/yyyy"))
    }

    @Test func aForcedOrderRejectsRowsThatOnlyReadTheOtherWay() throws {
        let c = try Fixtures.read(
            text: rows(["01/02/2020", "13/02/2020"]), name: "SPY.csv", options: CSVOptions(dateFormat: .usDate))
        #expect(c.bars.map { iso($0.bar.ts) } == ["2020-01-02T00:00:00Z"])
        #expect(c.reject(line: 3)?.reason == .badTimestamp)
    }

    @Test func impossibleDatesAreRejectsWithTheirLines() throws {
        let google = try Fixtures.read(text: rows(["4-Mar-10", "31-Feb-10", "2-Mar-10", "1-Mar-10"]), name: "ORCL.csv")
        #expect(google.dialect.dateFormat == .dayMonthNameShortYear)
        #expect(google.bars.map { iso($0.bar.ts) } == ["2010-03-04T00:00:00Z", "2010-03-02T00:00:00Z", "2010-03-01T00:00:00Z"])
        #expect(google.rejects.map(\.line) == [3])
        #expect(google.reject(line: 3)?.message.contains("'31-Feb-10': not a valid dd-mon-yy timestamp") == true)
        let mt = try Fixtures.read(text: rows(["2019.02.15", "2019.13.01", "2019.02.18"]), name: "EURUSD.csv")
        #expect(mt.dialect.dateFormat == .dottedYearFirst)
        #expect(mt.rejects.map(\.line) == [3] && mt.rejects.first?.reason == .badTimestamp)
    }

    @Test func investingDatesAreQuotedBecauseOfTheComma() throws {
        let text = "\"Date\",\"Price\",\"Open\",\"High\",\"Low\",\"Vol.\",\"Change %\"\n"
            + "\"Aug 04, 2020\",\"11.2\",\"11.0\",\"11.5\",\"10.9\",\"1.2M\",\"1.5%\"\n"
            + "\"Aug 03, 2020\",\"11.0\",\"10.8\",\"11.1\",\"10.7\",\"1.1M\",\"-0.2%\"\n"
        let c = try Fixtures.read(text: text, name: "NKE.csv")
        #expect(c.dialect.delimiter == 0x2C)
        #expect(c.dialect.dateFormat == .monthNameDayYear)
        #expect(c.bars.map { iso($0.bar.ts) } == ["2020-08-04T00:00:00Z", "2020-08-03T00:00:00Z"])
        #expect(c.bars.first?.bar.close == price("11.2"))
    }

    @Test func metaTraderDateAndTimeInOneField() throws {
        let text = "Date,Open,High,Low,Close,Volume\n2019.02.15 14:00,1,2,0.5,1.5,10\n2019.02.15 15:00,1,2,0.5,1.5,10\n"
        let c = try Fixtures.read(text: text, name: "EURUSD.csv", options: CSVOptions(zone: "UTC"))
        #expect(c.dialect.dateFormat == .dottedYearFirst && c.dialect.timeframe == .h1)
        #expect(c.bars.map { iso($0.bar.ts) } == ["2019-02-15T14:00:00Z", "2019-02-15T15:00:00Z"])
    }

    @Test func headerlessMetaTraderIsPositionalDateAndTime() throws {
        let text = "2019.02.15,14:00,1.12525,1.12851,1.12514,1.12686,9915\n2019.02.15,15:00,1.1269,1.1276,1.12574,1.12628,7985\n"
        let c = try Fixtures.read(text: text, name: "EURUSD.csv", options: CSVOptions(zone: "UTC"))
        #expect(!c.dialect.hasHeader && c.dialect.columns.time == 1 && c.dialect.dateFormat == .dottedYearFirst)
        #expect(c.bars.map { iso($0.bar.ts) } == ["2019-02-15T14:00:00Z", "2019-02-15T15:00:00Z"])
    }

    @Test func gmtTimeAndTimestampUTCColumnsAreUTC() throws {
        for name in ["Gmt time", "timestamp_utc", "GMT_TIME"] {
            let text = "\(name),Open,High,Low,Close,Volume\n14.03.2019 00:00:00.000,1,2,0.5,1.5,10\n14.03.2019 00:01:00.000,1,2,0.5,1.5,10\n"
            let c = try Fixtures.read(text: text, name: "AUDUSD.csv")
            #expect(c.dialect.columns.date == 0, "\(name)")
            #expect(c.dialect.zone == "UTC" && c.dialect.zoneFromColumnName, "\(name)")
            #expect(c.bars.map { iso($0.bar.ts) } == ["2019-03-14T00:00:00Z", "2019-03-14T00:01:00Z"], "\(name)")
        }
        // --timezone wins over the name.
        let text = "Gmt time,Open,High,Low,Close\n14.03.2019 00:00:00.000,1,2,0.5,1.5\n14.03.2019 00:01:00.000,1,2,0.5,1.5\n"
        let zurich = try Fixtures.read(text: text, name: "AUDUSD.csv", options: CSVOptions(zone: "Europe/Zurich"))
        #expect(!zurich.dialect.zoneFromColumnName)
        #expect(zurich.bars.first.map { iso($0.bar.ts) } == "2019-03-13T23:00:00Z")
    }

    @Test func localTimeColumnsNeedATimezoneForIntradayBars() throws {
        let text = "Local time,Open,High,Low,Close\n14.03.2019 00:00:00.000,1,2,0.5,1.5\n14.03.2019 00:01:00.000,1,2,0.5,1.5\n"
        let error = try #require(throws: CSVError.self) { try Fixtures.read(text: text, name: "AUDUSD.csv") }
        #expect(error.message.contains("'Local time'") && error.message.contains("--timezone"))
        let c = try Fixtures.read(text: text, name: "AUDUSD.csv", options: CSVOptions(zone: "Europe/Zurich"))
        #expect(c.bars.first.map { iso($0.bar.ts) } == "2019-03-13T23:00:00Z")  // CET, UTC+1 in March
        // Daily bars are keyed by the date as written: no zone needed.
        let daily = try Fixtures.read(text: "Local time,Open,High,Low,Close\n14.03.2019,1,2,0.5,1.5\n15.03.2019,1,2,0.5,1.5\n",
                                      name: "AUDUSD.csv")
        #expect(daily.dialect.timeframe == .d1 && daily.bars.count == 2)
    }
}
