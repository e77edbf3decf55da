/// Rows of `ingest_runs`: one per import, pipeline run or migration.
///
/// While a run is alive its process holds a session-level advisory lock on the run id, so a run
/// left `running` by a process that died (`kill -9`, power loss) is recognised by the next
/// process and marked `aborted`: its committed batches stay, its counters are exact.
public struct RunRegistry {
    public let connection: PGConnection

    public init(connection: PGConnection) { self.connection = connection }

    static let lockClass = 0x4A_55_54   // "JUT"

    static func lockArguments(_ runID: Int64) -> String {
        "\(lockClass), (\(runID) % 2147483647)::int"
    }

    /// Inserts a `running` row and takes the run's liveness lock. Returns the run id.
    public func start(command: String, pipeline: String? = nil, trigger: String = "cli",
                      detailsJSON: String = "{}") throws -> Int64 {
        // The lock is taken before the row commits: no other process can ever see this run
        // `running` without its lock held (and take it for a dead one).
        try connection.transaction {
            let result = try connection.execute("""
                INSERT INTO ingest_runs (command, pipeline, trigger, details) VALUES ($1, $2, $3, $4::jsonb) RETURNING run_id
                """, [command, pipeline, trigger, detailsJSON], context: "start run")
            guard let runID = result.int64(0, 0) else {
                throw StoreError(code: .protocolViolation, message: "INSERT ... RETURNING gave no run id")
            }
            try connection.execute("SELECT pg_advisory_lock(\(Self.lockArguments(runID)))", context: "run lock")
            return runID
        }
    }

    /// Records the end of a run and releases its lock. `detailsJSON`, an object, is merged into
    /// the run's `details` (e.g. the HTTP counters of its sources).
    public func finish(_ runID: Int64, status: String, error: String? = nil, detailsJSON: String = "{}") throws {
        try connection.execute("""
            UPDATE ingest_runs SET status = $2, finished_at = now(), error = $3, details = details || $4::jsonb WHERE run_id = $1
            """, [String(runID), status, error, detailsJSON], context: "finish run")
        try connection.execute("SELECT pg_advisory_unlock(\(Self.lockArguments(runID)))", context: "run unlock")
    }

    /// Marks `running` runs whose process is gone as `aborted`. Returns their ids.
    @discardableResult
    public func abortAbandonedRuns() throws -> [Int64] {
        let running = try connection.execute("SELECT run_id FROM ingest_runs WHERE status = 'running' ORDER BY run_id")
        var aborted: [Int64] = []
        for row in 0..<running.rowCount {
            guard let runID = running.int64(row, 0) else { continue }
            let free = try connection.execute("SELECT pg_try_advisory_lock(\(Self.lockArguments(runID)))").bool(0, 0) ?? false
            guard free else { continue }
            try connection.execute("""
                UPDATE ingest_runs SET status = 'aborted', finished_at = now(),
                    error = 'the process running it ended before it finished; its committed batches are kept'
                WHERE run_id = $1 AND status = 'running'
                """, [String(runID)], context: "abort run")
            try connection.execute("SELECT pg_advisory_unlock(\(Self.lockArguments(runID)))")
            aborted.append(runID)
        }
        return aborted
    }
}
