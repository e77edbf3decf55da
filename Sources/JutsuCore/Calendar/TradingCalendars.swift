/// The calendars the core knows, by name. A series names its calendar (`XNYS` for US
/// equities, `24x7` for crypto, `24x5` for FX); callers that need another market build a
/// `TradingCalendarRegistry` with their own `TradingCalendar` added.
public enum TradingCalendars {
    public static let nyse = NYSECalendar()
    public static let continuous = ContinuousCalendar()
    public static let fx = FXCalendar()

    /// `XNYS` / `NYSE`, `24x7` / `crypto`, `24x5` / `fx` (any letter case); `nil` otherwise.
    public static func named(_ name: String) -> (any TradingCalendar)? {
        TradingCalendarRegistry.standard.calendar(named: name)
    }
}

/// Calendars by name (case-insensitive), a value: add markets by building a new registry.
public struct TradingCalendarRegistry: Sendable {
    private var byName: [String: any TradingCalendar]

    /// Every calendar under its `name`, plus `aliases` (alias -> calendar name).
    public init(_ calendars: [any TradingCalendar], aliases: [String: String] = [:]) {
        var byName: [String: any TradingCalendar] = [:]
        for calendar in calendars { byName[calendar.name.lowercased()] = calendar }
        for (alias, target) in aliases {
            if let calendar = byName[target.lowercased()] { byName[alias.lowercased()] = calendar }
        }
        self.byName = byName
    }

    public static let standard = TradingCalendarRegistry(
        [TradingCalendars.nyse, TradingCalendars.continuous, TradingCalendars.fx],
        aliases: ["NYSE": "XNYS", "crypto": "24x7", "fx": "24x5"])

    public func calendar(named name: String) -> (any TradingCalendar)? { byName[name.lowercased()] }

    /// A copy with `calendar` added under its name and `aliases` (replacing same names).
    public func registering(_ calendar: any TradingCalendar, aliases: [String] = []) -> TradingCalendarRegistry {
        var copy = self
        for key in [calendar.name] + aliases { copy.byName[key.lowercased()] = calendar }
        return copy
    }

    /// Registered names and aliases, lower-cased, sorted.
    public var names: [String] { byName.keys.sorted() }
}
