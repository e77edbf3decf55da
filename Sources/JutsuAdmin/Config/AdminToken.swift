import Foundation

/// The bearer token that mutating admin endpoints require. Never printed: its description is
/// redacted, and it is compared in constant time.
public struct AdminToken: Sendable, CustomStringConvertible {
    let bytes: [UInt8]

    public init?(_ text: String) {
        guard !text.isEmpty else { return nil }
        bytes = Array(text.utf8)
    }

    public var description: String { "AdminToken(redacted, \(bytes.count) bytes)" }

    /// Whether `presented` is the token. Takes the same time whatever the first differing byte
    /// (and, for a wrong length, compares against itself so the time depends on the presented
    /// length only).
    public func matches(_ presented: some Collection<UInt8>) -> Bool {
        let given = Array(presented)
        var difference = UInt8(given.count == bytes.count ? 0 : 1)
        let reference = given.count == bytes.count ? bytes : given
        for (a, b) in zip(given, reference) { difference |= a ^ b }
        return difference == 0
    }

    /// The environment names this token is read from (a contract, documented in
    /// docs/operations.md).
    public static let environmentVariable = "JUTSU_ADMIN_TOKEN"
    public static let fileVariable = "JUTSU_ADMIN_TOKEN_FILE"

    /// `JUTSU_ADMIN_TOKEN`, else the contents of the file named by `JUTSU_ADMIN_TOKEN_FILE`
    /// (one trailing newline trimmed); nil when neither is set. A token file readable by group or
    /// others is refused, like the Schwab token file.
    public static func load(environment: [String: String]) throws(AdminTokenError) -> AdminToken? {
        if let value = environment[environmentVariable], !value.isEmpty {
            guard let token = AdminToken(value) else { throw .empty(source: environmentVariable) }
            return token
        }
        guard let path = environment[fileVariable], !path.isEmpty else { return nil }
        var info = stat()
        guard stat(path, &info) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        if info.st_mode & 0o077 != 0 {
            throw .permissions(path: path, mode: String(info.st_mode & 0o777, radix: 8))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: "cannot read")
        }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\r\n") { text.removeLast(1) } else if text.hasSuffix("\n") { text.removeLast() }
        guard let token = AdminToken(text) else { throw .empty(source: path) }
        return token
    }
}

/// Why the admin token could not be loaded (the token itself is never part of the message).
public enum AdminTokenError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case permissions(path: String, mode: String)
    case empty(source: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "\(AdminToken.fileVariable) \(path): \(reason)"
        case .permissions(let path, let mode):
            "\(AdminToken.fileVariable) \(path) is readable by group or others (mode \(mode)): run `chmod 600 \(path)`"
        case .empty(let source):
            "the admin token in \(source) is empty"
        }
    }
}
