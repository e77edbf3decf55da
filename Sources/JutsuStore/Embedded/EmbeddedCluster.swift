#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging

/// The project's private PostgreSQL cluster, used when no database is configured.
///
/// Lives under `root` (`<project>/.jutsu/pg`): created with `initdb` on first use, started
/// with `pg_ctl` when not running, reachable only through a unix socket (no TCP), trust
/// authentication, superuser `postgres`, database `jutsu`. See `EmbeddedClusterLayout`
/// for the files, the fixed port and relocation to `/var/lib/jutsu-ingest/<hash>` (when we
/// are root and the `postgres` user cannot reach the project directory).
///
/// Safe across processes: creating, starting and stopping hold an `flock` on
/// `<root>/lock`, so two CLI processes starting at once share one server.
public struct EmbeddedCluster: Sendable {
    /// `<project>/.jutsu/pg`, absolute.
    public let root: String
    let logger: Logger

    /// `root` is the cluster's directory, normally `<project>/.jutsu/pg`; nothing is
    /// touched until `ensureRunning()`. `logger` hears about creation and starts.
    public init(root: String, logger: Logger? = nil) {
        self.root = EmbeddedClusterLayout.normalize(root)
        self.logger = logger ?? Logger(label: "jutsu.embedded-cluster", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    var layout: EmbeddedClusterLayout { EmbeddedClusterLayout(root: root) }

    /// Whether `initdb` has run for this cluster.
    public var isInitialized: Bool { layout.isInitialized }

    /// The conninfo for the `jutsu` database; valid once `ensureRunning()` returned.
    public var conninfo: String { layout.conninfo() }

    /// Creates the cluster if needed (initdb), starts the server if it is not running,
    /// creates the `jutsu` database if missing. Returns the libpq conninfo for it
    /// (unix socket, database `jutsu`, user `postgres`).
    public func ensureRunning() throws -> String {
        try makeDirectory(root, mode: 0o755)
        let lock = try FileLock(path: layout.lockFile)
        defer { lock.unlock() }
        let account = try ServerAccount.current()

        var layout = self.layout
        let maintenance = layout.conninfo(database: "postgres")
        if !layout.isInitialized {
            let binaries = try PostgresBinaries.locate()
            layout = try initialize(layout, binaries: binaries, account: account)
            try start(layout, binaries: binaries, account: account)
        } else if !EmbeddedClusterAdmin.isAccepting(maintenance) {
            let binaries = try PostgresBinaries.locate(major: dataMajorVersion(layout))
            try start(layout, binaries: binaries, account: account)
        }
        try EmbeddedClusterAdmin.createDatabaseIfMissing(
            EmbeddedClusterLayout.database, maintenanceConninfo: layout.conninfo(database: "postgres"))
        return layout.conninfo()
    }

    /// Where the cluster is and whether it runs. Never creates or starts anything.
    public func status() -> EmbeddedClusterStatus {
        let layout = self.layout
        let initialized = layout.isInitialized
        let maintenance = layout.conninfo(database: "postgres")
        let running = initialized && EmbeddedClusterAdmin.isAccepting(maintenance)
        var pid: Int32?
        if running, let text = try? String(contentsOfFile: layout.dataDirectory + "/postmaster.pid", encoding: .utf8) {
            pid = text.split(separator: "\n").first.flatMap { Int32($0.trimmingCharacters(in: .whitespaces)) }
        }
        let version = running
            ? EmbeddedClusterAdmin.serverVersion(maintenance)
            : (initialized ? dataMajorVersion(layout).map(String.init) : nil)
        return EmbeddedClusterStatus(
            root: layout.root, dataDirectory: layout.dataDirectory, isRelocated: layout.isRelocated,
            isInitialized: initialized, isRunning: running, pid: pid,
            socketDirectory: layout.socketDirectory, port: layout.port, serverVersion: version,
            logFile: layout.logFile, conninfo: layout.conninfo())
    }

    /// Stops the server (fast shutdown: open sessions are ended, data is kept).
    /// Does nothing when it is not running.
    public func stop() throws {
        try stop(mode: "fast")
    }

    /// `mode` is pg_ctl's: `fast` (clean shutdown) or `immediate` (no checkpoint: the
    /// next start runs crash recovery; fine when the data is about to be deleted).
    private func stop(mode: String) throws {
        guard layout.isInitialized else { return }
        let lock = try FileLock(path: layout.lockFile)
        defer { lock.unlock() }
        let layout = self.layout
        let maintenance = layout.conninfo(database: "postgres")
        let pidFile = layout.dataDirectory + "/postmaster.pid"
        guard EmbeddedClusterAdmin.isAccepting(maintenance) || FileManager.default.fileExists(atPath: pidFile) else {
            return
        }
        let account = try ServerAccount.current()
        let binaries = try PostgresBinaries.locate(major: dataMajorVersion(layout))
        logger.info("stopping the embedded PostgreSQL server", metadata: ["data": "\(layout.dataDirectory)"])
        let result = try CommandRunner.run(
            binaries.pgCtl, ["stop", "-D", layout.dataDirectory, "-m", mode, "-w", "-t", "60"], as: account)
        // A stale postmaster.pid (after a crash or reboot) makes pg_ctl fail: not running is the goal.
        if result.status != 0, EmbeddedClusterAdmin.isAccepting(maintenance) {
            throw EmbeddedClusterError(.stopFailed, "pg_ctl stop failed for \(layout.dataDirectory)",
                                       detail: CommandRunner.tail(result.output))
        }
    }

    /// Stops the server and deletes the cluster and all its data: `root`, the relocated
    /// directory and the `/tmp` socket directory, where used.
    public func destroy() throws {
        try stop(mode: "immediate")
        let layout = self.layout
        let fm = FileManager.default
        if layout.isRelocated, layout.clusterDirectory.hasPrefix(EmbeddedClusterLayout.relocationBase + "/") {
            try? fm.removeItem(atPath: layout.clusterDirectory)
        }
        if layout.socketDirectory.hasPrefix("/tmp/jutsu-") { try? fm.removeItem(atPath: layout.socketDirectory) }
        if fm.fileExists(atPath: root) {
            do { try fm.removeItem(atPath: root) } catch {
                throw EmbeddedClusterError(.filesystem, "cannot remove \(root): \(error)")
            }
        }
    }

    // MARK: Creating

    private func initialize(_ initial: EmbeddedClusterLayout, binaries: PostgresBinaries,
                            account: ServerAccount) throws -> EmbeddedClusterLayout {
        var layout = initial
        if case .postgres = account, !account.canTraverse(root) {
            layout = layout.relocated(to: layout.relocationTarget)
            if try adoptRelocatedCluster(layout) { return layout }
        }
        let fm = FileManager.default
        // initdb into a side directory, then rename: an interrupted initdb never leaves
        // a half-made `data` that would look initialized.
        let staging = layout.clusterDirectory + "/data.initdb"
        try? fm.removeItem(atPath: staging)
        try makeDirectory(staging, mode: 0o700)
        try account.own(staging, mode: 0o700)

        logger.info("creating the embedded PostgreSQL \(binaries.major) cluster (first use)",
                    metadata: ["data": "\(layout.dataDirectory)"])
        let result = try CommandRunner.run(
            binaries.initdb,
            ["-D", staging, "--auth=trust", "--username=\(EmbeddedClusterLayout.superuser)",
             "--encoding=UTF8", "--locale=C"],
            as: account)
        guard result.status == 0 else {
            try? fm.removeItem(atPath: staging)
            throw EmbeddedClusterError(.initdbFailed, "initdb failed for \(layout.dataDirectory) (\(binaries.initdb))",
                                       detail: CommandRunner.tail(result.output))
        }
        do {
            try fm.moveItem(atPath: staging, toPath: layout.dataDirectory)
            try "\(layout.port)\n".write(toFile: layout.portFile, atomically: true, encoding: .utf8)
            if layout.isRelocated { try recordRelocation(layout) }
        } catch let error as EmbeddedClusterError {
            throw error
        } catch {
            throw EmbeddedClusterError(.filesystem, "cannot finish creating \(layout.dataDirectory): \(error)")
        }
        return layout
    }

    /// Prepares `/var/lib/jutsu-ingest/<hash>` and claims it with a `ROOT` file. Returns
    /// true when it already holds this project's cluster (its `LOCATION` was lost, e.g. a
    /// crash right after initdb): that cluster is adopted, not overwritten.
    private func adoptRelocatedCluster(_ layout: EmbeddedClusterLayout) throws -> Bool {
        try makeDirectory(EmbeddedClusterLayout.relocationBase, mode: 0o755)
        try makeDirectory(layout.clusterDirectory, mode: 0o755)
        let ownerFile = layout.clusterDirectory + "/ROOT"
        let owner = (try? String(contentsOfFile: ownerFile, encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if let owner, !owner.isEmpty, owner != root {
            throw EmbeddedClusterError(
                .filesystem,
                "\(layout.clusterDirectory) holds the embedded cluster of \(owner), not of \(root): remove it if that project is gone")
        }
        do {
            try (root + "\n").write(toFile: ownerFile, atomically: true, encoding: .utf8)
        } catch {
            throw EmbeddedClusterError(.filesystem, "cannot write \(ownerFile): \(error)")
        }
        guard layout.isInitialized else { return false }
        logger.notice("reusing this project's embedded cluster at \(layout.clusterDirectory) (\(layout.locationFile) was missing)")
        try recordRelocation(layout)
        return true
    }

    private func recordRelocation(_ layout: EmbeddedClusterLayout) throws {
        do {
            try (layout.clusterDirectory + "\n").write(toFile: layout.locationFile, atomically: true, encoding: .utf8)
            if !FileManager.default.fileExists(atPath: layout.portFile) {
                try "\(layout.port)\n".write(toFile: layout.portFile, atomically: true, encoding: .utf8)
            }
        } catch {
            throw EmbeddedClusterError(.filesystem, "cannot write \(layout.locationFile): \(error)")
        }
    }

    // MARK: Starting

    private func start(_ layout: EmbeddedClusterLayout, binaries: PostgresBinaries, account: ServerAccount) throws {
        try prepareSocketDirectory(layout, account: account)
        try prepareLogFile(layout, account: account)
        logger.info("starting the embedded PostgreSQL server",
                    metadata: ["data": "\(layout.dataDirectory)", "socket": "\(layout.socketDirectory)",
                               "port": "\(layout.port)", "log": "\(layout.logFile)"])
        // pg_ctl hands -o to /bin/sh; '' is an empty listen_addresses: no TCP at all.
        let options = "-c listen_addresses='' -c port=\(layout.port) -c unix_socket_directories=\(shellQuote(layout.socketDirectory))"
        let result = try CommandRunner.run(
            binaries.pgCtl,
            ["start", "-D", layout.dataDirectory, "-l", layout.serverLogFile, "-w", "-t", "60", "-o", options],
            as: account)
        guard result.status == 0, EmbeddedClusterAdmin.isAccepting(layout.conninfo(database: "postgres")) else {
            let log = (try? String(contentsOfFile: layout.serverLogFile, encoding: .utf8)) ?? ""
            throw EmbeddedClusterError(
                .startFailed,
                "the embedded PostgreSQL server did not start (data \(layout.dataDirectory), log \(layout.logFile))",
                detail: CommandRunner.tail(result.output, lines: 8) + "\n--- server log:\n" + CommandRunner.tail(log))
        }
    }

    /// The socket directory must exist after a reboot (it may be in /tmp) and belong to
    /// the server account, mode 0700: with trust authentication it is the access control.
    private func prepareSocketDirectory(_ layout: EmbeddedClusterLayout, account: ServerAccount) throws {
        let dir = layout.socketDirectory
        var info = stat()
        if lstat(dir, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == account.uid else {
                throw EmbeddedClusterError(
                    .filesystem,
                    "socket directory \(dir) exists but is not a directory owned by the server's user: remove it")
            }
        } else {
            try makeDirectory(dir, mode: 0o700)
        }
        try account.own(dir, mode: 0o700)
    }

    /// pg_ctl's `-l` file is opened by the server's user: create it for them, and point
    /// `<root>/server.log` at it when relocated.
    private func prepareLogFile(_ layout: EmbeddedClusterLayout, account: ServerAccount) throws {
        let fm = FileManager.default
        if !fm.fileExists(atPath: layout.serverLogFile) {
            guard fm.createFile(atPath: layout.serverLogFile, contents: nil) else {
                throw EmbeddedClusterError(.filesystem, "cannot create \(layout.serverLogFile)")
            }
        }
        try account.own(layout.serverLogFile, mode: 0o644)
        if layout.isRelocated, (try? fm.destinationOfSymbolicLink(atPath: layout.logFile)) != layout.serverLogFile {
            try? fm.removeItem(atPath: layout.logFile)
            try? fm.createSymbolicLink(atPath: layout.logFile, withDestinationPath: layout.serverLogFile)
        }
    }

    // MARK: Helpers

    /// The major version that created the data directory (`PG_VERSION`).
    private func dataMajorVersion(_ layout: EmbeddedClusterLayout) -> Int? {
        (try? String(contentsOfFile: layout.dataDirectory + "/PG_VERSION", encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    private func makeDirectory(_ path: String, mode: Int) throws {
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
        } catch {
            throw EmbeddedClusterError(.filesystem, "cannot create directory \(path): \(error)")
        }
    }

    private func shellQuote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
