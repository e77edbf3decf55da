/// Claims of scheduled fires in `scheduled_runs`, shared by every `serve` instance on the
/// database.
///
/// A fire is claimed with one `INSERT ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING`: the
/// primary key `(pipeline, fire_at)` lets exactly one instance insert the row; a concurrent
/// claimer blocks on that row and, once the winner commits, re-checks the `WHERE` against the
/// committed row and gets nothing back. The `DO UPDATE` branch only fires when the existing claim
/// is unfinished and its lease has passed (its instance died), so a takeover is exactly-once too
/// (attempts + 1). This needs no explicit transaction, no lock held across statements, and
/// leaves no row locked by a dead session (an open `SELECT ... FOR UPDATE SKIP LOCKED` would).
///
/// Times are UTC seconds from the scheduler's clock, not the server's `now()`: the scheduler is
/// tested on simulated time, and instances are expected to run NTP-synchronised clocks (a skew
/// shortens or lengthens leases by that much; keep leases much longer than any skew).
public struct SchedulerStore {
    public let connection: PGConnection

    public init(connection: PGConnection) { self.connection = connection }

    /// How an attempt to claim a fire ended.
    public enum Claim: Sendable, Equatable {
        /// This instance holds the fire; `attempt` is 1, or more after takeovers of dead claims.
        case claimed(attempt: Int)
        /// Another instance claimed (or ran) this fire and its claim is live or finished.
        case taken(instance: String, status: String)
        /// Another fire of the pipeline is claimed or running under a live lease: a run never
        /// overlaps itself, so this fire waits.
        case busy(fireAt: Int64, instance: String)
    }

    /// The SQL of a claim: $1 pipeline, $2 fire_at, $3 instance, $4 lease_until, $5 now (UTC s).
    static let claimSQL = """
        INSERT INTO scheduled_runs AS s (pipeline, fire_at, status, instance, lease_until, attempts, claimed_at)
        SELECT $1, to_timestamp($2), 'claimed', $3, to_timestamp($4), 1, to_timestamp($5)
        WHERE NOT EXISTS (
            SELECT 1 FROM scheduled_runs o
            WHERE o.pipeline = $1 AND o.fire_at <> to_timestamp($2)
              AND o.status IN ('claimed', 'running') AND o.lease_until >= to_timestamp($5))
        ON CONFLICT (pipeline, fire_at) DO UPDATE
            SET status = 'claimed', instance = EXCLUDED.instance, lease_until = EXCLUDED.lease_until,
                attempts = s.attempts + 1, claimed_at = EXCLUDED.claimed_at, error = NULL
            WHERE s.status IN ('claimed', 'running') AND s.lease_until < EXCLUDED.claimed_at
        RETURNING s.attempts
        """

    /// Claims the fire of `pipeline` at `fireAt` for `instance` until `now + lease` seconds.
    public func claim(pipeline: String, fireAt: Int64, instance: String, lease: Int64, now: Int64) throws -> Claim {
        let r = try connection.execute(Self.claimSQL, [pipeline, String(fireAt), instance, String(now + lease), String(now)],
                                       context: "claim scheduled run")
        if r.rowCount > 0 { return .claimed(attempt: Int(r.int64(0, 0) ?? 1)) }
        let existing = try connection.execute("""
            SELECT instance, status FROM scheduled_runs WHERE pipeline = $1 AND fire_at = to_timestamp($2)
            """, [pipeline, String(fireAt)], context: "scheduled run claim")
        if existing.rowCount > 0 {
            return .taken(instance: existing.string(0, 0) ?? "?", status: existing.string(0, 1) ?? "?")
        }
        let other = try connection.execute("""
            SELECT extract(epoch FROM fire_at)::bigint, instance FROM scheduled_runs
            WHERE pipeline = $1 AND status IN ('claimed', 'running') AND lease_until >= to_timestamp($2)
            ORDER BY fire_at DESC LIMIT 1
            """, [pipeline, String(now)], context: "scheduled run in flight")
        return .busy(fireAt: other.int64(0, 0) ?? 0, instance: other.string(0, 1) ?? "?")
    }

    /// Marks a claimed fire `running` (with its lease extended); false when the claim was lost.
    public func start(pipeline: String, fireAt: Int64, instance: String, leaseUntil: Int64) throws -> Bool {
        try update("""
            UPDATE scheduled_runs SET status = 'running', lease_until = to_timestamp($4)
            WHERE pipeline = $1 AND fire_at = to_timestamp($2) AND instance = $3 AND status IN ('claimed', 'running')
            """, pipeline, fireAt, instance, [String(leaseUntil)])
    }

    /// Extends the lease of a claim this instance holds; false when it no longer holds it
    /// (another instance took it over after the lease passed).
    public func heartbeat(pipeline: String, fireAt: Int64, instance: String, leaseUntil: Int64) throws -> Bool {
        try update("""
            UPDATE scheduled_runs SET lease_until = greatest(lease_until, to_timestamp($4))
            WHERE pipeline = $1 AND fire_at = to_timestamp($2) AND instance = $3 AND status IN ('claimed', 'running')
            """, pipeline, fireAt, instance, [String(leaseUntil)])
    }

    /// Records how the fire ended (`succeeded`, `partial`, `failed`, `skipped`); false when this
    /// instance no longer held the claim.
    @discardableResult
    public func finish(pipeline: String, fireAt: Int64, instance: String, status: String, runID: Int64?,
                       error: String?, now: Int64) throws -> Bool {
        try update("""
            UPDATE scheduled_runs SET status = $4, run_id = $5, error = $6, finished_at = to_timestamp($7)
            WHERE pipeline = $1 AND fire_at = to_timestamp($2) AND instance = $3 AND status IN ('claimed', 'running')
            """, pipeline, fireAt, instance, [status, runID.map(String.init), error, String(now)])
    }

    /// Unfinished claims of `pipelines` whose lease has passed at `now` and that are the
    /// pipeline's newest fire (candidates for a takeover), oldest first.
    public func expiredClaims(pipelines: [String], now: Int64) throws -> [(pipeline: String, fireAt: Int64)] {
        let r = try connection.execute("""
            SELECT pipeline, extract(epoch FROM fire_at)::bigint FROM scheduled_runs s
            WHERE pipeline = ANY($1::text[]) AND status IN ('claimed', 'running') AND lease_until < to_timestamp($2)
              AND NOT EXISTS (SELECT 1 FROM scheduled_runs n WHERE n.pipeline = s.pipeline AND n.fire_at > s.fire_at)
            ORDER BY fire_at
            """, [Self.textArray(pipelines), String(now)], context: "expired scheduled runs")
        return (0..<r.rowCount).map { (r.string($0, 0) ?? "", r.int64($0, 1) ?? 0) }
    }

    /// Closes expired claims that a newer fire of the same pipeline superseded (`skipped`), so no
    /// claim stays half-done past its lease. Returns how many.
    @discardableResult
    public func skipSuperseded(pipelines: [String], now: Int64) throws -> Int64 {
        try connection.execute("""
            UPDATE scheduled_runs s SET status = 'skipped', finished_at = to_timestamp($2),
                error = 'lease of ' || s.instance || ' expired; a later fire superseded it'
            WHERE pipeline = ANY($1::text[]) AND status IN ('claimed', 'running') AND lease_until < to_timestamp($2)
              AND EXISTS (SELECT 1 FROM scheduled_runs n WHERE n.pipeline = s.pipeline AND n.fire_at > s.fire_at)
            """, [Self.textArray(pipelines), String(now)], context: "skip superseded scheduled runs").affectedRows
    }

    /// The newest fire recorded for the pipeline (any status), for catch-up.
    public func latestFire(pipeline: String) throws -> Int64? {
        let r = try connection.execute("SELECT extract(epoch FROM max(fire_at))::bigint FROM scheduled_runs WHERE pipeline = $1",
                                       [pipeline], context: "latest scheduled run")
        return r.int64(0, 0)
    }

    private func update(_ sql: String, _ pipeline: String, _ fireAt: Int64, _ instance: String,
                        _ rest: [String?]) throws -> Bool {
        try connection.execute(sql, [pipeline, String(fireAt), instance] + rest, context: "scheduled run").affectedRows == 1
    }

    /// A `text[]` literal (`{"a","b"}`), quoting every element.
    static func textArray(_ values: [String]) -> String {
        let quoted = values.map { value in
            "\"" + value.flatMap { $0 == "\"" || $0 == "\\" ? ["\\", $0] : [$0] }.map(String.init).joined() + "\""
        }
        return "{" + quoted.joined(separator: ",") + "}"
    }
}
