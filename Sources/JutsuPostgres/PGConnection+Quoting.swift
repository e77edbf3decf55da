import CLibPQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension PGConnection {
    /// `text` as an SQL string literal, escaped by libpq for this connection's encoding.
    public func literal(_ text: String) throws(StoreError) -> String {
        guard let p = PQescapeLiteral(handle, text, text.utf8.count) else {
            throw StoreError(code: .query, message: "cannot quote a literal: \(Self.trimmed(PQerrorMessage(handle)))")
        }
        defer { PQfreemem(p) }
        return String(cString: p)
    }

    /// `name` as a quoted SQL identifier.
    public func identifier(_ name: String) throws(StoreError) -> String {
        guard let p = PQescapeIdentifier(handle, name, name.utf8.count) else {
            throw StoreError(code: .query, message: "cannot quote an identifier: \(Self.trimmed(PQerrorMessage(handle)))")
        }
        defer { PQfreemem(p) }
        return String(cString: p)
    }

    /// The password of `role` hashed on this side (SCRAM-SHA-256 or what the server's
    /// `password_encryption` says), so the plain text never reaches the server, its logs or
    /// `pg_stat_activity`.
    public func encryptedPassword(_ password: String, role: String) throws(StoreError) -> String {
        guard let p = PQencryptPasswordConn(handle, password, role, nil) else {
            throw StoreError(code: .query, message: "cannot hash the password: \(Self.trimmed(PQerrorMessage(handle)))")
        }
        defer { PQfreemem(p) }
        return String(cString: p)
    }
}
