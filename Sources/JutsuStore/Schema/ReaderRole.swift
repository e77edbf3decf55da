import JutsuPostgres

/// A login role that reads the compatibility schema `jutsu_legacy` and nothing else: what the
/// Jutsu Labs engine connects as (docs/jutsu-labs.md). Its `search_path` is `jutsu_legacy`,
/// so the engine's unqualified `market_data` finds the view; every transaction is read only,
/// and it holds SELECT on that schema's views only (they read the stored tables with their
/// owner's rights), so a write is refused by the server.
public struct ReaderRole: Sendable {
    public static let schema = "jutsu_legacy"
    public var name: String

    public init(name: String) { self.name = name }

    /// Whether the role was made or changed.
    public enum Outcome: String, Sendable { case created, updated }

    /// Creates or updates the role with `password` (hashed before it is sent), in one transaction.
    public func apply(password: String, on connection: PGConnection) throws -> Outcome {
        let role = try connection.identifier(name)
        let existing = try connection.execute(
            "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls FROM pg_roles WHERE rolname = $1",
            [name], context: "reader role")
        if existing.rowCount == 1, existing.bool(0, 0) == true {
            throw StoreError(code: .query, message: "role \(name) has administrative attributes (superuser, createrole, createdb, replication or bypassrls)",
                             hint: "a reader role must have none: choose another --role name")
        }
        let outcome: Outcome = existing.rowCount == 1 ? .updated : .created
        let secret = try connection.literal(try connection.encryptedPassword(password, role: name))
        let database = try connection.identifier(connection.databaseName)
        let schema = try connection.identifier(Self.schema)
        try connection.transaction {
            let attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT PASSWORD \(secret)"
            try connection.execute(outcome == .created ? "CREATE ROLE \(role) \(attributes)" : "ALTER ROLE \(role) \(attributes)",
                                   context: "reader role")
            try connection.execute("""
                ALTER ROLE \(role) IN DATABASE \(database) SET search_path = \(schema);
                ALTER ROLE \(role) IN DATABASE \(database) SET default_transaction_read_only = on;
                GRANT CONNECT ON DATABASE \(database) TO \(role);
                GRANT USAGE ON SCHEMA \(schema) TO \(role);
                GRANT SELECT ON ALL TABLES IN SCHEMA \(schema) TO \(role);
                ALTER DEFAULT PRIVILEGES IN SCHEMA \(schema) GRANT SELECT ON TABLES TO \(role);
                """, context: "reader role grants")
        }
        return outcome
    }
}
