/// What `db status` shows about the embedded cluster. Reading it never starts anything.
public struct EmbeddedClusterStatus: Sendable, Equatable {
    /// `<project>/.jutsu/pg`.
    public var root: String
    /// `PGDATA`: `<root>/data`, or under `/var/lib/jutsu-ingest/<hash>` when relocated.
    public var dataDirectory: String
    /// True when the cluster lives outside `root` (see `EmbeddedCluster`).
    public var isRelocated: Bool
    public var isInitialized: Bool
    /// The server answers on its socket.
    public var isRunning: Bool
    /// The postmaster's process id, from `postmaster.pid`, when running.
    public var pid: Int32?
    public var socketDirectory: String
    public var port: Int
    /// `15.18` from the running server, else the major version of the data directory.
    public var serverVersion: String?
    /// `<root>/server.log` (a symlink to the real log when relocated).
    public var logFile: String
    /// The conninfo `ensureRunning()` returns; valid while `isRunning`.
    public var conninfo: String
}
