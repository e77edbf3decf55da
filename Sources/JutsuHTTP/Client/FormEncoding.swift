import Foundation

/// `application/x-www-form-urlencoded` bodies, as OAuth token endpoints take them.
///
/// Every byte but the unreserved ones (`A-Z a-z 0-9 - . _ ~`) is percent-encoded, a space as
/// `%20` (not `+`, which servers read either way): an authorization code holding `@` or `=` or
/// a refresh token holding `+` or `/` arrives as it was.
public enum FormEncoding {
    public static let contentType = "application/x-www-form-urlencoded"

    /// `name=value&...` in the order given.
    public static func encode(_ fields: [(String, String)]) -> String {
        fields.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    public static func body(_ fields: [(String, String)]) -> [UInt8] { Array(encode(fields).utf8) }

    /// One name or value, percent-encoded byte by byte (UTF-8).
    public static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// `name=value&...` back into pairs, `+` read as a space; a malformed escape is kept as written.
    public static func decode(_ body: String) -> [(String, String)] {
        body.split(separator: "&").map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func unescape(_ s: Substring) -> String {
                let plus = s.replacingOccurrences(of: "+", with: " ")
                return plus.removingPercentEncoding ?? plus
            }
            return (unescape(parts[0]), parts.count > 1 ? unescape(parts[1]) : "")
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
