import Foundation
import JutsuCore
import JutsuPipeline
import Testing

/// The fixture pipelines: every bad one gives exactly its `.expected` diagnostics, every good
/// one loads into the spec written out here.
@Suite struct PipelineCorpusTests {
    static let badNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Repository.path("fixtures/bad-pipelines"))) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }()

    @Test func corpusIsThere() {
        #expect(Self.badNames.count >= 15)
    }

    @Test(arguments: badNames) func badPipeline(_ name: String) throws {
        let file = "fixtures/bad-pipelines/\(name).yaml"
        let expected = try Repository.read("fixtures/bad-pipelines/\(name).expected")
            .split(separator: "\n").map(String.init)
        let result = PipelineLoader.load(yaml: try Repository.read(file), file: file, environment: Repository.environment)
        guard case .failure(let diagnostics) = result else {
            Issue.record("\(name) loaded")
            return
        }
        #expect(diagnostics.diagnostics.map(\.description) == expected)
        // The secrets of the environment never show.
        for secret in Repository.environment.values {
            #expect(!diagnostics.description.contains(secret))
        }
    }

    @Test func loadByPathKeepsThePathAsGiven() {
        let path = Repository.path("fixtures/bad-pipelines/bad-timeframe.yaml")
        guard case .failure(let d) = PipelineLoader.load(path: path, environment: [:]) else {
            Issue.record("loaded")
            return
        }
        #expect(d.diagnostics.first?.file == path)
        #expect(d.diagnostics.first.map { "\($0)" } == "\(path):5:12: `timeframe` must be one of 1m 5m 15m 30m 1h 1d 1w 1mo, got `2d`")
    }

    @Test func missingFile() {
        guard case .failure(let d) = PipelineLoader.load(path: "no/such/pipeline.yaml", environment: [:]) else {
            Issue.record("loaded")
            return
        }
        #expect(d.description == "no/such/pipeline.yaml:1:1: no such file")
    }

    func load(_ name: String) throws -> PipelineSpec {
        let file = "fixtures/good-pipelines/\(name).yaml"
        switch PipelineLoader.load(yaml: try Repository.read(file), file: file, environment: Repository.environment) {
        case .success(let spec): return spec
        case .failure(let d): throw d
        }
    }

    @Test func csvPipeline() throws {
        let expected = PipelineSpec(
            name: "csv-daily", description: "Vendor X end-of-day files",
            source: SourceSpec(
                kind: .csv, name: "vendor_x", paths: ["data/vendor-x/*.csv.gz", "data/vendor-x/extra/**/*.csv"],
                csv: CSVSourceOptions(delimiter: 0x3B, dateFormat: "iso-date", hasHeader: true)),
            symbols: .fromSource, timeframe: .d1, start: CivilDate(year: 2015, month: 1, day: 2), lookback: .bars(5),
            validate: ValidateSpec(rules: [.weekendDailyBar: .warn, .futureTimestamp: .off], maxRejectRatio: 0.05),
            normalize: NormalizeSpec(
                timezone: "America/New_York", priceScale: "0.01",
                symbolMap: [try Symbol(canonicalizing: "BRK.B"): try Symbol(canonicalizing: "BRK.B")]),
            load: LoadSpec(mode: .append, sourcePriority: ["schwab", "polygon", "vendor_x"], batchSize: 20000),
            freshness: FreshnessSpec(tier: .standard, rpoSeconds: 86_400),
            schedule: ScheduleSpec(cron: try CronExpression(parsing: "30 18 * * MON-FRI"), timezone: "America/New_York"),
            concurrency: 2, file: "fixtures/good-pipelines/csv-daily.yaml")
        #expect(try load("csv-daily") == expected)
    }

    @Test func yahooPipeline() throws {
        let symbols = try ["AAPL", "MSFT", "BRK.B", "^GSPC", "EURUSD=X"].map { try Symbol(canonicalizing: $0) }
        let expected = PipelineSpec(
            name: "yahoo-15m",
            source: SourceSpec(
                kind: .yahoo, name: "yahoo",
                options: [
                    "base_url": ConfigValue(value: "https://query1.finance.yahoo.com"),
                    "rate_limit": ConfigValue(value: "30"),
                ]),
            symbols: .list(symbols), timeframe: .m15, lookback: .seconds(6 * 3600),
            freshness: FreshnessSpec(tier: .critical, rpoSeconds: 1800, rtoSeconds: 7200),
            schedule: ScheduleSpec(
                cron: try CronExpression(parsing: "*/15 9-16 * * 1-5"), timezone: "America/New_York", catchUp: false,
                jitterSeconds: 90),
            fallback: SourceSpec(
                kind: .polygon, name: "polygon",
                options: [
                    "api_key": ConfigValue(value: "test-polygon-key", interpolated: true, written: "${POLYGON_API_KEY}"),
                    "base_url": ConfigValue(value: "https://api.polygon.io"),
                    "rate_limit": ConfigValue(value: "5"),
                    "adjusted": ConfigValue(value: "true"),
                ]),
            file: "fixtures/good-pipelines/yahoo-intraday.yaml")
        #expect(try load("yahoo-intraday") == expected)
    }

    @Test func schwabPipeline() throws {
        let expected = PipelineSpec(
            name: "schwab-daily",
            source: SourceSpec(
                kind: .schwab, name: "schwab",
                options: [
                    "app_key": ConfigValue(value: "test-app-key", interpolated: true, written: "${SCHWAB_APP_KEY}"),
                    "app_secret": ConfigValue(value: "test-app-secret", interpolated: true, written: "${SCHWAB_APP_SECRET}"),
                    "token_file": ConfigValue(
                        value: "secrets/schwab-token.json", interpolated: true,
                        written: "${SCHWAB_TOKEN_FILE:-secrets/schwab-token.json}"),
                    "base_url": ConfigValue(value: "https://api.schwabapi.com/marketdata/v1"),
                    "rate_limit": ConfigValue(value: "120"),
                    "token_url": ConfigValue(value: "https://api.schwabapi.com/v1/oauth/token"),
                    "authorize_url": ConfigValue(value: "https://api.schwabapi.com/v1/oauth/authorize"),
                    "redirect_uri": ConfigValue(value: "https://127.0.0.1"),
                ]),
            symbols: .file("symbols/sp500.txt"), timeframe: .d1, start: CivilDate(year: 2020, month: 1, day: 1),
            lookback: .seconds(3 * 86_400), load: LoadSpec(mode: .upsert),
            schedule: ScheduleSpec(cron: try CronExpression(parsing: "@daily")),
            file: "fixtures/good-pipelines/schwab-daily.yaml")
        let spec = try load("schwab-daily")
        #expect(spec == expected)
        #expect(spec.concurrency == 4)
        #expect(spec.source.options["app_key"]?.description == "${SCHWAB_APP_KEY}")
    }

    @Test func goodDirectoryLintsClean() {
        let report = PipelineLoader.lint(paths: [Repository.path("fixtures/good-pipelines")], environment: Repository.environment)
        #expect(report.results.count == 3)
        #expect(report.isClean)
        #expect(report.specs.map(\.name) == ["csv-daily", "schwab-daily", "yahoo-15m"])
    }
}
