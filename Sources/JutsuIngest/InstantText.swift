import Foundation

/// The instants people type (`--at`, `?at=`, `?since=`): `2024-01-16T15:21:00Z`,
/// `2024-01-16T10:21:00-05:00`, with fractional seconds, or a date (`2024-01-16`, its midnight
/// UTC). Not for data paths: one formatter per call.
public enum InstantText {
    /// Seconds since the epoch (rounded down), or nil.
    public static func parse(_ text: String) -> Int64? {
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds],
                                                       [.withFullDate]] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970.rounded(.down)) }
        }
        return nil
    }
}
