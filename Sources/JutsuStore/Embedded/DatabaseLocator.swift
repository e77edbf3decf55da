import Logging

/// Decides which PostgreSQL database the tool talks to.
///
/// Resolution order, first match wins:
/// 1. `--database-url` (`flag`), a libpq URI or `key=value` conninfo;
/// 2. `DATABASE_URL`;
/// 3. libpq's own environment: any of `PGHOST`, `PGHOSTADDR`, `PGPORT`, `PGDATABASE`,
///    `PGUSER`, `PGPASSWORD`, `PGSERVICE` set and non-empty (libpq reads them itself;
///    tuning-only variables such as `PGSSLMODE` or `PGAPPNAME` do not pick a server);
/// 4. the embedded private cluster under `<projectDirectory>/.jutsu/pg`, created and
///    started on demand (see `EmbeddedCluster`).
public enum DatabaseLocator {
    /// The `PG*` variables that name a server, a database or a role.
    public static let libpqTargetVariables = [
        "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGSERVICE",
    ]

    /// The project directory: `JUTSU_HOME` when set, else the current directory.
    public static func projectDirectory(environment: [String: String], currentDirectory: String) -> String {
        if let home = environment["JUTSU_HOME"], !home.isEmpty { return home }
        return currentDirectory
    }

    /// The embedded cluster's root for a project: `<projectDirectory>/.jutsu/pg`.
    public static func embeddedRoot(projectDirectory: String) -> String {
        var dir = projectDirectory
        while dir.count > 1, dir.hasSuffix("/") { dir.removeLast() }
        return dir + "/.jutsu/pg"
    }

    /// Resolution order: flag, DATABASE_URL, PG* environment, embedded (created/started on demand).
    ///
    /// With `startEmbedded: false` the embedded target is described (its conninfo is
    /// still right) but nothing is created or started: for `db status` and dry runs.
    public static func resolve(
        flag: String?, environment: [String: String], projectDirectory: String,
        startEmbedded: Bool = true, logger: Logger? = nil
    ) throws -> DatabaseTarget {
        if let flag, !flag.isEmpty {
            return DatabaseTarget(conninfo: flag, origin: .flag,
                                  redactedDescription: "--database-url \(redact(flag))")
        }
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            return DatabaseTarget(conninfo: url, origin: .environmentURL,
                                  redactedDescription: "DATABASE_URL \(redact(url))")
        }
        let libpqVariables = libpqTargetVariables.filter { !(environment[$0] ?? "").isEmpty }
        if !libpqVariables.isEmpty {
            let shown = libpqVariables.map { $0 == "PGPASSWORD" ? "PGPASSWORD=\(ConninfoRedaction.mask)" : "\($0)=\(environment[$0]!)" }
            return DatabaseTarget(conninfo: "", origin: .libpqEnvironment,
                                  redactedDescription: "libpq environment (\(shown.joined(separator: " ")))")
        }
        let root = embeddedRoot(projectDirectory: projectDirectory)
        let cluster = EmbeddedCluster(root: root, logger: logger)
        let conninfo = startEmbedded ? try cluster.ensureRunning() : cluster.conninfo
        let layout = cluster.layout
        return DatabaseTarget(
            conninfo: conninfo, origin: .embedded(dataDirectory: layout.dataDirectory),
            redactedDescription: "embedded cluster \(layout.dataDirectory) (\(conninfo))")
    }

    /// Hides passwords in URIs (`user:***@`, `?password=***`) and `key=value` forms
    /// (`password=***`); the rest is kept as written.
    public static func redact(_ conninfo: String) -> String {
        ConninfoRedaction.redact(conninfo)
    }
}
