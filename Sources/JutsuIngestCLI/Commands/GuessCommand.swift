import ArgumentParser
import Foundation
import JutsuCSV
import JutsuCore
import JutsuIngest

struct GuessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guess",
        abstract: "Print the detected dialect of a file as a pipeline snippet; --preview shows the first bars.",
        discussion: """
            Reads the start of FILE as `import` would and prints a pipeline (YAML) that reads it, \
            each guessed value commented with what it was guessed from. The same flags as \
            `import` correct a guess. --preview [N] also shows the first N bars as they would be \
            stored (default 10) and the rows rejected among those read. Never touches the database.
            Example: jutsu-ingest guess vendor.csv --preview 5, then jutsu-ingest guess vendor.csv > pipelines/vendor.yaml
            """)

    @Argument(help: "A CSV or .csv.gz file.")
    var file: String

    @Argument(help: ArgumentHelp("With --preview: how many bars to show (default 10).", valueName: "N"))
    var rows: String?

    @Flag(help: "Show the first bars as they would be stored, and the rejected rows among those read.")
    var preview = false

    @OptionGroup var reader: ReaderFlags

    @Option(help: "Output format: text or json.")
    var format: ImportCommand.OutputFormat = .text

    /// Bars to preview, from N.
    private(set) var previewRows = GuessReport.defaultPreviewRows

    mutating func validate() throws {
        // `--preview` takes an optional count, which ArgumentParser cannot express: N is the
        // second operand. `guess --preview 5 FILE` puts the count first; accept that too.
        if let rows, Int(rows) == nil, Int(file) != nil, !FileManager.default.fileExists(atPath: file) {
            (file, self.rows) = (rows, file)
        }
        guard let rows else { return }
        guard preview else { throw ValidationError("'\(rows)': a count of bars goes after --preview (guess FILE --preview N)") }
        guard let n = Int(rows), n >= 1 else { throw ValidationError("--preview '\(rows)': expected a count of bars, 1 or more") }
        previewRows = n
    }

    /// The reader options, worded and checked as for `import`.
    func csvOptions() throws -> CSVOptions {
        try reader.csvOptions()
    }

    func run() throws {
        let options = try csvOptions()
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw CLIError(message: "\(file): no such file or not readable", exitCode: ExitCode(ExitCodes.usage))
        }
        let report: GuessReport
        do {
            report = try GuessReport(path: file, options: options, previewRows: previewRows,
                                     now: Int64(Date().timeIntervalSince1970))
        } catch {
            // A file-level problem is an input error, as for `import`.
            throw CLIError(message: "\(error)", exitCode: ExitCode(ExitCodes.usage))
        }
        switch format {
        case .json:
            Terminal.standardOutput.write(report.json() + "\n")
        case .text:
            Terminal.standardOutput.write(report.snippet)
            if preview { Terminal.standardOutput.write("\n" + report.previewTable()) }
        }
    }
}
