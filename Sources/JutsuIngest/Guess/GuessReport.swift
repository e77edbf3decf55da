import Foundation
import JutsuCSV
import JutsuCore

/// What `jutsu-ingest guess` found in one file: the dialect the reader detects (with the
/// overrides it was given), and the first bars as an import would store them, with the rows
/// rejected on the way. Reads only the start of the file; never touches the database.
public struct GuessReport: Sendable {
    /// The path as given.
    public var path: String
    /// The overrides given (`--symbol`, `--timeframe`, ...): the snippet says which values came
    /// from a flag rather than from the file.
    public var options: CSVOptions
    public var dialect: Dialect
    /// The first valid bars, in file order, with their lines: what an import would store
    /// (duplicate keys are resolved only by the import itself, the later row winning).
    public var preview: [SourcedBar]
    /// Every row among those read that an import would reject (parse or validation).
    public var rejects: [RejectedRow]
    /// Data rows read to fill the preview.
    public var rowsRead: Int64
    /// True when the whole file was read (it has no more rows than were read).
    public var readWholeFile: Bool

    /// Rows read at most, whatever the preview size: a file whose rows are all rejected (a
    /// wrong `--date-format`, say) is not read to the end.
    public static let scanLimit: Int64 = 1_000
    /// Bars shown when `--preview` names no count.
    public static let defaultPreviewRows = 10

    /// Opens `path`, sniffs its dialect and reads rows until `previewRows` bars pass validation
    /// (or `scanLimit` rows are read, or the file ends). `now` (UTC seconds) is the clock of the
    /// future-timestamp rule. Throws the reader's file-level errors (unreadable, empty, binary,
    /// no date column, symbol or timeframe not inferable, corrupt gzip).
    public init(path: String, options: CSVOptions = CSVOptions(), previewRows: Int = GuessReport.defaultPreviewRows,
                now: Int64) throws(CSVError) {
        let reader = try BarFileReader(path: path, options: options)
        var validator = BarValidator(now: now)
        validator.calendar = options.calendar
        var preview: [SourcedBar] = []
        var rejects: [RejectedRow] = []
        var finished = false
        let wanted = max(0, previewRows)
        while preview.count < wanted, reader.rowsRead < Self.scanLimit {
            let remaining = min(wanted - preview.count, Int(Self.scanLimit - reader.rowsRead))
            guard let parsed = try reader.nextBatch(maxRows: remaining) else {
                finished = true
                break
            }
            rejects += parsed.rejects
            for sourced in parsed.bars {
                if let failure = validator.check(sourced.bar) {
                    rejects.append(RejectedRow(line: sourced.line, rawText: sourced.bar.recordText,
                                               reason: failure.reason, message: failure.message))
                } else {
                    preview.append(sourced)
                }
            }
        }
        // Parse rejects and validation rejects of one batch interleave by line.
        rejects.sort { $0.line < $1.line }
        let rowsRead = reader.rowsRead
        if !finished, preview.count >= wanted || reader.rowsRead >= Self.scanLimit {
            // One more row tells whether the file ended exactly here (an error past it: it did not).
            do { finished = try reader.nextBatch(maxRows: 1) == nil } catch { finished = false }
        }
        self.path = path
        self.options = options
        self.dialect = reader.dialect
        self.preview = preview
        self.rejects = rejects
        self.rowsRead = rowsRead
        self.readWholeFile = finished
    }

    /// The pipeline name for the file: its name without `.gz`/`.csv`/`.tsv`/`.txt`, lower-cased,
    /// every run of characters outside `[a-z0-9_-]` made one `-`, at most 63 characters,
    /// starting with a letter or digit (`pipeline_inputs__AAPL.csv` -> `pipeline_inputs__aapl`).
    public static func pipelineName(forFile path: String) -> String {
        var base = (path as NSString).lastPathComponent
        for ext in [".gz", ".csv", ".tsv", ".txt"] where base.lowercased().hasSuffix(ext) {
            base.removeLast(ext.count)
        }
        var name = ""
        var pendingDash = false
        for scalar in base.lowercased().unicodeScalars {
            let allowed = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
            if allowed {
                if pendingDash, !name.isEmpty { name.append("-") }
                pendingDash = false
                name.unicodeScalars.append(scalar)
            } else {
                pendingDash = true
            }
        }
        while let first = name.first, first == "-" || first == "_" { name.removeFirst() }
        name = String(name.prefix(63))
        while let last = name.last, last == "-" { name.removeLast() }
        return name.isEmpty ? "guessed" : name
    }
}
