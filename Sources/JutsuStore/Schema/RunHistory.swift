/// Recent rows of `ingest_runs`, for `jutsu-ingest runs`.
public struct RunHistory {
    public let connection: PGConnection

    public init(connection: PGConnection) { self.connection = connection }

    public struct Entry: Sendable, Encodable {
        public var runID: Int64
        public var pipeline: String?
        public var command: String
        public var trigger: String
        public var status: String
        public var startedAt: String
        public var finishedAt: String?
        public var durationSeconds: Double?
        public var read, inserted, updated, unchanged, rejected, discarded, deleted: Int64
        public var error: String?

        enum CodingKeys: String, CodingKey {
            case runID = "run_id", pipeline, command, trigger, status, startedAt = "started_at", finishedAt = "finished_at"
            case durationSeconds = "duration_seconds", error
            case read, inserted, updated, unchanged, rejected, discarded, deleted
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(runID, forKey: .runID)
            try c.encode(pipeline, forKey: .pipeline)
            try c.encode(command, forKey: .command)
            try c.encode(trigger, forKey: .trigger)
            try c.encode(status, forKey: .status)
            try c.encode(startedAt, forKey: .startedAt)
            try c.encode(finishedAt, forKey: .finishedAt)
            try c.encode(durationSeconds, forKey: .durationSeconds)
            try c.encode(read, forKey: .read)
            try c.encode(inserted, forKey: .inserted)
            try c.encode(updated, forKey: .updated)
            try c.encode(unchanged, forKey: .unchanged)
            try c.encode(rejected, forKey: .rejected)
            try c.encode(discarded, forKey: .discarded)
            try c.encode(deleted, forKey: .deleted)
            try c.encode(error, forKey: .error)
        }
    }

    /// The columns `entry(_:_:offset:)` reads, in order.
    static let entryColumns = """
        run_id, pipeline, command, trigger, status,
        to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        round(extract(epoch FROM coalesce(finished_at, now()) - started_at)::numeric, 3)::text,
        rows_read, rows_inserted, rows_updated, rows_unchanged, rows_rejected, rows_discarded, rows_deleted, error
        """

    static func entry(_ r: PGResult, _ i: Int, offset o: Int = 0) -> Entry {
        Entry(runID: r.int64(i, o) ?? 0, pipeline: r.string(i, o + 1), command: r.string(i, o + 2) ?? "",
              trigger: r.string(i, o + 3) ?? "", status: r.string(i, o + 4) ?? "", startedAt: r.string(i, o + 5) ?? "",
              finishedAt: r.string(i, o + 6), durationSeconds: r.string(i, o + 7).flatMap(Double.init),
              read: r.int64(i, o + 8) ?? 0, inserted: r.int64(i, o + 9) ?? 0, updated: r.int64(i, o + 10) ?? 0,
              unchanged: r.int64(i, o + 11) ?? 0, rejected: r.int64(i, o + 12) ?? 0, discarded: r.int64(i, o + 13) ?? 0,
              deleted: r.int64(i, o + 14) ?? 0, error: r.string(i, o + 15))
    }

    /// Newest first. `pipeline`: only that pipeline's runs; `status`: only runs in that state.
    public func recent(pipeline: String?, status: String?, limit: Int) throws -> [Entry] {
        let r = try connection.execute("""
            SELECT \(Self.entryColumns)
            FROM ingest_runs
            WHERE ($1::text IS NULL OR pipeline = $1) AND ($2::text IS NULL OR status = $2)
            ORDER BY run_id DESC LIMIT $3
            """, [pipeline, status, String(limit)], context: "run history")
        return (0..<r.rowCount).map { Self.entry(r, $0) }
    }
}
