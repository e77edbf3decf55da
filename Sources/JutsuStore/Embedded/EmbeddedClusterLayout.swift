import Foundation

/// Where an embedded cluster's pieces live, derived from its root (`<project>/.jutsu/pg`).
///
/// ```
/// <root>/
///   lock          flock(2) target serializing CLI processes
///   port          the cluster's port, fixed at creation (20000-29999, from the path hash)
///   server.log    the server log (a symlink to it when relocated)
///   LOCATION      only when relocated: the real cluster directory
///   data/         PGDATA (when not relocated)
///   run/          socket directory, when <root>/run/.s.PGSQL.<port> fits a socket path
/// /var/lib/jutsu-ingest/<hash>/   the real cluster directory when relocated:
///   ROOT          the project root it belongs to
///   data/  run/  server.log
/// /tmp/jutsu-<hash>/              socket directory when the cluster path is too long
/// ```
/// Relocation happens when we run as root and the `postgres` user cannot reach `root`
/// (a checkout under `/root`, mode 0700): PostgreSQL must run as `postgres`.
struct EmbeddedClusterLayout: Sendable, Equatable {
    static let relocationBase = "/var/lib/jutsu-ingest"
    static let database = "jutsu"
    static let superuser = "postgres"
    /// A socket path is at most 107 bytes; the file name `/.s.PGSQL.NNNNN` takes 15.
    static let maxSocketDirectoryLength = 90

    var root: String
    var clusterDirectory: String
    var socketDirectory: String
    var port: Int
    var hash: String

    var dataDirectory: String { clusterDirectory + "/data" }
    var isRelocated: Bool { clusterDirectory != root }
    var lockFile: String { root + "/lock" }
    var portFile: String { root + "/port" }
    var locationFile: String { root + "/LOCATION" }
    /// The log users look at; a symlink to `serverLogFile` when relocated.
    var logFile: String { root + "/server.log" }
    /// The log the server writes.
    var serverLogFile: String { clusterDirectory + "/server.log" }
    var isInitialized: Bool { FileManager.default.fileExists(atPath: dataDirectory) }

    /// Reads `LOCATION` and `port` when present; otherwise the defaults for `root`.
    init(root rawRoot: String) {
        root = Self.normalize(rawRoot)
        let digest = Self.fnv1a(root)
        hash = String(String(digest, radix: 16).leftPadded(to: 16).prefix(12))
        let recorded = (try? String(contentsOfFile: root + "/LOCATION", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        clusterDirectory = (recorded?.isEmpty == false) ? recorded! : root
        let storedPort = (try? String(contentsOfFile: root + "/port", encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        port = storedPort.flatMap { (1024...65535).contains($0) ? $0 : nil } ?? 20000 + Int(digest % 10000)
        socketDirectory = ""
        socketDirectory = Self.socketDirectory(clusterDirectory: clusterDirectory, hash: hash)
    }

    /// The same cluster moved to `clusterDirectory` (relocation at creation).
    func relocated(to clusterDirectory: String) -> EmbeddedClusterLayout {
        var copy = self
        copy.clusterDirectory = clusterDirectory
        copy.socketDirectory = Self.socketDirectory(clusterDirectory: clusterDirectory, hash: hash)
        return copy
    }

    var relocationTarget: String { Self.relocationBase + "/" + hash }

    /// libpq conninfo for `database` over the unix socket, user `postgres`.
    func conninfo(database: String = EmbeddedClusterLayout.database) -> String {
        "host=\(Self.quote(socketDirectory)) port=\(port) dbname=\(Self.quote(database)) user=\(Self.superuser)"
    }

    private static func socketDirectory(clusterDirectory: String, hash: String) -> String {
        let inside = clusterDirectory + "/run"
        // unix_socket_directories is a comma-separated list: keep odd characters out of it.
        let plain = !inside.contains(where: { ",'\"\\".contains($0) })
        return plain && inside.utf8.count <= maxSocketDirectoryLength ? inside : "/tmp/jutsu-" + hash
    }

    /// Absolute, without `.`/`..` or trailing slashes: one cluster per directory.
    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: absolute).standardizedFileURL.path
    }

    /// A conninfo value: bare when safe, else single-quoted with `\` escapes.
    static func quote(_ value: String) -> String {
        let safe = !value.isEmpty && value.allSatisfy { $0.isLetter || $0.isNumber || "/._-".contains($0) }
        if safe { return value }
        return "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// FNV-1a, 64 bits: stable across runs and platforms (unlike `Hasher`).
    static func fnv1a(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
