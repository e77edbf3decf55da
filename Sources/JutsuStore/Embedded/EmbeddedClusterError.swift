/// Why the embedded cluster could not be created, started or stopped, with what to do.
public struct EmbeddedClusterError: Error, CustomStringConvertible, Sendable {
    public enum Code: Sendable, Equatable {
        /// No `initdb`/`pg_ctl` of PostgreSQL 15 or newer.
        case binariesNotFound
        /// The cluster was created by a major version whose binaries are gone.
        case versionMismatch
        /// Running as root without a `postgres` account, or without `runuser`.
        case serverAccount
        case initdbFailed
        case startFailed
        case stopFailed
        case createDatabaseFailed
        /// Directories, files, permissions, the lock.
        case filesystem
    }

    public var code: Code
    /// One line saying what failed and what to do.
    public var message: String
    /// Supporting output: the tail of initdb's output or of the server log.
    public var detail: String?

    public init(_ code: Code, _ message: String, detail: String? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
    }

    public var description: String {
        guard let detail, !detail.isEmpty else { return message }
        let indented = detail.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "    " + $0 }.joined(separator: "\n")
        return message + "\n" + indented
    }
}
