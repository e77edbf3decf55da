import JutsuStore

/// Whether an error means the database went away (server stopped or restarting, connection
/// lost) rather than something about the run itself: such a run is run again once the database
/// is back (`ScheduledRun`), instead of failing its fire.
enum DatabaseOutage {
    /// SQLSTATEs of a server that shuts down or is not up yet: `admin_shutdown`,
    /// `crash_shutdown`, `cannot_connect_now` (starting up, shutting down, in recovery).
    static let serverStates: Set<String> = ["57P01", "57P02", "57P03"]

    static func isOutage(_ error: any Error) -> Bool {
        if let store = error as? StoreError {
            if store.code == .connection { return true }
            if let state = store.sqlState, state.hasPrefix("08") || serverStates.contains(state) { return true }
            return false
        }
        // Wrapped by another layer: StoreError's description names the code.
        return "\(error)".contains("database connection error")
    }
}
