import JutsuCore
import Testing

@testable import JutsuCSV

@Suite struct FileNameInferenceTests {
    func infer(_ path: String) -> (String?, Timeframe?, Dialect.TimeframeSource?) {
        let f = FileNameInference(path: path)
        return (f.symbolText, f.timeframe, f.timeframeSource)
    }

    @Test func examplesFromTheFixtures() {
        #expect(infer("x/pipeline_inputs__AAPL.csv") == ("AAPL", nil, nil))
        #expect(infer("csvdir_samples__csvdir__daily__AAPL.csv.gz") == ("AAPL", .d1, .fileName))
        #expect(infer("4063-T-1d-bad-stock-split.csv") == ("4063-T", .d1, .fileName))
        #expect(infer("EA-15m-no-bad-divs.csv") == ("EA", .m15, .fileName))
        #expect(infer("pipeline_inputs__BRK-A.csv") == ("BRK-A", nil, nil))
        #expect(infer("ASAI-L-1h-bad-unit.csv") == ("ASAI-L", .h1, .fileName))
    }

    @Test func extensionsAndDirectories() {
        #expect(infer("/data/daily/MSFT.csv") == ("MSFT", .d1, .directoryName))
        #expect(infer("/data/minute/MSFT.txt.gz") == ("MSFT", .m1, .directoryName))
        #expect(infer("/data/yahoo-1h/MSFT.TSV") == ("MSFT", .h1, .directoryName))
        #expect(infer("AAPL_5min.csv") == ("AAPL", .m5, .fileName))
        #expect(infer("BRK-D.csv") == ("BRK-D", nil, nil))  // a one-letter share class is not a day
        #expect(infer("AAPL.csv") == ("AAPL", nil, nil))
    }

    @Test func readerUsesThemAndSaysWhereFrom() throws {
        let text = "Date,Open,High,Low,Close,Volume\n2024-03-01,1,2,0.5,1.5,10\n"
        let c = try Fixtures.read(text: text, name: "/tmp/weekly/brk-b.csv")
        #expect(c.dialect.symbol == symbol("BRK.B") && c.dialect.symbolSource == .fileName)
        #expect(c.dialect.timeframe == .w1 && c.dialect.timeframeSource == .directoryName)
        #expect(c.bars.first.map { iso($0.bar.ts) } == "2024-02-26T00:00:00Z")  // week of Monday 02-26
    }

    @Test func uninferableSymbolAsksForTheOption() throws {
        let text = "Date,Open,High,Low,Close,Volume\n2024-03-01,1,2,0.5,1.5,10\n"
        #expect {
            _ = try Fixtures.read(text: text, name: "my prices (2024).csv")
        } throws: { ($0 as? CSVError)?.message.contains("--symbol") == true }
        let withOption = try Fixtures.read(text: text, name: "my prices (2024).csv", options: CSVOptions(symbol: symbol("IBM")))
        #expect(withOption.dialect.symbolSource == .option && withOption.bars.first?.bar.symbol == symbol("IBM"))
    }
}
