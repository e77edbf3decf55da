/// One problem in a pipeline file, at a 1-based line and column (of the key or value it is
/// about). Rendered `file:line:col: message`, the shape editors and CI annotate.
///
/// Messages never contain a value that came from `${ENV_VAR}`: they show the text as written.
public struct PipelineDiagnostic: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The file as it was given (relative paths stay relative).
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(file):\(line):\(column): \(message)" }

    /// `{"file":...,"line":...,"column":...,"message":...}`.
    public var json: String {
        "{\"file\":\(jsonString(file)),\"line\":\(line),\"column\":\(column),\"message\":\(jsonString(message))}"
    }
}

/// Every problem found in one pipeline file (never empty when returned as an error), in file
/// order.
public struct PipelineDiagnostics: Error, Sendable, Equatable, CustomStringConvertible {
    public var diagnostics: [PipelineDiagnostic]

    public init(_ diagnostics: [PipelineDiagnostic]) { self.diagnostics = diagnostics }

    /// One diagnostic per line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// A JSON string literal (RFC 8259 escaping).
func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}
