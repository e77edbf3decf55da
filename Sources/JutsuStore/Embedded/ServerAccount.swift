#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The OS account the embedded server runs as.
///
/// PostgreSQL refuses to run as root, so when we are root the server's programs run as
/// the `postgres` user through `runuser`, and what they must write is handed to it.
/// Otherwise everything runs as the current user.
enum ServerAccount: Sendable, Equatable {
    case currentUser
    case postgres(uid: uid_t, gid: gid_t, runuser: String)

    static func current() throws -> ServerAccount {
        guard geteuid() == 0 else { return .currentUser }
        guard let entry = getpwnam("postgres") else {
            throw EmbeddedClusterError(
                .serverAccount,
                "running as root, but PostgreSQL refuses root and there is no `postgres` user: run scripts/install-deps (the postgresql package creates it), or run as a normal user")
        }
        let candidates = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"]
        guard let runuser = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw EmbeddedClusterError(.serverAccount, "running as root, but `runuser` is missing: install util-linux")
        }
        return .postgres(uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid, runuser: runuser)
    }

    /// The uid that must own the data directory and the socket directory.
    var uid: uid_t {
        switch self {
        case .currentUser: return geteuid()
        case .postgres(let uid, _, _): return uid
        }
    }

    /// Hands `path` to the server account (no-op for the current user), mode `mode`.
    func own(_ path: String, mode: mode_t) throws {
        if case .postgres(let uid, let gid, _) = self, chown(path, uid, gid) != 0 {
            throw EmbeddedClusterError(.filesystem, "cannot hand \(path) to the postgres user: \(errnoText())")
        }
        if chmod(path, mode) != 0 {
            throw EmbeddedClusterError(.filesystem, "cannot chmod \(path): \(errnoText())")
        }
    }

    /// Whether the server account can reach `path` (search permission on every parent).
    func canTraverse(_ path: String) -> Bool {
        switch self {
        case .currentUser:
            return access(path, X_OK) == 0
        case .postgres:
            let result = try? CommandRunner.run("/usr/bin/test", ["-x", path], as: self)
            return result?.status == 0
        }
    }
}
