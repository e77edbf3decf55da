import JutsuCore
import Testing

@testable import JutsuCSV

/// Each file of fixtures/bad gives what fixtures/bad/README.md says, and nothing crashes.
@Suite struct BadFixtureTests {
    func read(_ name: String, options: CSVOptions = .init()) throws -> Fixtures.Contents {
        try Fixtures.read(Fixtures.path("bad/" + name), options: options)
    }

    func error(_ name: String, options: CSVOptions = .init()) -> CSVError? {
        do {
            _ = try read(name, options: options)
            return nil
        } catch let error as CSVError {
            return error
        } catch {
            Issue.record("unexpected error type \(error)")
            return nil
        }
    }

    func reasons(_ c: Fixtures.Contents) -> [Int64: RejectReason] {
        Dictionary(uniqueKeysWithValues: c.rejects.map { ($0.line, $0.reason) })
    }

    @Test func raggedRows() throws {
        let c = try read("ragged-rows__AAPL.csv")
        #expect(c.bars.map(\.line) == [2, 5])
        #expect(reasons(c) == [3: .raggedRow, 4: .raggedRow])
        #expect(c.reject(line: 3)?.message == "expected 6 fields, found 5")
        #expect(c.reject(line: 4)?.rawText == "2024-03-05,10,11,9,10.5,1000,extra")
        #expect(c.dialect.timeframe == .d1)
    }

    @Test func unterminatedQuote() throws {
        let c = try read("unterminated-quote__AAPL.csv")
        #expect(c.bars.map(\.line) == [2, 4])
        #expect(reasons(c) == [3: .unterminatedQuote])
        #expect(c.reject(line: 3)?.rawText == "2024-03-04,\"10,11,9,10.5,1000")
    }

    @Test func invalidUTF8() throws {
        let c = try read("invalid-utf8.csv")
        #expect(c.dialect.symbolSource == .column)
        #expect(c.bars.map(\.line) == [2, 5])
        #expect(c.bars.map(\.bar.symbol) == [symbol("AAPL"), symbol("MSFT")])
        #expect(reasons(c) == [3: .invalidEncoding, 4: .badNumber])
        #expect(c.reject(line: 3)?.rawText == "2024-03-01,AA\u{FFFD}PL,10,11,9,10.5,1000")  // shown lossily
    }

    @Test func domainProblemsAreNotParseProblems() throws {
        let highLow = try read("high-below-low__AAPL.csv")
        #expect(highLow.rejects == [] && highLow.bars.count == 2)
        #expect(highLow.bars[0].bar.high == price("9") && highLow.bars[0].bar.low == price("11"))
        let nonPositive = try read("nonpositive-prices__AAPL.csv")
        #expect(nonPositive.rejects == [] && nonPositive.bars.count == 3)
        #expect(nonPositive.bars[0].bar.open == price("-1"))
        #expect(nonPositive.bars[1].bar.close == price("0"))
    }

    @Test func hugeNumbers() throws {
        let c = try read("huge-numbers__AAPL.csv")
        #expect(reasons(c) == [2: .numberOutOfRange, 3: .numberOutOfRange])
        #expect(c.bars.map(\.bar.volume) == [1500, 1000])
        #expect(c.roundedVolumes == 1)
    }

    @Test func exponent1e400() throws {
        let c = try read("exponent-1e400__AAPL.csv")
        #expect(c.rejects.map(\.message) == ["field 'Open' value '1e400': number out of range"])
        #expect(c.rejects.map(\.reason) == [.numberOutOfRange])
        #expect(c.bars.count == 1)
    }

    @Test func badNumbersAndTimestamps() throws {
        let numbers = try read("bad-numbers__AAPL.csv")
        #expect(reasons(numbers) == [2: .missingField, 3: .missingField, 4: .badNumber])
        #expect(numbers.reject(line: 4)?.message == "field 'Close' value 'abc': not a number")
        let timestamps = try read("bad-timestamps__AAPL.csv")
        #expect(reasons(timestamps) == [3: .badTimestamp, 4: .badTimestamp, 5: .missingField])
        #expect(timestamps.reject(line: 3)?.message.contains("'2024-02-30'") == true)
        #expect(timestamps.bars.map(\.line) == [2, 6])
    }

    @Test func fileLevelErrors() throws {
        #expect(error("empty.csv")?.message == "empty file")
        #expect(error("binary-junk__AAPL.csv")?.message.hasPrefix("not a text CSV file") == true)
        let wrong = error("wrong-delimiter__AAPL.csv", options: CSVOptions(delimiter: 0x3B))
        #expect(wrong?.message.contains("single column") == true)
        #expect(wrong?.message.contains("wrong delimiter?") == true)
        #expect(wrong?.message.contains("','") == true)
        #expect(wrong?.line == 1)
        #expect(error("one-column__AAPL.csv")?.message.contains("is the delimiter right?") == true)
        #expect(error("truncated__AAPL.csv.gz")?.message == "truncated gzip: the file ends at byte 1500 inside a compressed member")
        let corrupt = error("corrupt__AAPL.csv.gz")
        #expect(corrupt?.message.hasPrefix("corrupt gzip data at byte ") == true)
        #expect(corrupt?.file.hasSuffix("corrupt__AAPL.csv.gz") == true)
    }

    @Test func headerOnlyIsZeroRowsNotAnError() throws {
        let c = try read("header-only__AAPL.csv")
        #expect(c.bars.isEmpty && c.rejects.isEmpty && c.rowsRead == 0 && c.batches.isEmpty)
        #expect(c.dialect.timeframeSource == .assumedForEmptyFile)
    }

    @Test func wrongDelimiterFileIsFineByDefault() throws {
        let c = try read("wrong-delimiter__AAPL.csv")
        #expect(c.bars.count == 1 && c.dialect.delimiter == 0x2C)
    }

    @Test func missingFileAndDirectory() {
        #expect(throws: CSVError.self) { try BarFileReader(path: Fixtures.path("bad/no-such-file.csv")) }
        #expect(throws: CSVError.self) { try BarFileReader(path: Fixtures.path("bad")) }
    }
}
