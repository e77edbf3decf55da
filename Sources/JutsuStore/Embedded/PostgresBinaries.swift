import Foundation

/// The PostgreSQL server programs the embedded cluster runs: `initdb` and `pg_ctl`.
struct PostgresBinaries: Sendable, Equatable {
    static let minimumMajor = 15

    var directory: String
    var major: Int

    var initdb: String { directory + "/initdb" }
    var pgCtl: String { directory + "/pg_ctl" }

    /// Finds the server binaries. Search order: `JUTSU_PG_BINDIR`, the newest
    /// `/usr/lib/postgresql/<major>/bin` (Debian/Ubuntu keep them off PATH), `PATH`,
    /// `pg_config --bindir`. With `major`, only that major version qualifies (an existing
    /// data directory needs the version that created it); otherwise the newest >= 15.
    static func locate(major required: Int? = nil,
                       environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PostgresBinaries {
        var found: [PostgresBinaries] = []
        for directory in candidateDirectories(environment: environment) {
            guard isServerDirectory(directory), !found.contains(where: { $0.directory == directory }),
                  let major = majorVersion(of: directory) else { continue }
            found.append(PostgresBinaries(directory: directory, major: major))
        }
        if let required {
            if let match = found.first(where: { $0.major == required }) { return match }
            let others = found.map { "\($0.major) in \($0.directory)" }.joined(separator: ", ")
            throw EmbeddedClusterError(
                .versionMismatch,
                "the embedded cluster was created by PostgreSQL \(required), whose server binaries are not installed"
                    + (others.isEmpty ? "" : " (found \(others))")
                    + ": install postgresql-\(required), or move the cluster's data directory aside to start a new one")
        }
        if let best = found.filter({ $0.major >= minimumMajor }).max(by: { $0.major < $1.major }) {
            return best
        }
        if let old = found.first {
            throw EmbeddedClusterError(
                .binariesNotFound,
                "PostgreSQL \(old.major) found in \(old.directory), but jutsu-ingest needs \(minimumMajor) or newer: run scripts/install-deps (installs postgresql)")
        }
        throw EmbeddedClusterError(
            .binariesNotFound,
            "PostgreSQL server binaries not found: run scripts/install-deps (installs postgresql), or set JUTSU_PG_BINDIR to the directory holding initdb and pg_ctl")
    }

    private static func candidateDirectories(environment: [String: String]) -> [String] {
        var dirs: [String] = []
        if let override = environment["JUTSU_PG_BINDIR"], !override.isEmpty { dirs.append(override) }
        let debianRoot = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: debianRoot)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        dirs += versions.map { "\(debianRoot)/\($0)/bin" }
        for dir in (environment["PATH"] ?? "").split(separator: ":") where !dir.isEmpty {
            dirs.append(String(dir))
        }
        if let pgConfig = dirs.lazy.map({ $0 + "/pg_config" }).first(where: FileManager.default.isExecutableFile(atPath:))
            ?? ["/usr/bin/pg_config", "/usr/local/bin/pg_config"].first(where: FileManager.default.isExecutableFile(atPath:)),
           let result = try? CommandRunner.run(pgConfig, ["--bindir"], as: .currentUser), result.status == 0 {
            dirs.append(result.output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return dirs
    }

    private static func isServerDirectory(_ dir: String) -> Bool {
        FileManager.default.isExecutableFile(atPath: dir + "/initdb")
            && FileManager.default.isExecutableFile(atPath: dir + "/pg_ctl")
    }

    /// `/usr/lib/postgresql/15/bin` says 15; elsewhere ask `pg_ctl --version`
    /// (`pg_ctl (PostgreSQL) 16.4`).
    private static func majorVersion(of dir: String) -> Int? {
        let parts = dir.split(separator: "/")
        if parts.count >= 4, parts[parts.count - 1] == "bin", parts[parts.count - 3] == "postgresql",
           let major = Int(parts[parts.count - 2]) {
            return major
        }
        guard let result = try? CommandRunner.run(dir + "/pg_ctl", ["--version"], as: .currentUser),
              result.status == 0 else { return nil }
        return parseMajor(fromVersionOutput: result.output)
    }

    /// The first integer after `(PostgreSQL) `: `pg_ctl (PostgreSQL) 16.4` -> 16.
    static func parseMajor(fromVersionOutput text: String) -> Int? {
        guard let range = text.range(of: "(PostgreSQL) ") else { return nil }
        return Int(text[range.upperBound...].prefix(while: \.isNumber))
    }
}
