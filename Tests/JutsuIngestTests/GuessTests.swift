import Foundation
import JutsuCSV
import JutsuCore
import JutsuTestSupport
import Testing
import Yams

@testable import JutsuIngest
import JutsuPipeline

/// `jutsu-ingest guess`: the snippet is a pipeline with the detected values, the preview the
/// bars as an import would store them. No database: the report only reads the file.
@Suite struct GuessTests {
    /// 2030-01-01T00:00:00Z: every fixture bar is in the past.
    static let now: Int64 = 1_893_456_000

    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var symbol: String
        var timeframe: String
        /// As the snippet spells it.
        var delimiter: String
        var dateFormat: String
        var compressed = false
        /// The first bar: line, then `Bar.recordText`.
        var firstLine: Int64 = 2
        var firstBar: String
        var testDescription: String { file }
    }

    static let aapl2014 = "AAPL,1d,2014-03-03T00:00:00Z,523.420044,530.649956,522.809990,527.760010,59695300"

    static let cases: [Case] = [
        Case(file: "variants/AAPL-1d.csv", symbol: "AAPL", timeframe: "1d", delimiter: ",", dateFormat: "iso-date",
             firstBar: aapl2014),
        Case(file: "variants/AAPL-1d-semicolon.csv", symbol: "AAPL", timeframe: "1d", delimiter: ";",
             dateFormat: "iso-date", firstBar: aapl2014),
        Case(file: "variants/AAPL-1d.tsv", symbol: "AAPL", timeframe: "1d", delimiter: "tab", dateFormat: "iso-date",
             firstBar: aapl2014),
        Case(file: "variants/AAPL-1d-usdate.csv", symbol: "AAPL", timeframe: "1d", delimiter: ",",
             dateFormat: "mm/dd/yyyy", firstBar: aapl2014),
        Case(file: "variants/AAPL-1d-epoch.csv", symbol: "AAPL", timeframe: "1d", delimiter: ",", dateFormat: "epoch-s",
             firstBar: aapl2014),
        Case(file: "variants/AAPL-1d-crlf-bom.csv", symbol: "AAPL", timeframe: "1d", delimiter: ",",
             dateFormat: "iso-date", firstBar: aapl2014),
        Case(file: "variants/AAPL-1d.csv.gz", symbol: "AAPL", timeframe: "1d", delimiter: ",", dateFormat: "iso-date",
             compressed: true, firstBar: aapl2014),
        Case(file: "real/yahoo-csv/EA-15m-no-bad-divs.csv", symbol: "EA", timeframe: "15m", delimiter: ",",
             dateFormat: "iso-datetime",
             firstBar: "EA,15m,2026-05-26T08:00:00Z,170.071200,200.811700,170.071200,199.850000,0"),
        Case(file: "real/yahoo-csv/4063-T-1d-bad-stock-split.csv", symbol: "4063.T", timeframe: "1d", delimiter: ",",
             dateFormat: "iso-datetime",
             firstBar: "4063.T,1d,2023-04-14T00:00:00Z,4126.000000,4130.000000,4055.000000,4129.000000,7459400"),
        Case(file: "real/csv-zipline/pipeline_inputs__BRK-A.csv", symbol: "BRK.A", timeframe: "1d", delimiter: ",",
             dateFormat: "iso-date",
             firstBar: "BRK.A,1d,2014-03-03T00:00:00Z,174100.000000,174997.000000,172759.000000,174500.000000,800"),
        Case(file: "real/csv-zipline/csvdir_samples__csvdir__daily__AAPL.csv.gz", symbol: "AAPL", timeframe: "1d",
             delimiter: ",", dateFormat: "iso-date", compressed: true,
             firstBar: "AAPL,1d,2012-01-03T00:00:00Z,58.485714,58.928570,58.428570,58.747143,75555200"),
    ]

    @Test(arguments: cases)
    func fixture(_ c: Case) throws {
        let path = CommandLineTool.fixture(c.file)
        let report = try GuessReport(path: path, previewRows: 3, now: Self.now)
        #expect(report.dialect.compressed == c.compressed)

        let spec = try Self.parse(report.snippet)
        let source = try #require(spec["source"] as? [String: Any])
        #expect(source["kind"] as? String == "csv")
        #expect(source["paths"] as? [String] == [URL(fileURLWithPath: path).standardizedFileURL.path])
        #expect(source["delimiter"] as? String == c.delimiter)
        #expect(source["date_format"] as? String == c.dateFormat)
        #expect(source["has_header"] as? Bool == true)
        #expect(spec["symbols"] as? [String] == [c.symbol])
        #expect(spec["timeframe"] as? String == c.timeframe)
        #expect(spec["name"] as? String == GuessReport.pipelineName(forFile: path))
        // The snippet is a pipeline the real loader accepts, reading the same file.
        let loaded = try PipelineLoader.load(yaml: report.snippet, file: "/tmp/guessed.yaml", environment: [:]).get()
        #expect(loaded.source.paths == [URL(fileURLWithPath: path).standardizedFileURL.path])
        #expect(loaded.timeframe.rawValue == c.timeframe)

        #expect(report.preview.count == 3)
        let first = try #require(report.preview.first)
        #expect(first.line == c.firstLine)
        #expect(first.bar.recordText == c.firstBar)
        #expect(report.rejects.isEmpty)
        #expect(report.rowsRead == 3)
        #expect(!report.readWholeFile)
    }

    /// The snippet has exactly the keys of the pipeline format that a guess can fill, with the
    /// defaults of a new pipeline.
    @Test func snippetKeys() throws {
        let report = try GuessReport(path: CommandLineTool.fixture("variants/AAPL-1d.csv"), now: Self.now)
        let spec = try Self.parse(report.snippet)
        #expect(Set(spec.keys) == ["name", "description", "source", "symbols", "timeframe", "normalize", "validate",
                                   "load", "lookback"])
        #expect(spec["name"] as? String == "aapl-1d")
        #expect(spec["description"] is String)
        let source = try #require(spec["source"] as? [String: Any])
        #expect(Set(source.keys) == ["kind", "paths", "delimiter", "date_format", "has_header"])
        #expect(spec["normalize"] as? [String: String] == ["timezone": "America/New_York"])
        #expect(spec["validate"] as? [String: Double] == ["max_reject_ratio": 0.1])
        #expect(spec["load"] as? [String: String] == ["mode": "upsert"])
        #expect(spec["lookback"] as? Int == 0)
        #expect(report.snippet.contains("symbols: [AAPL]"))
        #expect(report.snippet.contains("# symbol AAPL from the file name"))
        #expect(report.snippet.contains("# columns: Date, Open, High, Low, Close, Volume\n"))
    }

    /// Ignored and not-stored columns, and where the timeframe came from, are said in comments.
    @Test func snippetComments() throws {
        let report = try GuessReport(path: CommandLineTool.fixture("real/yahoo-csv/EA-15m-no-bad-divs.csv"),
                                     now: Self.now)
        let snippet = report.snippet
        #expect(snippet.contains(
            "# columns: Datetime (date), Open, High, Low, Close, Volume, Dividends (dividend), Stock Splits (split)\n"))
        #expect(snippet.contains("# not stored: Adj Close"))
        #expect(snippet.contains("# from the file name"))
        #expect(snippet.contains("# checked: the first 10 rows, no row rejected"))
    }

    /// The flags a user corrects a guess with show up in the snippet, said to come from the flag.
    @Test func overrides() throws {
        var options = CSVOptions()
        options.symbol = try Symbol(canonicalizing: "brk-b")
        options.timeframe = .d1
        options.delimiter = 0x2C
        options.dateFormat = .isoDate
        options.zone = "+09:00"
        let report = try GuessReport(path: CommandLineTool.fixture("real/csv-zipline/pipeline_inputs__BRK-A.csv"),
                                     options: options, previewRows: 1, now: Self.now)
        let spec = try Self.parse(report.snippet)
        #expect(spec["symbols"] as? [String] == ["BRK.B"])
        #expect(spec["normalize"] as? [String: String] == ["timezone": "+09:00"])
        for flag in ["--symbol", "--timeframe", "--delimiter", "--date-format", "--timezone"] {
            #expect(report.snippet.contains("from \(flag)"), "no comment names \(flag)")
        }
        #expect(report.preview.first?.bar.symbol.value == "BRK.B")
    }

    /// A row the parser rejects and a row the validator rejects are both listed, with their
    /// lines, and the preview holds only the rows that would be stored.
    @Test func rejects() throws {
        let ragged = try GuessReport(path: CommandLineTool.fixture("bad/ragged-rows__AAPL.csv"), now: Self.now)
        #expect(ragged.rejects.map(\.line) == [3, 4])
        #expect(ragged.rejects.map(\.reason) == [.raggedRow, .raggedRow])
        #expect(ragged.preview.map(\.line) == [2, 5])
        #expect(ragged.readWholeFile)
        #expect(ragged.snippet.contains("# checked: all 4 rows of the file, 2 rejected (ragged_row 2): see --preview"))

        let inverted = try GuessReport(path: CommandLineTool.fixture("bad/high-below-low__AAPL.csv"), now: Self.now)
        #expect(inverted.rejects.count == 1)
        let reject = try #require(inverted.rejects.first)
        #expect(reject.line == 2)
        #expect(reject.reason == .highBelowLow)
        #expect(reject.message == "field 'high' value '9.000000': below low 11.000000")
        #expect(inverted.preview.map(\.bar.recordText)
            == ["AAPL,1d,2024-03-04T00:00:00Z,10.000000,11.000000,9.000000,10.500000,1000"])

        let table = inverted.previewTable()
        #expect(table.contains("   2  high_below_low  field 'high' value '9.000000': below low 11.000000"))
        #expect(table.contains("2024-03-04T00:00:00Z  10.000000  11.000000  9.000000  10.500000    1000"))
    }

    /// A file whose rows carry their symbol gives `symbols: from_source`.
    @Test func symbolColumn() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("guess-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("Vendor Export (2024).csv")
        try """
            ticker|datetime|o|h|l|c|v
            AAPL|2024-03-01 09:30|10|11|9|10.5|100
            MSFT|2024-03-01 09:30|20|21|19|20.5|200
            AAPL|2024-03-01 09:31|10|11|9|10.5|100
            MSFT|2024-03-01 09:31|20|21|19|20.5|200

            """.write(to: file, atomically: true, encoding: .utf8)
        let report = try GuessReport(path: file.path, now: Self.now)
        let spec = try Self.parse(report.snippet)
        #expect(spec["symbols"] as? String == "from_source")
        #expect(spec["timeframe"] as? String == "1m")
        #expect(spec["name"] as? String == "vendor-export-2024")
        #expect((spec["source"] as? [String: Any])?["delimiter"] as? String == "|")
        #expect(report.snippet.contains("# one symbol per row, from the column ticker"))
        #expect(report.preview.map(\.bar.recordText) == [
            "AAPL,1m,2024-03-01T14:30:00Z,10.000000,11.000000,9.000000,10.500000,100",
            "MSFT,1m,2024-03-01T14:30:00Z,20.000000,21.000000,19.000000,20.500000,200",
            "AAPL,1m,2024-03-01T14:31:00Z,10.000000,11.000000,9.000000,10.500000,100",
            "MSFT,1m,2024-03-01T14:31:00Z,20.000000,21.000000,19.000000,20.500000,200",
        ])
    }

    @Test func garbageIsAFileError() {
        #expect(throws: CSVError.self) {
            try GuessReport(path: CommandLineTool.fixture("bad/binary-junk__AAPL.csv"), now: Self.now)
        }
        #expect(throws: CSVError.self) {
            try GuessReport(path: CommandLineTool.fixture("bad/no-such-file.csv"), now: Self.now)
        }
    }

    @Test func json() throws {
        let report = try GuessReport(path: CommandLineTool.fixture("variants/AAPL-1d-semicolon.csv"), previewRows: 2,
                                     now: Self.now)
        let object = try #require(JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        #expect(object["snippet"] as? String == report.snippet)
        let dialect = try #require(object["dialect"] as? [String: Any])
        #expect(dialect["delimiter"] as? String == ";")
        #expect(dialect["symbol"] as? String == "AAPL")
        #expect(dialect["symbol_source"] as? String == "file-name")
        #expect(dialect["timeframe"] as? String == "1d")
        #expect(dialect["date_format"] as? String == "iso-date")
        let preview = try #require(object["preview"] as? [[String: Any]])
        #expect(preview.count == 2)
        #expect(preview.first?["ts"] as? String == "2014-03-03T00:00:00Z")
        #expect(preview.first?["open"] as? String == "523.420044")
        #expect(preview.first?["volume"] as? Int == 59_695_300)
        #expect((object["rejects"] as? [Any])?.isEmpty == true)
    }

    @Test(arguments: [
        ("AAPL-1d.csv", "aapl-1d"), ("pipeline_inputs__BRK-A.csv", "pipeline_inputs__brk-a"),
        ("/x/y/csvdir__daily__KO.csv.gz", "csvdir__daily__ko"), ("__Odd name!.TXT", "odd-name"),
        ("###.csv", "guessed"), (String(repeating: "a", count: 80) + ".csv", String(repeating: "a", count: 63)),
    ])
    func pipelineName(_ file: String, _ expected: String) {
        #expect(GuessReport.pipelineName(forFile: file) == expected)
    }

    @Test func yamlScalars() throws {
        for text in ["AAPL", "BRK.B", "^SPX", "EURUSD=X", "4063.T", "7203", "ON", "no", "+09:00", "a b", "x: y",
                     "quote\"back\\slash", "tab\there"] {
            let yaml = "k: \(GuessReport.yamlScalar(text))\n"
            let loaded = try #require(try Yams.load(yaml: yaml) as? [String: Any])
            #expect(loaded["k"] as? String == text, "\(yaml)")
        }
    }

    /// The built tool, once end to end (skipped when it is not built where `CommandLineTool`
    /// looks: set JUTSU_TEST_BINARY).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: CommandLineTool().path)))
    func commandLine() throws {
        let cli = CommandLineTool()
        let path = CommandLineTool.fixture("bad/high-below-low__AAPL.csv")
        let text = try cli.run(["guess", path, "--preview", "5"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("# Guessed by `jutsu-ingest guess` from high-below-low__AAPL.csv"))
        #expect(text.stdout.contains("symbols: [AAPL]"))
        #expect(text.stdout.contains("high_below_low"))

        let snippetOnly = try cli.run(["guess", path, "--symbol", "MSFT"])
        #expect(snippetOnly.status == 0)
        #expect(try Self.parse(snippetOnly.stdout)["symbols"] as? [String] == ["MSFT"])

        let json = try cli.run(["guess", "--preview", "1", path, "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        #expect((try json.json()["preview"] as? [Any])?.count == 1)

        let junk = try cli.run(["guess", CommandLineTool.fixture("bad/binary-junk__AAPL.csv")])
        #expect(junk.status == 2)
        #expect(junk.stderr.contains("not a text CSV file"))
        let missing = try cli.run(["guess", CommandLineTool.fixture("bad/no-such-file.csv")])
        #expect(missing.status == 2)
        let badFlag = try cli.run(["guess", path, "--date-format", "sometimes"])
        #expect(badFlag.status == 2)
    }

    static func parse(_ snippet: String) throws -> [String: Any] {
        try #require(try Yams.load(yaml: snippet) as? [String: Any])
    }
}
