import ArgumentParser
import Dispatch
import Foundation
import JutsuCore
import JutsuIngest
import JutsuPipeline

/// `jutsu-ingest dashboard`: the page `serve` shows at `/` (or with --metrics its `/metrics`
/// text), rendered once to stdout or a file: a static report for cron or mail, and the
/// benchmark's entry point (scripts/bench-dashboard).
struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Render the service dashboard (HTML) or, with --metrics, the Prometheus metrics text, from the database.",
        discussion: """
            The same renderers as `serve`'s `GET /` and `GET /metrics` (docs/operations.md): a \
            self-contained HTML page (freshness heatmap of series x recent sessions, run timeline, \
            pipeline status) or the text exposition format. --timing prints the render time and size \
            to stderr (median of --repeat renders).
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Directory of pipeline files (tiers, schedules) and freshness.yaml.")
    var pipelines: String = "pipelines"

    @Option(help: "Render as of this instant (ISO 8601 or a date); default now.")
    var at: String?

    @Option(help: "Only series of this tier: critical, standard or low.")
    var tier: String?

    @Option(help: "Only this timeframe.")
    var timeframe: String?

    @Option(help: "Only series of this class: fresh, aging, stale or missing.")
    var status: String?

    @Option(help: "Sessions (heatmap columns), 1-120.")
    var sessions: Int = 30

    @Option(help: "At most this many series rows, worst first (default: all).")
    var limit: Int?

    @Option(help: "Days of the run timeline, 1-31.")
    var days: Int = 3

    @Flag(help: "Render the Prometheus metrics text instead of the page.")
    var metrics = false

    @Option(name: .shortAndLong, help: "Write to this file instead of stdout.")
    var output: String?

    @Flag(help: "Print the render time and size to stderr.")
    var timing = false

    @Option(help: "Render this many times (with --timing: the median).")
    var `repeat`: Int = 1

    func validate() throws {
        if let at, InstantText.parse(at) == nil { throw ValidationError("--at '\(at)': expected ISO 8601 or a date") }
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
        let query = self.query
        if !query.ignored.isEmpty { throw ValidationError("invalid: \(query.ignored.joined(separator: ", "))") }
    }

    var query: DashboardQuery {
        var q: [String: String] = ["sessions": String(sessions), "days": String(days)]
        q["tier"] = tier
        q["timeframe"] = timeframe
        q["status"] = status
        q["limit"] = limit.map(String.init)
        return DashboardQuery(query: q)
    }

    func run() throws {
        let logger = global.makeLogger()
        let now = at.flatMap(InstantText.parse) ?? Int64(Date().timeIntervalSince1970)
        let settings: ServiceFreshnessSettings
        do {
            settings = try ServiceFreshnessSettings.load(directory: pipelines)
        } catch {
            throw CLIError(message: "invalid freshness.yaml:\n\(error)", exitCode: ExitCode(ExitCodes.usage))
        }
        var specs: [PipelineSpec] = []
        if FileManager.default.fileExists(atPath: pipelines) {
            for file in PipelineLoader.pipelineFiles(in: [pipelines]) {
                if case .success(let spec) = PipelineLoader.load(path: file) { specs.append(spec) }
            }
        }
        let (connection, target) = try global.connect(logger: logger, migrate: false)
        var text = ""
        var times: [Double] = []
        for _ in 0..<`repeat` {
            let start = DispatchTime.now().uptimeNanoseconds
            do {
                text = metrics ? try ServiceMetrics.render(connection: connection, settings: settings, now: now)
                    : try DashboardPage.render(connection: connection, settings: settings, pipelines: specs, query: query, now: now)
            } catch {
                throw CLIError(message: "\(error)\n(database: \(target.redactedDescription))", exitCode: ExitCode(ExitCodes.failure))
            }
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        if let output {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output))
            } catch {
                throw CLIError(message: "cannot write \(output): \(error.localizedDescription)", exitCode: ExitCode(ExitCodes.failure))
            }
        } else {
            Terminal.standardOutput.write(text)
        }
        if timing {
            let sorted = times.sorted()
            let median = sorted[sorted.count / 2]
            Terminal.standardError.write("rendered \(text.utf8.count) bytes in \(String(format: "%.1f", median)) ms "
                                         + "(median of \(times.count); min \(String(format: "%.1f", sorted[0])) ms)\n")
        }
    }
}
