import Foundation
import JutsuCore

/// The small value languages of a pipeline file.
enum ValueSyntax {
    /// `90s`, `90m`, `6h`, `3d`, `2w` in seconds; `nil` for anything else.
    static func duration(_ text: String) -> Int64? {
        guard let unit = text.last, let n = Int64(text.dropLast()), n >= 0, !text.dropLast().hasPrefix("+") else {
            return nil
        }
        let scale: Int64
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3600
        case "d": scale = 86_400
        case "w": scale = 604_800
        default: return nil
        }
        let (seconds, overflow) = n.multipliedReportingOverflow(by: scale)
        return overflow ? nil : seconds
    }

    /// A duration, or a bare non-negative integer taken as seconds.
    static func durationOrSeconds(_ text: String) -> Int64? {
        if let n = Int64(text), n >= 0, !text.hasPrefix("+") { return n }
        return duration(text)
    }

    /// A decimal integer in `range` (no sign for positives, no spaces).
    static func integer(_ text: String, in range: ClosedRange<Int>) -> Int? {
        guard !text.hasPrefix("+"), let n = Int(text), range.contains(n) else { return nil }
        return n
    }

    /// `true`/`false`, also `yes`/`no` and `on`/`off` (any case).
    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on": true
        case "false", "no", "off": false
        default: nil
        }
    }

    /// Pipeline names: `[a-z0-9][a-z0-9_-]*`, at most 63.
    static func isPipelineName(_ text: String) -> Bool {
        guard let first = text.utf8.first, text.utf8.count <= 63, isLowerAlnum(first) else { return false }
        return text.utf8.allSatisfy { isLowerAlnum($0) || $0 == 0x5F || $0 == 0x2D }
    }

    /// `data_source` names: 1-32 of `a-z 0-9 _ -` (JutsuStore's `DataSourceName`).
    static func isDataSourceName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 32 && text.utf8.allSatisfy { isLowerAlnum($0) || $0 == 0x5F || $0 == 0x2D }
    }

    private static func isLowerAlnum(_ b: UInt8) -> Bool { (0x61...0x7A).contains(b) || (0x30...0x39).contains(b) }

    /// A zone the reader can resolve: the core's names and fixed offsets, else Foundation's
    /// database.
    static func isTimeZone(_ text: String) -> Bool {
        ZoneRules.named(text) != nil || TimeZone(identifier: text) != nil
    }

    static var knownTimeZones: [String] { ["UTC"] + TimeZone.knownTimeZoneIdentifiers }

    /// A positive exact decimal: digits with an optional fraction (`0.01`, `100`).
    static func isPositiveDecimal(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } })
        else { return false }
        return text.utf8.contains { (0x31...0x39).contains($0) }
    }

    static func isURL(_ text: String) -> Bool {
        (text.hasPrefix("https://") || text.hasPrefix("http://")) && text.count > 8 && !text.contains(" ")
    }
}
