import ArgumentParser
import Foundation
import JutsuIngest
import JutsuPipeline

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check pipeline definitions without running them.",
        discussion: """
            Reads each pipeline file (directories: their *.yaml and *.yml files, except \
            freshness.yaml) and prints every problem as file:line:col: message, then a count. \
            ${ENV_VAR} references are resolved from the environment; their values are never \
            printed. Exit 0 when every pipeline is valid, 1 when any has an error, 2 for usage \
            errors. The format is described in docs/pipelines.md.
            """)

    @Argument(help: "Pipeline files or directories (default: pipelines/).")
    var paths: [String] = []

    @Option(help: "Output format: text or json (an array of {file, line, column, message}).")
    var format: OutputFormat = .text

    @Flag(help: "Print the field reference (Markdown) that docs/pipelines.md embeds, and exit.")
    var reference = false

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func run() throws {
        if reference {
            Terminal.standardOutput.write(PipelineSchema.referenceMarkdown())
            return
        }
        let paths = paths.isEmpty ? ["pipelines/"] : paths
        for path in paths where !FileManager.default.fileExists(atPath: path) {
            throw CLIError(message: "\(path): no such file or directory", exitCode: ExitCode(ExitCodes.usage))
        }
        let report = PipelineLoader.lint(paths: paths)
        var diagnostics = report.diagnostics
        // freshness.yaml (tiers, delays, per-series calendars) is checked with the pipelines.
        for path in paths {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let file = isDirectory.boolValue ? (path as NSString).appendingPathComponent("freshness.yaml")
                : ((path as NSString).lastPathComponent == "freshness.yaml" ? path : nil)
            guard let file, FileManager.default.fileExists(atPath: file) else { continue }
            if case .failure(let d) = FreshnessConfig.load(path: file, knownCalendars: FreshnessReporter.calendarNames) {
                diagnostics.append(contentsOf: d.diagnostics)
            }
        }
        switch format {
        case .json:
            Terminal.standardOutput.write("[" + diagnostics.map(\.json).joined(separator: ",") + "]\n")
        case .text:
            var out = diagnostics.map { "\($0)\n" }.joined()
            let pipelines = report.results.count
            let errors = diagnostics.count
            out += "\(pipelines) pipeline\(pipelines == 1 ? "" : "s"), \(errors) error\(errors == 1 ? "" : "s")\n"
            Terminal.standardOutput.write(out)
        }
        if !diagnostics.isEmpty { throw ExitCode(ExitCodes.failure) }
    }
}
