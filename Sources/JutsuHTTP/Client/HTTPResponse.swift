import Foundation
import JutsuCore

/// A complete response: status, headers (names lower-cased, the last value wins), the decoded
/// body (gzip/deflate already undone by libcurl).
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]
    /// Requests sent for this response, 1 when the first one succeeded.
    public var attempts: Int

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = [], attempts: Int = 1) {
        self.status = status
        self.headers = headers
        self.body = body
        self.attempts = attempts
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    public var contentType: String? { header("content-type") }

    /// The server's `Date`, the receive time a parser should judge live bars by.
    public var date: Date? { header("date").flatMap(HTTPDate.parse) }

    /// `Retry-After` as a delay in seconds: delta-seconds, or an HTTP date measured from the
    /// response's own `Date` (so the two clocks need not agree), else from `now`.
    public func retryAfter(now: Date) -> Double? {
        guard let raw = header("retry-after")?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        if let seconds = Double(raw), seconds.isFinite { return max(0, seconds) }
        guard let when = HTTPDate.parse(raw) else { return nil }
        return max(0, when.timeIntervalSince(date ?? now))
    }
}

/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form servers send in `Date` and
/// `Retry-After`; RFC 850 and asctime forms are obsolete and not read.
public enum HTTPDate {
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    public static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT",
              let day = Int(parts[1]), let month = months.firstIndex(of: String(parts[2])), let year = Int(parts[3])
        else { return nil }
        let hms = parts[4].split(separator: ":").compactMap { Int($0) }
        guard hms.count == 3, (1...31).contains(day), (0...23).contains(hms[0]), (0...59).contains(hms[1]), (0...60).contains(hms[2])
        else { return nil }
        guard let date = CivilDate(year: year, month: month + 1, day: day) else { return nil }
        let days = Int(date.daysSinceEpoch)
        return Date(timeIntervalSince1970: Double(days * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2]))
    }

    public static func format(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secs = seconds - days * 86_400
        let civil = CivilDate(daysSinceEpoch: Int64(days))
        let (y, m, d) = (Int(civil.year), Int(civil.month), Int(civil.day))
        let weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][civil.weekday]
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(weekday), \(two(d)) \(months[m - 1]) \(y) \(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60)) GMT"
    }
}
