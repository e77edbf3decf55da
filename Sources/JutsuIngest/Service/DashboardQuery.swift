import Foundation
import JutsuCore
import JutsuPipeline

/// What the dashboard shows, from the page's query parameters: `tier`, `timeframe`, `status`
/// (filters of the heatmap), `sessions` (columns, 1...120, default 30), `limit` (rows, worst
/// first; default all), `days` (the run timeline, 1...31, default 3), `at` (the instant the page
/// judges freshness at, ISO 8601 as `freshness --at` takes it; default now). Unknown parameters are
/// ignored; invalid values are ignored and listed in `ignored`, so a bad link still shows a page.
public struct DashboardQuery: Sendable, Equatable {
    public var tier: FreshnessTier?
    public var timeframe: Timeframe?
    public var status: FreshnessStatus?
    public var sessions: Int
    public var limit: Int?
    public var days: Int
    /// The instant to judge at instead of now (`?at=2024-01-17T15:00:00Z`).
    public var at: Int64?
    /// `name=value` of the parameters whose value was not understood.
    public var ignored: [String] = []

    public static let sessionRange = 1...120
    public static let dayRange = 1...31

    public init(tier: FreshnessTier? = nil, timeframe: Timeframe? = nil, status: FreshnessStatus? = nil, sessions: Int = 30,
                limit: Int? = nil, days: Int = 3) {
        self.tier = tier
        self.timeframe = timeframe
        self.status = status
        self.sessions = min(max(sessions, Self.sessionRange.lowerBound), Self.sessionRange.upperBound)
        self.limit = limit.map { max($0, 1) }
        self.days = min(max(days, Self.dayRange.lowerBound), Self.dayRange.upperBound)
    }

    /// From decoded query parameters (`?tier=critical&timeframe=1d`); empty values mean "all".
    public init(query: [String: String]) {
        self.init()
        func value(_ name: String) -> String? {
            guard let v = query[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty, v != "all" else { return nil }
            return v
        }
        func note(_ name: String, _ v: String) { ignored.append("\(name)=\(v)") }
        if let v = value("tier") { if let t = FreshnessTier(rawValue: v) { tier = t } else { note("tier", v) } }
        if let v = value("timeframe") { if let t = Timeframe(parsing: v) { timeframe = t } else { note("timeframe", v) } }
        if let v = value("status") { if let s = FreshnessStatus(rawValue: v) { status = s } else { note("status", v) } }
        if let v = value("sessions") {
            if let n = Int(v), Self.sessionRange.contains(n) { sessions = n } else { note("sessions", v) }
        }
        if let v = value("limit") { if let n = Int(v), n >= 1 { limit = n } else { note("limit", v) } }
        if let v = value("days") { if let n = Int(v), Self.dayRange.contains(n) { days = n } else { note("days", v) } }
        if let v = value("at") { if let t = InstantText.parse(v) { at = t } else { note("at", v) } }
    }

    /// The query string of this query with some parameters changed (nil: dropped), for links.
    func link(tier: FreshnessTier?? = .none, status: FreshnessStatus?? = .none) -> String {
        var parts: [String] = []
        let t = tier ?? self.tier, s = status ?? self.status
        if let t { parts.append("tier=\(t.rawValue)") }
        if let timeframe { parts.append("timeframe=\(timeframe.rawValue)") }
        if let s { parts.append("status=\(s.rawValue)") }
        if sessions != 30 { parts.append("sessions=\(sessions)") }
        if let limit { parts.append("limit=\(limit)") }
        if days != 3 { parts.append("days=\(days)") }
        if let at { parts.append("at=\(UnixTime.iso8601(at))") }
        return parts.isEmpty ? "?" : "?" + parts.joined(separator: "&")
    }
}
