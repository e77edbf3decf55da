/// Where the database comes from, for `db status` and logs (never print passwords).
public enum DatabaseOrigin: Sendable, Equatable {
    /// `--database-url` on the command line.
    case flag
    /// The `DATABASE_URL` environment variable.
    case environmentURL
    /// libpq's own `PG*` environment variables (`PGHOST`, `PGPORT`, `PGSERVICE`, ...).
    case libpqEnvironment
    /// The private cluster under `<project>/.jutsu/pg`; `dataDirectory` is the real
    /// `PGDATA` (under `/var/lib/jutsu-ingest` when relocated, see `EmbeddedCluster`).
    case embedded(dataDirectory: String)
}
