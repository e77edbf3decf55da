import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The token file on disk (JSON, see `SchwabToken`): written whole or not at all, readable by
/// its owner only.
///
/// - Written to a temporary file in the same directory (created `0600` before a byte goes in),
///   flushed, then renamed over the old one: a reader sees the old file or the new one, never half
///   of one, and a crash leaves the old token usable.
/// - Missing parent directories are created `0700`.
/// - A file readable or writable by group or others is refused (as ssh refuses such a key), not
///   just warned about: the refresh token gives a week of access to the account, and a warning
///   in an unattended run's log is read by nobody. `chmod 600 FILE` fixes it.
public struct SchwabTokenFile: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// The stored token, or nil when there is no file.
    public func read() throws(SchwabAuthError) -> SchwabToken? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw .tokenFileUnreadable(tokenFile: path, reason: String(cString: strerror(errno)))
        }
        let mode = Int(info.st_mode) & 0o777
        if mode & 0o077 != 0 {
            throw .tokenFileUnreadable(
                tokenFile: path,
                reason: "its mode \(String(mode, radix: 8)) lets others read it; run `chmod 600 \(path)` (or re-run the auth command)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .tokenFileUnreadable(tokenFile: path, reason: "cannot read it")
        }
        do {
            return try Self.decoder.decode(SchwabToken.self, from: data)
        } catch {
            // The decoder's message names the key, never a value.
            throw .tokenFileUnreadable(tokenFile: path, reason: "not a token file (\(Self.describe(error))); run the auth command again")
        }
    }

    /// Replaces the file with `token`, atomically, mode 0600.
    public func write(_ token: SchwabToken) throws(SchwabAuthError) {
        let data: Data
        do { data = try Self.encoder.encode(token) + Data("\n".utf8) } catch {
            throw .tokenFileUnwritable(tokenFile: path, reason: "\(error)")
        }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw .tokenFileUnwritable(tokenFile: path, reason: "cannot create \(directory)")
        }
        let temporary = directory + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw .tokenFileUnwritable(tokenFile: path, reason: String(cString: strerror(errno))) }
        var ok = fchmod(fd, 0o600) == 0  // whatever the umask
        ok = ok && data.withUnsafeBytes { bytes in
            var written = 0
            while written < bytes.count {
                let n = Foundation.write(fd, bytes.baseAddress! + written, bytes.count - written)
                if n <= 0 { return false }
                written += n
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        let reason = String(cString: strerror(errno))
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let failure = ok ? String(cString: strerror(errno)) : reason
            unlink(temporary)
            throw .tokenFileUnwritable(tokenFile: path, reason: failure)
        }
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "no \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.dataCorrupted(let context):
            context.codingPath.isEmpty ? "not JSON" : "bad \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: "unreadable"
        }
    }
}
