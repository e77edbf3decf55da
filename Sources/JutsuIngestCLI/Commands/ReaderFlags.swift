import ArgumentParser
import JutsuCSV
import JutsuCore

/// The reader overrides shared by `import` and `guess` (`--symbol`, `--timeframe`,
/// `--delimiter`, `--date-format`, `--timezone`), as typed, and their checking into `CSVOptions`.
struct ReaderFlags {
    var symbol: String?
    var timeframe: String?
    var delimiter: String?
    var dateFormat: String?
    var timezone: String?

    func csvOptions() throws -> CSVOptions {
        var options = CSVOptions()
        if let symbol {
            do { options.symbol = try Symbol(canonicalizing: symbol) } catch {
                throw ValidationError("--symbol: \(error)")
            }
        }
        if let timeframe {
            guard let tf = Timeframe(parsing: timeframe) else {
                throw ValidationError("--timeframe '\(timeframe)': expected one of \(Timeframe.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            options.timeframe = tf
        }
        if let delimiter {
            let map: [String: UInt8] = [",": 0x2C, ";": 0x3B, "|": 0x7C, "tab": 0x09, "\\t": 0x09, "\t": 0x09]
            guard let byte = map[delimiter.lowercased()] else {
                throw ValidationError("--delimiter '\(delimiter)': use ',', ';', '|' or 'tab'")
            }
            options.delimiter = byte
        }
        if let dateFormat {
            guard let f = DateFormat(rawValue: dateFormat.lowercased()) else {
                throw ValidationError("--date-format '\(dateFormat)': use one of \(DateFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            options.dateFormat = f
        }
        options.zone = timezone
        return options
    }
}
