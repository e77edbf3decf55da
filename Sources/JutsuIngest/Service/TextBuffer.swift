import JutsuCore

/// A growing UTF-8 byte buffer for the dashboard and metrics renderers: literal text, escaped
/// text, integers and dates appended without intermediate Strings (thousands of rows per page).
struct TextBuffer {
    var bytes: [UInt8] = []

    init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Text known to need no escaping (generated names, numbers as text).
    mutating func raw(_ text: String) {
        var t = text
        t.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Text escaped for HTML content and double-quoted attribute values.
    mutating func html(_ text: String) {
        var t = text
        t.withUTF8 { utf8 in
            for b in utf8 {
                switch b {
                case UInt8(ascii: "&"): raw("&amp;")
                case UInt8(ascii: "<"): raw("&lt;")
                case UInt8(ascii: ">"): raw("&gt;")
                case UInt8(ascii: "\""): raw("&quot;")
                case UInt8(ascii: "'"): raw("&#39;")
                default: bytes.append(b)
                }
            }
        }
    }

    /// A label value of the Prometheus text format: backslash, double quote and line feed escaped.
    mutating func labelValue(_ text: String) {
        var t = text
        t.withUTF8 { utf8 in
            for b in utf8 {
                switch b {
                case UInt8(ascii: "\\"): raw("\\\\")
                case UInt8(ascii: "\""): raw("\\\"")
                case UInt8(ascii: "\n"): raw("\\n")
                default: bytes.append(b)
                }
            }
        }
    }

    mutating func int(_ value: Int64) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            if value == .min { raw("9223372036854775808"); return }
            int(-value)
            return
        }
        if value < 10 { bytes.append(UInt8(48 + value)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = value, count = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            while n > 0 {
                buf[count] = UInt8(48 + n % 10)
                n /= 10
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) { bytes.append(buf[i]) }
        }
    }

    mutating func int(_ value: Int) { int(Int64(value)) }

    /// `YYYY-MM-DD`.
    mutating func date(_ date: CivilDate) { date.appendText(to: &bytes) }

    /// `YYYY-MM-DD HH:MMZ`, or `YYYY-MM-DD` at midnight (daily bar keys): for tables.
    mutating func shortInstant(_ seconds: Int64) {
        UnixTime.civilDate(ofSeconds: seconds).appendText(to: &bytes)
        let s = Int(UnixTime.secondOfDay(seconds))
        guard s != 0 else { return }
        bytes.append(UInt8(ascii: " "))
        bytes.append(UInt8(48 + s / 36000))
        bytes.append(UInt8(48 + s / 3600 % 10))
        bytes.append(UInt8(ascii: ":"))
        bytes.append(UInt8(48 + s / 600 % 6))
        bytes.append(UInt8(48 + s / 60 % 10))
        bytes.append(UInt8(ascii: "Z"))
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    mutating func instant(_ seconds: Int64) { UnixTime.appendISO8601(seconds, to: &bytes) }
}
