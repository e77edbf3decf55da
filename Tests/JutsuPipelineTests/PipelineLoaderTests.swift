import Foundation
import JutsuCore
import Testing

@testable import JutsuPipeline

@Suite struct InterpolationTests {
    let env = ["KEY": "s3cr3t", "EMPTY": "", "HOST": "example.com"]

    @Test func replacesReferences() {
        #expect(Interpolation("plain", environment: env) == Interpolation.make("plain", false, []))
        #expect(Interpolation("${KEY}", environment: env) == Interpolation.make("s3cr3t", true, []))
        #expect(Interpolation("https://${HOST}/v1", environment: env) == Interpolation.make("https://example.com/v1", true, []))
        #expect(Interpolation("${NOPE:-fallback}", environment: env) == Interpolation.make("fallback", true, []))
        #expect(Interpolation("${EMPTY:-fallback}", environment: env) == Interpolation.make("fallback", true, []))
        #expect(Interpolation("${EMPTY}", environment: env) == Interpolation.make("", true, []))
        #expect(Interpolation("${KEY:-x}", environment: env) == Interpolation.make("s3cr3t", true, []))
        #expect(Interpolation("$${KEY} costs $5", environment: env) == Interpolation.make("${KEY} costs $5", false, []))
    }

    @Test func problemsNameTheVariableOnly() {
        #expect(Interpolation("${A}-${B}", environment: env).problems == [
            "environment variable A is not set", "environment variable B is not set",
        ])
        #expect(Interpolation("${KEY", environment: env).problems == ["unterminated `${` (write `$${` for a literal `${`)"])
        #expect(Interpolation("${1X}", environment: env).problems == [
            "`${1X}` is not a valid reference; use ${NAME} or ${NAME:-default}",
        ])
        #expect(Interpolation("${}", environment: env).problems.count == 1)
    }
}

extension Interpolation {
    static func make(_ value: String, _ interpolated: Bool, _ problems: [String]) -> Interpolation {
        var i = Interpolation("", environment: [:])
        i.value = value
        i.interpolated = interpolated
        i.problems = problems
        return i
    }
}

@Suite struct RedactionTests {
    /// Every field fed a bad value from the environment: no diagnostic may show a value.
    @Test func interpolatedValuesNeverAppearInDiagnostics() {
        let secret = "Zq9-SECRET-value"
        let env = [
            "V_NAME": "Bad Name \(secret)", "V_KIND": "polygn\(secret)", "V_TF": "2d\(secret)", "V_START": "\(secret)",
            "V_LOOKBACK": "\(secret)", "V_CONC": "\(secret)", "V_SYM": "BAD SYM \(secret)", "V_TZ": "America/New_Yrok",
            "V_CRON": "0 0 32 * * \(secret)", "V_MODE": "upsrt", "V_RULE": "warning\(secret)", "V_RATIO": "2\(secret)",
            "V_RATE": "many\(secret)", "V_URL": "ftp://\(secret)", "V_BOOL": "maybe\(secret)", "V_SRC": "Bad \(secret)",
            "V_TIER": "urgent", "V_DUR": "5 min \(secret)", "V_SCALE": "-\(secret)", "V_NAME2": "Vendor \(secret)",
            "V_DELIM": ":\(secret)", "V_DATE": "dd.mm\(secret)",
        ]
        let yaml = """
            name: ${V_NAME}
            source:
              kind: ${V_KIND}
            symbols: [AAPL, "${V_SYM}", "${V_SYM}"]
            timeframe: ${V_TF}
            start: ${V_START}
            lookback: ${V_LOOKBACK}
            concurrency: ${V_CONC}
            validate:
              rules: {weekend_daily_bar: "${V_RULE}"}
              max_reject_ratio: ${V_RATIO}
            normalize:
              timezone: ${V_TZ}
              price_scale: ${V_SCALE}
              symbol_map: {"AAPL": "${V_SYM}"}
            load:
              mode: ${V_MODE}
              source_priority: ["${V_SRC}"]
            freshness:
              tier: ${V_TIER}
              rpo: ${V_DUR}
            schedule:
              cron: ${V_CRON}
              timezone: ${V_TZ}
              catch_up: ${V_BOOL}
              jitter: ${V_DUR}
            fallback:
              kind: polygon
              name: ${V_NAME2}
              api_key: ${V_SRC}
              base_url: ${V_URL}
              rate_limit: ${V_RATE}
              adjusted: ${V_BOOL}
            """
        let csv = """
            name: csv-redaction
            source:
              kind: csv
              paths: data.csv
              delimiter: ${V_DELIM}
              date_format: ${V_DATE}
              has_header: ${V_BOOL}
            timeframe: 1d
            """
        for text in [yaml, csv] {
            guard case .failure(let d) = PipelineLoader.load(yaml: text, file: "p.yaml", environment: env) else {
                Issue.record("loaded")
                continue
            }
            #expect(d.diagnostics.count >= 3)
            for diagnostic in d.diagnostics {
                for value in env.values {
                    #expect(!diagnostic.description.contains(value), "\(diagnostic)")
                    #expect(!diagnostic.json.contains(value), "\(diagnostic)")
                }
                #expect(!diagnostic.description.contains(secret), "\(diagnostic)")
            }
        }
    }

    @Test func interpolatedErrorsShowTheWrittenText() {
        let yaml = "name: x\nsource: {kind: csv, paths: a.csv}\ntimeframe: ${TF}\nschedule: {cron: \"${CRON}\"}\n"
        let d = PipelineLoader.load(yaml: yaml, file: "p.yaml", environment: ["TF": "2d", "CRON": "61 * * * *"])
        #expect(d.failureLines == [
            "p.yaml:3:12: `timeframe` must be one of 1m 5m 15m 30m 1h 1d 1w 1mo, got `${TF}`",
            "p.yaml:4:18: `schedule.cron`: `${CRON}` is not a valid cron expression",
        ])
    }
}

@Suite struct PipelineLoaderTests {
    func lines(_ yaml: String, env: [String: String] = [:]) -> [String] {
        PipelineLoader.load(yaml: yaml, file: "p.yaml", environment: env).failureLines
    }

    func spec(_ yaml: String, env: [String: String] = [:]) throws -> PipelineSpec {
        try PipelineLoader.load(yaml: yaml, file: "p.yaml", environment: env).get()
    }

    let base = "name: p\nsource: {kind: csv, paths: a.csv}\ntimeframe: 1d\n"

    @Test func minimalCsvPipelineGetsDefaults() throws {
        let spec = try spec(base)
        #expect(spec == PipelineSpec(
            name: "p", source: SourceSpec(kind: .csv, name: "csv", paths: ["a.csv"]), symbols: .fromSource,
            timeframe: .d1, file: "p.yaml"))
        #expect(spec.concurrency == 4)
        #expect(spec.validate.maxRejectRatio == 0.10)
        #expect(spec.load.mode == .upsert)
    }

    @Test func defaultSourceNames() throws {
        #expect(try spec("name: p\nsource: {kind: polygon_flatfiles, paths: [a.csv.gz]}\ntimeframe: 1d\n").source.name == "polygon")
        #expect(try spec("name: p\nsource: {kind: legacy_sqlite, file: old.db}\ntimeframe: 1d\n").source.name == "legacy")
        let legacy = try spec("name: p\nsource: {kind: legacy_sqlite, file: ../old.db}\ntimeframe: 1d\n")
        #expect(legacy.source.options["file"] == ConfigValue(value: "../old.db"))
        #expect(legacy.symbols == .fromSource)
    }

    @Test func lookbackAndDurations() throws {
        #expect(try spec(base + "lookback: 0").lookback == .bars(0))
        #expect(try spec(base + "lookback: 12").lookback == .bars(12))
        #expect(try spec(base + "lookback: 90m").lookback == .seconds(5400))
        #expect(try spec(base + "lookback: 2w").lookback == .seconds(1_209_600))
        #expect(try spec(base + "schedule: {cron: '@hourly', jitter: 30}").schedule?.jitterSeconds == 30)
        // Six fields: seconds first.
        let everyFive = try spec(base + "schedule: {cron: '*/5 * * * * *', jitter: 2}").schedule
        #expect(everyFive?.cron.hasSeconds == true)
        #expect(everyFive?.cron.seconds.values == [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55])
        #expect(lines(base + "schedule: {cron: '61 * * * * *'}") == ["p.yaml:4:18: `schedule.cron`: second 61 is out of range 0-59"])
        #expect(try spec(base + "freshness: {rto: 45s}").freshness?.rtoSeconds == 45)
        #expect(lines(base + "lookback: -1") == ["p.yaml:4:11: `lookback` must be a number of bars or a duration like 3d, got `-1`"])
        #expect(lines(base + "lookback: 3mo").count == 1)
    }

    @Test func timezones() throws {
        for zone in ["UTC", "+09:00", "-0400", "Asia/Tokyo", "America/New_York", "Europe/London"] {
            #expect(try spec(base + "normalize: {timezone: '\(zone)'}").normalize.timezone == zone)
        }
        #expect(lines(base + "normalize: {timezone: '+25:00'}").count == 1)
        #expect(lines(base + "normalize: {timezone: Asia/Tokio}") == [
            "p.yaml:4:23: `normalize.timezone` must be an IANA time zone, UTC or an offset like +09:00, got `Asia/Tokio`; did you mean `Asia/Tokyo`?",
        ])
    }

    @Test func symbolsForms() throws {
        #expect(try spec(base + "symbols: {file: syms.txt}").symbols == .file("syms.txt"))
        #expect(try spec(base + "symbols: from_source").symbols == .fromSource)
        #expect(try spec(base + "symbols: [brk/b]").symbols == .list([try Symbol(canonicalizing: "BRK.B")]))
        #expect(lines(base + "symbols: AAPL") == [
            "p.yaml:4:10: `symbols` must be a list, `{file: path}` or `from_source`, got `AAPL`",
        ])
        #expect(lines(base + "symbols: []") == ["p.yaml:4:10: `symbols` is an empty list"])
        #expect(lines(base + "symbols: {fil: a.txt}") == [
            "p.yaml:4:10: missing required key `file` in `symbols`",
            "p.yaml:4:11: unknown key `fil` in `symbols`; did you mean `file`?",
        ])
        let yahoo = "name: p\nsource: {kind: yahoo}\ntimeframe: 1d\n"
        #expect(lines(yahoo) == ["p.yaml:1:1: missing required key `symbols` (source kind `yahoo` cannot list its symbols)"])
        #expect(lines(yahoo + "symbols: from_source") == [
            "p.yaml:4:10: `symbols: from_source` needs a file source; source kind `yahoo` cannot list its symbols",
        ])
    }

    @Test func sourceOptions() throws {
        let polygon = try spec("name: p\nsource: {kind: polygon, api_key: '${K}', adjusted: no, rate_limit: 0100}\nsymbols: [A]\ntimeframe: 1d\n",
                               env: ["K": "k"])
        #expect(polygon.source.options["adjusted"]?.value == "false")
        #expect(polygon.source.options["rate_limit"]?.value == "100")
        let csv = try spec("name: p\nsource: {kind: csv, paths: a.csv, delimiter: tab, date_format: EPOCH-MS, has_header: false}\ntimeframe: 1d\n")
        #expect(csv.source.csv == CSVSourceOptions(delimiter: 0x09, dateFormat: "epoch-ms", hasHeader: false))
        #expect(csv.source.options.isEmpty)
        #expect(lines("name: p\nsource: {kind: csv, paths: a.csv, api_key: x}\ntimeframe: 1d\n") == [
            "p.yaml:2:35: `api_key` is not an option of source kind `csv`",
        ])
        #expect(lines("name: p\nsource: {kind: polygon, api_key: ''}\nsymbols: [A]\ntimeframe: 1d\n") == [
            "p.yaml:2:34: `source.api_key` must be non-empty",
        ])
        #expect(lines("name: p\nsource: {kind: csv, paths: []}\ntimeframe: 1d\n") == ["p.yaml:2:28: `source.paths` is an empty list"])
    }

    @Test func nullValues() {
        #expect(lines("name:\nsource: {kind: csv, paths: a.csv}\ntimeframe: 1d\n") == ["p.yaml:1:1: `name` has no value"])
        #expect((try? spec(base + "validate:\ndescription: ~\n")) != nil)
    }

    @Test func nameRules() throws {
        #expect(try spec(base.replacingOccurrences(of: "name: p", with: "name: 0abc_def-9")).name == "0abc_def-9")
        let long = String(repeating: "a", count: 64)
        #expect(lines(base.replacingOccurrences(of: "name: p", with: "name: \(long)")).count == 1)
        #expect(lines(base.replacingOccurrences(of: "name: p", with: "name: _p")).count == 1)
        #expect(lines(base.replacingOccurrences(of: "name: p", with: "name: \(String(long.dropLast()))")).isEmpty)
    }

    @Test func collectsEveryErrorInFileOrder() {
        let yaml = """
            name: BAD
            source: {kind: csv}
            timeframe: 7m
            concurrency: 65
            schedule: {cron: '* * * *'}
            """
        #expect(lines(yaml) == [
            "p.yaml:1:7: `name` must be a name matching [a-z0-9][a-z0-9_-]* (at most 63 characters), got `BAD`",
            "p.yaml:2:9: missing required key `paths` in `source`",
            "p.yaml:3:12: `timeframe` must be one of 1m 5m 15m 30m 1h 1d 1w 1mo, got `7m`",
            "p.yaml:4:14: `concurrency` must be an integer 1-64, got `65`",
            "p.yaml:5:18: `schedule.cron`: expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got 4",
        ])
    }

    @Test func jsonRendering() {
        let d = PipelineDiagnostic(file: "a \"b\".yaml", line: 3, column: 7, message: "tab\there\nnew")
        #expect(d.json == #"{"file":"a \"b\".yaml","line":3,"column":7,"message":"tab\there\nnew"}"#)
        #expect(d.description == "a \"b\".yaml:3:7: tab\there\nnew")
    }

    @Test func suggestions() {
        #expect(Suggestion.closest(to: "nmae", in: ["name", "source"]) == "name")
        #expect(Suggestion.closest(to: "Timeframe", in: ["timeframe"]) == "timeframe")
        #expect(Suggestion.closest(to: "xyz", in: ["name", "source"]) == nil)
        #expect(Suggestion.closest(to: "polygon_flatfile", in: SourceKind.allCases.map(\.rawValue)) == "polygon_flatfiles")
    }

    @Test func duplicateNamesAcrossFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jutsu-lint-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for file in ["a.yaml", "b.yml", "freshness.yaml", "notes.txt"] {
            try base.write(to: dir.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        let report = PipelineLoader.lint(paths: [dir.path], environment: [:])
        #expect(report.results.map(\.file) == [dir.path + "/a.yaml", dir.path + "/b.yml"])
        #expect(report.diagnostics.map(\.description) == ["\(dir.path)/b.yml:1:1: pipeline name `p` is already used by \(dir.path)/a.yaml"])
    }
}

extension Result where Success == PipelineSpec, Failure == PipelineDiagnostics {
    var failureLines: [String] {
        if case .failure(let d) = self { return d.diagnostics.map(\.description) }
        return []
    }
}
