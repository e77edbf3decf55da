/// Hides secrets in libpq connection strings, so they can be printed and logged.
///
/// Handles both forms libpq accepts: URIs (`postgresql://user:secret@host/db?password=x`)
/// and `key=value` lists (`host=h password='se cret'`). Everything but the secret values
/// is kept as written, so the output still says which server and database are meant.
enum ConninfoRedaction {
    /// Parameter names whose values are secrets.
    static let secretKeys: Set<String> = ["password", "sslpassword"]
    static let mask = "***"

    static func redact(_ conninfo: String) -> String {
        let trimmed = conninfo.drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" })
        if trimmed.hasPrefix("postgresql://") || trimmed.hasPrefix("postgres://") {
            return redactURI(conninfo)
        }
        return redactKeyValue(conninfo)
    }

    // MARK: URI form

    private static func redactURI(_ uri: String) -> String {
        guard let schemeEnd = uri.range(of: "://") else { return uri }
        let head = uri[..<schemeEnd.upperBound]
        let rest = uri[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        var authority = String(rest[..<authorityEnd])
        var tail = String(rest[authorityEnd...])

        // A raw '@' in a password is invalid but common: the last '@' ends the user part.
        if let at = authority.lastIndex(of: "@") {
            let userinfo = authority[..<at]
            if let colon = userinfo.firstIndex(of: ":") {
                authority = String(userinfo[..<colon]) + ":" + mask + String(authority[at...])
            }
        }
        if let question = tail.firstIndex(of: "?") {
            let path = tail[..<question]
            let query = tail[tail.index(after: question)...]
            let params = query.split(separator: "&", omittingEmptySubsequences: false).map { param -> String in
                guard let eq = param.firstIndex(of: "=") else { return String(param) }
                let key = param[..<eq].removingPercentEncodingLossy().lowercased()
                return secretKeys.contains(key) ? String(param[...eq]) + mask : String(param)
            }
            tail = String(path) + "?" + params.joined(separator: "&")
        }
        return String(head) + authority + tail
    }

    // MARK: key=value form

    /// Scans libpq's `key = value` grammar: values are bare words (with `\` escapes) or
    /// single-quoted (with `\'` and `\\`); whitespace separates pairs and may surround `=`.
    private static func redactKeyValue(_ conninfo: String) -> String {
        let chars = Array(conninfo)
        var out = ""
        out.reserveCapacity(chars.count)
        var i = 0
        func isSpace(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" }

        while i < chars.count {
            // Whitespace between pairs.
            while i < chars.count, isSpace(chars[i]) { out.append(chars[i]); i += 1 }
            guard i < chars.count else { break }
            // Keyword.
            let keyStart = i
            while i < chars.count, chars[i] != "=", !isSpace(chars[i]) { i += 1 }
            let key = String(chars[keyStart..<i])
            out += key
            while i < chars.count, isSpace(chars[i]) { out.append(chars[i]); i += 1 }
            guard i < chars.count, chars[i] == "=" else { continue }  // malformed: keep going
            out.append("="); i += 1
            while i < chars.count, isSpace(chars[i]) { out.append(chars[i]); i += 1 }
            // Value.
            let valueStart = i
            if i < chars.count, chars[i] == "'" {
                i += 1
                while i < chars.count, chars[i] != "'" {
                    if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                    i += 1
                }
                if i < chars.count { i += 1 }  // closing quote
            } else {
                while i < chars.count, !isSpace(chars[i]) {
                    if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                    i += 1
                }
            }
            if secretKeys.contains(key.lowercased()) {
                out += mask
            } else {
                out += String(chars[valueStart..<i])
            }
        }
        return out
    }
}

extension Substring {
    /// Percent-decoding for parameter names without Foundation; invalid escapes stay as is.
    fileprivate func removingPercentEncodingLossy() -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(self.utf8)[...]
        while let b = utf8.popFirst() {
            if b == UInt8(ascii: "%"), utf8.count >= 2,
               let hi = hexValue(utf8[utf8.startIndex]), let lo = hexValue(utf8[utf8.startIndex + 1]) {
                bytes.append(hi << 4 | lo)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

private func hexValue(_ b: UInt8) -> UInt8? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
    default: return nil
    }
}
