/// Helpers for PostgreSQL's text COPY format, array parameters and validated literals.
public enum CopyText {
    /// Appends `text` escaped for a text-format COPY field: backslash, tab, newline and carriage
    /// return are escaped; NUL (which text columns cannot hold) becomes U+FFFD.
    public static func appendEscaped(_ text: String, to out: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x00: out.append(contentsOf: [0xEF, 0xBF, 0xBD])
            default: out.append(byte)
            }
        }
    }

    public static func appendField(_ text: String?, to out: inout [UInt8]) {
        if let text { appendEscaped(text, to: &out) } else { out.append(contentsOf: [0x5C, UInt8(ascii: "N")]) }
    }

    /// A single-quoted SQL string literal, for the one COPY statement that must carry values
    /// (see `storedBars`): only validated symbols and timeframe names reach it, and quotes are
    /// doubled all the same.
    public static func literal(_ text: String) -> String {
        var out = "'"
        for ch in text.unicodeScalars {
            if ch == "'" { out += "'" }
            out.unicodeScalars.append(ch)
        }
        return out + "'"
    }

    /// A PostgreSQL array literal of text values, every element quoted and escaped.
    public static func arrayLiteral(_ values: some Sequence<String>) -> String {
        var out = "{"
        var first = true
        for value in values {
            if !first { out += "," }
            first = false
            out += "\""
            for ch in value.unicodeScalars {
                if ch == "\"" || ch == "\\" { out += "\\" }
                out.unicodeScalars.append(ch)
            }
            out += "\""
        }
        return out + "}"
    }

    /// As `arrayLiteral`, nil as NULL.
    public static func nullableArrayLiteral(_ values: [String?]) -> String {
        "{" + values.map { $0.map { arrayLiteral([$0]).dropFirst().dropLast() }.map(String.init) ?? "NULL" }
            .joined(separator: ",") + "}"
    }

    /// A PostgreSQL array literal of bigints, nil as NULL.
    public static func intArrayLiteral(_ values: [Int64?]) -> String {
        "{" + values.map { $0.map(String.init) ?? "NULL" }.joined(separator: ",") + "}"
    }
}
